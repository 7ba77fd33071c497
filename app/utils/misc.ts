import { useFormAction, useNavigation } from "@remix-run/react";

/**
 * Throws a Response when the condition fails: control flow for loaders and actions,
 * rendered by the GeneralErrorBoundary (`invariantResponse(org, "Not found", { status: 404 })`).
 */
export function invariantResponse(
  condition: unknown,
  message: string,
  init?: ResponseInit,
): asserts condition {
  if (!condition) {
    throw new Response(message, { status: 400, ...init });
  }
}

const DEFAULT_REDIRECT = "/";

/**
 * Only same-site paths: "/orgs/1" yes; "//evil.com", "/\\evil.com", "https://evil.com",
 * "javascript:..." no. Anything else falls back to the default.
 */
export function safeRedirect(to: unknown, fallback: string = DEFAULT_REDIRECT): string {
  if (typeof to !== "string" || !to) return fallback;
  const target = to.trim();
  if (!target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) return fallback;
  // Backslashes and control characters (tab, newline) are normalised by URL parsers and can
  // smuggle a host ("/\t/evil.com" becomes "//evil.com").
  if (target.includes("\\") || [...target].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    return fallback;
  }
  return target;
}

/** Merges several Headers, keeping every Set-Cookie. */
export function combineHeaders(...all: Array<ResponseInit["headers"] | null | undefined>): Headers {
  const combined = new Headers();
  for (const headers of all) {
    if (!headers) continue;
    for (const [key, value] of new Headers(headers).entries()) {
      combined.append(key, value);
    }
  }
  return combined;
}

/** True while this page's form (or the given action) is being submitted. */
export function useIsPending({ formAction, formMethod = "POST" }: { formAction?: string; formMethod?: "POST" | "GET" } = {}) {
  const contextualFormAction = useFormAction();
  const navigation = useNavigation();
  return (
    navigation.state !== "idle" &&
    navigation.formAction === (formAction ?? contextualFormAction) &&
    navigation.formMethod === formMethod
  );
}

export function formatDate(value: string | Date, locale: string) {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(value));
}

export function formatDateTime(value: string | Date, locale: string) {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
}
