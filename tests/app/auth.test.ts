import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { loader as rootLoader } from "~/root";
import { action as loginAction, loader as loginLoader } from "~/routes/login";
import { action as logoutAction, loader as logoutLoader } from "~/routes/logout";
import { action as signupAction } from "~/routes/signup";
import { loader as meLoader } from "~/routes/me";
import { loader as adminUsersLoader } from "~/routes/admin.users";
import {
  ACCOUNT_MAX_FAILURES,
  getAuthHeaders,
  getUser,
  login,
  requireOrgRole,
  requireRole,
  requireUser,
} from "~/utils/auth.server";
import { resetEnvCache } from "~/utils/env.server";
import {
  addMember,
  cookieFrom,
  countUsers,
  getRequest,
  GOOD_PASSWORD,
  makeOrg,
  makeUser,
  postRequest,
  replyOf,
  run,
  sessionIdFrom,
  setCookies,
  uniqueEmail,
} from "./helpers";

const ctx = {};

async function signup(fields: Record<string, string>) {
  return run(() => signupAction({ request: postRequest("/signup", fields), params: {}, context: ctx }));
}

async function postLogin(fields: Record<string, string>, opts: { cookie?: string; ip?: string } = {}) {
  return run(() =>
    loginAction({
      request: postRequest("/login", fields, { cookie: opts.cookie }),
      params: {},
      context: opts.ip ? { clientIp: opts.ip } : ctx,
    }),
  );
}

async function sessionCount(userId: string) {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from session where user_id = ${userId}`;
  return n;
}

describe("sign-up", () => {
  const valid = { name: "张伟", password: GOOD_PASSWORD, confirmPassword: GOOD_PASSWORD };

  test("creates the user, lower-cases the email, signs in and redirects with a toast", async () => {
    const email = uniqueEmail("New.Person").replace("new.person", "New.Person");
    const res = await signup({ ...valid, email });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/");
    const cookie = cookieFrom(res.headers);
    expect(cookie).toMatch(/qiao_session=/);
    expect(cookie).toMatch(/qiao_toast=/);
    const user = await getUser(getRequest("/", { cookie }));
    expect(user?.email).toBe(email.toLowerCase());
    expect(user?.role).toBe("member");
  });

  test("an email already registered, in another case, is a field error and writes nothing", async () => {
    const existing = await makeUser();
    const before = await countUsers();
    const res = await signup({ ...valid, email: existing.email.toUpperCase() });
    expect(res.status).toBe(400);
    expect(replyOf(res.data).error?.email).toEqual(["auth.signup.emailTaken"]);
    expect(await countUsers()).toBe(before);
    expect(setCookies(res.headers).some((c) => c.startsWith("qiao_session="))).toBe(false);
  });

  test.each([
    ["a short password", { password: "short1", confirmPassword: "short1" }, "password", "validation.passwordTooShort"],
    ["a common password", { password: "password123", confirmPassword: "password123" }, "password", "validation.passwordWeak"],
    ["a digit run", { password: "1234567890", confirmPassword: "1234567890" }, "password", "validation.passwordWeak"],
    ["one repeated character", { password: "aaaaaaaaaaaa", confirmPassword: "aaaaaaaaaaaa" }, "password", "validation.passwordWeak"],
    ["mismatched confirmation", { confirmPassword: "something-else-entirely" }, "confirmPassword", "validation.passwordMismatch"],
    ["an overlong name", { name: "桥".repeat(101) }, "name", "validation.nameTooLong"],
    ["a missing name", { name: "" }, "name", "validation.required"],
    ["a blank name", { name: "   " }, "name", "validation.required"],
    ["a bad email", { email: "not-an-email" }, "email", "validation.email"],
    ["a missing email", { email: "" }, "email", "validation.required"],
  ])("%s: a localized field message, nothing written", async (_label, override, field, message) => {
    const before = await countUsers();
    const res = await signup({ ...valid, email: uniqueEmail(), ...override });
    expect(res.status).toBe(400);
    expect(replyOf(res.data).error?.[field]).toContain(message);
    expect(await countUsers()).toBe(before);
  });

  test("a missing password field (not just empty) is a field error", async () => {
    const res = await signup({ name: "李雷", email: uniqueEmail() });
    expect(res.status).toBe(400);
    expect(replyOf(res.data).error?.password).toEqual(["validation.required"]);
  });

  test("the password is never echoed back", async () => {
    const res = await signup({ ...valid, email: "bad" });
    expect(JSON.stringify(res.data)).not.toContain(GOOD_PASSWORD);
  });
});

describe("log-in", () => {
  test("success: a new session with the right cookie flags, redirect to a safe redirectTo", async () => {
    const user = await makeUser();
    const res = await postLogin({ email: user.email.toUpperCase(), password: user.password, redirectTo: "/me" });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/me");
    const line = setCookies(res.headers).find((c) => c.startsWith("qiao_session="));
    expect(line).toBeDefined();
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).toMatch(/Path=\//);
    expect(line).toMatch(/Max-Age=\d+/);
    expect(line).not.toMatch(/Secure/); // NODE_ENV=test
    const cookie = cookieFrom(res.headers);
    expect((await getUser(getRequest("/", { cookie })))?.id).toBe(user.id);
  });

  test.each(["//evil.example.com", "https://evil.example.com", "/\\evil.example.com", "javascript:alert(1)"])(
    "redirectTo %s is refused (open redirect)",
    async (redirectTo) => {
      const user = await makeUser();
      const res = await postLogin({ email: user.email, password: user.password, redirectTo });
      expect(res.status).toBe(302);
      expect(res.location).toBe("/");
    },
  );

  test("wrong password and unknown email give the same non-revealing message", async () => {
    const user = await makeUser();
    const wrong = await postLogin({ email: user.email, password: "not-the-password-1" });
    const unknown = await postLogin({ email: uniqueEmail("nobody"), password: "not-the-password-1" });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(replyOf(res.data).error?.[""]).toEqual(["auth.login.invalidCredentials"]);
      expect(setCookies(res.headers).some((c) => c.startsWith("qiao_session="))).toBe(false);
    }
  });

  test("a disabled user cannot log in (same message)", async () => {
    const user = await makeUser();
    await sql`update app_user set disabled_at = now() where id = ${user.id}`;
    const res = await postLogin({ email: user.email, password: user.password });
    expect(res.status).toBe(401);
    expect(replyOf(res.data).error?.[""]).toEqual(["auth.login.invalidCredentials"]);
  });

  test("twenty wrong passwords lock the account, even against the right password", async () => {
    const user = await makeUser();
    const statuses: number[] = [];
    const messages: string[] = [];
    for (let i = 1; i <= 20; i++) {
      const res = await postLogin({ email: user.email, password: `wrong-password-${i}` });
      statuses.push(res.status);
      messages.push(replyOf(res.data).error?.[""]?.[0] ?? "");
    }
    expect(statuses.slice(0, ACCOUNT_MAX_FAILURES - 1).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(ACCOUNT_MAX_FAILURES - 1).every((s) => s === 429)).toBe(true);
    expect(messages[19]).toBe("auth.login.lockedOut");

    const right = await postLogin({ email: user.email, password: user.password });
    expect(right.status).toBe(429);
    expect(right.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(replyOf(right.data).error?.[""]).toEqual(["auth.login.lockedOut"]);
    expect(await sessionCount(user.id)).toBe(0);

    // Another account is not affected.
    const other = await makeUser();
    expect((await postLogin({ email: other.email, password: other.password })).status).toBe(302);
  });

  test("the lock-out also holds when the 11th attempt has the right password", async () => {
    const user = await makeUser();
    for (let i = 0; i < ACCOUNT_MAX_FAILURES; i++) await postLogin({ email: user.email, password: `nope-nope-${i}` });
    expect((await postLogin({ email: user.email, password: user.password })).status).toBe(429);
  });

  test("a success resets the account's failure count", async () => {
    const user = await makeUser();
    for (let i = 0; i < ACCOUNT_MAX_FAILURES - 1; i++) await postLogin({ email: user.email, password: `nope-nope-${i}` });
    expect((await postLogin({ email: user.email, password: user.password })).status).toBe(302);
    for (let i = 0; i < ACCOUNT_MAX_FAILURES - 1; i++) {
      expect((await postLogin({ email: user.email, password: `nope-again-${i}` })).status).toBe(401);
    }
  });

  test("one IP spraying many accounts is locked out after its budget", async () => {
    const ip = "203.0.113.7";
    let status = 0;
    let attempts = 0;
    while (status !== 429 && attempts < 150) {
      attempts += 1;
      status = (await postLogin({ email: uniqueEmail("spray"), password: "guess-guess-1" }, { ip })).status;
    }
    expect(status).toBe(429);
    expect(attempts).toBe(100);
    // The right password from that IP is refused too; another IP is fine.
    const user = await makeUser();
    expect((await postLogin({ email: user.email, password: user.password }, { ip })).status).toBe(429);
    expect((await postLogin({ email: user.email, password: user.password }, { ip: "198.51.100.2" })).status).toBe(302);
  }, 60_000);

  test("a new session at every login; the session the request carried ends", async () => {
    const user = await makeUser();
    const first = cookieFrom((await postLogin({ email: user.email, password: user.password })).headers);
    const firstId = sessionIdFrom(first);
    const second = cookieFrom((await postLogin({ email: user.email, password: user.password }, { cookie: first })).headers, first);
    const secondId = sessionIdFrom(second);
    expect(firstId).toBeTruthy();
    expect(secondId).toBeTruthy();
    expect(secondId).not.toBe(firstId);
    const ids = (await sql<{ id: string }[]>`select id from session where user_id = ${user.id}`).map((r) => r.id);
    expect(ids).toEqual([secondId]);
    expect(await getUser(getRequest("/", { cookie: first }))).toBeNull();
  });

  test("signed-in users visiting /login are sent on", async () => {
    const user = await makeUser();
    const cookie = cookieFrom((await postLogin({ email: user.email, password: user.password })).headers);
    const res = await run(() => loginLoader({ request: getRequest("/login?redirectTo=/me", { cookie }), params: {}, context: ctx }));
    expect(res.status).toBe(302);
    expect(res.location).toBe("/me");
  });

  test("login() itself never reveals whether the email exists", async () => {
    const a = await login(getRequest("/login"), { email: uniqueEmail("ghost"), password: "whatever-123x", ip: null });
    expect(a).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("sessions", () => {
  async function signedIn() {
    const user = await makeUser();
    const res = await postLogin({ email: user.email, password: user.password });
    const cookie = cookieFrom(res.headers);
    return { user, cookie, sessionId: sessionIdFrom(cookie) ?? "" };
  }

  test.each([
    ["garbage", "qiao_session=%E0%A4%A"],
    ["a wrong shape", "qiao_session=../../etc/passwd"],
    ["an unknown id", `qiao_session=${"a".repeat(40)}`],
  ])("a tampered cookie (%s) is logged out cleanly and cleared", async (_label, cookie) => {
    const request = getRequest("/", { cookie });
    await expect(getUser(request)).resolves.toBeNull();
    const headers = await getAuthHeaders(request);
    expect(headers?.get("Set-Cookie")).toMatch(/^qiao_session=; .*Max-Age=0/);
    const root = await run(() => rootLoader({ request: getRequest("/", { cookie }), params: {}, context: ctx }));
    expect(root.status).toBe(200);
    expect(setCookies(root.headers).some((c) => /^qiao_session=;/.test(c))).toBe(true);
  });

  test("an idle-expired session is logged out and deleted", async () => {
    const { cookie, sessionId } = await signedIn();
    await sql`update session set expires_at = now() - interval '1 second' where id = ${sessionId}`;
    expect(await getUser(getRequest("/", { cookie }))).toBeNull();
    expect(await sql`select 1 from session where id = ${sessionId}`).toHaveLength(0);
  });

  test("use in the second half of the idle window extends it", async () => {
    const { cookie, sessionId } = await signedIn();
    await sql`update session set expires_at = now() + interval '1 day' where id = ${sessionId}`;
    expect(await getUser(getRequest("/", { cookie }))).not.toBeNull();
    const [row] = await sql<{ days: number }[]>`
      select extract(epoch from expires_at - now()) / 86400 as days from session where id = ${sessionId}`;
    expect(Number(row.days)).toBeGreaterThan(6.9);
  });

  test("the absolute expiry ends a session however recently it was used", async () => {
    const { cookie, sessionId } = await signedIn();
    await sql`update session set created_at = now() - interval '30 days 1 minute', expires_at = now() + interval '6 days'
              where id = ${sessionId}`;
    expect(await getUser(getRequest("/", { cookie }))).toBeNull();
    expect(await sql`select 1 from session where id = ${sessionId}`).toHaveLength(0);
  });

  test("a session just inside the absolute expiry still works", async () => {
    const { cookie, sessionId } = await signedIn();
    await sql`update session set created_at = now() - interval '29 days 23 hours' where id = ${sessionId}`;
    expect(await getUser(getRequest("/", { cookie }))).not.toBeNull();
  });

  test("disabling a user ends their sessions at the next request", async () => {
    const { user, cookie } = await signedIn();
    await sql`update app_user set disabled_at = now() where id = ${user.id}`;
    expect(await getUser(getRequest("/", { cookie }))).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);
  });

  test("logout (POST) ends the session, clears the cookie and says so", async () => {
    const { user, cookie } = await signedIn();
    const res = await run(() => logoutAction({ request: postRequest("/logout", {}, { cookie }), params: {}, context: ctx }));
    expect(res.status).toBe(302);
    expect(res.location).toBe("/");
    expect(setCookies(res.headers).some((c) => /^qiao_session=;.*Max-Age=0/.test(c))).toBe(true);
    expect(setCookies(res.headers).some((c) => c.startsWith("qiao_toast="))).toBe(true);
    expect(await sessionCount(user.id)).toBe(0);
    expect(await getUser(getRequest("/", { cookie }))).toBeNull();
  });

  test("GET /logout does not log out", async () => {
    const { user } = await signedIn();
    const res = await run(() => logoutLoader());
    expect(res.status).toBe(302);
    expect(await sessionCount(user.id)).toBe(1);
  });

  test("Secure cookies in production, unless QIAO_SECURE_COOKIES=off", async () => {
    const user = await makeUser();
    const saved = { NODE_ENV: process.env.NODE_ENV, QIAO_SECURE_COOKIES: process.env.QIAO_SECURE_COOKIES };
    try {
      process.env.NODE_ENV = "production";
      delete process.env.QIAO_SECURE_COOKIES;
      resetEnvCache();
      const secure = await postLogin({ email: user.email, password: user.password });
      expect(setCookies(secure.headers).find((c) => c.startsWith("qiao_session="))).toMatch(/; Secure/);
      process.env.QIAO_SECURE_COOKIES = "off";
      resetEnvCache();
      const plain = await postLogin({ email: user.email, password: user.password });
      expect(setCookies(plain.headers).find((c) => c.startsWith("qiao_session="))).not.toMatch(/Secure/);
    } finally {
      process.env.NODE_ENV = saved.NODE_ENV;
      if (saved.QIAO_SECURE_COOKIES === undefined) delete process.env.QIAO_SECURE_COOKIES;
      else process.env.QIAO_SECURE_COOKIES = saved.QIAO_SECURE_COOKIES;
      resetEnvCache();
    }
  });
});

describe("guards", () => {
  test("requireUser sends anonymous visitors to /login with redirectTo", async () => {
    const res = await run(() => requireUser(getRequest("/orgs/5?tab=members")));
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/login?redirectTo=${encodeURIComponent("/orgs/5?tab=members")}`);
    const me = await run(() => meLoader({ request: getRequest("/me"), params: {}, context: ctx }));
    expect(me.location).toBe("/login?redirectTo=%2Fme");
  });

  test("requireRole: 403 for the wrong platform role", async () => {
    const member = await makeUser();
    const admin = await makeUser({ role: "admin" });
    const cookieOf = async (u: { email: string; password: string }) =>
      cookieFrom((await postLogin({ email: u.email, password: u.password })).headers);
    const denied = await run(() => requireRole(getRequest("/admin/users", { cookie: "" }), ["admin"]));
    expect(denied.status).toBe(302);
    const memberCookie = await cookieOf(member);
    expect((await run(() => adminUsersLoader({ request: getRequest("/admin/users", { cookie: memberCookie }), params: {}, context: ctx }))).status).toBe(403);
    const adminCookie = await cookieOf(admin);
    const ok = await run(() => adminUsersLoader({ request: getRequest("/admin/users", { cookie: adminCookie }), params: {}, context: ctx }));
    expect(ok.status).toBe(200);
  });

  test("requireOrgRole: members by org role, staff always, others 403", async () => {
    const orgId = await makeOrg();
    const manager = await makeUser();
    const member = await makeUser();
    const outsider = await makeUser();
    const organizer = await makeUser({ role: "organizer" });
    await addMember(orgId, manager.id, "manager");
    await addMember(orgId, member.id, "member");
    const cookieOf = async (u: { email: string; password: string }) =>
      cookieFrom((await postLogin({ email: u.email, password: u.password })).headers);

    const check = async (u: { email: string; password: string }, opts?: { staff?: [] }) => {
      const cookie = await cookieOf(u);
      return run(() => requireOrgRole(getRequest("/x", { cookie }), orgId, ["manager"], opts));
    };
    expect((await check(manager)).status).toBe(200);
    expect((await check(member)).status).toBe(403);
    expect((await check(outsider)).status).toBe(403);
    expect((await check(organizer)).status).toBe(200);
    expect((await check(organizer, { staff: [] })).status).toBe(403);
  });
});
