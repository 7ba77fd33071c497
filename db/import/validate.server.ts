import { fieldFor, headerUnit, isRowNumberHeader, KIND_FIELDS, type FieldSpec, type ImportKind } from "./columns.server";
import { issue, type ImportIssue } from "./issues.server";
import type { Table } from "./read.server";
import { amount, date, email, isBlank, list, manyOf, oneOf, ref, shortCode, text, type Cell, type Parsed } from "./values.server";

// One table's rows → clean values per field, with every problem tied to its row and column.
// Nothing here touches the database: references (org, lead) are still the text the file gave.

export type Value = string | number | null | string[];
export type RowValues = Record<string, Value>;

export type ParsedRow = {
  file: string;
  row: number;
  kind: ImportKind;
  /** the fields this row's file has columns for: a missing column leaves a stored value alone */
  present: string[];
  values: RowValues;
  issues: ImportIssue[];
};

export type Column = { header: string; field: string | null };

export type ParsedTable = {
  file: string;
  kind: ImportKind;
  format: Table["format"];
  encoding?: string;
  columns: Column[];
  rows: ParsedRow[];
  /** about the file as a whole: missing or doubled columns (errors), ignored columns (warnings) */
  issues: ImportIssue[];
};

function parseField(spec: FieldSpec, raw: Cell, header: string): Parsed<Value> {
  const t = spec.type;
  switch (t.t) {
    case "ref":
      return ref(raw);
    case "text":
      return text(raw, t.max);
    case "list":
      return list(raw, t.maxItems, t.maxLen);
    case "enum":
      return oneOf(raw, t.options);
    case "enumList":
      return manyOf(raw, t.options);
    case "amount":
      return amount(raw, headerUnit(header));
    case "date":
      return date(raw);
    case "email":
      return email(raw);
    case "phone":
      return shortCode(raw, 50);
  }
}

/** Keys whose presence satisfies a required field: the org may be given by name or by ref. */
function satisfies(key: string): string[] {
  if (key === "org") return ["org", "org_ref"];
  return [key];
}

export function validateTable(table: Table): ParsedTable {
  const { kind, file } = table;
  const specs = KIND_FIELDS[kind];
  const columns: Column[] = table.headers.map((h) => ({ header: h, field: fieldFor(kind, h)?.key ?? null }));
  const issues: ImportIssue[] = [];

  // one column per field
  const seen = new Map<string, string>();
  for (const c of columns) {
    if (c.field === null) continue;
    const other = seen.get(c.field);
    if (other !== undefined) {
      const spec = specs.find((s) => s.key === c.field);
      issues.push(issue("header_duplicate", { column: c.header, other, field: spec?.zh ?? c.field }, { file, column: c.header, field: c.field }));
    } else {
      seen.set(c.field, c.header);
    }
  }
  for (const c of columns) {
    if (c.field === null && c.header !== "" && !isRowNumberHeader(c.header)) {
      issues.push(issue("column_ignored", { column: c.header }, { file, column: c.header }));
    }
  }
  const present = [...seen.keys()];
  const missing = specs.filter((s) => s.required && !satisfies(s.key).some((k) => seen.has(k)));
  if (missing.length > 0) {
    issues.push(issue("header_missing", { columns: missing.map((s) => `${s.zh} / ${s.en}`).join("、") }, { file }));
  }
  if (issues.some((i) => i.severity === "error")) {
    return { file, kind, format: table.format, encoding: table.encoding, columns, rows: [], issues };
  }

  const usable = columns.map((c, i) => ({ ...c, index: i, spec: specs.find((s) => s.key === c.field) ?? null }));
  const rows: ParsedRow[] = table.rows.map((r) => {
    const values: RowValues = {};
    const rowIssues: ImportIssue[] = [];
    const htmlWarned = new Set<string>();
    for (const c of usable) {
      if (!c.spec) continue;
      const at = { file, row: r.row, column: c.header, field: c.spec.key };
      const p = parseField(c.spec, r.cells[c.index], c.header);
      if (!p.ok) {
        rowIssues.push(issue(p.code, { column: c.header, ...p.params }, at));
        continue;
      }
      values[c.spec.key] = p.value;
      if (p.warn && !htmlWarned.has(c.header)) {
        htmlWarned.add(c.header);
        rowIssues.push(issue(p.warn.code, { column: c.header, ...p.warn.params }, at));
      }
    }
    // required values: a need's or result's field only once it leaves draft
    for (const s of specs) {
      if (!s.required) continue;
      if (rowIssues.some((i) => i.field !== undefined && satisfies(s.key).includes(i.field))) continue;
      if (s.required === "unlessDraft" && values.status === "draft") continue;
      if (satisfies(s.key).every((k) => isBlank(values[k]))) {
        const header = satisfies(s.key).map((k) => seen.get(k)).find((h) => h !== undefined) ?? s.zh;
        rowIssues.push(issue("required", { column: header }, { file, row: r.row, column: header, field: s.key }));
      }
    }
    return { file, row: r.row, kind, present, values, issues: rowIssues };
  });

  const unit = table.headers.find((h) => (fieldFor(kind, h)?.type.t === "amount" ? headerUnit(h) === "yuan" : false));
  if (unit !== undefined) issues.push(issue("amount_in_yuan", { column: unit }, { file, column: unit }));
  return { file, kind, format: table.format, encoding: table.encoding, columns, rows, issues };
}

/** For tests and the UI's column help: the header the export writes for a field. */
export function canonicalHeader(kind: ImportKind, key: string, locale: "zh-CN" | "en" = "zh-CN"): string {
  const spec = KIND_FIELDS[kind].find((s) => s.key === key);
  if (!spec) throw new Error(`unknown field ${kind}.${key}`);
  return locale === "en" ? spec.en : spec.zh;
}
