import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import {
  addMembership,
  getUserForAdmin,
  removeMembership,
  searchUsers,
  searchOrgs,
  setMembershipRole,
  setOrgKind,
  setUserDisabled,
  setUserRole,
} from "~/models/admin.server";
import { action as userAction, loader as userLoader } from "~/routes/admin.users_.$userId";
import { loader as usersLoader } from "~/routes/admin.users";
import { action as orgsAction, loader as orgsLoader } from "~/routes/admin.orgs";
import { getUser } from "~/utils/auth.server";
import { makeOrg, makeUser } from "../app/helpers";
import { expert, getRequest, need, postRequest, run, world, type World } from "../catalog/helpers";
import { actorOf, cookieOf, ctx, fingerprint, outcome, STANDINGS, type Standing } from "./helpers";

// Users, memberships and organization kinds: who may do what (role × action), the rules
// (not oneself, never the last admin, disabling ends sessions, kinds their records allow),
// stale versions and bad input — each refusal leaving every table as it was.

let w: World;
beforeAll(async () => {
  w = await world();
});

const TABLES = ["app_user", "membership", "organization", "session", "audit_log"];
const v = async (id: string) => (await sql<{ version: number }[]>`select version from app_user where id = ${id}`)[0].version;

describe("the permission matrix", () => {
  const adminOnly: Record<Standing, number> = { anonymous: 403, member: 403, otherMember: 403, organizer: 403, admin: 200 };
  const staff: Record<Standing, number> = { anonymous: 403, member: 403, otherMember: 403, organizer: 200, admin: 200 };

  it.each(STANDINGS)("user administration as %s", async (s) => {
    const target = await makeUser({ name: "被管理的用户" });
    const org = await makeOrg("矩阵机构", "enterprise");
    const actor = actorOf(w, s);
    const before = await fingerprint(TABLES);
    const results = [
      await outcome(async () => searchUsers(actor, {})),
      await outcome(async () => getUserForAdmin(actor, target.id)),
      await outcome(async () => setUserRole(actor, { userId: target.id, role: "organizer", version: 1 })),
      await outcome(async () => setUserDisabled(actor, { userId: target.id, disabled: true, version: 2 })),
      await outcome(async () => addMembership(actor, { userId: target.id, orgId: org, role: "member" })),
    ];
    expect(results.map((r) => r.status)).toEqual(results.map(() => adminOnly[s]));
    if (adminOnly[s] !== 200) expect(await fingerprint(TABLES)).toEqual(before);
  });

  it.each(STANDINGS)("organization upkeep as %s", async (s) => {
    const org = await makeOrg("矩阵类型机构", "agency");
    const actor = actorOf(w, s);
    const r1 = await outcome(async () => searchOrgs(actor, {}));
    const r2 = await outcome(async () => setOrgKind(actor, { orgId: org, kind: "government", version: 1 }));
    expect([r1.status, r2.status]).toEqual([staff[s], staff[s]]);
  });

  it.each(STANDINGS)("the pages as %s: /admin/users for admins, /admin/orgs for staff, sign-in for visitors", async (s) => {
    const cookie = cookieOf(w, s);
    const users = await run(() => usersLoader({ request: getRequest("/admin/users", { cookie }), params: {}, context: ctx }));
    const detail = await run(() => userLoader({ request: getRequest(`/admin/users/${w.memberA.id}`, { cookie }), params: { userId: w.memberA.id }, context: ctx }));
    const orgs = await run(() => orgsLoader({ request: getRequest("/admin/orgs", { cookie }), params: {}, context: ctx }));
    const expectPage = (status: number, expected: number) => expect(status).toBe(s === "anonymous" ? 302 : expected);
    expectPage(users.status, adminOnly[s]);
    expectPage(detail.status, adminOnly[s]);
    expectPage(orgs.status, staff[s]);
  });
});

describe("users", () => {
  it("finds users by Chinese name, e-mail, role and status, a page at a time", async () => {
    await makeUser({ name: "张晓明（南通）", email: "zhang.xm@example.com" });
    const admin = actorOf(w, "admin");
    expect((await searchUsers(admin, { q: "晓明" })).users.map((u) => u.email)).toEqual(["zhang.xm@example.com"]);
    expect((await searchUsers(admin, { q: "ZHANG.XM" })).total).toBe(1);
    expect((await searchUsers(admin, { q: "100%_" })).total).toBe(0);
    const organizers = await searchUsers(admin, { role: "organizer" });
    expect(organizers.users.every((u) => u.role === "organizer")).toBe(true);
    expect(organizers.users.map((u) => u.id)).toContain(w.organizer.id);
    const page99 = await searchUsers(admin, { page: 99 });
    expect(page99.page).toBe(page99.pages);
  });

  it("disabling ends every session at once and is audited; enabling lets the user back in", async () => {
    const u = await makeUser({ name: "将被停用" });
    const { createUserSession } = await import("~/utils/auth.server");
    const headers = await createUserSession(new Request("http://localhost/login"), u.id);
    const cookie = (headers.get("Set-Cookie") ?? "").split(";")[0];
    expect(await getUser(getRequest("/", { cookie }))).not.toBeNull();
    const out = await setUserDisabled(actorOf(w, "admin"), { userId: u.id, disabled: true, version: await v(u.id) });
    expect(out.sessionsEnded).toBe(1);
    expect(await sql`select count(*)::int as n from session where user_id = ${u.id}`).toEqual([{ n: 0 }]);
    expect(await getUser(getRequest("/", { cookie }))).toBeNull();
    const [a] = await sql`select action, actor_id, after from audit_log where entity = 'app_user' and entity_id = ${u.id} order by id desc limit 1`;
    expect(a).toMatchObject({ action: "user.disable", actor_id: w.admin.id, after: { disabled: true, sessions_ended: 1 } });
    await setUserDisabled(actorOf(w, "admin"), { userId: u.id, disabled: false, version: await v(u.id) });
    expect((await sql`select disabled_at from app_user where id = ${u.id}`)[0].disabled_at).toBeNull();
  });

  it("refuses changing oneself, the last admin, and a stale version — nothing changes", async () => {
    const admin = actorOf(w, "admin");
    const before = await fingerprint(TABLES);
    expect(await outcome(async () => setUserRole(admin, { userId: w.admin.id, role: "member", version: await v(w.admin.id) }))).toEqual({ status: 409, text: "admin.users.errors.self" });
    expect(await outcome(async () => setUserDisabled(admin, { userId: w.admin.id, disabled: true, version: await v(w.admin.id) }))).toEqual({ status: 409, text: "admin.users.errors.self" });
    expect(await outcome(async () => setUserRole(admin, { userId: w.memberA.id, role: "organizer", version: 999 }))).toEqual({ status: 409, text: "catalog.errors.stale" });
    expect(await outcome(async () => setUserRole(admin, { userId: "no-such-user", role: "organizer", version: 1 }))).toMatchObject({ status: 404 });
    expect(await fingerprint(TABLES)).toEqual(before);

    // Two admins demoting each other at once: the rows are locked in turn, so the second
    // finds itself already demoted and the one it targets the last enabled admin — refused.
    const other = await makeUser({ role: "admin", name: "第二位管理员" });
    await sql`update app_user set disabled_at = now() where role = 'admin' and id not in (${w.admin.id}, ${other.id})`;
    await setUserRole(admin, { userId: other.id, role: "member", version: await v(other.id) });
    const staleOther = { id: other.id, role: "admin" as const };
    const lone = await fingerprint(TABLES);
    expect(await outcome(async () => setUserRole(staleOther, { userId: w.admin.id, role: "member", version: await v(w.admin.id) }))).toEqual({ status: 409, text: "admin.users.errors.lastAdmin" });
    expect(await outcome(async () => setUserDisabled(staleOther, { userId: w.admin.id, disabled: true, version: await v(w.admin.id) }))).toEqual({ status: 409, text: "admin.users.errors.lastAdmin" });
    expect(await fingerprint(TABLES)).toEqual(lone);
    await sql`update app_user set disabled_at = null where role = 'admin'`;
  });

  it("changes a role through the page: audited, the user's sessions end, a toast says so", async () => {
    const u = await makeUser({ name: "升为组织者" });
    const res = await run(() =>
      userAction({ request: postRequest(`/admin/users/${u.id}`, { intent: "role", role: "organizer", version: "1" }, { cookie: w.admin.cookie }), params: { userId: u.id }, context: ctx }),
    );
    expect(res.status).toBe(302);
    expect((await sql`select role from app_user where id = ${u.id}`)[0].role).toBe("organizer");
    const bad = await run(() =>
      userAction({ request: postRequest(`/admin/users/${u.id}`, { intent: "role", role: "超级管理员", version: "2" }, { cookie: w.admin.cookie }), params: { userId: u.id }, context: ctx }),
    );
    expect(bad.status).toBe(400);
    const unknown = await run(() =>
      userAction({ request: postRequest(`/admin/users/${u.id}`, { intent: "explode" }, { cookie: w.admin.cookie }), params: { userId: u.id }, context: ctx }),
    );
    expect(unknown.status).toBe(400);
    const selfReply = await run(async () =>
      userAction({ request: postRequest(`/admin/users/${w.admin.id}`, { intent: "disable", version: String(await v(w.admin.id)) }, { cookie: w.admin.cookie }), params: { userId: w.admin.id }, context: ctx }),
    );
    expect(selfReply).toMatchObject({ status: 409, data: { error: "admin.users.errors.self" } });
  });
});

describe("memberships", () => {
  it("adds, changes and removes a membership, each audited; a second add is refused with a message", async () => {
    const admin = actorOf(w, "admin");
    const u = await makeUser({ name: "新成员" });
    const org = await makeOrg("南通某某科技有限公司", "enterprise");
    const { id } = await addMembership(admin, { userId: u.id, orgId: org, role: "member" });
    expect(await outcome(async () => addMembership(admin, { userId: u.id, orgId: org, role: "manager" }))).toEqual({ status: 409, text: "admin.memberships.errors.exists" });
    expect(await outcome(async () => addMembership(admin, { userId: u.id, orgId: 999_999, role: "member" }))).toEqual({ status: 400, text: "admin.memberships.errors.orgNotFound" });
    await setMembershipRole(admin, { membershipId: id, role: "manager", version: 1 });
    expect(await outcome(async () => setMembershipRole(admin, { membershipId: id, role: "member", version: 1 }))).toEqual({ status: 409, text: "catalog.errors.stale" });
    await removeMembership(admin, { membershipId: id, version: 2 });
    expect(await sql`select id from membership where id = ${id}`).toHaveLength(0);
    const actions = await sql`select action from audit_log where entity = 'membership' and entity_id = ${String(id)} order by id`;
    expect(actions.map((a) => a.action)).toEqual(["membership.add", "membership.set_role", "membership.remove"]);
  });

  it("refuses membership changes by organizers and members (403), changing nothing", async () => {
    const [m] = await sql<{ id: number; version: number }[]>`select id, version from membership where user_id = ${w.memberA.id}`;
    const before = await fingerprint(TABLES);
    for (const s of ["organizer", "member", "anonymous"] as const) {
      expect((await outcome(async () => setMembershipRole(actorOf(w, s), { membershipId: m.id, role: "manager", version: m.version }))).status).toBe(403);
      expect((await outcome(async () => removeMembership(actorOf(w, s), { membershipId: m.id, version: m.version }))).status).toBe(403);
    }
    expect(await fingerprint(TABLES)).toEqual(before);
  });
});

describe("organizations", () => {
  it("lists organizations with counts of what hangs off them", async () => {
    const org = await makeOrg("计数企业", "enterprise");
    await need(org);
    await need(org, { status: "draft" });
    const { orgs } = await searchOrgs(actorOf(w, "organizer"), { q: "计数" });
    expect(orgs).toHaveLength(1);
    expect(orgs[0].counts).toEqual({ members: 0, needs: 2, results: 0, experts: 0, intents: 0 });
  });

  it("changes a kind when the records allow it, refuses it with a reason otherwise, changing nothing", async () => {
    const organizer = actorOf(w, "organizer");
    const ent = await makeOrg("有需求的企业", "enterprise");
    await need(ent);
    const uni = await makeOrg("有专家的学院", "university");
    await expert(uni);
    const before = await fingerprint(TABLES);
    expect(await outcome(async () => setOrgKind(organizer, { orgId: ent, kind: "university", version: 1 }))).toEqual({ status: 409, text: "admin.orgs.errors.kindHasNeeds" });
    expect(await outcome(async () => setOrgKind(organizer, { orgId: uni, kind: "enterprise", version: 1 }))).toEqual({ status: 409, text: "admin.orgs.errors.kindHasResults" });
    expect(await outcome(async () => setOrgKind(organizer, { orgId: uni, kind: "institute", version: 7 }))).toEqual({ status: 409, text: "catalog.errors.stale" });
    expect(await fingerprint(TABLES)).toEqual(before);
    await setOrgKind(organizer, { orgId: uni, kind: "institute", version: 1 });
    expect((await sql`select kind from organization where id = ${uni}`)[0].kind).toBe("institute");
    const res = await run(() =>
      orgsAction({ request: postRequest("/admin/orgs", { intent: "kind", orgId: String(ent), kind: "university", version: "1" }, { cookie: w.organizer.cookie }), params: {}, context: ctx }),
    );
    expect(res).toMatchObject({ status: 409, data: { orgId: ent, error: "admin.orgs.errors.kindHasNeeds" } });
    const bad = await run(() =>
      orgsAction({ request: postRequest("/admin/orgs", { intent: "kind", orgId: String(ent), kind: "公司", version: "1" }, { cookie: w.organizer.cookie }), params: {}, context: ctx }),
    );
    expect(bad.status).toBe(400);
  });
});
