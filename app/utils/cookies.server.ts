import { getEnv } from "./env.server";

/**
 * Secure cookies in production unless QIAO_SECURE_COOKIES=off; QIAO_SECURE_COOKIES=on forces
 * them elsewhere. Browsers accept Secure cookies from http://localhost and 127.0.0.1, so the
 * embedded default works as is; serving plain http on a LAN address needs
 * QIAO_SECURE_COOKIES=off (see docs/decisions/003-auth.md).
 */
export function secureCookies(): boolean {
  const env = getEnv();
  if (env.QIAO_SECURE_COOKIES) return env.QIAO_SECURE_COOKIES === "on";
  return env.NODE_ENV === "production";
}

/**
 * The value of one cookie, or null when absent; never throws. A value that does not decode
 * is returned raw, so callers see (and can clear) a present-but-bad cookie.
 */
export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return null;
}
