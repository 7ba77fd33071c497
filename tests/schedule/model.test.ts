import { beforeEach, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import {
  cancelMeeting,
  getMySchedule,
  getParticipantSchedule,
  getScheduleBoard,
  getTableSchedule,
  moveMeeting,
  placeRequest,
  publishSchedule,
  runScheduler,
} from "~/models/schedule.server";
import type { Actor } from "~/models/audit.server";
import { actor, auditCount, available, fair, makeEvent, meetingsOf, participant, placeMeeting, request, type Fair } from "./helpers";

/** What a model call threw (status and message key), or null when it succeeded. */
async function refusal(p: Promise<unknown>): Promise<{ status: number; text: string } | null> {
  try {
    await p;
    return null;
  } catch (e) {
    if (e instanceof Response) return { status: e.status, text: await e.text() };
    throw e;
  }
}

let f: Fair;
beforeEach(async () => {
  f = await fair();
});

/** DB-level invariants of the event's live meetings (besides the unique indexes). */
async function checkSchedule(eventId: number) {
  const rows = await sql<{ meeting_id: number; slot_id: number; table_id: number; capacity: number; participant_id: number; starts_at: Date; ends_at: Date; status: string }[]>`
    select m.id as meeting_id, m.slot_id, m.table_id, t.capacity, mp.participant_id, s.starts_at, s.ends_at, p.status
    from meeting m join event_table t on t.id = m.table_id join event_slot s on s.id = m.slot_id
    join meeting_party mp on mp.meeting_id = m.id join event_participant p on p.id = mp.participant_id
    where m.event_id = ${eventId} and m.status <> 'cancelled'`;
  const seats = new Set<string>();
  const size = new Map<number, number>();
  for (const r of rows) {
    const k = `${r.participant_id}@${r.slot_id}`;
    expect(seats.has(k), `participant ${r.participant_id} twice in slot ${r.slot_id}`).toBe(false);
    seats.add(k);
    size.set(r.meeting_id, (size.get(r.meeting_id) ?? 0) + 1);
    const ranges = await sql<{ starts_at: Date; ends_at: Date }[]>`select starts_at, ends_at from participant_availability where participant_id = ${r.participant_id}`;
    if (ranges.length) expect(ranges.some((a) => a.starts_at <= r.starts_at && r.ends_at <= a.ends_at)).toBe(true);
  }
  for (const r of rows) expect(size.get(r.meeting_id)!).toBeLessThanOrEqual(r.capacity);
  return rows;
}

describe("runScheduler", () => {
  it("places accepted requests clash-free, inside availability, groups at a big table, and stores the report", async () => {
    const [x0, x1, x2] = f.ex;
    await available(f.pX[2].id, "14:00", "14:30"); // 张研究员 comes for the afternoon only
    const r1 = await request(f.event.id, [{ org: f.entA }, { expert: x0 }], 0.9);
    const r2 = await request(f.event.id, [{ org: f.entA }, { expert: x1 }], 0.8);
    const r3 = await request(f.event.id, [{ org: f.entB }, { expert: x0 }], 0.7);
    const r4 = await request(f.event.id, [{ org: f.entB }, { expert: x1 }, { expert: x2 }], 0.6); // group of 3
    const r5 = await request(f.event.id, [{ org: f.entA }, { org: f.entC }], 0.9); // entC is no participant
    const pending = await request(f.event.id, [{ org: f.entB }, { expert: x2 }], 0.9, "pending"); // not accepted
    const result = await runScheduler(actor(f.organizer), f.event.id);
    expect(result.placed).toBe(4);
    expect(result.kept).toBe(0);
    expect(result.unplaced).toEqual([{ requestId: r5, reason: "party_not_participant", parties: ["甲科技有限公司", "丙企业（未报名）"], concerns: [] }]);
    const meetings = await meetingsOf(f.event.id);
    expect(meetings.map((m) => m.request_id).sort()).toEqual([r1, r2, r3, r4].sort());
    expect(meetings.some((m) => m.request_id === pending)).toBe(false);
    const group = meetings.find((m) => m.request_id === r4)!;
    expect(group.table_id).toBe(f.event.tables[1]); // the 4-seat table
    expect(group.slot_id).toBe(f.event.slots[2]); // the afternoon: 张研究员 is only there then
    await checkSchedule(f.event.id);
    const [run] = await sql<{ placed: number; unplaced: unknown[] }[]>`select placed, unplaced from schedule_run where event_id = ${f.event.id}`;
    expect(run.placed).toBe(4);
    expect(run.unplaced).toHaveLength(1);
    const [{ audited }] = await sql<{ audited: number }[]>`select count(*)::int as audited from audit_log where action = 'schedule.run' and entity_id = ${String(f.event.id)}`;
    expect(audited).toBe(1);
  });

  it("a party that registered but was not approved makes the request unplaceable, with that reason", async () => {
    const ent = await sql<{ id: number }[]>`insert into organization (kind, name) values ('enterprise', '待审核企业') returning id`;
    await participant(f.event.id, { org: ent[0].id }, "registered");
    const r = await request(f.event.id, [{ org: ent[0].id }, { expert: f.ex[0] }]);
    const result = await runScheduler(actor(f.admin), f.event.id);
    expect(result.unplaced.map((u) => [u.requestId, u.reason])).toEqual([[r, "party_not_participant"]]);
    expect(await meetingsOf(f.event.id)).toEqual([]);
  });

  it("re-running keeps every live meeting (moved by hand or not) and places only the new requests", async () => {
    const r1 = await request(f.event.id, [{ org: f.entA }, { expert: f.ex[0] }]);
    const r2 = await request(f.event.id, [{ org: f.entB }, { expert: f.ex[1] }]);
    await runScheduler(actor(f.organizer), f.event.id);
    const before = await meetingsOf(f.event.id);
    const m1 = before.find((m) => m.request_id === r1)!;
    // move r1 by hand to the afternoon, 4-seat table
    await moveMeeting(actor(f.organizer), { eventId: f.event.id, meetingId: m1.id, version: m1.version, slotId: f.event.slots[2], tableId: f.event.tables[1] });
    const moved = await meetingsOf(f.event.id);
    const r3 = await request(f.event.id, [{ org: f.entA }, { expert: f.ex[1] }]);
    const result = await runScheduler(actor(f.organizer2), f.event.id);
    expect(result).toMatchObject({ placed: 1, kept: 2, unplaced: [] });
    const after = await meetingsOf(f.event.id);
    for (const m of moved) expect(after.find((a) => a.id === m.id)).toEqual(m);
    expect(after.find((m) => m.request_id === r2)).toBeDefined();
    expect(after.find((m) => m.request_id === r3)).toBeDefined();
    await checkSchedule(f.event.id);
  });

  it("a cancelled meeting frees its slot and table and is not placed again", async () => {
    const r1 = await request(f.event.id, [{ org: f.entA }, { expert: f.ex[0] }]);
    await runScheduler(actor(f.organizer), f.event.id);
    const [m] = await meetingsOf(f.event.id);
    await cancelMeeting(actor(f.organizer), { eventId: f.event.id, meetingId: m.id, version: m.version });
    const [c] = await meetingsOf(f.event.id);
    expect(c).toMatchObject({ status: "cancelled", slot_id: null, table_id: null, request_id: r1 });
    const [{ parties }] = await sql<{ parties: number }[]>`select count(*)::int as parties from meeting_party where meeting_id = ${m.id} and slot_id is not null`;
    expect(parties).toBe(0);
    const result = await runScheduler(actor(f.organizer), f.event.id);
    expect(result.placed).toBe(0);
    const [{ audited }] = await sql<{ audited: number }[]>`select count(*)::int as audited from audit_log where action = 'meeting.cancel' and entity_id = ${String(m.id)}`;
    expect(audited).toBe(1);
  });

  it("refuses an event without slots or tables, and a finished event, writing nothing", async () => {
    const empty = await makeEvent("空活动");
    await sql`delete from event_slot where event_id = ${empty.id}`;
    expect(await refusal(runScheduler(actor(f.admin), empty.id))).toEqual({ status: 409, text: "schedule.errors.noSlots" });
    await request(f.event.id, [{ org: f.entA }, { expert: f.ex[0] }]);
    await sql`update event set status = 'finished' where id = ${f.event.id}`;
    expect((await refusal(runScheduler(actor(f.organizer), f.event.id)))?.status).toBe(409);
    expect(await meetingsOf(f.event.id)).toEqual([]);
    const [{ runs }] = await sql<{ runs: number }[]>`select count(*)::int as runs from schedule_run where event_id in (${empty.id}, ${f.event.id})`;
    expect(runs).toBe(0);
  });

  it("the most valuable meeting wins a single table: match strength and both sides' priority count", async () => {
    const ev = await makeEvent("一张桌的活动");
    await sql`delete from event_slot where id <> ${ev.slots[0]} and event_id = ${ev.id}`;
    await sql`delete from event_table where id <> ${ev.tables[0]} and event_id = ${ev.id}`;
    await sql`insert into event_organizer (event_id, user_id) values (${ev.id}, ${f.organizer.id})`;
    await participant(ev.id, { org: f.entA });
    await participant(ev.id, { org: f.entB }, "approved", 5); // the organizer raised 乙's priority
    await participant(ev.id, { expert: f.ex[0] });
    await participant(ev.id, { expert: f.ex[1] });
    const weakA = await request(ev.id, [{ org: f.entA }, { expert: f.ex[0] }], 0.5);
    const prioB = await request(ev.id, [{ org: f.entB }, { expert: f.ex[1] }], 0.5);
    const first = await runScheduler(actor(f.organizer), ev.id);
    expect(first.placed).toBe(1);
    expect((await meetingsOf(ev.id)).map((m) => m.request_id)).toEqual([prioB]);
    expect(first.unplaced.map((u) => [u.requestId, u.reason])).toEqual([[weakA, "no_free_table"]]);
    // a stronger match outweighs the priority
    await sql`delete from meeting where event_id = ${ev.id}`;
    await sql`update meeting_request set match_score = 1 where id = ${weakA}`;
    await sql`update meeting_request set match_score = 0.1 where id = ${prioB}`;
    await runScheduler(actor(f.organizer), ev.id);
    expect((await meetingsOf(ev.id)).map((m) => m.request_id)).toEqual([weakA]);
  });

  it("two runs at once: the event lock serializes them, no request is placed twice", async () => {
    for (const x of f.ex) await request(f.event.id, [{ org: f.entA }, { expert: x }]);
    const [a, b] = await Promise.all([runScheduler(actor(f.organizer), f.event.id), runScheduler(actor(f.organizer2), f.event.id)]);
    expect(a.placed + b.placed).toBe(3);
    expect(await meetingsOf(f.event.id)).toHaveLength(3);
  });
});

describe("permissions (role × action)", () => {
  async function setup() {
    await request(f.event.id, [{ org: f.entA }, { expert: f.ex[0] }]);
    await runScheduler(actor(f.organizer), f.event.id);
    const [m] = await meetingsOf(f.event.id);
    return m;
  }
  const who = (): [string, Actor | null, boolean][] => [
    ["anonymous", null, false],
    ["member of a participating org", actor(f.memberA), false],
    ["outsider", actor(f.outsider), false],
    ["organizer of another event", actor(f.otherOrganizer), false],
    ["this event's organizer", actor(f.organizer), true],
    ["admin", actor(f.admin), true],
  ];

  it("only the event's organizers and admins run, move, cancel and publish", async () => {
    const m = await setup();
    for (const [name, a, allowed] of who()) {
      const [cur] = await meetingsOf(f.event.id);
      const [{ version: ev }] = await sql<{ version: number }[]>`select version from event where id = ${f.event.id}`;
      const target = cur.slot_id === f.event.slots[0] ? f.event.slots[1] : f.event.slots[0];
      const outcomes = [
        await refusal(runScheduler(a, f.event.id)),
        await refusal(moveMeeting(a, { eventId: f.event.id, meetingId: m.id, version: cur.version, slotId: target, tableId: f.event.tables[0] })),
        await refusal(publishSchedule(a, { eventId: f.event.id, version: ev })),
      ];
      for (const o of outcomes) expect(o, `${name}`).toEqual(allowed ? null : { status: 403, text: "Forbidden" });
    }
    // cancel last (it ends the meeting)
    for (const [name, a, allowed] of who()) {
      if (allowed) continue;
      const [cur] = await meetingsOf(f.event.id);
      expect(await refusal(cancelMeeting(a, { eventId: f.event.id, meetingId: m.id, version: cur.version })), name).toEqual({ status: 403, text: "Forbidden" });
    }
    const [cur] = await meetingsOf(f.event.id);
    expect(cur.status).toBe("scheduled");
    expect(await refusal(cancelMeeting(actor(f.admin), { eventId: f.event.id, meetingId: m.id, version: cur.version }))).toBeNull();
  });

  it("the board: managers manage, other staff read only, members and anonymous are refused", async () => {
    await setup();
    const ref = String(f.event.id);
    expect((await getScheduleBoard(actor(f.organizer), ref)).canManage).toBe(true);
    expect((await getScheduleBoard(actor(f.admin), f.event.ref)).canManage).toBe(true);
    const staff = await getScheduleBoard(actor(f.otherOrganizer), ref);
    expect(staff.canManage).toBe(false);
    expect(staff.meetings).toHaveLength(1);
    for (const a of [null, actor(f.memberA), actor(f.outsider), actor(f.expertUser)]) {
      expect((await refusal(getScheduleBoard(a, ref)))?.status).toBe(403);
    }
    expect((await refusal(getScheduleBoard(actor(f.admin), "999999")))?.status).toBe(404);
  });

  it("participants see only their own schedule, and only once published", async () => {
    await request(f.event.id, [{ org: f.entA }, { expert: f.ex[0] }]);
    await request(f.event.id, [{ org: f.entB }, { expert: f.ex[1] }]);
    await runScheduler(actor(f.organizer), f.event.id);
    const ref = String(f.event.id);
    expect((await getMySchedule(actor(f.memberA), ref)).state).toBe("unpublished");
    expect((await refusal(getParticipantSchedule(actor(f.memberA), ref, f.pA.id)))?.status).toBe(403);
    expect((await getParticipantSchedule(actor(f.organizer), ref, f.pA.id)).schedule.entries).toHaveLength(1);
    const [{ version }] = await sql<{ version: number }[]>`select version from event where id = ${f.event.id}`;
    const published = await auditCount("schedule.publish");
    await publishSchedule(actor(f.organizer), { eventId: f.event.id, version });
    const mineA = await getMySchedule(actor(f.memberA), ref);
    expect(mineA.state).toBe("published");
    if (mineA.state !== "published") throw new Error("unreachable");
    expect(mineA.schedules.map((s) => s.participantId)).toEqual([f.pA.id]);
    expect(mineA.schedules[0].entries.map((e) => e.with)).toEqual([["王教授（某某大学）"]]);
    expect(mineA.schedules[0].code).toBe(f.pA.checkin_code);
    // the expert's own account sees the expert's schedule
    const mineX = await getMySchedule(actor(f.expertUser), ref);
    expect(mineX.state === "published" && mineX.schedules.map((s) => s.participantId)).toEqual([f.pX[0].id]);
    expect((await getMySchedule(actor(f.outsider), ref)).state).toBe("not_participant");
    expect((await refusal(getMySchedule(null, ref)))?.status).toBe(403);
    // another participant's printout: refused to A, allowed to B and to staff
    expect((await refusal(getParticipantSchedule(actor(f.memberA), ref, f.pB.id)))?.status).toBe(403);
    expect((await getParticipantSchedule(actor(f.memberB), ref, f.pB.id)).schedule.entries).toHaveLength(1);
    // table sheets are staff only
    expect((await refusal(getTableSchedule(actor(f.memberA), ref, f.event.tables[0])))?.status).toBe(403);
    const sheet = await getTableSchedule(actor(f.organizer), ref, f.event.tables[0]);
    expect(sheet.schedule.entries.length).toBeGreaterThan(0);
    expect(await auditCount("schedule.publish")).toBe(published + 1);
  });
});

describe("moving meetings: bad input and concurrency", () => {
  /** Two meetings at known places: A–王 at slot 1 / table A1, B–李 at slot 2 / table A1. */
  async function twoMeetings() {
    const r1 = await request(f.event.id, [{ org: f.entA }, { expert: f.ex[0] }], 0.9);
    const r2 = await request(f.event.id, [{ org: f.entB }, { expert: f.ex[1] }], 0.8);
    await placeMeeting(r1, f.event.slots[0], f.event.tables[0], [f.pA.id, f.pX[0].id]);
    await placeMeeting(r2, f.event.slots[1], f.event.tables[0], [f.pB.id, f.pX[1].id]);
    const ms = await meetingsOf(f.event.id);
    return { m1: ms.find((m) => m.request_id === r1)!, m2: ms.find((m) => m.request_id === r2)! };
  }

  it("two organizers move the same meeting: the second gets a conflict message, nothing of theirs is written", async () => {
    const { m1 } = await twoMeetings();
    const moves = await auditCount("meeting.move");
    const free = f.event.slots[2];
    const first = await moveMeeting(actor(f.organizer), { eventId: f.event.id, meetingId: m1.id, version: m1.version, slotId: free, tableId: f.event.tables[0] });
    expect(first.version).toBe(m1.version + 1);
    const second = await refusal(moveMeeting(actor(f.organizer2), { eventId: f.event.id, meetingId: m1.id, version: m1.version, slotId: f.event.slots[2], tableId: f.event.tables[1] }));
    expect(second).toEqual({ status: 409, text: "schedule.errors.stale" });
    const after = (await meetingsOf(f.event.id)).find((m) => m.id === m1.id)!;
    expect(after).toMatchObject({ slot_id: free, table_id: f.event.tables[0], placed_by: "manual", version: m1.version + 1 });
    expect(await auditCount("meeting.move")).toBe(moves + 1);
  });

  it("at the same moment too: exactly one of two concurrent moves wins", async () => {
    const { m1 } = await twoMeetings();
    const others = f.event.slots.filter((s) => s !== m1.slot_id);
    const outcomes = await Promise.all(
      [f.organizer, f.organizer2].map((o, i) =>
        refusal(moveMeeting(actor(o), { eventId: f.event.id, meetingId: m1.id, version: m1.version, slotId: others[i], tableId: f.event.tables[1] })),
      ),
    );
    expect(outcomes.filter((o) => o === null)).toHaveLength(1);
    expect(outcomes.filter((o) => o !== null)).toEqual([{ status: 409, text: "schedule.errors.stale" }]);
  });

  it("refuses an occupied table, a busy party, a slot or table of another event, a too small table and an absent party", async () => {
    const { m1, m2 } = await twoMeetings();
    const moves = await auditCount("meeting.move");
    const other = await makeEvent("另一场活动");
    const base = { eventId: f.event.id, meetingId: m1.id, version: m1.version };
    // the table of m2 in m2's slot
    expect(await refusal(moveMeeting(actor(f.organizer), { ...base, slotId: m2.slot_id!, tableId: m2.table_id! }))).toEqual({ status: 409, text: "schedule.errors.tableTaken" });
    expect(await refusal(moveMeeting(actor(f.organizer), { ...base, slotId: other.slots[0], tableId: f.event.tables[0] }))).toEqual({ status: 400, text: "schedule.errors.slotNotInEvent" });
    expect(await refusal(moveMeeting(actor(f.organizer), { ...base, slotId: f.event.slots[0], tableId: other.tables[0] }))).toEqual({ status: 400, text: "schedule.errors.tableNotInEvent" });
    // a party double-booked: 王教授 (in m1) gets a meeting with 乙 placed by hand in slot 3
    const r = await request(f.event.id, [{ org: f.entB }, { expert: f.ex[0] }]);
    const busy = await placeMeeting(r, f.event.slots[2], f.event.tables[1], [f.pB.id, f.pX[0].id]);
    expect(await refusal(moveMeeting(actor(f.organizer), { ...base, slotId: f.event.slots[2], tableId: f.event.tables[0] }))).toEqual({ status: 409, text: "schedule.errors.partyBusy" });
    // a group of three (甲, 李, 张) does not fit the two-seat table
    await sql`delete from meeting where id in (${busy}, ${m2.id})`;
    const g = await request(f.event.id, [{ org: f.entC }, { expert: f.ex[1] }, { expert: f.ex[2] }]);
    const entC = await participant(f.event.id, { org: f.entC });
    const gid = await placeMeeting(g, f.event.slots[1], f.event.tables[1], [entC.id, f.pX[1].id, f.pX[2].id]);
    const gm = (await meetingsOf(f.event.id)).find((m) => m.id === gid)!;
    expect(await refusal(moveMeeting(actor(f.organizer), { eventId: f.event.id, meetingId: gm.id, version: gm.version, slotId: f.event.slots[2], tableId: f.event.tables[0] }))).toEqual({ status: 400, text: "schedule.errors.tooSmall" });
    // 张研究员 (in the group) says she leaves at lunch: the afternoon is refused
    await available(f.pX[2].id, "09:00", "12:00");
    expect(await refusal(moveMeeting(actor(f.organizer), { eventId: f.event.id, meetingId: gm.id, version: gm.version, slotId: f.event.slots[2], tableId: f.event.tables[1] }))).toEqual({ status: 400, text: "schedule.errors.partyUnavailable" });
    // nothing was written by any refusal
    const [still] = await sql<{ version: number; slot_id: number }[]>`select version, slot_id from meeting where id = ${gm.id}`;
    expect(still).toEqual({ version: gm.version, slot_id: f.event.slots[1] });
    expect(await auditCount("meeting.move")).toBe(moves);
    // and the morning's first slot, at the big table, is fine (王 and 甲's meeting sits at A1)
    expect(await refusal(moveMeeting(actor(f.organizer), { eventId: f.event.id, meetingId: gm.id, version: gm.version, slotId: f.event.slots[0], tableId: f.event.tables[1] }))).toBeNull();
    expect(await auditCount("meeting.move")).toBe(moves + 1);
  });

  it("a meeting of another event, a cancelled or held meeting cannot be moved or cancelled", async () => {
    const { m1 } = await twoMeetings();
    const other = await makeEvent("另一场活动");
    await sql`insert into event_organizer (event_id, user_id) values (${other.id}, ${f.organizer.id})`;
    expect((await refusal(moveMeeting(actor(f.organizer), { eventId: other.id, meetingId: m1.id, version: m1.version, slotId: other.slots[0], tableId: other.tables[0] })))?.status).toBe(404);
    await sql`update meeting set status = 'held' where id = ${m1.id}`;
    expect(await refusal(cancelMeeting(actor(f.organizer), { eventId: f.event.id, meetingId: m1.id, version: m1.version }))).toEqual({ status: 409, text: "schedule.errors.notScheduled" });
    await sql`update meeting set status = 'cancelled', slot_id = null, table_id = null, cancelled_at = now() where id = ${m1.id}`;
    expect(await refusal(moveMeeting(actor(f.organizer), { eventId: f.event.id, meetingId: m1.id, version: m1.version, slotId: f.event.slots[0], tableId: f.event.tables[0] }))).toEqual({ status: 409, text: "schedule.errors.cancelled" });
  });

  it("publishing needs a current event version and at least one meeting", async () => {
    const [{ version }] = await sql<{ version: number }[]>`select version from event where id = ${f.event.id}`;
    expect(await refusal(publishSchedule(actor(f.organizer), { eventId: f.event.id, version }))).toEqual({ status: 409, text: "schedule.errors.nothingToPublish" });
    await twoMeetings();
    expect(await refusal(publishSchedule(actor(f.organizer), { eventId: f.event.id, version: version - 1 }))).toEqual({ status: 409, text: "schedule.errors.eventStale" });
    const done = await publishSchedule(actor(f.organizer), { eventId: f.event.id, version });
    expect(done.version).toBe(version + 1);
    const [{ schedule_published_at }] = await sql<{ schedule_published_at: Date | null }[]>`select schedule_published_at from event where id = ${f.event.id}`;
    expect(schedule_published_at).not.toBeNull();
  });
});

describe("placing an unplaced request by hand", () => {
  it("places it where the organizer says, once: a double submit or a colleague at the same time gets 'already placed'", async () => {
    const r = await request(f.event.id, [{ org: f.entA }, { expert: f.ex[0] }]);
    const input = { eventId: f.event.id, requestId: r, slotId: f.event.slots[1], tableId: f.event.tables[0] };
    const outcomes = await Promise.all([refusal(placeRequest(actor(f.organizer), input)), refusal(placeRequest(actor(f.organizer2), input))]);
    expect(outcomes.filter((o) => o === null)).toHaveLength(1);
    expect(outcomes.filter((o) => o !== null)).toEqual([{ status: 409, text: "schedule.errors.alreadyPlaced" }]);
    const ms = await meetingsOf(f.event.id);
    expect(ms).toHaveLength(1);
    expect(ms[0]).toMatchObject({ request_id: r, slot_id: f.event.slots[1], table_id: f.event.tables[0], placed_by: "manual", status: "scheduled" });
    const [{ parties }] = await sql<{ parties: number }[]>`select count(*)::int as parties from meeting_party where meeting_id = ${ms[0].id} and slot_id = ${f.event.slots[1]}`;
    expect(parties).toBe(2);
    // a re-run keeps it and has nothing left to place
    expect(await runScheduler(actor(f.organizer), f.event.id)).toMatchObject({ placed: 0, kept: 1 });
  });

  it("refuses members, pending requests, non-participants, another event's request and a clash, writing nothing", async () => {
    const ok = await request(f.event.id, [{ org: f.entB }, { expert: f.ex[1] }]);
    const base = { eventId: f.event.id, slotId: f.event.slots[0], tableId: f.event.tables[0] };
    expect(await refusal(placeRequest(actor(f.memberB), { ...base, requestId: ok }))).toEqual({ status: 403, text: "Forbidden" });
    const pending = await request(f.event.id, [{ org: f.entA }, { expert: f.ex[1] }], 0.5, "pending");
    expect(await refusal(placeRequest(actor(f.organizer), { ...base, requestId: pending }))).toEqual({ status: 409, text: "schedule.errors.notAccepted" });
    const outsider = await request(f.event.id, [{ org: f.entC }, { expert: f.ex[1] }]);
    expect(await refusal(placeRequest(actor(f.organizer), { ...base, requestId: outsider }))).toEqual({ status: 400, text: "schedule.errors.partyNotParticipant" });
    const elsewhere = await makeEvent("另一场活动");
    const foreign = await request(elsewhere.id, [{ org: f.entA }, { expert: f.ex[0] }]);
    expect((await refusal(placeRequest(actor(f.organizer), { ...base, requestId: foreign })))?.status).toBe(404);
    // 李教授 already sits in slot 1 with 甲
    const first = await request(f.event.id, [{ org: f.entA }, { expert: f.ex[1] }]);
    await placeRequest(actor(f.organizer), { eventId: f.event.id, requestId: first, slotId: f.event.slots[0], tableId: f.event.tables[1] });
    expect(await refusal(placeRequest(actor(f.organizer), { ...base, requestId: ok }))).toEqual({ status: 409, text: "schedule.errors.partyBusy" });
    expect(await refusal(placeRequest(actor(f.organizer), { ...base, requestId: ok, tableId: f.event.tables[1], slotId: f.event.slots[0] }))).toEqual({ status: 409, text: "schedule.errors.tableTaken" });
    expect(await refusal(placeRequest(actor(f.organizer), { ...base, requestId: ok, slotId: elsewhere.slots[0] }))).toEqual({ status: 400, text: "schedule.errors.slotNotInEvent" });
    expect((await meetingsOf(f.event.id)).map((m) => m.request_id)).toEqual([first]);
  });
});
