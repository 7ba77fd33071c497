import { PostgresJsAdapter } from "@lucia-auth/adapter-postgresql";
import { redirect } from "@remix-run/node";
import { Cookie, Lucia, TimeSpan } from "lucia";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { sql } from "../../db/client.server";
import { readCookie, secureCookies } from "./cookies.server";
import type { Locale } from "./i18n";
import { isLocale } from "./i18n";
import { dummyPasswordHash, verifyPassword } from "./password.server";
import { isRole, STAFF_ROLES, type OrgRole, type Role } from "./roles";

// The only module that touches lucia (v3 is unmaintained upstream since March 2025): a later
// swap to hand-rolled sessions or another library stays inside this file.
// Numbers and reasons: docs/decisions/003-auth.md.

export const SESSION_COOKIE = "qiao_session";
/** Idle expiry: lucia's sliding window (extended when used in its second half). */
export const IDLE_TIMEOUT = new TimeSpan(7, "d");
/** Absolute expiry from the session's creation, whatever its use. */
export const ABSOLUTE_TIMEOUT = new TimeSpan(30, "d");

/** Login failures per account (email) before a lock-out, and the lock-out length. */
export const ACCOUNT_MAX_FAILURES = 10;
export const ACCOUNT_WINDOW_SECONDS = 15 * 60;
export const ACCOUNT_LOCK_SECONDS = 15 * 60;
/** Login failures per client IP (offices and campuses share NAT addresses: larger budget). */
export const IP_MAX_FAILURES = 100;
export const IP_WINDOW_SECONDS = 60 * 60;
export const IP_LOCK_SECONDS = 60 * 60;

type DatabaseUser = {
  email: string;
  name: string;
  role: string;
  locale: string;
  disabled_at: Date | null;
};

const adapter = new PostgresJsAdapter(sql, { user: "app_user", session: "session" });

const lucia = new Lucia(adapter, {
  sessionExpiresIn: IDLE_TIMEOUT,
  getSessionAttributes: (attributes) => ({ createdAt: attributes.created_at }),
  getUserAttributes: (attributes) => ({
    email: attributes.email,
    name: attributes.name,
    role: isRole(attributes.role) ? attributes.role : "member",
    locale: isLocale(attributes.locale) ? attributes.locale : "zh-CN",
    disabledAt: attributes.disabled_at,
  }),
});

declare module "lucia" {
  interface Register {
    Lucia: typeof lucia;
    DatabaseUserAttributes: DatabaseUser;
    DatabaseSessionAttributes: { created_at: Date };
  }
}

/** The signed-in user as the app sees it. */
export type AuthUser = { id: string; email: string; name: string; role: Role; locale: Locale };

type AuthState = {
  user: AuthUser | null;
  sessionId: string | null;
  /** The request carried a session cookie that is no longer valid: clear it. */
  stale: boolean;
};

// ---------------------------------------------------------------- cookies

function cookieAttributes(maxAge: number) {
  return { httpOnly: true, sameSite: "lax" as const, secure: secureCookies(), path: "/", maxAge };
}

// The cookie lives as long as the absolute expiry allows: whether a session is still good is
// decided server-side on every request, so the cookie never needs refreshing.
function sessionCookie(sessionId: string, createdAt: Date = new Date()) {
  const remaining = Math.floor((createdAt.getTime() + ABSOLUTE_TIMEOUT.milliseconds() - Date.now()) / 1000);
  return new Cookie(SESSION_COOKIE, sessionId, cookieAttributes(Math.max(0, remaining))).serialize();
}

function blankSessionCookie() {
  return new Cookie(SESSION_COOKIE, "", cookieAttributes(0)).serialize();
}

// lucia ids are 40 lower-case base32 characters; anything else is not worth a query.
const SESSION_ID = /^[a-z0-9]{20,64}$/;

// ---------------------------------------------------------------- reading the session

// Root and route loaders of one request ask for the user several times: validate once.
const cache = new WeakMap<Request, Promise<AuthState>>();

async function readSession(request: Request): Promise<AuthState> {
  const sessionId = readCookie(request, SESSION_COOKIE);
  if (!sessionId) return { user: null, sessionId: null, stale: false };
  if (!SESSION_ID.test(sessionId)) return { user: null, sessionId: null, stale: true };

  const { session, user } = await lucia.validateSession(sessionId);
  if (!session || !user) return { user: null, sessionId: null, stale: true };

  const absoluteEnd = session.createdAt.getTime() + ABSOLUTE_TIMEOUT.milliseconds();
  if (user.disabledAt || Date.now() >= absoluteEnd) {
    await lucia.invalidateSession(session.id);
    return { user: null, sessionId: null, stale: true };
  }
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role, locale: user.locale },
    sessionId: session.id,
    stale: false,
  };
}

function getAuthState(request: Request): Promise<AuthState> {
  let state = cache.get(request);
  if (!state) {
    state = readSession(request);
    cache.set(request, state);
  }
  return state;
}

/** The signed-in user, or null (no cookie, tampered, expired, disabled: all simply logged out). */
export async function getUser(request: Request): Promise<AuthUser | null> {
  return (await getAuthState(request)).user;
}

/**
 * Headers to add to a response for this request: clears a session cookie that turned out to
 * be invalid. The root loader returns them so a stale cookie disappears on the next page.
 */
export async function getAuthHeaders(request: Request): Promise<Headers | null> {
  const { stale } = await getAuthState(request);
  return stale ? new Headers({ "Set-Cookie": blankSessionCookie() }) : null;
}

function loginUrl(request: Request) {
  const url = new URL(request.url);
  const here = `${url.pathname}${url.search}`;
  return here === "/" ? "/login" : `/login?${new URLSearchParams({ redirectTo: here })}`;
}

/** The signed-in user, or a redirect to /login?redirectTo=<this page>. */
export async function requireUser(request: Request): Promise<AuthUser> {
  const state = await getAuthState(request);
  if (state.user) return state.user;
  throw redirect(loginUrl(request), {
    headers: state.stale ? { "Set-Cookie": blankSessionCookie() } : undefined,
  });
}

/** Redirects to /login when signed out; 403 when the platform role is not one of `roles`. */
export async function requireRole(request: Request, roles: readonly Role[]): Promise<AuthUser> {
  const user = await requireUser(request);
  if (!roles.includes(user.role)) throw new Response("Forbidden", { status: 403 });
  return user;
}

/**
 * Redirects to /login when signed out; 403 unless the user has one of `roles` in the
 * organization — or is platform staff (admin, organizer) when `staff` allows it (default).
 */
export async function requireOrgRole(
  request: Request,
  orgId: number,
  roles: readonly OrgRole[],
  { staff = STAFF_ROLES }: { staff?: readonly Role[] } = {},
): Promise<{ user: AuthUser; orgRole: OrgRole | null }> {
  const user = await requireUser(request);
  const [row] = await sql<{ role: OrgRole }[]>`
    select role from membership where org_id = ${orgId} and user_id = ${user.id}`;
  const orgRole = row?.role ?? null;
  if (orgRole && roles.includes(orgRole)) return { user, orgRole };
  if (staff.includes(user.role)) return { user, orgRole };
  throw new Response("Forbidden", { status: 403 });
}

/** The user already redirected away from /login and /signup when signed in. */
export async function requireAnonymous(request: Request, to = "/") {
  if (await getUser(request)) throw redirect(to);
}

// ---------------------------------------------------------------- creating and ending sessions

/**
 * Starts a fresh session for the user (a new id at every login: no session fixation) and
 * ends the one the request carried, if any. Returns the Set-Cookie headers.
 */
export async function createUserSession(request: Request, userId: string): Promise<Headers> {
  const previous = readCookie(request, SESSION_COOKIE);
  if (previous && SESSION_ID.test(previous)) await lucia.invalidateSession(previous);
  cache.delete(request);
  const createdAt = new Date();
  const session = await lucia.createSession(userId, { created_at: createdAt });
  return new Headers({ "Set-Cookie": sessionCookie(session.id, createdAt) });
}

/** Ends the request's session; returns the headers that clear the cookie. */
export async function logout(request: Request): Promise<Headers> {
  const sessionId = readCookie(request, SESSION_COOKIE);
  if (sessionId && SESSION_ID.test(sessionId)) await lucia.invalidateSession(sessionId);
  cache.delete(request);
  return new Headers({ "Set-Cookie": blankSessionCookie() });
}

/** Ends every session of a user (disabling, password change). */
export async function invalidateUserSessions(userId: string) {
  await lucia.invalidateUserSessions(userId);
}

/** Housekeeping for a periodic job: drops idle-expired and absolutely-expired sessions. */
export async function deleteExpiredSessions() {
  await lucia.deleteExpiredSessions();
  await sql`delete from session where created_at < ${new Date(Date.now() - ABSOLUTE_TIMEOUT.milliseconds())}`;
}

// ---------------------------------------------------------------- login with rate limiting

// In-process counters: correct for the single app process Qiao runs today. Several processes
// need a shared store (rate-limiter-flexible's RateLimiterPostgres): see 003-auth.md.
const failuresByAccount = new RateLimiterMemory({
  keyPrefix: "login_account",
  points: ACCOUNT_MAX_FAILURES,
  duration: ACCOUNT_WINDOW_SECONDS,
});
const failuresByIp = new RateLimiterMemory({
  keyPrefix: "login_ip",
  points: IP_MAX_FAILURES,
  duration: IP_WINDOW_SECONDS,
});

export type LoginResult =
  | { ok: true; user: AuthUser; headers: Headers }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; retryAfterSeconds: number };

function lockedFor(res: { consumedPoints: number; msBeforeNext: number } | null, max: number) {
  return res && res.consumedPoints >= max ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
}

async function consume(limiter: RateLimiterMemory, key: string): Promise<number> {
  try {
    return (await limiter.consume(key)).consumedPoints;
  } catch (res) {
    // rate-limiter-flexible rejects with the RateLimiterRes once over budget
    if (res instanceof RateLimiterRes) return res.consumedPoints;
    throw res;
  }
}

async function recordFailure(accountKey: string, ipKey: string | null): Promise<number> {
  const [account, ip] = await Promise.all([
    consume(failuresByAccount, accountKey),
    ipKey ? consume(failuresByIp, ipKey) : 0,
  ]);
  let locked = 0;
  // Reaching the budget starts a full lock-out period, however the failures were spread.
  if (account >= ACCOUNT_MAX_FAILURES) {
    await failuresByAccount.block(accountKey, ACCOUNT_LOCK_SECONDS);
    locked = ACCOUNT_LOCK_SECONDS;
  }
  if (ipKey && ip >= IP_MAX_FAILURES) {
    await failuresByIp.block(ipKey, IP_LOCK_SECONDS);
    locked = Math.max(locked, IP_LOCK_SECONDS);
  }
  return locked;
}

/**
 * Checks an email and password and, on success, starts a new session. Failures say only
 * "invalid" (never which part was wrong); unknown emails cost the same argon2 verification as
 * known ones; disabled users and users without a password cannot log in. After
 * ACCOUNT_MAX_FAILURES failures for one email (or IP_MAX_FAILURES for one IP) every attempt —
 * even with the right password — is refused until the lock-out ends.
 */
export async function login(
  request: Request,
  { email, password, ip }: { email: string; password: string; ip: string | null },
): Promise<LoginResult> {
  const accountKey = email.trim().toLowerCase();
  // Without a known client IP (no proxy information) only the per-account budget applies:
  // one shared "unknown" bucket would let a single attacker lock everybody out.
  const ipKey = ip || null;

  const [accountRes, ipRes] = await Promise.all([
    failuresByAccount.get(accountKey),
    ipKey ? failuresByIp.get(ipKey) : null,
  ]);
  const locked = Math.max(lockedFor(accountRes, ACCOUNT_MAX_FAILURES), lockedFor(ipRes, IP_MAX_FAILURES));
  if (locked) return { ok: false, reason: "locked", retryAfterSeconds: locked };

  const [row] = await sql<(DatabaseUser & { id: string; password_hash: string | null })[]>`
    select id, email, name, role, locale, password_hash, disabled_at from app_user where email = ${accountKey}`;
  const valid = await verifyPassword(row?.password_hash ?? (await dummyPasswordHash()), password);

  if (!row || !row.password_hash || !valid || row.disabled_at) {
    const lockedNow = await recordFailure(accountKey, ipKey);
    if (lockedNow) return { ok: false, reason: "locked", retryAfterSeconds: lockedNow };
    return { ok: false, reason: "invalid" };
  }

  await failuresByAccount.delete(accountKey);
  const headers = await createUserSession(request, row.id);
  return { ok: true, headers, user: toAuthUser(row) };
}

function toAuthUser(row: DatabaseUser & { id: string }): AuthUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: isRole(row.role) ? row.role : "member",
    locale: isLocale(row.locale) ? row.locale : "zh-CN",
  };
}

/** The client IP the server put in the load context (scripts/start.ts), if any. */
export function getClientIp(context: unknown): string | null {
  if (context && typeof context === "object" && "clientIp" in context && typeof context.clientIp === "string") {
    return context.clientIp;
  }
  return null;
}
