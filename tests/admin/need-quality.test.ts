import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { seedDemo } from "../../db/seed.server";
import { ensureIndexes } from "../../search/setup.server";
import { checkNeedQuality, listQualityQueue, sendBackForQuality, type QualityCheck } from "~/models/need-quality.server";
import { loader as needLoader } from "~/routes/needs.$ref";
import { action as qualityAction, loader as qualityLoader } from "~/routes/review_.quality";
import { getRequest, need, postRequest, run, world, type World } from "../catalog/helpers";
import { actorOf, cookieOf, ctx, fingerprint, outcome, STANDINGS } from "./helpers";

// Need-quality triage: the four checks on crafted Chinese text (full-width digits and
// punctuation included) and on the demo needs, the organizer's queue, sending back with the
// missing items named (the shared workflow), and who may do it.

const LABELS: Record<QualityCheck, string> = { benefit: "与现有方案相比的优势", targets: "量化指标（数字和单位）", budget: "预算", deadline: "期限" };
const base = { title: "需求", budgetWan: 50, deadline: "2019-06-30" };

describe("the checks", () => {
  it.each([
    ["a complete need", "现有工艺能耗偏高，希望能耗降低20%，良率≥98%。", []],
    ["no benefit stated", "希望开发一套检测系统，检测精度0.1mm。", ["benefit"]],
    ["no figures", "现有人工检测效率低，希望提高检测效率。", ["targets"]],
    ["full-width figures and punctuation", "目前依赖进口，希望导热系数达到１．５Ｗ／ｍＫ，成本降低３０％。", []],
    ["a comparison with figures in Chinese numerals", "相比传统工艺，产能提高两倍。", []],
    ["5G is not five grams", "希望提升5G基站散热能力。", ["targets"]],
    ["a year is not a target figure", "相比现有方案更可靠，计划2019年推广。", ["targets"]],
    ["a relation counts as a figure", "较现有产品寿命更长，寿命不低于5000。", []],
  ] as const)("%s", (_name, description, expected) => {
    expect(checkNeedQuality({ ...base, description })).toEqual(expected);
  });

  it("accepts a budget or deadline written in the text instead of the fields", () => {
    const text = "现有设备效率低，希望效率提高30%。";
    expect(checkNeedQuality({ title: "t", description: text, budgetWan: null, deadline: null })).toEqual(["budget", "deadline"]);
    expect(checkNeedQuality({ title: "t", description: `${text}预算约80万元，2019年6月前完成。`, budgetWan: null, deadline: null })).toEqual([]);
    expect(checkNeedQuality({ title: "t", description: `${text}投入200万，12个月内交付。`, budgetWan: null, deadline: null })).toEqual([]);
    expect(checkNeedQuality({ title: "t", description: `${text}年底前完成。`, budgetWan: null, deadline: null })).toEqual(["budget"]);
  });
});

describe("on the demo needs", () => {
  let w: World;
  beforeAll(async () => {
    // the need page's match panel queries Meilisearch: its indexes must exist
    await ensureIndexes();
    await seedDemo(sql);
    w = await world();
  });

  it("flags a minority of the 185 demo needs, and only needs under review or published", async () => {
    const { items, checked, counts } = await listQualityQueue(actorOf(w, "organizer"));
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from need where status in ('pending_review', 'published')`;
    expect(checked).toBe(n);
    // the demo needs were written the way reviewers like: most pass every check
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThan(checked / 2);
    expect(items.every((i) => i.missing.length > 0)).toBe(true);
    // every need without a budget is flagged for it unless its text names an amount
    const noBudget = await sql<{ n: number }[]>`select count(*)::int as n from need where status in ('pending_review', 'published') and budget_wan is null`;
    expect(counts.budget).toBeLessThanOrEqual(noBudget[0].n);
    const budgetOnly = await listQualityQueue(actorOf(w, "organizer"), { check: "budget" });
    expect(budgetOnly.items.every((i) => i.missing.includes("budget"))).toBe(true);
    expect(budgetOnly.items).toHaveLength(counts.budget);
  });

  it.each(STANDINGS)("the queue and sending back, as %s", async (s) => {
    const n = await need(w.entA, { status: "pending_review" });
    await sql`update need set description = '希望开发一套系统。', budget_wan = null where id = ${n.id}`;
    const actor = actorOf(w, s);
    const staff = s === "organizer" || s === "admin";
    expect((await outcome(() => listQualityQueue(actor))).status).toBe(staff ? 200 : 403);
    const before = await fingerprint(["need", "audit_log"]);
    const r = await outcome(() => sendBackForQuality(actor, { id: n.id, version: n.version, missing: ["budget"], note: "", labels: LABELS, lead: "请补充：" }));
    expect(r.status).toBe(staff ? 200 : 403);
    if (!staff) expect(await fingerprint(["need", "audit_log"])).toEqual(before);
    const page = await run(() => qualityLoader({ request: getRequest("/review/quality", { cookie: cookieOf(w, s) }), params: {}, context: ctx }));
    expect(page.status).toBe(s === "anonymous" ? 302 : staff ? 200 : 403);
  });

  it("sends a need back with the missing items named; the enterprise sees them as the review comment", async () => {
    const n = await need(w.entA, { status: "published", title: "涂装废气治理" });
    await sql`update need set description = '希望设计新的废气治理方案。', budget_wan = null, deadline = null where id = ${n.id}`;
    const res = await run(() =>
      qualityAction({
        request: postRequest("/review/quality", { intent: "sendBack", id: String(n.id), version: String(n.version), missing: "targets", note: "请写明排放浓度目标，例如≤60mg/m³。" }, { cookie: w.organizer.cookie }),
        params: {},
        context: ctx,
      }),
    );
    expect(res.status).toBe(302);
    const [row] = await sql`select status, review_comment, reviewed_by from need where id = ${n.id}`;
    expect(row.status).toBe("draft");
    expect(row.reviewed_by).toBe(w.organizer.id);
    expect(row.review_comment).toBe("为了让高校和专家更好地判断能否合作，请补充以下内容：\n· 量化指标（数字和单位）\n请写明排放浓度目标，例如≤60mg/m³。");
    const [a] = await sql`select action, after from audit_log where entity = 'need' and entity_id = ${String(n.id)} order by id desc limit 1`;
    expect(a.action).toBe("need.send_back");

    // its page shows the enterprise what is missing (re-checked live); others never see it
    const asOwner = await run(() => needLoader({ request: getRequest(`/needs/${n.id}`, { cookie: w.memberA.cookie }), params: { ref: String(n.id) }, context: ctx }));
    expect((asOwner.data as { quality: string[] }).quality).toEqual(["benefit", "targets", "budget", "deadline"]);
    await sql`update need set status = 'published', published_at = now() where id = ${n.id}`;
    const asOther = await run(() => needLoader({ request: getRequest(`/needs/${n.id}`, { cookie: w.memberB.cookie }), params: { ref: String(n.id) }, context: ctx }));
    expect((asOther.data as { quality: string[] }).quality).toEqual([]);
    await sql`update need set status = 'draft' where id = ${n.id}`;

    // the owner's workspace lists it with the comment (the existing send-back display)
    const { listWorkspace } = await import("~/models/catalog.server");
    const ws = await listWorkspace(actorOf(w, "member"), w.entA);
    expect(ws.needs.find((x) => x.id === n.id)?.reviewComment).toContain("量化指标");
  });

  it("refuses a send-back with nothing ticked and no note, a stale version, a draft — nothing changes", async () => {
    const n = await need(w.entA, { status: "pending_review" });
    const draft = await need(w.entA, { status: "draft" });
    const before = await fingerprint(["need", "audit_log"]);
    const org = actorOf(w, "organizer");
    expect(await outcome(() => sendBackForQuality(org, { id: n.id, version: n.version, missing: [], note: "  ", labels: LABELS, lead: "" }))).toEqual({ status: 400, text: "admin.quality.errors.nothing" });
    expect(await outcome(() => sendBackForQuality(org, { id: n.id, version: n.version + 5, missing: ["budget"], note: "", labels: LABELS, lead: "" }))).toEqual({ status: 409, text: "catalog.errors.stale" });
    expect(await outcome(() => sendBackForQuality(org, { id: draft.id, version: draft.version, missing: ["budget"], note: "", labels: LABELS, lead: "" }))).toEqual({ status: 409, text: "catalog.errors.wrongStatus" });
    expect((await outcome(() => sendBackForQuality(org, { id: 9_999_999, version: 1, missing: ["budget"], note: "", labels: LABELS, lead: "" }))).status).toBe(404);
    expect(await fingerprint(["need", "audit_log"])).toEqual(before);
    const page = await run(() =>
      qualityAction({ request: postRequest("/review/quality", { intent: "sendBack", id: String(n.id), version: String(n.version) }, { cookie: w.organizer.cookie }), params: {}, context: ctx }),
    );
    expect(page).toMatchObject({ status: 400, data: { id: n.id, error: "admin.quality.errors.nothing" } });
  });
});
