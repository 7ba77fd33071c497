import { sql } from "../../db/client.server";
import { eventDays, isParticipantStatus, localInstant, parseHhmm, type ParticipantStatus } from "~/utils/events";
import { isStaff } from "~/utils/roles";
import { audit, forbidden, type Actor, type Tx } from "./audit.server";
import { conflict, invalid, notFound } from "./catalog.server";
import { EVENT_OVER, isEventManager, lockEvent, lockEventAsManager, type EventHead } from "./event-access.server";
import { actsFor, type PartyRef } from "./meeting-request.server";

// Who takes part in an event: organizations (enterprises, institutions) and experts. Experts are
// records, not users: their institution's members (or the expert's own linked account) register
// them. Organizers invite, approve and reject; participants register themselves, say when they
// can meet and what they are looking for. docs/decisions/041-registration.md.

export type AvailabilityInput = { day?: string; from?: string; to?: string };
export type RegistrationInput = {
  lookingFor: string | null;
  contactName: string | null;
  contactPhone: string | null;
  avail: AvailabilityInput[];
};

export type Participant = {
  id: number;
  kind: "org" | "expert";
  refId: number;
  name: string;
  orgName: string;
  orgKind: string;
  status: ParticipantStatus;
  lookingFor: string | null;
  priority: number;
  contactName: string | null;
  contactPhone: string | null;
  walkIn: boolean;
  checkinCode: string;
  checkedInAt: Date | null;
  createdAt: Date;
  version: number;
  availability: { startsAt: Date; endsAt: Date }[];
};

type ParticipantRow = {
  id: number;
  org_id: number | null;
  expert_id: number | null;
  name: string;
  org_name: string;
  org_kind: string;
  status: string;
  looking_for: string | null;
  priority: number;
  contact_name: string | null;
  contact_phone: string | null;
  walk_in: boolean;
  checkin_code: string;
  checked_in_at: Date | null;
  created_at: Date;
  version: number;
  availability: { starts_at: string; ends_at: string }[] | null;
};

function toParticipant(r: ParticipantRow): Participant {
  return {
    id: r.id,
    kind: r.org_id !== null ? "org" : "expert",
    refId: r.org_id ?? r.expert_id ?? 0,
    name: r.name,
    orgName: r.org_name,
    orgKind: r.org_kind,
    status: isParticipantStatus(r.status) ? r.status : "registered",
    lookingFor: r.looking_for,
    priority: r.priority,
    contactName: r.contact_name,
    contactPhone: r.contact_phone,
    walkIn: r.walk_in,
    checkinCode: r.checkin_code,
    checkedInAt: r.checked_in_at,
    createdAt: r.created_at,
    version: r.version,
    availability: (r.availability ?? []).map((a) => ({ startsAt: new Date(a.starts_at), endsAt: new Date(a.ends_at) })),
  };
}

const participantSelect = sql`
  select p.id, p.org_id, p.expert_id, coalesce(x.name, o.name) as name, coalesce(xo.name, o.name) as org_name,
    coalesce(xo.kind, o.kind) as org_kind, p.status, p.looking_for, p.priority, p.contact_name, p.contact_phone, p.walk_in,
    p.checkin_code, p.checked_in_at, p.created_at, p.version,
    (select json_agg(json_build_object('starts_at', a.starts_at, 'ends_at', a.ends_at) order by a.starts_at)
       from participant_availability a where a.participant_id = p.id) as availability
  from event_participant p
  left join organization o on o.id = p.org_id
  left join expert x on x.id = p.expert_id
  left join organization xo on xo.id = x.org_id`;

export type ParticipantFilters = { status?: ParticipantStatus | null; kind?: "org" | "expert" | null; q?: string | null };

/**
 * Everyone on an event's list, filtered. Staff only (the event's managers and other staff, who
 * answer the phone for colleagues); 403 for members — they see their own registration through
 * myParticipations().
 */
export async function listParticipants(actor: Actor | null, eventId: number, f: ParticipantFilters = {}): Promise<Participant[]> {
  if (!isStaff(actor)) forbidden();
  const q = f.q?.trim() ? `%${f.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await sql<ParticipantRow[]>`
    ${participantSelect}
    where p.event_id = ${eventId}
      ${f.status ? sql`and p.status = ${f.status}` : sql``}
      ${f.kind === "org" ? sql`and p.org_id is not null` : f.kind === "expert" ? sql`and p.expert_id is not null` : sql``}
      ${q ? sql`and (o.name ilike ${q} or o.short_name ilike ${q} or x.name ilike ${q} or xo.name ilike ${q} or p.contact_name ilike ${q} or p.checkin_code ilike ${q})` : sql``}
    order by p.status = 'registered' desc, coalesce(xo.name, o.name), x.name nulls first, p.id
    limit 2000`;
  return rows.map(toParticipant);
}

/** One participant of an event, for a manager's or the party's own page. */
export async function getParticipant(actor: Actor | null, eventId: number, participantId: number): Promise<Participant> {
  if (!actor) forbidden();
  const [row] = await sql<ParticipantRow[]>`${participantSelect} where p.event_id = ${eventId} and p.id = ${participantId}`;
  if (!row) notFound();
  const p = toParticipant(row);
  if (!isStaff(actor) && !(await actsFor(sql, actor, { kind: p.kind, id: p.refId }))) notFound();
  return p;
}

/** The registrations the actor acts for in this event (their organizations and their experts). */
export async function myParticipations(actor: Actor | null, eventId: number): Promise<Participant[]> {
  if (!actor) return [];
  const rows = await sql<ParticipantRow[]>`
    ${participantSelect}
    where p.event_id = ${eventId} and (
      p.org_id in (select org_id from membership where user_id = ${actor.id})
      or p.expert_id in (select e.id from expert e where e.user_id = ${actor.id} or e.org_id in (select org_id from membership where user_id = ${actor.id}))
    )
    order by p.org_id is null, coalesce(xo.name, o.name), x.name`;
  return rows.map(toParticipant);
}

export type PartyOption = { value: string; kind: "org" | "expert"; id: number; name: string; orgName: string; orgKind: string };

/**
 * What the actor may register for this event: their organizations and those organizations'
 * experts (and their own expert profile), with whether each is already on the list.
 */
export async function registrableParties(actor: Actor | null, eventId: number): Promise<(PartyOption & { participantId: number | null; status: string | null })[]> {
  if (!actor) return [];
  const rows = await sql<{ kind: "org" | "expert"; id: number; name: string; org_name: string; org_kind: string; participant_id: number | null; status: string | null }[]>`
    select 'org' as kind, o.id, o.name, o.name as org_name, o.kind as org_kind, p.id as participant_id, p.status
    from organization o join membership m on m.org_id = o.id and m.user_id = ${actor.id}
    left join event_participant p on p.event_id = ${eventId} and p.org_id = o.id
    union all
    select 'expert', x.id, x.name, o.name, o.kind, p.id, p.status
    from expert x join organization o on o.id = x.org_id
    left join event_participant p on p.event_id = ${eventId} and p.expert_id = x.id
    where (x.user_id = ${actor.id} or x.org_id in (select org_id from membership where user_id = ${actor.id})) and x.status <> 'closed'
    order by 1 desc, 4, 3`;
  return rows.map((r) => ({
    value: `${r.kind}:${r.id}`,
    kind: r.kind,
    id: r.id,
    name: r.name,
    orgName: r.org_name,
    orgKind: r.org_kind,
    participantId: r.participant_id,
    status: r.status,
  }));
}

/** Organizations and experts an organizer may invite, by name (the invite form's search). */
export async function searchParties(actor: Actor | null, eventId: number, q: string, limit = 30): Promise<(PartyOption & { status: string | null })[]> {
  if (!isStaff(actor)) forbidden();
  const text = q.trim();
  if (!text) return [];
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await sql<{ kind: "org" | "expert"; id: number; name: string; org_name: string; org_kind: string; status: string | null }[]>`
    (select 'org' as kind, o.id, o.name, o.name as org_name, o.kind as org_kind, p.status
     from organization o left join event_participant p on p.event_id = ${eventId} and p.org_id = o.id
     where (o.name ilike ${like} or o.short_name ilike ${like}) and o.kind in ('enterprise', 'university', 'institute')
     order by o.name limit ${limit})
    union all
    (select 'expert', x.id, x.name, o.name, o.kind, p.status
     from expert x join organization o on o.id = x.org_id
     left join event_participant p on p.event_id = ${eventId} and p.expert_id = x.id
     where x.name ilike ${like} or o.name ilike ${like}
     order by x.name limit ${limit})`;
  return rows.map((r) => ({ value: `${r.kind}:${r.id}`, kind: r.kind, id: r.id, name: r.name, orgName: r.org_name, orgKind: r.org_kind, status: r.status }));
}

/** Participants one may ask to meet (active, not oneself's side is the model's check): the request form's list. */
export async function meetableParticipants(eventId: number): Promise<PartyOption[]> {
  const rows = await sql<{ kind: "org" | "expert"; id: number; name: string; org_name: string; org_kind: string }[]>`
    select case when p.org_id is not null then 'org' else 'expert' end as kind, coalesce(p.org_id, p.expert_id) as id,
      coalesce(x.name, o.name) as name, coalesce(xo.name, o.name) as org_name, coalesce(xo.kind, o.kind) as org_kind
    from event_participant p
    left join organization o on o.id = p.org_id
    left join expert x on x.id = p.expert_id
    left join organization xo on xo.id = x.org_id
    where p.event_id = ${eventId} and p.status in ('invited', 'registered', 'approved', 'checked_in')
    order by coalesce(xo.kind, o.kind), coalesce(xo.name, o.name), x.name nulls first`;
  return rows.map((r) => ({ value: `${r.kind}:${r.id}`, kind: r.kind, id: r.id, name: r.name, orgName: r.org_name, orgKind: r.org_kind }));
}

// ---------------------------------------------------------------- availability

/**
 * The form's rows → instants, checked against the event: blank rows are ignored; a half-filled
 * row, a range ending before it starts, outside the event's days, or overlapping another is a
 * 400 with its message. No rows = available the whole event (0003's convention).
 */
export function parseAvailability(event: Pick<EventHead, "starts_on" | "ends_on">, rows: AvailabilityInput[]): { startsAt: Date; endsAt: Date }[] {
  const days = eventDays(event.starts_on, event.ends_on);
  const out: { startsAt: Date; endsAt: Date }[] = [];
  for (const r of rows) {
    const [day, from, to] = [r.day?.trim() ?? "", r.from?.trim() ?? "", r.to?.trim() ?? ""];
    if (!day && !from && !to) continue;
    const f = parseHhmm(from);
    const t = parseHhmm(to);
    if (!f || !t) invalid("events.errors.badTime", "avail");
    if (!days.includes(day)) invalid("events.errors.availabilityOutside", "avail");
    if (t <= f) invalid("events.errors.availabilityEndBeforeStart", "avail");
    out.push({ startsAt: localInstant(day, f), endsAt: localInstant(day, t) });
  }
  if (out.length > 20) invalid("events.errors.tooManyRanges", "avail");
  out.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  for (let i = 1; i < out.length; i++) if (out[i - 1].endsAt > out[i].startsAt) invalid("events.errors.availabilityOverlap", "avail");
  return out;
}

async function replaceAvailability(tx: Tx, participantId: number, ranges: { startsAt: Date; endsAt: Date }[]) {
  await tx`delete from participant_availability where participant_id = ${participantId}`;
  if (ranges.length) {
    await tx`
      insert into participant_availability (participant_id, starts_at, ends_at)
      select ${participantId}, a, b from unnest(${ranges.map((r) => r.startsAt.toISOString())}::timestamptz[], ${ranges.map((r) => r.endsAt.toISOString())}::timestamptz[]) as n(a, b)`;
  }
}

const rangesJson = (r: { startsAt: Date; endsAt: Date }[]) => r.map((x) => [x.startsAt.toISOString(), x.endsAt.toISOString()]);

function partyCols(p: PartyRef) {
  return { org_id: p.kind === "org" ? p.id : null, expert_id: p.kind === "expert" ? p.id : null };
}

async function partyExists(tx: Tx, p: PartyRef): Promise<boolean> {
  const [row] = p.kind === "org"
    ? await tx<{ one: number }[]>`select 1 as one from organization where id = ${p.id}`
    : await tx<{ one: number }[]>`select 1 as one from expert where id = ${p.id}`;
  return !!row;
}

// ---------------------------------------------------------------- writes

/**
 * Registers a party: members for their organization or its experts (403 otherwise), while
 * registration is open; the event's managers for anyone, any time before it is over. An
 * invited or withdrawn party's row becomes a registration again; an active one is a 409.
 * Status `registered` (an organizer approves), or `approved` when a manager registers them.
 */
export async function registerParticipant(actor: Actor | null, input: RegistrationInput & { eventId: number; party: PartyRef }): Promise<{ id: number; status: ParticipantStatus }> {
  if (!actor) forbidden();
  return sql.begin(async (tx) => {
    const event = await lockEvent(tx, input.eventId);
    const manager = await isEventManager(actor, input.eventId, tx);
    if (!manager && !(await actsFor(tx, actor, input.party))) {
      if (!(await partyExists(tx, input.party))) invalid("events.errors.partyNotFound", "party");
      invalid("events.errors.cannotRegisterFor", "party");
    }
    if (!(await partyExists(tx, input.party))) invalid("events.errors.partyNotFound", "party");
    if ((EVENT_OVER as readonly string[]).includes(event.status)) conflict("events.errors.eventOver");
    if (!manager && event.status !== "open") conflict("events.errors.registrationClosed");
    const ranges = parseAvailability(event, input.avail);
    const cols = partyCols(input.party);
    const [existing] = await tx<{ id: number; status: string; version: number }[]>`
      select id, status, version from event_participant
      where event_id = ${input.eventId} and ${input.party.kind === "org" ? tx`org_id = ${input.party.id}` : tx`expert_id = ${input.party.id}`}
      for update`;
    const status: ParticipantStatus = manager ? "approved" : "registered";
    let id: number;
    if (existing) {
      if (existing.status !== "invited" && existing.status !== "withdrawn") conflict("events.errors.alreadyParticipant");
      await tx`
        update event_participant set status = ${status}, looking_for = ${input.lookingFor}, contact_name = ${input.contactName},
          contact_phone = ${input.contactPhone}, registered_by = ${actor.id}, approved_by = ${manager ? actor.id : null}, version = version + 1
        where id = ${existing.id}`;
      id = existing.id;
    } else {
      const [row] = await tx<{ id: number }[]>`
        insert into event_participant (event_id, org_id, expert_id, status, looking_for, contact_name, contact_phone, registered_by, approved_by)
        values (${input.eventId}, ${cols.org_id}, ${cols.expert_id}, ${status}, ${input.lookingFor}, ${input.contactName}, ${input.contactPhone},
          ${actor.id}, ${manager ? actor.id : null})
        returning id`;
      id = row.id;
    }
    await replaceAvailability(tx, id, ranges);
    await audit(tx, {
      actor,
      action: "event_participant.register",
      entity: "event_participant",
      entityId: id,
      before: existing ? { status: existing.status, version: existing.version } : undefined,
      after: { event_id: input.eventId, ...cols, status, looking_for: input.lookingFor, availability: rangesJson(ranges) },
    });
    return { id, status };
  });
}

type LockedParticipant = { id: number; event_id: number; org_id: number | null; expert_id: number | null; status: string; version: number; looking_for: string | null; contact_name: string | null; contact_phone: string | null; priority: number };

async function lockParticipant(tx: Tx, eventId: number, participantId: number): Promise<LockedParticipant> {
  const [p] = await tx<LockedParticipant[]>`
    select id, event_id, org_id, expert_id, status, version, looking_for, contact_name, contact_phone, priority
    from event_participant where id = ${participantId} and event_id = ${eventId} for update`;
  if (!p) notFound();
  return p;
}

const refOf = (p: Pick<LockedParticipant, "org_id" | "expert_id">): PartyRef =>
  p.org_id !== null ? { kind: "org", id: p.org_id } : { kind: "expert", id: p.expert_id ?? 0 };

/** The party (or a manager) changes what they are looking for, the contact and the availability, from the version seen. */
export async function updateRegistration(actor: Actor | null, input: RegistrationInput & { eventId: number; participantId: number; version: number }): Promise<{ version: number }> {
  if (!actor) forbidden();
  return sql.begin(async (tx) => {
    const event = await lockEvent(tx, input.eventId);
    const p = await lockParticipant(tx, input.eventId, input.participantId);
    const manager = await isEventManager(actor, input.eventId, tx);
    if (!manager && !(await actsFor(tx, actor, refOf(p)))) notFound();
    if ((EVENT_OVER as readonly string[]).includes(event.status)) conflict("events.errors.eventOver");
    if (p.version !== input.version) conflict("events.errors.stale");
    if (p.status === "rejected" || p.status === "withdrawn") conflict("events.errors.wrongParticipantStatus");
    const ranges = parseAvailability(event, input.avail);
    const [after] = await tx<{ version: number }[]>`
      update event_participant set looking_for = ${input.lookingFor}, contact_name = ${input.contactName}, contact_phone = ${input.contactPhone},
        version = version + 1
      where id = ${p.id} returning version`;
    await replaceAvailability(tx, p.id, ranges);
    await audit(tx, {
      actor,
      action: "event_participant.update",
      entity: "event_participant",
      entityId: p.id,
      before: { looking_for: p.looking_for, contact_name: p.contact_name, version: p.version },
      after: { looking_for: input.lookingFor, contact_name: input.contactName, availability: rangesJson(ranges), version: after.version },
    });
    return { version: after.version };
  });
}

/** The party withdraws (before the event is over); a manager may too. */
export async function withdrawRegistration(actor: Actor | null, input: { eventId: number; participantId: number; version: number }): Promise<{ version: number }> {
  if (!actor) forbidden();
  return sql.begin(async (tx) => {
    const event = await lockEvent(tx, input.eventId);
    const p = await lockParticipant(tx, input.eventId, input.participantId);
    const manager = await isEventManager(actor, input.eventId, tx);
    if (!manager && !(await actsFor(tx, actor, refOf(p)))) notFound();
    if ((EVENT_OVER as readonly string[]).includes(event.status)) conflict("events.errors.eventOver");
    if (p.version !== input.version) conflict("events.errors.stale");
    if (!["invited", "registered", "approved"].includes(p.status)) conflict("events.errors.wrongParticipantStatus");
    const [after] = await tx<{ version: number }[]>`update event_participant set status = 'withdrawn', version = version + 1 where id = ${p.id} returning version`;
    await audit(tx, { actor, action: "event_participant.withdraw", entity: "event_participant", entityId: p.id, before: { status: p.status, version: p.version }, after: { status: "withdrawn", version: after.version } });
    return { version: after.version };
  });
}

/**
 * Invites organizations and experts (status invited). Managers only. Parties already on the
 * list are left as they are and counted as `skipped`.
 */
export async function inviteParticipants(actor: Actor | null, input: { eventId: number; parties: PartyRef[] }): Promise<{ invited: number; skipped: number }> {
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId);
    let invited = 0;
    const ids: number[] = [];
    for (const party of input.parties) {
      if (!(await partyExists(tx, party))) invalid("events.errors.partyNotFound", "parties");
      const cols = partyCols(party);
      const [row] = await tx<{ id: number }[]>`
        insert into event_participant (event_id, org_id, expert_id, status, registered_by)
        values (${input.eventId}, ${cols.org_id}, ${cols.expert_id}, 'invited', ${actor!.id})
        on conflict do nothing returning id`;
      if (row) {
        invited += 1;
        ids.push(row.id);
      }
    }
    if (invited) await audit(tx, { actor, action: "event_participant.invite", entity: "event", entityId: input.eventId, after: { participants: ids } });
    return { invited, skipped: input.parties.length - invited };
  });
}

/** Approve or reject a registration (managers), from the version seen: two organizers deciding at once → the second gets a 409. */
export async function decideRegistration(actor: Actor | null, input: { eventId: number; participantId: number; version: number; decision: "approve" | "reject" }): Promise<{ status: ParticipantStatus; version: number }> {
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId);
    const p = await lockParticipant(tx, input.eventId, input.participantId);
    if (p.version !== input.version) conflict("events.errors.stale");
    const allowed = input.decision === "approve" ? ["invited", "registered", "rejected"] : ["invited", "registered", "approved"];
    if (!allowed.includes(p.status)) conflict("events.errors.wrongParticipantStatus");
    const status: ParticipantStatus = input.decision === "approve" ? "approved" : "rejected";
    const [after] = await tx<{ version: number }[]>`
      update event_participant set status = ${status}, approved_by = ${input.decision === "approve" ? actor!.id : null}, version = version + 1
      where id = ${p.id} returning version`;
    await audit(tx, {
      actor,
      action: `event_participant.${input.decision}`,
      entity: "event_participant",
      entityId: p.id,
      before: { status: p.status, version: p.version },
      after: { status, version: after.version },
    });
    return { status, version: after.version };
  });
}

/** The scheduler's weight for a participant (−10…10), set by a manager. */
export async function setParticipantPriority(actor: Actor | null, input: { eventId: number; participantId: number; version: number; priority: number }): Promise<{ version: number }> {
  return sql.begin(async (tx) => {
    await lockEventAsManager(tx, actor, input.eventId);
    const p = await lockParticipant(tx, input.eventId, input.participantId);
    if (p.version !== input.version) conflict("events.errors.stale");
    const [after] = await tx<{ version: number }[]>`update event_participant set priority = ${input.priority}, version = version + 1 where id = ${p.id} returning version`;
    await audit(tx, { actor, action: "event_participant.priority", entity: "event_participant", entityId: p.id, before: { priority: p.priority, version: p.version }, after: { priority: input.priority, version: after.version } });
    return { version: after.version };
  });
}
