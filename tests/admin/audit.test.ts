import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { AUDIT_PAGE_SIZE, exportAuditLog, searchAuditLog } from "~/models/audit-log.server";
import { mergeRecords } from "~/models/merge.server";
import { loader as auditLoader } from "~/routes/admin.audit";
import { loader as auditExport } from "~/routes/admin.audit_.export";
import { makeOrg, makeUser } from "../app/helpers";
import { getRequest, need, run, world, type World } from "../catalog/helpers";
import { actorOf, cookieOf, ctx, outcome, STANDINGS } from "./helpers";

// The audit log page: search by actor, record (id or ref, a merged duplicate's ref too), action
// and China-time date range; pagination; CSV export; admins only; bad dates get a message.

let w: World;
beforeAll(async () => {
  w = await world();
});

async function entry(o: { actor: string | null; action: string; entity: string; id: string; at: string }) {
  await sql`insert into audit_log (actor_id, action, entity, entity_id, at, after) values (${o.actor}, ${o.action}, ${o.entity}, ${o.id}, ${o.at}, ${sql.json({ 备注: "测试" })})`;
}

describe("searching the log", () => {
  it("by actor name or e-mail, record id or ref, action prefix and date range in China time", async () => {
    const zhang = await makeUser({ name: "张审核员", email: "zhang.audit@example.com" });
    const n = await need(w.entA, { ref: "AUD-N1" });
    await entry({ actor: zhang.id, action: "need.publish", entity: "need", id: String(n.id), at: "2018-03-01T15:59:00Z" }); // 3月1日 23:59 北京
    await entry({ actor: zhang.id, action: "need.send_back", entity: "need", id: String(n.id), at: "2018-03-01T16:01:00Z" }); // 3月2日 00:01 北京
    await entry({ actor: null, action: "import.apply", entity: "import", id: "x", at: "2018-03-01T12:00:00Z" });
    const admin = actorOf(w, "admin");

    // three: the two above and the account's own creation (user.create)
    expect((await searchAuditLog(admin, { actor: "张审核" })).total).toBe(3);
    expect((await searchAuditLog(admin, { actor: "ZHANG.AUDIT" })).total).toBe(3);
    expect((await searchAuditLog(admin, { actor: zhang.id, action: "need." })).total).toBe(2);
    expect((await searchAuditLog(admin, { entity: "need", record: "AUD-N1" })).entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(["need.publish", "need.send_back"]),
    );
    expect((await searchAuditLog(admin, { record: "AUD-N1", action: "need.send" })).entries.map((e) => e.action)).toEqual(["need.send_back"]);
    const day1 = await searchAuditLog(admin, { actor: "张审核员", from: "2018-03-01", to: "2018-03-01" });
    expect(day1.entries.map((e) => e.action)).toEqual(["need.publish"]);
    const day2 = await searchAuditLog(admin, { actor: "张审核员", from: "2018-03-02", to: "2018-03-02" });
    expect(day2.entries.map((e) => e.action)).toEqual(["need.send_back"]);
    expect((await searchAuditLog(admin, { action: "100%" })).total).toBe(0);
  });

  it("finds a merged duplicate's rows by its old ref", async () => {
    const keep = await makeOrg("合并后保留", "enterprise");
    const dup = await makeOrg("合并前重复", "enterprise");
    await sql`update organization set ref = 'AUD-DUP' where id = ${dup}`;
    await mergeRecords(actorOf(w, "admin"), { entity: "organization", survivorId: keep, duplicateId: dup, survivorVersion: 1, duplicateVersion: 1 });
    const { entries } = await searchAuditLog(actorOf(w, "admin"), { entity: "organization", record: "AUD-DUP" });
    expect(entries.map((e) => e.action)).toContain("organization.merged_into");
  });

  it("pages newest first", async () => {
    for (let i = 0; i < AUDIT_PAGE_SIZE + 3; i++) {
      await entry({ actor: w.organizer.id, action: "paging.test", entity: "paging", id: String(i), at: new Date(Date.UTC(2019, 0, 1, 0, i)).toISOString() });
    }
    const admin = actorOf(w, "admin");
    const p1 = await searchAuditLog(admin, { entity: "paging" });
    expect(p1).toMatchObject({ total: AUDIT_PAGE_SIZE + 3, pages: 2, page: 1 });
    expect(p1.entries[0].entityId).toBe(String(AUDIT_PAGE_SIZE + 2));
    const p2 = await searchAuditLog(admin, { entity: "paging", page: 2 });
    expect(p2.entries.map((e) => e.entityId)).toEqual(["2", "1", "0"]);
    expect((await searchAuditLog(admin, { entity: "paging", page: 50 })).page).toBe(2);
  });

  it("refuses a bad date and a range that ends before it starts, with a message", async () => {
    const admin = actorOf(w, "admin");
    expect(await outcome(() => searchAuditLog(admin, { from: "2018-02-30" }))).toEqual({ status: 400, text: "admin.audit.errors.date" });
    expect(await outcome(() => searchAuditLog(admin, { to: "昨天" }))).toEqual({ status: 400, text: "admin.audit.errors.date" });
    expect(await outcome(() => searchAuditLog(admin, { from: "2018-03-02", to: "2018-03-01" }))).toEqual({ status: 400, text: "admin.audit.errors.range" });
    const page = await run(() => auditLoader({ request: getRequest("/admin/audit?from=2018-03-02&to=2018-03-01", { cookie: w.admin.cookie }), params: {}, context: ctx }));
    expect(page).toMatchObject({ status: 200, data: { error: "admin.audit.errors.range", entries: [] } });
  });
});

describe("who may read it", () => {
  it.each(STANDINGS)("as %s", async (s) => {
    const expected = s === "admin" ? 200 : 403;
    expect((await outcome(() => searchAuditLog(actorOf(w, s), {}))).status).toBe(expected);
    expect((await outcome(() => exportAuditLog(actorOf(w, s), {}))).status).toBe(expected);
    const page = await run(() => auditLoader({ request: getRequest("/admin/audit", { cookie: cookieOf(w, s) }), params: {}, context: ctx }));
    expect(page.status).toBe(s === "anonymous" ? 302 : expected);
  });
});

describe("the CSV export", () => {
  it("has a BOM, Chinese headers, the filtered rows in China time and JSON snapshots", async () => {
    const u = await makeUser({ name: "=导出测试员" });
    await entry({ actor: u.id, action: "need.update", entity: "need", id: "42", at: "2018-05-10T02:03:04Z" });
    const res = await auditExport({ request: getRequest(`/admin/audit/export?actor=${encodeURIComponent(u.id)}&action=need.`, { cookie: w.admin.cookie }), params: {}, context: ctx });
    expect(res.status).toBe(200);
    const text = Buffer.from(await res.arrayBuffer()).toString("utf8");
    expect(text.startsWith("\uFEFF时间,操作人,操作,对象类型,对象编号,修改前,修改后,IP 地址\r\n")).toBe(true);
    const lines = text.trim().split("\r\n");
    expect(lines).toHaveLength(2);
    // the actor's name begins with "=": neutralized
    expect(lines[1]).toContain(`2018-05-10 10:03:04,'=导出测试员 <`);
    expect(lines[1]).toContain(`"{""备注"":""测试""}"`);
    const bad = await auditExport({ request: getRequest("/admin/audit/export?from=x", { cookie: w.admin.cookie }), params: {}, context: ctx });
    expect(bad.status).toBe(400);
  });
});
