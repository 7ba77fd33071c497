import { sql } from "../../db/client.server";
import { createUserSession } from "~/utils/auth.server";
import type { Actor } from "~/models/audit.server";
import { addMember, makeOrg, makeUser } from "../app/helpers";

// A small talent fair for the schedule tests: one event with three slots (the last one after
// lunch), two tables (2 and 4 seats), two enterprises and three experts taking part, their
// members and experts' accounts, the event's organizer, another organizer, an admin and an
// outsider; plus builders for requests and a second event.

async function withCookie(user: Awaited<ReturnType<typeof makeUser>>) {
  const headers = await createUserSession(new Request("http://localhost/login"), user.id);
  return { ...user, cookie: (headers.get("Set-Cookie") ?? "").split(";")[0] };
}
export type TestUser = Awaited<ReturnType<typeof withCookie>>;
export const actor = (u: { id: string; role: Actor["role"] }): Actor => ({ id: u.id, role: u.role });

const T = (hhmm: string, day = "2026-11-20") => new Date(`${day}T${hhmm}:00+08:00`);

let n = 0;
export async function makeEvent(name = "科技人才洽谈会") {
  n += 1;
  const [ev] = await sql<{ id: number; ref: string }[]>`
    insert into event (ref, kind, name, venue, starts_on, ends_on, status, slot_minutes)
    values (${`EVS${n}`}, 'talent_fair', ${name}, '会展中心一号馆', '2026-11-20', '2026-11-20', 'closed', 30) returning id, ref`;
  const slots = [];
  for (const [a, b] of [
    ["09:00", "09:30"],
    ["09:30", "10:00"],
    ["14:00", "14:30"],
  ]) {
    const [s] = await sql<{ id: number }[]>`insert into event_slot (event_id, starts_at, ends_at) values (${ev.id}, ${T(a)}, ${T(b)}) returning id`;
    slots.push(s.id);
  }
  const tables = [];
  for (const [label, cap, order] of [
    ["A1", 2, 1],
    ["B1", 4, 2],
  ] as const) {
    const [t] = await sql<{ id: number }[]>`insert into event_table (event_id, label, capacity, sort_order) values (${ev.id}, ${label}, ${cap}, ${order}) returning id`;
    tables.push(t.id);
  }
  return { id: ev.id, ref: ev.ref, slots, tables };
}

export async function participant(eventId: number, party: { org?: number; expert?: number }, status = "approved", priority = 0) {
  const [p] = await sql<{ id: number; checkin_code: string }[]>`
    insert into event_participant (event_id, org_id, expert_id, status, priority)
    values (${eventId}, ${party.org ?? null}, ${party.expert ?? null}, ${status}, ${priority}) returning id, checkin_code`;
  return p;
}

export async function available(participantId: number, from: string, to: string) {
  await sql`insert into participant_availability (participant_id, starts_at, ends_at) values (${participantId}, ${T(from)}, ${T(to)})`;
}

/** An accepted request of the event between the given parties (the first is the requester). */
export async function request(eventId: number | null, parties: { org?: number; expert?: number }[], score = 0.5, status = "accepted") {
  const [r] = await sql<{ id: number }[]>`
    insert into meeting_request (event_id, status, source, match_score) values (${eventId}, ${status}, 'manual', ${score}) returning id`;
  for (const [i, p] of parties.entries()) {
    await sql`
      insert into meeting_request_party (request_id, org_id, expert_id, role, response)
      values (${r.id}, ${p.org ?? null}, ${p.expert ?? null}, ${i === 0 ? "requester" : "invitee"}, 'accepted')`;
  }
  return r.id;
}

export async function fair() {
  const entA = await makeOrg("甲科技有限公司", "enterprise");
  const entB = await makeOrg("乙制造股份公司", "enterprise");
  const entC = await makeOrg("丙企业（未报名）", "enterprise");
  const uni = await makeOrg("某某大学", "university");
  const ex = [];
  for (const name of ["王教授", "李教授", "张研究员"]) {
    const [x] = await sql<{ id: number }[]>`insert into expert (org_id, name) values (${uni}, ${name}) returning id`;
    ex.push(x.id);
  }
  const organizer = await withCookie(await makeUser({ role: "organizer", name: "本活动组织者" }));
  const organizer2 = await withCookie(await makeUser({ role: "organizer", name: "第二位组织者" }));
  const otherOrganizer = await withCookie(await makeUser({ role: "organizer", name: "别的活动的组织者" }));
  const admin = await withCookie(await makeUser({ role: "admin", name: "管理员" }));
  const memberA = await withCookie(await makeUser({ name: "甲公司成员" }));
  const memberB = await withCookie(await makeUser({ name: "乙公司成员" }));
  const outsider = await withCookie(await makeUser({ name: "无关用户" }));
  await addMember(entA, memberA.id, "member");
  await addMember(entB, memberB.id, "member");
  const expertUser = await withCookie(await makeUser({ name: "王教授本人" }));
  await sql`update expert set user_id = ${expertUser.id} where id = ${ex[0]}`;

  const event = await makeEvent();
  await sql`insert into event_organizer (event_id, user_id) values (${event.id}, ${organizer.id}), (${event.id}, ${organizer2.id})`;
  const pA = await participant(event.id, { org: entA });
  const pB = await participant(event.id, { org: entB });
  const pX = [];
  for (const x of ex) pX.push(await participant(event.id, { expert: x }));
  return { entA, entB, entC, uni, ex, organizer, organizer2, otherOrganizer, admin, memberA, memberB, outsider, expertUser, event, pA, pB, pX };
}
export type Fair = Awaited<ReturnType<typeof fair>>;

export async function meetingsOf(eventId: number) {
  return sql<{ id: number; request_id: number | null; slot_id: number | null; table_id: number | null; status: string; placed_by: string; version: number }[]>`
    select id, request_id, slot_id, table_id, status, placed_by, version from meeting where event_id = ${eventId} order by id`;
}

export async function auditCount(action: string) {
  const [{ c }] = await sql<{ c: number }[]>`select count(*)::int as c from audit_log where action = ${action}`;
  return c;
}

/** A live meeting placed by hand at a known slot and table (bypassing the scheduler). */
export async function placeMeeting(requestId: number | null, slotId: number, tableId: number, participantIds: number[]) {
  const [m] = await sql<{ id: number; event_id: number }[]>`
    insert into meeting (event_id, request_id, slot_id, table_id, placed_by)
    select event_id, ${requestId}, ${slotId}, ${tableId}, 'manual' from event_slot where id = ${slotId}
    returning id, event_id`;
  for (const p of participantIds) await sql`insert into meeting_party (meeting_id, event_id, participant_id) values (${m.id}, ${m.event_id}, ${p})`;
  return m.id;
}
