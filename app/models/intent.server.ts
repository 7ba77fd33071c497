import type postgres from "postgres";
import { sql } from "../../db/client.server";
import { enqueueSync } from "../../search/sync.server";
import type { MessageKey } from "~/locales";
import {
  INSTITUTION_KINDS,
  isStage,
  moveProblem,
  OPEN_STAGES,
  REOPEN_TO,
  type Stage,
} from "~/utils/pipeline";
import { isOrgKind, isStaff, type OrgKind } from "~/utils/roles";
import { audit, forbidden, type Actor, type Tx } from "./audit.server";
import { conflict, invalid, notFound, parseRef, readableFilter, refCondition, refOrder, type Viewer } from "./catalog.server";

// 合作意向: cooperation intents between an enterprise and a university or institute, and their
// stages. Who may see and change them: docs/decisions/050-pipeline-permissions.md; which stage
// moves make sense: 051-intent-stages.md (rules in ~/utils/pipeline.ts, shared with the form).
// Every write runs in one transaction with its history row and its audit row.

type Db = postgres.Sql<{ bigint: number }> | Tx;
type Fragment = postgres.PendingQuery<postgres.Row[]>;

/** What the models need to know about who acts: the user and the organizations they belong to. */
async function actorOrgIds(db: Db, actor: Actor): Promise<number[]> {
  const rows = await db<{ org_id: number }[]>`select org_id from membership where user_id = ${actor.id}`;
  return rows.map((r) => r.org_id);
}

/** Staff see every intent; members see the intents either of their organizations is a party to. */
export function canSeeIntent(viewer: Viewer, row: { enterpriseOrgId: number; institutionOrgId: number }): boolean {
  if (!viewer) return false;
  if (isStaff(viewer)) return true;
  return viewer.orgIds.includes(row.enterpriseOrgId) || viewer.orgIds.includes(row.institutionOrgId);
}

/** canSeeIntent() as a WHERE condition on an intent aliased `alias`. */
export function visibleIntentFilter(viewer: Viewer, alias = "i"): Fragment {
  if (!viewer) return sql`false`;
  if (isStaff(viewer)) return sql`true`;
  const a = sql(alias);
  const orgIds = [...viewer.orgIds];
  return sql`(${a}.enterprise_org_id = any(${orgIds}::bigint[]) or ${a}.institution_org_id = any(${orgIds}::bigint[]))`;
}

/**
 * The write check for an existing intent: anonymous 403, a signed-in user who may not even see it
 * 404 (its existence is not disclosed), otherwise fine — the parties' members may change what they
 * may see (decision 050).
 */
export async function assertCanChangeIntent(db: Db, actor: Actor | null, row: { enterprise_org_id: number; institution_org_id: number }) {
  if (!actor) forbidden();
  if (isStaff(actor)) return;
  const orgIds = await actorOrgIds(db, actor);
  if (!orgIds.includes(row.enterprise_org_id) && !orgIds.includes(row.institution_org_id)) notFound();
}

// ---------------------------------------------------------------- creating

export type CreateIntentInput = {
  enterpriseOrgId: number;
  institutionOrgId: number;
  expertId?: number | null;
  needId?: number | null;
  resultId?: number | null;
  eventId?: number | null;
  meetingId?: number | null;
  summary: string;
  /** a random token from the form: a double submission returns the first one's intent */
  idempotencyKey?: string | null;
};

export type CreatedIntent = { id: number; ref: string | null; stage: Stage; version: number; created: boolean };

/**
 * Records a cooperation intent at stage "intent", with its creation row in the stage history and an
 * audit row. Runs inside `tx` when given (the matcher turns an accepted suggestion into a draft
 * intent in its own transaction), else in its own. Staff may record any; members only intents their
 * organization is a party to (403 otherwise). Bad input is a 400 naming the field (enterprise that
 * is not an enterprise, both sides the same, a need of another enterprise, ...): nothing written.
 */
export async function createIntent(actor: Actor | null, input: CreateIntentInput, tx?: Tx): Promise<CreatedIntent> {
  return tx ? insertIntent(tx, actor, input) : sql.begin((t) => insertIntent(t, actor, input));
}

async function insertIntent(tx: Tx, actor: Actor | null, input: CreateIntentInput): Promise<CreatedIntent> {
  if (!actor) forbidden();
  const summary = (input.summary ?? "").trim();
  if ([...summary].length > 5000) invalid("pipeline.errors.summaryTooLong", "summary");

  const [ent, inst] = await Promise.all([orgKind(tx, input.enterpriseOrgId), orgKind(tx, input.institutionOrgId)]);
  if (!ent) invalid("pipeline.errors.enterpriseNotFound", "enterpriseOrgId");
  if (ent !== "enterprise") invalid("pipeline.errors.enterpriseKind", "enterpriseOrgId");
  if (!inst) invalid("pipeline.errors.institutionNotFound", "institutionOrgId");
  if (input.enterpriseOrgId === input.institutionOrgId) invalid("pipeline.errors.sameParty", "institutionOrgId");
  if (!(INSTITUTION_KINDS as readonly string[]).includes(inst)) invalid("pipeline.errors.institutionKind", "institutionOrgId");

  if (!isStaff(actor)) {
    const orgIds = await actorOrgIds(tx, actor);
    if (!orgIds.includes(input.enterpriseOrgId) && !orgIds.includes(input.institutionOrgId)) forbidden();
  }

  // What the intent is about must belong to its parties: the need to the enterprise, the result
  // and the expert to the institution. A mismatch is a picking mistake worth a message.
  await ownedBy(tx, "need", input.needId, input.enterpriseOrgId, "pipeline.errors.needNotFound", "pipeline.errors.needOrg", "needId");
  await ownedBy(tx, "result", input.resultId, input.institutionOrgId, "pipeline.errors.resultNotFound", "pipeline.errors.resultOrg", "resultId");
  await ownedBy(tx, "expert", input.expertId, input.institutionOrgId, "pipeline.errors.expertNotFound", "pipeline.errors.expertOrg", "expertId");

  let eventId = input.eventId ?? null;
  if (eventId !== null) {
    const [e] = await tx`select 1 from event where id = ${eventId}`;
    if (!e) invalid("pipeline.errors.eventNotFound", "eventId");
  }
  const meetingId = input.meetingId ?? null;
  if (meetingId !== null) {
    const [m] = await tx<{ event_id: number }[]>`select event_id from meeting where id = ${meetingId}`;
    if (!m) invalid("pipeline.errors.meetingNotFound", "meetingId");
    if (eventId !== null && m.event_id !== eventId) invalid("pipeline.errors.meetingEvent", "meetingId");
    eventId = m.event_id;
  }
  if (!summary && !input.needId && !input.resultId) invalid("pipeline.errors.empty", "summary");

  const values = {
    enterprise_org_id: input.enterpriseOrgId,
    institution_org_id: input.institutionOrgId,
    expert_id: input.expertId ?? null,
    need_id: input.needId ?? null,
    result_id: input.resultId ?? null,
    event_id: eventId,
    meeting_id: meetingId,
    summary,
    created_by: actor.id,
    idempotency_key: input.idempotencyKey ?? null,
  };
  const cols = Object.keys(values) as (keyof typeof values)[];
  const [row] = await tx<{ id: number; ref: string | null; version: number }[]>`
    insert into intent ${tx(values, cols)}
    on conflict (idempotency_key) do nothing
    returning id, ref, version`;
  if (!row) {
    // The same form submitted twice: the first submission's intent, if it was this user's.
    const [first] = await tx<{ id: number; ref: string | null; stage: string; version: number; created_by: string | null }[]>`
      select id, ref, stage, version, created_by from intent where idempotency_key = ${values.idempotency_key}`;
    if (!first || first.created_by !== actor.id) forbidden();
    return { id: first.id, ref: first.ref, stage: isStage(first.stage) ? first.stage : "intent", version: first.version, created: false };
  }
  await tx`
    insert into intent_stage_history (intent_id, from_stage, to_stage, changed_by, note)
    values (${row.id}, null, 'intent', ${actor.id}, null)`;
  const { idempotency_key: _key, ...snapshot } = values;
  await audit(tx, { actor, action: "intent.create", entity: "intent", entityId: row.id, after: { ...snapshot, stage: "intent", version: row.version } });
  return { id: row.id, ref: row.ref, stage: "intent", version: row.version, created: true };
}

async function orgKind(db: Db, id: number): Promise<OrgKind | null> {
  const [o] = await db<{ kind: string }[]>`select kind from organization where id = ${id}`;
  return o && isOrgKind(o.kind) ? o.kind : null;
}

async function ownedBy(
  db: Db,
  table: "need" | "result" | "expert",
  id: number | null | undefined,
  orgId: number,
  missing: MessageKey,
  wrongOrg: MessageKey,
  field: string,
) {
  if (id === null || id === undefined) return;
  const [r] = await db<{ org_id: number }[]>`select org_id from ${db(table)} where id = ${id}`;
  if (!r) invalid(missing, field);
  if (r.org_id !== orgId) invalid(wrongOrg, field);
}

// ---------------------------------------------------------------- stage moves

type StageRow = {
  id: number;
  ref: string | null;
  need_id: number | null;
  enterprise_org_id: number;
  institution_org_id: number;
  stage: string;
  dropped_reason: string | null;
  version: number;
};

async function lockIntent(tx: Tx, actor: Actor | null, id: number, version: number): Promise<StageRow & { stage: Stage }> {
  const [row] = await tx<StageRow[]>`
    select id, ref, need_id, enterprise_org_id, institution_org_id, stage, dropped_reason, version
    from intent where id = ${id} for update`;
  if (!row) notFound();
  await assertCanChangeIntent(tx, actor, row);
  // Two organizers on the same intent: the second one's form carries the old version.
  if (row.version !== version) conflict("pipeline.errors.stale");
  if (!isStage(row.stage)) conflict("pipeline.errors.unknownStage");
  return { ...row, stage: row.stage };
}

async function writeMove(
  tx: Tx,
  actor: Actor | null,
  row: StageRow & { stage: Stage },
  to: Stage,
  opts: { note: string | null; reason: string | null; action: string },
) {
  const [after] = await tx<{ id: number; ref: string | null; version: number }[]>`
    update intent set stage = ${to}, dropped_reason = ${to === "dropped" ? opts.reason : null},
      stage_changed_at = now(), version = version + 1
    where id = ${row.id}
    returning id, ref, version`;
  await tx`
    insert into intent_stage_history (intent_id, from_stage, to_stage, changed_by, note)
    values (${row.id}, ${row.stage}, ${to}, ${actor?.id ?? null}, ${to === "dropped" ? opts.reason : opts.note})`;
  await audit(tx, {
    actor,
    action: opts.action,
    entity: "intent",
    entityId: row.id,
    before: { stage: row.stage, dropped_reason: row.dropped_reason, version: row.version },
    after: { stage: to, dropped_reason: to === "dropped" ? opts.reason : null, version: after.version, note: opts.note },
  });
  if (to === "signed" && row.need_id !== null) await markNeedMatched(tx, actor, row.need_id);
  return { id: after.id, ref: after.ref, stage: to, version: after.version };
}

/**
 * A published need whose intent is signed becomes "matched" (已对接), the catalog's status that
 * only the pipeline sets (docs/decisions/012, 051). Other statuses are left alone: a closed need
 * stays closed, a draft is not published by a contract. Audit row and search sync as for any
 * catalog change, in the same transaction.
 */
async function markNeedMatched(tx: Tx, actor: Actor | null, needId: number) {
  const [n] = await tx<{ version: number }[]>`
    update need set status = 'matched', version = version + 1 where id = ${needId} and status = 'published'
    returning version`;
  if (!n) return;
  await audit(tx, { actor, action: "need.matched", entity: "need", entityId: needId, before: { status: "published" }, after: { status: "matched", version: n.version } });
  await enqueueSync(tx, "need", [needId]);
}

function cleanText(value: string | null | undefined, field: string): string | null {
  const s = value?.trim() ?? "";
  if ([...s].length > 2000) invalid("pipeline.errors.noteTooLong", field);
  return s ? s : null;
}

/**
 * Moves an intent to another stage from the version the form showed. 409 with a clear message for
 * a move that makes no sense (back to an earlier stage, out of dropped without reopening, anything
 * after completed) or a stale version; 400 when dropping without a reason. One history row, one
 * audit row.
 */
export async function moveIntent(
  actor: Actor | null,
  input: { id: number; version: number; to: Stage; note?: string | null; reason?: string | null },
): Promise<{ id: number; ref: string | null; stage: Stage; version: number }> {
  if (!isStage(input.to)) invalid("pipeline.errors.unknownStage", "to");
  return sql.begin(async (tx) => {
    const row = await lockIntent(tx, actor, input.id, input.version);
    const problem = moveProblem(row.stage, input.to);
    if (problem) conflict(problem);
    const note = cleanText(input.note, "note");
    const reason = cleanText(input.reason, "reason");
    if (input.to === "dropped" && !reason) invalid("pipeline.errors.reasonRequired", "reason");
    return writeMove(tx, actor, row, input.to, { note, reason, action: input.to === "dropped" ? "intent.drop" : "intent.move" });
  });
}

/** dropped → intent or negotiating, explicitly (decision 051). Same checks and records as a move. */
export async function reopenIntent(
  actor: Actor | null,
  input: { id: number; version: number; to: Stage; note?: string | null },
): Promise<{ id: number; ref: string | null; stage: Stage; version: number }> {
  if (!REOPEN_TO.includes(input.to)) invalid("pipeline.errors.reopenTarget", "to");
  return sql.begin(async (tx) => {
    const row = await lockIntent(tx, actor, input.id, input.version);
    if (row.stage !== "dropped") conflict("pipeline.errors.notDropped");
    return writeMove(tx, actor, row, input.to, { note: cleanText(input.note, "note"), reason: null, action: "intent.reopen" });
  });
}

/**
 * Corrects what was recorded — the summary and the event — from the version the form showed (409
 * when someone changed the intent since). The parties and the stage do not change here: a wrong
 * party is a different intent (drop it, record the right one), stages have their own moves.
 * Audit row with the changed fields; no history row (not a stage change).
 */
export async function updateIntent(
  actor: Actor | null,
  input: { id: number; version: number; summary: string; eventId: number | null },
): Promise<{ id: number; ref: string | null; version: number }> {
  const summary = (input.summary ?? "").trim();
  if ([...summary].length > 5000) invalid("pipeline.errors.summaryTooLong", "summary");
  return sql.begin(async (tx) => {
    const [row] = await tx<(StageRow & { result_id: number | null; summary: string; event_id: number | null })[]>`
      select id, ref, need_id, result_id, enterprise_org_id, institution_org_id, stage, dropped_reason, version, summary, event_id
      from intent where id = ${input.id} for update`;
    if (!row) notFound();
    await assertCanChangeIntent(tx, actor, row);
    if (row.version !== input.version) conflict("pipeline.errors.stale");
    if (input.eventId !== null) {
      const [e] = await tx`select 1 from event where id = ${input.eventId}`;
      if (!e) invalid("pipeline.errors.eventNotFound", "eventId");
    }
    if (!summary && row.need_id === null && row.result_id === null) invalid("pipeline.errors.empty", "summary");
    const [after] = await tx<{ id: number; ref: string | null; version: number }[]>`
      update intent set summary = ${summary}, event_id = ${input.eventId}, version = version + 1
      where id = ${row.id} returning id, ref, version`;
    const before: Record<string, postgres.JSONValue> = { version: row.version };
    const changed: Record<string, postgres.JSONValue> = { version: after.version };
    if (row.summary !== summary) {
      before.summary = row.summary;
      changed.summary = summary;
    }
    if (row.event_id !== input.eventId) {
      before.event_id = row.event_id;
      changed.event_id = input.eventId;
    }
    await audit(tx, { actor, action: "intent.update", entity: "intent", entityId: row.id, before, after: changed });
    return after;
  });
}

/**
 * Inside an agreement's transaction: an intent at "intent" or "negotiating" moves to "signed" (one
 * history row, one audit row); later stages stay where they are. The caller has locked and checked
 * the intent.
 */
export async function markSignedByAgreement(tx: Tx, actor: Actor | null, row: StageRow & { stage: Stage }, agreementTitle: string) {
  if (row.stage !== "intent" && row.stage !== "negotiating") return null;
  return writeMove(tx, actor, row, "signed", { note: agreementTitle, reason: null, action: "intent.move" });
}

/** The locked row for callers that change an intent in their own transaction (agreements). */
export async function lockIntentForAgreement(tx: Tx, actor: Actor | null, id: number) {
  const [row] = await tx<StageRow[]>`
    select id, ref, need_id, enterprise_org_id, institution_org_id, stage, dropped_reason, version
    from intent where id = ${id} for update`;
  if (!row) notFound();
  await assertCanChangeIntent(tx, actor, row);
  if (!isStage(row.stage)) conflict("pipeline.errors.unknownStage");
  return { ...row, stage: row.stage };
}

// ---------------------------------------------------------------- reading

type Named = { id: number; name: string };

export type IntentSummary = {
  id: number;
  ref: string | null;
  enterprise: Named;
  institution: Named & { kind: OrgKind };
  expert: Named | null;
  need: { id: number; ref: string | null; title: string } | null;
  result: { id: number; ref: string | null; title: string } | null;
  event: { id: number; ref: string | null; name: string } | null;
  summary: string;
  stage: Stage;
  droppedReason: string | null;
  stageChangedAt: Date;
  daysInStage: number;
  createdAt: Date;
  agreementCount: number;
  agreementAmount: number;
  version: number;
};

type IntentRow = {
  id: number;
  ref: string | null;
  enterprise_org_id: number;
  enterprise_name: string;
  institution_org_id: number;
  institution_name: string;
  institution_kind: string;
  expert_id: number | null;
  expert_name: string | null;
  need_id: number | null;
  need_ref: string | null;
  need_title: string | null;
  result_id: number | null;
  result_ref: string | null;
  result_title: string | null;
  event_id: number | null;
  event_ref: string | null;
  event_name: string | null;
  meeting_id: number | null;
  summary: string;
  stage: string;
  dropped_reason: string | null;
  stage_changed_at: Date;
  days_in_stage: number;
  created_at: Date;
  created_by_name: string | null;
  agreement_count: number;
  agreement_amount: number;
  version: number;
};

function intentRows(where: Fragment, tail: Fragment = sql``) {
  return sql<IntentRow[]>`
    select i.id, i.ref, i.enterprise_org_id, eo.name as enterprise_name, i.institution_org_id,
      io.name as institution_name, io.kind as institution_kind, i.expert_id, x.name as expert_name,
      i.need_id, n.ref as need_ref, n.title as need_title, i.result_id, r.ref as result_ref, r.title as result_title,
      i.event_id, ev.ref as event_ref, ev.name as event_name, i.meeting_id, i.summary, i.stage, i.dropped_reason,
      i.stage_changed_at, floor(extract(epoch from now() - i.stage_changed_at) / 86400)::int as days_in_stage,
      i.created_at, cu.name as created_by_name,
      coalesce(ag.n, 0)::int as agreement_count, coalesce(ag.amount, 0)::float8 as agreement_amount, i.version
    from intent i
    join organization eo on eo.id = i.enterprise_org_id
    join organization io on io.id = i.institution_org_id
    left join expert x on x.id = i.expert_id
    left join need n on n.id = i.need_id
    left join result r on r.id = i.result_id
    left join event ev on ev.id = i.event_id
    left join app_user cu on cu.id = i.created_by
    left join lateral (select count(*) as n, sum(amount_wan) as amount from agreement a where a.intent_id = i.id) ag on true
    where ${where}
    ${tail}`;
}

function toSummary(r: IntentRow): IntentSummary {
  return {
    id: r.id,
    ref: r.ref,
    enterprise: { id: r.enterprise_org_id, name: r.enterprise_name },
    institution: { id: r.institution_org_id, name: r.institution_name, kind: isOrgKind(r.institution_kind) ? r.institution_kind : "university" },
    expert: r.expert_id !== null && r.expert_name !== null ? { id: r.expert_id, name: r.expert_name } : null,
    need: r.need_id !== null && r.need_title !== null ? { id: r.need_id, ref: r.need_ref, title: r.need_title } : null,
    result: r.result_id !== null && r.result_title !== null ? { id: r.result_id, ref: r.result_ref, title: r.result_title } : null,
    event: r.event_id !== null && r.event_name !== null ? { id: r.event_id, ref: r.event_ref, name: r.event_name } : null,
    summary: r.summary,
    stage: isStage(r.stage) ? r.stage : "intent",
    droppedReason: r.dropped_reason,
    stageChangedAt: r.stage_changed_at,
    daysInStage: r.days_in_stage,
    createdAt: r.created_at,
    agreementCount: r.agreement_count,
    agreementAmount: r.agreement_amount,
    version: r.version,
  };
}

export type HistoryEntry = { id: number; from: Stage | null; to: Stage; by: string | null; at: Date; note: string | null };

export type IntentDetail = IntentSummary & {
  meetingId: number | null;
  createdBy: string | null;
  history: HistoryEntry[];
  /** the viewer may move it, reopen it and record agreements (decision 050) */
  canChange: boolean;
};

/** The intent a URL names (/intents/I001 or /intents/17), or null when unknown or not the viewer's to see. */
export async function getIntent(viewer: Viewer, ref: string | undefined): Promise<IntentDetail | null> {
  const parsed = parseRef(ref);
  if (!parsed || !viewer) return null;
  const [row] = await intentRows(refCondition(sql, "i", parsed), sql`order by ${refOrder(sql, "i", parsed)} limit 1`);
  if (!row || !canSeeIntent(viewer, { enterpriseOrgId: row.enterprise_org_id, institutionOrgId: row.institution_org_id })) return null;
  const history = await sql<{ id: number; from_stage: string | null; to_stage: string; by: string | null; changed_at: Date; note: string | null }[]>`
    select h.id, h.from_stage, h.to_stage, u.name as by, h.changed_at, h.note
    from intent_stage_history h left join app_user u on u.id = h.changed_by
    where h.intent_id = ${row.id}
    order by h.changed_at, h.id`;
  return {
    ...toSummary(row),
    meetingId: row.meeting_id,
    createdBy: row.created_by_name,
    history: history.map((h) => ({
      id: h.id,
      from: isStage(h.from_stage) ? h.from_stage : null,
      to: isStage(h.to_stage) ? h.to_stage : "intent",
      by: h.by,
      at: h.changed_at,
      note: h.note,
    })),
    // seeing is changing for intents (decision 050)
    canChange: true,
  };
}

export type IntentFilters = {
  stage?: Stage;
  eventId?: number;
  enterpriseOrgId?: number;
  institutionOrgId?: number;
  year?: number;
  stuckDays?: number;
};

/** The list's query-string filters; anything malformed is ignored rather than an error page. */
export function parseIntentFilters(params: URLSearchParams): IntentFilters {
  const int = (name: string, min: number, max: number) => {
    const raw = params.get(name)?.normalize("NFKC").trim();
    if (!raw || !/^\d{1,9}$/.test(raw)) return undefined;
    const n = Number(raw);
    return n >= min && n <= max ? n : undefined;
  };
  const stage = params.get("stage");
  return {
    stage: isStage(stage) ? stage : undefined,
    eventId: int("event", 1, Number.MAX_SAFE_INTEGER),
    enterpriseOrgId: int("enterprise", 1, Number.MAX_SAFE_INTEGER),
    institutionOrgId: int("institution", 1, Number.MAX_SAFE_INTEGER),
    year: int("year", 2000, 2100),
    stuckDays: int("stuck", 1, 36500),
  };
}

function filterWhere(viewer: Viewer, f: IntentFilters): Fragment {
  const parts: Fragment[] = [visibleIntentFilter(viewer, "i")];
  if (f.stage) parts.push(sql`i.stage = ${f.stage}`);
  if (f.eventId) parts.push(sql`i.event_id = ${f.eventId}`);
  if (f.enterpriseOrgId) parts.push(sql`i.enterprise_org_id = ${f.enterpriseOrgId}`);
  if (f.institutionOrgId) parts.push(sql`i.institution_org_id = ${f.institutionOrgId}`);
  // the bureau counts by its own calendar year (UTC+8)
  if (f.year) parts.push(sql`extract(year from i.created_at at time zone 'Asia/Shanghai') = ${f.year}`);
  if (f.stuckDays) {
    parts.push(sql`i.stage = any(${[...OPEN_STAGES]}::text[]) and i.stage_changed_at < now() - make_interval(days => ${f.stuckDays})`);
  }
  return parts.reduce((acc, p) => sql`${acc} and ${p}`);
}

/** One page of the intents the viewer may see, newest first, with the total. */
export async function listIntents(
  viewer: Viewer,
  filters: IntentFilters,
  page: { limit: number; offset?: number } = { limit: 50 },
): Promise<{ rows: IntentSummary[]; total: number }> {
  if (!viewer) return { rows: [], total: 0 };
  const where = filterWhere(viewer, filters);
  const order = filters.stuckDays ? sql`order by i.stage_changed_at, i.id` : sql`order by i.created_at desc, i.id desc`;
  const [rows, [{ total }]] = await Promise.all([
    intentRows(where, sql`${order} limit ${page.limit} offset ${page.offset ?? 0}`),
    sql<{ total: number }[]>`select count(*)::int as total from intent i where ${where}`,
  ]);
  return { rows: rows.map(toSummary), total };
}

/** The choices of the list's filters and of the capture form: organizations by side, events, years. */
export async function intentChoices(viewer: Viewer) {
  const [enterprises, institutions, events, years] = await Promise.all([
    sql<{ id: number; name: string }[]>`select id, name from organization where kind = 'enterprise' order by name`,
    sql<{ id: number; name: string }[]>`
      select id, name from organization where kind = any(${[...INSTITUTION_KINDS]}::text[]) order by name`,
    sql<{ id: number; ref: string | null; name: string; starts_on: string }[]>`
      select id, ref, name, to_char(starts_on, 'YYYY-MM-DD') as starts_on from event order by starts_on desc, id desc`,
    viewer
      ? sql<{ year: number }[]>`
          select distinct extract(year from i.created_at at time zone 'Asia/Shanghai')::int as year
          from intent i where ${visibleIntentFilter(viewer, "i")} order by year desc`
      : Promise.resolve([]),
  ]);
  return { enterprises, institutions, events, years: years.map((y) => y.year) };
}

/**
 * The organizations a member may record intents for (their enterprises and institutions); staff get
 * null (any). The capture form preselects the member's side from it.
 */
export async function ownSides(actor: Actor): Promise<{ enterpriseIds: number[]; institutionIds: number[] } | null> {
  if (isStaff(actor)) return null;
  const rows = await sql<{ id: number; kind: string }[]>`
    select o.id, o.kind from membership m join organization o on o.id = m.org_id where m.user_id = ${actor.id}`;
  return {
    enterpriseIds: rows.filter((r) => r.kind === "enterprise").map((r) => r.id),
    institutionIds: rows.filter((r) => (INSTITUTION_KINDS as readonly string[]).includes(r.kind)).map((r) => r.id),
  };
}

/** Needs of an enterprise and results and experts of an institution, for the capture form's pickers. */
export async function partyRecords(viewer: Viewer, enterpriseOrgId: number | null, institutionOrgId: number | null) {
  const [needs, results, experts] = await Promise.all([
    enterpriseOrgId
      ? sql<{ id: number; ref: string | null; title: string }[]>`
          select r.id, r.ref, r.title from need r where r.org_id = ${enterpriseOrgId} and ${readableFilter(viewer, "r")}
          order by r.created_at desc limit 300`
      : Promise.resolve([]),
    institutionOrgId
      ? sql<{ id: number; ref: string | null; title: string }[]>`
          select r.id, r.ref, r.title from result r where r.org_id = ${institutionOrgId} and ${readableFilter(viewer, "r")}
          order by r.created_at desc limit 500`
      : Promise.resolve([]),
    institutionOrgId
      ? sql<{ id: number; name: string }[]>`select r.id, r.name from expert r where r.org_id = ${institutionOrgId} and ${readableFilter(viewer, "r")}
          order by r.name limit 500`
      : Promise.resolve([]),
  ]);
  return { needs, results, experts };
}

export type IntentPrefill = Partial<Pick<CreateIntentInput, "enterpriseOrgId" | "institutionOrgId" | "expertId" | "needId" | "resultId" | "eventId" | "meetingId">>;

/**
 * The capture form's starting values from ?meeting=ID (the meeting's event, its enterprise and
 * institution, a professor who sat at it, the need and result of the request behind it) or from
 * ?need=&result=&event= (their organizations). Only what the viewer may see is used; the rest is
 * left for them to pick.
 */
export async function intentPrefill(viewer: Viewer, params: URLSearchParams): Promise<IntentPrefill> {
  const out: IntentPrefill = {};
  if (!viewer) return out;
  const num = (name: string) => {
    const raw = params.get(name)?.trim();
    return raw && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
  };
  const meetingId = num("meeting");
  if (meetingId) {
    const [m] = await sql<{ id: number; event_id: number; need_id: number | null; result_id: number | null }[]>`
      select m.id, m.event_id, mr.need_id, mr.result_id from meeting m left join meeting_request mr on mr.id = m.request_id
      where m.id = ${meetingId}`;
    if (m) {
      const parties = await sql<{ org_id: number | null; org_kind: string | null; expert_id: number | null; expert_org_id: number | null }[]>`
        select p.org_id, o.kind as org_kind, p.expert_id, x.org_id as expert_org_id
        from meeting_party mp join event_participant p on p.id = mp.participant_id
        left join organization o on o.id = p.org_id
        left join expert x on x.id = p.expert_id
        where mp.meeting_id = ${m.id} order by mp.id`;
      const orgIds = parties.flatMap((p) => [p.org_id, p.expert_org_id]).filter((x): x is number => x !== null);
      const mine = isStaff(viewer) || orgIds.some((id) => viewer.orgIds.includes(id));
      if (mine) {
        out.meetingId = m.id;
        out.eventId = m.event_id;
        out.enterpriseOrgId = parties.find((p) => p.org_kind === "enterprise")?.org_id ?? undefined;
        const expert = parties.find((p) => p.expert_id !== null);
        const inst = parties.find((p) => p.org_kind !== null && (INSTITUTION_KINDS as readonly string[]).includes(p.org_kind));
        out.institutionOrgId = inst?.org_id ?? expert?.expert_org_id ?? undefined;
        if (expert?.expert_id) out.expertId = expert.expert_id;
        if (m.need_id) out.needId = m.need_id;
        if (m.result_id) out.resultId = m.result_id;
      }
    }
  }
  const needId = num("need");
  if (needId && !out.needId) {
    const [n] = await sql<{ id: number; org_id: number }[]>`select id, org_id from need where id = ${needId}`;
    if (n) {
      out.needId = n.id;
      out.enterpriseOrgId ??= n.org_id;
    }
  }
  const resultId = num("result");
  if (resultId && !out.resultId) {
    const [r] = await sql<{ id: number; org_id: number; lead_expert_id: number | null }[]>`
      select id, org_id, lead_expert_id from result where id = ${resultId}`;
    if (r) {
      out.resultId = r.id;
      out.institutionOrgId ??= r.org_id;
      if (r.lead_expert_id) out.expertId ??= r.lead_expert_id;
    }
  }
  const eventRaw = params.get("event")?.trim();
  if (eventRaw && !out.eventId) {
    const parsed = parseRef(eventRaw);
    if (parsed) {
      const [e] = await sql<{ id: number }[]>`select e.id from event e where ${refCondition(sql, "e", parsed)} order by ${refOrder(sql, "e", parsed)} limit 1`;
      if (e) out.eventId = e.id;
    }
  }
  return out;
}

