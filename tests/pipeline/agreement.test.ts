import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { listAgreements, recordAgreement, type AgreementInput } from "~/models/agreement.server";
import { loadViewer } from "~/models/catalog.server";
import { moveIntent } from "~/models/intent.server";
import { parseAmount, todayInChina } from "~/utils/pipeline";
import { actor, auditActions, historyOf, intentRow, makeEvent, makeIntent, pipelineCounts, refusal, world } from "./helpers";

const w = await world();
const org = actor(w.organizer);

function input(intentId: number, over: Partial<AgreementInput> = {}): AgreementInput {
  return { intentId, title: "高镍正极材料中试合作协议", kind: "合作开发", amountWan: 120, signedOn: "2017-09-20", signedOnStage: false, ...over };
}

describe("recordAgreement", () => {
  test("moves an intent at negotiating to signed, with history and audit rows", async () => {
    const i = await makeIntent(w);
    await moveIntent(org, { id: i.id, version: 1, to: "negotiating" });
    const made = await recordAgreement(org, input(i.id, { documentRef: "RG-2017-031" }));
    expect(made).toMatchObject({ created: true, intentMovedToSigned: true });
    const [row] = await sql`select intent_id, title, kind, amount_wan::float8 as amount, signed_on::text, signed_on_stage, document_ref, created_by from agreement where id = ${made.id}`;
    expect(row).toEqual({ intent_id: i.id, title: "高镍正极材料中试合作协议", kind: "合作开发", amount: 120, signed_on: "2017-09-20", signed_on_stage: false, document_ref: "RG-2017-031", created_by: w.organizer.id });
    expect(await intentRow(i.id)).toMatchObject({ stage: "signed", version: 3 });
    expect((await historyOf(i.id)).at(-1)).toMatchObject({ from_stage: "negotiating", to_stage: "signed", note: "高镍正极材料中试合作协议" });
    expect(await auditActions("agreement", made.id)).toEqual(["agreement.create"]);
    expect((await auditActions("intent", i.id)).at(-1)).toBe("intent.move");
  });

  test("an intent already in progress stays where it is (a second-phase contract)", async () => {
    const i = await makeIntent(w);
    await moveIntent(org, { id: i.id, version: 1, to: "signed" });
    await moveIntent(org, { id: i.id, version: 2, to: "in_progress" });
    const made = await recordAgreement(org, input(i.id, { title: "二期补充协议", amountWan: 0 }));
    expect(made.intentMovedToSigned).toBe(false);
    expect(await intentRow(i.id)).toMatchObject({ stage: "in_progress", version: 3 });
  });

  test("signed on stage names its event", async () => {
    const ev = await makeEvent();
    const i = await makeIntent(w, { eventId: ev.id });
    const made = await recordAgreement(org, input(i.id, { signedOnStage: true, eventId: ev.id }));
    const [row] = await sql`select signed_on_stage, event_id from agreement where id = ${made.id}`;
    expect(row).toEqual({ signed_on_stage: true, event_id: ev.id });
  });

  test("full-width amount １２．５ (and 12.5万元, 1,200) are read as numbers", async () => {
    const i = await makeIntent(w);
    const a = await recordAgreement(org, input(i.id, { amountWan: "１２．５" }));
    const b = await recordAgreement(org, input(i.id, { amountWan: "12.5万元", title: "第二份" }));
    const c = await recordAgreement(org, input(i.id, { amountWan: "1,200", title: "第三份" }));
    const rows = await sql`select id, amount_wan::float8 as amount from agreement where id in (${a.id}, ${b.id}, ${c.id}) order by id`;
    expect(rows.map((r) => r.amount)).toEqual([12.5, 12.5, 1200]);
  });

  test("a double-submitted form records one agreement", async () => {
    const i = await makeIntent(w);
    const key = "agreement-key-0001";
    const [a, b] = await Promise.all([recordAgreement(org, input(i.id, { idempotencyKey: key })), recordAgreement(org, input(i.id, { idempotencyKey: key }))]);
    expect(a.id).toBe(b.id);
    const [{ n }] = await sql`select count(*)::int as n from agreement where intent_id = ${i.id}`;
    expect(n).toBe(1);
  });

  describe("bad input: a clear message naming the field, nothing written", () => {
    const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
    const cases: [string, Partial<AgreementInput>, string, string][] = [
      ["negative amount", { amountWan: -5 }, "pipeline.errors.amountNegative", "amount"],
      ["negative amount typed full-width", { amountWan: "－５" }, "pipeline.errors.amountNegative", "amount"],
      ["amount not a number", { amountWan: "十二万" }, "pipeline.errors.amountInvalid", "amount"],
      ["amount NaN", { amountWan: Number.NaN }, "pipeline.errors.amountInvalid", "amount"],
      ["amount empty", { amountWan: "" }, "pipeline.errors.amountRequired", "amount"],
      ["amount too large", { amountWan: 2_000_000 }, "pipeline.errors.amountTooLarge", "amount"],
      ["amount with three decimals", { amountWan: "12.345" }, "pipeline.errors.amountDecimals", "amount"],
      ["signed date in the future", { signedOn: tomorrow }, "pipeline.errors.dateFuture", "signedOn"],
      ["signed date not a date", { signedOn: "2017-02-30" }, "pipeline.errors.dateInvalid", "signedOn"],
      ["signed date before 2000", { signedOn: "1999-12-31" }, "pipeline.errors.dateTooEarly", "signedOn"],
      ["unknown kind", { kind: "技术咨询" }, "pipeline.errors.kindInvalid", "kind"],
      ["empty title", { title: "  " }, "pipeline.errors.titleRequired", "title"],
      ["on stage without an event", { signedOnStage: true }, "pipeline.errors.onStageNeedsEvent", "eventId"],
      ["unknown event", { eventId: 99_999_999 }, "pipeline.errors.eventNotFound", "eventId"],
    ];
    for (const [name, over, message, field] of cases) {
      test(name, async () => {
        const i = await makeIntent(w);
        const before = await pipelineCounts();
        expect(await refusal(recordAgreement(org, input(i.id, over)))).toEqual({ status: 400, message, field });
        expect(await pipelineCounts()).toEqual(before);
        expect((await intentRow(i.id)).stage).toBe("intent");
      });
    }

    test("today (in China) is allowed", async () => {
      const i = await makeIntent(w);
      await recordAgreement(org, input(i.id, { signedOn: todayInChina() }));
    });

    test("a dropped intent gets no agreement until reopened", async () => {
      const i = await makeIntent(w);
      await moveIntent(org, { id: i.id, version: 1, to: "dropped", reason: "企业转产" });
      const before = await pipelineCounts();
      expect(await refusal(recordAgreement(org, input(i.id)))).toMatchObject({ status: 409, message: "pipeline.errors.intentDropped" });
      expect(await pipelineCounts()).toEqual(before);
    });
  });
});

describe("parseAmount", () => {
  test.each([
    ["12.5", 12.5],
    ["１２．５", 12.5],
    ["１２０", 120],
    [" 0 ", 0],
    ["3,000.50", 3000.5],
    ["1，200", 1200],
    ["１２．５万元", 12.5],
    ["8万", 8],
    ["8 万元", 8],
  ])("%s → %d", (text, value) => {
    expect(parseAmount(text)).toEqual({ ok: true, value });
  });
  test.each([
    ["-1", "pipeline.errors.amountNegative"],
    ["abc", "pipeline.errors.amountInvalid"],
    ["面议", "pipeline.errors.amountInvalid"],
    ["1e3", "pipeline.errors.amountInvalid"],
    ["", "pipeline.errors.amountRequired"],
  ])("%s is refused", (text, message) => {
    expect(parseAmount(text)).toEqual({ ok: false, message });
  });
});

describe("listAgreements", () => {
  test("filters by kind, event, on stage and year, with total and sum", async () => {
    const ev = await makeEvent();
    const i = await makeIntent(w, { eventId: ev.id });
    await recordAgreement(org, input(i.id, { kind: "技术转让", amountWan: 30, signedOnStage: true, eventId: ev.id, signedOn: "2018-03-01" }));
    await recordAgreement(org, input(i.id, { kind: "技术服务", amountWan: 12.5, eventId: ev.id, title: "服务协议" }));
    const viewer = await loadViewer(w.organizer);
    const all = await listAgreements(viewer, { eventId: ev.id });
    expect(all.total).toBe(2);
    expect(all.amountWan).toBe(42.5);
    expect((await listAgreements(viewer, { eventId: ev.id, kind: "技术转让" })).total).toBe(1);
    expect((await listAgreements(viewer, { eventId: ev.id, onStage: true })).rows.map((r) => r.kind)).toEqual(["技术转让"]);
    expect((await listAgreements(viewer, { eventId: ev.id, year: 2017 })).rows.map((r) => r.title)).toEqual(["服务协议"]);
  });
});
