import { PassThrough, type Writable } from "node:stream";
import { stringify } from "csv-stringify";
import { stringify as stringifySync } from "csv-stringify/sync";
import ExcelJS from "exceljs";

// CSV and XLSX exports with Chinese (or English) headers, safe to open in Excel.
//
// Formula injection (CWE-1236): a cell whose text starts with = + - @ TAB or CR — or their
// full-width forms ＝＋－＠, which Excel also accepts — can run as a formula when the file is
// opened. In CSV such text gets a leading single quote (Excel shows the text, not a formula; the
// importer strips that quote again). In XLSX every text is written as a string cell, never a
// formula, and such cells are additionally formatted as Text (@) so that editing them in Excel
// does not turn them into a formula either. Numbers stay numbers: -5 is data, not a formula.
// CSV starts with a UTF-8 BOM and uses CRLF: without the BOM Chinese Excel reads UTF-8 as GBK.
// See docs/decisions/011-import-export.md.

export type ExportCell = string | number | boolean | Date | null;

export type ExportColumn<Row> = {
  key: string;
  header_zh: string;
  header_en: string;
  /** turns the row's value into a cell; by default arrays are joined with 、 and null is empty */
  format?: (value: unknown, row: Row) => ExportCell;
  /** "date": a YYYY-MM-DD text or Date becomes a real date cell in XLSX */
  type?: "date";
};

export type ExportOptions = { locale?: "zh-CN" | "en" };

const DANGEROUS = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Whether a text would be read as a formula by a spreadsheet. */
export function looksLikeFormula(s: string): boolean {
  return DANGEROUS.test(s);
}

/** The CSV rule: a quote in front of anything a spreadsheet would evaluate. */
export function neutralizeFormula(s: string): string {
  return looksLikeFormula(s) ? `'${s}` : s;
}

function defaultCell(value: unknown): ExportCell {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => String(v ?? "")).join("、");
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value instanceof Date) return value;
  if (typeof value === "bigint") return Number(value);
  return JSON.stringify(value);
}

function cellOf<Row extends Record<string, unknown>>(row: Row, c: ExportColumn<Row>): ExportCell {
  const v = row[c.key];
  return c.format ? c.format(v, row) : defaultCell(v);
}

function headers<Row>(columns: readonly ExportColumn<Row>[], opts: ExportOptions) {
  return columns.map((c) => (opts.locale === "en" ? c.header_en : c.header_zh));
}

const pad = (n: number) => String(n).padStart(2, "0");
const ymd = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

function csvCell(v: ExportCell): string {
  if (v === null) return "";
  if (v instanceof Date) return ymd(v);
  if (typeof v === "boolean") return v ? "是" : "否";
  if (typeof v === "number") return String(v);
  return neutralizeFormula(v);
}

const BOM = "\uFEFF";
const CSV_OPTIONS = { record_delimiter: "windows", quoted_match: /^\s|\s$/ } as const;

/** A whole CSV in memory (search result lists and other bounded exports). */
export function toCsv<Row extends Record<string, unknown>>(rows: Iterable<Row>, columns: readonly ExportColumn<Row>[], opts: ExportOptions = {}): Buffer {
  const records: string[][] = [headers(columns, opts)];
  for (const row of rows) records.push(columns.map((c) => csvCell(cellOf(row, c))));
  return Buffer.from(BOM + stringifySync(records, CSV_OPTIONS), "utf8");
}

/** Streams a CSV of any length to `out`; resolves to the number of data rows written. */
export async function writeCsv<Row extends Record<string, unknown>>(
  rows: AsyncIterable<Row> | Iterable<Row>,
  columns: readonly ExportColumn<Row>[],
  out: Writable,
  opts: ExportOptions = {},
): Promise<number> {
  const csv = stringify(CSV_OPTIONS);
  const done = new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    out.on("error", reject);
    csv.on("error", reject);
  });
  out.write(BOM);
  csv.pipe(out);
  const push = async (record: string[]) => {
    if (!csv.write(record)) await new Promise((r) => csv.once("drain", r));
  };
  await push(headers(columns, opts));
  let n = 0;
  for await (const row of rows) {
    await push(columns.map((c) => csvCell(cellOf(row, c))));
    n++;
  }
  csv.end();
  await done;
  return n;
}

// ---- XLSX ----

/** Excel's limits: 31 characters, none of []:*?/\ in a sheet name; 1,048,576 rows. */
function sheetTitle(name: string) {
  const clean = name.replace(/[[\]:*?/\\]/g, " ").trim().slice(0, 31);
  return clean === "" ? "Sheet1" : clean;
}
export const XLSX_MAX_ROWS = 1_048_576;

function xlsxCell(v: ExportCell, type: "date" | undefined): { value: ExcelJS.CellValue; text?: boolean } {
  if (v === null) return { value: null };
  if (type === "date" && typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)) return { value: new Date(`${v}T00:00:00Z`) };
  // a string value is always a string cell; exceljs writes a formula only for {formula: …}
  if (typeof v === "string") return { value: v, text: looksLikeFormula(v) };
  return { value: v };
}

/** Streams an XLSX to `out`; resolves to the number of data rows written. */
export async function writeXlsx<Row extends Record<string, unknown>>(
  rows: AsyncIterable<Row> | Iterable<Row>,
  columns: readonly ExportColumn<Row>[],
  sheetName: string,
  out: Writable,
  opts: ExportOptions = {},
): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(sheetTitle(sheetName), { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = columns.map((c, i) => ({
    header: headers(columns, opts)[i],
    key: c.key,
    width: c.type === "date" ? 12 : Math.min(40, Math.max(10, c.header_zh.length * 2 + 4)),
    style: c.type === "date" ? { numFmt: "yyyy-mm-dd" } : {},
  }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  let n = 0;
  for await (const row of rows) {
    if (n + 1 >= XLSX_MAX_ROWS) throw new Error(`XLSX holds at most ${XLSX_MAX_ROWS - 1} rows; export CSV instead`);
    const cells = columns.map((c) => xlsxCell(cellOf(row, c), c.type));
    const r = ws.addRow(cells.map((c) => c.value));
    cells.forEach((c, i) => {
      if (c.text) r.getCell(i + 1).numFmt = "@";
    });
    r.commit();
    n++;
  }
  ws.commit();
  await wb.commit();
  return n;
}

/** A whole XLSX in memory. */
export async function toXlsx<Row extends Record<string, unknown>>(
  rows: Iterable<Row>,
  columns: readonly ExportColumn<Row>[],
  sheetName: string,
  opts: ExportOptions = {},
): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    sink.on("end", resolve);
    sink.on("error", reject);
  });
  await writeXlsx(rows, columns, sheetName, sink, opts);
  await ended;
  return Buffer.concat(chunks);
}

/** RFC 6266: an ASCII name for old clients, the Chinese one for everyone else. */
export function attachment(ascii: string, utf8: string) {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(utf8)}`;
}

/**
 * A list as a CSV or XLSX download, for the export routes: `file` is the ASCII file name without
 * date and extension (qiao-intents), `title` the Chinese (or English) one and the sheet's name.
 */
export async function exportResponse<Row extends Record<string, unknown>>(
  rows: Row[],
  columns: readonly ExportColumn<Row>[],
  opts: { format: "csv" | "xlsx"; file: string; title: string; sheet?: string; locale: "zh-CN" | "en" },
): Promise<Response> {
  const date = new Date().toISOString().slice(0, 10);
  const name = `${opts.title}-${date}.${opts.format}`;
  const body = opts.format === "csv" ? toCsv(rows, columns, { locale: opts.locale }) : await toXlsx(rows, columns, opts.sheet ?? opts.title, { locale: opts.locale });
  return new Response(new Uint8Array(body), {
    headers: {
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Type": opts.format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": attachment(`${opts.file}-${date}.${opts.format}`, name),
    },
  });
}
