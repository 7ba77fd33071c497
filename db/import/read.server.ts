import chardet from "chardet";
import { parse as parseCsv } from "csv-parse/sync";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { fieldFor, inferKind, isRowNumberHeader, IMPORT_KINDS, kindFromFilename, type ImportKind } from "./columns.server";
import { formatBytes, issue, type ImportIssue } from "./issues.server";
import type { Cell } from "./values.server";
import { readZipDirectory, verifyZipEntries } from "./zip.server";

// Bytes → a table of cells under a header row, whatever the format: the demo JSON (an array of
// records), CSV (UTF-8 with or without BOM, GBK/GB18030 from Chinese Excel, UTF-16 "Unicode
// text"), or XLSX (measured as a ZIP before exceljs inflates it). Every limit is checked here,
// before anything costly.

const MB = 1024 * 1024;

export type ImportLimits = {
  /** CSV and JSON files */
  maxFileBytes: number;
  /** XLSX as uploaded (compressed) */
  maxXlsxBytes: number;
  /** XLSX: all parts, inflated */
  maxUncompressedBytes: number;
  maxZipEntries: number;
  maxRatio: number;
  ratioFloorBytes: number;
  /** data rows per file */
  maxRows: number;
};

export const IMPORT_LIMITS: ImportLimits = {
  maxFileBytes: 50 * MB,
  maxXlsxBytes: 10 * MB,
  maxUncompressedBytes: 100 * MB,
  maxZipEntries: 1000,
  maxRatio: 100,
  ratioFloorBytes: 1 * MB,
  maxRows: 50_000,
};

export type ImportFile = { bytes: Buffer; filename: string; kind?: ImportKind };

export type TableRow = { row: number; cells: Cell[] };

export type Table = {
  /** file name (and sheet) as shown in reports */
  file: string;
  format: "json" | "csv" | "xlsx";
  kind: ImportKind;
  /** headers as written; a JSON file's are its records' keys */
  headers: string[];
  rows: TableRow[];
  /** e.g. "GB18030" when a CSV was converted */
  encoding?: string;
};

export type ReadResult = { table: Table | null; issues: ImportIssue[]; skipped?: boolean };

/** How many leading rows may sit above the header (a merged title row, a date line …). */
const HEADER_SEARCH_ROWS = 10;

// ---- header detection ----

function recognised(cells: Cell[], kind: ImportKind | undefined): number {
  const kinds = kind ? [kind] : IMPORT_KINDS;
  let best = 0;
  for (const k of kinds) {
    const keys = new Set(cells.map((c) => (typeof c === "string" ? fieldFor(k, c)?.key : undefined)).filter(Boolean));
    best = Math.max(best, keys.size);
  }
  return best;
}

/** Index of the first row that looks like a header (≥ 2 known column names), or -1. */
function findHeader(rows: Cell[][], kind: ImportKind | undefined): number {
  const n = Math.min(rows.length, HEADER_SEARCH_ROWS);
  for (let i = 0; i < n; i++) if (recognised(rows[i], kind) >= 2) return i;
  return -1;
}

function blankRow(cells: Cell[]) {
  return cells.every((c) => c === null || c === undefined || (typeof c === "string" && c.trim() === ""));
}

/**
 * Header + data rows → a table; refuses a file without data or with too many rows and decides
 * the kind (given, from the headers, else from the file name).
 */
function tabulate(
  file: ImportFile,
  display: string,
  format: Table["format"],
  grid: { row: number; cells: Cell[] }[],
  limits: ImportLimits,
  extra: ImportIssue[],
): ReadResult {
  const at = { file: display };
  const issues = [...extra];
  if (grid.length === 0 || grid.every((r) => blankRow(r.cells))) return { table: null, issues: [...issues, issue("file_empty", {}, at)] };
  const h = findHeader(
    grid.map((r) => r.cells),
    file.kind,
  );
  if (h < 0) return { table: null, issues: [...issues, issue("no_header", { rows: HEADER_SEARCH_ROWS }, at)] };
  const headerRow = grid[h];
  if (h > 0) issues.push(issue("rows_above_header", { row: headerRow.row }, at));
  const headers = headerRow.cells.map((c) => (c === null || c === undefined ? "" : String(c).trim()));
  const rows = grid.slice(h + 1).filter((r) => !blankRow(r.cells));
  if (rows.length === 0) return { table: null, issues: [...issues, issue("only_headers", {}, at)] };
  if (rows.length > limits.maxRows) {
    return { table: null, issues: [...issues, issue("too_many_rows", { rows: rows.length, limit: limits.maxRows }, at)] };
  }
  const kind = file.kind ?? inferKind(headers) ?? kindFromFilename(file.filename);
  if (!kind) return { table: null, issues: [...issues, issue("kind_unknown", {}, at)] };
  return { table: { file: display, format, kind, headers, rows }, issues };
}

// ---- CSV ----

const PLAUSIBLE =
  /[\t\n\r\x20-\x7E\u00A0-\u00FF\u0370-\u04FF\u2000-\u2BFF\u3000-\u30FF\u3200-\u33FF\u4E00-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF\u{20000}-\u{3134F}]/gu;

function plausibleChinese(s: string) {
  if (s.includes("\uFFFD")) return false;
  const total = [...s].length;
  const good = s.match(PLAUSIBLE)?.length ?? 0;
  return total === 0 || good / total >= 0.98;
}

function csvGrid(text: string, delimiter: string): Cell[][] {
  return parseCsv(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
}

/** The delimiter under which the first lines contain a header row. */
function sniffDelimiter(text: string, kind: ImportKind | undefined): string | null {
  const head = text.split("\n", HEADER_SEARCH_ROWS + 1).join("\n");
  for (const d of [",", "\t", ";"]) {
    try {
      if (findHeader(csvGrid(head, d), kind) >= 0) return d;
    } catch {
      // a quote split by the cut: try the next delimiter
    }
  }
  return null;
}

type Decoded = { text: string; encoding: string } | { issue: "encoding_unknown" };

/**
 * UTF-8 (with or without BOM) and UTF-16 with BOM are certain. Anything else that is not valid
 * UTF-8 is tried as GB18030 (a superset of GBK, Chinese Excel's "CSV (逗号分隔)"): accepted
 * when the result reads like Chinese text AND either its header row is recognised or chardet
 * agrees. Shift_JIS, Big5 or Latin-1 files decode into plausible-looking nonsense under GB18030,
 * which is why one of the two confirmations is required; without it we say what to do instead.
 */
export function decodeCsv(bytes: Buffer, kind?: ImportKind): Decoded {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: bytes.subarray(3).toString("utf8"), encoding: "UTF-8" };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: iconv.decode(bytes.subarray(2), "utf16le"), encoding: "UTF-16LE" };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: iconv.decode(bytes.subarray(2), "utf16be"), encoding: "UTF-16BE" };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "UTF-8" };
  } catch {
    // not UTF-8
  }
  const gb = iconv.decode(bytes, "gb18030");
  if (plausibleChinese(gb)) {
    if (sniffDelimiter(gb, kind) !== null) return { text: gb, encoding: "GB18030" };
    const top = chardet.analyse(bytes)[0];
    if (top?.name === "GB18030" && top.confidence >= 50) return { text: gb, encoding: "GB18030" };
  }
  return { issue: "encoding_unknown" };
}

function readCsv(file: ImportFile, display: string, limits: ImportLimits): ReadResult {
  const at = { file: display };
  const decoded = decodeCsv(file.bytes, file.kind);
  if ("issue" in decoded) return { table: null, issues: [issue(decoded.issue, {}, at)] };
  const extra: ImportIssue[] = [];
  if (decoded.encoding !== "UTF-8") extra.push(issue("encoding_converted", { encoding: decoded.encoding }, at));
  const text = decoded.text.replace(/^\uFEFF/, "");
  if (text.trim() === "") return { table: null, issues: [issue("file_empty", {}, at)] };
  const delimiter = sniffDelimiter(text, file.kind) ?? ",";
  let grid: Cell[][];
  try {
    // whole: the byte limit bounds it (≈ 1–2 s for 50 MB), and the row count in the message is exact
    grid = csvGrid(text, delimiter);
  } catch (error) {
    const line = error instanceof Error && "lines" in error ? Number(error.lines) : 0;
    const detail = error instanceof Error ? error.message.replace(/^.*?:\s*/, "") : String(error);
    return { table: null, issues: [issue("csv_invalid", { line, detail }, at)] };
  }
  // Excel numbers a CSV's rows as the records (a quoted multi-line cell stays on one row)
  const result = tabulate(
    file,
    display,
    "csv",
    grid.map((cells, i) => ({ row: i + 1, cells })),
    limits,
    extra,
  );
  if (result.table && decoded.encoding !== "UTF-8") result.table.encoding = decoded.encoding;
  return result;
}

// ---- XLSX ----

function xlsxCell(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v !== "object") return v;
  if ("richText" in v) return v.richText.map((r) => r.text).join("");
  if ("formula" in v || "sharedFormula" in v) return xlsxCell(v.result ?? null);
  if ("hyperlink" in v) return xlsxCell(v.text as ExcelJS.CellValue);
  if ("error" in v) return v.error;
  return null;
}

async function readXlsx(file: ImportFile, display: string, limits: ImportLimits): Promise<ReadResult> {
  const at = { file: display };
  const fail = (...i: ImportIssue[]): ReadResult => ({ table: null, issues: i });
  if (file.bytes.length > limits.maxXlsxBytes) {
    return fail(issue("file_too_large", { size: formatBytes(file.bytes.length), limit: formatBytes(limits.maxXlsxBytes) }, at));
  }
  const dir = readZipDirectory(file.bytes, {
    maxUncompressedBytes: limits.maxUncompressedBytes,
    maxEntries: limits.maxZipEntries,
    maxRatio: limits.maxRatio,
    ratioFloorBytes: limits.ratioFloorBytes,
  });
  const refused = dir.ok ? verifyZipEntries(file.bytes, dir.entries) : dir;
  if (refused && !refused.ok) {
    switch (refused.code) {
      case "not_zip":
        return fail(issue("not_xlsx", { detail: refused.detail }, at));
      case "zip_too_large":
        return fail(issue("zip_too_large", { size: formatBytes(refused.size), limit: formatBytes(limits.maxUncompressedBytes) }, at));
      case "zip_entries":
        return fail(issue("zip_entries", { count: refused.count, limit: limits.maxZipEntries }, at));
      case "zip_ratio":
        return fail(issue("zip_ratio", { entry: refused.entry, ratio: refused.ratio }, at));
      case "zip_mismatch":
        return fail(issue("zip_mismatch", { entry: refused.entry }, at));
    }
  }
  if (dir.ok && !dir.entries.some((e) => e.name === "xl/workbook.xml")) {
    return fail(issue("not_xlsx", { detail: "no xl/workbook.xml" }, at));
  }

  const wb = new ExcelJS.Workbook();
  try {
    // exceljs' Buffer type predates Node's generic Buffer
    await wb.xlsx.load(file.bytes as unknown as ExcelJS.Buffer);
  } catch (error) {
    return fail(issue("not_xlsx", { detail: error instanceof Error ? error.message.slice(0, 120) : "unreadable" }, at));
  }
  const sheets = wb.worksheets.filter((s) => s.state === "visible" && s.actualRowCount > 0);
  if (sheets.length === 0) return fail(issue("file_empty", {}, at));
  const sheet = sheets[0];
  const extra = sheets.slice(1).map((s) => issue("sheet_ignored", { sheet: s.name, used: sheet.name }, at));
  if (sheet.actualRowCount > limits.maxRows + HEADER_SEARCH_ROWS + 1) {
    return fail(...extra, issue("too_many_rows", { rows: sheet.actualRowCount - 1, limit: limits.maxRows }, at));
  }
  const width = sheet.columnCount;
  const grid: TableRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: Cell[] = [];
    for (let c = 1; c <= width; c++) cells.push(xlsxCell(row.getCell(c).value));
    grid.push({ row: row.number, cells });
  });
  const name = sheets.length > 1 || wb.worksheets.length > 1 ? `${display} [${sheet.name}]` : display;
  return tabulate(file, name, "xlsx", grid, limits, extra);
}

// ---- JSON (the demo format) ----

function readJson(file: ImportFile, display: string): ReadResult {
  const at = { file: display };
  let data: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(file.bytes).replace(/^\uFEFF/, "");
    if (text.trim() === "") return { table: null, issues: [issue("file_empty", {}, at)] };
    data = JSON.parse(text);
  } catch (error) {
    return { table: null, issues: [issue("json_invalid", { detail: error instanceof Error ? error.message.slice(0, 160) : "" }, at)] };
  }
  if (!Array.isArray(data)) return { table: null, issues: [issue("json_not_array", {}, at)] };
  if (data.length === 0) return { table: null, issues: [issue("only_headers", {}, at)] };
  const headers: string[] = [];
  for (const r of data) {
    if (r && typeof r === "object" && !Array.isArray(r)) for (const k of Object.keys(r)) if (!headers.includes(k)) headers.push(k);
  }
  const rows: TableRow[] = data.map((r: unknown, i) => ({
    row: i + 1,
    // a record that is not an object gets no cells: its required fields are then reported missing
    cells: headers.map((h) => (r && typeof r === "object" && !Array.isArray(r) ? (r as Record<string, unknown>)[h] : undefined)),
  }));
  const issues: ImportIssue[] = [];
  return { table: { file: display, format: "json", kind: "needs", headers, rows }, issues };
}

// ---- entry ----

const isZip = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;
const isOle = (b: Buffer) => b.length >= 8 && b.readUInt32BE(0) === 0xd0cf11e0 && b.readUInt32BE(4) === 0xa1b11ae1;

/** Reads one file into a table of its kind, or says why it cannot. */
export async function readImportFile(file: ImportFile, limits: ImportLimits = IMPORT_LIMITS, display = file.filename): Promise<ReadResult> {
  const at = { file: display };
  const ext = (/\.([a-z0-9]+)$/i.exec(file.filename)?.[1] ?? "").toLowerCase();
  if (file.bytes.length === 0) return { table: null, issues: [issue("file_empty", {}, at)] };
  if (isOle(file.bytes) || ext === "xls") return { table: null, issues: [issue("xls_legacy", {}, at)] };
  if (ext === "xlsx" || ext === "xlsm" || isZip(file.bytes)) return readXlsx(file, display, limits);
  if (file.bytes.length > limits.maxFileBytes) {
    return { table: null, issues: [issue("file_too_large", { size: formatBytes(file.bytes.length), limit: formatBytes(limits.maxFileBytes) }, at)] };
  }
  if (ext === "json") {
    const r = readJson(file, display);
    if (!r.table) return r;
    if (r.table.rows.length > limits.maxRows) {
      return { table: null, issues: [issue("too_many_rows", { rows: r.table.rows.length, limit: limits.maxRows }, at)] };
    }
    const kind = file.kind ?? kindFromFilename(file.filename) ?? inferKind(r.table.headers);
    if (!kind) return { table: null, issues: [issue("kind_unknown", {}, at)] };
    r.table.kind = kind;
    return r;
  }
  if (ext === "csv" || ext === "txt" || ext === "tsv") return readCsv(file, display, limits);
  return { table: null, issues: [issue("format_unknown", { file: display }, at)] };
}

/** Headers the kind does not know (reported once per file, then ignored). */
export function unknownHeaders(table: Table): string[] {
  return table.headers.filter((h) => h !== "" && !isRowNumberHeader(h) && fieldFor(table.kind, h) === null);
}
