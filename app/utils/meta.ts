import { DEFAULT_LOCALE, getT, isLocale, type Locale, type MessageKey } from "./i18n";

type Match = { id: string; data: unknown };

/** The language the root loader chose, for meta functions (which cannot use hooks). */
export function rootLocale(matches: readonly Match[]): Locale {
  const root = matches.find((m) => m.id === "root")?.data;
  return root && typeof root === "object" && "locale" in root && isLocale(root.locale) ? root.locale : DEFAULT_LOCALE;
}

/** `[{ title: "<page> · 桥 Qiao" }]` in the page's language. */
export function pageTitle(matches: readonly Match[], key: MessageKey, values?: Record<string, string | number>) {
  const t = getT(rootLocale(matches));
  return [{ title: `${t(key, values ?? {})} · ${t("common.brand")}` }];
}
