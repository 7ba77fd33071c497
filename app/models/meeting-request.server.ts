import type postgres from "postgres";
import { sql } from "../../db/client.server";
import { isStaff } from "~/utils/roles";
import { audit, forbidden, type Actor, type Tx } from "./audit.server";
import { conflict, invalid, notFound } from "./catalog.server";
import { EVENT_OVER, isEventManager } from "./event-access.server";
import { meetableParticipants } from "./event-participant.server";

// 会面请求: one side asks to meet one (or, arranged by an organizer, two or three) others,
// inside an event or outside any. Rules (docs/decisions/042-meeting-requests.md):
// - members act for their organization, and for its experts (experts are records, not users;
//   an expert linked to an account acts for itself too);
// - inside an event both sides must be taking part in it (not rejected or withdrawn);
// - nobody asks to meet themselves: not their own organization, nor their own organization's
//   expert (both sides of a table would be the same institution);
// - the event's organizers (and admins) may create requests for anyone, including group
//   meetings; what they arrange is accepted from the start (they agreed it with the parties);
// - an idempotency key makes a double-clicked submit create one request.

type Db = postgres.Sql<{ bigint: number }> | Tx;

export type PartyRef = { kind: "org" | "expert"; id: number };
export type RequestStatus = "pending" | "accepted" | "declined" | "cancelled";
export type RequestSource = "suggestion" | "manual" | "organizer";

export type CreateMeetingRequestInput = {
  /** null: a bilateral request outside any event (an organizer may attach it to one later) */
  eventId: number | null;
  requester: PartyRef;
  invitees: PartyRef[];
  needId?: number | null;
  resultId?: number | null;
  message?: string | null;
  /** the suggestion's score (0..1) when the request comes from matching */
  matchScore?: number | null;
  priority?: number;
  source?: RequestSource;
  /** a random token from the form (8–100 chars): the same key twice returns the first request */
  idempotencyKey?: string | null;
};

export type CreatedRequest = { id: number; status: RequestStatus; created: boolean };

/** Statuses of an event_participant that count as "taking part". */
export const ACTIVE_PARTICIPANT = ["invited", "registered", "approved", "checked_in"] as const;

const MAX_INVITEES = 3;

function same(a: PartyRef, b: PartyRef) {
  return a.kind === b.kind && a.id === b.id;
}

/** The organization a party sits for: the org itself, or the expert's institution (null when unknown). */
async function sideOrg(db: Db, p: PartyRef): Promise<number | null> {
  if (p.kind === "org") {
    const [o] = await db<{ id: number }[]>`select id from organization where id = ${p.id}`;
    return o?.id ?? null;
  }
  const [x] = await db<{ org_id: number }[]>`select org_id from expert where id = ${p.id}`;
  return x?.org_id ?? null;
}

/**
 * Does the actor act for this party? Members of the organization; for an expert, members of
 * the expert's institution and the expert's own linked account.
 */
export async function actsFor(db: Db, actor: Pick<Actor, "id"> | null, p: PartyRef): Promise<boolean> {
  if (!actor) return false;
  if (p.kind === "org") {
    const [m] = await db<{ one: number }[]>`select 1 as one from membership where org_id = ${p.id} and user_id = ${actor.id}`;
    return !!m;
  }
  const [x] = await db<{ one: number }[]>`
    select 1 as one from expert x
    where x.id = ${p.id} and (x.user_id = ${actor.id} or exists (select 1 from membership m where m.org_id = x.org_id and m.user_id = ${actor.id}))`;
  return !!x;
}

async function isActiveParticipant(db: Db, eventId: number, p: PartyRef): Promise<boolean> {
  const col = p.kind === "org" ? db`org_id` : db`expert_id`;
  const [row] = await db<{ one: number }[]>`
    select 1 as one from event_participant
    where event_id = ${eventId} and ${col} = ${p.id} and status = any(${[...ACTIVE_PARTICIPANT]}::text[])`;
  return !!row;
}

/**
 * A new meeting request (see the rules at the top). Runs in `tx` when given (the matching model
 * turns an accepted suggestion into a request inside its own transaction), else in its own.
 * Refusals: 403 when the actor may not act for the requester; 400 with a message for a request
 * to oneself, to or from a non-participant, a group meeting by a non-organizer, bad sizes;
 * 409 for an open duplicate or a finished event. Nothing is written on a refusal.
 */
export async function createMeetingRequest(actor: Actor | null, input: CreateMeetingRequestInput, tx?: Tx): Promise<CreatedRequest> {
  const run = (t: Tx) => createIn(t, actor, input);
  return tx ? run(tx) : sql.begin(run);
}

async function createIn(tx: Tx, actor: Actor | null, input: CreateMeetingRequestInput): Promise<CreatedRequest> {
  if (!actor) forbidden();
  const key = input.idempotencyKey?.trim() || null;
  if (key !== null && (key.length < 8 || key.length > 100)) invalid("validation.invalidChoice");
  if (key !== null) {
    // a double click sends two submits at once: the second waits here for the first to commit,
    // then finds its request by the key (without the lock it could see the first's request
    // only in the duplicate check below and answer "duplicate" instead)
    await tx`select pg_advisory_xact_lock(hashtextextended(${`meeting_request:${key}`}, 0))`;
    const [seen] = await tx<{ id: number; status: RequestStatus; requested_by: string | null }[]>`
      select id, status, requested_by from meeting_request where idempotency_key = ${key}`;
    if (seen) {
      // a key belongs to the form that made it: someone else's key is not a way to read their request
      if (seen.requested_by !== actor.id) invalid("validation.invalidChoice");
      return { id: seen.id, status: seen.status, created: false };
    }
  }

  const invitees = input.invitees;
  if (invitees.length === 0) invalid("events.errors.inviteeRequired", "invitee");
  if (invitees.length > MAX_INVITEES) invalid("events.errors.tooManyInvitees", "invitee");
  for (let i = 0; i < invitees.length; i++) {
    for (let j = i + 1; j < invitees.length; j++) if (same(invitees[i], invitees[j])) invalid("events.errors.inviteeRequired", "invitee");
  }

  let manager = false;
  if (input.eventId !== null) {
    const [event] = await tx<{ status: string }[]>`select status from event where id = ${input.eventId} for share`;
    if (!event) notFound();
    manager = await isEventManager(actor, input.eventId, tx);
    if ((EVENT_OVER as readonly string[]).includes(event.status)) conflict("events.errors.eventOver");
  } else {
    // outside an event, any staff member may arrange a meeting for others
    manager = isStaff(actor);
  }
  if (!manager && !(await actsFor(tx, actor, input.requester))) forbidden();
  if (!manager && invitees.length > 1) invalid("events.errors.groupOnlyOrganizer", "invitee");

  const requesterOrg = await sideOrg(tx, input.requester);
  if (requesterOrg === null) invalid("events.errors.partyNotFound", "requester");
  for (const p of invitees) {
    const org = await sideOrg(tx, p);
    if (org === null) invalid("events.errors.partyNotFound", "invitee");
    if (same(p, input.requester) || org === requesterOrg) invalid("events.errors.requestSelf", "invitee");
  }
  if (input.eventId !== null) {
    if (!(await isActiveParticipant(tx, input.eventId, input.requester))) invalid("events.errors.requesterNotParticipant", "requester");
    for (const p of invitees) {
      if (!(await isActiveParticipant(tx, input.eventId, p))) invalid("events.errors.requestNonParticipant", "invitee");
    }
  }

  // An open request between exactly the same sides (in the same event) is a duplicate.
  const partyKeys = [input.requester, ...invitees].map((p) => `${p.kind}:${p.id}`).sort();
  const [dup] = await tx<{ id: number }[]>`
    select r.id from meeting_request r
    where r.event_id is not distinct from ${input.eventId} and r.status in ('pending', 'accepted')
      and (select array_agg(k order by k collate "C")
           from (select case when p.org_id is not null then 'org:' || p.org_id else 'expert:' || p.expert_id end as k
                 from meeting_request_party p where p.request_id = r.id) ks) = ${partyKeys}::text[]`;
  if (dup) conflict("events.errors.requestDuplicate");

  const source: RequestSource = input.source ?? (manager && !(await actsFor(tx, actor, input.requester)) ? "organizer" : "manual");
  // what an organizer arranges is agreed with the parties already
  const arranged = manager && source === "organizer";
  const status: RequestStatus = arranged ? "accepted" : "pending";
  const message = input.message?.trim() || null;
  if (message !== null && [...message].length > 2000) invalid("catalog.validation.max2000", "message");
  const priority = input.priority ?? 0;
  if (!Number.isInteger(priority) || priority < -10 || priority > 10) invalid("validation.invalidChoice", "priority");
  if (input.matchScore != null && !(input.matchScore >= 0 && input.matchScore <= 1)) invalid("validation.invalidChoice", "matchScore");

  const [row] = await tx<{ id: number; status: RequestStatus }[]>`
    insert into meeting_request (event_id, status, source, need_id, result_id, message, match_score, priority, idempotency_key, requested_by)
    values (${input.eventId}, ${status}, ${source}, ${input.needId ?? null}, ${input.resultId ?? null}, ${message},
      ${input.matchScore ?? null}, ${priority}, ${key}, ${actor.id})
    on conflict (idempotency_key) do nothing
    returning id, status`;
  if (!row) {
    // the same key committed by a concurrent submit (the double click) while we checked
    const [seen] = await tx<{ id: number; status: RequestStatus }[]>`select id, status from meeting_request where idempotency_key = ${key}`;
    return { id: seen.id, status: seen.status, created: false };
  }
  const partyRows = [
    { request_id: row.id, org_id: input.requester.kind === "org" ? input.requester.id : null, expert_id: input.requester.kind === "expert" ? input.requester.id : null, role: "requester", response: "accepted", responded_by: null, responded_at: null },
    ...invitees.map((p) => ({
      request_id: row.id,
      org_id: p.kind === "org" ? p.id : null,
      expert_id: p.kind === "expert" ? p.id : null,
      role: "invitee",
      response: arranged ? "accepted" : "pending",
      responded_by: arranged ? actor.id : null,
      responded_at: arranged ? new Date() : null,
    })),
  ];
  await tx`insert into meeting_request_party ${tx(partyRows, "request_id", "org_id", "expert_id", "role", "response", "responded_by", "responded_at")}`;
  await audit(tx, {
    actor,
    action: "meeting_request.create",
    entity: "meeting_request",
    entityId: row.id,
    after: {
      event_id: input.eventId,
      status,
      source,
      requester: `${input.requester.kind}:${input.requester.id}`,
      invitees: invitees.map((p) => `${p.kind}:${p.id}`),
      need_id: input.needId ?? null,
      result_id: input.resultId ?? null,
    },
  });
  return { id: row.id, status: row.status, created: true };
}

// ---------------------------------------------------------------- answering and cancelling

type RequestHead = { id: number; event_id: number | null; status: RequestStatus; version: number; requested_by: string | null };

async function lockRequest(tx: Tx, id: number): Promise<RequestHead> {
  const [row] = await tx<RequestHead[]>`select id, event_id, status, version, requested_by from meeting_request where id = ${id} for update`;
  if (!row) notFound();
  return row;
}

type PartyRow = { id: number; org_id: number | null; expert_id: number | null; role: "requester" | "invitee"; response: string };

function refOf(p: Pick<PartyRow, "org_id" | "expert_id">): PartyRef {
  return p.org_id !== null ? { kind: "org", id: p.org_id } : { kind: "expert", id: p.expert_id ?? 0 };
}

async function managesRequest(tx: Tx, actor: Actor, r: RequestHead): Promise<boolean> {
  return r.event_id === null ? isStaff(actor) : isEventManager(actor, r.event_id, tx);
}

/**
 * An invitee accepts or declines, from the version of the request they saw (409 stale). The
 * actor answers for every still-pending invitee they act for; an event manager may answer for
 * one named party (`partyId`, e.g. after a phone call). All accepted → the request is accepted;
 * one decline → declined. 404 for people who are no party (the request stays hidden).
 */
export async function respondToMeetingRequest(
  actor: Actor | null,
  input: { id: number; version: number; response: "accepted" | "declined"; partyId?: number | null },
): Promise<{ id: number; status: RequestStatus; version: number }> {
  if (!actor) forbidden();
  return sql.begin(async (tx) => {
    const r = await lockRequest(tx, input.id);
    const parties = await tx<PartyRow[]>`select id, org_id, expert_id, role, response from meeting_request_party where request_id = ${r.id} order by id`;
    const manager = await managesRequest(tx, actor, r);
    const mine: PartyRow[] = [];
    for (const p of parties) if (await actsFor(tx, actor, refOf(p))) mine.push(p);
    if (!manager && mine.length === 0) notFound();
    let targets: PartyRow[];
    if (input.partyId != null) {
      const p = parties.find((x) => x.id === input.partyId && x.role === "invitee");
      if (!p) invalid("events.errors.requestNotYours");
      if (!manager && !mine.includes(p)) forbidden();
      targets = [p];
    } else {
      targets = mine.filter((p) => p.role === "invitee");
    }
    if (targets.length === 0) invalid("events.errors.requestNotYours");
    if (r.version !== input.version) conflict("events.errors.stale");
    if (r.status !== "pending" || targets.some((p) => p.response !== "pending")) conflict("events.errors.requestNotPending");

    await tx`
      update meeting_request_party set response = ${input.response}, responded_by = ${actor.id}, responded_at = now(), version = version + 1
      where id = any(${targets.map((p) => p.id)}::bigint[])`;
    const [agg] = await tx<{ declined: number; pending: number }[]>`
      select count(*) filter (where response = 'declined')::int as declined, count(*) filter (where response = 'pending')::int as pending
      from meeting_request_party where request_id = ${r.id}`;
    const status: RequestStatus = agg.declined > 0 ? "declined" : agg.pending > 0 ? "pending" : "accepted";
    const [after] = await tx<{ version: number }[]>`
      update meeting_request set status = ${status}, version = version + 1 where id = ${r.id} returning version`;
    await audit(tx, {
      actor,
      action: `meeting_request.${input.response === "accepted" ? "accept" : "decline"}`,
      entity: "meeting_request",
      entityId: r.id,
      before: { status: r.status, version: r.version },
      after: { status, version: after.version, parties: targets.map((p) => p.id) },
    });
    return { id: r.id, status, version: after.version };
  });
}

/** The requester's side (or a manager) withdraws a pending or accepted request. */
export async function cancelMeetingRequest(actor: Actor | null, input: { id: number; version: number }): Promise<{ id: number; version: number }> {
  if (!actor) forbidden();
  return sql.begin(async (tx) => {
    const r = await lockRequest(tx, input.id);
    const parties = await tx<PartyRow[]>`select id, org_id, expert_id, role, response from meeting_request_party where request_id = ${r.id} order by id`;
    const manager = await managesRequest(tx, actor, r);
    const requester = parties.find((p) => p.role === "requester");
    const isRequester = !!requester && (await actsFor(tx, actor, refOf(requester)));
    if (!manager && !isRequester) {
      let party = false;
      for (const p of parties) if (await actsFor(tx, actor, refOf(p))) party = true;
      if (party) forbidden();
      notFound();
    }
    if (r.version !== input.version) conflict("events.errors.stale");
    if (r.status !== "pending" && r.status !== "accepted") conflict("events.errors.requestNotPending");
    const [after] = await tx<{ version: number }[]>`
      update meeting_request set status = 'cancelled', version = version + 1 where id = ${r.id} returning version`;
    await audit(tx, {
      actor,
      action: "meeting_request.cancel",
      entity: "meeting_request",
      entityId: r.id,
      before: { status: r.status, version: r.version },
      after: { status: "cancelled", version: after.version },
    });
    return { id: r.id, version: after.version };
  });
}

// ---------------------------------------------------------------- reading

export type RequestPartyView = {
  id: number;
  kind: "org" | "expert";
  refId: number;
  name: string;
  orgName: string;
  role: "requester" | "invitee";
  response: "pending" | "accepted" | "declined";
  /** the viewer acts for this party */
  mine: boolean;
};

export type RequestView = {
  id: number;
  eventId: number | null;
  status: RequestStatus;
  source: RequestSource;
  message: string | null;
  needId: number | null;
  needTitle: string | null;
  resultId: number | null;
  resultTitle: string | null;
  matchScore: number | null;
  priority: number;
  createdAt: Date;
  version: number;
  parties: RequestPartyView[];
  /** the viewer may answer (a pending invitee they act for) */
  canRespond: boolean;
  /** the viewer may cancel (requester side or manager, request still open) */
  canCancel: boolean;
};

type ListRow = {
  id: number;
  event_id: number | null;
  status: RequestStatus;
  source: RequestSource;
  message: string | null;
  need_id: number | null;
  need_title: string | null;
  result_id: number | null;
  result_title: string | null;
  match_score: number | null;
  priority: number;
  created_at: Date;
  version: number;
  parties: { id: number; org_id: number | null; expert_id: number | null; name: string; org_name: string; role: "requester" | "invitee"; response: "pending" | "accepted" | "declined" }[];
};

/**
 * Requests of an event (or outside any, eventId null) as the actor may see them: managers and
 * other staff every request; everybody else only those where they act for a party (issue 5:
 * participants see only their own requests).
 */
export async function listMeetingRequests(
  actor: Actor | null,
  opts: { eventId: number | null; status?: RequestStatus | null; limit?: number },
): Promise<RequestView[]> {
  if (!actor) forbidden();
  const manager = opts.eventId === null ? isStaff(actor) : await isEventManager(actor, opts.eventId);
  const seeAll = isStaff(actor);
  // the parties the actor acts for: its organizations and their experts, and its own expert profile
  const mineCond = sql`(
    p.org_id in (select org_id from membership where user_id = ${actor.id})
    or p.expert_id in (select x.id from expert x where x.user_id = ${actor.id} or x.org_id in (select org_id from membership where user_id = ${actor.id}))
  )`;
  const rows = await sql<ListRow[]>`
    select r.id, r.event_id, r.status, r.source, r.message, r.need_id, n.title as need_title, r.result_id, rs.title as result_title,
      r.match_score, r.priority, r.created_at, r.version,
      (select json_agg(json_build_object(
          'id', p.id, 'org_id', p.org_id, 'expert_id', p.expert_id, 'role', p.role, 'response', p.response,
          'name', coalesce(x.name, o.name), 'org_name', coalesce(xo.short_name, xo.name, o.short_name, o.name)) order by p.role desc, p.id)
        from meeting_request_party p
        left join organization o on o.id = p.org_id
        left join expert x on x.id = p.expert_id
        left join organization xo on xo.id = x.org_id
        where p.request_id = r.id) as parties
    from meeting_request r
    left join need n on n.id = r.need_id
    left join result rs on rs.id = r.result_id
    where r.event_id is not distinct from ${opts.eventId}
      ${opts.status ? sql`and r.status = ${opts.status}` : sql``}
      ${seeAll ? sql`` : sql`and exists (select 1 from meeting_request_party p where p.request_id = r.id and ${mineCond})`}
    order by r.created_at desc, r.id desc
    limit ${opts.limit ?? 500}`;
  const myParties = new Set(
    (
      await sql<{ k: string }[]>`
        select 'org:' || org_id as k from membership where user_id = ${actor.id}
        union all
        select 'expert:' || x.id from expert x where x.user_id = ${actor.id} or x.org_id in (select org_id from membership where user_id = ${actor.id})`
    ).map((r) => r.k),
  );
  return rows.map((r) => {
    const parties: RequestPartyView[] = (r.parties ?? []).map((p) => ({
      id: p.id,
      kind: p.org_id !== null ? "org" : "expert",
      refId: p.org_id ?? p.expert_id ?? 0,
      name: p.name,
      orgName: p.org_name,
      role: p.role,
      response: p.response,
      mine: myParties.has(p.org_id !== null ? `org:${p.org_id}` : `expert:${p.expert_id}`),
    }));
    const open = r.status === "pending" || r.status === "accepted";
    return {
      id: r.id,
      eventId: r.event_id,
      status: r.status,
      source: r.source,
      message: r.message,
      needId: r.need_id,
      needTitle: r.need_title,
      resultId: r.result_id,
      resultTitle: r.result_title,
      matchScore: r.match_score,
      priority: r.priority,
      createdAt: r.created_at,
      version: r.version,
      parties,
      canRespond: r.status === "pending" && parties.some((p) => p.mine && p.role === "invitee" && p.response === "pending"),
      canCancel: open && (manager || parties.some((p) => p.mine && p.role === "requester")),
    };
  });
}

// ---------------------------------------------------------------- prefill from a suggestion

/** A suggestion link names a need and/or a result: the other side's participant, preselected. */
export async function requestPrefill(eventId: number, needId: number | null, resultId: number | null) {
  const [need] = needId ? await sql<{ id: number; title: string; org_id: number }[]>`select id, title, org_id from need where id = ${needId} and status in ('published', 'matched')` : [];
  const [result] = resultId
    ? await sql<{ id: number; title: string; org_id: number; lead_expert_id: number | null }[]>`select id, title, org_id, lead_expert_id from result where id = ${resultId} and status in ('published', 'matched')`
    : [];
  const candidates = [result?.lead_expert_id ? `expert:${result.lead_expert_id}` : null, result ? `org:${result.org_id}` : null, need ? `org:${need.org_id}` : null].filter((c): c is string => !!c);
  const listed = new Set((await meetableParticipants(eventId)).map((p) => p.value));
  return { need: need ?? null, result: result ?? null, invitee: candidates.find((c) => listed.has(c)) ?? null };
}


// ---------------------------------------------------------------- contact details granted by a meeting

/**
 * Does an accepted meeting request connect the viewer's side with the owner of this need,
 * result or expert? DESIGN: contact details are shown to parties the owner agreed to meet. The
 * viewer's side = their organizations and those organizations' experts; the owner's side = the
 * record's organization (and, for a result, its lead expert; for an expert, the expert). For
 * catalog.server.ts's contactGrantedByMeeting() hook.
 */
export async function contactGrantedByAcceptedRequest(userId: string, kind: "need" | "result" | "expert", recordId: number): Promise<boolean> {
  const owner =
    kind === "need"
      ? sql`select 'org:' || org_id as k from need where id = ${recordId}`
      : kind === "result"
        ? sql`select 'org:' || org_id as k from result where id = ${recordId} union all select 'expert:' || lead_expert_id from result where id = ${recordId} and lead_expert_id is not null`
        : sql`select 'expert:' || id as k from expert where id = ${recordId} union all select 'org:' || org_id from expert where id = ${recordId}`;
  const [row] = await sql<{ one: number }[]>`
    with mine as (
      select 'org:' || org_id as k from membership where user_id = ${userId}
      union all
      select 'expert:' || x.id from expert x where x.user_id = ${userId} or x.org_id in (select org_id from membership where user_id = ${userId})
    ), theirs as (${owner}),
    parties as (
      select p.request_id, case when p.org_id is not null then 'org:' || p.org_id else 'expert:' || p.expert_id end as k
      from meeting_request_party p join meeting_request r on r.id = p.request_id and r.status = 'accepted'
    )
    select 1 as one from parties a join parties b on a.request_id = b.request_id and a.k <> b.k
    where a.k in (select k from mine) and b.k in (select k from theirs)
    limit 1`;
  return !!row;
}
