import type postgres from "postgres";
import { sql } from "../../db/client.server";
import {
  EVENT_MOVES,
  eventDays,
  isEventKind,
  isEventStatus,
  localInstant,
  type EventInput,
  type EventKind,
  type EventStatus,
} from "~/utils/events";
import { isStaff } from "~/utils/roles";
import { audit, forbidden, type Actor, type Tx } from "./audit.server";
import { conflict, diff, invalid, notFound, toJson } from "./catalog.server";
import { eventWindow, isEventManager, lockEventAsManager, resolveEventId } from "./event-access.server";

// 对接活动: the event itself, its time slots and its tables. Registration, meeting requests and
// the day itself are in event-participant.server.ts, meeting-request.server.ts and
// checkin.server.ts. Who may do what: docs/decisions/040-events.md.

type Db = postgres.Sql<{ bigint: number }> | Tx;

export type EventSummary = {
  id: number;
  ref: string | null;
  kind: EventKind;
  name: string;
  city: string | null;
  venue: string | null;
  startsOn: string;
  endsOn: string;
  status: EventStatus;
  participants: number;
  approved: number;
  checkedIn: number;
  meetings: number;
};

export type EventDetail = EventSummary & {
  description: string | null;
  slotMinutes: number | null;
  schedulePublishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  organizers: { id: string; name: string }[];
  access: { manage: boolean; staff: boolean };
};

export type Slot = { id: number; startsAt: Date; endsAt: Date; label: string | null; version: number; meetings: number };
export type EventTable = { id: number; label: string; capacity: number; sortOrder: number; version: number; meetings: number };

type EventRow = {
  id: number;
  ref: string | null;
  kind: string;
  name: string;
  city: string | null;
  venue: string | null;
  starts_on: string;
  ends_on: string;
  status: string;
  description: string | null;
  slot_minutes: number | null;
  schedule_published_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  participants: number;
  approved: number;
  checked_in: number;
  meetings: number;
};

function eventRows(db: Db, where: postgres.PendingQuery<postgres.Row[]>, tail = db``) {
  return db<EventRow[]>`
    select e.id, e.ref, e.kind, e.name, e.city, e.venue, to_char(e.starts_on, 'YYYY-MM-DD') as starts_on,
      to_char(e.ends_on, 'YYYY-MM-DD') as ends_on, e.status, e.description, e.slot_minutes, e.schedule_published_at,
      e.created_at, e.updated_at, e.version,
      coalesce(p.total, 0)::int as participants, coalesce(p.approved, 0)::int as approved, coalesce(p.checked_in, 0)::int as checked_in,
      coalesce(m.n, 0)::int as meetings
    from event e
    left join lateral (
      select count(*) filter (where status in ('registered', 'approved', 'checked_in', 'no_show')) as total,
        count(*) filter (where status in ('approved', 'checked_in', 'no_show')) as approved,
        count(*) filter (where status = 'checked_in') as checked_in
      from event_participant where event_id = e.id
    ) p on true
    left join lateral (select count(*) as n from meeting where event_id = e.id and status <> 'cancelled') m on true
    where ${where}
    ${tail}`;
}

function toSummary(r: EventRow): EventSummary {
  return {
    id: r.id,
    ref: r.ref,
    kind: isEventKind(r.kind) ? r.kind : "talent_fair",
    name: r.name,
    city: r.city,
    venue: r.venue,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    status: isEventStatus(r.status) ? r.status : "draft",
    participants: r.participants,
    approved: r.approved,
    checkedIn: r.checked_in,
    meetings: r.meetings,
  };
}

/** Drafts are the organizers' work in progress: staff only. Everything else is listed to everybody. */
function visibleFilter(db: Db, actor: Pick<Actor, "role"> | null) {
  return isStaff(actor) ? db`true` : db`e.status <> 'draft'`;
}

export type EventFilters = { q?: string | null; kind?: EventKind | null; status?: EventStatus | null; year?: number | null };

/** Events the actor may see, newest first, filtered. */
export async function listEvents(actor: Pick<Actor, "role"> | null, f: EventFilters = {}, limit = 500): Promise<EventSummary[]> {
  const q = f.q?.trim() ? `%${f.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await eventRows(
    sql,
    sql`${visibleFilter(sql, actor)}
      ${q ? sql`and (e.name ilike ${q} or e.city ilike ${q} or e.venue ilike ${q} or e.ref ilike ${q})` : sql``}
      ${f.kind ? sql`and e.kind = ${f.kind}` : sql``}
      ${f.status ? sql`and e.status = ${f.status}` : sql``}
      ${f.year ? sql`and extract(year from e.starts_on) = ${f.year}` : sql``}`,
    sql`order by e.starts_on desc, e.id desc limit ${limit}`,
  );
  return rows.map(toSummary);
}

/** The event a URL names, or null when unknown or not visible (a draft to a non-staff user). */
export async function getEvent(actor: Pick<Actor, "id" | "role"> | null, param: string | undefined): Promise<EventDetail | null> {
  const id = await resolveEventId(param);
  if (id === null) return null;
  const [row] = await eventRows(sql, sql`e.id = ${id} and ${visibleFilter(sql, actor)}`);
  if (!row) return null;
  const organizers = await sql<{ id: string; name: string }[]>`
    select u.id, u.name from event_organizer eo join app_user u on u.id = eo.user_id where eo.event_id = ${id} order by eo.created_at, u.name`;
  return {
    ...toSummary(row),
    description: row.description,
    slotMinutes: row.slot_minutes,
    schedulePublishedAt: row.schedule_published_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
    organizers: [...organizers],
    access: { manage: await isEventManager(actor, id), staff: isStaff(actor) },
  };
}

/** getEvent, or a 404 (for loaders). */
export async function requireEvent(actor: Pick<Actor, "id" | "role"> | null, param: string | undefined): Promise<EventDetail> {
  const e = await getEvent(actor, param);
  if (!e) notFound();
  return e;
}

/** getEvent for a manager's page: 404 unknown, 403 not one of its organizers or an admin. */
export async function requireManagedEvent(actor: Actor | null, param: string | undefined): Promise<EventDetail> {
  if (!actor) forbidden();
  const e = await requireEvent(actor, param);
  if (!e.access.manage) forbidden();
  return e;
}

export async function listSlots(eventId: number): Promise<Slot[]> {
  const rows = await sql<{ id: number; starts_at: Date; ends_at: Date; label: string | null; version: number; meetings: number }[]>`
    select s.id, s.starts_at, s.ends_at, s.label, s.version,
      (select count(*) from meeting m where m.slot_id = s.id)::int as meetings
    from event_slot s where s.event_id = ${eventId} order by s.starts_at`;
  return rows.map((r) => ({ id: r.id, startsAt: r.starts_at, endsAt: r.ends_at, label: r.label, version: r.version, meetings: r.meetings }));
}

export async function listTables(eventId: number): Promise<EventTable[]> {
  const rows = await sql<{ id: number; label: string; capacity: number; sort_order: number; version: number; meetings: number }[]>`
    select t.id, t.label, t.capacity, t.sort_order, t.version,
      (select count(*) from meeting m where m.table_id = t.id)::int as meetings
    from event_table t where t.event_id = ${eventId} order by t.sort_order, t.id`;
  return rows.map((r) => ({ id: r.id, label: r.label, capacity: r.capacity, sortOrder: r.sort_order, version: r.version, meetings: r.meetings }));
}

// ---------------------------------------------------------------- writes: the event

const COLUMNS = ["kind", "name", "starts_on", "ends_on", "city", "venue", "description", "slot_minutes"] as const;

function columns(input: EventInput) {
  return {
    kind: input.kind,
    name: input.name.trim(),
    starts_on: input.startsOn,
    ends_on: input.endsOn,
    city: input.city,
    venue: input.venue,
    description: input.description,
    slot_minutes: input.slotMinutes,
  };
}

/** The database's checks, said first and in words (the form schema says them too). */
function checkDates(input: Pick<EventInput, "startsOn" | "endsOn">) {
  if (input.endsOn < input.startsOn) invalid("events.errors.endsBeforeStart", "endsOn");
  if ((Date.parse(input.endsOn) - Date.parse(input.startsOn)) / 86_400_000 > 366) invalid("events.errors.tooLong", "endsOn");
}

/**
 * A new event, as a draft. Organizers and admins only (403); the creator becomes one of its
 * organizers (event_organizer), who with the admins manage it from then on.
 */
export async function createEvent(actor: Actor | null, input: EventInput): Promise<{ id: number; ref: string | null }> {
  if (!actor || !isStaff(actor)) forbidden();
  checkDates(input);
  return sql.begin(async (tx) => {
    const values = { ...columns(input), created_by: actor.id };
    const [row] = await tx<{ id: number; ref: string | null }[]>`
      insert into event (kind, name, starts_on, ends_on, city, venue, description, slot_minutes, created_by)
      values (${values.kind}, ${values.name}, ${values.starts_on}, ${values.ends_on}, ${values.city}, ${values.venue},
        ${values.description}, ${values.slot_minutes}, ${values.created_by})
      returning id, ref`;
    // a readable ref like the demo's (EV13): EVyyyy-<id>
    const ref = `EV${input.startsOn.slice(0, 4)}-${row.id}`;
    await tx`update event set ref = ${ref} where id = ${row.id} and ref is null`;
    await tx`insert into event_organizer (event_id, user_id) values (${row.id}, ${actor.id})`;
    await audit(tx, { actor, action: "event.create", entity: "event", entityId: row.id, after: { ...values, ref } });
    return { id: row.id, ref };
  });
}

/**
 * Saves the form over the event from the version it was rendered with (409 stale). Managers
 * only. Dates may not move so that existing slots fall outside them (400, nothing written).
 */
export async function updateEvent(actor: Actor | null, input: EventInput & { id: number; version: number }): Promise<{ id: number; ref: string | null; version: number }> {
  checkDates(input);
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.id, { allowOver: true });
    const [before] = await tx<Record<string, unknown>[]>`
      select kind, name, to_char(starts_on, 'YYYY-MM-DD') as starts_on, to_char(ends_on, 'YYYY-MM-DD') as ends_on, city, venue,
        description, slot_minutes, version
      from event where id = ${input.id}`;
    if (before.version !== input.version) conflict("events.errors.stale");
    const window = eventWindow({ starts_on: input.startsOn, ends_on: input.endsOn });
    const [outside] = await tx<{ one: number }[]>`
      select 1 as one from event_slot where event_id = ${input.id} and (starts_at < ${window.from} or ends_at > ${window.to}) limit 1`;
    if (outside) invalid("events.errors.slotOutsideEvent", "startsOn");
    const values = columns(input);
    const [after] = await tx<{ ref: string | null; version: number }[]>`
      update event set ${tx(values, ...COLUMNS)}, version = version + 1 where id = ${input.id} returning ref, version`;
    await audit(tx, { actor, action: "event.update", entity: "event", entityId: input.id, ...diff(before, { ...values, version: after.version }) });
    return { id: input.id, ref: after.ref, version: after.version };
  });
}

/** Open or close registration, finish or cancel (EVENT_MOVES). Managers only; 409 stale or not allowed from here. */
export async function setEventStatus(actor: Actor | null, input: { id: number; version: number; status: EventStatus }): Promise<{ version: number }> {
  return sql.begin(async (tx) => {
    const event = await lockEventAsManager(tx, actor, input.id, { allowOver: true });
    if (event.version !== input.version) conflict("events.errors.stale");
    const from = isEventStatus(event.status) ? event.status : "draft";
    if (!EVENT_MOVES[from].includes(input.status)) conflict("events.errors.eventOver");
    const [after] = await tx<{ version: number }[]>`
      update event set status = ${input.status}, version = version + 1 where id = ${input.id} returning version`;
    await audit(tx, {
      actor,
      action: "event.status",
      entity: "event",
      entityId: input.id,
      before: { status: from, version: event.version },
      after: { status: input.status, version: after.version },
    });
    return { version: after.version };
  });
}

// ---------------------------------------------------------------- writes: slots

type SlotInput = { startsAt: Date; endsAt: Date; label?: string | null };

/**
 * Inserts slots after checking each one (inside the event, ends after it starts, at most 8 h,
 * no overlap with existing slots or each other): one refusal and nothing is written. The
 * exclusion constraint in 0003 stays the last word for a concurrent insert.
 */
async function insertSlots(tx: Tx, actor: Actor, eventId: number, window: { from: Date; to: Date }, slots: SlotInput[], action: string) {
  if (slots.length === 0) invalid("events.errors.slotHoursInvalid", "to");
  if (slots.length > 200) invalid("events.errors.tooManySlots", "to");
  const sorted = [...slots].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  for (const [i, s] of sorted.entries()) {
    if (s.endsAt <= s.startsAt) invalid("events.errors.slotEndBeforeStart", "to");
    if (s.endsAt.getTime() - s.startsAt.getTime() > 8 * 3_600_000) invalid("events.errors.slotTooLong", "to");
    if (s.startsAt < window.from || s.endsAt > window.to) invalid("events.errors.slotOutsideEvent", "day");
    if (i > 0 && sorted[i - 1].endsAt > s.startsAt) invalid("events.errors.slotOverlap", "from");
  }
  const starts = sorted.map((s) => s.startsAt.toISOString());
  const ends = sorted.map((s) => s.endsAt.toISOString());
  const [clash] = await tx<{ one: number }[]>`
    select 1 as one from event_slot s, unnest(${starts}::timestamptz[], ${ends}::timestamptz[]) as n(a, b)
    where s.event_id = ${eventId} and tstzrange(s.starts_at, s.ends_at) && tstzrange(n.a, n.b) limit 1`;
  if (clash) invalid("events.errors.slotOverlap", "from");
  const rows = sorted.map((s) => ({ event_id: eventId, starts_at: s.startsAt, ends_at: s.endsAt, label: s.label ?? null }));
  let ids: { id: number }[];
  try {
    ids = await tx<{ id: number }[]>`
      insert into event_slot (event_id, starts_at, ends_at, label)
      select ${eventId}, a, b, l from unnest(${starts}::timestamptz[], ${ends}::timestamptz[], ${rows.map((r) => r.label)}::text[]) with ordinality as n(a, b, l, i)
      order by i
      returning id`;
  } catch (e) {
    if (e instanceof Error && "constraint_name" in e && e.constraint_name === "event_slot_no_overlap") invalid("events.errors.slotOverlap", "from");
    throw e;
  }
  await audit(tx, {
    actor,
    action,
    entity: "event",
    entityId: eventId,
    after: { slots: sorted.map((s, i) => ({ id: ids[i].id, starts_at: s.startsAt.toISOString(), ends_at: s.endsAt.toISOString() })) },
  });
  return ids.map((r) => r.id);
}

/**
 * Slots of `minutes` (default: the event's slot length) from `from` to `to` on `day`, skipping
 * an optional break (lunch). A slot that would not fit before the break or the end is left out.
 */
export async function generateSlots(
  actor: Actor | null,
  input: { eventId: number; day: string; from: string; to: string; minutes?: number | null; breakFrom?: string | null; breakTo?: string | null },
): Promise<{ created: number }> {
  return sql.begin(async (tx) => {
    const event = await lockEventAsManager(tx, actor, input.eventId);
    const minutes = input.minutes ?? event.slot_minutes;
    if (!minutes) invalid("events.errors.slotMinutesRequired", "minutes");
    if (!eventDays(event.starts_on, event.ends_on).includes(input.day)) invalid("events.errors.slotOutsideEvent", "day");
    const start = localInstant(input.day, input.from).getTime();
    const end = localInstant(input.day, input.to).getTime();
    const pause = input.breakFrom && input.breakTo ? [localInstant(input.day, input.breakFrom).getTime(), localInstant(input.day, input.breakTo).getTime()] : null;
    const slots: SlotInput[] = [];
    for (let t = start; t + minutes * 60_000 <= end && slots.length <= 200; ) {
      const e = t + minutes * 60_000;
      if (pause && t < pause[1] && e > pause[0]) {
        t = Math.max(t + minutes * 60_000, pause[1]);
        continue;
      }
      slots.push({ startsAt: new Date(t), endsAt: new Date(e) });
      t = e;
    }
    const ids = await insertSlots(tx, actor!, input.eventId, eventWindow(event), slots, "event.slots_generate");
    return { created: ids.length };
  });
}

/** One slot by hand (a keynote, an afternoon session after lunch). */
export async function addSlot(actor: Actor | null, input: { eventId: number; day: string; from: string; to: string; label?: string | null }): Promise<{ id: number }> {
  return sql.begin(async (tx) => {
    const event = await lockEventAsManager(tx, actor, input.eventId);
    const slot = { startsAt: localInstant(input.day, input.from), endsAt: localInstant(input.day, input.to), label: input.label };
    const [id] = await insertSlots(tx, actor!, input.eventId, eventWindow(event), [slot], "event.slot_add");
    return { id };
  });
}

/** Deletes a slot (a lunch break) from the version seen; 409 while a live meeting sits in it. */
export async function deleteSlot(actor: Actor | null, input: { eventId: number; slotId: number; version: number }): Promise<void> {
  await sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId);
    const [slot] = await tx<{ id: number; starts_at: Date; ends_at: Date; version: number }[]>`
      select id, starts_at, ends_at, version from event_slot where id = ${input.slotId} and event_id = ${input.eventId} for update`;
    if (!slot) notFound();
    if (slot.version !== input.version) conflict("events.errors.stale");
    const [used] = await tx<{ one: number }[]>`select 1 as one from meeting where slot_id = ${slot.id} limit 1`;
    if (used) conflict("events.errors.slotHasMeetings");
    await tx`delete from event_slot where id = ${slot.id}`;
    await audit(tx, {
      actor,
      action: "event.slot_delete",
      entity: "event",
      entityId: input.eventId,
      before: { slot: { id: slot.id, starts_at: toJson(slot.starts_at), ends_at: toJson(slot.ends_at) } },
    });
  });
}

// ---------------------------------------------------------------- writes: tables

/** One table, or `count` numbered ones ("桌" ×20 → 桌1 … 桌20). 400 for a label in use. */
export async function addTables(actor: Actor | null, input: { eventId: number; label: string; capacity: number; count?: number | null }): Promise<{ created: number }> {
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId);
    const count = input.count ?? 1;
    const label = input.label.trim();
    const [{ max }] = await tx<{ max: number }[]>`select coalesce(max(sort_order), 0)::int as max from event_table where event_id = ${input.eventId}`;
    const rows = Array.from({ length: count }, (_, i) => ({
      event_id: input.eventId,
      label: count === 1 ? label : `${label}${i + 1}`,
      capacity: input.capacity,
      sort_order: max + i + 1,
    }));
    const labels = rows.map((r) => r.label);
    const [taken] = await tx<{ one: number }[]>`select 1 as one from event_table where event_id = ${input.eventId} and label = any(${labels}::text[]) limit 1`;
    if (taken) invalid("events.errors.tableDuplicate", "label");
    const ids = await tx<{ id: number }[]>`
      insert into event_table (event_id, label, capacity, sort_order)
      select ${input.eventId}, l, ${input.capacity}, o from unnest(${labels}::text[], ${rows.map((r) => r.sort_order)}::int[]) as n(l, o)
      order by o
      returning id`;
    await audit(tx, { actor, action: "event.tables_add", entity: "event", entityId: input.eventId, after: { tables: rows.map((r, i) => ({ id: ids[i].id, label: r.label, capacity: r.capacity })) } });
    return { created: ids.length };
  });
}

export async function updateTable(actor: Actor | null, input: { eventId: number; tableId: number; version: number; label: string; capacity: number }): Promise<void> {
  await sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId);
    const [t] = await tx<{ id: number; label: string; capacity: number; version: number }[]>`
      select id, label, capacity, version from event_table where id = ${input.tableId} and event_id = ${input.eventId} for update`;
    if (!t) notFound();
    if (t.version !== input.version) conflict("events.errors.stale");
    const label = input.label.trim();
    const [taken] = await tx<{ one: number }[]>`select 1 as one from event_table where event_id = ${input.eventId} and label = ${label} and id <> ${t.id}`;
    if (taken) invalid("events.errors.tableDuplicate", "label");
    await tx`update event_table set label = ${label}, capacity = ${input.capacity}, version = version + 1 where id = ${t.id}`;
    await audit(tx, {
      actor,
      action: "event.table_update",
      entity: "event",
      entityId: input.eventId,
      before: { table: t.id, label: t.label, capacity: t.capacity, version: t.version },
      after: { table: t.id, label, capacity: input.capacity, version: t.version + 1 },
    });
  });
}

export async function deleteTable(actor: Actor | null, input: { eventId: number; tableId: number; version: number }): Promise<void> {
  await sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId);
    const [t] = await tx<{ id: number; label: string; version: number }[]>`
      select id, label, version from event_table where id = ${input.tableId} and event_id = ${input.eventId} for update`;
    if (!t) notFound();
    if (t.version !== input.version) conflict("events.errors.stale");
    const [used] = await tx<{ one: number }[]>`select 1 as one from meeting where table_id = ${t.id} limit 1`;
    if (used) conflict("events.errors.tableHasMeetings");
    await tx`delete from event_table where id = ${t.id}`;
    await audit(tx, { actor, action: "event.table_delete", entity: "event", entityId: input.eventId, before: { table: t.id, label: t.label } });
  });
}

// ---------------------------------------------------------------- co-organizers

/**
 * Adds a colleague (an organizer or admin account, found by e-mail) to the event's organizers.
 * The event's managers only. A member account cannot run events (400); adding someone twice is
 * harmless.
 */
export async function addEventOrganizer(actor: Actor | null, input: { eventId: number; email: string }): Promise<{ userId: string; added: boolean }> {
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId, { allowOver: true });
    const [u] = await tx<{ id: string; role: string }[]>`select id, role from app_user where lower(email) = ${input.email.trim().toLowerCase()}`;
    if (!u || !isStaff({ role: u.role === "admin" ? "admin" : u.role === "organizer" ? "organizer" : "member" })) invalid("events.errors.notStaffAccount", "email");
    const added = await tx`insert into event_organizer (event_id, user_id) values (${input.eventId}, ${u.id}) on conflict do nothing returning user_id`;
    if (added.length) await audit(tx, { actor, action: "event.organizer_add", entity: "event", entityId: input.eventId, after: { user_id: u.id } });
    return { userId: u.id, added: added.length > 0 };
  });
}
