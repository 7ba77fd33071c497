import { sql } from "../../db/client.server";
import { normalizeCode } from "~/utils/events";
import { isStaff } from "~/utils/roles";
import { audit, forbidden, type Actor } from "./audit.server";
import { conflict, invalid, notFound } from "./catalog.server";
import { lockEventAsManager } from "./event-access.server";
import type { PartyRef } from "./meeting-request.server";

// The day itself: the check-in desk (by name search or by the code printed on the schedule),
// walk-ins, meetings marked held or no-show (with per-person attendance for group meetings),
// live counts for the organizer, and the outcome page's figures. docs/decisions/043-on-the-day.md.

export type CheckinHit = {
  id: number;
  name: string;
  orgName: string;
  contactName: string | null;
  status: string;
  checkinCode: string;
  checkedInAt: Date | null;
  walkIn: boolean;
  version: number;
};

/** Participants whose name, organization, contact or code matches `q` (the desk's search). Staff only. */
export async function searchCheckin(actor: Actor | null, eventId: number, q: string): Promise<CheckinHit[]> {
  if (!isStaff(actor)) forbidden();
  const text = q.normalize("NFKC").trim();
  if (!text) return [];
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const code = normalizeCode(text);
  const rows = await sql<{ id: number; name: string; org_name: string; contact_name: string | null; status: string; checkin_code: string; checked_in_at: Date | null; walk_in: boolean; version: number }[]>`
    select p.id, coalesce(x.name, o.name) as name, coalesce(xo.name, o.name) as org_name, p.contact_name, p.status,
      p.checkin_code, p.checked_in_at, p.walk_in, p.version
    from event_participant p
    left join organization o on o.id = p.org_id
    left join expert x on x.id = p.expert_id
    left join organization xo on xo.id = x.org_id
    where p.event_id = ${eventId}
      and (o.name ilike ${like} or o.short_name ilike ${like} or x.name ilike ${like} or xo.name ilike ${like}
           or p.contact_name ilike ${like} or p.checkin_code = ${code})
    order by p.checkin_code = ${code} desc, coalesce(x.name, o.name)
    limit 30`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    orgName: r.org_name,
    contactName: r.contact_name,
    status: r.status,
    checkinCode: r.checkin_code,
    checkedInAt: r.checked_in_at,
    walkIn: r.walk_in,
    version: r.version,
  }));
}

const CHECKABLE = ["invited", "registered", "approved", "no_show"];

/**
 * Checks a participant in, by id or by the code on their schedule (full-width, lower case and
 * spaces forgiven). Managers only. A registration not yet approved is approved at the desk (the
 * person is standing there); a rejected or withdrawn one is refused. Checking in twice (two
 * desks at once) → 409 "already checked in", nothing changed.
 */
export async function checkIn(actor: Actor | null, input: { eventId: number; participantId?: number; code?: string }): Promise<{ id: number; name: string }> {
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId);
    const byCode = input.code !== undefined ? normalizeCode(input.code) : null;
    if (byCode !== null && !/^[A-Z0-9]{4,16}$/.test(byCode)) invalid("events.errors.codeNotFound", "code");
    const [p] = await tx<{ id: number; status: string; version: number; name: string }[]>`
      select p.id, p.status, p.version, coalesce(x.name, o.name) as name
      from event_participant p left join organization o on o.id = p.org_id left join expert x on x.id = p.expert_id
      where p.event_id = ${input.eventId} and ${byCode !== null ? tx`p.checkin_code = ${byCode}` : tx`p.id = ${input.participantId ?? 0}`}
      for update of p`;
    if (!p) {
      if (byCode !== null) invalid("events.errors.codeNotFound", "code");
      notFound();
    }
    if (p.status === "checked_in") conflict("events.errors.alreadyCheckedIn");
    if (!CHECKABLE.includes(p.status)) conflict("events.errors.cannotCheckIn");
    await tx`
      update event_participant set status = 'checked_in', checked_in_at = now(), approved_by = coalesce(approved_by, ${actor!.id}), version = version + 1
      where id = ${p.id}`;
    await audit(tx, { actor, action: "event_participant.checkin", entity: "event_participant", entityId: p.id, before: { status: p.status, version: p.version }, after: { status: "checked_in", version: p.version + 1 } });
    return { id: p.id, name: p.name };
  });
}

/**
 * Someone not on the list turns up: an organization or expert already in the catalog joins as a
 * walk-in and is checked in at once. Already on the list (invited, say) → just checked in.
 */
export async function walkIn(actor: Actor | null, input: { eventId: number; party: PartyRef; contactName: string | null; contactPhone: string | null }): Promise<{ id: number; checkinCode: string }> {
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId);
    const [exists] = input.party.kind === "org"
      ? await tx<{ one: number }[]>`select 1 as one from organization where id = ${input.party.id}`
      : await tx<{ one: number }[]>`select 1 as one from expert where id = ${input.party.id}`;
    if (!exists) invalid("events.errors.partyNotFound", "party");
    const orgId = input.party.kind === "org" ? input.party.id : null;
    const expertId = input.party.kind === "expert" ? input.party.id : null;
    const [current] = await tx<{ id: number; status: string; version: number; checkin_code: string }[]>`
      select id, status, version, checkin_code from event_participant
      where event_id = ${input.eventId} and ${orgId !== null ? tx`org_id = ${orgId}` : tx`expert_id = ${expertId}`} for update`;
    if (current) {
      if (current.status === "checked_in") conflict("events.errors.alreadyCheckedIn");
      if (!CHECKABLE.includes(current.status) && current.status !== "withdrawn") conflict("events.errors.cannotCheckIn");
      await tx`
        update event_participant set status = 'checked_in', checked_in_at = now(), contact_name = coalesce(${input.contactName}, contact_name),
          contact_phone = coalesce(${input.contactPhone}, contact_phone), version = version + 1
        where id = ${current.id}`;
      await audit(tx, { actor, action: "event_participant.checkin", entity: "event_participant", entityId: current.id, before: { status: current.status }, after: { status: "checked_in" } });
      return { id: current.id, checkinCode: current.checkin_code };
    }
    const [row] = await tx<{ id: number; checkin_code: string }[]>`
      insert into event_participant (event_id, org_id, expert_id, status, walk_in, contact_name, contact_phone, checked_in_at, registered_by, approved_by)
      values (${input.eventId}, ${orgId}, ${expertId}, 'checked_in', true, ${input.contactName}, ${input.contactPhone}, now(), ${actor!.id}, ${actor!.id})
      returning id, checkin_code`;
    await audit(tx, { actor, action: "event_participant.walk_in", entity: "event_participant", entityId: row.id, after: { event_id: input.eventId, org_id: orgId, expert_id: expertId, status: "checked_in", walk_in: true } });
    return { id: row.id, checkinCode: row.checkin_code };
  });
}

// ---------------------------------------------------------------- meetings on the day

export type DayMeeting = {
  id: number;
  status: "scheduled" | "held" | "no_show" | "cancelled";
  version: number;
  slotStartsAt: Date | null;
  slotEndsAt: Date | null;
  tableLabel: string | null;
  parties: { participantId: number; name: string; attendance: "present" | "absent" | null }[];
};

/** The event's live meetings in slot and table order (the desk's list to mark). Staff only. */
export async function listDayMeetings(actor: Actor | null, eventId: number): Promise<DayMeeting[]> {
  if (!isStaff(actor)) forbidden();
  const rows = await sql<{ id: number; status: DayMeeting["status"]; version: number; starts_at: Date | null; ends_at: Date | null; table_label: string | null; parties: DayMeeting["parties"] | null }[]>`
    select m.id, m.status, m.version, s.starts_at, s.ends_at, t.label as table_label,
      (select json_agg(json_build_object('participantId', mp.participant_id, 'name', coalesce(x.name, o.name), 'attendance', mp.attendance) order by mp.id)
         from meeting_party mp join event_participant p on p.id = mp.participant_id
         left join organization o on o.id = p.org_id left join expert x on x.id = p.expert_id
         where mp.meeting_id = m.id) as parties
    from meeting m left join event_slot s on s.id = m.slot_id left join event_table t on t.id = m.table_id
    where m.event_id = ${eventId} and m.status <> 'cancelled'
    order by s.starts_at nulls last, t.sort_order, m.id`;
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    version: r.version,
    slotStartsAt: r.starts_at,
    slotEndsAt: r.ends_at,
    tableLabel: r.table_label,
    parties: r.parties ?? [],
  }));
}

/**
 * A meeting was held (everyone present unless listed in `absent` — a professor of a group
 * meeting who did not come) or nobody showed up (everyone absent). Managers only, from the
 * version seen (two organizers marking the same meeting: the second gets a 409). A held or
 * no-show meeting may be corrected the same way; a cancelled one may not.
 */
export async function markMeeting(actor: Actor | null, input: { eventId: number; meetingId: number; version: number; status: "held" | "no_show"; absent?: number[] }): Promise<{ version: number }> {
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId, { allowOver: true });
    const [m] = await tx<{ id: number; status: string; version: number }[]>`
      select id, status, version from meeting where id = ${input.meetingId} and event_id = ${input.eventId} for update`;
    if (!m) invalid("events.errors.meetingNotFound");
    if (m.version !== input.version) conflict("events.errors.stale");
    if (m.status === "cancelled") conflict("events.errors.meetingWrongStatus");
    const absent = input.status === "no_show" ? null : (input.absent ?? []);
    const parties = await tx<{ participant_id: number }[]>`select participant_id from meeting_party where meeting_id = ${m.id}`;
    if (absent && absent.some((id) => !parties.some((p) => p.participant_id === id))) invalid("validation.invalidChoice", "absent");
    if (absent && absent.length >= parties.length && parties.length > 0) invalid("events.errors.meetingWrongStatus", "absent");
    const [after] = await tx<{ version: number }[]>`update meeting set status = ${input.status}, version = version + 1 where id = ${m.id} returning version`;
    await tx`
      update meeting_party set attendance = case when ${absent === null} or participant_id = any(${absent ?? []}::bigint[]) then 'absent' else 'present' end,
        version = version + 1
      where meeting_id = ${m.id}`;
    await audit(tx, {
      actor,
      action: `meeting.${input.status === "held" ? "held" : "no_show"}`,
      entity: "meeting",
      entityId: m.id,
      before: { status: m.status, version: m.version },
      after: { status: input.status, version: after.version, absent: absent ?? "all" },
    });
    return { version: after.version };
  });
}

// ---------------------------------------------------------------- counts

export type LiveCounts = {
  invited: number;
  registered: number;
  approved: number;
  checkedIn: number;
  walkIns: number;
  rejected: number;
  requestsPending: number;
  requestsAccepted: number;
  meetingsScheduled: number;
  meetingsHeld: number;
  meetingsNoShow: number;
};

/**
 * The organizer's live figures. "registered" counts everyone who signed up and is still in
 * (approved and checked in included); "approved" everyone approved (checked in included).
 */
export async function liveCounts(actor: Actor | null, eventId: number): Promise<LiveCounts> {
  if (!isStaff(actor)) forbidden();
  const [r] = await sql<LiveCounts[]>`
    select
      count(*) filter (where p.status = 'invited')::int as invited,
      count(*) filter (where p.status in ('registered', 'approved', 'checked_in', 'no_show'))::int as registered,
      count(*) filter (where p.status in ('approved', 'checked_in', 'no_show'))::int as approved,
      count(*) filter (where p.status = 'checked_in')::int as "checkedIn",
      count(*) filter (where p.walk_in)::int as "walkIns",
      count(*) filter (where p.status = 'rejected')::int as rejected,
      (select count(*) from meeting_request where event_id = ${eventId} and status = 'pending')::int as "requestsPending",
      (select count(*) from meeting_request where event_id = ${eventId} and status = 'accepted')::int as "requestsAccepted",
      (select count(*) from meeting where event_id = ${eventId} and status <> 'cancelled')::int as "meetingsScheduled",
      (select count(*) from meeting where event_id = ${eventId} and status = 'held')::int as "meetingsHeld",
      (select count(*) from meeting where event_id = ${eventId} and status = 'no_show')::int as "meetingsNoShow"
    from event_participant p where p.event_id = ${eventId}`;
  return r;
}

export type Outcome = LiveCounts & {
  /** no-shows among meetings whose outcome is known (held + no-show); null before any */
  noShowRate: number | null;
  intents: number;
  intentsByStage: Record<string, number>;
  agreements: number;
  agreementAmountWan: number;
  signedOnStage: number;
  signedOnStageAmountWan: number;
  agreementsByKind: { kind: string; count: number; amountWan: number }[];
};

/** The event outcome page's figures (issue 5 §6). Staff only. */
export async function eventOutcome(actor: Actor | null, eventId: number): Promise<Outcome> {
  const counts = await liveCounts(actor, eventId);
  const stages = await sql<{ stage: string; n: number }[]>`select stage, count(*)::int as n from intent where event_id = ${eventId} group by stage`;
  const kinds = await sql<{ kind: string; count: number; amount: number; stage_count: number; stage_amount: number }[]>`
    select kind, count(*)::int as count, coalesce(sum(amount_wan), 0)::float8 as amount,
      count(*) filter (where signed_on_stage)::int as stage_count, coalesce(sum(amount_wan) filter (where signed_on_stage), 0)::float8 as stage_amount
    from agreement where event_id = ${eventId} group by kind order by kind`;
  const known = counts.meetingsHeld + counts.meetingsNoShow;
  const byStage: Record<string, number> = {};
  for (const s of stages) byStage[s.stage] = s.n;
  return {
    ...counts,
    noShowRate: known ? counts.meetingsNoShow / known : null,
    intents: stages.reduce((a, s) => a + s.n, 0),
    intentsByStage: byStage,
    agreements: kinds.reduce((a, k) => a + k.count, 0),
    agreementAmountWan: Math.round(kinds.reduce((a, k) => a + k.amount, 0) * 100) / 100,
    signedOnStage: kinds.reduce((a, k) => a + k.stage_count, 0),
    signedOnStageAmountWan: Math.round(kinds.reduce((a, k) => a + k.stage_amount, 0) * 100) / 100,
    agreementsByKind: kinds.map((k) => ({ kind: k.kind, count: k.count, amountWan: k.amount })),
  };
}
