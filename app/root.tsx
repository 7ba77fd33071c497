import {
  Alert,
  ColorSchemeScript,
  createTheme,
  type CSSVariablesResolver,
  MantineProvider,
  mantineHtmlProps,
} from "@mantine/core";
import mantineCss from "@mantine/core/styles.css";
import { Notifications, notifications } from "@mantine/notifications";
import notificationsCss from "@mantine/notifications/styles.css";
import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Shell } from "./components/app-shell";
import { GeneralErrorBoundary } from "./components/error-boundary";
import { inboxCount } from "./models/match-overview.server";
import { listMyOrganizations } from "./models/org.server";
import appCss from "./styles/app.css";
import { getAuthHeaders, getUser } from "./utils/auth.server";
import { getT, isLocale, type Locale } from "./utils/i18n";
import { getLocale } from "./utils/locale.server";
import { combineHeaders } from "./utils/misc";
import { useNonce } from "./utils/nonce-provider";
import { getToast, type Toast } from "./utils/toast.server";

declare module "@remix-run/server-runtime" {
  interface Future {
    v3_singleFetch: true;
  }
}

// Inline, so no request (and no 404) for a favicon file.
const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#4263eb"/><text x="32" y="46" font-size="40" text-anchor="middle" fill="#fff" font-family="sans-serif">桥</text></svg>',
)}`;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: mantineCss },
  { rel: "stylesheet", href: notificationsCss },
  { rel: "stylesheet", href: appCss },
  { rel: "icon", href: FAVICON, type: "image/svg+xml" },
];

const theme = createTheme({
  primaryColor: "indigo",
  // Shade 7 and a darker "dimmed" keep text at WCAG AA contrast (4.5:1) on white.
  primaryShade: { light: 7, dark: 5 },
  fontFamily:
    '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", Roboto, sans-serif',
});

export async function loader({ request }: LoaderFunctionArgs) {
  const [user, locale, toast, authHeaders] = await Promise.all([
    getUser(request),
    getLocale(request),
    getToast(request),
    getAuthHeaders(request),
  ]);
  const [orgs, inbox] = user ? await Promise.all([listMyOrganizations(user.id), inboxCount(user)]) : [[], 0];
  return data(
    {
      user: user ? { id: user.id, name: user.name, email: user.email, role: user.role } : null,
      orgs,
      // the nav badge: new strong match suggestions since the last inbox visit
      inboxCount: inbox,
      locale,
      toast: toast.toast,
    },
    { headers: combineHeaders(toast.headers, authHeaders) },
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const t = getT(data?.locale ?? "zh-CN");
  return [{ title: t("home.title") }, { name: "description", content: t("home.heroText") }];
};

const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    // Text on "light" buttons, badges, alerts and the active nav link (shade 6 is under 4.5:1).
    ...Object.fromEntries(
      ["indigo", "teal", "red", "orange", "gray"].map((c) => [`--mantine-color-${c}-light-color`, `var(--mantine-color-${c}-9)`]),
    ),
  },
  dark: {},
});

function Document({ locale, children }: { locale: Locale; children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang={locale} {...mantineHtmlProps}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
        <ColorSchemeScript nonce={nonce} defaultColorScheme="light" />
      </head>
      <body>
        <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={cssVariablesResolver}>
          {/* Bottom right: at the top they would cover the header's user controls. */}
          <Notifications position="bottom-right" />
          {children}
        </MantineProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

const toastColor = { success: "teal", error: "red", info: "indigo" } as const;
const toastTitle = {
  success: "common.toast.successTitle",
  error: "common.toast.errorTitle",
  info: "common.toast.infoTitle",
} as const;

/** Shows the toast the root loader read from the flash cookie (once per toast id). */
function ShowToast({ toast }: { toast: Toast }) {
  const { t } = useTranslation();
  const { type, title, description } = toast;
  const values = toast.values ?? {};
  useEffect(() => {
    // A timeout so the notification store is ready after hydration; the id makes it show once.
    const timer = setTimeout(() => {
      notifications.show({
        id: toast.id,
        color: toastColor[toast.type],
        title: t(toast.title ?? toastTitle[toast.type], toast.values ?? {}),
        message: t(toast.description, toast.values ?? {}),
        autoClose: 6000,
        // Mantine's close button has no name, and its dimmed message text is below AA contrast
        closeButtonProps: { "aria-label": t("common.toast.close") },
        styles: { description: { color: "var(--mantine-color-text)" } },
      });
    }, 0);
    return () => clearTimeout(timer);
  }, [toast, t]);
  // Without JavaScript the message is still there, as a plain alert.
  return (
    <noscript>
      <Alert color={toastColor[type]} title={t(title ?? toastTitle[type], values)} mb="md">
        {t(description, values)}
      </Alert>
    </noscript>
  );
}

/**
 * Keeps the browser's i18next instance in the language the server chose (it changes without a
 * reload when the profile's language is saved). In an effect: changing it during render would
 * update other components' translations mid-render.
 */
function useSyncLanguage(locale: Locale) {
  const { i18n } = useTranslation();
  useEffect(() => {
    if (i18n.language !== locale) void i18n.changeLanguage(locale);
  }, [i18n, locale]);
}

export default function App() {
  const { user, orgs, inboxCount: inbox, locale, toast } = useLoaderData<typeof loader>();
  useSyncLanguage(locale);
  return (
    <Document locale={locale}>
      <Shell user={user} orgs={orgs} inboxCount={inbox}>
        {toast ? <ShowToast key={toast.id} toast={toast} /> : null}
        <Outlet />
      </Shell>
    </Document>
  );
}

export function ErrorBoundary() {
  // The root loader may have failed: fall back to whatever language i18next already has.
  const rootData = useRouteLoaderData<typeof loader>("root");
  const { i18n } = useTranslation();
  const locale = rootData?.locale ?? (isLocale(i18n.language) ? i18n.language : "zh-CN");
  return (
    <Document locale={locale}>
      <Shell user={rootData?.user ?? null} orgs={rootData?.orgs ?? []}>
        <GeneralErrorBoundary />
      </Shell>
    </Document>
  );
}
