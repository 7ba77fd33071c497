import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { resources } from "~/locales";
import { loader as rootLoader } from "~/root";
import { loader as homeLoader } from "~/routes/_index";
import { action as loginAction } from "~/routes/login";
import { action as meAction } from "~/routes/me";
import { action as setLocaleAction } from "~/routes/set-locale";
import { getT } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";
import { safeRedirect } from "~/utils/misc";
import { createToastHeaders, getToast } from "~/utils/toast.server";
import { isWeakPassword } from "~/utils/validation";
import { cookieFrom, getRequest, makeUser, postRequest, replyOf, run } from "./helpers";

const ctx = {};

async function loginCookie(u: { email: string; password: string }) {
  const res = await run(() =>
    loginAction({ request: postRequest("/login", { email: u.email, password: u.password }), params: {}, context: ctx }),
  );
  return cookieFrom(res.headers);
}

function keysOf(obj: object, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === "object" ? keysOf(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe("translations", () => {
  test("English has exactly the Chinese keys, none empty", () => {
    const zh = keysOf(resources["zh-CN"].translation).sort();
    const en = keysOf(resources.en.translation).sort();
    expect(en).toEqual(zh);
    for (const lang of [resources["zh-CN"].translation, resources.en.translation]) {
      const walk = (o: object): void =>
        Object.values(o).forEach((v) => (typeof v === "string" ? expect(v.trim()).not.toBe("") : walk(v)));
      walk(lang);
    }
  });

  test("the same key reads naturally in both languages", () => {
    expect(getT("zh-CN")("common.user.logout")).toBe("退出登录");
    expect(getT("en")("common.user.logout")).toBe("Log out");
    expect(getT("zh-CN")("auth.login.invalidCredentials")).toBe("邮箱或密码不正确");
    expect(getT("en")("org.accept.accepted", { org: "桥" })).toBe("You joined 桥");
  });
});

describe("choosing the language", () => {
  test("default zh-CN; the lng cookie decides; junk is ignored", async () => {
    expect(await getLocale(getRequest("/"))).toBe("zh-CN");
    expect(await getLocale(getRequest("/", { cookie: "lng=en" }))).toBe("en");
    expect(await getLocale(getRequest("/", { cookie: "lng=fr" }))).toBe("zh-CN");
    expect(await getLocale(getRequest("/", { cookie: "lng=%E0%A4" }))).toBe("zh-CN");
  });

  test("without a cookie, a signed-in user's saved locale; the cookie still wins", async () => {
    const user = await makeUser();
    await sql`update app_user set locale = 'en' where id = ${user.id}`;
    const cookie = await loginCookie(user);
    expect(await getLocale(getRequest("/", { cookie }))).toBe("en");
    expect(await getLocale(getRequest("/", { cookie: `${cookie}; lng=zh-CN` }))).toBe("zh-CN");
  });

  test("the root loader reports the locale (for <html lang>)", async () => {
    const res = await run(() => rootLoader({ request: getRequest("/", { cookie: "lng=en" }), params: {}, context: ctx }));
    expect(res.data).toMatchObject({ locale: "en", user: null });
  });

  test("/set-locale sets a lasting cookie and redirects back (no JavaScript needed)", async () => {
    const res = await run(() =>
      setLocaleAction({ request: postRequest("/set-locale", { locale: "en", redirectTo: "/orgs?x=1" }), params: {}, context: ctx }),
    );
    expect(res.status).toBe(302);
    expect(res.location).toBe("/orgs?x=1");
    const line = res.headers.getSetCookie().find((c) => c.startsWith("lng="));
    expect(line).toMatch(/^lng=en; Path=\/; Max-Age=31536000; SameSite=Lax/);
  });

  test("/set-locale refuses open redirects and unknown languages", async () => {
    const away = await run(() =>
      setLocaleAction({ request: postRequest("/set-locale", { locale: "en", redirectTo: "//evil.example" }), params: {}, context: ctx }),
    );
    expect(away.location).toBe("/");
    const bad = await run(() => setLocaleAction({ request: postRequest("/set-locale", { locale: "fr" }), params: {}, context: ctx }));
    expect(bad.status).toBe(400);
  });

  test("/set-locale remembers the choice on a signed-in user's profile", async () => {
    const user = await makeUser();
    const cookie = await loginCookie(user);
    await run(() => setLocaleAction({ request: postRequest("/set-locale", { locale: "en" }, { cookie }), params: {}, context: ctx }));
    const [row] = await sql<{ locale: string; version: number }[]>`select locale, version from app_user where id = ${user.id}`;
    expect(row).toEqual({ locale: "en", version: 2 });
    const [audit] = await sql<{ n: number }[]>`
      select count(*)::int as n from audit_log where actor_id = ${user.id} and action = 'user.set_locale'`;
    expect(audit.n).toBe(1);
  });
});

describe("profile", () => {
  test("saving name and language; a stale form is refused with a message", async () => {
    const user = await makeUser();
    const cookie = await loginCookie(user);
    const ok = await run(() =>
      meAction({ request: postRequest("/me", { name: "新名字", locale: "en", version: "1" }, { cookie }), params: {}, context: ctx }),
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.getSetCookie().some((c) => c.startsWith("lng=en"))).toBe(true);
    const stale = await run(() =>
      meAction({ request: postRequest("/me", { name: "旧表单", locale: "zh-CN", version: "1" }, { cookie }), params: {}, context: ctx }),
    );
    expect(stale.status).toBe(409);
    expect(replyOf(stale.data).error?.[""]).toEqual(["common.errors.stale"]);
    const [row] = await sql<{ name: string }[]>`select name from app_user where id = ${user.id}`;
    expect(row.name).toBe("新名字");
  });
});

describe("toasts", () => {
  test("a toast cookie is read once by the root loader and cleared", async () => {
    const headers = await createToastHeaders({ description: "auth.logout.success", type: "info" });
    const cookie = cookieFrom(headers);
    const res = await run(() => rootLoader({ request: getRequest("/", { cookie }), params: {}, context: ctx }));
    expect(res.data).toMatchObject({ toast: { type: "info", description: "auth.logout.success" } });
    expect(res.headers.getSetCookie().some((c) => /^qiao_toast=;.*Max-Age=0/.test(c))).toBe(true);
  });

  test("a forged toast with an unknown key shows nothing", async () => {
    const forged = `qiao_toast=${btoa(JSON.stringify({ description: "<script>alert(1)</script>" }))}`;
    const { toast } = await getToast(getRequest("/", { cookie: forged }));
    expect(toast).toBeNull();
  });
});

describe("home page", () => {
  test("counts only public, published rows and lists the newest needs", async () => {
    const [org] = await sql<{ id: number }[]>`insert into organization (kind, name) values ('enterprise', '测试企业') returning id`;
    await sql`
      insert into need (org_id, title, field, status, published_at, visibility) values
        (${org.id}, '已发布的需求', '新材料', 'published', now(), 'public'),
        (${org.id}, '草稿需求', null, 'draft', null, 'public'),
        (${org.id}, '仅会员可见', '电子信息', 'published', now(), 'members')`;
    const res = await run(() => homeLoader());
    const stats = (res.data as { stats: { needs: number; latestNeeds: { title: string }[] } }).stats;
    expect(stats.needs).toBe(1);
    expect(stats.latestNeeds.map((n) => n.title)).toEqual(["已发布的需求"]);
  });
});

describe("small helpers", () => {
  test.each([
    ["/orgs/1", "/orgs/1"],
    ["/me?x=1#y", "/me?x=1#y"],
    ["//evil.com", "/"],
    ["/\\evil.com", "/"],
    ["https://evil.com", "/"],
    ["/\tevil", "/"],
    ["", "/"],
    [null, "/"],
  ])("safeRedirect(%j) → %s", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });

  test.each([
    ["password123", true],
    ["Password!2024", true],
    ["1234567890", true],
    ["qwertyuiop", true],
    ["aaaaaaaaaaaa", true],
    ["桥梁平台密码很安全啊", false],
    ["correct horse battery", false],
    ["Tr0ub4dor&3x", false],
  ])("isWeakPassword(%s) → %s", (pw, weak) => {
    expect(isWeakPassword(pw)).toBe(weak);
  });
});
