import type { IssueCode, IssueParams } from "./issues.server";

// Cell values → clean values. Spreadsheets typed by hand in Chinese Excel bring full-width digits
// (１２３), full-width punctuation in numbers and dates (１２，５), several list separators, dates in
// four spellings, 面议 for "open", and the odd zero-width space. Free text (titles, descriptions)
// is NOT NFKC-normalized: that would turn Chinese prose punctuation （，：） into ASCII and change
// what the author wrote; only full-width letters and digits are folded there. Numbers, dates,
// refs and enum values are NFKC-normalized (safe: they are compared, not read).

export type Parsed<T> = { ok: true; value: T; warn?: { code: IssueCode; params: IssueParams } } | { ok: false; code: IssueCode; params: IssueParams };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (code: IssueCode, params: IssueParams): Parsed<never> => ({ ok: false, code, params });

/** A cell as it reached us: CSV gives strings, XLSX numbers/dates/booleans too, JSON anything. */
export type Cell = unknown;

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
// C0/C1 controls except tab and newline
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const FULLWIDTH_ALNUM = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g;
// What export.server.ts prefixes with a quote (formula-injection guard); undone on import so an
// export round-trips.
const QUOTED_FORMULA = /^'(?=[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20])/;

export function isBlank(raw: Cell): boolean {
  if (raw === null || raw === undefined) return true;
  if (typeof raw === "string") return raw.replace(ZERO_WIDTH, "").trim() === "";
  if (Array.isArray(raw)) return raw.length === 0;
  return false;
}

export function nfkc(s: string): string {
  return s.normalize("NFKC").replace(ZERO_WIDTH, "").trim();
}

function pad(n: number) {
  return String(n).padStart(2, "0");
}

/** Text as it was written: NFC, LF line ends, no control or zero-width characters, trimmed. */
export function cleanText(s: string): string {
  return s
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(CONTROLS, "")
    .replace(ZERO_WIDTH, "")
    .replace(FULLWIDTH_ALNUM, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(QUOTED_FORMULA, "")
    .trim();
}

/** Any scalar cell as text; objects and arrays (JSON) are a type error. */
function cellText(raw: Cell): string | null {
  if (typeof raw === "string") return raw;
  if (typeof raw === "number" && Number.isFinite(raw)) return String(raw);
  if (typeof raw === "boolean") return raw ? "是" : "否";
  if (raw instanceof Date && !Number.isNaN(raw.getTime())) return isoDate(raw);
  return null;
}

function preview(raw: Cell): string {
  const s = typeof raw === "string" ? raw : JSON.stringify(raw) ?? String(raw);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

const HTML = /<\s*\/?\s*[a-z!][^>]*>|javascript\s*:|\bon[a-z]+\s*=/i;

export function text(raw: Cell, max: number): Parsed<string | null> {
  if (isBlank(raw)) return ok(null);
  const t = cellText(raw);
  if (t === null) return fail("type_invalid", { expected: "文本", expectedEn: "text", value: preview(raw) });
  const v = cleanText(t);
  if (v === "") return ok(null);
  const length = [...v].length;
  if (length > max) return fail("too_long", { length, max });
  const r: Parsed<string> = { ok: true, value: v };
  if (HTML.test(v)) r.warn = { code: "html_kept", params: {} };
  return r;
}

// ---- lists ----

const PRIMARY_SEPARATORS = /[、，,;；\n|｜]+/;
const CJK = "\\u3400-\\u9FFF\\uF900-\\uFAFF";
// "/" and spaces split only next to a Chinese character: 锂电池/光伏 and 锂电池 光伏 are two
// items, DC/DC, GB/T 32960 and OPC UA stay whole.
const SECONDARY_SEPARATORS = new RegExp(`(?<=[${CJK}])\\s*[/／\\s\\u3000]+\\s*|\\s*[/／\\s\\u3000]+\\s*(?=[${CJK}])`);

export function splitList(s: string): string[] {
  return s
    .split(PRIMARY_SEPARATORS)
    .flatMap((part) => part.split(SECONDARY_SEPARATORS))
    .map((x) => cleanText(x))
    .filter((x) => x !== "");
}

export function list(raw: Cell, maxItems: number, maxLen: number): Parsed<string[]> {
  if (isBlank(raw)) return ok([]);
  let items: string[];
  if (Array.isArray(raw)) {
    items = [];
    for (const x of raw) {
      if (isBlank(x)) continue;
      const t = cellText(x);
      if (t === null) return fail("type_invalid", { expected: "文本列表", expectedEn: "a list of text", value: preview(raw) });
      items.push(cleanText(t));
    }
  } else {
    const t = cellText(raw);
    if (t === null) return fail("type_invalid", { expected: "文本列表", expectedEn: "a list of text", value: preview(raw) });
    items = splitList(t);
  }
  const unique = [...new Set(items.filter((x) => x !== ""))];
  if (unique.length > maxItems) return fail("list_too_many", { max: maxItems, count: unique.length });
  const long = unique.find((x) => [...x].length > maxLen);
  if (long !== undefined) return fail("list_item_too_long", { item: long.length > 20 ? `${long.slice(0, 20)}…` : long, max: maxLen });
  return ok(unique);
}

// ---- amounts (万元) ----

/** What people write for "to be negotiated": stored as null. */
const OPEN_AMOUNT = /^(面议|面谈|待定|协商|议定|另议|商议|可议|面洽|电议|价格面议|协商确定|n\/?a|tbd|negotiable)$/i;

export type AmountUnit = "wan" | "yuan";
export const MAX_WAN = 1_000_000;

export function amount(raw: Cell, unit: AmountUnit): Parsed<number | null> {
  if (isBlank(raw)) return ok(null);
  let n: number;
  let factor = unit === "yuan" ? 1 / 10_000 : 1;
  if (typeof raw === "number") {
    n = raw;
  } else if (typeof raw === "string") {
    let s = nfkc(raw).replace(/[\s,，]/g, "");
    if (OPEN_AMOUNT.test(s)) return ok(null);
    // an explicit unit in the cell wins over the column's
    const unitMatch = /(万元|万|亿元|亿|元|rmb|cny)$/i.exec(s);
    if (unitMatch) {
      const u = unitMatch[1];
      factor = u.startsWith("万") ? 1 : u.startsWith("亿") ? 10_000 : 1 / 10_000;
      s = s.slice(0, -u.length);
    }
    s = s.replace(/^[¥￥]/, "");
    if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return fail("number_invalid", { value: preview(raw) });
    n = Number(s);
  } else {
    return fail("number_invalid", { value: preview(raw) });
  }
  if (!Number.isFinite(n)) return fail("number_invalid", { value: preview(raw) });
  n = Math.round(n * factor * 100) / 100;
  if (n < 0) return fail("amount_negative", { value: n });
  if (n > MAX_WAN) return fail("amount_too_large", { value: n, max: MAX_WAN });
  return ok(n);
}

// ---- dates ----

export const MIN_DATE = "2000-01-01";
export const MAX_DATE = "2100-12-31";

export function isoDate(d: Date): string {
  // exceljs gives dates as UTC midnight of the calendar day shown in the cell
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function ymd(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null; // 2018-02-30
  return `${String(y).padStart(4, "0")}-${pad(m)}-${pad(d)}`;
}

/** Excel's serial day numbers (1900 system; 60 is the phantom 1900-02-29). */
function fromExcelSerial(n: number): string | null {
  if (!Number.isInteger(n) || n < 1 || n > 2958465) return null;
  const epoch = Date.UTC(1899, 11, 30);
  return isoDate(new Date(epoch + n * 86_400_000));
}

export function date(raw: Cell): Parsed<string | null> {
  if (isBlank(raw)) return ok(null);
  let v: string | null = null;
  if (raw instanceof Date) {
    v = Number.isNaN(raw.getTime()) ? null : isoDate(raw);
  } else if (typeof raw === "number") {
    const s = String(raw);
    v = /^\d{8}$/.test(s) ? ymd(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6))) : fromExcelSerial(raw);
  } else if (typeof raw === "string") {
    const s = nfkc(raw).replace(/\s+/g, " ");
    let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
    if (m) v = ymd(Number(m[1]), Number(m[2]), Number(m[3]));
    else if ((m = /^(\d{4})(\d{2})(\d{2})$/.exec(s))) v = ymd(Number(m[1]), Number(m[2]), Number(m[3]));
    else if (/^\d{5}$/.test(s)) v = fromExcelSerial(Number(s)); // a date cell exported as its serial
  } else {
    return fail("type_invalid", { expected: "日期", expectedEn: "a date", value: preview(raw) });
  }
  if (v === null) return fail("date_invalid", { value: preview(raw) });
  if (v < MIN_DATE || v > MAX_DATE) return fail("date_out_of_range", { value: v, min: MIN_DATE, max: MAX_DATE });
  return ok(v);
}

// ---- controlled vocabularies ----

export type EnumOption<T extends string> = { value: T; aliases?: readonly string[] };

function enumKey(s: string) {
  return nfkc(s).toLowerCase().replace(/[\s_\-·・]/g, "");
}

/** Edit distance over code points (Chinese characters count as one). */
export function levenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length];
}

/** The allowed value closest to what was written, when one is plausibly meant. */
export function nearest<T extends string>(value: string, options: readonly EnumOption<T>[]): T | null {
  const k = enumKey(value);
  if (k === "") return null;
  let best: { value: T; score: number } | null = null;
  for (const o of options) {
    for (const name of [o.value, ...(o.aliases ?? [])]) {
      const n = enumKey(name);
      // containment (先进制造 ⊂ 先进制造与自动化) is the commonest near-miss in Chinese
      const contained = n.includes(k) || k.includes(n);
      const d = levenshtein(k, n);
      const score = contained ? Math.abs(n.length - k.length) * 0.1 : d;
      const limit = Math.max(1, Math.floor(Math.max([...k].length, [...n].length) / 3));
      if ((contained || d <= limit) && (best === null || score < best.score)) best = { value: o.value, score };
    }
  }
  return best?.value ?? null;
}

export function oneOf<T extends string>(raw: Cell, options: readonly EnumOption<T>[]): Parsed<T | null> {
  if (isBlank(raw)) return ok(null);
  const t = cellText(raw);
  if (t === null) return fail("type_invalid", { expected: "文本", expectedEn: "text", value: preview(raw) });
  const k = enumKey(t);
  for (const o of options) {
    if (enumKey(o.value) === k || o.aliases?.some((a) => enumKey(a) === k)) return ok(o.value);
  }
  const value = preview(nfkc(t));
  const suggestion = nearest(t, options);
  if (suggestion) return fail("enum_suggest", { value, suggestion });
  return fail("enum_unknown", { value, allowed: options.map((o) => o.value).join("、") });
}

export function manyOf<T extends string>(raw: Cell, options: readonly EnumOption<T>[]): Parsed<T[]> {
  const items = list(raw, 50, 200);
  if (!items.ok) return items;
  const out: T[] = [];
  for (const item of items.value) {
    const one = oneOf(item, options);
    if (!one.ok) return one;
    if (one.value !== null && !out.includes(one.value)) out.push(one.value);
  }
  return ok(out);
}

// ---- identifiers and contacts ----

export function ref(raw: Cell): Parsed<string | null> {
  if (isBlank(raw)) return ok(null);
  const t = cellText(raw);
  if (t === null) return fail("ref_invalid", { value: preview(raw) });
  const v = nfkc(t);
  if (v.length < 1 || v.length > 64 || /\s/.test(v)) return fail("ref_invalid", { value: preview(raw) });
  return ok(v);
}

export function email(raw: Cell): Parsed<string | null> {
  const t = text(raw, 254);
  if (!t.ok || t.value === null) return t;
  const v = nfkc(t.value);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) return fail("email_invalid", { value: preview(raw) });
  return ok(v);
}

/** A short identifier-like text (phone numbers): NFKC so ＋８６ becomes +86. */
export function shortCode(raw: Cell, max: number): Parsed<string | null> {
  const t = text(raw, max);
  if (!t.ok || t.value === null) return t;
  return ok(nfkc(t.value));
}
