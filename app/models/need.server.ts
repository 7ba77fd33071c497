import type postgres from "postgres";
import { sql } from "../../db/client.server";
import {
  isCatalogStatus,
  isCooperationMode,
  isTechField,
  isVisibility,
  type CatalogStatus,
  type CooperationMode,
  type NeedInput,
  type TechField,
  type Visibility,
} from "~/utils/catalog";
import { isOrgKind, type OrgKind } from "~/utils/roles";
import { type Actor, type Tx } from "./audit.server";
import {
  accessFor,
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

// 技术需求: an enterprise's technology needs. Rules shared with results and experts (who may
// read and write, the review workflow) are in catalog.server.ts.

export type Contact = { name: string | null; phone: string | null; email: string | null };

export type Need = {
  kind: "need";
  id: number;
  ref: string | null;
  org: { id: number; name: string; kind: OrgKind };
  title: string;
  description: string;
  field: TechField | null;
  keywords: string[];
  cooperation: CooperationMode[];
  budgetWan: number | null;
  deadline: string | null;
  status: CatalogStatus;
  visibility: Visibility;
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
  publishedAt: Date | null;
  closedAt: Date | null;
  version: number;
  /** only for the owner and staff (null otherwise) */
  review: { comment: string | null; at: Date | null; by: string | null } | null;
  /** null unless the viewer may see it (canSeeContact) */
  contact: Contact | null;
  access: Access;
};

type NeedRow = {
  id: number;
  ref: string | null;
  org_id: number;
  org_name: string;
  org_kind: string;
  title: string;
  description: string;
  field: string | null;
  keywords: string[];
  cooperation: string[];
  budget_wan: number | null;
  deadline: string | null;
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

function needRows(db: postgres.Sql<{ bigint: number }> | Tx, where: postgres.PendingQuery<postgres.Row[]>, tail = db``) {
  return db<NeedRow[]>`
    select n.id, n.ref, n.org_id, o.name as org_name, o.kind as org_kind, n.title, n.description, n.field,
      n.keywords, n.cooperation, n.budget_wan::float8 as budget_wan, to_char(n.deadline, 'YYYY-MM-DD') as deadline,
      n.status, n.visibility, n.review_comment, n.reviewed_at, ru.name as reviewer_name, n.submitted_at,
      n.published_at, n.closed_at, n.created_at, n.updated_at, n.version, n.contact_name, n.contact_phone,
      n.contact_email
    from need n
    join organization o on o.id = n.org_id
    left join app_user ru on ru.id = n.reviewed_by
    where ${where}
    ${tail}`;
}

function accessRow(r: NeedRow) {
  return { orgId: r.org_id, status: r.status, visibility: r.visibility, publishedAt: r.published_at };
}

async function toNeed(viewer: Viewer, r: NeedRow): Promise<Need> {
  const access = accessFor(viewer, accessRow(r));
  const showContact = await canSeeContact(viewer, "need", { id: r.id, ...accessRow(r) });
  return {
    kind: "need",
    id: r.id,
    ref: r.ref,
    org: { id: r.org_id, name: r.org_name, kind: isOrgKind(r.org_kind) ? r.org_kind : "enterprise" },
    title: r.title,
    description: r.description,
    field: isTechField(r.field) ? r.field : null,
    keywords: r.keywords,
    cooperation: r.cooperation.filter(isCooperationMode),
    budgetWan: r.budget_wan,
    deadline: r.deadline,
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

/** The need a URL names (/needs/N001 or /needs/17), or null when it does not exist or the viewer may not read it. */
export function getNeed(viewer: Viewer, ref: string | undefined): Promise<Need | null> {
  return findReadable(viewer, ref, { rows: needRows, alias: "n", toView: toNeed });
}

/** The need for its edit form: 404 when unknown or unreadable, 403 when readable but not editable. */
export function getNeedForEdit(viewer: Viewer, ref: string | undefined): Promise<Need> {
  return findEditable(viewer, ref, { rows: needRows, alias: "n", toView: toNeed });
}

/** Related records on a need's page: other needs of its organization; results in its field. */
export async function needRelated(viewer: Viewer, need: Pick<Need, "id" | "org" | "field">) {
  const listed = sql`r.status in ('published', 'matched')`;
  const [otherNeeds, resultsInField] = await Promise.all([
    listReadable(viewer, "need", sql`r.org_id = ${need.org.id} and r.id <> ${need.id} and ${listed}`, 6),
    need.field ? listReadable(viewer, "result", sql`r.field = ${need.field} and ${listed}`, 6) : Promise.resolve([] as RecordSummary[]),
  ]);
  return { otherNeeds, resultsInField };
}

// ---------------------------------------------------------------- writes

/** The columns a form writes, in the database's names. */
function columns(input: NeedInput) {
  return {
    title: input.title.trim(),
    description: input.description,
    field: input.field,
    keywords: input.keywords,
    cooperation: input.cooperation,
    budget_wan: input.budget,
    deadline: input.deadline,
    visibility: input.visibility,
    contact_name: input.contactName,
    contact_phone: input.contactPhone,
    contact_email: input.contactEmail,
  };
}
type Columns = ReturnType<typeof columns>;
const COLUMN_NAMES: (keyof Columns)[] = [
  "title",
  "description",
  "field",
  "keywords",
  "cooperation",
  "budget_wan",
  "deadline",
  "visibility",
  "contact_name",
  "contact_phone",
  "contact_email",
];

/**
 * A new need of organization `orgId`, as a draft — or straight into review with `submit`
 * (then a technology field is required). Members of the enterprise and staff only (403);
 * one audit row and one sync job.
 */
export async function createNeed(
  actor: Actor | null,
  input: NeedInput & { orgId: number; submit?: boolean },
): Promise<{ id: number; ref: string | null; status: CatalogStatus }> {
  return sql.begin(async (tx) => {
    return insertRecord(tx, actor, "need", COLUMN_NAMES, {
      orgId: input.orgId,
      submit: input.submit,
      values: columns(input),
      check: async () => {
        if (input.submit && !input.field) invalid("catalog.validation.fieldRequiredOnSubmit", "field");
      },
    });
  });
}

/**
 * Saves the form over the need, from the version the form was rendered with (409 when it
 * changed since: nothing is written). The owning enterprise may edit until the need is closed;
 * staff always. `submit` also sends a draft to review. The organization never changes here.
 */
export async function updateNeed(
  actor: Actor | null,
  input: NeedInput & { id: number; version: number; submit?: boolean },
): Promise<{ id: number; ref: string | null; status: CatalogStatus; version: number }> {
  return sql.begin(async (tx) => {
    const [before] = await needRows(tx, tx`n.id = ${input.id}`, tx`for update of n`);
    return saveRecord(tx, actor, "need", COLUMN_NAMES, before, {
      version: input.version,
      submit: input.submit,
      values: columns(input),
      check: (next) => {
        if (!input.field && next !== "draft") invalid("catalog.validation.fieldRequiredOnSubmit", "field");
      },
    });
  });
}

type Step = { id: number; version: number };

/** draft → pending_review (a technology field is required). Owner or staff. */
export const submitNeed = (actor: Actor | null, s: Step) => transition(actor, "need", { ...s, action: "submit" });
/** pending_review → draft: take a submission back to change it. Owner or staff. */
export const withdrawNeed = (actor: Actor | null, s: Step) => transition(actor, "need", { ...s, action: "withdraw" });
/** any open status → closed. Owner or staff. */
export const closeNeed = (actor: Actor | null, s: Step) => transition(actor, "need", { ...s, action: "close" });
/** pending_review → published. Staff only. */
export const publishNeed = (actor: Actor | null, s: Step) => transition(actor, "need", { ...s, action: "publish" });
/** pending_review or published → draft with the reviewer's comment (退回修改). Staff only. */
export const sendBackNeed = (actor: Actor | null, s: Step & { comment: string }) =>
  transition(actor, "need", { ...s, action: "sendBack" });
