import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { checkIn, eventOutcome, liveCounts, markMeeting, walkIn } from "~/models/checkin.server";
import { addEventOrganizer, addSlot, addTables, createEvent, deleteSlot, generateSlots, getEvent, listEvents, listSlots, setEventStatus, updateEvent } from "~/models/event.server";
import { decideRegistration, inviteParticipants, listParticipants, myParticipations, registerParticipant, updateRegistration } from "~/models/event-participant.server";
import { localParts } from "~/utils/events";
import { actor, count, eventWorld, makeEvent, participant, refusal } from "./helpers";

const w = await eventWorld();
const base = { kind: "talent_fair" as const, name: "2030 科技人才洽谈会（春季）", startsOn: "2030-04-10", endsOn: "2030-04-11", city: "南通", venue: "国际会展中心", description: null, slotMinutes: 20 };

describe("events", () => {
  test("an organizer creates an event and becomes its organizer; members cannot", async () => {
    const made = await createEvent(actor(w.organizer), base);
    expect(made.ref).toBe(`EV2030-${made.id}`);
    const [eo] = await sql`select user_id from event_organizer where event_id = ${made.id}`;
    expect(eo.user_id).toBe(w.organizer.id);
    const e = await getEvent(actor(w.organizer), made.ref ?? "");
    expect(e).toMatchObject({ name: base.name, status: "draft", access: { manage: true } });
    // a draft is the staff's business
    expect(await getEvent(actor(w.memberA), String(made.id))).toBeNull();
    expect((await getEvent(actor(w.otherOrganizer), String(made.id)))?.access.manage).toBe(false);
    expect(await refusal(createEvent(actor(w.memberA), base))).toMatchObject({ status: 403 });
    expect(await refusal(createEvent(null, base))).toMatchObject({ status: 403 });
    const audits = await sql`select action from audit_log where entity = 'event' and entity_id = ${String(made.id)}`;
    expect(audits.map((a) => a.action)).toEqual(["event.create"]);
  });

  test("an event that ends before it starts is refused; nothing written", async () => {
    const before = await count("event");
    expect(await refusal(createEvent(actor(w.organizer), { ...base, endsOn: "2030-04-09" }))).toEqual({ status: 400, message: "events.errors.endsBeforeStart" });
    expect(await count("event")).toBe(before);
  });

  test("two organizers editing the same event: the second gets a conflict", async () => {
    const ev = await makeEvent(w.organizer.id);
    await sql`insert into event_organizer (event_id, user_id) values (${ev.id}, ${w.otherOrganizer.id})`;
    await updateEvent(actor(w.organizer), { ...base, id: ev.id, version: 1, name: "第一位的修改" });
    expect(await refusal(updateEvent(actor(w.otherOrganizer), { ...base, id: ev.id, version: 1, name: "第二位的修改" }))).toEqual({ status: 409, message: "events.errors.stale" });
    const [row] = await sql`select name, version from event where id = ${ev.id}`;
    expect(row).toMatchObject({ name: "第一位的修改", version: 2 });
  });

  test("only the event's organizers and admins manage it", async () => {
    const ev = await makeEvent(w.organizer.id);
    for (const u of [w.otherOrganizer, w.memberA, w.uniMember]) {
      expect(await refusal(setEventStatus(actor(u), { id: ev.id, version: 1, status: "closed" }))).toMatchObject({ status: 403 });
      expect(await refusal(addTables(actor(u), { eventId: ev.id, label: "A", capacity: 4 }))).toMatchObject({ status: 403 });
    }
    await setEventStatus(actor(w.admin), { id: ev.id, version: 1, status: "closed" });
    // a move that makes no sense
    expect(await refusal(setEventStatus(actor(w.organizer), { id: ev.id, version: 2, status: "draft" }))).toMatchObject({ status: 409 });
  });

  test("co-organizers: added by e-mail by a manager; then they manage; member accounts refused", async () => {
    const ev = await makeEvent(w.organizer.id);
    expect(await refusal(addEventOrganizer(actor(w.otherOrganizer), { eventId: ev.id, email: w.otherOrganizer.email }))).toMatchObject({ status: 403 });
    expect(await refusal(addEventOrganizer(actor(w.organizer), { eventId: ev.id, email: w.memberA.email }))).toEqual({ status: 400, message: "events.errors.notStaffAccount" });
    expect(await addEventOrganizer(actor(w.organizer), { eventId: ev.id, email: w.otherOrganizer.email.toUpperCase() })).toMatchObject({ added: true });
    expect(await addEventOrganizer(actor(w.organizer), { eventId: ev.id, email: w.otherOrganizer.email })).toMatchObject({ added: false });
    expect((await addTables(actor(w.otherOrganizer), { eventId: ev.id, label: "第二组织者的桌", capacity: 6 })).created).toBe(1);
  });

  test("slots: generated around a lunch break, overlapping and outside ones refused, deletable", async () => {
    const ev = await makeEvent(w.organizer.id, { startsOn: "2030-05-20", endsOn: "2030-05-20", slotMinutes: 30 });
    const made = await generateSlots(actor(w.organizer), { eventId: ev.id, day: "2030-05-20", from: "09:00", to: "14:00", breakFrom: "12:00", breakTo: "13:00" });
    expect(made.created).toBe(8);
    const slots = await listSlots(ev.id);
    expect(slots.map((s) => localParts(s.startsAt).time)).toEqual(["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "13:00", "13:30"]);
    const before = await count("event_slot");
    expect(await refusal(addSlot(actor(w.organizer), { eventId: ev.id, day: "2030-05-20", from: "09:15", to: "09:45" }))).toEqual({ status: 400, message: "events.errors.slotOverlap" });
    expect(await refusal(addSlot(actor(w.organizer), { eventId: ev.id, day: "2030-05-21", from: "09:00", to: "09:30" }))).toEqual({ status: 400, message: "events.errors.slotOutsideEvent" });
    expect(await refusal(addSlot(actor(w.organizer), { eventId: ev.id, day: "2030-05-20", from: "16:00", to: "15:00" }))).toEqual({ status: 400, message: "events.errors.slotEndBeforeStart" });
    // the whole batch or nothing: 11:00–15:00 overlaps existing slots
    expect(await refusal(generateSlots(actor(w.organizer), { eventId: ev.id, day: "2030-05-20", from: "11:00", to: "15:00" }))).toEqual({ status: 400, message: "events.errors.slotOverlap" });
    expect(await count("event_slot")).toBe(before);
    await addSlot(actor(w.organizer), { eventId: ev.id, day: "2030-05-20", from: "12:00", to: "12:30", label: "午餐交流" });
    const lunch = (await listSlots(ev.id)).find((s) => s.label === "午餐交流");
    await deleteSlot(actor(w.organizer), { eventId: ev.id, slotId: lunch?.id ?? 0, version: 1 });
    expect(await count("event_slot")).toBe(before);
    // an event's dates cannot move away from its slots
    expect(await refusal(updateEvent(actor(w.organizer), { ...base, id: ev.id, version: 1, startsOn: "2030-06-01", endsOn: "2030-06-01" }))).toEqual({ status: 400, message: "events.errors.slotOutsideEvent" });
  });

  test("tables: numbered in one go; a duplicate label is refused", async () => {
    const ev = await makeEvent(w.organizer.id);
    expect(await addTables(actor(w.organizer), { eventId: ev.id, label: "洽谈桌", capacity: 4, count: 10 })).toEqual({ created: 10 });
    expect(await refusal(addTables(actor(w.organizer), { eventId: ev.id, label: "洽谈桌3", capacity: 4 }))).toEqual({ status: 400, message: "events.errors.tableDuplicate" });
  });

  test("the list: filters and visibility", async () => {
    await makeEvent(w.organizer.id, { name: "草稿活动不对外", status: "draft" });
    const forMember = await listEvents(actor(w.memberA), {});
    expect(forMember.some((e) => e.name === "草稿活动不对外")).toBe(false);
    const forStaff = await listEvents(actor(w.organizer), { q: "草稿活动" });
    expect(forStaff.map((e) => e.name)).toEqual(["草稿活动不对外"]);
    expect((await listEvents(null, { status: "open", q: "测试人才洽谈会" })).map((e) => e.name)).toEqual(["测试人才洽谈会"]);
  });
});

describe("registration", () => {
  test("a university member registers its expert with availability; the organizer approves", async () => {
    const ev = await makeEvent(w.organizer.id, { startsOn: "2030-05-20", endsOn: "2030-05-21" });
    const reg = await registerParticipant(actor(w.uniMember), {
      eventId: ev.id,
      party: { kind: "expert", id: w.prof.id },
      lookingFor: "寻找储能领域的企业合作伙伴，可开展技术转让。",
      contactName: "王教授",
      contactPhone: "13800000000",
      avail: [
        { day: "2030-05-20", from: "９:００", to: "12：00" },
        { day: "", from: "", to: "" },
      ],
    });
    expect(reg.status).toBe("registered");
    const mine = await myParticipations(actor(w.uniMember), ev.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].availability.map((a) => localParts(a.startsAt).time)).toEqual(["09:00"]);
    // another enterprise sees nothing of it
    expect(await myParticipations(actor(w.memberB), ev.id)).toEqual([]);
    expect(await refusal(listParticipants(actor(w.memberB), ev.id))).toMatchObject({ status: 403 });
    const d = await decideRegistration(actor(w.organizer), { eventId: ev.id, participantId: reg.id, version: 1, decision: "approve" });
    expect(d.status).toBe("approved");
    // the second organizer deciding from the old page
    expect(await refusal(decideRegistration(actor(w.admin), { eventId: ev.id, participantId: reg.id, version: 1, decision: "reject" }))).toEqual({ status: 409, message: "events.errors.stale" });
  });

  test("bad input: availability outside the event, overlapping, ending before it starts; nothing written", async () => {
    const ev = await makeEvent(w.organizer.id, { startsOn: "2030-05-20", endsOn: "2030-05-20" });
    const before = { p: await count("event_participant"), a: await count("participant_availability") };
    const cases: [{ day: string; from: string; to: string }[], string][] = [
      [[{ day: "2030-05-22", from: "09:00", to: "10:00" }], "events.errors.availabilityOutside"],
      [[{ day: "2030-05-20", from: "09:00", to: "11:00" }, { day: "2030-05-20", from: "10:00", to: "12:00" }], "events.errors.availabilityOverlap"],
      [[{ day: "2030-05-20", from: "11:00", to: "10:00" }], "events.errors.availabilityEndBeforeStart"],
      [[{ day: "2030-05-20", from: "九点", to: "10:00" }], "events.errors.badTime"],
    ];
    for (const [avail, message] of cases) {
      const r = await refusal(registerParticipant(actor(w.memberA), { eventId: ev.id, party: { kind: "org", id: w.entA }, lookingFor: null, contactName: null, contactPhone: null, avail }));
      expect(r).toEqual({ status: 400, message });
    }
    expect({ p: await count("event_participant"), a: await count("participant_availability") }).toEqual(before);
  });

  test("members register only their own side, only while registration is open", async () => {
    const ev = await makeEvent(w.organizer.id, { status: "closed" });
    const reg = { lookingFor: null, contactName: null, contactPhone: null, avail: [] };
    expect(await refusal(registerParticipant(actor(w.memberA), { ...reg, eventId: ev.id, party: { kind: "org", id: w.entA } }))).toEqual({ status: 409, message: "events.errors.registrationClosed" });
    const open = await makeEvent(w.organizer.id);
    expect(await refusal(registerParticipant(actor(w.memberA), { ...reg, eventId: open.id, party: { kind: "org", id: w.entB } }))).toEqual({ status: 400, message: "events.errors.cannotRegisterFor" });
    expect(await refusal(registerParticipant(actor(w.memberA), { ...reg, eventId: open.id, party: { kind: "expert", id: w.prof.id } }))).toEqual({ status: 400, message: "events.errors.cannotRegisterFor" });
    await registerParticipant(actor(w.memberA), { ...reg, eventId: open.id, party: { kind: "org", id: w.entA } });
    expect(await refusal(registerParticipant(actor(w.managerA), { ...reg, eventId: open.id, party: { kind: "org", id: w.entA } }))).toEqual({ status: 409, message: "events.errors.alreadyParticipant" });
  });

  test("invited parties register over their invitation; two editors of one registration: the second conflicts", async () => {
    const ev = await makeEvent(w.organizer.id);
    expect(await inviteParticipants(actor(w.organizer), { eventId: ev.id, parties: [{ kind: "org", id: w.entB }, { kind: "expert", id: w.prof3.id }] })).toEqual({ invited: 2, skipped: 0 });
    expect(await inviteParticipants(actor(w.organizer), { eventId: ev.id, parties: [{ kind: "org", id: w.entB }] })).toEqual({ invited: 0, skipped: 1 });
    const reg = await registerParticipant(actor(w.memberB), { eventId: ev.id, party: { kind: "org", id: w.entB }, lookingFor: "寻找新材料", contactName: "李四", contactPhone: null, avail: [] });
    const [row] = await sql<{ version: number }[]>`select version from event_participant where id = ${reg.id}`;
    await updateRegistration(actor(w.memberB), { eventId: ev.id, participantId: reg.id, version: row.version, lookingFor: "改一次", contactName: null, contactPhone: null, avail: [] });
    expect(await refusal(updateRegistration(actor(w.organizer), { eventId: ev.id, participantId: reg.id, version: row.version, lookingFor: "改第二次", contactName: null, contactPhone: null, avail: [] }))).toEqual({ status: 409, message: "events.errors.stale" });
  });
});

describe("the day", () => {
  test("check-in by code (full-width, lower case), twice refused; walk-in; live counts", async () => {
    const ev = await makeEvent(w.organizer.id);
    const p = await participant(ev.id, { orgId: w.entA, status: "approved", contact: "张三" });
    const typed = p.checkin_code.toLowerCase().replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    await checkIn(actor(w.organizer), { eventId: ev.id, code: ` ${typed} ` });
    expect(await refusal(checkIn(actor(w.organizer), { eventId: ev.id, code: p.checkin_code }))).toEqual({ status: 409, message: "events.errors.alreadyCheckedIn" });
    expect(await refusal(checkIn(actor(w.organizer), { eventId: ev.id, code: "NOPE0000" }))).toEqual({ status: 400, message: "events.errors.codeNotFound" });
    expect(await refusal(checkIn(actor(w.otherOrganizer), { eventId: ev.id, code: p.checkin_code }))).toMatchObject({ status: 403 });
    const rejected = await participant(ev.id, { orgId: w.entB, status: "rejected" });
    expect(await refusal(checkIn(actor(w.organizer), { eventId: ev.id, participantId: rejected.id }))).toEqual({ status: 409, message: "events.errors.cannotCheckIn" });
    const walk = await walkIn(actor(w.organizer), { eventId: ev.id, party: { kind: "expert", id: w.prof3.id }, contactName: "赵研究员", contactPhone: null });
    const [wrow] = await sql`select walk_in, status from event_participant where id = ${walk.id}`;
    expect(wrow).toEqual({ walk_in: true, status: "checked_in" });
    expect(await liveCounts(actor(w.organizer), ev.id)).toMatchObject({ registered: 2, approved: 2, checkedIn: 2, walkIns: 1, rejected: 1 });
    expect(await refusal(liveCounts(actor(w.memberA), ev.id))).toMatchObject({ status: 403 });
  });

  test("meetings held with one absent professor, or no-show; outcome figures", async () => {
    const ev = await makeEvent(w.organizer.id, { startsOn: "2030-05-20", endsOn: "2030-05-20" });
    await generateSlots(actor(w.organizer), { eventId: ev.id, day: "2030-05-20", from: "09:00", to: "10:00" });
    await addTables(actor(w.organizer), { eventId: ev.id, label: "桌", capacity: 4, count: 2 });
    const [s1, s2] = await listSlots(ev.id);
    const [t1] = await sql<{ id: number }[]>`select id from event_table where event_id = ${ev.id} order by sort_order limit 1`;
    const a = await participant(ev.id, { orgId: w.entA, status: "checked_in" });
    const x1 = await participant(ev.id, { expertId: w.prof.id, status: "checked_in" });
    const x2 = await participant(ev.id, { expertId: w.prof2.id, status: "approved" });
    const meet = async (slotId: number, ps: number[]) => {
      const [m] = await sql<{ id: number }[]>`insert into meeting (event_id, slot_id, table_id, placed_by) values (${ev.id}, ${slotId}, ${t1.id}, 'manual') returning id`;
      for (const pid of ps) await sql`insert into meeting_party (meeting_id, event_id, participant_id) values (${m.id}, ${ev.id}, ${pid})`;
      return m.id;
    };
    const group = await meet(s1.id, [a.id, x1.id, x2.id]);
    const solo = await meet(s2.id, [a.id, x1.id]);
    await markMeeting(actor(w.organizer), { eventId: ev.id, meetingId: group, version: 1, status: "held", absent: [x2.id] });
    const att = await sql`select participant_id, attendance from meeting_party where meeting_id = ${group} order by participant_id`;
    expect(Object.fromEntries(att.map((r) => [r.participant_id, r.attendance]))).toEqual({ [a.id]: "present", [x1.id]: "present", [x2.id]: "absent" });
    await markMeeting(actor(w.organizer), { eventId: ev.id, meetingId: solo, version: 1, status: "no_show" });
    expect(await refusal(markMeeting(actor(w.admin), { eventId: ev.id, meetingId: solo, version: 1, status: "held" }))).toEqual({ status: 409, message: "events.errors.stale" });
    const [ent] = await sql<{ id: number }[]>`select id from organization where id = ${w.entA}`;
    const [intent] = await sql<{ id: number }[]>`
      insert into intent (enterprise_org_id, institution_org_id, event_id, summary, stage) values (${ent.id}, ${w.uni}, ${ev.id}, '合作开发储能材料', 'signed') returning id`;
    await sql`insert into agreement (intent_id, title, kind, amount_wan, signed_on, signed_on_stage, event_id) values (${intent.id}, '储能材料合作开发协议', '合作开发', 120.5, '2030-05-20', true, ${ev.id})`;
    const out = await eventOutcome(actor(w.organizer), ev.id);
    expect(out).toMatchObject({ meetingsScheduled: 2, meetingsHeld: 1, meetingsNoShow: 1, noShowRate: 0.5, intents: 1, agreements: 1, agreementAmountWan: 120.5, signedOnStage: 1 });
  });
});
