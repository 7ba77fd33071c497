import type postgres from "postgres";
import { sql } from "../../db/client.server";
import { isStaff } from "~/utils/roles";
import { forbidden, type Actor, type Tx } from "./audit.server";
import { conflict, notFound, parseRef } from "./catalog.server";

// Who may manage an event, and how a URL names one. Shared by the event, participant,
// meeting-request and check-in models (and by the scheduler helper's models).
// Rule (issue 5): only the event's own organizers (event_organizer rows) and admins manage it.
// Other staff may read everything about it (they answer the phone for colleagues) but not change it.

type Db = postgres.Sql<{ bigint: number }> | Tx;

/** Event statuses in which nothing may change any more (the record is kept as it was). */
export const EVENT_OVER = ["finished", "cancelled"] as const;

export type EventHead = {
  id: number;
  ref: string | null;
  status: string;
  starts_on: string;
  ends_on: string;
  slot_minutes: number | null;
  version: number;
};

/** /events/EV13 or /events/17 → the event's id (the ref wins over a numeric id), or null. */
export async function resolveEventId(param: string | undefined, db: Db = sql): Promise<number | null> {
  const parsed = parseRef(param);
  if (!parsed) return null;
  const [row] = await db<{ id: number }[]>`
    select id from event
    where ${parsed.id === null ? db`ref = ${parsed.ref}` : db`(ref = ${parsed.ref} or id = ${parsed.id})`}
    order by (ref is not distinct from ${parsed.ref}) desc limit 1`;
  return row?.id ?? null;
}

/** Is the actor one of this event's managers (an admin, or listed in event_organizer)? */
export async function isEventManager(actor: Pick<Actor, "id" | "role"> | null, eventId: number, db: Db = sql): Promise<boolean> {
  if (!actor) return false;
  if (actor.role === "admin") return true;
  if (actor.role !== "organizer") return false;
  const [row] = await db<{ one: number }[]>`select 1 as one from event_organizer where event_id = ${eventId} and user_id = ${actor.id}`;
  return !!row;
}

/** The event row, locked for the caller's write (404 when it does not exist). */
export async function lockEvent(tx: Tx, eventId: number): Promise<EventHead> {
  const [row] = await tx<EventHead[]>`
    select id, ref, status, to_char(starts_on, 'YYYY-MM-DD') as starts_on, to_char(ends_on, 'YYYY-MM-DD') as ends_on,
      slot_minutes, version
    from event where id = ${eventId} for update`;
  if (!row) notFound();
  return row;
}

/**
 * The event for a manager's write, locked: 404 unknown, 403 not a manager, 409 when the event is
 * finished or cancelled (unless `allowOver`, e.g. for the outcome's corrections).
 */
export async function lockEventAsManager(tx: Tx, actor: Actor | null, eventId: number, { allowOver = false } = {}): Promise<EventHead> {
  if (!actor) forbidden();
  const event = await lockEvent(tx, eventId);
  if (!(await isEventManager(actor, eventId, tx))) forbidden();
  if (!allowOver && (EVENT_OVER as readonly string[]).includes(event.status)) conflict("events.errors.eventOver");
  return event;
}

/** The same check without a lock, for loaders: 403 unless a manager. */
export async function assertEventManager(actor: Actor | null, eventId: number): Promise<void> {
  if (!(await isEventManager(actor, eventId))) forbidden();
}

/** Staff may read every event's lists; members read only their own side. */
export function canReadAllOfEvent(actor: Pick<Actor, "role"> | null): boolean {
  return isStaff(actor);
}

/** Event dates are local to the bureau's city: a day starts at 00:00 Asia/Shanghai. */
export const EVENT_TZ = "Asia/Shanghai";

/** [first instant, last instant) of an event's dates in EVENT_TZ, as Dates. */
export function eventWindow(event: Pick<EventHead, "starts_on" | "ends_on">): { from: Date; to: Date } {
  const from = new Date(`${event.starts_on}T00:00:00+08:00`);
  const end = new Date(`${event.ends_on}T00:00:00+08:00`);
  return { from, to: new Date(end.getTime() + 24 * 3600 * 1000) };
}
