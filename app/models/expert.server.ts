import type postgres from "postgres";
import { sql } from "../../db/client.server";
import {
  isCatalogStatus,
  isTechField,
  isVisibility,
  type CatalogStatus,
  type ExpertInput,
  type TechField,
  type Visibility,
} from "~/utils/catalog";
import { isOrgKind, type OrgKind } from "~/utils/roles";
import { type Actor, type Tx } from "./audit.server";
import {
  accessFor,
  canSeeContact,
  listReadable,
  transition,
  type Access,
  type Viewer,
  insertRecord,
  saveRecord,
  findEditable,
  findReadable,
} from "./catalog.server";

// 专家: expert profiles of universities and institutes. Shared rules are in catalog.server.ts.
// Changing an expert re-syncs the search documents of the results they lead (their name is in
// them): search/sync.server.ts does that from the expert's id.

export type Expert = {
  kind: "expert";
  id: number;
  ref: string | null;
  org: { id: number; name: string; kind: OrgKind };
  name: string;
  title: string | null;
  areas: string[];
  honors: string[];
  fields: TechField[];
  bio: string | null;
  status: CatalogStatus;
  visibility: Visibility;
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
  publishedAt: Date | null;
  version: number;
  review: { comment: string | null; at: Date | null; by: string | null } | null;
  /** e-mail and phone: null unless the viewer may see them */
  contact: { email: string | null; phone: string | null } | null;
  access: Access;
};

type ExpertRow = {
  id: number;
  ref: string | null;
  org_id: number;
  org_name: string;
  org_kind: string;
  name: string;
  title: string | null;
  areas: string[];
  honors: string[];
  fields: string[];
  bio: string | null;
  email: string | null;
  phone: string | null;
  status: string;
  visibility: string;
  review_comment: string | null;
  reviewed_at: Date | null;
  reviewer_name: string | null;
  submitted_at: Date | null;
  published_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
};

function expertRows(db: postgres.Sql<{ bigint: number }> | Tx, where: postgres.PendingQuery<postgres.Row[]>, tail = db``) {
  return db<ExpertRow[]>`
    select x.id, x.ref, x.org_id, o.name as org_name, o.kind as org_kind, x.name, x.title, x.areas, x.honors,
      x.fields, x.bio, x.email, x.phone, x.status, x.visibility, x.review_comment, x.reviewed_at,
      ru.name as reviewer_name, x.submitted_at, x.published_at, x.created_at, x.updated_at, x.version
    from expert x
    join organization o on o.id = x.org_id
    left join app_user ru on ru.id = x.reviewed_by
    where ${where}
    ${tail}`;
}

function accessRow(r: ExpertRow) {
  return { orgId: r.org_id, status: r.status, visibility: r.visibility, publishedAt: r.published_at };
}

async function toExpert(viewer: Viewer, r: ExpertRow): Promise<Expert> {
  const access = accessFor(viewer, accessRow(r));
  const showContact = await canSeeContact(viewer, "expert", { id: r.id, ...accessRow(r) });
  return {
    kind: "expert",
    id: r.id,
    ref: r.ref,
    org: { id: r.org_id, name: r.org_name, kind: isOrgKind(r.org_kind) ? r.org_kind : "university" },
    name: r.name,
    title: r.title,
    areas: r.areas,
    honors: r.honors,
    fields: r.fields.filter(isTechField),
    bio: r.bio,
    status: isCatalogStatus(r.status) ? r.status : "closed",
    visibility: isVisibility(r.visibility) ? r.visibility : "private",
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    submittedAt: r.submitted_at,
    publishedAt: r.published_at,
    version: r.version,
    review: access.canSeeReview ? { comment: r.review_comment, at: r.reviewed_at, by: r.reviewer_name } : null,
    contact: showContact ? { email: r.email, phone: r.phone } : null,
    access,
  };
}

/** The expert a URL names (/experts/X001 or /experts/17), or null when unknown or not readable. */
export function getExpert(viewer: Viewer, ref: string | undefined): Promise<Expert | null> {
  return findReadable(viewer, ref, { rows: expertRows, alias: "x", toView: toExpert });
}

/** For the edit form: 404 when unknown or unreadable, 403 when readable but not editable. */
export function getExpertForEdit(viewer: Viewer, ref: string | undefined): Promise<Expert> {
  return findEditable(viewer, ref, { rows: expertRows, alias: "x", toView: toExpert });
}

/** Related records on an expert's page: the results they lead (readable ones, every status for owners). */
export async function expertRelated(viewer: Viewer, expert: Pick<Expert, "id">) {
  return { results: await listReadable(viewer, "result", sql`r.lead_expert_id = ${expert.id}`, 50) };
}

// ---------------------------------------------------------------- writes

function columns(input: ExpertInput) {
  return {
    name: input.name.trim(),
    title: input.title,
    areas: input.areas,
    honors: input.honors,
    fields: input.fields,
    bio: input.bio,
    email: input.email,
    phone: input.phone,
    visibility: input.visibility,
  };
}
type Columns = ReturnType<typeof columns>;
const COLUMN_NAMES: (keyof Columns)[] = ["name", "title", "areas", "honors", "fields", "bio", "email", "phone", "visibility"];
/** A new expert profile of an institution, as a draft or (submit) straight into review. */
export async function createExpert(
  actor: Actor | null,
  input: ExpertInput & { orgId: number; submit?: boolean },
): Promise<{ id: number; ref: string | null; status: CatalogStatus }> {
  return sql.begin(async (tx) => {
    return insertRecord(tx, actor, "expert", COLUMN_NAMES, { orgId: input.orgId, submit: input.submit, values: columns(input) });
  });
}

/** Saves the form over the profile from the version it was rendered with (409 when stale). */
export async function updateExpert(
  actor: Actor | null,
  input: ExpertInput & { id: number; version: number; submit?: boolean },
): Promise<{ id: number; ref: string | null; status: CatalogStatus; version: number }> {
  return sql.begin(async (tx) => {
    const [before] = await expertRows(tx, tx`x.id = ${input.id}`, tx`for update of x`);
    return saveRecord(tx, actor, "expert", COLUMN_NAMES, before, {
      version: input.version,
      submit: input.submit,
      values: columns(input),
    });
  });
}

type Step = { id: number; version: number };

export const submitExpert = (actor: Actor | null, s: Step) => transition(actor, "expert", { ...s, action: "submit" });
export const withdrawExpert = (actor: Actor | null, s: Step) => transition(actor, "expert", { ...s, action: "withdraw" });
export const closeExpert = (actor: Actor | null, s: Step) => transition(actor, "expert", { ...s, action: "close" });
export const publishExpert = (actor: Actor | null, s: Step) => transition(actor, "expert", { ...s, action: "publish" });
export const sendBackExpert = (actor: Actor | null, s: Step & { comment: string }) =>
  transition(actor, "expert", { ...s, action: "sendBack" });
