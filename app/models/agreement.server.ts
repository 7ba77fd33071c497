import type postgres from "postgres";
import { sql } from "../../db/client.server";
import { MAX_DATE, MIN_DATE, parseIsoDate } from "~/utils/catalog";
import { isAgreementKind, parseAmount, todayInChina, type AgreementKind } from "~/utils/pipeline";
import { isStaff } from "~/utils/roles";
import { audit, forbidden, type Actor } from "./audit.server";
import { conflict, invalid, parseRef, type Viewer } from "./catalog.server";
import { lockIntentForAgreement, markSignedByAgreement, visibleIntentFilter } from "./intent.server";

// 合作协议: the agreements an intent leads to (usually one; a second phase is a second row).
// Recording one moves an intent still at "intent" or "negotiating" to "signed", in the same
// transaction, with its history row. Who may: docs/decisions/050-pipeline-permissions.md; the input
// rules (amount, dates, on stage): 052-agreements.md.

type Fragment = postgres.PendingQuery<postgres.Row[]>;

export type AgreementInput = {
  intentId: number;
  title: string;
  kind: string;
  /** 万元; a number, or what was typed ("12.5", "１２．５", "12.5万元") */
  amountWan: number | string;
  /** YYYY-MM-DD, not after today (Asia/Shanghai) */
  signedOn: string;
  signedOnStage: boolean;
  eventId?: number | null;
  documentRef?: string | null;
  idempotencyKey?: string | null;
};

function amountOf(value: number | string): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) invalid("pipeline.errors.amountInvalid", "amount");
    if (value < 0) invalid("pipeline.errors.amountNegative", "amount");
    value = String(value);
  }
  const parsed = parseAmount(value);
  if (!parsed.ok) invalid(parsed.message, "amount");
  return parsed.value;
}

/**
 * Records an agreement for an intent. 400 naming the field for bad input (negative or non-numeric
 * amount, a date in the future, on stage without an event, an unknown kind), 409 for a dropped
 * intent, 403/404 for someone who may not; nothing is written then. Members of either party may
 * record their own intent's agreement; one signed on stage is the bureau's (staff only).
 */
export async function recordAgreement(
  actor: Actor | null,
  input: AgreementInput,
): Promise<{ id: number; ref: string | null; intentId: number; created: boolean; intentMovedToSigned: boolean }> {
  if (!actor) forbidden();
  const title = input.title.trim();
  if (!title) invalid("pipeline.errors.titleRequired", "title");
  if ([...title].length > 200) invalid("pipeline.errors.titleTooLong", "title");
  if (!isAgreementKind(input.kind)) invalid("pipeline.errors.kindInvalid", "kind");
  const kind: AgreementKind = input.kind;
  const amount = amountOf(input.amountWan);
  const signedOn = parseIsoDate(input.signedOn);
  if (!signedOn) invalid("pipeline.errors.dateInvalid", "signedOn");
  if (signedOn < MIN_DATE) invalid("pipeline.errors.dateTooEarly", "signedOn");
  if (signedOn > todayInChina() || signedOn > MAX_DATE) invalid("pipeline.errors.dateFuture", "signedOn");
  const documentRef = input.documentRef?.trim() || null;
  if (documentRef && [...documentRef].length > 200) invalid("pipeline.errors.documentRefTooLong", "documentRef");
  const eventId = input.eventId ?? null;
  if (input.signedOnStage && eventId === null) invalid("pipeline.errors.onStageNeedsEvent", "eventId");

  return sql.begin(async (tx) => {
    const intent = await lockIntentForAgreement(tx, actor, input.intentId);
    if (input.signedOnStage && !isStaff(actor)) invalid("pipeline.errors.onStageStaffOnly", "signedOnStage");
    if (intent.stage === "dropped") conflict("pipeline.errors.intentDropped");
    if (eventId !== null) {
      const [e] = await tx`select 1 from event where id = ${eventId}`;
      if (!e) invalid("pipeline.errors.eventNotFound", "eventId");
    }
    const values = {
      intent_id: intent.id,
      title,
      kind,
      amount_wan: amount,
      signed_on: signedOn,
      signed_on_stage: input.signedOnStage,
      event_id: eventId,
      document_ref: documentRef,
      created_by: actor.id,
      idempotency_key: input.idempotencyKey ?? null,
    };
    const cols = Object.keys(values) as (keyof typeof values)[];
    const [row] = await tx<{ id: number; ref: string | null; version: number }[]>`
      insert into agreement ${tx(values, cols)}
      on conflict (idempotency_key) do nothing
      returning id, ref, version`;
    if (!row) {
      const [first] = await tx<{ id: number; ref: string | null; intent_id: number; created_by: string | null }[]>`
        select id, ref, intent_id, created_by from agreement where idempotency_key = ${values.idempotency_key}`;
      if (!first || first.created_by !== actor.id || first.intent_id !== intent.id) forbidden();
      return { id: first.id, ref: first.ref, intentId: first.intent_id, created: false, intentMovedToSigned: false };
    }
    const { idempotency_key: _key, ...snapshot } = values;
    await audit(tx, { actor, action: "agreement.create", entity: "agreement", entityId: row.id, after: { ...snapshot, version: row.version } });
    const moved = await markSignedByAgreement(tx, actor, intent, title);
    return { id: row.id, ref: row.ref, intentId: intent.id, created: true, intentMovedToSigned: moved !== null };
  });
}

// ---------------------------------------------------------------- reading

export type AgreementRow = {
  id: number;
  ref: string | null;
  intentId: number;
  intentRef: string | null;
  enterprise: { id: number; name: string };
  institution: { id: number; name: string };
  title: string;
  kind: AgreementKind;
  amountWan: number;
  signedOn: string;
  signedOnStage: boolean;
  event: { id: number; ref: string | null; name: string } | null;
  documentRef: string | null;
  createdAt: Date;
};

type Row = {
  id: number;
  ref: string | null;
  intent_id: number;
  intent_ref: string | null;
  enterprise_org_id: number;
  enterprise_name: string;
  institution_org_id: number;
  institution_name: string;
  title: string;
  kind: string;
  amount_wan: number;
  signed_on: string;
  signed_on_stage: boolean;
  event_id: number | null;
  event_ref: string | null;
  event_name: string | null;
  document_ref: string | null;
  created_at: Date;
};

function agreementRows(where: Fragment, tail: Fragment = sql``) {
  return sql<Row[]>`
    select a.id, a.ref, a.intent_id, i.ref as intent_ref, i.enterprise_org_id, eo.name as enterprise_name,
      i.institution_org_id, io.name as institution_name, a.title, a.kind, a.amount_wan::float8 as amount_wan,
      to_char(a.signed_on, 'YYYY-MM-DD') as signed_on, a.signed_on_stage, a.event_id, ev.ref as event_ref,
      ev.name as event_name, a.document_ref, a.created_at
    from agreement a
    join intent i on i.id = a.intent_id
    join organization eo on eo.id = i.enterprise_org_id
    join organization io on io.id = i.institution_org_id
    left join event ev on ev.id = a.event_id
    where ${where}
    ${tail}`;
}

function toAgreement(r: Row): AgreementRow {
  return {
    id: r.id,
    ref: r.ref,
    intentId: r.intent_id,
    intentRef: r.intent_ref,
    enterprise: { id: r.enterprise_org_id, name: r.enterprise_name },
    institution: { id: r.institution_org_id, name: r.institution_name },
    title: r.title,
    kind: isAgreementKind(r.kind) ? r.kind : "技术服务",
    amountWan: r.amount_wan,
    signedOn: r.signed_on,
    signedOnStage: r.signed_on_stage,
    event: r.event_id !== null && r.event_name !== null ? { id: r.event_id, ref: r.event_ref, name: r.event_name } : null,
    documentRef: r.document_ref,
    createdAt: r.created_at,
  };
}

/** The agreements of one intent, oldest first (the caller has checked the viewer may see the intent). */
export async function agreementsOfIntent(intentId: number): Promise<AgreementRow[]> {
  return (await agreementRows(sql`a.intent_id = ${intentId}`, sql`order by a.signed_on, a.id`)).map(toAgreement);
}

export type AgreementFilters = {
  kind?: AgreementKind;
  eventId?: number;
  enterpriseOrgId?: number;
  institutionOrgId?: number;
  year?: number;
  onStage?: boolean;
};

export function parseAgreementFilters(params: URLSearchParams): AgreementFilters {
  const int = (name: string, min: number, max: number) => {
    const raw = params.get(name)?.normalize("NFKC").trim();
    if (!raw || !/^\d{1,15}$/.test(raw)) return undefined;
    const n = Number(raw);
    return n >= min && n <= max ? n : undefined;
  };
  const kind = params.get("kind");
  const stage = params.get("onStage");
  return {
    kind: isAgreementKind(kind) ? kind : undefined,
    eventId: int("event", 1, Number.MAX_SAFE_INTEGER),
    enterpriseOrgId: int("enterprise", 1, Number.MAX_SAFE_INTEGER),
    institutionOrgId: int("institution", 1, Number.MAX_SAFE_INTEGER),
    year: int("year", 2000, 2100),
    onStage: stage === "yes" ? true : stage === "no" ? false : undefined,
  };
}

function filterWhere(viewer: Viewer, f: AgreementFilters): Fragment {
  const parts: Fragment[] = [visibleIntentFilter(viewer, "i")];
  if (f.kind) parts.push(sql`a.kind = ${f.kind}`);
  if (f.eventId) parts.push(sql`a.event_id = ${f.eventId}`);
  if (f.enterpriseOrgId) parts.push(sql`i.enterprise_org_id = ${f.enterpriseOrgId}`);
  if (f.institutionOrgId) parts.push(sql`i.institution_org_id = ${f.institutionOrgId}`);
  if (f.year) parts.push(sql`extract(year from a.signed_on) = ${f.year}`);
  if (f.onStage !== undefined) parts.push(sql`a.signed_on_stage = ${f.onStage}`);
  return parts.reduce((acc, p) => sql`${acc} and ${p}`);
}

/** One page of the agreements the viewer may see (those of intents they may see), newest first, with total and sum. */
export async function listAgreements(
  viewer: Viewer,
  filters: AgreementFilters,
  page: { limit: number; offset?: number } = { limit: 50 },
): Promise<{ rows: AgreementRow[]; total: number; amountWan: number }> {
  if (!viewer) return { rows: [], total: 0, amountWan: 0 };
  const where = filterWhere(viewer, filters);
  const [rows, [agg]] = await Promise.all([
    agreementRows(where, sql`order by a.signed_on desc, a.id desc limit ${page.limit} offset ${page.offset ?? 0}`),
    sql<{ total: number; amount: number }[]>`
      select count(*)::int as total, coalesce(sum(a.amount_wan), 0)::float8 as amount
      from agreement a join intent i on i.id = a.intent_id where ${where}`,
  ]);
  return { rows: rows.map(toAgreement), total: agg.total, amountWan: agg.amount };
}

/** Years that have agreements the viewer may see (the list's year filter). */
export async function agreementYears(viewer: Viewer): Promise<number[]> {
  if (!viewer) return [];
  const rows = await sql<{ year: number }[]>`
    select distinct extract(year from a.signed_on)::int as year
    from agreement a join intent i on i.id = a.intent_id where ${visibleIntentFilter(viewer, "i")} order by year desc`;
  return rows.map((r) => r.year);
}

/** An event by its id or ref (EV14), for routes. */
export async function resolveEventId(ref: string | undefined): Promise<number | null> {
  const parsed = parseRef(ref);
  if (!parsed) return null;
  const [e] = await sql<{ id: number }[]>`
    select id from event e where ${parsed.id === null ? sql`e.ref = ${parsed.ref}` : sql`(e.ref = ${parsed.ref} or e.id = ${parsed.id})`}
    order by (e.ref is not distinct from ${parsed.ref}) desc limit 1`;
  return e?.id ?? null;
}
