import { sql } from "../../db/client.server";
import type { ExportColumn } from "~/utils/export.server";
import { forbidden, type Actor } from "./audit.server";
import { invalid } from "./catalog.server";

// Reading the audit log (/admin/audit): who changed what, when, searchable by actor (name,
// e-mail or id), record (entity, and its id or external ref — a merged duplicate's ref still
// finds its rows) and date range, paginated, exportable. Admins only: the log holds before/after
// snapshots with contact details and client IPs. Decision: docs/decisions/074-audit-log.md.

export const AUDIT_PAGE_SIZE = 50;
/** An export holds at most this many rows (narrow the filter for more). */
export const AUDIT_EXPORT_MAX = 100_000;

/** Entities whose rows carry an external ref: a ref typed in the record field is looked up here. */
const REF_TABLES = ["organization", "need", "result", "expert", "event", "intent", "agreement"] as const;

export type AuditFilter = {
  actor?: string;
  entity?: string;
  record?: string;
  action?: string;
  /** YYYY-MM-DD, inclusive, in China time (the bureau's day) */
  from?: string | null;
  to?: string | null;
  page?: number;
};

export type AuditEntry = {
  id: number;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
};

type Row = {
  id: number;
  at: Date;
  actor_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
};

/** The filter of /admin/audit and its export, from the query string (page left to the caller). */
export function auditFilterFrom(url: URL): AuditFilter {
  const p = (k: string) => (url.searchParams.get(k) ?? "").slice(0, 254);
  return { actor: p("actor"), entity: p("entity"), record: p("record"), action: p("action"), from: p("from") || null, to: p("to") || null };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function validDay(v: string | null | undefined, field: string): string | null {
  if (!v) return null;
  const d = new Date(`${v}T00:00:00Z`);
  if (!DAY.test(v) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) invalid("admin.audit.errors.date", field);
  return v;
}

function contains(text: string) {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The record ids a record field names: the text itself, and the id behind an external ref. */
async function recordIds(entity: string, record: string): Promise<string[]> {
  const ids = new Set<string>([record]);
  const tables = REF_TABLES.filter((t) => !entity || t === entity);
  for (const t of tables) {
    const rows = await sql<{ id: number }[]>`select id from ${sql(t)} where ref = ${record}`;
    for (const r of rows) ids.add(String(r.id));
  }
  if (!entity || entity === "organization" || entity === "expert") {
    const merged = await sql<{ merged_id: number }[]>`
      select merged_id from merged_record where ref = ${record} ${entity ? sql`and entity = ${entity}` : sql``}`;
    for (const r of merged) ids.add(String(r.merged_id));
  }
  return [...ids];
}

async function whereOf(filter: AuditFilter) {
  const from = validDay(filter.from, "from");
  const to = validDay(filter.to, "to");
  if (from && to && from > to) invalid("admin.audit.errors.range", "to");
  const actor = filter.actor?.trim() ?? "";
  const entity = filter.entity?.trim() ?? "";
  const record = filter.record?.trim() ?? "";
  const action = filter.action?.trim() ?? "";
  if (entity.length > 64 || record.length > 64 || action.length > 64 || actor.length > 254) invalid("admin.audit.errors.tooLong");
  const ids = record ? await recordIds(entity, record) : [];
  // wrapped: a fragment returned from an async function would be awaited, i.e. run as a query
  return {
    where: sql`
    (${actor} = '' or a.actor_id = ${actor} or u.email ilike ${contains(actor)} or u.name ilike ${contains(actor)})
    and (${entity} = '' or a.entity = ${entity})
    and (${record} = '' or a.entity_id = any(${ids}::text[]))
    and (${action} = '' or a.action like ${`${action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`})
    and (${from}::date is null or a.at >= (${from}::date::timestamp at time zone 'Asia/Shanghai'))
    and (${to}::date is null or a.at < ((${to}::date + 1)::timestamp at time zone 'Asia/Shanghai'))`,
  };
}

function toEntry(r: Row): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorEmail: r.actor_email,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
    ip: r.ip,
  };
}

/** Newest first, a page at a time. Admins only (403); 400 with a message for a bad date or range. */
export async function searchAuditLog(actor: Actor | null, filter: AuditFilter): Promise<{ entries: AuditEntry[]; total: number; page: number; pages: number; entities: string[] }> {
  if (!actor || actor.role !== "admin") forbidden();
  const { where } = await whereOf(filter);
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from audit_log a left join app_user u on u.id = a.actor_id where ${where}`;
  const pages = Math.max(1, Math.ceil(n / AUDIT_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(filter.page ?? 1)), pages);
  const rows = await sql<Row[]>`
    select a.id, a.at, a.actor_id, u.name as actor_name, u.email as actor_email, a.action, a.entity, a.entity_id,
      a.before, a.after, a.ip
    from audit_log a left join app_user u on u.id = a.actor_id
    where ${where}
    order by a.at desc, a.id desc
    limit ${AUDIT_PAGE_SIZE} offset ${(page - 1) * AUDIT_PAGE_SIZE}`;
  const entities = await sql<{ entity: string }[]>`select distinct entity from audit_log order by entity`;
  return { entries: rows.map(toEntry), total: n, page, pages, entities: entities.map((e) => e.entity) };
}

export type AuditExportRow = Record<string, unknown> & {
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: string | null;
  after: string | null;
  ip: string | null;
};

export const AUDIT_EXPORT_COLUMNS: ExportColumn<AuditExportRow>[] = [
  { key: "at", header_zh: "时间", header_en: "time" },
  { key: "actor", header_zh: "操作人", header_en: "actor" },
  { key: "action", header_zh: "操作", header_en: "action" },
  { key: "entity", header_zh: "对象类型", header_en: "entity" },
  { key: "entity_id", header_zh: "对象编号", header_en: "record id" },
  { key: "before", header_zh: "修改前", header_en: "before" },
  { key: "after", header_zh: "修改后", header_en: "after" },
  { key: "ip", header_zh: "IP 地址", header_en: "IP" },
];

/** The filtered log for a CSV, newest first, at most AUDIT_EXPORT_MAX rows. Admins only. */
export async function exportAuditLog(actor: Actor | null, filter: AuditFilter): Promise<AuditExportRow[]> {
  if (!actor || actor.role !== "admin") forbidden();
  const { where } = await whereOf(filter);
  const rows = await sql<Row[]>`
    select a.id, a.at, a.actor_id, u.name as actor_name, u.email as actor_email, a.action, a.entity, a.entity_id,
      a.before, a.after, a.ip
    from audit_log a left join app_user u on u.id = a.actor_id
    where ${where}
    order by a.at desc, a.id desc
    limit ${AUDIT_EXPORT_MAX}`;
  return rows.map((r) => ({
    at: chinaTime(r.at),
    actor: r.actor_name ? `${r.actor_name} <${r.actor_email ?? ""}>` : (r.actor_id ?? ""),
    action: r.action,
    entity: r.entity,
    entity_id: r.entity_id,
    before: r.before === null ? null : JSON.stringify(r.before),
    after: r.after === null ? null : JSON.stringify(r.after),
    ip: r.ip,
  }));
}

/** 2026-11-28 15:04:05 in China time (UTC+8, no daylight saving). */
export function chinaTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().replace("T", " ").slice(0, 19);
}
