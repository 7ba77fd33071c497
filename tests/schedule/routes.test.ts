import ExcelJS from "exceljs";
import { beforeEach, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { loader as icsLoader } from "~/routes/events.$id_.ics";
import { loader as myLoader } from "~/routes/events.$id_.my-schedule";
import { loader as printLoader } from "~/routes/events.$id_.print";
import { action as boardAction, loader as boardLoader } from "~/routes/events.$id_.schedule";
import { loader as exportLoader } from "~/routes/events.$id_.schedule_.export";
import { getRequest, postRequest, run } from "../app/helpers";
import { fair, meetingsOf, placeMeeting, request, type Fair } from "./helpers";

const ctx = {};
let f: Fair;
let path: string;
beforeEach(async () => {
  f = await fair();
  path = `/events/${f.event.id}`;
});

const params = () => ({ id: String(f.event.id) });
const post = (cookie: string, fields: Record<string, string>) => run(() => boardAction({ request: postRequest(`${path}/schedule`, fields, { cookie }), params: params(), context: ctx }));

async function publish() {
  await sql`update event set schedule_published_at = now() where id = ${f.event.id}`;
}

describe("board route", () => {
  it("loads for the event's organizer, refuses members (403) and sends anonymous visitors to sign in", async () => {
    const ok = await run(() => boardLoader({ request: getRequest(`${path}/schedule`, { cookie: f.organizer.cookie }), params: params(), context: ctx }));
    expect(ok.status).toBe(200);
    expect((ok.data as { board: { canManage: boolean } }).board.canManage).toBe(true);
    const member = await run(() => boardLoader({ request: getRequest(`${path}/schedule`, { cookie: f.memberA.cookie }), params: params(), context: ctx }));
    expect(member.status).toBe(403);
    const anon = await run(() => boardLoader({ request: getRequest(`${path}/schedule`), params: params(), context: ctx }));
    expect(anon.status).toBe(302);
    expect(anon.location).toMatch(/^\/login/);
  });

  it("runs the scheduler from the form, then a stale move gets the conflict message and a bad slot a field error", async () => {
    await request(f.event.id, [{ org: f.entA }, { expert: f.ex[0] }]);
    const ran = await post(f.organizer.cookie, { intent: "run" });
    expect(ran.status).toBe(302);
    const [m] = await meetingsOf(f.event.id);
    expect(m).toBeDefined();
    const target = f.event.slots.find((s) => s !== m.slot_id)!;
    const moved = await post(f.organizer.cookie, { intent: "move", meetingId: String(m.id), version: String(m.version), slotId: String(target), tableId: String(f.event.tables[1]) });
    expect(moved.status).toBe(302);
    const stale = await post(f.organizer2.cookie, { intent: "move", meetingId: String(m.id), version: String(m.version), slotId: String(f.event.slots[0]), tableId: String(f.event.tables[0]) });
    expect(stale.status).toBe(409);
    expect(stale.data).toMatchObject({ intent: "move", error: "schedule.errors.stale" });
    const [other] = await sql<{ id: number }[]>`
      insert into event (kind, name, starts_on, ends_on) values ('talent_fair', '别的活动', '2026-12-01', '2026-12-01') returning id`;
    const [otherSlot] = await sql<{ id: number }[]>`
      insert into event_slot (event_id, starts_at, ends_at) values (${other.id}, '2026-12-01T01:00Z', '2026-12-01T01:30Z') returning id`;
    const [cur] = await meetingsOf(f.event.id);
    const bad = await post(f.organizer.cookie, { intent: "move", meetingId: String(cur.id), version: String(cur.version), slotId: String(otherSlot.id), tableId: String(f.event.tables[0]) });
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ error: "schedule.errors.slotNotInEvent", field: "slotId" });
  });

  it("places an unplaced request by hand from the form; the second submit gets 'already placed'", async () => {
    const r = await request(f.event.id, [{ org: f.entA }, { expert: f.ex[0] }]);
    const fields = { intent: "place", requestId: String(r), slotId: String(f.event.slots[2]), tableId: String(f.event.tables[0]) };
    expect((await post(f.organizer.cookie, fields)).status).toBe(302);
    const again = await post(f.organizer.cookie, fields);
    expect(again.status).toBe(409);
    expect(again.data).toMatchObject({ intent: "place", error: "schedule.errors.alreadyPlaced" });
    expect(await meetingsOf(f.event.id)).toHaveLength(1);
  });

  it("rejects malformed forms with 400 and a message, and members' posts with 403, writing nothing", async () => {
    const junk = await post(f.organizer.cookie, { intent: "move", meetingId: "abc", version: "1", slotId: "1", tableId: "1" });
    expect(junk.status).toBe(400);
    expect(junk.data).toMatchObject({ intent: "move", error: "validation.invalidChoice" });
    const unknown = await post(f.organizer.cookie, { intent: "explode" });
    expect(unknown.status).toBe(400);
    await request(f.event.id, [{ org: f.entA }, { expert: f.ex[0] }]);
    const member = await post(f.memberA.cookie, { intent: "run" });
    expect(member.status).toBe(403);
    expect(await meetingsOf(f.event.id)).toEqual([]);
  });
});

describe("participant pages", () => {
  async function oneMeeting() {
    const r = await request(f.event.id, [{ org: f.entA }, { expert: f.ex[0] }]);
    return placeMeeting(r, f.event.slots[0], f.event.tables[0], [f.pA.id, f.pX[0].id]);
  }

  it("my schedule: unpublished first, then only one's own meetings", async () => {
    await oneMeeting();
    const before = await run(() => myLoader({ request: getRequest(`${path}/my-schedule`, { cookie: f.memberA.cookie }), params: params(), context: ctx }));
    expect(before.data).toMatchObject({ mine: { state: "unpublished" } });
    await publish();
    const after = await run(() => myLoader({ request: getRequest(`${path}/my-schedule`, { cookie: f.memberA.cookie }), params: params(), context: ctx }));
    expect(after.data).toMatchObject({ mine: { state: "published", schedules: [{ participantId: f.pA.id }] } });
    const other = await run(() => myLoader({ request: getRequest(`${path}/my-schedule`, { cookie: f.memberB.cookie }), params: params(), context: ctx }));
    expect(other.data).toMatchObject({ mine: { state: "published", schedules: [{ participantId: f.pB.id, entries: [] }] } });
  });

  it(".ics: one's own once published, a valid calendar; another participant's is refused", async () => {
    await oneMeeting();
    const early = await run(() => icsLoader({ request: getRequest(`${path}/ics?participant=${f.pA.id}`, { cookie: f.memberA.cookie }), params: params(), context: ctx }));
    expect(early.status).toBe(403);
    await publish();
    const res = await icsLoader({ request: getRequest(`${path}/ics`, { cookie: f.memberA.cookie }), params: params(), context: ctx });
    expect(res.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    const body = await res.text();
    expect(body.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    const lines = body.replace(/\r\n /g, "").split("\r\n");
    expect(lines.filter((l) => l === "BEGIN:VEVENT")).toHaveLength(1);
    expect(lines).toContain("DTSTART:20261120T010000Z"); // 09:00 Beijing time
    expect(lines.find((l) => l.startsWith("SUMMARY:"))).toContain("王教授（某某大学）");
    expect(lines.find((l) => l.startsWith("DESCRIPTION:"))).toContain(f.pA.checkin_code);
    const theirs = await run(() => icsLoader({ request: getRequest(`${path}/ics?participant=${f.pB.id}`, { cookie: f.memberA.cookie }), params: params(), context: ctx }));
    expect(theirs.status).toBe(403);
    const bad = await run(() => icsLoader({ request: getRequest(`${path}/ics?participant=x`, { cookie: f.memberA.cookie }), params: params(), context: ctx }));
    expect(bad.status).toBe(400);
  });

  it("print: participant sheet with the check-in code, table sheets for staff only, bad ids refused", async () => {
    await oneMeeting();
    const sheet = await run(() => printLoader({ request: getRequest(`${path}/print?participant=${f.pA.id}`, { cookie: f.organizer.cookie }), params: params(), context: ctx }));
    expect(sheet.data).toMatchObject({ mode: "participants", participants: [{ participantId: f.pA.id, code: f.pA.checkin_code, entries: [{ with: ["王教授（某某大学）"] }] }] });
    const table = await run(() => printLoader({ request: getRequest(`${path}/print?table=${f.event.tables[0]}`, { cookie: f.organizer.cookie }), params: params(), context: ctx }));
    expect(table.data).toMatchObject({ mode: "tables", tables: [{ table: { id: f.event.tables[0] }, entries: [{ parties: [{ name: "甲科技有限公司" }, { name: "王教授（某某大学）" }] }] }] });
    const all = await run(() => printLoader({ request: getRequest(`${path}/print?all=tables`, { cookie: f.admin.cookie }), params: params(), context: ctx }));
    expect((all.data as { tables: unknown[] }).tables).toHaveLength(2);
    const memberTable = await run(() => printLoader({ request: getRequest(`${path}/print?table=${f.event.tables[0]}`, { cookie: f.memberA.cookie }), params: params(), context: ctx }));
    expect(memberTable.status).toBe(403);
    const chooser = await run(() => printLoader({ request: getRequest(`${path}/print`, { cookie: f.memberA.cookie }), params: params(), context: ctx }));
    expect(chooser.status).toBe(403);
    const bad = await run(() => printLoader({ request: getRequest(`${path}/print?participant=-3`, { cookie: f.organizer.cookie }), params: params(), context: ctx }));
    expect(bad.status).toBe(400);
  });

  it("export: an XLSX with Chinese headers for staff, 403 for members", async () => {
    await oneMeeting();
    const res = await exportLoader({ request: getRequest(`${path}/schedule/export`, { cookie: f.organizer.cookie }), params: params(), context: ctx });
    expect(res.headers.get("Content-Type")).toContain("spreadsheetml");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual(expect.arrayContaining(["时段", "桌位", "参与方", "签到码"]));
    expect(String(ws.getRow(2).getCell(3).value)).toContain("甲科技有限公司");
    const member = await run(() => exportLoader({ request: getRequest(`${path}/schedule/export`, { cookie: f.memberA.cookie }), params: params(), context: ctx }));
    expect(member.status).toBe(403);
  });
});
