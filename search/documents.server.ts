/**
 * Meilisearch documents, built from PostgreSQL rows (the source of truth).
 *
 * One index per entity (search/indexes.ts): needs, results, experts, organizations. Every
 * document has these fields (all indexes alike, so one filter works everywhere):
 *
 *   id            number   the row's id, the primary key
 *   type          "need" | "result" | "expert" | "organization"
 *   ref           string   the external ref as imported, else String(id)
 *   title         string   need/result title, the expert's name, the organization's name
 *   title_seg     string   jieba tokens of title (see *_seg below)
 *   pinyin        string   toneless pinyin of the Chinese words of the short texts (title,
 *                          keywords or areas, organization name; names whole), for queries
 *                          typed in pinyin (search/pinyin.server.ts)
 *   org_id        number   the owning organization (an organization document: its own id)
 *   org_name      string   org_kind: enterprise | university | institute | government | agency
 *   town, city    string | null   the organization's 镇区 and city
 *   status        string   need: draft | pending_review | published | matched | closed;
 *                          result, expert: the same without matched; organization: "published"
 *   visibility    "public" | "members" | "private"   (organization: "public")
 *   audience      "public" | "members" | "org"   who may see the hit, derived from status and
 *                          visibility by audienceOf() below — the field to filter on
 *   year          number   year of published_at, else created_at (Asia/Shanghai)
 *   created_ts, updated_ts   number   unix seconds;  published_ts  number | null
 *
 * and per type:
 *   need:          description, description_seg, field (string | null), keywords (string[]),
 *                  keywords_seg, cooperation (string[]), budget_wan (number | null = 面议),
 *                  deadline ("YYYY-MM-DD" | null)
 *   result:        summary, summary_seg, field, keywords, keywords_seg, maturity
 *                  (实验室 | 小试 | 中试 | 产业化 | null), ip, cooperation, price_wan,
 *                  lead_expert_id (number | null), lead_name (string | null)
 *   expert:        job_title (职称 | null), areas (string[]), areas_seg, honors (string[]),
 *                  field (string[]: the expert's technology fields), bio, bio_seg
 *   organization:  kind, short_name, industry, description, description_seg
 *
 * *_seg fields hold jieba.cutForSearch(text, true) joined by spaces: Meilisearch keeps 锂电池
 * whole, these tokens let 电池 find it. They are searchable but not displayed; highlight the
 * plain fields.
 *
 * Never in a document: contact_name/phone/email, expert email/phone, user ids, review
 * comments — a document may be returned to a public visitor. Filterable, sortable and
 * displayed attributes are listed in search/indexes.ts.
 *
 * Visibility: the query side MUST add visibilityFilter(viewer) to every search (AND it with
 * any user filter): public visitors see `audience = public`; members also `audience = members`
 * and everything of their own organizations; organizers and admins see everything.
 */
import type postgres from "postgres";
import { sql } from "../db/client.server";
import type { SearchEntity } from "./indexes";
import { segment, segmentList } from "./jieba.server";
import { pinyinTokens } from "./pinyin.server";

type Db = postgres.Sql<{ bigint: number }> | postgres.TransactionSql<{ bigint: number }> | postgres.ReservedSql<{ bigint: number }>;

export type Audience = "public" | "members" | "org";
export type Visibility = "public" | "members" | "private";

export type BaseDocument = {
  id: number;
  type: SearchEntity;
  ref: string;
  title: string;
  title_seg: string;
  pinyin: string;
  org_id: number;
  org_name: string;
  org_kind: string;
  town: string | null;
  city: string | null;
  status: string;
  visibility: Visibility;
  audience: Audience;
  year: number;
  created_ts: number;
  updated_ts: number;
  published_ts: number | null;
};

export type NeedDocument = BaseDocument & {
  type: "need";
  description: string;
  description_seg: string;
  field: string | null;
  keywords: string[];
  keywords_seg: string;
  cooperation: string[];
  budget_wan: number | null;
  deadline: string | null;
};

export type ResultDocument = BaseDocument & {
  type: "result";
  summary: string;
  summary_seg: string;
  field: string | null;
  keywords: string[];
  keywords_seg: string;
  maturity: string | null;
  ip: string | null;
  cooperation: string[];
  price_wan: number | null;
  lead_expert_id: number | null;
  lead_name: string | null;
};

export type ExpertDocument = BaseDocument & {
  type: "expert";
  job_title: string | null;
  areas: string[];
  areas_seg: string;
  honors: string[];
  field: string[];
  bio: string;
  bio_seg: string;
};

export type OrganizationDocument = BaseDocument & {
  type: "organization";
  kind: string;
  short_name: string | null;
  industry: string | null;
  description: string;
  description_seg: string;
};

export type SearchDocument = NeedDocument | ResultDocument | ExpertDocument | OrganizationDocument;

/** Statuses a visitor or another organization's member may see (with the right visibility). */
export const LISTED_STATUSES = ["published", "matched"] as const;

/** Who may see a record, as stored in each document's `audience`. Mirrors PostgreSQL's read rules. */
export function audienceOf(status: string, visibility: string): Audience {
  const listed = status === "published" || status === "matched";
  if (listed && visibility === "public") return "public";
  if (listed && visibility === "members") return "members";
  return "org";
}

/** The searching user: null for a public visitor; orgIds = the organizations they belong to. */
export type SearchViewer = { role: "admin" | "organizer" | "member"; orgIds: readonly number[] } | null;

/**
 * The Meilisearch filter that limits hits to what `viewer` may read, for any of the four
 * indexes; undefined = no limit (organizers, admins). AND it with the user's own filters:
 * `[visibilityFilter(viewer), ...userFilters]` (Meilisearch ANDs the array's entries).
 */
export function visibilityFilter(viewer: SearchViewer): string | undefined {
  if (!viewer) return "audience = public";
  if (viewer.role === "admin" || viewer.role === "organizer") return undefined;
  const orgIds = viewer.orgIds.filter((id) => Number.isSafeInteger(id));
  const own = orgIds.length ? ` OR org_id IN [${orgIds.join(", ")}]` : "";
  return `audience IN [public, members]${own}`;
}

// ---- rows ----

type Common = {
  id: number;
  ref: string | null;
  title: string;
  org_id: number;
  org_name: string;
  org_kind: string;
  town: string | null;
  city: string | null;
  status: string;
  visibility: Visibility;
  year: number;
  created_ts: number;
  updated_ts: number;
  published_ts: number | null;
};

type NeedRow = Common & {
  description: string;
  field: string | null;
  keywords: string[];
  cooperation: string[];
  budget_wan: number | null;
  deadline: string | null;
};
type ResultRow = Common & {
  summary: string;
  field: string | null;
  keywords: string[];
  maturity: string | null;
  ip: string | null;
  cooperation: string[];
  price_wan: number | null;
  lead_expert_id: number | null;
  lead_name: string | null;
};
type ExpertRow = Common & { job_title: string | null; areas: string[]; honors: string[]; fields: string[]; bio: string | null };
type OrganizationRow = Common & { kind: string; short_name: string | null; industry: string | null; description: string | null };

function base<T extends SearchEntity>(type: T, r: Common) {
  return {
    id: r.id,
    type,
    ref: r.ref ?? String(r.id),
    title: r.title,
    title_seg: segment(r.title),
    org_id: r.org_id,
    org_name: r.org_name,
    org_kind: r.org_kind,
    town: r.town,
    city: r.city,
    status: r.status,
    visibility: r.visibility,
    audience: audienceOf(r.status, r.visibility),
    year: r.year,
    created_ts: r.created_ts,
    updated_ts: r.updated_ts,
    published_ts: r.published_ts,
  };
}

export function needDocument(r: NeedRow): NeedDocument {
  return {
    ...base("need", r),
    pinyin: pinyinTokens([r.title, ...r.keywords, r.org_name]),
    description: r.description,
    description_seg: segment(r.description),
    field: r.field,
    keywords: r.keywords,
    keywords_seg: segmentList(r.keywords),
    cooperation: r.cooperation,
    budget_wan: r.budget_wan,
    deadline: r.deadline,
  };
}

export function resultDocument(r: ResultRow): ResultDocument {
  return {
    ...base("result", r),
    pinyin: pinyinTokens([r.title, ...r.keywords, r.org_name], [r.lead_name]),
    summary: r.summary,
    summary_seg: segment(r.summary),
    field: r.field,
    keywords: r.keywords,
    keywords_seg: segmentList(r.keywords),
    maturity: r.maturity,
    ip: r.ip,
    cooperation: r.cooperation,
    price_wan: r.price_wan,
    lead_expert_id: r.lead_expert_id,
    lead_name: r.lead_name,
  };
}

export function expertDocument(r: ExpertRow): ExpertDocument {
  return {
    ...base("expert", r),
    pinyin: pinyinTokens([...r.areas, r.org_name], [r.title]),
    job_title: r.job_title,
    areas: r.areas,
    areas_seg: segmentList(r.areas),
    honors: r.honors,
    field: r.fields,
    bio: r.bio ?? "",
    bio_seg: segment(r.bio),
  };
}

export function organizationDocument(r: OrganizationRow): OrganizationDocument {
  return {
    ...base("organization", r),
    pinyin: pinyinTokens([r.title, r.short_name], [r.short_name]),
    kind: r.kind,
    short_name: r.short_name,
    industry: r.industry,
    description: r.description ?? "",
    description_seg: segment(r.description),
  };
}

// ---- queries: one per entity, with its joins; `where` picks the rows ----

// Calendar years as the bureau counts them.
const TZ = "Asia/Shanghai";

function needRows(db: Db, where: postgres.PendingQuery<postgres.Row[]>) {
  return db<NeedRow[]>`
    select n.id, n.ref, n.title, n.description, n.field, n.keywords, n.cooperation,
      n.budget_wan::float8 as budget_wan, to_char(n.deadline, 'YYYY-MM-DD') as deadline,
      n.status, n.visibility, n.org_id, o.name as org_name, o.kind as org_kind, o.town, o.city,
      extract(year from coalesce(n.published_at, n.created_at) at time zone ${TZ}::text)::int as year,
      extract(epoch from n.created_at)::bigint as created_ts,
      extract(epoch from n.updated_at)::bigint as updated_ts,
      extract(epoch from n.published_at)::bigint as published_ts
    from need n
    join organization o on o.id = n.org_id
    ${where}
  `;
}

function resultRows(db: Db, where: postgres.PendingQuery<postgres.Row[]>) {
  return db<ResultRow[]>`
    select r.id, r.ref, r.title, r.summary, r.field, r.keywords, r.maturity, r.ip, r.cooperation,
      r.price_wan::float8 as price_wan, r.lead_expert_id, e.name as lead_name,
      r.status, r.visibility, r.org_id, o.name as org_name, o.kind as org_kind, o.town, o.city,
      extract(year from coalesce(r.published_at, r.created_at) at time zone ${TZ}::text)::int as year,
      extract(epoch from r.created_at)::bigint as created_ts,
      extract(epoch from r.updated_at)::bigint as updated_ts,
      extract(epoch from r.published_at)::bigint as published_ts
    from result r
    join organization o on o.id = r.org_id
    left join expert e on e.id = r.lead_expert_id
    ${where}
  `;
}

function expertRows(db: Db, where: postgres.PendingQuery<postgres.Row[]>) {
  return db<ExpertRow[]>`
    select x.id, x.ref, x.name as title, x.title as job_title, x.areas, x.honors, x.fields, x.bio,
      x.status, x.visibility, x.org_id, o.name as org_name, o.kind as org_kind, o.town, o.city,
      extract(year from coalesce(x.published_at, x.created_at) at time zone ${TZ}::text)::int as year,
      extract(epoch from x.created_at)::bigint as created_ts,
      extract(epoch from x.updated_at)::bigint as updated_ts,
      extract(epoch from x.published_at)::bigint as published_ts
    from expert x
    join organization o on o.id = x.org_id
    ${where}
  `;
}

function organizationRows(db: Db, where: postgres.PendingQuery<postgres.Row[]>) {
  return db<OrganizationRow[]>`
    select o.id, o.ref, o.name as title, o.kind, o.short_name, o.industry, o.description,
      'published' as status, 'public' as visibility, o.id as org_id, o.name as org_name,
      o.kind as org_kind, o.town, o.city,
      extract(year from o.created_at at time zone ${TZ}::text)::int as year,
      extract(epoch from o.created_at)::bigint as created_ts,
      extract(epoch from o.updated_at)::bigint as updated_ts,
      extract(epoch from o.created_at)::bigint as published_ts
    from organization o
    ${where}
  `;
}

/** Rows by id (`ids`), or every row in id order (null, for a cursor). */
function pick(db: Db, alias: string, ids: readonly number[] | null) {
  return ids ? db`where ${db(alias)}.id = any(${[...ids]}::bigint[])` : db`order by ${db(alias)}.id`;
}

/**
 * The documents of the rows with these ids, in one query (ids no longer in PostgreSQL are
 * simply absent: the caller deletes them from the index).
 */
export async function loadDocuments(entity: SearchEntity, ids: readonly number[], db: Db = sql): Promise<SearchDocument[]> {
  if (ids.length === 0) return [];
  switch (entity) {
    case "need":
      return (await needRows(db, pick(db, "n", ids))).map(needDocument);
    case "result":
      return (await resultRows(db, pick(db, "r", ids))).map(resultDocument);
    case "expert":
      return (await expertRows(db, pick(db, "x", ids))).map(expertDocument);
    case "organization":
      return (await organizationRows(db, pick(db, "o", ids))).map(organizationDocument);
  }
}

/**
 * Every document of an entity, in id order, `batchSize` rows at a time, read through a
 * server-side cursor: one consistent snapshot (the statement's), memory bounded by the batch.
 */
export async function* streamDocuments(entity: SearchEntity, batchSize = 5000, db: Db = sql): AsyncGenerator<SearchDocument[]> {
  switch (entity) {
    case "need":
      for await (const rows of needRows(db, pick(db, "n", null)).cursor(batchSize)) yield rows.map(needDocument);
      return;
    case "result":
      for await (const rows of resultRows(db, pick(db, "r", null)).cursor(batchSize)) yield rows.map(resultDocument);
      return;
    case "expert":
      for await (const rows of expertRows(db, pick(db, "x", null)).cursor(batchSize)) yield rows.map(expertDocument);
      return;
    case "organization":
      for await (const rows of organizationRows(db, pick(db, "o", null)).cursor(batchSize)) yield rows.map(organizationDocument);
      return;
  }
}

/** The table behind each entity's documents (counts, reindex). */
export const ENTITY_TABLE: Record<SearchEntity, "need" | "result" | "expert" | "organization"> = {
  need: "need",
  result: "result",
  expert: "expert",
  organization: "organization",
};
