import type postgres from "postgres";
import { sql } from "../../db/client.server";
import { schedule, requestValue, type FixedIn, type ParticipantIn, type RequestIn, type UnplacedReason } from "~/scheduler/schedule";
import { isStaff } from "~/utils/roles";
import { audit, forbidden, type Actor, type Tx } from "./audit.server";
import { conflict, invalid, notFound } from "./catalog.server";
import { isEventManager, lockEventAsManager, resolveEventId } from "./event-access.server";

// The event's meeting schedule in the database: running the scheduler (app/scheduler) over an
// event, moving and cancelling meetings by hand, publishing; and the reads behind the board,
// a participant's own schedule, the printouts and the .ics file. Decision 045.
//
// Rules: only the event's organizers (event_organizer) and admins manage it (403 otherwise,
// checked here, not only in the pages); every write locks the event row first, so a run and a
// move never interleave; moves carry the meeting's version (a stale move is refused with a
// message); the database's unique indexes stay the last guard against double-booking.

type Db = postgres.Sql<{ bigint: number }> | Tx;

/** Participants the scheduler places: approved ones (checked-in ones were approved). */
export const SCHEDULED_STATUSES = ["approved", "checked_in"] as const;
/** A meeting that holds its slot and table (fragments are built per query: the client is created lazily). */
const live = (db: Db) => db`m.status <> 'cancelled'`;

export type UnplacedView = {
  requestId: number;
  reason: UnplacedReason;
  parties: string[];
  /** names of the participants the reason is about (missing, unavailable, busy) */
  concerns: string[];
};

export type RunResult = { placed: number; kept: number; unplaced: UnplacedView[]; placedValue: number; seconds: number };

// ---------------------------------------------------------------- names

/** A participant's display name: the organization's or the expert's. */
const participantName = (db: Db) => db`coalesce(o.name, x.name || coalesce('（' || xo.name || '）', ''))`;
const participantJoins = (db: Db) => db`
  left join organization o on o.id = p.org_id
  left join expert x on x.id = p.expert_id
  left join organization xo on xo.id = x.org_id`;

async function participantNames(db: Db, eventId: number): Promise<Map<number, string>> {
  const rows = await db<{ id: number; name: string }[]>`
    select p.id, ${participantName(db)} as name from event_participant p ${participantJoins(db)} where p.event_id = ${eventId}`;
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Names of a request's parties (organizations and experts), in party order. */
async function requestPartyNames(db: Db, requestIds: number[]): Promise<Map<number, string[]>> {
  if (!requestIds.length) return new Map();
  const rows = await db<{ request_id: number; name: string }[]>`
    select rp.request_id, coalesce(o.name, x.name) as name
    from meeting_request_party rp
    left join organization o on o.id = rp.org_id
    left join expert x on x.id = rp.expert_id
    where rp.request_id = any(${requestIds}::bigint[])
    order by rp.request_id, (rp.role = 'requester') desc, rp.id`;
  const out = new Map<number, string[]>();
  for (const r of rows) out.set(r.request_id, [...(out.get(r.request_id) ?? []), r.name]);
  return out;
}

// ---------------------------------------------------------------- run

type LoadedEvent = {
  input: { slots: { id: number; startsAt: number; endsAt: number }[]; tables: { id: number; capacity: number }[]; participants: ParticipantIn[]; requests: RequestIn[]; fixed: FixedIn[] };
  /** requests that cannot even be handed to the scheduler: a party that is not an approved participant */
  missing: Map<number, { orgId: number | null; expertId: number | null }[]>;
  /** request id → its parties as participant ids (for writing meeting_party) */
  partiesOf: Map<number, number[]>;
};

async function loadForScheduler(tx: Tx, eventId: number): Promise<LoadedEvent> {
  const slots = await tx<{ id: number; starts_at: Date; ends_at: Date }[]>`
    select id, starts_at, ends_at from event_slot where event_id = ${eventId} order by starts_at`;
  const tables = await tx<{ id: number; capacity: number }[]>`
    select id, capacity from event_table where event_id = ${eventId} order by sort_order, label, id`;
  const parts = await tx<{ id: number; org_id: number | null; expert_id: number | null; priority: number }[]>`
    select id, org_id, expert_id, priority from event_participant
    where event_id = ${eventId} and status = any(${[...SCHEDULED_STATUSES]}::text[])`;
  const avail = await tx<{ participant_id: number; starts_at: Date; ends_at: Date }[]>`
    select a.participant_id, a.starts_at, a.ends_at
    from participant_availability a join event_participant p on p.id = a.participant_id
    where p.event_id = ${eventId} and p.status = any(${[...SCHEDULED_STATUSES]}::text[])`;
  const byOrg = new Map<number, number>();
  const byExpert = new Map<number, number>();
  const prio = new Map<number, number>();
  const ranges = new Map<number, { start: number; end: number }[]>();
  for (const p of parts) {
    if (p.org_id != null) byOrg.set(p.org_id, p.id);
    if (p.expert_id != null) byExpert.set(p.expert_id, p.id);
    prio.set(p.id, p.priority);
  }
  for (const a of avail) ranges.set(a.participant_id, [...(ranges.get(a.participant_id) ?? []), { start: a.starts_at.getTime(), end: a.ends_at.getTime() }]);

  // accepted requests of the event without any meeting (a cancelled meeting keeps its request:
  // the organizer cancelled it on purpose, a re-run does not bring it back)
  const reqs = await tx<{ id: number; match_score: number | null; priority: number; parties: { org_id: number | null; expert_id: number | null }[] }[]>`
    select r.id, r.match_score, r.priority,
      coalesce((select json_agg(json_build_object('org_id', rp.org_id, 'expert_id', rp.expert_id) order by rp.id)
                from meeting_request_party rp where rp.request_id = r.id), '[]'::json) as parties
    from meeting_request r
    where r.event_id = ${eventId} and r.status = 'accepted'
      and not exists (select 1 from meeting m where m.request_id = r.id)
    order by r.id`;
  const fixedRows = await tx<{ id: number; request_id: number | null; slot_id: number; table_id: number; parties: number[] }[]>`
    select m.id, m.request_id, m.slot_id, m.table_id,
      coalesce((select array_agg(mp.participant_id order by mp.participant_id) from meeting_party mp where mp.meeting_id = m.id), '{}') as parties
    from meeting m where m.event_id = ${eventId} and ${live(tx)}`;

  const requests: RequestIn[] = [];
  const missing: LoadedEvent["missing"] = new Map();
  const partiesOf = new Map<number, number[]>();
  for (const r of reqs) {
    const ids: number[] = [];
    const absent: { orgId: number | null; expertId: number | null }[] = [];
    for (const party of r.parties) {
      const pid = party.org_id != null ? byOrg.get(party.org_id) : party.expert_id != null ? byExpert.get(party.expert_id) : undefined;
      if (pid === undefined) absent.push({ orgId: party.org_id, expertId: party.expert_id });
      else ids.push(pid);
    }
    if (absent.length) {
      missing.set(r.id, absent);
      continue;
    }
    partiesOf.set(r.id, ids);
    requests.push({ id: r.id, parties: ids, value: requestValue(r.match_score, r.priority, ids.map((p) => prio.get(p) ?? 0)) });
  }
  return {
    input: {
      slots: slots.map((s) => ({ id: s.id, startsAt: s.starts_at.getTime(), endsAt: s.ends_at.getTime() })),
      tables: [...tables],
      participants: parts.map((p) => ({ id: p.id, availability: ranges.get(p.id) ?? null })),
      requests,
      fixed: fixedRows.map((f) => ({ id: f.id, requestId: f.request_id, slotId: f.slot_id, tableId: f.table_id, parties: f.parties })),
    },
    missing,
    partiesOf,
  };
}

/**
 * Writes placed meetings and their parties set-based (two statements whatever the count).
 * Exported for the bench, which times exactly this write.
 */
export async function insertPlacements(
  tx: Tx,
  eventId: number,
  rows: { requestId: number; slotId: number; tableId: number; participants: number[] }[],
  actorId: string | null,
): Promise<number> {
  if (!rows.length) return 0;
  const made = await tx<{ id: number; request_id: number }[]>`
    insert into meeting (event_id, request_id, slot_id, table_id, placed_by, created_by)
    select ${eventId}, r, s, t, 'scheduler', ${actorId}
    from unnest(${rows.map((r) => r.requestId)}::bigint[], ${rows.map((r) => r.slotId)}::bigint[], ${rows.map((r) => r.tableId)}::bigint[]) as u(r, s, t)
    returning id, request_id`;
  const meetingOf = new Map(made.map((m) => [m.request_id, m.id]));
  const mids: number[] = [];
  const pids: number[] = [];
  for (const r of rows) for (const p of r.participants) {
    mids.push(meetingOf.get(r.requestId)!);
    pids.push(p);
  }
  await tx`
    insert into meeting_party (meeting_id, event_id, participant_id)
    select m, ${eventId}, p from unnest(${mids}::bigint[], ${pids}::bigint[]) as u(m, p)`;
  return made.length;
}

/**
 * Runs the scheduler over the event: keeps every live meeting, places the accepted requests
 * that have none, writes the new meetings and the run's report in one transaction.
 * 403 unless a manager; 409 when the event is over or has no slots/tables.
 */
export async function runScheduler(actor: Actor | null, eventId: number): Promise<RunResult> {
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, eventId);
    const t0 = performance.now();
    const loaded = await loadForScheduler(tx, eventId);
    if (!loaded.input.slots.length || !loaded.input.tables.length) conflict("schedule.errors.noSlots");
    const result = schedule(loaded.input, { improveMs: 2000 });
    const placed = await insertPlacements(
      tx,
      eventId,
      result.placements.map((p) => ({ ...p, participants: loaded.partiesOf.get(p.requestId)! })),
      actor?.id ?? null,
    );
    const seconds = (performance.now() - t0) / 1000;
    const stored = [
      ...[...loaded.missing.keys()].map((requestId) => ({ requestId, reason: "party_not_participant" as UnplacedReason, participants: [] as number[] })),
      ...result.unplaced,
    ].sort((a, b) => a.requestId - b.requestId);
    await tx`
      insert into schedule_run (event_id, run_by, placed, kept, placed_value, unplaced, seconds)
      values (${eventId}, ${actor?.id ?? null}, ${placed}, ${loaded.input.fixed.length}, ${result.placedValue},
        ${tx.json(stored)}, ${seconds})`;
    await audit(tx, {
      actor,
      action: "schedule.run",
      entity: "event",
      entityId: eventId,
      after: { placed, kept: loaded.input.fixed.length, unplaced: stored.length, placed_value: result.placedValue },
    });
    return { placed, kept: loaded.input.fixed.length, unplaced: await unplacedViews(tx, eventId, stored), placedValue: result.placedValue, seconds };
  });
}

async function unplacedViews(db: Db, eventId: number, stored: { requestId: number; reason: UnplacedReason; participants: number[] }[]): Promise<UnplacedView[]> {
  const names = await participantNames(db, eventId);
  const parties = await requestPartyNames(db, stored.map((u) => u.requestId));
  return stored.map((u) => ({
    requestId: u.requestId,
    reason: u.reason,
    parties: parties.get(u.requestId) ?? [],
    concerns: u.participants.map((p) => names.get(p) ?? `#${p}`),
  }));
}

// ---------------------------------------------------------------- manual changes

type MeetingHead = { id: number; event_id: number; status: string; slot_id: number | null; table_id: number | null; version: number; placed_by: string };

async function lockMeeting(tx: Tx, eventId: number, meetingId: number, version: number): Promise<MeetingHead> {
  const [m] = await tx<MeetingHead[]>`
    select id, event_id, status, slot_id, table_id, version, placed_by from meeting
    where id = ${meetingId} and event_id = ${eventId} for update`;
  if (!m) notFound();
  if (m.version !== version) conflict("schedule.errors.stale");
  return m;
}

function isUniqueViolation(e: unknown, constraint: string): boolean {
  const err = e as { code?: string; constraint_name?: string };
  return err?.code === "23505" && err.constraint_name === constraint;
}

/**
 * Can these participants meet at (slot, table) of the event? Refuses with the message an
 * organizer needs: slot or table not the event's (400), table too small (400), table taken (409),
 * a party busy then (409), a party not available then (400). `exceptMeeting`: the meeting being moved.
 */
async function checkPlace(tx: Tx, eventId: number, pids: number[], slotId: number, tableId: number, exceptMeeting = 0) {
  const [slot] = await tx<{ id: number; starts_at: Date; ends_at: Date }[]>`
    select id, starts_at, ends_at from event_slot where id = ${slotId} and event_id = ${eventId}`;
  if (!slot) invalid("schedule.errors.slotNotInEvent", "slotId");
  const [table] = await tx<{ id: number; capacity: number }[]>`
    select id, capacity from event_table where id = ${tableId} and event_id = ${eventId}`;
  if (!table) invalid("schedule.errors.tableNotInEvent", "tableId");
  if (table.capacity < pids.length) invalid("schedule.errors.tooSmall", "tableId");
  const [taken] = await tx<{ id: number }[]>`
    select id from meeting where slot_id = ${slot.id} and table_id = ${table.id} and id <> ${exceptMeeting}`;
  if (taken) conflict("schedule.errors.tableTaken");
  const [busy] = await tx<{ id: number }[]>`
    select mp.id from meeting_party mp
    where mp.slot_id = ${slot.id} and mp.participant_id = any(${pids}::bigint[]) and mp.meeting_id <> ${exceptMeeting} limit 1`;
  if (busy) conflict("schedule.errors.partyBusy");
  // availability: a participant with ranges must have one that holds the whole slot
  const [away] = await tx<{ participant_id: number }[]>`
    select p.id as participant_id from event_participant p
    where p.id = any(${pids}::bigint[])
      and exists (select 1 from participant_availability a where a.participant_id = p.id)
      and not exists (select 1 from participant_availability a where a.participant_id = p.id
                      and a.starts_at <= ${slot.starts_at} and a.ends_at >= ${slot.ends_at})
    limit 1`;
  if (away) invalid("schedule.errors.partyUnavailable", "slotId");
  return { slot, table };
}

/**
 * An organizer places an accepted, still unplaced request by hand at (slot, table): the same
 * checks as a move; every party must be an approved participant. A second submit of the same
 * placement (double click, or a colleague at the same time) gets "already placed".
 */
export async function placeRequest(
  actor: Actor | null,
  input: { eventId: number; requestId: number; slotId: number; tableId: number },
): Promise<{ meetingId: number }> {
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId);
    const [req] = await tx<{ id: number; status: string; placed: boolean }[]>`
      select r.id, r.status, exists (select 1 from meeting m where m.request_id = r.id) as placed
      from meeting_request r where r.id = ${input.requestId} and r.event_id = ${input.eventId} for update`;
    if (!req) notFound();
    if (req.placed) conflict("schedule.errors.alreadyPlaced");
    if (req.status !== "accepted") conflict("schedule.errors.notAccepted");
    const parties = await tx<{ participant_id: number | null }[]>`
      select p.id as participant_id
      from meeting_request_party rp
      left join event_participant p on p.event_id = ${input.eventId}
        and p.status = any(${[...SCHEDULED_STATUSES]}::text[])
        and ((rp.org_id is not null and p.org_id = rp.org_id) or (rp.expert_id is not null and p.expert_id = rp.expert_id))
      where rp.request_id = ${req.id}`;
    if (parties.length < 2 || parties.some((p) => p.participant_id === null)) invalid("schedule.errors.partyNotParticipant");
    const pids = parties.map((p) => p.participant_id!);
    const { slot, table } = await checkPlace(tx, input.eventId, pids, input.slotId, input.tableId);
    const [m] = await tx<{ id: number }[]>`
      insert into meeting (event_id, request_id, slot_id, table_id, placed_by, created_by)
      values (${input.eventId}, ${req.id}, ${slot.id}, ${table.id}, 'manual', ${actor?.id ?? null}) returning id`;
    await tx`
      insert into meeting_party (meeting_id, event_id, participant_id)
      select ${m.id}, ${input.eventId}, p from unnest(${pids}::bigint[]) as u(p)`;
    await audit(tx, {
      actor,
      action: "meeting.place",
      entity: "meeting",
      entityId: m.id,
      after: { request_id: req.id, slot_id: slot.id, table_id: table.id, placed_by: "manual", participants: pids },
    });
    return { meetingId: m.id };
  });
}

/**
 * An organizer moves a meeting to another slot and/or table. Refused with a message when the
 * version is old (someone else moved it), the slot or table is not this event's, the table is
 * taken or too small, or a party is busy or not available then. Nothing is written on a refusal.
 */
export async function moveMeeting(
  actor: Actor | null,
  input: { eventId: number; meetingId: number; version: number; slotId: number; tableId: number },
): Promise<{ version: number }> {
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId);
    const m = await lockMeeting(tx, input.eventId, input.meetingId, input.version);
    if (m.status !== "scheduled") conflict(m.status === "cancelled" ? "schedule.errors.cancelled" : "schedule.errors.notScheduled");
    const parties = await tx<{ participant_id: number }[]>`select participant_id from meeting_party where meeting_id = ${m.id}`;
    const { slot, table } = await checkPlace(tx, input.eventId, parties.map((p) => p.participant_id), input.slotId, input.tableId, m.id);
    let row: { version: number };
    try {
      [row] = await tx<{ version: number }[]>`
        update meeting set slot_id = ${slot.id}, table_id = ${table.id}, placed_by = 'manual', version = version + 1
        where id = ${m.id} returning version`;
    } catch (e) {
      // the checks above ran under the event lock, so this is a guard, not a path we expect
      if (isUniqueViolation(e, "meeting_slot_table_key")) conflict("schedule.errors.tableTaken");
      if (isUniqueViolation(e, "meeting_party_participant_slot_key")) conflict("schedule.errors.partyBusy");
      throw e;
    }
    await audit(tx, {
      actor,
      action: "meeting.move",
      entity: "meeting",
      entityId: m.id,
      before: { slot_id: m.slot_id, table_id: m.table_id, placed_by: m.placed_by, version: m.version },
      after: { slot_id: slot.id, table_id: table.id, placed_by: "manual", version: row.version },
    });
    return { version: row.version };
  });
}

/** Cancels a scheduled meeting: its slot and table are freed; a re-run does not place its request again. */
export async function cancelMeeting(actor: Actor | null, input: { eventId: number; meetingId: number; version: number }): Promise<{ version: number }> {
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId);
    const m = await lockMeeting(tx, input.eventId, input.meetingId, input.version);
    if (m.status !== "scheduled") conflict(m.status === "cancelled" ? "schedule.errors.cancelled" : "schedule.errors.notScheduled");
    const [row] = await tx<{ version: number }[]>`
      update meeting set status = 'cancelled', slot_id = null, table_id = null, cancelled_at = now(), version = version + 1
      where id = ${m.id} returning version`;
    await audit(tx, {
      actor,
      action: "meeting.cancel",
      entity: "meeting",
      entityId: m.id,
      before: { status: m.status, slot_id: m.slot_id, table_id: m.table_id, version: m.version },
      after: { status: "cancelled", version: row.version },
    });
    return { version: row.version };
  });
}

/** Publishes the schedule (again): participants see their own meetings from then on. */
export async function publishSchedule(actor: Actor | null, input: { eventId: number; version: number }): Promise<{ version: number; publishedAt: Date }> {
  return sql.begin(async (tx) => {
    const event = await lockEventAsManager(tx, actor, input.eventId);
    if (event.version !== input.version) conflict("schedule.errors.eventStale");
    const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from meeting m where m.event_id = ${input.eventId} and ${live(tx)}`;
    if (n === 0) conflict("schedule.errors.nothingToPublish");
    const [row] = await tx<{ version: number; schedule_published_at: Date; before: Date | null }[]>`
      update event e set schedule_published_at = now(), version = e.version + 1
      from (select schedule_published_at as before from event where id = ${input.eventId}) old
      where e.id = ${input.eventId} returning e.version, e.schedule_published_at, old.before`;
    await audit(tx, {
      actor,
      action: "schedule.publish",
      entity: "event",
      entityId: input.eventId,
      before: { schedule_published_at: row.before?.toISOString() ?? null, version: event.version },
      after: { schedule_published_at: row.schedule_published_at.toISOString(), version: row.version, meetings: n },
    });
    return { version: row.version, publishedAt: row.schedule_published_at };
  });
}

// ---------------------------------------------------------------- reads

export type ScheduleEvent = {
  id: number;
  ref: string | null;
  name: string;
  venue: string | null;
  city: string | null;
  status: string;
  version: number;
  publishedAt: Date | null;
};

async function eventHead(eventId: number): Promise<ScheduleEvent> {
  const [e] = await sql<{ id: number; ref: string | null; name: string; venue: string | null; city: string | null; status: string; version: number; schedule_published_at: Date | null }[]>`
    select id, ref, name, venue, city, status, version, schedule_published_at from event where id = ${eventId}`;
  if (!e) notFound();
  return { id: e.id, ref: e.ref, name: e.name, venue: e.venue, city: e.city, status: e.status, version: e.version, publishedAt: e.schedule_published_at };
}

export type BoardSlot = { id: number; startsAt: Date; endsAt: Date; label: string | null };
export type BoardTable = { id: number; label: string; capacity: number };
export type BoardMeeting = {
  id: number;
  requestId: number | null;
  slotId: number;
  tableId: number;
  status: string;
  placedBy: string;
  version: number;
  parties: { id: number; name: string; code: string }[];
};

async function liveMeetings(eventId: number, where = sql``): Promise<BoardMeeting[]> {
  const rows = await sql<{ id: number; request_id: number | null; slot_id: number; table_id: number; status: string; placed_by: string; version: number; parties: { id: number; name: string; code: string }[] }[]>`
    select m.id, m.request_id, m.slot_id, m.table_id, m.status, m.placed_by, m.version,
      coalesce((select json_agg(json_build_object('id', p.id, 'name', ${participantName(sql)}, 'code', p.checkin_code) order by p.org_id nulls last, p.id)
        from meeting_party mp join event_participant p on p.id = mp.participant_id ${participantJoins(sql)}
        where mp.meeting_id = m.id), '[]'::json) as parties
    from meeting m
    where m.event_id = ${eventId} and ${live(sql)} ${where}
    order by m.slot_id, m.table_id`;
  return rows.map((r) => ({ id: r.id, requestId: r.request_id, slotId: r.slot_id, tableId: r.table_id, status: r.status, placedBy: r.placed_by, version: r.version, parties: r.parties }));
}

async function slotsAndTables(eventId: number): Promise<{ slots: BoardSlot[]; tables: BoardTable[] }> {
  const slots = await sql<{ id: number; starts_at: Date; ends_at: Date; label: string | null }[]>`
    select id, starts_at, ends_at, label from event_slot where event_id = ${eventId} order by starts_at`;
  const tables = await sql<{ id: number; label: string; capacity: number }[]>`
    select id, label, capacity from event_table where event_id = ${eventId} order by sort_order, label, id`;
  return {
    slots: slots.map((s) => ({ id: s.id, startsAt: s.starts_at, endsAt: s.ends_at, label: s.label })),
    tables: [...tables],
  };
}

export type LastRun = { at: Date; by: string | null; placed: number; kept: number; seconds: number; unplaced: UnplacedView[] };

export type Board = {
  event: ScheduleEvent;
  slots: BoardSlot[];
  tables: BoardTable[];
  meetings: BoardMeeting[];
  /** accepted requests of the event that have no meeting */
  pending: number;
  lastRun: LastRun | null;
  canManage: boolean;
  participants: { id: number; name: string }[];
};

/** The organizer's board. Managers and other staff (read-only) only: 404 unknown event, 403 otherwise. */
export async function getScheduleBoard(actor: Actor | null, param: string | undefined): Promise<Board> {
  const eventId = await resolveEventId(param);
  if (eventId === null) notFound();
  const canManage = await isEventManager(actor, eventId);
  if (!canManage && !isStaff(actor)) forbidden();
  const event = await eventHead(eventId);
  const { slots, tables } = await slotsAndTables(eventId);
  const meetings = await liveMeetings(eventId);
  const [{ pending }] = await sql<{ pending: number }[]>`
    select count(*)::int as pending from meeting_request r
    where r.event_id = ${eventId} and r.status = 'accepted' and not exists (select 1 from meeting m where m.request_id = r.id)`;
  const [run] = await sql<{ created_at: Date; by: string | null; placed: number; kept: number; seconds: number; unplaced: { requestId: number; reason: UnplacedReason; participants: number[] }[] }[]>`
    select r.created_at, u.name as by, r.placed, r.kept, r.seconds, r.unplaced
    from schedule_run r left join app_user u on u.id = r.run_by
    where r.event_id = ${eventId} order by r.created_at desc, r.id desc limit 1`;
  let lastRun: LastRun | null = null;
  if (run) {
    // a request placed by hand or cancelled since the run is no longer "unplaced"
    const stillOpen = await sql<{ id: number }[]>`
      select r.id from meeting_request r
      where r.id = any(${run.unplaced.map((u) => u.requestId)}::bigint[]) and r.status = 'accepted'
        and not exists (select 1 from meeting m where m.request_id = r.id)`;
    const open = new Set(stillOpen.map((r) => r.id));
    lastRun = {
      at: run.created_at,
      by: run.by,
      placed: run.placed,
      kept: run.kept,
      seconds: run.seconds,
      unplaced: await unplacedViews(sql, eventId, run.unplaced.filter((u) => open.has(u.requestId))),
    };
  }
  const names = await participantNames(sql, eventId);
  const participantRows = await sql<{ id: number }[]>`
    select id from event_participant where event_id = ${eventId} and status = any(${[...SCHEDULED_STATUSES]}::text[])`;
  const participants = participantRows.map((p) => ({ id: p.id, name: names.get(p.id) ?? `#${p.id}` })).sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
  return { event, slots, tables, meetings, pending, lastRun, canManage, participants };
}

export type OwnEntry = { slot: BoardSlot; table: BoardTable; meetingId: number; status: string; with: string[] };
export type ParticipantSchedule = { participantId: number; name: string; code: string; entries: OwnEntry[] };

async function participantSchedule(eventId: number, participantId: number): Promise<ParticipantSchedule | null> {
  const names = await participantNames(sql, eventId);
  const [p] = await sql<{ id: number; checkin_code: string }[]>`
    select id, checkin_code from event_participant where id = ${participantId} and event_id = ${eventId}`;
  if (!p) return null;
  const { slots, tables } = await slotsAndTables(eventId);
  const meetings = await liveMeetings(eventId, sql`and exists (select 1 from meeting_party mp where mp.meeting_id = m.id and mp.participant_id = ${participantId})`);
  const slotById = new Map(slots.map((s) => [s.id, s]));
  const tableById = new Map(tables.map((t) => [t.id, t]));
  const entries = meetings
    .map((m) => ({
      slot: slotById.get(m.slotId)!,
      table: tableById.get(m.tableId)!,
      meetingId: m.id,
      status: m.status,
      with: m.parties.filter((x) => x.id !== participantId).map((x) => x.name),
    }))
    .sort((a, b) => a.slot.startsAt.getTime() - b.slot.startsAt.getTime());
  return { participantId: p.id, name: names.get(p.id) ?? `#${p.id}`, code: p.checkin_code, entries };
}

/** The event participants the actor acts for (their organizations, their own expert profile). */
async function ownParticipants(actor: Actor, eventId: number): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`
    select p.id from event_participant p
    left join expert x on x.id = p.expert_id
    where p.event_id = ${eventId} and p.status = any(${[...SCHEDULED_STATUSES]}::text[])
      and (p.org_id in (select org_id from membership where user_id = ${actor.id})
           or x.user_id = ${actor.id}
           or x.org_id in (select org_id from membership where user_id = ${actor.id}))
    order by p.org_id nulls last, p.id`;
  return rows.map((r) => r.id);
}

export type MySchedule =
  | { state: "unpublished" | "not_participant"; event: ScheduleEvent }
  | { state: "published"; event: ScheduleEvent; schedules: ParticipantSchedule[] };

/**
 * A signed-in user's own schedule at an event: only after publishing, only for the participants
 * they act for (their organization; an expert's own account or institution). 404 unknown event.
 */
export async function getMySchedule(actor: Actor | null, param: string | undefined): Promise<MySchedule> {
  if (!actor) forbidden();
  const eventId = await resolveEventId(param);
  if (eventId === null) notFound();
  const event = await eventHead(eventId);
  const mine = await ownParticipants(actor, eventId);
  if (!mine.length) return { state: "not_participant", event };
  if (!event.publishedAt) return { state: "unpublished", event };
  const schedules = (await Promise.all(mine.map((p) => participantSchedule(eventId, p)))).filter((s): s is ParticipantSchedule => !!s);
  return { state: "published", event, schedules };
}

/**
 * One participant's schedule for printing or .ics: managers and staff any participant, anytime;
 * a participant's own people only their own and only once published. 404 unknown, 403 otherwise.
 */
export async function getParticipantSchedule(actor: Actor | null, param: string | undefined, participantId: number): Promise<{ event: ScheduleEvent; schedule: ParticipantSchedule }> {
  if (!actor) forbidden();
  const eventId = await resolveEventId(param);
  if (eventId === null) notFound();
  const event = await eventHead(eventId);
  const staffView = (await isEventManager(actor, eventId)) || isStaff(actor);
  if (!staffView) {
    const mine = await ownParticipants(actor, eventId);
    if (!mine.includes(participantId) || !event.publishedAt) forbidden();
  }
  const schedule = await participantSchedule(eventId, participantId);
  if (!schedule) notFound();
  return { event, schedule };
}

export type TableSchedule = { table: BoardTable; entries: { slot: BoardSlot; meetingId: number; parties: { name: string; code: string }[] }[] };

/** A table's schedule for printing (placed on the table on the day): managers and staff only. */
export async function getTableSchedule(actor: Actor | null, param: string | undefined, tableId: number): Promise<{ event: ScheduleEvent; schedule: TableSchedule }> {
  const eventId = await resolveEventId(param);
  if (eventId === null) notFound();
  if (!(await isEventManager(actor, eventId)) && !isStaff(actor)) forbidden();
  const event = await eventHead(eventId);
  const { slots, tables } = await slotsAndTables(eventId);
  const table = tables.find((t) => t.id === tableId);
  if (!table) notFound();
  const meetings = await liveMeetings(eventId, sql`and m.table_id = ${tableId}`);
  const slotById = new Map(slots.map((s) => [s.id, s]));
  return {
    event,
    schedule: {
      table,
      entries: meetings
        .map((m) => ({ slot: slotById.get(m.slotId)!, meetingId: m.id, parties: m.parties.map((p) => ({ name: p.name, code: p.code })) }))
        .sort((a, b) => a.slot.startsAt.getTime() - b.slot.startsAt.getTime()),
    },
  };
}
