import type postgres from "postgres";
import { sql } from "../../db/client.server";
import { enqueueSync } from "../../search/sync.server";
import { isMessageKey, type MessageKey } from "~/locales";
import {
  isCatalogStatus,
  isTechField,
  isVisibility,
  recordPath,
  type CatalogKind,
  type CatalogStatus,
  type TechField,
  type Visibility,
  type WorkflowAction,
} from "~/utils/catalog";
import { isOrgKind, isStaff, type OrgKind, type Role } from "~/utils/roles";
import { audit, forbidden, type Actor, type Tx } from "./audit.server";

// What the three catalog kinds (need, result, expert) share: who may read them, who may change
// them, the review workflow, and the errors the routes turn into messages. The rules, and why,
// are in docs/decisions/012-catalog-permissions.md; the kind-specific fields live in
// need.server.ts, result.server.ts and expert.server.ts.

type Db = postgres.Sql<{ bigint: number }> | Tx;
type Fragment = postgres.PendingQuery<postgres.Row[]>;

export const TABLE = { need: "need", result: "result", expert: "expert" } as const satisfies Record<CatalogKind, string>;

/** Organizations whose members own each kind: enterprises post needs, institutions list results and experts. */
export const OWNER_ORG_KINDS: Record<CatalogKind, readonly OrgKind[]> = {
  need: ["enterprise"],
  result: ["university", "institute"],
  expert: ["university", "institute"],
};

// ---------------------------------------------------------------- errors as thrown Responses

export function notFound(): never {
  throw new Response("Not found", { status: 404 });
}

/** Someone else saved the record since the form was rendered: nothing was written. */
export function stale(): never {
  throw new Response("catalog.errors.stale", { status: 409 });
}

/** The record is not in a state that allows this (e.g. publishing a draft). */
export function conflict(message: MessageKey): never {
  throw new Response(message, { status: 409 });
}

/** Input the form schema cannot know is wrong (e.g. a lead expert of another organization). */
export function invalid(message: MessageKey, field?: string): never {
  throw new Response(message, { status: 400, headers: field ? { "X-Qiao-Field": field } : undefined });
}

export type ModelProblem = { status: 400 | 409; message: MessageKey; field: string | null };

/**
 * A 400 or 409 a model threw, as a message for the form that caused it; null for anything
 * else (403, 404, real errors), which the caller rethrows.
 */
export async function modelProblem(error: unknown): Promise<ModelProblem | null> {
  if (!(error instanceof Response) || (error.status !== 400 && error.status !== 409)) return null;
  const text = await error.clone().text();
  if (!isMessageKey(text)) return null;
  return { status: error.status, message: text, field: error.headers.get("X-Qiao-Field") };
}

// ---------------------------------------------------------------- who is looking

/** A reader: null for a public visitor; orgIds = the organizations the user belongs to. */
export type Viewer = { id: string; role: Role; orgIds: readonly number[] } | null;

export async function loadViewer(user: { id: string; role: Role } | null): Promise<Viewer> {
  if (!user) return null;
  const rows = await sql<{ org_id: number }[]>`select org_id from membership where user_id = ${user.id} order by org_id`;
  return { id: user.id, role: user.role, orgIds: rows.map((r) => r.org_id) };
}

/** The fields of a record that decide who may read it. */
export type AccessRow = { orgId: number; status: string; visibility: string; publishedAt: Date | string | null };

/**
 * Shown to people outside the owning organization at all: published and matched records, and
 * closed ones that had been published (a closed need stays readable where an intent links to
 * it). Drafts, pending submissions and records closed before publication never are.
 * Search is narrower on purpose (closed records are not found): search/documents.server.ts.
 */
export function isListed(row: Pick<AccessRow, "status" | "publishedAt">): boolean {
  return row.status === "published" || row.status === "matched" || (row.status === "closed" && row.publishedAt !== null);
}

export function isMemberOf(viewer: Viewer, orgId: number): boolean {
  return !!viewer && viewer.orgIds.includes(orgId);
}

/**
 * May `viewer` read this record? Staff: everything. Members of the owning organization:
 * everything of theirs. Others: listed records that are public, or `members` when signed in;
 * `private` ones never. readableFilter() below is the same rule in SQL (tested to agree).
 */
export function canRead(viewer: Viewer, row: AccessRow): boolean {
  if (isStaff(viewer)) return true;
  if (isMemberOf(viewer, row.orgId)) return true;
  if (!isListed(row)) return false;
  if (row.visibility === "public") return true;
  if (row.visibility === "members") return viewer !== null;
  return false;
}

/** The same rule for each kind, named for callers that check one kind (search tests). */
export const canReadNeed = canRead;
export const canReadResult = canRead;
export const canReadExpert = canRead;

/**
 * canRead() as a WHERE condition on a need, result or expert row aliased `alias`:
 * `select ... from need n where ${readableFilter(viewer, "n")}`.
 */
export function readableFilter(viewer: Viewer, alias: string): Fragment {
  if (isStaff(viewer)) return sql`true`;
  const a = sql(alias);
  const orgIds = viewer ? [...viewer.orgIds] : [];
  const visibilities = viewer ? ["public", "members"] : ["public"];
  return sql`(
    ${a}.org_id = any(${orgIds}::bigint[])
    or (
      (${a}.status in ('published', 'matched') or (${a}.status = 'closed' and ${a}.published_at is not null))
      and ${a}.visibility = any(${visibilities}::text[])
    )
  )`;
}

/** The ids among `ids` that `viewer` may read, by PostgreSQL (for cross-checking search hits). */
export async function readableIds(viewer: Viewer, kind: CatalogKind, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await sql<{ id: number }[]>`
    select r.id from ${sql(TABLE[kind])} r
    where r.id = any(${[...ids]}::bigint[]) and ${readableFilter(viewer, "r")}
    order by r.id`;
  return rows.map((r) => r.id);
}

/**
 * True when the viewer's side has an accepted meeting request with this record's owner (its
 * organization, a result's lead expert, the expert), which grants its contact details
 * (docs/decisions/042-meeting-requests.md). Loaded lazily: meeting-request.server.ts imports
 * this module's error helpers.
 */
export async function contactGrantedByMeeting(viewer: Viewer, kind: CatalogKind, recordId: number): Promise<boolean> {
  if (!viewer) return false;
  const { contactGrantedByAcceptedRequest } = await import("./meeting-request.server");
  return contactGrantedByAcceptedRequest(viewer.id, kind, recordId);
}

/** Contact details (need/result contact_*, expert email/phone): staff, the owner, or a granted party. */
export async function canSeeContact(viewer: Viewer, kind: CatalogKind, row: AccessRow & { id: number }): Promise<boolean> {
  if (!viewer) return false;
  if (isStaff(viewer) || isMemberOf(viewer, row.orgId)) return true;
  return contactGrantedByMeeting(viewer, kind, row.id);
}

// ---------------------------------------------------------------- the workflow

/**
 * The state machine. `staff`: only organizers and admins; otherwise the owning organization's
 * members may too. need.status also has "matched" (set by the intent pipeline, not here).
 */
export const TRANSITIONS: Record<WorkflowAction, { from: readonly CatalogStatus[]; to: CatalogStatus; staffOnly: boolean }> = {
  submit: { from: ["draft"], to: "pending_review", staffOnly: false },
  withdraw: { from: ["pending_review"], to: "draft", staffOnly: false },
  close: { from: ["draft", "pending_review", "published", "matched"], to: "closed", staffOnly: false },
  publish: { from: ["pending_review"], to: "published", staffOnly: true },
  // 退回修改; also takes a published record down for correction (moderation)
  sendBack: { from: ["pending_review", "published"], to: "draft", staffOnly: true },
};

/** Statuses in which the owning organization may still edit; staff may edit in any. */
export const OWNER_EDITABLE: readonly CatalogStatus[] = ["draft", "pending_review", "published", "matched"];

export type Access = {
  staff: boolean;
  owner: boolean;
  canEdit: boolean;
  canSubmit: boolean;
  canWithdraw: boolean;
  canClose: boolean;
  canPublish: boolean;
  canSendBack: boolean;
  /** the review comment and history (owner and staff) */
  canSeeReview: boolean;
};

/** What the viewer may do with a record they can read: the UI mirrors it, the models enforce it. */
export function accessFor(viewer: Viewer, row: Pick<AccessRow, "orgId" | "status">): Access {
  const staff = isStaff(viewer);
  const owner = isMemberOf(viewer, row.orgId);
  const status = isCatalogStatus(row.status) ? row.status : "closed";
  const may = (a: WorkflowAction) => TRANSITIONS[a].from.includes(status) && (staff || (owner && !TRANSITIONS[a].staffOnly));
  return {
    staff,
    owner,
    canEdit: staff || (owner && OWNER_EDITABLE.includes(status)),
    canSubmit: may("submit"),
    canWithdraw: may("withdraw"),
    canClose: may("close"),
    canPublish: may("publish"),
    canSendBack: may("sendBack"),
    canSeeReview: staff || owner,
  };
}

async function isMember(tx: Tx, userId: string, orgId: number): Promise<boolean> {
  const [row] = await tx<{ one: number }[]>`select 1 as one from membership where org_id = ${orgId} and user_id = ${userId}`;
  return !!row;
}

/**
 * The writer's standing towards an existing record, checked inside the write's transaction:
 * 404 when they may not even read it (its existence stays hidden), 403 when they may read but
 * not change it. Returns whether they act as staff.
 */
export async function assertCanWrite(
  tx: Tx,
  actor: Actor | null,
  row: AccessRow,
  { staffOnly = false }: { staffOnly?: boolean } = {},
): Promise<{ staff: boolean }> {
  if (!actor) {
    if (canRead(null, row)) forbidden();
    notFound();
  }
  const staff = isStaff(actor);
  if (staff) return { staff };
  const member = await isMember(tx, actor.id, row.orgId);
  if (!member) {
    if (canRead({ id: actor.id, role: actor.role, orgIds: [] }, row)) forbidden();
    notFound();
  }
  if (staffOnly) forbidden();
  return { staff };
}

/**
 * May the actor create a record of `kind` for organization `orgId`? Members of an organization
 * of the right kind, and staff. A forged org id is a 403 (or 404 when it does not exist); staff
 * choosing an organization of the wrong kind get a 400 they can correct.
 */
export async function assertCanCreate(tx: Tx, actor: Actor | null, kind: CatalogKind, orgId: number): Promise<void> {
  if (!actor) forbidden();
  const [org] = await tx<{ kind: string }[]>`select kind from organization where id = ${orgId}`;
  const staff = isStaff(actor);
  if (!org) {
    if (staff) invalid("catalog.errors.orgNotFound", "orgId");
    forbidden();
  }
  const rightKind = isOrgKind(org.kind) && OWNER_ORG_KINDS[kind].includes(org.kind);
  if (staff) {
    if (!rightKind) invalid(`catalog.errors.orgKind.${kind}`, "orgId");
    return;
  }
  if (!rightKind || !(await isMember(tx, actor.id, orgId))) forbidden();
}

/** Organizations the actor may create `kind` records for (the editor's picker). */
export async function creatableOrgs(actor: Actor, kind: CatalogKind): Promise<{ id: number; name: string; kind: OrgKind }[]> {
  const kinds = [...OWNER_ORG_KINDS[kind]];
  const rows = isStaff(actor)
    ? await sql<{ id: number; name: string; kind: string }[]>`
        select id, name, kind from organization where kind = any(${kinds}::text[]) order by kind, name`
    : await sql<{ id: number; name: string; kind: string }[]>`
        select o.id, o.name, o.kind from organization o join membership m on m.org_id = o.id and m.user_id = ${actor.id}
        where o.kind = any(${kinds}::text[]) order by o.name`;
  return rows.map((r) => ({ id: r.id, name: r.name, kind: isOrgKind(r.kind) ? r.kind : "enterprise" }));
}

/** The organizations a user belongs to, with their kind (the workspace's picker). */
export async function memberOrgs(userId: string): Promise<{ id: number; name: string; kind: OrgKind }[]> {
  const rows = await sql<{ id: number; name: string; kind: string }[]>`
    select o.id, o.name, o.kind from membership m join organization o on o.id = m.org_id
    where m.user_id = ${userId} order by o.name`;
  return rows.map((r) => ({ id: r.id, name: r.name, kind: isOrgKind(r.kind) ? r.kind : "enterprise" }));
}

/** One organization's name and kind, or null. */
export async function orgBrief(orgId: number): Promise<{ id: number; name: string; kind: OrgKind } | null> {
  const [r] = await sql<{ id: number; name: string; kind: string }[]>`select id, name, kind from organization where id = ${orgId}`;
  return r ? { id: r.id, name: r.name, kind: isOrgKind(r.kind) ? r.kind : "enterprise" } : null;
}

type WorkflowRow = {
  id: number;
  ref: string | null;
  org_id: number;
  status: string;
  visibility: string;
  published_at: Date | null;
  version: number;
  has_field: boolean;
  review_comment: string | null;
};

/**
 * Moves a record along the state machine (TRANSITIONS), as the actor, from the version they
 * saw: 404/403 for those who may not, 409 when the record changed since (stale) or is not in a
 * state that allows it, 400 when a submission lacks its technology field or a send-back its
 * comment. One audit row and one search sync job, in the same transaction.
 */
export async function transition(
  actor: Actor | null,
  kind: CatalogKind,
  input: { id: number; version: number; action: WorkflowAction; comment?: string | null },
): Promise<{ id: number; ref: string | null; status: CatalogStatus; version: number }> {
  const rule = TRANSITIONS[input.action];
  return sql.begin(async (tx) => {
    const table = tx(TABLE[kind]);
    const [row] = await tx<WorkflowRow[]>`
      select id, ref, org_id, status, visibility, published_at, version, review_comment,
        ${kind === "expert" ? tx`true` : tx`field is not null`} as has_field
      from ${table} where id = ${input.id} for update`;
    if (!row) notFound();
    const access: AccessRow = { orgId: row.org_id, status: row.status, visibility: row.visibility, publishedAt: row.published_at };
    await assertCanWrite(tx, actor, access, { staffOnly: rule.staffOnly });
    if (row.version !== input.version) stale();
    if (!isCatalogStatus(row.status) || !rule.from.includes(row.status)) conflict("catalog.errors.wrongStatus");
    if (input.action === "submit" && !row.has_field) invalid("catalog.validation.fieldRequiredOnSubmit", "field");
    const comment = input.comment?.trim() ?? "";
    if (input.action === "sendBack" && (comment.length === 0 || [...comment].length > 2000)) {
      invalid(comment.length === 0 ? "validation.required" : "catalog.validation.max2000", "comment");
    }

    const actorId = actor?.id ?? null;
    // each begins with a comma: the expert table has no closed_at, so its close adds nothing
    const changes: Record<WorkflowAction, Fragment> = {
      submit: tx`, submitted_at = now(), review_comment = null`,
      withdraw: tx``,
      close: kind === "expert" ? tx`` : tx`, closed_at = now()`,
      publish: tx`, published_at = now(), reviewed_by = ${actorId}, reviewed_at = now(), review_comment = null`,
      sendBack: tx`, review_comment = ${comment}, reviewed_by = ${actorId}, reviewed_at = now()`,
    };
    const [after] = await tx<{ id: number; ref: string | null; status: string; version: number; review_comment: string | null }[]>`
      update ${table} set status = ${rule.to}, version = version + 1 ${changes[input.action]}
      where id = ${row.id}
      returning id, ref, status, version, review_comment`;
    await audit(tx, {
      actor,
      action: `${kind}.${input.action === "sendBack" ? "send_back" : input.action}`,
      entity: kind,
      entityId: row.id,
      before: { status: row.status, version: row.version, review_comment: row.review_comment },
      after: { status: after.status, version: after.version, review_comment: after.review_comment },
    });
    await enqueueSync(tx, kind, [row.id]);
    return { id: after.id, ref: after.ref, status: rule.to, version: after.version };
  });
}

// ---------------------------------------------------------------- reading one record

/** The columns every catalog row query returns that access depends on. */
export type AccessColumns = { org_id: number; status: string; visibility: string; published_at: Date | string | null };

export function accessRowOf(r: AccessColumns): AccessRow {
  return { orgId: r.org_id, status: r.status, visibility: r.visibility, publishedAt: r.published_at };
}

type RowQuery<R> = (db: Db, where: Fragment, tail: Fragment) => Promise<R[]>;

/**
 * The record a URL names (/needs/N001 or /needs/17) through the kind's row query, as the
 * viewer may see it (`toView`), or null when it does not exist or the viewer may not read it.
 */
export async function findReadable<R extends AccessColumns, V>(
  viewer: Viewer,
  ref: string | undefined,
  query: { rows: RowQuery<R>; alias: string; toView: (viewer: Viewer, row: R) => Promise<V> },
): Promise<V | null> {
  const parsed = parseRef(ref);
  if (!parsed) return null;
  const [row] = await query.rows(sql, refCondition(sql, query.alias, parsed), sql`order by ${refOrder(sql, query.alias, parsed)} limit 1`);
  if (!row || !canRead(viewer, accessRowOf(row))) return null;
  return query.toView(viewer, row);
}

/** findReadable for an edit form: 404 when unknown or unreadable, 403 when readable but not editable. */
export async function findEditable<R extends AccessColumns, V extends { access: Access }>(
  viewer: Viewer,
  ref: string | undefined,
  query: { rows: RowQuery<R>; alias: string; toView: (viewer: Viewer, row: R) => Promise<V> },
): Promise<V> {
  const view = await findReadable(viewer, ref, query);
  if (!view) notFound();
  if (!view.access.canEdit) throw new Response("Forbidden", { status: 403 });
  return view;
}

// ---------------------------------------------------------------- creating and saving forms

/** The audited picture of a row: the form's columns (`names`), status and version. */
function snapshot(names: readonly string[], row: Record<string, unknown>): Record<string, postgres.JSONValue> {
  const out: Record<string, postgres.JSONValue> = {};
  for (const k of [...names, "status", "version"]) out[k] = toJson(row[k]);
  return out;
}

type Saved = { id: number; ref: string | null; status: CatalogStatus; version: number };

/**
 * A new record of `kind` for organization `orgId`, as a draft — or straight into review with
 * `submit` — with one audit row and one sync job, in the caller's transaction: 403 unless the
 * actor may create for the organization, then `check` runs the kind's own rules.
 */
export async function insertRecord(
  tx: Tx,
  actor: Actor | null,
  kind: CatalogKind,
  names: readonly string[],
  input: { orgId: number; submit?: boolean; values: Record<string, unknown>; check?: () => Promise<void> | void },
): Promise<Saved> {
  await assertCanCreate(tx, actor, kind, input.orgId);
  await input.check?.();
  const status: CatalogStatus = input.submit ? "pending_review" : "draft";
  const row = {
    ...input.values,
    org_id: input.orgId,
    status,
    submitted_at: input.submit ? new Date() : null,
    created_by: actor?.id ?? null,
  };
  const [saved] = await tx<{ id: number; ref: string | null; version: number }[]>`
    insert into ${tx(TABLE[kind])} ${tx(row as Record<string, postgres.ParameterOrJSON<never>>, ["org_id", "status", "submitted_at", "created_by", ...names])}
    returning id, ref, version`;
  await audit(tx, {
    actor,
    action: `${kind}.create`,
    entity: kind,
    entityId: saved.id,
    after: { org_id: input.orgId, ...snapshot(names, { ...input.values, status, version: saved.version }) },
  });
  await enqueueSync(tx, kind, [saved.id]);
  return { id: saved.id, ref: saved.ref, status, version: saved.version };
}

/**
 * Saves a form over `before` (the row read `for update`, or undefined: 404), from the version
 * the form was rendered with (409 when it changed since: nothing is written). The owner may
 * edit until the record is closed, staff always; `submit` also sends a draft to review.
 * `check` runs the kind's own rules once access is settled, before anything is written.
 */
export async function saveRecord(
  tx: Tx,
  actor: Actor | null,
  kind: CatalogKind,
  names: readonly string[],
  before: (Record<string, unknown> & { id: number; org_id: number; status: string; visibility: string; published_at: Date | string | null; version: number }) | undefined,
  input: { version: number; submit?: boolean; values: Record<string, unknown>; check?: (next: CatalogStatus) => Promise<void> | void },
): Promise<Saved> {
  if (!before) notFound();
  const { staff } = await assertCanWrite(tx, actor, { orgId: before.org_id, status: before.status, visibility: before.visibility, publishedAt: before.published_at });
  if (before.version !== input.version) stale();
  const status = isCatalogStatus(before.status) ? before.status : "closed";
  if (!staff && !OWNER_EDITABLE.includes(status)) conflict("catalog.errors.notEditable");
  if (input.submit && status !== "draft") conflict("catalog.errors.wrongStatus");
  const next: CatalogStatus = input.submit ? "pending_review" : status;
  await input.check?.(next);

  const [after] = await tx<{ id: number; ref: string | null; version: number }[]>`
    update ${tx(TABLE[kind])} set ${tx(input.values as Record<string, postgres.ParameterOrJSON<never>>, ...names)}, status = ${next}, version = version + 1
      ${input.submit ? tx`, submitted_at = now(), review_comment = null` : tx``}
    where id = ${before.id}
    returning id, ref, version`;
  await audit(tx, {
    actor,
    action: `${kind}.${input.submit ? "update_submit" : "update"}`,
    entity: kind,
    entityId: before.id,
    ...diff(snapshot(names, before), snapshot(names, { ...input.values, status: next, version: after.version })),
  });
  await enqueueSync(tx, kind, [before.id]);
  return { id: after.id, ref: after.ref, status: next, version: after.version };
}

// ---------------------------------------------------------------- finding records by URL

/** /needs/N001 or /needs/17: an external ref, else a numeric id. null = cannot be a record. */
export function parseRef(ref: string | undefined): { ref: string; id: number | null } | null {
  if (!ref || ref.length > 64) return null;
  const id = /^\d{1,15}$/.test(ref) ? Number(ref) : null;
  return { ref, id: id && id > 0 ? id : null };
}

/** WHERE for "this ref": the external ref wins over a numeric id that happens to match another row. */
export function refCondition(db: Db, alias: string, ref: { ref: string; id: number | null }): Fragment {
  const a = db(alias);
  return ref.id === null
    ? db`${a}.ref = ${ref.ref}`
    : db`(${a}.ref = ${ref.ref} or ${a}.id = ${ref.id})`;
}

export function refOrder(db: Db, alias: string, ref: { ref: string }): Fragment {
  return db`(${db(alias)}.ref is not distinct from ${ref.ref}) desc`;
}

/** The id of the record a URL names, whoever asks (write paths check rights themselves). */
export async function resolveRef(kind: CatalogKind, ref: string | undefined): Promise<number | null> {
  const parsed = parseRef(ref);
  if (!parsed) return null;
  const [row] = await sql<{ id: number }[]>`
    select r.id from ${sql(TABLE[kind])} r where ${refCondition(sql, "r", parsed)} order by ${refOrder(sql, "r", parsed)} limit 1`;
  return row?.id ?? null;
}

/**
 * For a visitor who may not read a record: true when signing in would help (the record is
 * listed for signed-in members). Anything else stays a plain 404.
 */
export async function needsSignIn(kind: CatalogKind, ref: string | undefined): Promise<boolean> {
  const parsed = parseRef(ref);
  if (!parsed) return false;
  const [row] = await sql<{ status: string; visibility: string; published_at: Date | null }[]>`
    select r.status, r.visibility, r.published_at from ${sql(TABLE[kind])} r
    where ${refCondition(sql, "r", parsed)} order by ${refOrder(sql, "r", parsed)} limit 1`;
  return !!row && row.visibility === "members" && isListed({ status: row.status, publishedAt: row.published_at });
}

/** Who changed the record last, and when (for "someone else changed it" messages). */
export async function lastChange(kind: CatalogKind | "organization", id: number): Promise<{ at: Date | null; by: string | null; version: number } | null> {
  const [row] = await sql<{ at: Date | null; by: string | null; version: number }[]>`
    select coalesce(a.at, r.updated_at) as at, u.name as by, r.version
    from ${sql(kind === "organization" ? "organization" : TABLE[kind])} r
    left join lateral (
      select at, actor_id from audit_log where entity = ${kind} and entity_id = r.id::text order by at desc, id desc limit 1
    ) a on true
    left join app_user u on u.id = a.actor_id
    where r.id = ${id}`;
  return row ? { at: row.at, by: row.by, version: row.version } : null;
}

// ---------------------------------------------------------------- lists

/** One line of a list: enough for a title link, a status badge and a date. */
export type RecordSummary = {
  kind: CatalogKind;
  id: number;
  ref: string | null;
  path: string;
  title: string;
  subtitle: string | null;
  field: TechField | null;
  status: CatalogStatus;
  visibility: Visibility;
  orgId: number;
  orgName: string;
  updatedAt: Date;
  publishedAt: Date | null;
  submittedAt: Date | null;
  reviewComment: string | null;
  version: number;
};

type SummaryRow = {
  kind: CatalogKind;
  id: number;
  ref: string | null;
  title: string;
  subtitle: string | null;
  field: string | null;
  status: string;
  visibility: string;
  org_id: number;
  org_name: string;
  updated_at: Date;
  published_at: Date | null;
  submitted_at: Date | null;
  review_comment: string | null;
  version: number;
};

function toSummary(r: SummaryRow, { withReview }: { withReview: boolean }): RecordSummary {
  return {
    kind: r.kind,
    id: r.id,
    ref: r.ref,
    path: recordPath(r.kind, r),
    title: r.title,
    subtitle: r.subtitle,
    field: isTechField(r.field) ? r.field : null,
    status: isCatalogStatus(r.status) ? r.status : "closed",
    visibility: isVisibility(r.visibility) ? r.visibility : "private",
    orgId: r.org_id,
    orgName: r.org_name,
    updatedAt: r.updated_at,
    publishedAt: r.published_at,
    submittedAt: r.submitted_at,
    reviewComment: withReview ? r.review_comment : null,
    version: r.version,
  };
}

/** Summaries of one kind; `where` is a condition on alias `r` (and `o`, the organization). */
function summaries(db: Db, kind: CatalogKind, where: Fragment, tail: Fragment) {
  const subtitle =
    kind === "need"
      ? db`nullif(left(r.description, 80), '')`
      : kind === "result"
        ? db`r.maturity`
        : db`r.title`;
  const field = kind === "expert" ? db`r.fields[1]` : db`r.field`;
  const title = kind === "expert" ? db`r.name` : db`r.title`;
  return db<SummaryRow[]>`
    select ${kind}::text as kind, r.id, r.ref, ${title} as title, ${subtitle} as subtitle, ${field} as field,
      r.status, r.visibility, r.org_id, coalesce(o.short_name, o.name) as org_name, r.updated_at, r.published_at,
      r.submitted_at, r.review_comment, r.version
    from ${db(TABLE[kind])} r join organization o on o.id = r.org_id
    where ${where}
    ${tail}`;
}

/** Records of one kind the viewer may read, matching `where` (on alias r), newest first. */
export async function listReadable(viewer: Viewer, kind: CatalogKind, where: Fragment, limit = 50): Promise<RecordSummary[]> {
  const rows = await summaries(
    sql,
    kind,
    sql`${readableFilter(viewer, "r")} and ${where}`,
    sql`order by coalesce(r.published_at, r.updated_at) desc, r.id desc limit ${limit}`,
  );
  return rows.map((r) => toSummary(r, { withReview: false }));
}

export type OrgCatalog = Record<"needs" | "results" | "experts", RecordSummary[]>;

/**
 * An organization's needs, results and experts as the viewer may see them: members and staff
 * every status (drafts included), everybody else the listed ones their visibility allows.
 */
export async function listOrgCatalog(viewer: Viewer, orgId: number, limit = 200): Promise<OrgCatalog> {
  const where = sql`r.org_id = ${orgId}`;
  const [needs, results, experts] = await Promise.all([
    listReadable(viewer, "need", where, limit),
    listReadable(viewer, "result", where, limit),
    listReadable(viewer, "expert", where, limit),
  ]);
  return { needs, results, experts };
}

/**
 * What an organization's page shows of its catalog to this user: the records (listOrgCatalog),
 * whether they may add to each kind, and whether statuses matter to them (members and staff).
 */
export async function orgCatalogView(user: { id: string; role: Role } | null, org: { id: number; kind: OrgKind }) {
  const viewer = await loadViewer(user);
  const catalog = await listOrgCatalog(viewer, org.id);
  const insider = isStaff(viewer) || isMemberOf(viewer, org.id);
  const canAdd = {
    need: insider && OWNER_ORG_KINDS.need.includes(org.kind),
    result: insider && OWNER_ORG_KINDS.result.includes(org.kind),
    expert: insider && OWNER_ORG_KINDS.expert.includes(org.kind),
  };
  return { catalog, canAdd, showStatus: insider };
}

/**
 * A member's workspace: every record of the organization, every status, with the reviewers'
 * comments. Members of the organization and staff only (403).
 */
export async function listWorkspace(actor: Actor | null, orgId: number): Promise<OrgCatalog> {
  if (!actor) forbidden();
  if (!isStaff(actor)) {
    const [m] = await sql<{ one: number }[]>`select 1 as one from membership where org_id = ${orgId} and user_id = ${actor.id}`;
    if (!m) forbidden();
  }
  const order = sql`order by (r.status = 'draft' and r.review_comment is not null) desc, r.updated_at desc, r.id desc`;
  const [needs, results, experts] = await Promise.all(
    (["need", "result", "expert"] as const).map((kind) => summaries(sql, kind, sql`r.org_id = ${orgId}`, order)),
  );
  const map = (rows: SummaryRow[]) => rows.map((r) => toSummary(r, { withReview: true }));
  return { needs: map(needs), results: map(results), experts: map(experts) };
}

/** The review queue: every pending submission, oldest first. Staff only (403). */
export async function listPendingReview(actor: Actor | null): Promise<RecordSummary[]> {
  if (!isStaff(actor)) forbidden();
  const order = sql`order by r.submitted_at asc nulls last, r.id`;
  const all = await Promise.all(
    (["need", "result", "expert"] as const).map((kind) => summaries(sql, kind, sql`r.status = 'pending_review'`, order)),
  );
  return all
    .flat()
    .map((r) => toSummary(r, { withReview: true }))
    .sort((a, b) => (a.submittedAt?.getTime() ?? 0) - (b.submittedAt?.getTime() ?? 0) || a.id - b.id);
}

/** How many submissions wait for review (for a badge). Staff only; 0 for others. */
export async function countPendingReview(actor: Actor | null): Promise<number> {
  if (!isStaff(actor)) return 0;
  const [row] = await sql<{ n: number }[]>`
    select (select count(*) from need where status = 'pending_review')
         + (select count(*) from result where status = 'pending_review')
         + (select count(*) from expert where status = 'pending_review') as n`;
  return Number(row.n);
}

// ---------------------------------------------------------------- audit snapshots

/** before/after of an update: only the columns that changed (and the version). */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const b: Record<string, postgres.JSONValue> = {};
  const a: Record<string, postgres.JSONValue> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key]) || key === "version") {
      b[key] = toJson(before[key]);
      a[key] = toJson(after[key]);
    }
  }
  return { before: b, after: a };
}

export function toJson(value: unknown): postgres.JSONValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return String(value);
}
