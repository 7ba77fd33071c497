import ExcelJS from "exceljs";
import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { recordAgreement } from "~/models/agreement.server";
import { moveIntent } from "~/models/intent.server";
import { loader as agreementsExport } from "~/routes/agreements.export";
import { loader as agreementsLoader } from "~/routes/agreements._index";
import { action as detailAction, loader as detailLoader } from "~/routes/intents.$ref";
import { loader as intentsExport } from "~/routes/intents.export";
import { loader as listLoader } from "~/routes/intents._index";
import { action as newAction, loader as newLoader } from "~/routes/intents.new";
import { replyOf } from "../app/helpers";
import { actor, expert, getRequest, historyOf, intentRow, makeEvent, makeIntent, need, pipelineCounts, postRequest, result, run, world } from "./helpers";

const w = await world();
const ctx = {};

function errors(data: unknown) {
  return replyOf(data).error ?? {};
}

describe("/intents/new", () => {
  test("prefilled from a meeting: its event, enterprise, institution, professor and the request's need and result", async () => {
    const ev = await makeEvent();
    const n1 = await need(w.entA);
    const x = await expert(w.uni);
    const r = await result(w.uni, x.id);
    const [slot] = await sql`insert into event_slot (event_id, starts_at, ends_at) values (${ev.id}, '2017-09-20T09:00:00+08', '2017-09-20T09:30:00+08') returning id`;
    const [table] = await sql`insert into event_table (event_id, label) values (${ev.id}, 'A1') returning id`;
    const [pe] = await sql`insert into event_participant (event_id, org_id, status) values (${ev.id}, ${w.entA}, 'approved') returning id`;
    const [px] = await sql`insert into event_participant (event_id, expert_id, status) values (${ev.id}, ${x.id}, 'approved') returning id`;
    const [req] = await sql`insert into meeting_request (event_id, status, need_id, result_id) values (${ev.id}, 'accepted', ${n1.id}, ${r.id}) returning id`;
    const [m] = await sql`insert into meeting (event_id, request_id, slot_id, table_id) values (${ev.id}, ${req.id}, ${slot.id}, ${table.id}) returning id`;
    await sql`insert into meeting_party (meeting_id, event_id, participant_id) values (${m.id}, ${ev.id}, ${pe.id}), (${m.id}, ${ev.id}, ${px.id})`;

    const page = await run(() => newLoader({ request: getRequest(`/intents/new?meeting=${m.id}`, { cookie: w.organizer.cookie }), params: {}, context: ctx }));
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({
      fromMeeting: true,
      prefill: { meetingId: m.id, eventId: ev.id, enterpriseOrgId: w.entA, institutionOrgId: w.uni, expertId: x.id, needId: n1.id, resultId: r.id },
    });
    // a member of another organization gets an empty form, not the meeting's parties
    const other = await run(() => newLoader({ request: getRequest(`/intents/new?meeting=${m.id}`, { cookie: w.memberB.cookie }), params: {}, context: ctx }));
    expect(other.data).toMatchObject({ fromMeeting: false });

    const saved = await run(() =>
      newAction({
        request: postRequest("/intents/new", {
          enterpriseOrgId: String(w.entA), institutionOrgId: String(w.uni), expertId: String(x.id), needId: String(n1.id), resultId: String(r.id),
          eventId: String(ev.id), meetingId: String(m.id), summary: "洽谈会现场达成意向：先做小试，再谈中试。", idempotencyKey: "new-intent-meeting-1",
        }, { cookie: w.organizer.cookie }),
        params: {},
        context: ctx,
      }),
    );
    expect(saved.status).toBe(302);
    const [row] = await sql`select id, meeting_id, event_id from intent where idempotency_key = 'new-intent-meeting-1'`;
    expect(row).toEqual({ id: row.id, meeting_id: m.id, event_id: ev.id });
    expect(saved.location).toBe(`/intents/${row.id}`);
  });

  test("prefilled from ?need=&result=&event= (event by its ref)", async () => {
    const ev = await makeEvent({ ref: "TEV-PRE" });
    const n1 = await need(w.entA);
    const r = await result(w.uni, null);
    const page = await run(() =>
      newLoader({ request: getRequest(`/intents/new?need=${n1.id}&result=${r.id}&event=TEV-PRE`, { cookie: w.organizer.cookie }), params: {}, context: ctx }),
    );
    expect(page.data).toMatchObject({ prefill: { needId: n1.id, resultId: r.id, enterpriseOrgId: w.entA, institutionOrgId: w.uni, eventId: ev.id } });
  });

  test("a member of one enterprise gets only their enterprise to pick, preselected", async () => {
    const page = await run(() => newLoader({ request: getRequest("/intents/new", { cookie: w.memberA.cookie }), params: {}, context: ctx }));
    const data = page.data as { enterprises: { id: number }[]; institutions: { id: number }[]; prefill: { enterpriseOrgId?: number } };
    expect(data.enterprises.map((e) => e.id)).toEqual([w.entA]);
    expect(data.prefill.enterpriseOrgId).toBe(w.entA);
    expect(data.institutions.map((e) => e.id)).toEqual(expect.arrayContaining([w.uni, w.uni2]));
  });

  test("bad input: localized messages on their fields, nothing written", async () => {
    const before = await pipelineCounts();
    const post = (fields: Record<string, string>) =>
      run(() => newAction({ request: postRequest("/intents/new", fields, { cookie: w.organizer.cookie }), params: {}, context: ctx }));
    const same = await post({ enterpriseOrgId: String(w.entA), institutionOrgId: String(w.entA), summary: "同一家" });
    expect(same.status).toBe(400);
    expect(errors(same.data).institutionOrgId).toEqual(["pipeline.errors.sameParty"]);
    const notEnterprise = await post({ enterpriseOrgId: String(w.gov), institutionOrgId: String(w.uni), summary: "政府部门" });
    expect(errors(notEnterprise.data).enterpriseOrgId).toEqual(["pipeline.errors.enterpriseKind"]);
    const missing = await post({ enterpriseOrgId: "", institutionOrgId: "abc", summary: "" });
    expect(missing.status).toBe(400);
    expect(Object.keys(errors(missing.data))).toEqual(expect.arrayContaining(["enterpriseOrgId", "institutionOrgId"]));
    const empty = await post({ enterpriseOrgId: String(w.entA), institutionOrgId: String(w.uni), summary: "　　" });
    expect(errors(empty.data).summary).toEqual(["pipeline.errors.empty"]);
    expect(await pipelineCounts()).toEqual(before);
  });

  test("a member recording someone else's intent gets 403, nothing written", async () => {
    const before = await pipelineCounts();
    const res = await run(() =>
      newAction({ request: postRequest("/intents/new", { enterpriseOrgId: String(w.entA), institutionOrgId: String(w.uni), summary: "越权" }, { cookie: w.memberB.cookie }), params: {}, context: ctx }),
    );
    expect(res.status).toBe(403);
    expect(await pipelineCounts()).toEqual(before);
  });

  test("anonymous visitors are sent to the login page", async () => {
    const res = await run(() => newLoader({ request: getRequest("/intents/new"), params: {}, context: ctx }));
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/login/);
  });
});

describe("/intents/:ref", () => {
  const post = (id: number, fields: Record<string, string>, cookie = w.organizer.cookie) =>
    run(() => detailAction({ request: postRequest(`/intents/${id}`, fields, { cookie }), params: { ref: String(id) }, context: ctx }));

  test("stage change through the form, then the second organizer's stale form gets the conflict message", async () => {
    const i = await makeIntent(w);
    const moved = await post(i.id, { intent: "move", version: "1", to: "negotiating", note: "已约第二次面谈" });
    expect(moved.status).toBe(302);
    expect(moved.headers.get("Set-Cookie")).toMatch(/qiao_toast=/);
    const stale = await post(i.id, { intent: "move", version: "1", to: "dropped", reason: "不合作了" }, w.admin.cookie);
    expect(stale.status).toBe(409);
    expect(replyOf(stale.data).error?.[""]).toEqual(["pipeline.errors.stale"]);
    expect(await intentRow(i.id)).toMatchObject({ stage: "negotiating", version: 2 });
  });

  test("drop without a reason and nonsense moves are refused with messages", async () => {
    const i = await makeIntent(w);
    const noReason = await post(i.id, { intent: "move", version: "1", to: "dropped", reason: "" });
    expect(noReason.status).toBe(400);
    expect(errors(noReason.data).reason).toEqual(["pipeline.errors.reasonRequired"]);
    await post(i.id, { intent: "move", version: "1", to: "dropped", reason: "厂房未建成" });
    const jump = await post(i.id, { intent: "move", version: "2", to: "signed" });
    expect(jump.status).toBe(409);
    expect(replyOf(jump.data).error?.[""]).toEqual(["pipeline.errors.reopenFirst"]);
    const reopened = await post(i.id, { intent: "reopen", version: "2", to: "negotiating" });
    expect(reopened.status).toBe(302);
    expect((await historyOf(i.id)).map((h) => h.to_stage)).toEqual(["intent", "dropped", "negotiating"]);
    const unknown = await post(i.id, { intent: "teleport" });
    expect(unknown.status).toBe(400);
  });

  test("corrections through the edit form; a stale one gets the conflict message", async () => {
    const i = await makeIntent(w);
    const ok = await post(i.id, { intent: "edit", version: "1", summary: "更正后的意向内容，含全角标点：（一）小试；（二）中试。", eventId: "" }, w.uniMember.cookie);
    expect(ok.status).toBe(302);
    const [row] = await sql`select summary from intent where id = ${i.id}`;
    expect(row.summary).toBe("更正后的意向内容，含全角标点：（一）小试；（二）中试。");
    const stale = await post(i.id, { intent: "edit", version: "1", summary: "旧页面", eventId: "" });
    expect(stale.status).toBe(409);
    expect(replyOf(stale.data).error?.[""]).toEqual(["pipeline.errors.stale"]);
  });

  test("an agreement through the form: full-width amount accepted, future date and negative amount refused", async () => {
    const i = await makeIntent(w);
    const base = { intent: "agreement", title: "委托开发合同", kind: "委托开发", signedOn: "2017-10-09", eventId: "" };
    const future = await post(i.id, { ...base, amount: "10", signedOn: "2999-01-01" });
    expect(future.status).toBe(400);
    expect(errors(future.data).signedOn).toEqual(["pipeline.errors.dateFuture"]);
    const negative = await post(i.id, { ...base, amount: "-3" });
    expect(errors(negative.data).amount).toEqual(["pipeline.errors.amountNegative"]);
    const nan = await post(i.id, { ...base, amount: "十万" });
    expect(errors(nan.data).amount).toEqual(["pipeline.errors.amountInvalid"]);
    const onStage = await post(i.id, { ...base, amount: "1", signedOnStage: "on" });
    expect(errors(onStage.data).eventId).toEqual(["pipeline.errors.onStageNeedsEvent"]);
    expect((await intentRow(i.id)).stage).toBe("intent");
    const ok = await post(i.id, { ...base, amount: "１２．５" });
    expect(ok.status).toBe(302);
    const [a] = await sql`select amount_wan::float8 as amount from agreement where intent_id = ${i.id}`;
    expect(a.amount).toBe(12.5);
    expect((await intentRow(i.id)).stage).toBe("signed");
  });

  test("page: detail with history and agreements for a party member; 404 for another organization's member", async () => {
    const i = await makeIntent(w);
    await recordAgreement(actor(w.organizer), { intentId: i.id, title: "技术服务合同", kind: "技术服务", amountWan: 8, signedOn: "2017-11-01", signedOnStage: false });
    const mine = await run(() => detailLoader({ request: getRequest(`/intents/${i.id}`, { cookie: w.uniMember.cookie }), params: { ref: String(i.id) }, context: ctx }));
    expect(mine.status).toBe(200);
    expect(mine.data).toMatchObject({ intent: { id: i.id, stage: "signed", canChange: true }, agreements: [{ title: "技术服务合同", amountWan: 8 }] });
    const notMine = await run(() => detailLoader({ request: getRequest(`/intents/${i.id}`, { cookie: w.memberB.cookie }), params: { ref: String(i.id) }, context: ctx }));
    expect(notMine.status).toBe(404);
    const forged = await post(i.id, { intent: "move", version: "3", to: "in_progress" }, w.memberB.cookie);
    expect(forged.status).toBe(404);
  });
});

describe("lists and exports", () => {
  test("members list only their organizations' intents; filters come from the query string", async () => {
    const ev = await makeEvent();
    const mine = await makeIntent(w, { eventId: ev.id });
    const theirs = await makeIntent(w, { eventId: ev.id, enterpriseOrgId: w.entB, institutionOrgId: w.uni2 });
    const ids = async (cookie: string, q = "") => {
      const res = await run(() => listLoader({ request: getRequest(`/intents?event=${ev.id}${q}`, { cookie }), params: {}, context: ctx }));
      return (res.data as { rows: { id: number }[] }).rows.map((r) => r.id);
    };
    expect(await ids(w.memberA.cookie)).toEqual([mine.id]);
    expect(await ids(w.memberB.cookie)).toEqual([theirs.id]);
    expect((await ids(w.organizer.cookie)).sort()).toEqual([mine.id, theirs.id].sort());
    expect(await ids(w.organizer.cookie, `&enterprise=${w.entB}`)).toEqual([theirs.id]);
    expect(await ids(w.organizer.cookie, "&stage=signed")).toEqual([]);
    // malformed filters are ignored, not an error page
    expect((await ids(w.organizer.cookie, "&stage=won&year=abc&stuck=-3")).length).toBe(2);
  });

  test("CSV export: BOM, Chinese headers, localized stages, formula injection neutralized, same visibility", async () => {
    const ev = await makeEvent();
    await makeIntent(w, { eventId: ev.id, summary: "=HYPERLINK(\"http://evil\")，双方合作" });
    await makeIntent(w, { eventId: ev.id, enterpriseOrgId: w.entB, institutionOrgId: w.uni2, summary: "乙企业的意向" });
    const res = await intentsExport({ request: getRequest(`/intents/export?format=csv&event=${ev.id}`, { cookie: w.memberA.cookie }), params: {}, context: ctx });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/text\/csv/);
    // read the bytes: Response.text() would drop the BOM that Excel needs
    const text = Buffer.from(await res.arrayBuffer()).toString("utf8");
    expect(text.startsWith("\uFEFF编号,企业,高校院所")).toBe(true);
    expect(text).toContain("'=HYPERLINK");
    expect(text).toContain("意向");
    expect(text).not.toContain("乙企业的意向");
  });

  test("XLSX exports of intents and agreements open with Chinese headers and rows", async () => {
    const ev = await makeEvent();
    const i = await makeIntent(w, { eventId: ev.id });
    await moveIntent(actor(w.organizer), { id: i.id, version: 1, to: "negotiating" });
    await recordAgreement(actor(w.organizer), { intentId: i.id, title: "成果转让合同", kind: "技术转让", amountWan: "１２．５", signedOn: "2017-09-20", signedOnStage: true, eventId: ev.id });
    for (const [loader, path, header] of [
      [intentsExport, `/intents/export?format=xlsx&event=${ev.id}`, "编号"],
      [agreementsExport, `/agreements/export?format=xlsx&event=${ev.id}`, "编号"],
    ] as const) {
      const res = await loader({ request: getRequest(path, { cookie: w.organizer.cookie }), params: {}, context: ctx });
      expect(res.headers.get("Content-Type")).toMatch(/spreadsheetml/);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await res.arrayBuffer());
      const sheet = book.worksheets[0];
      expect(sheet.getRow(1).getCell(1).value).toBe(header);
      expect(sheet.rowCount).toBe(2);
    }
    const bad = await run(() => agreementsExport({ request: getRequest("/agreements/export?format=pdf", { cookie: w.organizer.cookie }), params: {}, context: ctx }));
    expect(bad.status).toBe(400);
  });

  test("/agreements lists with total and sum, members see their own only", async () => {
    const ev = await makeEvent();
    const i = await makeIntent(w, { eventId: ev.id });
    const j = await makeIntent(w, { eventId: ev.id, enterpriseOrgId: w.entB, institutionOrgId: w.uni2 });
    await recordAgreement(actor(w.organizer), { intentId: i.id, title: "甲的协议", kind: "技术服务", amountWan: 10, signedOn: "2017-09-20", signedOnStage: false, eventId: ev.id });
    await recordAgreement(actor(w.organizer), { intentId: j.id, title: "乙的协议", kind: "技术服务", amountWan: 5.5, signedOn: "2017-09-20", signedOnStage: false, eventId: ev.id });
    const staff = await run(() => agreementsLoader({ request: getRequest(`/agreements?event=${ev.id}`, { cookie: w.organizer.cookie }), params: {}, context: ctx }));
    expect(staff.data).toMatchObject({ total: 2, amountWan: 15.5 });
    const member = await run(() => agreementsLoader({ request: getRequest(`/agreements?event=${ev.id}`, { cookie: w.memberB.cookie }), params: {}, context: ctx }));
    expect((member.data as { rows: { title: string }[] }).rows.map((r) => r.title)).toEqual(["乙的协议"]);
  });
});
