import { createCookie, redirect } from "@remix-run/node";
import { z } from "zod";
import { isMessageKey, type MessageKey } from "~/locales";
import { secureCookies } from "./cookies.server";
import { combineHeaders } from "./misc";

// A toast is a one-shot message carried by a short-lived cookie across a redirect (flash),
// read and cleared by the root loader and shown with @mantine/notifications.
// Texts are translation keys (plus interpolation values), translated in the browser in the
// user's language. The cookie is not signed: a forged one can only show the forger a known
// message (keys are checked), which is harmless.

const TOAST_COOKIE = "qiao_toast";

const toastSchema = z.object({
  id: z.string().default(() => Math.random().toString(36).slice(2)),
  type: z.enum(["success", "error", "info"]).default("success"),
  title: z.string().refine(isMessageKey).optional(),
  description: z.string().refine(isMessageKey),
  values: z.record(z.union([z.string(), z.number()])).optional(),
});

export type Toast = z.infer<typeof toastSchema> & { title?: MessageKey; description: MessageKey };
export type ToastInput = {
  type?: Toast["type"];
  title?: MessageKey;
  description: MessageKey;
  values?: Record<string, string | number>;
};

function toastCookie() {
  return createCookie(TOAST_COOKIE, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: secureCookies(),
    maxAge: 60,
  });
}

/** Set-Cookie headers that make the next page show this toast. */
export async function createToastHeaders(toast: ToastInput): Promise<Headers> {
  const value = toastSchema.parse(toast);
  return new Headers({ "Set-Cookie": await toastCookie().serialize(value) });
}

/** `redirect()` with a toast on the page it lands on. */
export async function redirectWithToast(url: string, toast: ToastInput, init?: ResponseInit) {
  return redirect(url, {
    ...init,
    headers: combineHeaders(init?.headers, await createToastHeaders(toast)),
  });
}

/** The pending toast (if any) and the headers that clear it once shown. */
export async function getToast(request: Request): Promise<{ toast: Toast | null; headers: Headers | null }> {
  const cookie = toastCookie();
  const raw: unknown = await cookie.parse(request.headers.get("Cookie")).catch(() => null);
  if (raw === null || raw === undefined) return { toast: null, headers: null };
  const parsed = toastSchema.safeParse(raw);
  const clear = new Headers({ "Set-Cookie": await cookie.serialize("", { maxAge: 0 }) });
  if (!parsed.success || !isMessageKey(parsed.data.description)) return { toast: null, headers: clear };
  const { title, description } = parsed.data;
  return {
    toast: {
      ...parsed.data,
      description,
      title: title !== undefined && isMessageKey(title) ? title : undefined,
    },
    headers: clear,
  };
}
