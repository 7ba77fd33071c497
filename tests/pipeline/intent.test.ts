import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { createIntent, getIntent, listIntents, moveIntent, reopenIntent, updateIntent } from "~/models/intent.server";
import { loadViewer } from "~/models/catalog.server";
import {
  actor,
  auditActions,
  expert,
  historyOf,
  intentRow,
  makeEvent,
  makeIntent,
  need,
  pipelineCounts,
  refusal,
  result,
  world,
} from "./helpers";

const w = await world();
const org = actor(w.organizer);

describe("createIntent", () => {
  test("records stage intent with a creation history row and an audit row", async () => {
    const n1 = await need(w.entA);
    const x = await expert(w.uni);
    const r = await result(w.uni, x.id);
    const ev = await makeEvent();
    const created = await makeIntent(w, { needId: n1.id, resultId: r.id, expertId: x.id, eventId: ev.id, summary: "  就高镍正极材料中试达成意向。  " });
    expect(created).toMatchObject({ stage: "intent", version: 1, created: true });
    const [row] = await sql`select enterprise_org_id, institution_org_id, need_id, result_id, expert_id, event_id, summary, created_by from intent where id = ${created.id}`;
    expect(row).toEqual({
      enterprise_org_id: w.entA, institution_org_id: w.uni, need_id: n1.id, result_id: r.id, expert_id: x.id, event_id: ev.id,
      summary: "就高镍正极材料中试达成意向。", created_by: w.organizer.id,
    });
    expect(await historyOf(created.id)).toEqual([{ from_stage: null, to_stage: "intent", changed_by: w.organizer.id, note: null }]);
    expect(await auditActions("intent", created.id)).toEqual(["intent.create"]);
  });

  test("runs inside the caller's transaction: rolled back with it", async () => {
    const before = await pipelineCounts();
    await expect(
      sql.begin(async (tx) => {
        const made = await createIntent(org, { enterpriseOrgId: w.entA, institutionOrgId: w.uni, summary: "来自推荐的意向草稿" }, tx);
        const [seen] = await tx`select 1 from intent where id = ${made.id}`;
        expect(seen).toBeTruthy();
        throw new Error("caller aborts");
      }),
    ).rejects.toThrow("caller aborts");
    expect(await pipelineCounts()).toEqual(before);
  });

  test("commits with the caller's transaction", async () => {
    const id = await sql.begin(async (tx) => (await createIntent(org, { enterpriseOrgId: w.entB, institutionOrgId: w.uni2, summary: "推荐转意向" }, tx)).id);
    expect((await intentRow(id)).stage).toBe("intent");
  });

  test("a double-submitted form (same idempotency key) creates one intent", async () => {
    const before = await pipelineCounts();
    const key = "k-double-click-123456";
    const [a, b] = await Promise.all([
      makeIntent(w, { idempotencyKey: key }),
      makeIntent(w, { idempotencyKey: key }),
    ]);
    expect(a.id).toBe(b.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    const after = await pipelineCounts();
    expect(after.intents).toBe(before.intents + 1);
    expect(after.history).toBe(before.history + 1);
  });

  test("Chinese input with full-width punctuation is kept as typed", async () => {
    const summary = "双方约定：①共建联合实验室；②首期投入１２．５万元（含设备）！";
    const made = await makeIntent(w, { summary });
    const [row] = await sql`select summary from intent where id = ${made.id}`;
    expect(row.summary).toBe(summary);
  });

  describe("bad input: a clear message naming the field, nothing written", () => {
    const cases: [string, () => Record<string, unknown>, string, string][] = [
      ["enterprise = institution", () => ({ enterpriseOrgId: w.uni, institutionOrgId: w.uni }), "pipeline.errors.enterpriseKind", "enterpriseOrgId"],
      ["same enterprise twice", () => ({ enterpriseOrgId: w.entA, institutionOrgId: w.entA }), "pipeline.errors.sameParty", "institutionOrgId"],
      ["enterprise side is a university", () => ({ enterpriseOrgId: w.uni2, institutionOrgId: w.uni }), "pipeline.errors.enterpriseKind", "enterpriseOrgId"],
      ["enterprise side is a government agency", () => ({ enterpriseOrgId: w.gov }), "pipeline.errors.enterpriseKind", "enterpriseOrgId"],
      ["institution side is an enterprise", () => ({ institutionOrgId: w.entB }), "pipeline.errors.institutionKind", "institutionOrgId"],
      ["unknown enterprise", () => ({ enterpriseOrgId: 99_999_999 }), "pipeline.errors.enterpriseNotFound", "enterpriseOrgId"],
      ["unknown institution", () => ({ institutionOrgId: 99_999_999 }), "pipeline.errors.institutionNotFound", "institutionOrgId"],
      ["unknown event", () => ({ eventId: 99_999_999 }), "pipeline.errors.eventNotFound", "eventId"],
      ["unknown meeting", () => ({ meetingId: 99_999_999 }), "pipeline.errors.meetingNotFound", "meetingId"],
      ["nothing said", () => ({ summary: "   " }), "pipeline.errors.empty", "summary"],
      ["summary too long", () => ({ summary: "长".repeat(5001) }), "pipeline.errors.summaryTooLong", "summary"],
    ];
    for (const [name, input, message, field] of cases) {
      test(name, async () => {
        const before = await pipelineCounts();
        const got = await refusal(makeIntent(w, input()));
        expect(got).toEqual({ status: 400, message, field });
        expect(await pipelineCounts()).toEqual(before);
      });
    }

    test("a need of another enterprise, a result or expert of another institution", async () => {
      const before = await pipelineCounts();
      const nB = await need(w.entB);
      const x2 = await expert(w.uni2);
      const r2 = await result(w.uni2, null);
      expect(await refusal(makeIntent(w, { needId: nB.id }))).toMatchObject({ message: "pipeline.errors.needOrg", field: "needId" });
      expect(await refusal(makeIntent(w, { resultId: r2.id }))).toMatchObject({ message: "pipeline.errors.resultOrg", field: "resultId" });
      expect(await refusal(makeIntent(w, { expertId: x2.id }))).toMatchObject({ message: "pipeline.errors.expertOrg", field: "expertId" });
      expect(await refusal(makeIntent(w, { needId: 99_999_999 }))).toMatchObject({ message: "pipeline.errors.needNotFound" });
      expect((await pipelineCounts()).intents).toBe(before.intents);
    });
  });
});

describe("stage moves", () => {
  test("intent → negotiating → signed → in_progress → completed, each in the history with who and note", async () => {
    const made = await makeIntent(w);
    let v = made.version;
    for (const to of ["negotiating", "signed", "in_progress", "completed"] as const) {
      const moved = await moveIntent(org, { id: made.id, version: v, to, note: `进入${to}` });
      expect(moved.stage).toBe(to);
      expect(moved.version).toBe(v + 1);
      v = moved.version;
    }
    expect((await historyOf(made.id)).map((h) => [h.from_stage, h.to_stage, h.changed_by])).toEqual([
      [null, "intent", w.organizer.id],
      ["intent", "negotiating", w.organizer.id],
      ["negotiating", "signed", w.organizer.id],
      ["signed", "in_progress", w.organizer.id],
      ["in_progress", "completed", w.organizer.id],
    ]);
    expect(await auditActions("intent", made.id)).toEqual(["intent.create", "intent.move", "intent.move", "intent.move", "intent.move"]);
  });

  test("stage_changed_at follows the move (the stuck-for-N-days list reads it)", async () => {
    const made = await makeIntent(w);
    await sql`update intent set stage_changed_at = now() - interval '100 days' where id = ${made.id}`;
    const viewer = await loadViewer(w.organizer);
    const stuck = await listIntents(viewer, { stuckDays: 90 }, { limit: 500 });
    expect(stuck.rows.map((r) => r.id)).toContain(made.id);
    await moveIntent(org, { id: made.id, version: 1, to: "negotiating" });
    const after = await listIntents(viewer, { stuckDays: 90 }, { limit: 500 });
    expect(after.rows.map((r) => r.id)).not.toContain(made.id);
  });

  test("drop needs a reason; the reason is kept on the intent and in the history", async () => {
    const made = await makeIntent(w);
    const before = await pipelineCounts();
    expect(await refusal(moveIntent(org, { id: made.id, version: 1, to: "dropped", reason: "  " }))).toEqual({
      status: 400, message: "pipeline.errors.reasonRequired", field: "reason",
    });
    expect(await pipelineCounts()).toEqual(before);
    await moveIntent(org, { id: made.id, version: 1, to: "dropped", reason: "企业厂区无空余场地，暂缓。" });
    expect(await intentRow(made.id)).toMatchObject({ stage: "dropped", dropped_reason: "企业厂区无空余场地，暂缓。" });
    expect((await historyOf(made.id)).at(-1)).toMatchObject({ from_stage: "intent", to_stage: "dropped", note: "企业厂区无空余场地，暂缓。" });
    expect((await auditActions("intent", made.id)).at(-1)).toBe("intent.drop");
  });

  test("moves that make no sense are refused with their own message, nothing written", async () => {
    const fresh = await makeIntent(w);
    const signed = await makeIntent(w);
    await moveIntent(org, { id: signed.id, version: 1, to: "signed" });
    const done = await makeIntent(w);
    let v = 1;
    for (const to of ["negotiating", "signed", "in_progress", "completed"] as const) v = (await moveIntent(org, { id: done.id, version: v, to })).version;
    const dropped = await makeIntent(w);
    await moveIntent(org, { id: dropped.id, version: 1, to: "dropped", reason: "对方无意向" });

    const cases: [number, number, string, string][] = [
      [fresh.id, 1, "intent", "pipeline.errors.sameStage"],
      [fresh.id, 1, "in_progress", "pipeline.errors.skip"],
      [fresh.id, 1, "completed", "pipeline.errors.skip"],
      [signed.id, 2, "negotiating", "pipeline.errors.backwards"],
      [signed.id, 2, "intent", "pipeline.errors.backwards"],
      [done.id, v, "intent", "pipeline.errors.completedFinal"],
      [done.id, v, "dropped", "pipeline.errors.completedFinal"],
      [dropped.id, 2, "signed", "pipeline.errors.reopenFirst"],
      [dropped.id, 2, "negotiating", "pipeline.errors.reopenFirst"],
      [dropped.id, 2, "intent", "pipeline.errors.reopenFirst"],
    ];
    for (const [id, version, to, message] of cases) {
      const before = await pipelineCounts();
      const got = await refusal(moveIntent(org, { id, version, to: to as "intent", reason: "x" }));
      expect(got, `${id} → ${to}`).toMatchObject({ status: 409, message });
      expect(await pipelineCounts()).toEqual(before);
    }
    expect(await refusal(moveIntent(org, { id: fresh.id, version: 1, to: "won" as "intent" }))).toMatchObject({ status: 400, message: "pipeline.errors.unknownStage" });
  });

  test("reopen: dropped → intent or negotiating explicitly; only a dropped intent; the reason is cleared", async () => {
    const made = await makeIntent(w);
    expect(await refusal(reopenIntent(org, { id: made.id, version: 1, to: "intent" }))).toMatchObject({ status: 409, message: "pipeline.errors.notDropped" });
    await moveIntent(org, { id: made.id, version: 1, to: "dropped", reason: "预算未落实" });
    expect(await refusal(reopenIntent(org, { id: made.id, version: 2, to: "signed" }))).toMatchObject({ status: 400, message: "pipeline.errors.reopenTarget" });
    const reopened = await reopenIntent(org, { id: made.id, version: 2, to: "negotiating", note: "预算已落实，重新洽谈" });
    expect(reopened).toMatchObject({ stage: "negotiating", version: 3 });
    expect(await intentRow(made.id)).toMatchObject({ stage: "negotiating", dropped_reason: null });
    expect((await historyOf(made.id)).at(-1)).toMatchObject({ from_stage: "dropped", to_stage: "negotiating", note: "预算已落实，重新洽谈" });
    expect((await auditActions("intent", made.id)).at(-1)).toBe("intent.reopen");
    // and from there on forward as usual
    await moveIntent(org, { id: made.id, version: 3, to: "signed" });
  });

  test("two organizers change the same intent: the second gets the conflict message, nothing written", async () => {
    const made = await makeIntent(w);
    const other = actor(w.admin);
    await moveIntent(org, { id: made.id, version: 1, to: "negotiating" });
    const before = await pipelineCounts();
    expect(await refusal(moveIntent(other, { id: made.id, version: 1, to: "dropped", reason: "重复登记" }))).toEqual({
      status: 409, message: "pipeline.errors.stale", field: null,
    });
    expect(await pipelineCounts()).toEqual(before);
    expect(await intentRow(made.id)).toMatchObject({ stage: "negotiating", version: 2 });
  });

  test("simultaneous moves from the same version: exactly one wins", async () => {
    const made = await makeIntent(w);
    const outcomes = await Promise.allSettled([
      moveIntent(org, { id: made.id, version: 1, to: "negotiating" }),
      moveIntent(actor(w.admin), { id: made.id, version: 1, to: "dropped", reason: "另有安排" }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const lost = outcomes.find((o) => o.status === "rejected");
    expect(lost?.status === "rejected" && lost.reason instanceof Response ? await lost.reason.text() : null).toBe("pipeline.errors.stale");
    expect(await historyOf(made.id)).toHaveLength(2);
  });
});

describe("updateIntent (corrections)", () => {
  test("summary and event change with an audit row of the changed fields, no history row", async () => {
    const ev = await makeEvent();
    const made = await makeIntent(w);
    const saved = await updateIntent(org, { id: made.id, version: 1, summary: "更正：首期投入１５万元。", eventId: ev.id });
    expect(saved.version).toBe(2);
    const [row] = await sql`select summary, event_id, stage from intent where id = ${made.id}`;
    expect(row).toEqual({ summary: "更正：首期投入１５万元。", event_id: ev.id, stage: "intent" });
    expect(await historyOf(made.id)).toHaveLength(1);
    const [a] = await sql`select action, before, after from audit_log where entity = 'intent' and entity_id = ${String(made.id)} order by id desc limit 1`;
    expect(a).toMatchObject({ action: "intent.update", before: { event_id: null, version: 1 }, after: { event_id: ev.id, version: 2, summary: "更正：首期投入１５万元。" } });
  });

  test("stale version, too long, emptied, unknown event, another organization: refused, nothing written", async () => {
    const made = await makeIntent(w);
    await moveIntent(org, { id: made.id, version: 1, to: "negotiating" });
    const before = await pipelineCounts();
    expect(await refusal(updateIntent(org, { id: made.id, version: 1, summary: "旧页面", eventId: null }))).toMatchObject({ status: 409, message: "pipeline.errors.stale" });
    expect(await refusal(updateIntent(org, { id: made.id, version: 2, summary: "长".repeat(5001), eventId: null }))).toMatchObject({ status: 400, field: "summary" });
    expect(await refusal(updateIntent(org, { id: made.id, version: 2, summary: " ", eventId: null }))).toMatchObject({ status: 400, message: "pipeline.errors.empty" });
    expect(await refusal(updateIntent(org, { id: made.id, version: 2, summary: "x", eventId: 99_999_999 }))).toMatchObject({ status: 400, message: "pipeline.errors.eventNotFound" });
    expect(await refusal(updateIntent(actor(w.memberB), { id: made.id, version: 2, summary: "越权", eventId: null }))).toMatchObject({ status: 404 });
    expect(await refusal(updateIntent(null, { id: made.id, version: 2, summary: "匿名", eventId: null }))).toMatchObject({ status: 403 });
    expect(await pipelineCounts()).toEqual(before);
  });
});

describe("the need it is about", () => {
  test("a published need becomes matched (已对接) when its intent is signed; a closed one stays closed", async () => {
    const open = await need(w.entA, { status: "published" });
    const closed = await need(w.entA, { status: "closed" });
    const a = await makeIntent(w, { needId: open.id });
    const b = await makeIntent(w, { needId: closed.id });
    await moveIntent(org, { id: a.id, version: 1, to: "negotiating" });
    expect((await sql`select status from need where id = ${open.id}`)[0].status).toBe("published");
    await moveIntent(org, { id: a.id, version: 2, to: "signed" });
    await moveIntent(org, { id: b.id, version: 1, to: "signed" });
    const rows = await sql`select id, status from need where id in (${open.id}, ${closed.id}) order by id`;
    expect(rows.map((r) => r.status)).toEqual(["matched", "closed"]);
    expect(await auditActions("need", open.id)).toEqual(["need.matched"]);
    const [job] = await sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'search_sync'`;
    expect(job.n).toBeGreaterThan(0);
  });
});

describe("reading", () => {
  test("getIntent by ref or id with the history timeline", async () => {
    const made = await makeIntent(w);
    await sql`update intent set ref = 'TI-READ-1' where id = ${made.id}`;
    const viewer = await loadViewer(w.organizer);
    const byRef = await getIntent(viewer, "TI-READ-1");
    const byId = await getIntent(viewer, String(made.id));
    expect(byRef?.id).toBe(made.id);
    expect(byId?.id).toBe(made.id);
    expect(byRef?.history.map((h) => h.to)).toEqual(["intent"]);
    expect(byRef?.enterprise.name).toBe("甲企业有限公司");
    expect(await getIntent(viewer, "no-such")).toBeNull();
  });

  test("list filters: stage, enterprise, institution, event, year", async () => {
    const ev = await makeEvent();
    const a = await makeIntent(w, { eventId: ev.id });
    const b = await makeIntent(w, { enterpriseOrgId: w.entB, institutionOrgId: w.uni2, eventId: ev.id });
    await moveIntent(org, { id: b.id, version: 1, to: "negotiating" });
    await sql`update intent set created_at = '2017-05-01T10:00:00+08' where id = ${b.id}`;
    const viewer = await loadViewer(w.organizer);
    const ids = async (f: Parameters<typeof listIntents>[1]) => (await listIntents(viewer, f, { limit: 500 })).rows.map((r) => r.id);
    expect(await ids({ eventId: ev.id })).toEqual([a.id, b.id]);
    expect(await ids({ eventId: ev.id, stage: "negotiating" })).toEqual([b.id]);
    expect(await ids({ eventId: ev.id, enterpriseOrgId: w.entA })).toEqual([a.id]);
    expect(await ids({ eventId: ev.id, institutionOrgId: w.uni2 })).toEqual([b.id]);
    expect(await ids({ eventId: ev.id, year: 2017 })).toEqual([b.id]);
    const page = await listIntents(viewer, { eventId: ev.id }, { limit: 1 });
    expect(page.total).toBe(2);
    expect(page.rows).toHaveLength(1);
  });
});
