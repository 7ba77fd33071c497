import { createHash, randomUUID } from "node:crypto";
import path from "node:path";
import type postgres from "postgres";
import { enqueueSync } from "../../search/sync.server";
import { sql as defaultSql } from "../client.server";
import { IMPORT_KINDS, KIND_LABELS, KIND_TABLE, NON_CATALOG_FILES, type ImportKind, type KindTable } from "./columns.server";
import { translateMergedRefs } from "./aliases.server";
import { issue, type ImportIssue } from "./issues.server";
import { IMPORT_LIMITS, readImportFile, type ImportFile, type ImportLimits } from "./read.server";
import { validateTable, type Column, type ParsedRow, type RowValues, type Value } from "./validate.server";

// planImport reads, validates and then runs the very writes applyImport would make, inside a
// transaction that is always rolled back: the dry run is the real run minus the commit, so what
// it reports (created / updated / unchanged, unknown references, constraint failures) is what
// the real run will do. applyImport runs the same code again on the plan's clean values and
// commits only if no row is rejected. See docs/decisions/011-import-export.md.

type Sql = postgres.Sql<{ bigint: number }>;
type Tx = postgres.TransactionSql<{ bigint: number }>;

/** Who imports: a signed-in user (as app/models see them) or the command line ("system"). */
export type ImportActor = { id: string | null; role: "admin" | "organizer" | "member" | "system"; ip?: string | null };

export type ImportAction = "created" | "updated" | "unchanged" | "rejected";

export type PlannedRow = {
  file: string;
  /** 1-based row as the spreadsheet shows it (header = 1), or the record's position in a JSON array */
  row: number;
  kind: ImportKind;
  /** the external ref it is stored under (given, found by name, or derived); null if rejected early */
  ref: string | null;
  action: ImportAction;
  /** the stored record, when there is one */
  id: number | null;
  /** fields an update changes */
  changes: string[];
  /** errors (the row is rejected) and warnings */
  issues: ImportIssue[];
  /** the row's clean values, as applyImport will write them */
  values: RowValues;
  /** the fields its file has columns for */
  present: string[];
};

export type ImportSource = {
  file: string;
  kind: ImportKind;
  format: "json" | "csv" | "xlsx";
  encoding?: string;
  rows: number;
  columns: Column[];
};

export type ImportCounts = Record<ImportAction, number>;

export type ImportPlan = {
  /** true when nothing is rejected: applyImport may run */
  ok: boolean;
  sources: ImportSource[];
  /** problems of whole files (errors block everything) and warnings */
  issues: ImportIssue[];
  rows: PlannedRow[];
  counts: ImportCounts;
  byKind: Record<ImportKind, ImportCounts>;
};

export type ImportReport = {
  importId: string;
  counts: ImportCounts;
  byKind: Record<ImportKind, ImportCounts>;
  /** ids created or updated, per kind (what was queued for search sync) */
  touched: Record<ImportKind, number[]>;
  ms: number;
};

export type ApplyResult = { ok: true; report: ImportReport; plan: ImportPlan } | { ok: false; plan: ImportPlan };

export type ImportProgress = { phase: "parse" | "check" | "write"; kind?: ImportKind; done: number; total: number };

export type ImportOptions = {
  limits?: ImportLimits;
  onProgress?: (p: ImportProgress) => void;
  /** the postgres.js client; db/client.server.ts's by default */
  db?: Sql;
};

const STAFF = new Set<ImportActor["role"]>(["admin", "organizer", "system"]);
const ORDER: readonly ImportKind[] = IMPORT_KINDS; // organizations → experts → needs → results

function emptyCounts(): ImportCounts {
  return { created: 0, updated: 0, unchanged: 0, rejected: 0 };
}
function countRows(rows: PlannedRow[]) {
  const counts = emptyCounts();
  const byKind = Object.fromEntries(ORDER.map((k) => [k, emptyCounts()])) as Record<ImportKind, ImportCounts>;
  for (const r of rows) {
    counts[r.action]++;
    byKind[r.kind][r.action]++;
  }
  return { counts, byKind };
}
const hasError = (issues: ImportIssue[]) => issues.some((i) => i.severity === "error");

// ---------------------------------------------------------------------------------------------
// Reading and checking the files (no database)
// ---------------------------------------------------------------------------------------------

type Parsed = { sources: ImportSource[]; issues: ImportIssue[]; rows: PlannedRow[] };

async function parseFiles(files: ImportFile[], actor: ImportActor, opts: ImportOptions): Promise<Parsed> {
  const limits = opts.limits ?? IMPORT_LIMITS;
  const sources: ImportSource[] = [];
  const issues: ImportIssue[] = [];
  const rows: PlannedRow[] = [];
  let parsed = 0;
  for (const f of files) {
    const base = path.basename(f.filename);
    if (files.length > 1 && !f.kind && NON_CATALOG_FILES.has(base.toLowerCase())) {
      issues.push(issue("file_skipped", { file: f.filename }, { file: f.filename }));
      continue;
    }
    const read = await readImportFile(f, limits);
    issues.push(...read.issues);
    if (!read.table) continue;
    if (!STAFF.has(actor.role) && read.table.kind === "organizations") {
      issues.push(issue("kind_not_allowed", { kindLabel: KIND_LABELS.organizations.zh }, { file: read.table.file }));
      continue;
    }
    const t = validateTable(read.table);
    issues.push(...t.issues);
    sources.push({ file: t.file, kind: t.kind, format: t.format, encoding: t.encoding, rows: t.rows.length, columns: t.columns });
    for (const r of t.rows) rows.push(toPlanned(r));
    parsed += t.rows.length;
    opts.onProgress?.({ phase: "parse", done: parsed, total: parsed });
  }
  checkDuplicates(rows);
  deriveExpertFields(rows);
  noteDerivedRefs(rows, issues);
  for (const r of rows) if (hasError(r.issues)) r.action = "rejected";
  return { sources, issues, rows };
}

function toPlanned(r: ParsedRow): PlannedRow {
  return { file: r.file, row: r.row, kind: r.kind, ref: null, action: "unchanged", id: null, changes: [], issues: r.issues, values: r.values, present: r.present };
}

const str = (v: Value | undefined): string | null => (typeof v === "string" && v !== "" ? v : null);

/** A row's identity before the database: its ref, else what names it (the natural key). */
function identity(r: PlannedRow): { by: "ref" | "key"; id: string } | null {
  const ref = str(r.values.ref);
  if (ref) return { by: "ref", id: ref };
  const org = str(r.values.org_ref) ?? str(r.values.org);
  switch (r.kind) {
    case "organizations":
      return str(r.values.name) ? { by: "key", id: str(r.values.name) ?? "" } : null;
    case "experts":
      return org && str(r.values.name) ? { by: "key", id: `${org}\u0000${str(r.values.name)}` } : null;
    default:
      return org && str(r.values.title) ? { by: "key", id: `${org}\u0000${str(r.values.title)}` } : null;
  }
}

const KEY_LABEL: Record<ImportKind, { zh: string; en: string }> = {
  organizations: { zh: "单位名称", en: "organization name" },
  experts: { zh: "单位和姓名", en: "organization and name" },
  needs: { zh: "发布单位和需求名称", en: "organization and title" },
  results: { zh: "单位和成果名称", en: "organization and title" },
};

const where = (r: PlannedRow) => (r.file ? `${r.file} 第 ${r.row} 行` : `第 ${r.row} 行`);

/** Every occurrence of a ref (or, without refs, of a natural key) that appears twice is rejected. */
function checkDuplicates(rows: PlannedRow[]) {
  const groups = new Map<string, PlannedRow[]>();
  for (const r of rows) {
    if (hasError(r.issues)) continue;
    const id = identity(r);
    if (!id) continue;
    const k = `${r.kind}\u0001${id.by}\u0001${id.id}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const [k, group] of groups) {
    if (group.length < 2) continue;
    const byRef = k.split("\u0001")[1] === "ref";
    for (const r of group) {
      const others = group.filter((o) => o !== r).map(where).join("、");
      if (byRef) {
        r.issues.push(issue("ref_duplicate", { ref: String(r.values.ref), rows: others }, { file: r.file, row: r.row, field: "ref" }));
      } else {
        r.issues.push(issue("key_duplicate", { rows: others, key: KEY_LABEL[r.kind].zh, keyEn: KEY_LABEL[r.kind].en }, { file: r.file, row: r.row }));
      }
    }
  }
}

/**
 * An expert file without a fields column (the demo's) gets each expert's technology fields from
 * the results it leads in the same import, as `seed demo` does: the field facet then works for
 * experts too.
 */
function deriveExpertFields(rows: PlannedRow[]) {
  const led = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.kind !== "results") continue;
    const lead = str(r.values.lead_ref) ?? str(r.values.lead);
    const field = str(r.values.field);
    if (!lead || !field) continue;
    led.set(lead, (led.get(lead) ?? new Set()).add(field));
  }
  if (led.size === 0) return;
  for (const r of rows) {
    if (r.kind !== "experts" || r.present.includes("fields")) continue;
    const ref = str(r.values.ref);
    const fields = ref ? led.get(ref) : undefined;
    if (!fields) continue;
    r.values = { ...r.values, fields: [...fields].sort() };
    r.present = [...r.present, "fields"];
  }
}

function noteDerivedRefs(rows: PlannedRow[], issues: ImportIssue[]) {
  const files = new Map<string, ImportKind>();
  for (const r of rows) if (!str(r.values.ref)) files.set(r.file, r.kind);
  for (const [file, kind] of files) {
    issues.push(issue("ref_derived", { key: KEY_LABEL[kind].zh, keyEn: KEY_LABEL[kind].en }, { file }));
  }
}

// ---------------------------------------------------------------------------------------------
// The database stage: resolve references, find stored records, compute and write the changes
// ---------------------------------------------------------------------------------------------

type Existing = Record<string, Value> & { id: number; ref: string | null; org_id?: number };

type DbSpec = {
  table: KindTable;
  /** content columns, compared with the stored record */
  content: string[];
  /** timestamps kept in step with the status (written, not compared) */
  stamps: string[];
  /** columns set on insert only */
  insertOnly: string[];
  /** blank means '' (not null) for these */
  notNullText: string[];
  lists: string[];
};

const SPECS: Record<ImportKind, DbSpec> = {
  organizations: {
    table: "organization",
    content: ["name", "short_name", "kind", "town", "city", "industry", "description", "website"],
    stamps: [],
    insertOnly: [],
    notNullText: [],
    lists: [],
  },
  experts: {
    table: "expert",
    content: ["org_id", "name", "title", "areas", "honors", "fields", "bio", "email", "phone", "status", "visibility"],
    stamps: ["submitted_at", "published_at"],
    insertOnly: ["created_by", "created_at"],
    notNullText: [],
    lists: ["areas", "honors", "fields"],
  },
  needs: {
    table: "need",
    content: [
      "org_id", "title", "description", "field", "keywords", "cooperation", "budget_wan", "deadline",
      "status", "visibility", "contact_name", "contact_phone", "contact_email",
    ],
    stamps: ["submitted_at", "published_at", "closed_at"],
    insertOnly: ["created_by", "created_at"],
    notNullText: ["description"],
    lists: ["keywords", "cooperation"],
  },
  results: {
    table: "result",
    content: [
      "org_id", "lead_expert_id", "title", "summary", "field", "keywords", "maturity", "ip", "cooperation", "price_wan",
      "status", "visibility", "contact_name", "contact_phone", "contact_email",
    ],
    stamps: ["submitted_at", "published_at", "closed_at"],
    insertOnly: ["created_by", "created_at"],
    notNullText: ["summary"],
    lists: ["keywords", "cooperation"],
  },
};

/** Which file field feeds a content column. */
const SOURCE: Record<string, string[]> = { org_id: ["org", "org_ref"], lead_expert_id: ["lead", "lead_ref"] };

async function loadExisting(tx: Tx, kind: ImportKind, ids: number[]): Promise<Map<number, Existing>> {
  if (ids.length === 0) return new Map();
  let rows: Existing[];
  switch (kind) {
    case "organizations":
      rows = await tx<Existing[]>`
        select id, ref, name, short_name, kind, town, city, industry, description, website
        from organization where id = any(${ids})`;
      break;
    case "experts":
      rows = await tx<Existing[]>`
        select id, ref, org_id, name, title, areas, honors, fields, bio, email, phone, status, visibility,
               to_json(submitted_at)#>>'{}' as submitted_at, to_json(published_at)#>>'{}' as published_at
        from expert where id = any(${ids})`;
      break;
    case "needs":
      rows = await tx<Existing[]>`
        select id, ref, org_id, title, description, field, keywords, cooperation, budget_wan::float8 as budget_wan,
               deadline::text as deadline, status, visibility, contact_name, contact_phone, contact_email,
               to_json(submitted_at)#>>'{}' as submitted_at, to_json(published_at)#>>'{}' as published_at,
               to_json(closed_at)#>>'{}' as closed_at,
               to_char(published_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as posted
        from need where id = any(${ids})`;
      break;
    case "results":
      rows = await tx<Existing[]>`
        select id, ref, org_id, lead_expert_id, title, summary, field, keywords, maturity, ip, cooperation,
               price_wan::float8 as price_wan, status, visibility, contact_name, contact_phone, contact_email,
               to_json(submitted_at)#>>'{}' as submitted_at, to_json(published_at)#>>'{}' as published_at,
               to_json(closed_at)#>>'{}' as closed_at,
               to_char(published_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as posted
        from result where id = any(${ids})`;
      break;
  }
  return new Map(rows.map((r) => [r.id, r]));
}

function same(a: Value | undefined, b: Value | undefined): boolean {
  const x = a ?? null;
  const y = b ?? null;
  if (Array.isArray(x) || Array.isArray(y)) {
    const xa = Array.isArray(x) ? x : [];
    const ya = Array.isArray(y) ? y : [];
    return xa.length === ya.length && xa.every((v, i) => v === ya[i]);
  }
  if (typeof x === "number" || typeof y === "number") return x !== null && y !== null && Number(x) === Number(y);
  return x === y;
}

/** A demo date becomes 09:00 in Rugao (UTC+8), as db/seed.server.ts does. */
const at9 = (d: string) => `${d}T09:00:00+08:00`;

type Ctx = {
  tx: Tx;
  actor: ImportActor;
  /** the organizations a member may import for; null for staff */
  memberOrgs: Set<number> | null;
  now: string;
  /** refs and names of rows rejected so far, per kind: a reference to one is explained as such */
  rejected: Map<ImportKind, Set<string>>;
  apply: boolean;
  importId: string;
  onProgress?: (p: ImportProgress) => void;
};

function reject(r: PlannedRow, i: ImportIssue) {
  r.issues.push(i);
  r.action = "rejected";
}

function noteRejected(ctx: Ctx, r: PlannedRow) {
  const set = ctx.rejected.get(r.kind) ?? new Set<string>();
  for (const k of ["ref", "name", "title"]) {
    const v = str(r.values[k]);
    if (v) set.add(v);
  }
  if (r.ref) set.add(r.ref);
  ctx.rejected.set(r.kind, set);
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string | null): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    if (k === null) continue;
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

type OrgHit = { id: number; ref: string | null; name: string; short_name: string | null };

/** Resolves each row's organization (by ref, full name, or a unique short name). */
async function resolveOrgs(ctx: Ctx, rows: PlannedRow[]): Promise<Map<PlannedRow, number>> {
  const { tx } = ctx;
  const keys = [...new Set(rows.flatMap((r) => [str(r.values.org_ref), str(r.values.org)]).filter((v): v is string => v !== null))];
  const hits = keys.length ? await tx<OrgHit[]>`
    select id, ref, name, short_name from organization
    where ref = any(${keys}) or name = any(${keys}) or short_name = any(${keys})` : [];
  const byRef = new Map(hits.filter((h) => h.ref).map((h) => [h.ref, h]));
  const names = groupBy(hits, (h) => h.name);
  const shorts = groupBy(hits, (h) => h.short_name);
  const byName = (v: string) => names.get(v) ?? [];
  const byShort = (v: string) => shorts.get(v) ?? [];
  const out = new Map<PlannedRow, number>();
  const unknown: { r: PlannedRow; value: string; column: string }[] = [];
  const rejectedOrgs = ctx.rejected.get("organizations") ?? new Set<string>();

  for (const r of rows) {
    const refValue = str(r.values.org_ref);
    const nameValue = str(r.values.org);
    const column = (f: string) => ({ file: r.file, row: r.row, field: f });
    if (refValue) {
      const h = byRef.get(refValue);
      if (!h) {
        if (rejectedOrgs.has(refValue)) reject(r, issue("ref_rejected", { value: refValue }, column("org_ref")));
        else unknown.push({ r, value: refValue, column: "org_ref" });
        continue;
      }
      if (nameValue && nameValue !== h.name && nameValue !== h.short_name && nameValue !== h.ref) {
        r.issues.push(issue("org_name_mismatch", { ref: refValue, name: h.name, value: nameValue }, column("org")));
      }
      out.set(r, h.id);
      continue;
    }
    if (!nameValue) continue; // validate reported it missing
    const h = byRef.get(nameValue);
    const named = byName(nameValue);
    const short = byShort(nameValue);
    if (h) out.set(r, h.id);
    else if (named.length === 1) out.set(r, named[0].id);
    else if (named.length > 1) reject(r, issue("org_ambiguous", { value: nameValue, count: named.length }, column("org")));
    else if (short.length === 1) out.set(r, short[0].id);
    else if (short.length > 1) reject(r, issue("org_ambiguous", { value: nameValue, count: short.length }, column("org")));
    else if (rejectedOrgs.has(nameValue)) reject(r, issue("ref_rejected", { value: nameValue }, column("org")));
    else unknown.push({ r, value: nameValue, column: "org" });
  }

  // Suggestions for what was not found: one query per distinct value, at most 20.
  const suggestions = new Map<string, string | null>();
  for (const value of [...new Set(unknown.map((u) => u.value))].slice(0, 20)) {
    const [s] = await tx<{ name: string }[]>`
      select name from organization
      where similarity(name, ${value}) > 0.3 or name like ${"%" + value + "%"}
         or ${value} like '%' || coalesce(short_name, name) || '%'
      order by similarity(name, ${value}) desc, length(name)
      limit 1`;
    suggestions.set(value, s?.name ?? null);
  }
  for (const u of unknown) {
    const suggestion = suggestions.get(u.value);
    const at = { file: u.r.file, row: u.r.row, field: u.column };
    reject(u.r, suggestion ? issue("org_unknown_suggest", { value: u.value, suggestion }, at) : issue("org_unknown", { value: u.value }, at));
  }
  return out;
}

type ExpertHit = { id: number; ref: string | null; name: string; org_id: number; org_name: string };

/** Resolves each result's lead expert (by ref, or by name within the result's organization). */
async function resolveLeads(ctx: Ctx, rows: PlannedRow[], orgOf: Map<PlannedRow, number>): Promise<Map<PlannedRow, number | null>> {
  const { tx } = ctx;
  const keys = [...new Set(rows.flatMap((r) => [str(r.values.lead_ref), str(r.values.lead)]).filter((v): v is string => v !== null))];
  const orgIds = [...new Set(orgOf.values())];
  const hits = keys.length ? await tx<ExpertHit[]>`
    select e.id, e.ref, e.name, e.org_id, o.name as org_name
    from expert e join organization o on o.id = e.org_id
    where e.ref = any(${keys}) or (e.name = any(${keys}) and e.org_id = any(${orgIds}))` : [];
  const byRef = new Map(hits.filter((h) => h.ref).map((h) => [h.ref, h]));
  const byOrgName = groupBy(hits, (h) => `${h.org_id}\u0000${h.name}`);
  const rejectedExperts = ctx.rejected.get("experts") ?? new Set<string>();
  const out = new Map<PlannedRow, number | null>();
  for (const r of rows) {
    const refValue = str(r.values.lead_ref);
    const nameValue = str(r.values.lead);
    const orgId = orgOf.get(r);
    const field = refValue ? "lead_ref" : "lead";
    const at = { file: r.file, row: r.row, field };
    if (!refValue && !nameValue) {
      out.set(r, null);
      continue;
    }
    let hit: ExpertHit | undefined = refValue ? byRef.get(refValue) : nameValue ? byRef.get(nameValue) : undefined;
    if (!hit && !refValue && nameValue) {
      const named = byOrgName.get(`${orgId}\u0000${nameValue}`) ?? [];
      if (named.length > 1) {
        reject(r, issue("expert_ambiguous", { value: nameValue, count: named.length }, at));
        continue;
      }
      hit = named[0];
    }
    const value = refValue ?? nameValue ?? "";
    if (!hit) {
      reject(r, rejectedExperts.has(value) ? issue("ref_rejected", { value }, at) : issue("expert_unknown", { value }, at));
      continue;
    }
    if (orgId !== undefined && hit.org_id !== orgId) r.issues.push(issue("lead_other_org", { value, org: hit.org_name }, at));
    out.set(r, hit.id);
  }
  return out;
}

/** The stored record each row is about: by ref, else by its natural key. */
async function identify(
  ctx: Ctx,
  kind: ImportKind,
  rows: PlannedRow[],
  orgOf: Map<PlannedRow, number>,
): Promise<Map<PlannedRow, number>> {
  const { tx } = ctx;
  const table = SPECS[kind].table;
  const out = new Map<PlannedRow, number>();
  const refs = [...new Set(rows.map((r) => str(r.values.ref)).filter((v): v is string => v !== null))];
  if (refs.length) {
    const found = await tx<{ id: number; ref: string }[]>`select id, ref from ${tx(table)} where ref = any(${refs}) for update`;
    const byRef = new Map(found.map((f) => [f.ref, f.id]));
    for (const r of rows) {
      const id = byRef.get(str(r.values.ref) ?? "");
      if (id !== undefined) out.set(r, id);
    }
  }
  const keyed = rows.filter((r) => !str(r.values.ref));
  if (keyed.length === 0) return out;

  const nameCol = kind === "organizations" || kind === "experts" ? "name" : "title";
  const names = [...new Set(keyed.map((r) => str(r.values[nameCol])).filter((v): v is string => v !== null))];
  const found =
    kind === "organizations"
      ? await tx<{ id: number; org_id: number | null; k: string }[]>`
          select id, null::bigint as org_id, name as k from organization where name = any(${names}) for update`
      : await tx<{ id: number; org_id: number | null; k: string }[]>`
          select id, org_id, ${tx(nameCol)} as k from ${tx(table)}
          where org_id = any(${[...new Set(keyed.map((r) => orgOf.get(r)).filter((v) => v !== undefined))]})
            and ${tx(nameCol)} = any(${names})
          for update`;
  const byKey = new Map<string, number[]>();
  for (const f of found) {
    const k = kind === "organizations" ? f.k : `${f.org_id}\u0000${f.k}`;
    byKey.set(k, [...(byKey.get(k) ?? []), f.id]);
  }
  for (const r of keyed) {
    const name = str(r.values[nameCol]) ?? "";
    const k = kind === "organizations" ? name : `${orgOf.get(r)}\u0000${name}`;
    const ids = byKey.get(k) ?? [];
    if (ids.length === 1) out.set(r, ids[0]);
    else if (ids.length > 1) {
      reject(r, issue("key_ambiguous", { count: ids.length, key: KEY_LABEL[kind].zh, keyEn: KEY_LABEL[kind].en }, { file: r.file, row: r.row }));
    }
  }
  return out;
}

function derivedRef(kind: ImportKind, r: PlannedRow, orgId: number | undefined): string {
  const name = str(r.values.name) ?? str(r.values.title) ?? "";
  const h = createHash("sha256").update(`${kind}\u0000${orgId ?? ""}\u0000${name}`).digest("hex").slice(0, 12);
  return `IMP-${kind[0].toUpperCase()}-${h}`;
}

/** The full row to write, what changed, and whether the row is new. */
function compute(
  ctx: Ctx,
  kind: ImportKind,
  r: PlannedRow,
  existing: Existing | undefined,
  resolved: Record<string, number | null>,
): { row: Record<string, Value>; changes: string[] } {
  const spec = SPECS[kind];
  const row: Record<string, Value> = {};
  const changes: string[] = [];
  const isMember = ctx.memberOrgs !== null;
  for (const col of spec.content) {
    const sources = SOURCE[col] ?? [col];
    const given = sources.some((s) => r.present.includes(s));
    let v: Value;
    if (col in resolved && given) v = resolved[col];
    else if (given) v = r.values[col] ?? null;
    else if (existing) v = existing[col] ?? null;
    else v = col === "status" ? (isMember ? "pending_review" : "published") : col === "visibility" ? "public" : null;
    if (spec.lists.includes(col) && v === null) v = [];
    if (spec.notNullText.includes(col) && v === null) v = "";
    row[col] = v;
    if (existing && given && !same(existing[col], v)) changes.push(col);
  }
  // A member's change goes to the bureau for review (unless the file keeps it a draft).
  if (isMember && existing && changes.length > 0 && row.status !== "draft" && row.status !== "pending_review") {
    row.status = "pending_review";
    changes.push("status");
  }

  if (spec.stamps.length > 0) {
    const posted = r.present.includes("posted") ? str(r.values.posted) : null;
    const postedChanged = posted !== null && (!existing || existing.posted !== posted);
    if (existing && postedChanged) changes.push("posted");
    const status = String(row.status);
    const live = status === "published" || status === "matched";
    row.published_at = postedChanged ? at9(posted) : (existing?.published_at ?? (live ? ctx.now : null));
    row.submitted_at = postedChanged ? at9(posted) : (existing?.submitted_at ?? (status !== "draft" ? ctx.now : null));
    if (spec.stamps.includes("closed_at")) row.closed_at = status === "closed" ? (existing?.closed_at ?? ctx.now) : null;
    if (!existing) {
      row.created_by = ctx.actor.id;
      row.created_at = posted ? at9(posted) : ctx.now;
    }
  }
  return { row, changes };
}

const AUDIT_CONTENT_SKIP = new Set(["submitted_at", "published_at", "closed_at", "created_by", "created_at"]);

async function stageKind(ctx: Ctx, kind: ImportKind, all: PlannedRow[]): Promise<number[]> {
  const { tx } = ctx;
  const spec = SPECS[kind];
  const rows = all.filter((r) => r.kind === kind && r.action !== "rejected");
  for (const r of all) if (r.kind === kind && r.action === "rejected") noteRejected(ctx, r);
  if (rows.length === 0) return [];
  ctx.onProgress?.({ phase: "check", kind, done: 0, total: rows.length });
  // a merged duplicate's ref names its survivor (db/import/aliases.server.ts)
  await translateMergedRefs(tx, kind, rows);

  // references
  const orgOf = kind === "organizations" ? new Map<PlannedRow, number>() : await resolveOrgs(ctx, rows);
  const leadOf = kind === "results" ? await resolveLeads(ctx, rows.filter((r) => r.action !== "rejected"), orgOf) : new Map<PlannedRow, number | null>();
  if (ctx.memberOrgs) {
    for (const r of rows) {
      const orgId = orgOf.get(r);
      if (r.action !== "rejected" && orgId !== undefined && !ctx.memberOrgs.has(orgId)) {
        reject(r, issue("not_your_org", { value: str(r.values.org_ref) ?? str(r.values.org) ?? "" }, { file: r.file, row: r.row, field: "org" }));
      }
      const status = str(r.values.status);
      if (status && status !== "draft" && status !== "pending_review") {
        reject(r, issue("status_not_allowed", { value: status }, { file: r.file, row: r.row, field: "status" }));
      }
    }
  }

  // stored records
  const live = rows.filter((r) => r.action !== "rejected");
  const idOf = await identify(ctx, kind, live, orgOf);
  const existing = await loadExisting(ctx.tx, kind, [...new Set(idOf.values())]);

  // an organization given its own ref whose name is already taken (a likely duplicate): warned
  const namesTaken = new Map<string, string | null>();
  if (kind === "organizations") {
    const names = live.filter((r) => str(r.values.ref) && idOf.get(r) === undefined).map((r) => str(r.values.name) ?? "");
    if (names.length) for (const o of await tx<{ name: string; ref: string | null }[]>`select name, ref from organization where name = any(${names})`) namesTaken.set(o.name, o.ref);
  }

  const toWrite: { r: PlannedRow; row: Record<string, Value>; before: Existing | undefined }[] = [];
  const finalRefs = new Map<string, PlannedRow[]>();
  for (const r of live) {
    if (r.action === "rejected") continue;
    const id = idOf.get(r);
    const old = id === undefined ? undefined : existing.get(id);
    if (ctx.memberOrgs && old?.org_id !== undefined && !ctx.memberOrgs.has(old.org_id)) {
      reject(r, issue("not_your_record", { ref: old.ref ?? String(old.id) }, { file: r.file, row: r.row, field: "ref" }));
      continue;
    }
    if (kind === "organizations" && !old && str(r.values.ref)) {
      const same = namesTaken.get(str(r.values.name) ?? "");
      if (same !== undefined) r.issues.push(issue("name_exists", { value: String(r.values.name), ref: same ?? "—" }, { file: r.file, row: r.row, field: "name" }));
    }
    const resolved: Record<string, number | null> = {};
    if (orgOf.has(r)) resolved.org_id = orgOf.get(r) ?? null;
    if (leadOf.has(r)) resolved.lead_expert_id = leadOf.get(r) ?? null;
    const { row, changes } = compute(ctx, kind, r, old, resolved);
    r.id = old?.id ?? null;
    r.changes = changes;
    r.action = !old ? "created" : changes.length > 0 ? "updated" : "unchanged";
    // A stored record without a ref, found by name, keeps having none while nothing changes (a
    // re-import stays "unchanged"); once it is written it gets the ref it was found under.
    const refless = old !== undefined && old.ref === null && !str(r.values.ref);
    r.ref = refless && r.action === "unchanged" ? null : (str(r.values.ref) ?? old?.ref ?? derivedRef(kind, r, orgOf.get(r)));
    if (old && old.ref === null && r.action === "updated") r.changes = [...changes, "ref"];
    const identityKey = r.ref ?? `#${old?.id}`;
    finalRefs.set(identityKey, [...(finalRefs.get(identityKey) ?? []), r]);
    if (r.action !== "unchanged") toWrite.push({ r, row: { ref: r.ref, ...row }, before: old });
  }
  // two rows that turned out to be the same record (one named by ref, one by name …)
  for (const [key, group] of finalRefs) {
    if (group.length < 2) continue;
    for (const r of group) {
      const others = group.filter((o) => o !== r).map(where).join("、");
      reject(r, issue("ref_duplicate", { ref: r.ref ?? key, rows: others }, { file: r.file, row: r.row, field: "ref" }));
    }
  }
  const writes = toWrite.filter((w) => w.r.action !== "rejected");
  for (const r of rows) if (r.action === "rejected") noteRejected(ctx, r);

  // records that were found by name and had no ref get the one they are now known by
  for (const w of writes) {
    if (w.before && w.before.ref === null) await tx`update ${tx(spec.table)} set ref = ${w.r.ref} where id = ${w.before.id}`;
  }

  const touched = await upsert(ctx, kind, writes);
  if (ctx.apply) await auditRows(ctx, kind, writes);
  return touched;
}

/**
 * Inserts new rows and rewrites changed ones, by ref, in chunks. A chunk that the database
 * refuses (a constraint our validation missed) is retried row by row in savepoints, so the plan
 * names the guilty rows instead of failing as a whole.
 */
async function upsert(ctx: Ctx, kind: ImportKind, writes: { r: PlannedRow; row: Record<string, Value> }[]): Promise<number[]> {
  const { tx } = ctx;
  const spec = SPECS[kind];
  const created = writes.filter((w) => w.r.action === "created");
  const updated = writes.filter((w) => w.r.action === "updated");
  const updateCols = [...spec.content, ...spec.stamps];
  const ids: number[] = [];
  let done = 0;
  const total = writes.length;

  const write = async (db: Tx, chunk: typeof writes, created: boolean) => {
    // an update's insert tuple must not carry the insert-only columns: NOT NULL is checked on it
    // before the conflict turns it into an update
    const cols = created ? ["ref", ...updateCols, ...spec.insertOnly] : ["ref", ...updateCols];
    const rows = chunk.map((w) => Object.fromEntries(cols.map((c) => [c, w.row[c] ?? null])));
    return db<{ id: number; ref: string }[]>`
      insert into ${db(spec.table)} ${db(rows, cols)}
      on conflict (ref) do update
        set (${db(updateCols)}) = (select ${db(updateCols.map((c) => `excluded.${c}`))}),
            version = ${db(`${spec.table}.version`)} + 1
      returning id, ref`;
  };
  const size = Math.max(1, Math.floor(60_000 / (updateCols.length + 1 + spec.insertOnly.length)));

  // inserts and updates as separate statements: a multi-row upsert may not touch a row twice
  for (const [group, isNew] of [[created, true], [updated, false]] as const) {
    for (let i = 0; i < group.length; i += size) {
      const chunk = group.slice(i, i + size);
      try {
        const out = await tx.savepoint((sp) => write(sp, chunk, isNew));
        for (const o of out) ids.push(o.id);
        const idByRef = new Map(out.map((o) => [o.ref, o.id]));
        for (const w of chunk) w.r.id = idByRef.get(w.r.ref ?? "") ?? w.r.id;
      } catch (error) {
        if (!(error instanceof Error) || !("code" in error) || !String(error.code).startsWith("23")) throw error;
        for (const w of chunk) {
          try {
            const [o] = await tx.savepoint((sp) => write(sp, [w], isNew));
            ids.push(o.id);
            w.r.id = o.id;
          } catch (e) {
            if (!(e instanceof Error) || !("code" in e) || !String(e.code).startsWith("23")) throw e;
            const detail = "constraint_name" in e && e.constraint_name ? String(e.constraint_name) : e.message;
            reject(w.r, issue("db_constraint", { detail }, { file: w.r.file, row: w.r.row }));
          }
        }
      }
      done += chunk.length;
      ctx.onProgress?.({ phase: "write", kind, done, total });
    }
  }
  return ids;
}

/**
 * One audit row per created or updated record (with the changed columns before and after, and
 * the import's id), and one for the import as a whole (written by applyImport). Unchanged rows
 * leave no trace: nothing happened to them.
 */
async function auditRows(ctx: Ctx, kind: ImportKind, writes: { r: PlannedRow; row: Record<string, Value>; before: Existing | undefined }[]) {
  const { tx, actor } = ctx;
  const table = SPECS[kind].table;
  const entries = writes
    .filter((w) => w.r.action === "created" || w.r.action === "updated")
    .map((w) => {
      const cols = w.before ? w.r.changes.filter((c) => c !== "posted") : Object.keys(w.row).filter((c) => !AUDIT_CONTENT_SKIP.has(c));
      const pick = (src: Record<string, Value | number | null | undefined>) => Object.fromEntries(cols.map((c) => [c, src[c] ?? null]));
      const source = { import_id: ctx.importId, file: w.r.file, row: w.r.row };
      return {
        actor_id: actor.id,
        action: `${table}.import`,
        entity: table,
        entity_id: String(w.r.id),
        // objects, not JSON text: postgres.js serializes them for the jsonb columns
        before: w.before ? pick(w.before) : null,
        after: { ...pick(w.row), ...(w.r.changes.includes("posted") ? { published_at: w.row.published_at } : {}), _import: source },
        ip: actor.ip ?? null,
      };
    });
  for (let i = 0; i < entries.length; i += 5000) {
    await tx`insert into audit_log ${tx(entries.slice(i, i + 5000), ["actor_id", "action", "entity", "entity_id", "before", "after", "ip"])}`;
  }
}

class Rollback extends Error {
  constructor(readonly rows: PlannedRow[]) {
    super("rollback");
  }
}

async function memberOrgsOf(db: Sql, actor: ImportActor): Promise<Set<number> | null> {
  if (STAFF.has(actor.role)) return null;
  if (!actor.id) return new Set();
  const rows = await db<{ org_id: number }[]>`select org_id from membership where user_id = ${actor.id}`;
  return new Set(rows.map((r) => r.org_id));
}

/** Runs the database stage on the rows; commits only when `apply` and nothing is rejected. */
async function runStage(db: Sql, rows: PlannedRow[], actor: ImportActor, apply: boolean, opts: ImportOptions, importId: string) {
  const memberOrgs = await memberOrgsOf(db, actor);
  const touched = Object.fromEntries(ORDER.map((k) => [k, [] as number[]])) as Record<ImportKind, number[]>;
  try {
    await db.begin(async (tx) => {
      const [{ now }] = await tx<{ now: string }[]>`select to_json(now())#>>'{}' as now`;
      const ctx: Ctx = { tx, actor, memberOrgs, now, rejected: new Map(), apply, importId, onProgress: opts.onProgress };
      for (const kind of ORDER) touched[kind] = await stageKind(ctx, kind, rows);
      if (!apply || rows.some((r) => r.action === "rejected")) throw new Rollback(rows);
      const { counts, byKind } = countRows(rows);
      const files = [...new Set(rows.map((r) => r.file))];
      await tx`
        insert into audit_log (actor_id, action, entity, entity_id, after, ip)
        values (${actor.id}, 'import.apply', 'import', ${importId},
                ${tx.json({ files, counts, byKind, by: actor.id === null ? "cli" : actor.role })}, ${actor.ip ?? null})`;
      // last, as search/sync.server.ts asks: its job row stays locked until the commit
      for (const kind of ORDER) if (touched[kind].length) await enqueueSync(tx, KIND_TABLE[kind], touched[kind]);
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
    return { committed: false, touched };
  }
  return { committed: true, touched };
}

function finish(parsed: Parsed, rows: PlannedRow[]): ImportPlan {
  // issues found in the database stage know the field; name the column as the file wrote it
  const headers = new Map(parsed.sources.map((s) => [s.file, new Map(s.columns.filter((c) => c.field).map((c) => [c.field, c.header]))]));
  for (const r of rows) {
    for (const i of r.issues) if (i.column === undefined && i.field !== undefined) i.column = headers.get(r.file)?.get(i.field);
    if (hasError(r.issues)) r.action = "rejected";
  }
  const { counts, byKind } = countRows(rows);
  const ok = !hasError(parsed.issues) && counts.rejected === 0 && rows.length > 0;
  return { ok, sources: parsed.sources, issues: parsed.issues, rows, counts, byKind };
}

/**
 * Reads, checks and dry-runs an import of one file or several (a folder: they are taken in
 * dependency order, organizations → experts → needs → results, whatever the file order).
 * Writes nothing.
 */
export async function planImport(input: ImportFile | ImportFile[], actor: ImportActor, opts: ImportOptions = {}): Promise<ImportPlan> {
  const db = opts.db ?? defaultSql;
  const parsed = await parseFiles(Array.isArray(input) ? input : [input], actor, opts);
  if (parsed.rows.length === 0) return finish(parsed, parsed.rows);
  await runStage(db, parsed.rows, actor, false, opts, "dry-run");
  return finish(parsed, parsed.rows);
}

/** Fresh copies of a plan's rows, ready to be staged again. */
function replayable(plan: ImportPlan): PlannedRow[] {
  return plan.rows.map((r) => ({
    ...r,
    ref: null,
    id: null,
    changes: [],
    action: "unchanged",
    // warnings found in the database stage are found again; keep those of the files
    issues: r.issues.filter((i) => i.severity === "warning" && !["lead_other_org", "org_name_mismatch", "name_exists"].includes(i.code)),
  }));
}

/**
 * Writes a plan from planImport: all rows in one transaction, or nothing. The database is read
 * again inside the transaction (it may have changed since the plan), so the report's counts are
 * what happened; if a row is now rejected, nothing is written and the fresh plan says why.
 * The plan must be one planImport made on the server (never one sent back by a browser).
 */
export async function applyImport(plan: ImportPlan, actor: ImportActor, opts: ImportOptions = {}): Promise<ApplyResult> {
  if (!plan.ok) return { ok: false, plan };
  const started = performance.now();
  const db = opts.db ?? defaultSql;
  const importId = randomUUID();
  const rows = replayable(plan);
  const { committed, touched } = await runStage(db, rows, actor, true, opts, importId);
  const fresh = finish({ sources: plan.sources, issues: plan.issues, rows: [] }, rows);
  if (!committed) return { ok: false, plan: fresh };
  return {
    ok: true,
    plan: fresh,
    report: { importId, counts: fresh.counts, byKind: fresh.byKind, touched, ms: Math.round(performance.now() - started) },
  };
}
