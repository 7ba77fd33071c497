import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type UploadHandler,
} from "@remix-run/node";
import { z } from "zod";
import { sql } from "../../db/client.server";
import { exportColumns } from "../../db/import/export.server";
import {
  applyImport,
  formatIssue,
  IMPORT_KINDS,
  IMPORT_LIMITS,
  isImportKind,
  planImport,
  type ImportActor,
  type ImportCounts,
  type ImportIssue,
  type ImportKind,
  type ImportPlan,
} from "../../db/import/index.server";
import { toCsv, toXlsx, type ExportColumn } from "~/utils/export.server";
import type { Locale } from "~/utils/i18n";
import { isStaff } from "~/utils/roles";
import type { Actor } from "./audit.server";
import { forbidden } from "./audit.server";

// The import page's uploads (/import): bounded while the multipart body streams in, dry-run
// with the import core, kept in import_upload (migration 0030) for an hour with a compact copy
// of the plan for the preview, and imported on confirmation by re-planning from the stored
// bytes — the browser holds only the upload's id. Rights: staff import every kind; members
// import needs, results and experts of their own organizations (the core enforces the rows;
// this module refuses what the page never offers). docs/decisions/011-import-export.md.

// ---------------------------------------------------------------- limits of an upload

const XLSX_NAME = /\.(xlsx|xlsm)$/i;

/** What one request may carry: each file within the core's limits, all files together within one CSV's. */
export const UPLOAD_LIMITS = {
  maxFileBytes: IMPORT_LIMITS.maxFileBytes,
  maxXlsxBytes: IMPORT_LIMITS.maxXlsxBytes,
  maxTotalBytes: IMPORT_LIMITS.maxFileBytes,
  maxFiles: 20,
  maxRows: IMPORT_LIMITS.maxRows,
};

/** A preview's rows per page. */
export const PAGE_SIZE = 50;

export type TooLarge = { file: string; limitBytes: number };

class TooManyFiles extends Error {}

/**
 * The upload form's fields, or why it was refused. Files are counted while they stream in
 * (Remix's memory upload handler with a per-file maximum, and a running total over all
 * parts): an oversized upload stops there and nothing of it is kept.
 */
export async function readUploadForm(
  request: Request,
  limits: Pick<typeof UPLOAD_LIMITS, "maxFileBytes" | "maxXlsxBytes" | "maxTotalBytes" | "maxFiles"> = UPLOAD_LIMITS,
): Promise<{ ok: true; formData: FormData } | { ok: false; tooLarge: TooLarge } | { ok: false; tooManyFiles: number }> {
  // The multipart overhead is small; a declared length far above the total is refused unread.
  const declared = Number(request.headers.get("Content-Length") ?? "");
  if (Number.isFinite(declared) && declared > limits.maxTotalBytes + 1024 * 1024) {
    return { ok: false, tooLarge: { file: "", limitBytes: limits.maxTotalBytes } };
  }
  const csvJson = unstable_createMemoryUploadHandler({ maxPartSize: limits.maxFileBytes });
  const xlsx = unstable_createMemoryUploadHandler({ maxPartSize: limits.maxXlsxBytes });
  const text = unstable_createMemoryUploadHandler({ maxPartSize: 1024 });
  let total = 0;
  let files = 0;
  let current = { file: "", limitBytes: limits.maxFileBytes };
  async function* counted(data: AsyncIterable<Uint8Array>) {
    for await (const chunk of data) {
      total += chunk.byteLength;
      if (total > limits.maxTotalBytes) {
        current = { file: current.file, limitBytes: limits.maxTotalBytes };
        throw new MaxPartSizeExceededError("files", limits.maxTotalBytes);
      }
      yield chunk;
    }
  }
  const handler: UploadHandler = async (part) => {
    if (part.filename === undefined) return text(part);
    // an empty file input still sends a part (no name, no bytes): Conform reads it as "no file"
    if (part.name !== "files") return undefined;
    if (part.filename !== "" && ++files > limits.maxFiles) throw new TooManyFiles();
    const isXlsx = XLSX_NAME.test(part.filename);
    current = { file: part.filename, limitBytes: isXlsx ? limits.maxXlsxBytes : limits.maxFileBytes };
    return (isXlsx ? xlsx : csvJson)({ ...part, data: counted(part.data) });
  };
  try {
    return { ok: true, formData: await unstable_parseMultipartFormData(request, handler) };
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return { ok: false, tooLarge: current };
    if (error instanceof TooManyFiles) return { ok: false, tooManyFiles: limits.maxFiles };
    // not multipart at all (a hand-made POST): a bad request, not a server error
    if (error instanceof TypeError) throw new Response("Bad request", { status: 400 });
    throw error;
  }
}

// ---------------------------------------------------------------- who may import what

export type ImportRights = {
  /** may use the page at all (staff, or a member of at least one organization) */
  allowed: boolean;
  kinds: readonly ImportKind[];
  /** the organizations a member imports for (staff: empty, they import for any) */
  orgs: { id: number; name: string }[];
};

const MEMBER_KINDS: readonly ImportKind[] = ["needs", "results", "experts"];

export async function importRights(user: Pick<Actor, "id" | "role">): Promise<ImportRights> {
  if (isStaff(user)) return { allowed: true, kinds: IMPORT_KINDS, orgs: [] };
  const orgs = await sql<{ id: number; name: string }[]>`
    select o.id, o.name from membership m join organization o on o.id = m.org_id
    where m.user_id = ${user.id} order by o.name`;
  return { allowed: orgs.length > 0, kinds: MEMBER_KINDS, orgs };
}

function importActor(actor: Actor): ImportActor {
  return { id: actor.id, role: actor.role, ip: actor.ip ?? null };
}

// ---------------------------------------------------------------- what is stored

// Messages are rendered in both UI languages when the plan is made (formatIssue): what is
// stored stays readable even if the core's wording changes later.
const IssueSchema = z.object({
  code: z.string(),
  zh: z.string(),
  en: z.string(),
  severity: z.enum(["error", "warning"]),
  file: z.string().optional(),
  row: z.number().optional(),
  column: z.string().optional(),
  field: z.string().optional(),
});
type StoredIssue = z.infer<typeof IssueSchema>;

const CountsSchema = z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), rejected: z.number() });
const KindSchema = z.enum(IMPORT_KINDS);

const SummarySchema = z.object({
  ok: z.boolean(),
  files: z.array(z.object({ filename: z.string(), bytes: z.number() })),
  counts: CountsSchema,
  byKind: z.record(CountsSchema),
  sources: z.array(z.object({ file: z.string(), kind: KindSchema, format: z.string(), encoding: z.string().optional(), rows: z.number() })),
  issues: z.array(IssueSchema),
  /** set when a confirmation found the database changed since the preview */
  replanned: z.boolean().optional(),
});
type Summary = z.infer<typeof SummarySchema>;

const RowEntrySchema = z.object({
  file: z.string(),
  row: z.number(),
  kind: KindSchema,
  ref: z.string().nullable(),
  title: z.string().nullable(),
  action: z.enum(["created", "updated", "unchanged", "rejected"]),
  changes: z.array(z.string()),
  issues: z.array(IssueSchema),
});
type RowEntry = z.infer<typeof RowEntrySchema>;

const AppliedSchema = z.object({
  importId: z.string(),
  counts: CountsSchema,
  byKind: z.record(CountsSchema),
  at: z.string(),
});

const MAX_MESSAGE = 500;
const MAX_ISSUES_PER_ROW = 20;

// A message can list other rows ("same ref as rows 3, 9, 14 …"): bounded, so a file of
// duplicates cannot blow the stored preview up quadratically.
const bounded = (s: string) => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s);

function compactIssue(i: ImportIssue): StoredIssue {
  return {
    code: i.code,
    zh: bounded(formatIssue(i, "zh-CN")),
    en: bounded(formatIssue(i, "en")),
    severity: i.severity,
    file: i.file,
    row: i.row,
    column: i.column,
    field: i.field,
  };
}

function titleOf(values: Record<string, unknown>): string | null {
  const v = values.title ?? values.name;
  return typeof v === "string" && v !== "" ? v.slice(0, 200) : null;
}

function compactPlan(plan: ImportPlan, files: { filename: string; bytes: Buffer }[]): { summary: Summary; rows: RowEntry[] } {
  const rows: RowEntry[] = plan.rows.map((r) => ({
    file: r.file,
    row: r.row,
    kind: r.kind,
    // a row rejected before the database stage has no stored ref yet: show the one it gives
    ref: r.ref ?? (typeof r.values.ref === "string" && r.values.ref !== "" ? r.values.ref : null),
    title: titleOf(r.values),
    action: r.action,
    changes: r.changes,
    // errors first: they are what the preview must show
    issues: [...r.issues].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1)).slice(0, MAX_ISSUES_PER_ROW).map(compactIssue),
  }));
  return {
    summary: {
      ok: plan.ok,
      files: files.map((f) => ({ filename: f.filename, bytes: f.bytes.byteLength })),
      counts: plan.counts,
      byKind: plan.byKind,
      sources: plan.sources.map((s) => ({ file: s.file, kind: s.kind, format: s.format, encoding: s.encoding, rows: s.rows })),
      issues: plan.issues.slice(0, 200).map(compactIssue),
    },
    rows,
  };
}

// ---------------------------------------------------------------- upload and dry run

export type UploadInput = { files: { filename: string; bytes: Buffer }[]; kind?: ImportKind };

/**
 * Dry-runs the files as this user and keeps them with the preview. Writes nothing in the
 * catalog. Returns the upload's id for the preview page.
 */
export async function createUpload(actor: Actor, input: UploadInput): Promise<{ id: string }> {
  const rights = await importRights(actor);
  if (!rights.allowed || (input.kind && !rights.kinds.includes(input.kind))) forbidden();
  if (input.files.length === 0) throw new Response("Bad request", { status: 400 });
  const files = input.files.map((f) => ({ filename: f.filename.slice(-255) || "upload", bytes: f.bytes }));

  const plan = await planImport(
    files.map((f) => ({ ...f, kind: input.kind })),
    importActor(actor),
  );
  const { summary, rows } = compactPlan(plan, files);

  // Housekeeping on the way: bytes of expired or imported uploads go at once, the rows (which
  // say "expired" or "imported" to their owner) after a day.
  await sql`delete from import_upload where expires_at < now() - interval '1 day'`;
  await sql`
    delete from import_upload_file f using import_upload u
    where u.id = f.upload_id and (u.expires_at < now() or u.consumed_at is not null)`;

  return sql.begin(async (tx) => {
    const [upload] = await tx<{ id: string }[]>`
      insert into import_upload (owner_id, kind, summary, rows)
      values (${actor.id}, ${input.kind ?? null}, ${tx.json(summary)}, ${tx.json(rows)})
      returning id`;
    const fileRows = files.map((f, position) => ({ upload_id: upload.id, position, filename: f.filename, bytes: f.bytes }));
    await tx`insert into import_upload_file ${tx(fileRows, "upload_id", "position", "filename", "bytes")}`;
    return { id: upload.id };
  });
}

// ---------------------------------------------------------------- reading an upload

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type UploadState = "preview" | "imported" | "importing" | "expired";

type UploadRow = {
  id: string;
  owner_id: string;
  kind: string | null;
  created_at: Date;
  expires_at: Date;
  consumed_at: Date | null;
  summary: unknown;
  applied: unknown;
  expired: boolean;
};

/** The user's own upload, or a 404 (another user's id is as unknown as a made-up one). */
async function ownUpload(actor: Pick<Actor, "id">, id: string): Promise<UploadRow> {
  if (!UUID.test(id)) throw new Response("Not found", { status: 404 });
  const [row] = await sql<UploadRow[]>`
    select id, owner_id, kind, created_at, expires_at, consumed_at, summary, applied, expires_at <= now() as expired
    from import_upload where id = ${id} and owner_id = ${actor.id}`;
  if (!row) throw new Response("Not found", { status: 404 });
  return row;
}

function stateOf(row: Pick<UploadRow, "consumed_at" | "applied" | "expired">): UploadState {
  if (row.applied) return "imported";
  if (row.consumed_at) return "importing";
  return row.expired ? "expired" : "preview";
}

export type PreviewIssue = { code: string; severity: "error" | "warning"; file: string | null; row: number | null; column: string | null; message: string };
export type PreviewRow = {
  n: number;
  file: string;
  row: number;
  kind: ImportKind;
  ref: string | null;
  title: string | null;
  action: RowEntry["action"];
  changes: string[];
  issues: PreviewIssue[];
};
export type RowFilter = "all" | RowEntry["action"];

function message(i: StoredIssue, locale: Locale): PreviewIssue {
  return { code: i.code, severity: i.severity, file: i.file ?? null, row: i.row ?? null, column: i.column ?? null, message: locale === "en" ? i.en : i.zh };
}

/** Column headers of the changed fields, in the UI language. */
function fieldLabels(kind: ImportKind, keys: string[], locale: Locale): string[] {
  const cols = exportColumns(kind);
  return keys.map((k) => {
    const c = cols.find((col) => col.key === k);
    return c ? (locale === "en" ? c.header_en : c.header_zh) : k;
  });
}

/** The kinds a file has rows of (the core reports all four). */
function nonEmpty(byKind: Record<string, ImportCounts>): Partial<Record<ImportKind, ImportCounts>> {
  const out: Partial<Record<ImportKind, ImportCounts>> = {};
  for (const [k, c] of Object.entries(byKind)) {
    if (isImportKind(k) && c.created + c.updated + c.unchanged + c.rejected > 0) out[k] = c;
  }
  return out;
}

export type UploadView = {
  id: string;
  state: UploadState;
  kind: ImportKind | null;
  createdAt: Date;
  expiresAt: Date;
  ok: boolean;
  replanned: boolean;
  files: { filename: string; bytes: number }[];
  counts: ImportCounts;
  byKind: Partial<Record<ImportKind, ImportCounts>>;
  sources: Summary["sources"];
  fileIssues: PreviewIssue[];
  applied: (Omit<z.infer<typeof AppliedSchema>, "byKind"> & { byKind: Partial<Record<ImportKind, ImportCounts>> }) | null;
  page: { filter: RowFilter; number: number; pages: number; total: number; rows: PreviewRow[] };
};

/** The preview of an upload: its summary and one page of rows, messages in the UI language. */
export async function getUploadView(
  actor: Pick<Actor, "id">,
  id: string,
  opts: { locale: Locale; filter?: RowFilter; page?: number },
): Promise<UploadView> {
  const row = await ownUpload(actor, id);
  const summary = SummarySchema.parse(row.summary);
  const filter: RowFilter = opts.filter ?? (summary.counts.rejected > 0 ? "rejected" : "all");
  const total = filter === "all" ? Object.values(summary.counts).reduce((a, b) => a + b, 0) : summary.counts[filter];
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const number = Math.min(Math.max(1, Math.trunc(opts.page ?? 1)), pages);
  const action = filter === "all" ? null : filter;
  const entries = await sql<{ entry: unknown; n: number }[]>`
    select e.value as entry, e.n::int as n
    from import_upload u cross join lateral jsonb_array_elements(u.rows) with ordinality as e(value, n)
    where u.id = ${row.id} and (${action}::text is null or e.value->>'action' = ${action})
    order by e.n
    offset ${(number - 1) * PAGE_SIZE} limit ${PAGE_SIZE}`;
  const rows = entries.map(({ entry, n }) => {
    const r = RowEntrySchema.parse(entry);
    return {
      n,
      file: r.file,
      row: r.row,
      kind: r.kind,
      ref: r.ref,
      title: r.title,
      action: r.action,
      changes: fieldLabels(r.kind, r.changes, opts.locale),
      issues: r.issues.map((i) => message(i, opts.locale)),
    };
  });
  const applied = row.applied ? AppliedSchema.parse(row.applied) : null;
  return {
    id: row.id,
    state: stateOf(row),
    kind: isImportKind(row.kind) ? row.kind : null,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ok: summary.ok,
    replanned: summary.replanned ?? false,
    files: summary.files,
    counts: summary.counts,
    byKind: nonEmpty(summary.byKind),
    sources: summary.sources,
    fileIssues: summary.issues.map((i) => message(i, opts.locale)),
    applied: applied && { ...applied, byKind: nonEmpty(applied.byKind) },
    page: { filter, number, pages, total, rows },
  };
}

// ---------------------------------------------------------------- confirmation

export type ConfirmResult =
  | { ok: true; counts: ImportCounts; byKind: Record<ImportKind, ImportCounts> }
  | { ok: false; reason: "rejected" | "changed" | "consumed" | "expired" };

/**
 * Imports an upload: claims it (one atomic UPDATE that only an unconsumed, unexpired upload
 * of this user passes — a double click or a replayed POST finds it consumed and writes
 * nothing), re-plans from the stored bytes against the database as it is now, and applies
 * that plan in the core's single transaction. If nothing was written the claim is released.
 */
export async function confirmUpload(actor: Actor, id: string): Promise<ConfirmResult> {
  const row = await ownUpload(actor, id);
  const summary = SummarySchema.parse(row.summary);
  if (row.consumed_at) return { ok: false, reason: "consumed" };
  if (row.expired) return { ok: false, reason: "expired" };
  if (!summary.ok) return { ok: false, reason: "rejected" };
  const rights = await importRights(actor);
  if (!rights.allowed) forbidden();

  const [claimed] = await sql<{ id: string }[]>`
    update import_upload set consumed_at = now()
    where id = ${row.id} and owner_id = ${actor.id} and consumed_at is null and expires_at > now()
    returning id`;
  if (!claimed) {
    const [now] = await sql<{ consumed: boolean }[]>`select consumed_at is not null as consumed from import_upload where id = ${row.id}`;
    return { ok: false, reason: now?.consumed ? "consumed" : "expired" };
  }

  const release = () => sql`update import_upload set consumed_at = null where id = ${row.id} and applied is null`;
  try {
    const stored = await sql<{ filename: string; bytes: Buffer }[]>`
      select filename, bytes from import_upload_file where upload_id = ${row.id} order by position`;
    const files = stored.map((f) => ({ filename: f.filename, bytes: Buffer.from(f.bytes) }));
    const kind = isImportKind(row.kind) ? row.kind : undefined;
    const plan = await planImport(
      files.map((f) => ({ ...f, kind })),
      importActor(actor),
    );
    const result = plan.ok ? await applyImport(plan, importActor(actor)) : { ok: false as const, plan };
    if (!result.ok) {
      // The database changed since the preview (an organization removed, a ref taken): the
      // preview now shows the fresh plan and why, and the upload may not be confirmed.
      const fresh = compactPlan(result.plan, files);
      await sql`
        update import_upload set consumed_at = null,
          summary = ${sql.json({ ...fresh.summary, replanned: true })}, rows = ${sql.json(fresh.rows)}
        where id = ${row.id}`;
      return { ok: false, reason: "changed" };
    }
    const { counts, byKind, importId } = result.report;
    await sql.begin(async (tx) => {
      await tx`
        update import_upload set applied = ${tx.json({ importId, counts, byKind, at: new Date().toISOString() })}
        where id = ${row.id}`;
      await tx`delete from import_upload_file where upload_id = ${row.id}`;
    });
    return { ok: true, counts, byKind };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Drops an upload that has not been imported (its bytes and its preview). */
export async function discardUpload(actor: Pick<Actor, "id">, id: string): Promise<void> {
  const row = await ownUpload(actor, id);
  await sql`delete from import_upload where id = ${row.id} and owner_id = ${actor.id} and consumed_at is null`;
}

// ---------------------------------------------------------------- downloads

type ReportRow = { file: string; row: number; kind: string; ref: string | null; title: string | null; columns: string; reasons: string };

const REPORT_COLUMNS: ExportColumn<ReportRow>[] = [
  { key: "file", header_zh: "文件", header_en: "file" },
  { key: "row", header_zh: "行号", header_en: "row" },
  { key: "kind", header_zh: "类型", header_en: "kind" },
  { key: "ref", header_zh: "编号", header_en: "ref" },
  { key: "title", header_zh: "名称", header_en: "title" },
  { key: "columns", header_zh: "出错的列", header_en: "columns" },
  { key: "reasons", header_zh: "拒绝原因", header_en: "reasons" },
];

const KIND_NAMES: Record<ImportKind, Record<Locale, string>> = {
  organizations: { "zh-CN": "单位", en: "organization" },
  experts: { "zh-CN": "专家", en: "expert" },
  needs: { "zh-CN": "技术需求", en: "need" },
  results: { "zh-CN": "科研成果", en: "result" },
};

/**
 * The rejected rows of an upload as CSV: where each is in the file, what identifies it, and
 * every reason in the UI language — the list to fix the spreadsheet by. Headers and texts go
 * through toCsv (BOM for Excel, formula-injection guard: a reason may quote a cell's text).
 */
export async function rejectedRowsCsv(actor: Pick<Actor, "id">, id: string, locale: Locale): Promise<Buffer> {
  const row = await ownUpload(actor, id);
  const entries = await sql<{ entry: unknown }[]>`
    select e.value as entry
    from import_upload u cross join lateral jsonb_array_elements(u.rows) with ordinality as e(value, n)
    where u.id = ${row.id} and e.value->>'action' = 'rejected'
    order by e.n`;
  const report: ReportRow[] = entries.map(({ entry }) => {
    const r = RowEntrySchema.parse(entry);
    const errors = r.issues.filter((i) => i.severity === "error");
    return {
      file: r.file,
      row: r.row,
      kind: KIND_NAMES[r.kind][locale],
      ref: r.ref,
      title: r.title,
      columns: [...new Set(errors.map((i) => i.column).filter((c) => c !== undefined))].join("、"),
      reasons: errors.map((i) => message(i, locale).message).join("\n"),
    };
  });
  // file-level problems (a missing column, an unreadable file) reject everything: listed too
  const summary = SummarySchema.parse(row.summary);
  for (const i of summary.issues.filter((x) => x.severity === "error")) {
    report.unshift({ file: i.file ?? "", row: i.row ?? 0, kind: "", ref: null, title: null, columns: i.column ?? "", reasons: message(i, locale).message });
  }
  return toCsv(report, REPORT_COLUMNS, { locale });
}

/** An empty spreadsheet for a kind: the importer's columns under their Chinese headers. */
export async function templateFile(kind: ImportKind, format: "csv" | "xlsx"): Promise<Buffer> {
  const columns = exportColumns(kind);
  return format === "csv" ? toCsv([], columns) : toXlsx([], columns, KIND_NAMES[kind]["zh-CN"]);
}

export const TEMPLATE_NAMES: Record<ImportKind, string> = {
  organizations: "单位导入模板",
  experts: "专家导入模板",
  needs: "技术需求导入模板",
  results: "科研成果导入模板",
};
