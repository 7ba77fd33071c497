import { getUser } from "./auth.server";
import { readCookie, secureCookies } from "./cookies.server";
import { DEFAULT_LOCALE, getT, isLocale, type Locale } from "./i18n";

// The UI language: the `lng` cookie (set by the language switch), else the signed-in user's
// saved app_user.locale, else Simplified Chinese. Accept-Language is deliberately ignored:
// the bureau's platform speaks Chinese unless someone asks otherwise (docs/decisions/004-i18n.md).

export const LOCALE_COOKIE = "lng";
const ONE_YEAR = 60 * 60 * 24 * 365;

export function getCookieLocale(request: Request): Locale | null {
  const value = readCookie(request, LOCALE_COOKIE);
  return isLocale(value) ? value : null;
}

export async function getLocale(request: Request): Promise<Locale> {
  const fromCookie = getCookieLocale(request);
  if (fromCookie) return fromCookie;
  const user = await getUser(request);
  return user?.locale ?? DEFAULT_LOCALE;
}

/** A t() in the request's language, for texts made on the server (titles, e-mails later). */
export async function getServerT(request: Request) {
  return getT(await getLocale(request));
}

/** Set-Cookie value that remembers the language for a year. Only the server reads it. */
export function serializeLocaleCookie(locale: Locale): string {
  const parts = [`${LOCALE_COOKIE}=${encodeURIComponent(locale)}`, "Path=/", `Max-Age=${ONE_YEAR}`, "SameSite=Lax", "HttpOnly"];
  if (secureCookies()) parts.push("Secure");
  return parts.join("; ");
}
