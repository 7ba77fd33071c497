import { beforeEach, describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { action as detailAction, loader as detailLoader } from "~/routes/needs.$ref";
import { action as editAction, loader as editLoader } from "~/routes/needs.$ref_.edit";
import { action as newAction, loader as newLoader } from "~/routes/needs.new";
import {
  auditRows,
  clearJobs,
  countRows,
  getRequest,
  need,
  needForm,
  postForm,
  postRequest,
  run,
  snapshotRow,
  syncJobs,
  world,
} from "./helpers";

const ctx = {};
const w = await world();

beforeEach(clearJobs);

async function create(fields: Record<string, string>, cookie = w.memberA.cookie) {
  return run(() => newAction({ request: postRequest("/needs/new", fields, { cookie }), params: {}, context: ctx }));
}

function errorsOf(data: unknown): Record<string, string[] | null> {
  if (data && typeof data === "object" && "result" in data) {
    const result = (data as { result: { error?: Record<string, string[] | null> } }).result;
    return result.error ?? {};
  }
  throw new Error(`no Conform reply in ${JSON.stringify(data)}`);
}

async function onlyJobFor(entity: "need", id: number) {
  const jobs = await syncJobs();
  expect(jobs).toHaveLength(1);
  expect([...(jobs[0].work.get(entity) ?? [])]).toEqual([id]);
}

describe("creating a need", () => {
  test("a member saves a draft: one row, one audit row, one sync job, redirect with a toast", async () => {
    const before = await countRows("need");
    const res = await create(needForm({ orgId: String(w.entA) }));
    expect(res.status).toBe(302);
    expect(res.headers.get("Set-Cookie")).toMatch(/qiao_toast=/);
    expect(await countRows("need")).toBe(before + 1);
    const [row] = await sql`select id, org_id, status, title, budget_wan::float8 as budget, deadline::text, keywords, created_by from need order by id desc limit 1`;
    expect(res.location).toBe(`/needs/${row.id}`);
    expect(row).toMatchObject({ org_id: w.entA, status: "draft", title: "高导热浇注材料", budget: 100, deadline: "2030-04-30", created_by: w.memberA.id });
    expect(row.keywords).toEqual(["浇注材料", "导热"]);
    const audits = await auditRows("need", row.id);
    expect(audits.map((a) => a.action)).toEqual(["need.create"]);
    expect(audits[0].actor_id).toBe(w.memberA.id);
    await onlyJobFor("need", row.id);
  });

  test("save and submit goes straight to review", async () => {
    const res = await create(needForm({ orgId: String(w.entA), intent: "submit" }));
    expect(res.status).toBe(302);
    const [row] = await sql`select status, submitted_at from need order by id desc limit 1`;
    expect(row.status).toBe("pending_review");
    expect(row.submitted_at).not.toBeNull();
  });

  test("a member of two enterprises picks either; the loader offers both", async () => {
    const page = await run(() => newLoader({ request: getRequest(`/needs/new?org=${w.entB}`, { cookie: w.multi.cookie }), params: {}, context: ctx }));
    expect(page.data).toMatchObject({ orgId: w.entB, orgs: expect.arrayContaining([expect.objectContaining({ id: w.entA }), expect.objectContaining({ id: w.entB })]) });
    const res = await create(needForm({ orgId: String(w.entB) }), w.multi.cookie);
    expect(res.status).toBe(302);
    const [row] = await sql`select org_id from need order by id desc limit 1`;
    expect(row.org_id).toBe(w.entB);
  });

  test("commas, 、 and full-width forms are understood; empty budget is 面议", async () => {
    const res = await run(() =>
      newAction({
        request: postForm(
          "/needs/new",
          [
            ...Object.entries(needForm({ orgId: String(w.entA), keywords: "锂电池，光伏; 储能、锂电池", budget: "", deadline: "" })),
            ["cooperation", "合作开发"],
            ["cooperation", "技术转让"],
            ["cooperation", "合作开发"],
          ],
          w.memberA.cookie,
        ),
        params: {},
        context: ctx,
      }),
    );
    expect(res.status).toBe(302);
    const [row] = await sql`select keywords, cooperation, budget_wan, deadline from need order by id desc limit 1`;
    expect(row).toMatchObject({ keywords: ["锂电池", "光伏", "储能"], cooperation: ["合作开发", "技术转让"], budget_wan: null, deadline: null });
    const res2 = await create(needForm({ orgId: String(w.entA), budget: "１,２００.５万" }));
    expect(res2.status).toBe(302);
    const [row2] = await sql`select budget_wan::float8 as b from need order by id desc limit 1`;
    expect(row2.b).toBe(1200.5);
  });

  test("HTML and script are stored as text, exactly as typed", async () => {
    const title = `<script>alert("x")</script><b>粗体</b>`;
    const description = `<img src=x onerror="alert(1)"> & 'quotes'`;
    const res = await create(needForm({ orgId: String(w.entA), title, description }));
    expect(res.status).toBe(302);
    const [row] = await sql`select id, title, description from need order by id desc limit 1`;
    expect(row).toMatchObject({ title, description });
    const page = await run(() => detailLoader({ request: getRequest(`/needs/${row.id}`, { cookie: w.memberA.cookie }), params: { ref: String(row.id) }, context: ctx }));
    expect(page.data).toMatchObject({ need: { title, description } });
  });

  const long = (n: number) => "长".repeat(n);
  const bad: [string, Record<string, string>, string, string][] = [
    ["missing title", { title: "" }, "title", "validation.required"],
    ["blank title", { title: "   " }, "title", "validation.required"],
    ["overlong title", { title: long(201) }, "title", "catalog.validation.max200"],
    ["overlong description", { description: long(10_001) }, "description", "catalog.validation.max10000"],
    ["unknown 技术领域", { field: "量子计算" }, "field", "catalog.validation.unknownField"],
    ["too many keywords", { keywords: Array.from({ length: 21 }, (_, i) => `词${i}`).join("、") }, "keywords", "catalog.validation.tooManyItems"],
    ["overlong keyword", { keywords: long(51) }, "keywords", "catalog.validation.itemTooLong"],
    ["unknown cooperation mode", { cooperation: "随便合作" }, "cooperation", "catalog.validation.unknownCooperation"],
    ["negative budget", { budget: "-5" }, "budget", "catalog.validation.amountNegative"],
    ["absurd budget", { budget: "1000000.01" }, "budget", "catalog.validation.amountTooLarge"],
    ["budget in 元 by mistake", { budget: "5000000000" }, "budget", "catalog.validation.amountTooLarge"],
    ["budget not a number", { budget: "一百" }, "budget", "catalog.validation.amountInvalid"],
    ["budget in exponent form", { budget: "1e5" }, "budget", "catalog.validation.amountInvalid"],
    ["impossible date", { deadline: "2018-02-30" }, "deadline", "catalog.validation.dateInvalid"],
    ["month 13", { deadline: "2018-13-01" }, "deadline", "catalog.validation.dateInvalid"],
    ["not a date", { deadline: "next week" }, "deadline", "catalog.validation.dateInvalid"],
    ["date out of range", { deadline: "1999-12-31" }, "deadline", "catalog.validation.dateRange"],
    ["unknown visibility", { visibility: "everyone" }, "visibility", "validation.invalidChoice"],
    ["overlong contact name", { contactName: long(51) }, "contactName", "catalog.validation.max50"],
    ["phone with letters", { contactPhone: "call me maybe" }, "contactPhone", "catalog.validation.phone"],
    ["bad e-mail", { contactEmail: "not-an-email" }, "contactEmail", "validation.email"],
    ["organization not a number", { orgId: "甲" }, "orgId", "validation.invalidChoice"],
    ["submit without a field", { intent: "submit", field: "" }, "field", "catalog.validation.fieldRequiredOnSubmit"],
  ];
  test.each(bad)("%s → 400 on %s, nothing written", async (_label, over, field, message) => {
    const before = await countRows("need");
    const res = await create(needForm({ orgId: String(w.entA), ...over }));
    expect(res.status).toBe(400);
    expect(errorsOf(res.data)[field]).toEqual([message]);
    expect(await countRows("need")).toBe(before);
    expect(await syncJobs()).toHaveLength(0);
  });

  test("a field sent twice (wrong type) is refused", async () => {
    const res = await run(() =>
      newAction({
        request: postForm("/needs/new", [...Object.entries(needForm({ orgId: String(w.entA) })), ["title", "第二个标题"]], w.memberA.cookie),
        params: {},
        context: ctx,
      }),
    );
    expect(res.status).toBe(400);
    expect(errorsOf(res.data).title).toEqual(["catalog.validation.notText"]);
  });

  test.each([
    ["another enterprise's id", () => w.entB, () => w.memberA.cookie, 403],
    ["an organization that does not exist", () => 999_999, () => w.memberA.cookie, 403],
    ["a university (wrong kind) by its member", () => w.uni, () => w.uniMember.cookie, 403],
    ["a user without an organization", () => w.entA, () => w.outsider.cookie, 403],
  ])("forged org: %s → %s, nothing written", async (_label, org, cookie, status) => {
    const before = await countRows("need");
    const res = await create(needForm({ orgId: String(org()) }), cookie());
    expect(res.status).toBe(status);
    expect(await countRows("need")).toBe(before);
    expect(await syncJobs()).toHaveLength(0);
  });

  test("staff choosing a university for a need get a message on the field", async () => {
    const res = await create(needForm({ orgId: String(w.uni) }), w.organizer.cookie);
    expect(res.status).toBe(400);
    expect(errorsOf(res.data).orgId).toEqual(["catalog.errors.orgKind.need"]);
  });

  test("unknown intent → 400; anonymous → login", async () => {
    expect((await create(needForm({ orgId: String(w.entA), intent: "publish" }))).status).toBe(400);
    const anon = await run(() => newAction({ request: postRequest("/needs/new", needForm({ orgId: String(w.entA) })), params: {}, context: ctx }));
    expect(anon.status).toBe(302);
    expect(anon.location).toMatch(/^\/login/);
  });
});

describe("editing a need", () => {
  async function edit(ref: string, fields: Record<string, string>, cookie = w.memberA.cookie) {
    return run(() => editAction({ request: postRequest(`/needs/${ref}/edit`, fields, { cookie }), params: { ref }, context: ctx }));
  }

  test("saves from the version it was based on: +1 version, one audit row with before/after, one sync job", async () => {
    const n = await need(w.entA, { status: "draft", ref: "N-EDIT-1" });
    const res = await edit("N-EDIT-1", needForm({ version: String(n.version), title: "新的标题" }));
    expect(res.status).toBe(302);
    expect(res.location).toBe("/needs/N-EDIT-1");
    const [row] = await sql`select title, version, status from need where id = ${n.id}`;
    expect(row).toMatchObject({ title: "新的标题", version: n.version + 1, status: "draft" });
    const audits = await auditRows("need", n.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: "need.update", before: { title: expect.stringMatching(/^测试需求/) }, after: { title: "新的标题" } });
    await onlyJobFor("need", n.id);
  });

  test("a stale version is refused (409) with who changed it; nothing written", async () => {
    const n = await need(w.entA, { status: "draft" });
    const first = await edit(n.ref ?? "", needForm({ version: String(n.version), title: "甲先保存" }), w.managerA.cookie);
    expect(first.status).toBe(302);
    const snap = await snapshotRow("need", n.id);
    await clearJobs();
    const second = await edit(n.ref ?? "", needForm({ version: String(n.version), title: "乙后保存" }));
    expect(second.status).toBe(409);
    expect(errorsOf(second.data)[""]).toEqual(["catalog.errors.stale"]);
    expect(second.data).toMatchObject({ stale: { by: "甲企业管理员", version: n.version + 1 } });
    expect(await snapshotRow("need", n.id)).toEqual(snap);
    expect(await syncJobs()).toHaveLength(0);
  });

  test("another enterprise's need by URL: 404 for a draft, 403 for a published one; nothing written", async () => {
    const draft = await need(w.entB, { status: "draft" });
    const published = await need(w.entB, { status: "published" });
    for (const [n, status] of [[draft, 404], [published, 403]] as const) {
      const snap = await snapshotRow("need", n.id);
      const res = await edit(String(n.id), needForm({ version: String(n.version), title: "被篡改" }));
      expect(res.status).toBe(status);
      expect(await snapshotRow("need", n.id)).toEqual(snap);
      const page = await run(() => editLoader({ request: getRequest(`/needs/${n.id}/edit`, { cookie: w.memberA.cookie }), params: { ref: String(n.id) }, context: ctx }));
      expect(page.status).toBe(status);
    }
    expect(await syncJobs()).toHaveLength(0);
  });

  test("a forged orgId in the edit form is ignored: the need stays with its enterprise", async () => {
    const n = await need(w.entA, { status: "draft" });
    const res = await edit(String(n.id), needForm({ version: String(n.version), orgId: String(w.entB) }));
    expect(res.status).toBe(302);
    const [row] = await sql`select org_id from need where id = ${n.id}`;
    expect(row.org_id).toBe(w.entA);
  });

  test.each([
    ["version not a number", { version: "abc" }, "version", "catalog.validation.version"],
    ["version missing", { version: "" }, "version", "catalog.validation.version"],
    ["overlong title", { title: "长".repeat(201) }, "title", "catalog.validation.max200"],
    ["impossible date", { deadline: "2018-02-30" }, "deadline", "catalog.validation.dateInvalid"],
  ])("%s → 400, nothing written", async (_label, over, field, message) => {
    const n = await need(w.entA, { status: "draft" });
    const snap = await snapshotRow("need", n.id);
    const res = await edit(String(n.id), needForm({ version: String(n.version), ...over }));
    expect(res.status).toBe(400);
    expect(errorsOf(res.data)[field]).toEqual([message]);
    expect(await snapshotRow("need", n.id)).toEqual(snap);
  });

  test("removing the field of a published need is refused (400 on field)", async () => {
    const n = await need(w.entA, { status: "published" });
    const res = await edit(String(n.id), needForm({ version: String(n.version), field: "" }));
    expect(res.status).toBe(400);
    expect(errorsOf(res.data).field).toEqual(["catalog.validation.fieldRequiredOnSubmit"]);
  });

  test("unknown intent → 400", async () => {
    const n = await need(w.entA, { status: "draft" });
    expect((await edit(String(n.id), needForm({ version: String(n.version), intent: "delete" }))).status).toBe(400);
  });

  test("closed needs are read-only for their owner, editable by staff", async () => {
    const n = await need(w.entA, { status: "closed" });
    const owner = await run(() => editLoader({ request: getRequest(`/needs/${n.id}/edit`, { cookie: w.memberA.cookie }), params: { ref: String(n.id) }, context: ctx }));
    expect(owner.status).toBe(403);
    const staff = await edit(String(n.id), needForm({ version: String(n.version), title: "科技局修正" }), w.organizer.cookie);
    expect(staff.status).toBe(302);
  });
});

describe("the workflow from a need's page", () => {
  async function act(ref: string, fields: Record<string, string>, cookie: string) {
    return run(() => detailAction({ request: postRequest(`/needs/${ref}`, fields, { cookie }), params: { ref }, context: ctx }));
  }
  async function read(ref: string, cookie?: string) {
    return run(() => detailLoader({ request: getRequest(`/needs/${ref}`, { cookie }), params: { ref }, context: ctx }));
  }
  async function version(id: number) {
    const [row] = await sql<{ version: number; status: string }[]>`select version, status from need where id = ${id}`;
    return row;
  }

  test("submit → send back with a comment the submitter sees → resubmit → publish; one audit row and one job each", async () => {
    const n = await need(w.entA, { status: "draft", ref: "N-FLOW" });
    const steps: [string, Record<string, string>, string, string][] = [
      ["submit", {}, w.memberA.cookie, "pending_review"],
      ["sendBack", { comment: "请补充<b>技术指标</b>" }, w.organizer.cookie, "draft"],
      ["submit", {}, w.memberA.cookie, "pending_review"],
      ["publish", {}, w.admin.cookie, "published"],
      ["close", {}, w.managerA.cookie, "closed"],
    ];
    let audits = 0;
    for (const [intent, extra, cookie, status] of steps) {
      await clearJobs();
      const v = await version(n.id);
      const res = await act("N-FLOW", { intent, version: String(v.version), ...extra }, cookie);
      expect(res.status, intent).toBe(302);
      expect(res.location).toBe("/needs/N-FLOW");
      expect(await version(n.id)).toEqual({ version: v.version + 1, status });
      audits += 1;
      expect(await auditRows("need", n.id)).toHaveLength(audits);
      await onlyJobFor("need", n.id);
      if (intent === "sendBack") {
        const page = await read("N-FLOW", w.memberA.cookie);
        expect(page.data).toMatchObject({ need: { status: "draft", review: { comment: "请补充<b>技术指标</b>", by: "科技局组织者" } } });
        const other = await read("N-FLOW", w.memberB.cookie);
        expect(other.status).toBe(404);
      }
    }
    const actions = (await auditRows("need", n.id)).map((a) => a.action);
    expect(actions).toEqual(["need.submit", "need.send_back", "need.submit", "need.publish", "need.close"]);
    const [row] = await sql`select published_at, closed_at, review_comment, reviewed_by from need where id = ${n.id}`;
    expect(row.published_at).not.toBeNull();
    expect(row.closed_at).not.toBeNull();
    expect(row.review_comment).toBeNull();
    expect(row.reviewed_by).toBe(w.admin.id);
  });

  test("a stale version on a workflow button → 409, nothing written", async () => {
    const n = await need(w.entA, { status: "pending_review" });
    const snap = await snapshotRow("need", n.id);
    const res = await act(String(n.id), { intent: "publish", version: String(n.version - 1 || 99) }, w.organizer.cookie);
    expect(res.status).toBe(409);
    expect(res.data).toMatchObject({ intent: "publish", stale: { version: n.version } });
    expect(await snapshotRow("need", n.id)).toEqual(snap);
  });

  test("a member cannot publish their own submission (403); wrong status → 409; unknown intent → 400", async () => {
    const n = await need(w.entA, { status: "pending_review" });
    expect((await act(String(n.id), { intent: "publish", version: String(n.version) }, w.memberA.cookie)).status).toBe(403);
    expect((await act(String(n.id), { intent: "submit", version: String(n.version) }, w.memberA.cookie)).status).toBe(409);
    expect((await act(String(n.id), { intent: "explode", version: String(n.version) }, w.memberA.cookie)).status).toBe(400);
    expect((await act(String(n.id), { version: String(n.version) }, w.memberA.cookie)).status).toBe(400);
  });

  test("send back needs a comment (400); submitting a draft without a field → 400 on field", async () => {
    const p = await need(w.entA, { status: "pending_review" });
    const res = await act(String(p.id), { intent: "sendBack", version: String(p.version), comment: "  " }, w.organizer.cookie);
    expect(res.status).toBe(400);
    expect(errorsOf(res.data).comment).toEqual(["validation.required"]);
    const d = await need(w.entA, { status: "draft", field: null });
    const res2 = await act(String(d.id), { intent: "submit", version: String(d.version) }, w.memberA.cookie);
    expect(res2.status).toBe(400);
    expect(errorsOf(res2.data).field).toEqual(["catalog.validation.fieldRequiredOnSubmit"]);
    expect((await version(d.id)).status).toBe("draft");
  });

  test("unknown refs are 404", async () => {
    expect((await read("N-NOPE")).status).toBe(404);
    expect((await read("x".repeat(100))).status).toBe(404);
    expect((await act("N-NOPE", { intent: "close", version: "1" }, w.memberA.cookie)).status).toBe(404);
  });

  test("a members-only need sends visitors to log in, and shows to signed-in users", async () => {
    const n = await need(w.entB, { visibility: "members" });
    const anon = await read(String(n.id));
    expect(anon.status).toBe(302);
    expect(anon.location).toMatch(/^\/login\?redirectTo=/);
    expect((await read(String(n.id), w.uniMember.cookie)).status).toBe(200);
  });
});
