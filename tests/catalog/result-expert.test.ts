import { beforeEach, describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { action as expertPageAction } from "~/routes/experts.$ref";
import { action as expertEditAction } from "~/routes/experts.$ref_.edit";
import { action as expertNewAction } from "~/routes/experts.new";
import { action as resultEditAction } from "~/routes/results.$ref_.edit";
import { action as resultNewAction, loader as resultNewLoader } from "~/routes/results.new";
import { auditRows, clearJobs, countRows, expert, getRequest, postForm, postRequest, result, run, snapshotRow, syncJobs, world } from "./helpers";

const ctx = {};
const w = await world();
const lead = await expert(w.uni, { name: "本校专家" });
const foreignLead = await expert(w.uni2, { name: "外校专家" });

beforeEach(clearJobs);

function errorsOf(data: unknown): Record<string, string[] | null> {
  if (data && typeof data === "object" && "result" in data) {
    return (data as { result: { error?: Record<string, string[] | null> } }).result.error ?? {};
  }
  throw new Error(`no Conform reply in ${JSON.stringify(data)}`);
}

async function onlyJobFor(entity: "result" | "expert", id: number) {
  const jobs = await syncJobs();
  expect(jobs).toHaveLength(1);
  expect([...(jobs[0].work.get(entity) ?? [])]).toEqual([id]);
}

const long = (n: number) => "长".repeat(n);

function resultForm(over: Record<string, string> = {}): Record<string, string> {
  return {
    intent: "save",
    orgId: String(w.uni),
    title: "高镍三元正极材料制备方法",
    summary: "容量≥200mAh/g。",
    field: "新能源与节能",
    keywords: "正极材料、高镍",
    maturity: "中试",
    ip: "发明专利2项",
    price: "300",
    leadExpertId: String(lead.id),
    visibility: "public",
    contactName: "李老师",
    contactPhone: "025-12345678转8001",
    contactEmail: "li@example.edu.cn",
    ...over,
  };
}

function expertForm(over: Record<string, string> = {}): Record<string, string> {
  return {
    intent: "save",
    orgId: String(w.uni),
    name: "赵教授",
    title: "教授",
    areas: "储能材料、固态电池",
    honors: "国家杰出青年科学基金获得者",
    bio: "长期从事储能材料研究。",
    email: "zhao@example.edu.cn",
    phone: "13812345678",
    visibility: "public",
    ...over,
  };
}

describe("results", () => {
  const create = (fields: Record<string, string>, cookie = w.uniMember.cookie) =>
    run(() => resultNewAction({ request: postRequest("/results/new", fields, { cookie }), params: {}, context: ctx }));

  test("an institution member lists a result with a lead expert of its own: one row, one audit row, one job", async () => {
    const res = await create(resultForm({ intent: "submit" }));
    expect(res.status).toBe(302);
    const [row] = await sql`select id, org_id, lead_expert_id, status, maturity, price_wan::float8 as price from result order by id desc limit 1`;
    expect(row).toMatchObject({ org_id: w.uni, lead_expert_id: lead.id, status: "pending_review", maturity: "中试", price: 300 });
    expect((await auditRows("result", row.id)).map((a) => a.action)).toEqual(["result.create"]);
    await onlyJobFor("result", row.id);
  });

  test("the new-result page offers only the institution's experts", async () => {
    const page = await run(() => resultNewLoader({ request: getRequest("/results/new", { cookie: w.uniMember.cookie }), params: {}, context: ctx }));
    const ids = (page.data as { experts: { id: number }[] }).experts.map((x) => x.id);
    expect(ids).toContain(lead.id);
    expect(ids).not.toContain(foreignLead.id);
  });

  const bad: [string, Record<string, string>, string, string][] = [
    ["missing title", { title: "" }, "title", "validation.required"],
    ["overlong title", { title: long(201) }, "title", "catalog.validation.max200"],
    ["overlong summary", { summary: long(10_001) }, "summary", "catalog.validation.max10000"],
    ["unknown 技术领域", { field: "人工智能+" }, "field", "catalog.validation.unknownField"],
    ["unknown maturity", { maturity: "量产" }, "maturity", "catalog.validation.unknownMaturity"],
    ["overlong IP", { ip: long(501) }, "ip", "catalog.validation.max500"],
    ["unknown cooperation mode", { cooperation: "入股" }, "cooperation", "catalog.validation.unknownCooperation"],
    ["negative price", { price: "-1" }, "price", "catalog.validation.amountNegative"],
    ["absurd price", { price: "99999999" }, "price", "catalog.validation.amountTooLarge"],
    ["price not a number", { price: "三百" }, "price", "catalog.validation.amountInvalid"],
    ["lead expert id not a number", { leadExpertId: "钱教授" }, "leadExpertId", "validation.invalidChoice"],
    ["lead expert of another institution", { leadExpertId: "__foreign__" }, "leadExpertId", "catalog.validation.leadExpertOrg"],
    ["lead expert that does not exist", { leadExpertId: "987654" }, "leadExpertId", "catalog.validation.leadExpertOrg"],
    ["bad contact e-mail", { contactEmail: "li@" }, "contactEmail", "validation.email"],
    ["submit without a field", { intent: "submit", field: "" }, "field", "catalog.validation.fieldRequiredOnSubmit"],
  ];
  test.each(bad)("%s → 400 on %s, nothing written", async (_label, over, field, message) => {
    const fields = resultForm(over);
    if (fields.leadExpertId === "__foreign__") fields.leadExpertId = String(foreignLead.id);
    const before = await countRows("result");
    const res = await create(fields);
    expect(res.status).toBe(400);
    expect(errorsOf(res.data)[field]).toEqual([message]);
    expect(await countRows("result")).toBe(before);
    expect(await syncJobs()).toHaveLength(0);
  });

  test.each([
    ["an enterprise member for the university", () => w.memberA.cookie, () => w.uni],
    ["a member of another institution", () => w.uni2Member.cookie, () => w.uni],
    ["for an enterprise (wrong kind)", () => w.memberA.cookie, () => w.entA],
  ])("forged org: %s → 403, nothing written", async (_label, cookie, org) => {
    const before = await countRows("result");
    const res = await create(resultForm({ orgId: String(org()), leadExpertId: "" }), cookie());
    expect(res.status).toBe(403);
    expect(await countRows("result")).toBe(before);
  });

  test("editing: stale → 409 with nothing written; a lead from elsewhere → 400; another institution → 404", async () => {
    const r = await result(w.uni, lead.id, { status: "draft" });
    const edit = (fields: Record<string, string>, cookie = w.uniMember.cookie) =>
      run(() => resultEditAction({ request: postRequest(`/results/${r.ref}/edit`, fields, { cookie }), params: { ref: r.ref ?? "" }, context: ctx }));
    const ok = await edit(resultForm({ version: String(r.version), title: "改后的标题" }));
    expect(ok.status).toBe(302);
    expect((await auditRows("result", r.id)).map((a) => a.action)).toEqual(["result.update"]);
    await onlyJobFor("result", r.id);
    const snap = await snapshotRow("result", r.id);
    const stale = await edit(resultForm({ version: String(r.version), title: "基于旧版本" }));
    expect(stale.status).toBe(409);
    expect(errorsOf(stale.data)[""]).toEqual(["catalog.errors.stale"]);
    const foreign = await edit(resultForm({ version: String(r.version + 1), leadExpertId: String(foreignLead.id) }));
    expect(foreign.status).toBe(400);
    expect(errorsOf(foreign.data).leadExpertId).toEqual(["catalog.validation.leadExpertOrg"]);
    expect(await snapshotRow("result", r.id)).toEqual(snap);
    const other = await edit(resultForm({ version: String(r.version + 1) }), w.uni2Member.cookie);
    expect(other.status).toBe(404);
    expect(await snapshotRow("result", r.id)).toEqual(snap);
  });

  test("a lead who moved to another institution stays on the result when it is saved again", async () => {
    const mover = await expert(w.uni, { name: "调走的专家" });
    const r = await result(w.uni, mover.id, { status: "draft" });
    await sql`update expert set org_id = ${w.uni2} where id = ${mover.id}`;
    const res = await run(() =>
      resultEditAction({
        request: postRequest(`/results/${r.id}/edit`, resultForm({ version: String(r.version), leadExpertId: String(mover.id) }), { cookie: w.uniMember.cookie }),
        params: { ref: String(r.id) },
        context: ctx,
      }),
    );
    expect(res.status).toBe(302);
  });
});

describe("experts", () => {
  const create = (fields: Record<string, string> | [string, string][], cookie = w.uniMember.cookie) =>
    run(() =>
      expertNewAction({
        request: Array.isArray(fields) ? postForm("/experts/new", fields, cookie) : postRequest("/experts/new", fields, { cookie }),
        params: {},
        context: ctx,
      }),
    );

  test("an institution member adds an expert with technology fields: one row, one audit row, one job", async () => {
    const res = await create([...Object.entries(expertForm()), ["fields", "新材料"], ["fields", "新能源与节能"]]);
    expect(res.status).toBe(302);
    const [row] = await sql`select id, name, areas, honors, fields, status from expert order by id desc limit 1`;
    expect(row).toMatchObject({ name: "赵教授", areas: ["储能材料", "固态电池"], honors: ["国家杰出青年科学基金获得者"], fields: ["新材料", "新能源与节能"], status: "draft" });
    expect((await auditRows("expert", row.id)).map((a) => a.action)).toEqual(["expert.create"]);
    await onlyJobFor("expert", row.id);
  });

  const bad: [string, Record<string, string>, string, string][] = [
    ["missing name", { name: "" }, "name", "validation.required"],
    ["overlong name", { name: long(51) }, "name", "catalog.validation.max50"],
    ["overlong title", { title: long(51) }, "title", "catalog.validation.max50"],
    ["too many areas", { areas: Array.from({ length: 21 }, (_, i) => `方向${i}`).join(",") }, "areas", "catalog.validation.tooManyItems"],
    ["overlong honour", { honors: long(51) }, "honors", "catalog.validation.itemTooLong"],
    ["unknown 技术领域", { fields: "玄学" }, "fields", "catalog.validation.unknownField"],
    ["overlong bio", { bio: long(5001) }, "bio", "catalog.validation.max5000"],
    ["bad e-mail", { email: "zhao at example" }, "email", "validation.email"],
    ["phone with letters", { phone: "ext. abc" }, "phone", "catalog.validation.phone"],
    ["overlong phone", { phone: "1".repeat(51) }, "phone", "catalog.validation.max50"],
    ["unknown visibility", { visibility: "secret" }, "visibility", "validation.invalidChoice"],
  ];
  test.each(bad)("%s → 400 on %s, nothing written", async (_label, over, field, message) => {
    const before = await countRows("expert");
    const res = await create(expertForm(over));
    expect(res.status).toBe(400);
    expect(errorsOf(res.data)[field]).toEqual([message]);
    expect(await countRows("expert")).toBe(before);
  });

  test("forged org (another institution) → 403; unknown intent → 400", async () => {
    const before = await countRows("expert");
    expect((await create(expertForm({ orgId: String(w.uni2) }))).status).toBe(403);
    expect((await create(expertForm({ intent: "publish" }))).status).toBe(400);
    expect(await countRows("expert")).toBe(before);
  });

  test("edit with a stale version → 409; the workflow writes one audit row and one job per step", async () => {
    const x = await expert(w.uni, { status: "draft" });
    const edit = (fields: Record<string, string>) =>
      run(() => expertEditAction({ request: postRequest(`/experts/${x.id}/edit`, fields, { cookie: w.uniMember.cookie }), params: { ref: String(x.id) }, context: ctx }));
    expect((await edit(expertForm({ version: String(x.version), intent: "submit" }))).status).toBe(302);
    const snap = await snapshotRow("expert", x.id);
    await clearJobs();
    expect((await edit(expertForm({ version: String(x.version) }))).status).toBe(409);
    expect(await snapshotRow("expert", x.id)).toEqual(snap);
    expect(await syncJobs()).toHaveLength(0);
    const step = (fields: Record<string, string>, cookie: string) =>
      run(() => expertPageAction({ request: postRequest(`/experts/${x.id}`, fields, { cookie }), params: { ref: String(x.id) }, context: ctx }));
    await clearJobs();
    expect((await step({ intent: "publish", version: String(x.version + 1) }, w.organizer.cookie)).status).toBe(302);
    await onlyJobFor("expert", x.id);
    await clearJobs();
    expect((await step({ intent: "close", version: String(x.version + 2) }, w.uniMember.cookie)).status).toBe(302);
    await onlyJobFor("expert", x.id);
    expect((await auditRows("expert", x.id)).map((a) => a.action)).toEqual(["expert.update_submit", "expert.publish", "expert.close"]);
    const [row] = await sql`select status, published_at from expert where id = ${x.id}`;
    expect(row.status).toBe("closed");
    expect(row.published_at).not.toBeNull();
  });
});
