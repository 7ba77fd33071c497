import type postgres from "postgres";
import type { ExportCell, ExportColumn } from "../../app/utils/export.server";
import { KIND_FIELDS, ORG_KIND_ZH, STATUS_ZH, VISIBILITY_ZH, type ImportKind } from "./columns.server";

// What an export of the catalog contains: every field the importer knows, under the header the
// importer reads first, so an exported file imports back as "unchanged". Rows are the organizer's
// view (all statuses, contact details included): callers decide who may download it.

type Sql = postgres.Sql<{ bigint: number }>;
export type ExportRow = Record<string, unknown>;

const label = (map: Record<string, string>) => (v: unknown): ExportCell => (typeof v === "string" ? (map[v] ?? v) : null);
/** 面议 (open) for an amount left empty, as the bureau's sheets write it. */
const wan = (v: unknown): ExportCell => (v === null || v === undefined ? "面议" : Number(v));

const FORMATS: Record<string, Pick<ExportColumn<ExportRow>, "format" | "type">> = {
  kind: { format: label(ORG_KIND_ZH) },
  status: { format: label(STATUS_ZH) },
  visibility: { format: label(VISIBILITY_ZH) },
  budget_wan: { format: wan },
  price_wan: { format: wan },
  deadline: { type: "date" },
  posted: { type: "date" },
};

/** The export's columns for a kind, in the importer's field order. */
export function exportColumns(kind: ImportKind): ExportColumn<ExportRow>[] {
  return KIND_FIELDS[kind].map((f) => ({ key: f.key, header_zh: f.zh, header_en: f.en, ...FORMATS[f.key] }));
}

/**
 * Streams the rows of a kind (all of them, or the given ids, in id order) in batches from a
 * cursor, so a million results never sit in memory at once.
 */
export async function* exportRows(
  db: Sql,
  kind: ImportKind,
  opts: { ids?: number[]; batch?: number; where?: (alias: string) => postgres.PendingQuery<postgres.Row[]> } = {},
): AsyncGenerator<ExportRow> {
  const ids = opts.ids ?? null;
  const batch = opts.batch ?? 2000;
  // an extra condition on the kind's row (alias organization / x / n / r): the app's exports pass
  // the reader's visibility rule (app/models/exports.server.ts); the CLI passes none
  const where = (alias: string) => (opts.where ? opts.where(alias) : db`true`);
  const posted = (t: string) => db.unsafe(`to_char(${t}.published_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`);
  let cursor: AsyncIterable<ExportRow[]>;
  switch (kind) {
    case "organizations":
      cursor = db<ExportRow[]>`
        select ref, name, short_name, kind, town, city, industry, description, website
        from organization where (${ids}::bigint[] is null or id = any(${ids})) and ${where("organization")} order by id`.cursor(batch);
      break;
    case "experts":
      cursor = db<ExportRow[]>`
        select x.ref, x.name, o.name as org, o.ref as org_ref, x.title, x.areas, x.honors, x.fields, x.bio, x.email, x.phone,
               x.status, x.visibility, x.org_id as _org_id
        from expert x join organization o on o.id = x.org_id
        where (${ids}::bigint[] is null or x.id = any(${ids})) and ${where("x")} order by x.id`.cursor(batch);
      break;
    case "needs":
      cursor = db<ExportRow[]>`
        select n.ref, n.title, n.description, n.field, n.keywords, n.cooperation, n.budget_wan::float8 as budget_wan,
               n.deadline::text as deadline, o.name as org, o.ref as org_ref, n.status, n.visibility,
               n.contact_name, n.contact_phone, n.contact_email, ${posted("n")} as posted, n.org_id as _org_id
        from need n join organization o on o.id = n.org_id
        where (${ids}::bigint[] is null or n.id = any(${ids})) and ${where("n")} order by n.id`.cursor(batch);
      break;
    case "results":
      cursor = db<ExportRow[]>`
        select r.ref, r.title, r.summary, r.field, r.keywords, r.maturity, r.ip, r.cooperation, r.price_wan::float8 as price_wan,
               o.name as org, o.ref as org_ref, x.name as lead, x.ref as lead_ref, r.status, r.visibility,
               r.contact_name, r.contact_phone, r.contact_email, ${posted("r")} as posted, r.org_id as _org_id
        from result r join organization o on o.id = r.org_id left join expert x on x.id = r.lead_expert_id
        where (${ids}::bigint[] is null or r.id = any(${ids})) and ${where("r")} order by r.id`.cursor(batch);
      break;
  }
  for await (const rows of cursor) yield* rows;
}
