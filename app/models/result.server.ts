import type postgres from "postgres";
import { sql } from "../../db/client.server";
import {
  isCatalogStatus,
  isCooperationMode,
  isMaturity,
  isTechField,
  isVisibility,
  type CatalogStatus,
  type CooperationMode,
  type Maturity,
  type ResultInput,
  type TechField,
  type Visibility,
} from "~/utils/catalog";
import { isOrgKind, type OrgKind } from "~/utils/roles";
import { type Actor, type Tx } from "./audit.server";
import {
  accessFor,
  canRead,
  canSeeContact,
  invalid,
  listReadable,
  transition,
  type Access,
  type RecordSummary,
  type Viewer,
  insertRecord,
  saveRecord,
  findEditable,
  findReadable,
} from "./catalog.server";
import type { Contact } from "./need.server";

// 科研成果: a university's or institute's research results, each led by one of its experts.
// Shared rules (reading, writing, the review workflow) are in catalog.server.ts.

export type Result = {
  kind: "result";
  id: number;
  ref: string | null;
  org: { id: number; name: string; kind: OrgKind };
  /** null when there is none or the viewer may not read the expert's profile */
  leadExpert: { id: number; ref: string | null; name: string; title: string | null } | null;
  leadExpertId: number | null;
  title: string;
  summary: string;
  field: TechField | null;
  keywords: string[];
  maturity: Maturity | null;
  ip: string | null;
  cooperation: CooperationMode[];
  priceWan: number | null;
  status: CatalogStatus;
  visibility: Visibility;
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
  publishedAt: Date | null;
  closedAt: Date | null;
  version: number;
  review: { comment: string | null; at: Date | null; by: string | null } | null;
  contact: Contact | null;
  access: Access;
};

type ResultRow = {
  id: number;
  ref: string | null;
  org_id: number;
  org_name: string;
  org_kind: string;
  lead_expert_id: number | null;
  title: string;
  summary: string;
  field: string | null;
  keywords: string[];
  maturity: string | null;
  ip: string | null;
  cooperation: string[];
  price_wan: number | null;
  status: string;
  visibility: string;
  review_comment: string | null;
  reviewed_at: Date | null;
  reviewer_name: string | null;
  submitted_at: Date | null;
  published_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
};

function resultRows(db: postgres.Sql<{ bigint: number }> | Tx, where: postgres.PendingQuery<postgres.Row[]>, tail = db``) {
  return db<ResultRow[]>`
    select r.id, r.ref, r.org_id, o.name as org_name, o.kind as org_kind, r.lead_expert_id, r.title, r.summary,
      r.field, r.keywords, r.maturity, r.ip, r.cooperation, r.price_wan::float8 as price_wan, r.status,
      r.visibility, r.review_comment, r.reviewed_at, ru.name as reviewer_name, r.submitted_at, r.published_at,
      r.closed_at, r.created_at, r.updated_at, r.version, r.contact_name, r.contact_phone, r.contact_email
    from result r
    join organization o on o.id = r.org_id
    left join app_user ru on ru.id = r.reviewed_by
    where ${where}
    ${tail}`;
}

function accessRow(r: ResultRow) {
  return { orgId: r.org_id, status: r.status, visibility: r.visibility, publishedAt: r.published_at };
}

async function leadExpertFor(viewer: Viewer, id: number | null): Promise<Result["leadExpert"]> {
  if (id === null) return null;
  const [x] = await sql<
    { id: number; ref: string | null; name: string; title: string | null; org_id: number; status: string; visibility: string; published_at: Date | null }[]
  >`select id, ref, name, title, org_id, status, visibility, published_at from expert where id = ${id}`;
  if (!x || !canRead(viewer, { orgId: x.org_id, status: x.status, visibility: x.visibility, publishedAt: x.published_at })) return null;
  return { id: x.id, ref: x.ref, name: x.name, title: x.title };
}

async function toResult(viewer: Viewer, r: ResultRow): Promise<Result> {
  const access = accessFor(viewer, accessRow(r));
  const [showContact, leadExpert] = await Promise.all([
    canSeeContact(viewer, "result", { id: r.id, ...accessRow(r) }),
    leadExpertFor(viewer, r.lead_expert_id),
  ]);
  return {
    kind: "result",
    id: r.id,
    ref: r.ref,
    org: { id: r.org_id, name: r.org_name, kind: isOrgKind(r.org_kind) ? r.org_kind : "university" },
    leadExpert,
    // the id itself only for those who edit (the form's select); others see leadExpert or nothing
    leadExpertId: access.canEdit ? r.lead_expert_id : (leadExpert?.id ?? null),
    title: r.title,
    summary: r.summary,
    field: isTechField(r.field) ? r.field : null,
    keywords: r.keywords,
    maturity: isMaturity(r.maturity) ? r.maturity : null,
    ip: r.ip,
    cooperation: r.cooperation.filter(isCooperationMode),
    priceWan: r.price_wan,
    status: isCatalogStatus(r.status) ? r.status : "closed",
    visibility: isVisibility(r.visibility) ? r.visibility : "private",
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    submittedAt: r.submitted_at,
    publishedAt: r.published_at,
    closedAt: r.closed_at,
    version: r.version,
    review: access.canSeeReview ? { comment: r.review_comment, at: r.reviewed_at, by: r.reviewer_name } : null,
    contact: showContact ? { name: r.contact_name, phone: r.contact_phone, email: r.contact_email } : null,
    access,
  };
}

/** The result a URL names (/results/R0001 or /results/17), or null when unknown or not readable. */
export function getResult(viewer: Viewer, ref: string | undefined): Promise<Result | null> {
  return findReadable(viewer, ref, { rows: resultRows, alias: "r", toView: toResult });
}

/** For the edit form: 404 when unknown or unreadable, 403 when readable but not editable. */
export function getResultForEdit(viewer: Viewer, ref: string | undefined): Promise<Result> {
  return findEditable(viewer, ref, { rows: resultRows, alias: "r", toView: toResult });
}

/** Related records on a result's page: the lead expert's other results. */
export async function resultRelated(viewer: Viewer, result: Pick<Result, "id" | "leadExpert" | "field">) {
  const listed = sql`r.status in ('published', 'matched')`;
  const [otherResults, needsInField] = await Promise.all([
    result.leadExpert
      ? listReadable(viewer, "result", sql`r.lead_expert_id = ${result.leadExpert.id} and r.id <> ${result.id} and ${listed}`, 6)
      : Promise.resolve([] as RecordSummary[]),
    result.field ? listReadable(viewer, "need", sql`r.field = ${result.field} and ${listed}`, 6) : Promise.resolve([] as RecordSummary[]),
  ]);
  return { otherResults, needsInField };
}

/**
 * Experts of these organizations, for the lead-expert picker (the editor's own organizations),
 * plus the current lead (`keep`) should they have moved elsewhere since.
 */
export async function leadExpertChoices(
  orgIds: readonly number[],
  keep: number | null = null,
): Promise<{ id: number; name: string; title: string | null; orgId: number }[]> {
  if (orgIds.length === 0) return [];
  const rows = await sql<{ id: number; name: string; title: string | null; org_id: number }[]>`
    select id, name, title, org_id from expert
    where (org_id = any(${[...orgIds]}::bigint[]) and status <> 'closed') or id = ${keep ?? 0}
    order by org_id, name`;
  return rows.map((r) => ({ id: r.id, name: r.name, title: r.title, orgId: r.org_id }));
}

// ---------------------------------------------------------------- writes

function columns(input: ResultInput) {
  return {
    title: input.title.trim(),
    summary: input.summary,
    field: input.field,
    keywords: input.keywords,
    maturity: input.maturity,
    ip: input.ip,
    cooperation: input.cooperation,
    price_wan: input.price,
    lead_expert_id: input.leadExpertId,
    visibility: input.visibility,
    contact_name: input.contactName,
    contact_phone: input.contactPhone,
    contact_email: input.contactEmail,
  };
}
type Columns = ReturnType<typeof columns>;
const COLUMN_NAMES: (keyof Columns)[] = [
  "title",
  "summary",
  "field",
  "keywords",
  "maturity",
  "ip",
  "cooperation",
  "price_wan",
  "lead_expert_id",
  "visibility",
  "contact_name",
  "contact_phone",
  "contact_email",
];
/** The lead expert must be one of the result's own organization (400 on the field otherwise). */
async function assertLeadExpert(tx: Tx, expertId: number | null, orgId: number) {
  if (expertId === null) return;
  const [x] = await tx<{ org_id: number }[]>`select org_id from expert where id = ${expertId}`;
  if (!x || x.org_id !== orgId) invalid("catalog.validation.leadExpertOrg", "leadExpertId");
}

/** A new result of an institution, as a draft or (submit) straight into review. Members and staff. */
export async function createResult(
  actor: Actor | null,
  input: ResultInput & { orgId: number; submit?: boolean },
): Promise<{ id: number; ref: string | null; status: CatalogStatus }> {
  return sql.begin(async (tx) => {
    return insertRecord(tx, actor, "result", COLUMN_NAMES, {
      orgId: input.orgId,
      submit: input.submit,
      values: columns(input),
      check: async () => {
        await assertLeadExpert(tx, input.leadExpertId, input.orgId);
        if (input.submit && !input.field) invalid("catalog.validation.fieldRequiredOnSubmit", "field");
      },
    });
  });
}

/** Saves the form over the result from the version it was rendered with (409 when stale). */
export async function updateResult(
  actor: Actor | null,
  input: ResultInput & { id: number; version: number; submit?: boolean },
): Promise<{ id: number; ref: string | null; status: CatalogStatus; version: number }> {
  return sql.begin(async (tx) => {
    const [before] = await resultRows(tx, tx`r.id = ${input.id}`, tx`for update of r`);
    return saveRecord(tx, actor, "result", COLUMN_NAMES, before, {
      version: input.version,
      submit: input.submit,
      values: columns(input),
      check: async (next) => {
        // An expert who moved to another organization stays the lead of the results they had.
        if (input.leadExpertId !== before?.lead_expert_id) await assertLeadExpert(tx, input.leadExpertId, before!.org_id);
        if (!input.field && next !== "draft") invalid("catalog.validation.fieldRequiredOnSubmit", "field");
      },
    });
  });
}

type Step = { id: number; version: number };

export const submitResult = (actor: Actor | null, s: Step) => transition(actor, "result", { ...s, action: "submit" });
export const withdrawResult = (actor: Actor | null, s: Step) => transition(actor, "result", { ...s, action: "withdraw" });
export const closeResult = (actor: Actor | null, s: Step) => transition(actor, "result", { ...s, action: "close" });
export const publishResult = (actor: Actor | null, s: Step) => transition(actor, "result", { ...s, action: "publish" });
export const sendBackResult = (actor: Actor | null, s: Step & { comment: string }) =>
  transition(actor, "result", { ...s, action: "sendBack" });
