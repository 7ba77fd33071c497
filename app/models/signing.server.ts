import { sql } from "../../db/client.server";
import { isStage, type Stage } from "~/utils/pipeline";
import { isStaff } from "~/utils/roles";
import { audit, forbidden, type Actor, type Tx } from "./audit.server";
import { conflict, invalid, notFound, parseRef, refCondition, refOrder } from "./catalog.server";

// The on-stage signing list of a ceremony (签约仪式): which intents are signed on stage, in what
// running order, and who signs for each side as the host reads it out. Prepared by the event's
// organizers (docs/decisions/053-signing-list.md), printed for the host and the stage manager.
// After the ceremony each signing is recorded as an agreement with signed_on_stage and this event.

export type SigningEvent = { id: number; ref: string | null; name: string; startsOn: string; venue: string | null; status: string };

export type SigningEntry = {
  id: number;
  position: number;
  version: number;
  enterpriseSignatory: string | null;
  institutionSignatory: string | null;
  intent: {
    id: number;
    ref: string | null;
    stage: Stage;
    enterprise: string;
    institution: string;
    expert: string | null;
    project: string;
  };
  /** the agreement recorded for it at this event on stage, when there is one */
  agreement: { id: number; title: string; amountWan: number } | null;
};

/** An event named by its numeric id or its ref (EV14), or null. */
export async function findEvent(ref: string | undefined): Promise<SigningEvent | null> {
  const parsed = parseRef(ref);
  if (!parsed) return null;
  const [e] = await sql<{ id: number; ref: string | null; name: string; starts_on: string; venue: string | null; status: string }[]>`
    select e.id, e.ref, e.name, to_char(e.starts_on, 'YYYY-MM-DD') as starts_on, e.venue, e.status
    from event e where ${refCondition(sql, "e", parsed)} order by ${refOrder(sql, "e", parsed)} limit 1`;
  return e ? { id: e.id, ref: e.ref, name: e.name, startsOn: e.starts_on, venue: e.venue, status: e.status } : null;
}

/**
 * May the actor prepare this event's signing list? Admins always; organizers when they are among
 * the event's organizers (event_organizer), or when the event names none (the demo's and older
 * events). Members never (403): the list is the bureau's running order.
 */
export async function canManageSigning(actor: Actor | null, eventId: number, db: Tx | typeof sql = sql): Promise<boolean> {
  if (!actor || !isStaff(actor)) return false;
  if (actor.role === "admin") return true;
  const [row] = await db<{ listed: boolean; any: boolean }[]>`
    select exists (select 1 from event_organizer where event_id = ${eventId} and user_id = ${actor.id}) as listed,
      exists (select 1 from event_organizer where event_id = ${eventId}) as any`;
  return row.listed || !row.any;
}

/** Staff may look at (and print) any event's list; only its managers change it. */
export function canViewSigning(actor: Actor | null): boolean {
  return isStaff(actor);
}

async function assertManager(tx: Tx, actor: Actor | null, eventId: number) {
  if (!actor) forbidden();
  const [e] = await tx<{ status: string }[]>`select status from event where id = ${eventId} for update`;
  if (!e) notFound();
  if (!(await canManageSigning(actor, eventId, tx))) forbidden();
  if (e.status === "cancelled") conflict("pipeline.errors.eventCancelled");
}

type EntryRow = {
  id: number;
  position: number;
  version: number;
  enterprise_signatory: string | null;
  institution_signatory: string | null;
  intent_id: number;
  intent_ref: string | null;
  stage: string;
  enterprise_name: string;
  institution_name: string;
  expert_name: string | null;
  need_title: string | null;
  result_title: string | null;
  summary: string;
  agreement_id: number | null;
  agreement_title: string | null;
  agreement_amount: number | null;
};

/** The list in running order (the caller checked canViewSigning). */
export async function signingList(eventId: number): Promise<SigningEntry[]> {
  const rows = await sql<EntryRow[]>`
    select s.id, s.position, s.version, s.enterprise_signatory, s.institution_signatory, i.id as intent_id,
      i.ref as intent_ref, i.stage, eo.name as enterprise_name, io.name as institution_name, x.name as expert_name,
      n.title as need_title, r.title as result_title, i.summary,
      ag.id as agreement_id, ag.title as agreement_title, ag.amount_wan::float8 as agreement_amount
    from event_signing s
    join intent i on i.id = s.intent_id
    join organization eo on eo.id = i.enterprise_org_id
    join organization io on io.id = i.institution_org_id
    left join expert x on x.id = i.expert_id
    left join need n on n.id = i.need_id
    left join result r on r.id = i.result_id
    left join lateral (
      select a.id, a.title, a.amount_wan from agreement a
      where a.intent_id = i.id and a.event_id = s.event_id and a.signed_on_stage
      order by a.id limit 1
    ) ag on true
    where s.event_id = ${eventId}
    order by s.position`;
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    version: r.version,
    enterpriseSignatory: r.enterprise_signatory,
    institutionSignatory: r.institution_signatory,
    intent: {
      id: r.intent_id,
      ref: r.intent_ref,
      stage: isStage(r.stage) ? r.stage : "intent",
      enterprise: r.enterprise_name,
      institution: r.institution_name,
      expert: r.expert_name,
      // what the host reads out as the project: the agreement's title, else the result or the
      // need it is about, else the first sentence of the summary
      project: r.agreement_title ?? r.result_title ?? r.need_title ?? firstSentence(r.summary),
    },
    agreement: r.agreement_id !== null && r.agreement_title !== null ? { id: r.agreement_id, title: r.agreement_title, amountWan: r.agreement_amount ?? 0 } : null,
  }));
}

function firstSentence(text: string): string {
  const s = text.split(/[。；;\n]/)[0] ?? "";
  return [...s].length > 80 ? `${[...s].slice(0, 80).join("")}…` : s;
}

/**
 * What the "add" picker offers: intents not yet on the list and still open, first those with an
 * agreement recorded at this event, then the event's own intents, then intents negotiating or
 * signed elsewhere (the summit's ceremony signs deals that began at the talent fair). Any other
 * intent can still be added by its number.
 */
export async function signingCandidates(eventId: number) {
  return sql<{ id: number; ref: string | null; enterprise: string; institution: string; stage: string }[]>`
    select i.id, i.ref, eo.name as enterprise, io.name as institution, i.stage
    from intent i
    join organization eo on eo.id = i.enterprise_org_id
    join organization io on io.id = i.institution_org_id
    left join lateral (select true as here from agreement a where a.intent_id = i.id and a.event_id = ${eventId} limit 1) ag on true
    where i.stage not in ('dropped', 'completed')
      and not exists (select 1 from event_signing s where s.event_id = ${eventId} and s.intent_id = i.id)
      and (ag.here or i.event_id = ${eventId} or i.stage in ('negotiating', 'signed'))
    order by ag.here is not true, i.event_id is distinct from ${eventId}, (i.stage = 'signed') desc, i.id
    limit 300`;
}

function signatory(value: string | null | undefined, field: string): string | null {
  const s = value?.normalize("NFC").trim() ?? "";
  if ([...s].length > 100) invalid("pipeline.errors.signatoryTooLong", field);
  return s ? s : null;
}

/**
 * Adds an intent (by id, or by the ref/id typed into the form) at the end of the list. 409 when it
 * is already listed or dropped; 400 when it does not exist.
 */
export async function addSigning(
  actor: Actor | null,
  input: { eventId: number; intent: string | number; enterpriseSignatory?: string | null; institutionSignatory?: string | null },
): Promise<{ id: number; position: number }> {
  const enterpriseSignatory = signatory(input.enterpriseSignatory, "enterpriseSignatory");
  const institutionSignatory = signatory(input.institutionSignatory, "institutionSignatory");
  return sql.begin(async (tx) => {
    await assertManager(tx, actor, input.eventId);
    const parsed = parseRef(String(input.intent).normalize("NFKC").trim().toUpperCase());
    if (!parsed) invalid("pipeline.errors.intentNotFound", "intent");
    const [intent] = await tx<{ id: number; stage: string }[]>`
      select i.id, i.stage from intent i where ${refCondition(tx, "i", parsed)} order by ${refOrder(tx, "i", parsed)} limit 1`;
    if (!intent) invalid("pipeline.errors.intentNotFound", "intent");
    if (intent.stage === "dropped") conflict("pipeline.errors.signingIntentDropped");
    const [listed] = await tx`select 1 from event_signing where event_id = ${input.eventId} and intent_id = ${intent.id}`;
    if (listed) conflict("pipeline.errors.alreadyListed");
    const [{ next }] = await tx<{ next: number }[]>`
      select coalesce(max(position), 0)::int + 1 as next from event_signing where event_id = ${input.eventId}`;
    if (next > 1000) conflict("pipeline.errors.listFull");
    const [row] = await tx<{ id: number }[]>`
      insert into event_signing (event_id, intent_id, position, enterprise_signatory, institution_signatory)
      values (${input.eventId}, ${intent.id}, ${next}, ${enterpriseSignatory}, ${institutionSignatory})
      returning id`;
    await audit(tx, {
      actor,
      action: "event_signing.add",
      entity: "event_signing",
      entityId: row.id,
      after: { event_id: input.eventId, intent_id: intent.id, position: next, enterprise_signatory: enterpriseSignatory, institution_signatory: institutionSignatory },
    });
    return { id: row.id, position: next };
  });
}

async function lockEntry(tx: Tx, eventId: number, id: number, version: number) {
  const [row] = await tx<{ id: number; position: number; version: number; intent_id: number; enterprise_signatory: string | null; institution_signatory: string | null }[]>`
    select id, position, version, intent_id, enterprise_signatory, institution_signatory
    from event_signing where id = ${id} and event_id = ${eventId} for update`;
  if (!row) conflict("pipeline.errors.notListed");
  if (row.version !== version) conflict("pipeline.errors.signingStale");
  return row;
}

/** Saves the two signatories of one entry, from the version the form showed. */
export async function saveSignatories(
  actor: Actor | null,
  input: { eventId: number; id: number; version: number; enterpriseSignatory?: string | null; institutionSignatory?: string | null },
) {
  const enterpriseSignatory = signatory(input.enterpriseSignatory, "enterpriseSignatory");
  const institutionSignatory = signatory(input.institutionSignatory, "institutionSignatory");
  return sql.begin(async (tx) => {
    await assertManager(tx, actor, input.eventId);
    const row = await lockEntry(tx, input.eventId, input.id, input.version);
    const [after] = await tx<{ version: number }[]>`
      update event_signing set enterprise_signatory = ${enterpriseSignatory}, institution_signatory = ${institutionSignatory},
        version = version + 1
      where id = ${row.id} returning version`;
    await audit(tx, {
      actor,
      action: "event_signing.signatories",
      entity: "event_signing",
      entityId: row.id,
      before: { enterprise_signatory: row.enterprise_signatory, institution_signatory: row.institution_signatory, version: row.version },
      after: { enterprise_signatory: enterpriseSignatory, institution_signatory: institutionSignatory, version: after.version },
    });
    return { id: row.id, version: after.version };
  });
}

/**
 * Swaps an entry with its neighbour above or below. Both rows change version, so a second organizer
 * reordering from an old page gets the stale message instead of an unexpected order.
 */
export async function moveSigning(actor: Actor | null, input: { eventId: number; id: number; version: number; direction: "up" | "down" }) {
  return sql.begin(async (tx) => {
    await assertManager(tx, actor, input.eventId);
    const row = await lockEntry(tx, input.eventId, input.id, input.version);
    const [neighbour] = await tx<{ id: number; position: number }[]>`
      select id, position from event_signing
      where event_id = ${input.eventId}
        and ${input.direction === "up" ? tx`position < ${row.position}` : tx`position > ${row.position}`}
      order by position ${input.direction === "up" ? tx`desc` : tx`asc`} limit 1 for update`;
    if (!neighbour) return { id: row.id, position: row.position, moved: false };
    // unique (event_id, position) is deferred: the swap is checked at commit
    await tx`
      update event_signing set position = case id when ${row.id} then ${neighbour.position}::int else ${row.position}::int end,
        version = version + 1
      where id in (${row.id}, ${neighbour.id})`;
    await audit(tx, {
      actor,
      action: "event_signing.move",
      entity: "event_signing",
      entityId: row.id,
      before: { position: row.position },
      after: { position: neighbour.position, swapped_with: neighbour.id },
    });
    return { id: row.id, position: neighbour.position, moved: true };
  });
}

/** Takes an entry off the list; those after it move up one place. */
export async function removeSigning(actor: Actor | null, input: { eventId: number; id: number; version: number }) {
  return sql.begin(async (tx) => {
    await assertManager(tx, actor, input.eventId);
    const row = await lockEntry(tx, input.eventId, input.id, input.version);
    await tx`delete from event_signing where id = ${row.id}`;
    await tx`
      update event_signing set position = position - 1
      where event_id = ${input.eventId} and position > ${row.position}`;
    await audit(tx, {
      actor,
      action: "event_signing.remove",
      entity: "event_signing",
      entityId: row.id,
      before: { event_id: input.eventId, intent_id: row.intent_id, position: row.position },
    });
    return { id: row.id };
  });
}
