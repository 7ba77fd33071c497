// Shared by server and browser: the KPI period (year, quarter or custom dates, as URL
// parameters) and the built-in indicators. The figures themselves are computed in
// app/models/kpi.server.ts; definitions in docs/decisions/060-kpi-definitions.md.

/** Every date boundary is a calendar day in the bureau's time zone (decision 060). */
export const KPI_TIME_ZONE = "Asia/Shanghai";

export const BUILTIN_INDICATORS = [
  "needs",
  "need_enterprises",
  "results",
  "result_institutions",
  "experts",
  "events",
  "participants",
  "meetings",
  "intents",
  "agreements",
  "projects",
  "agreement_amount_wan",
  "signed_on_stage",
] as const;
export type BuiltinIndicator = (typeof BUILTIN_INDICATORS)[number];

export function isBuiltinIndicator(v: unknown): v is BuiltinIndicator {
  return typeof v === "string" && (BUILTIN_INDICATORS as readonly string[]).includes(v);
}

/** The targets the bureau's 2017 report set for 2018 (offered as defaults in the editor). */
export const REPORT_DEFAULTS_2018: Partial<Record<BuiltinIndicator, number>> = {
  needs: 200,
  results: 500,
  events: 20,
  projects: 10,
};

export const EVENT_KINDS = ["talent_fair", "university_visit", "shanghai_program", "online"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export type Period = {
  kind: "year" | "quarter" | "custom";
  year: number | null;
  quarter: number | null;
  /** inclusive calendar days, YYYY-MM-DD */
  from: string;
  to: string;
};

export type PeriodResult = { ok: true; period: Period } | { ok: false; error: PeriodError; fallback: Period };
export type PeriodError = "kpi.errors.year" | "kpi.errors.quarter" | "kpi.errors.date" | "kpi.errors.order" | "kpi.errors.span";

const pad = (n: number) => String(n).padStart(2, "0");
const MIN_YEAR = 2000;
const MAX_YEAR = 2100;
/** A custom period is at most this many days (the monthly trend stays a readable chart). */
export const MAX_SPAN_DAYS = 366 * 5;

function lastDay(year: number, month: number) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function yearPeriod(year: number): Period {
  return { kind: "year", year, quarter: null, from: `${year}-01-01`, to: `${year}-12-31` };
}

export function quarterPeriod(year: number, quarter: number): Period {
  const m0 = (quarter - 1) * 3 + 1;
  const m1 = m0 + 2;
  return { kind: "quarter", year, quarter, from: `${year}-${pad(m0)}-01`, to: `${year}-${pad(m1)}-${pad(lastDay(year, m1))}` };
}

/** Today's year in the bureau's time zone. */
export function currentYear(now = new Date()): number {
  return Number(new Intl.DateTimeFormat("en", { timeZone: KPI_TIME_ZONE, year: "numeric" }).format(now));
}

function parseYear(v: string | null): number | null {
  if (v === null) return null;
  const s = v.trim();
  if (!/^\d{4}$/.test(s)) return NaN;
  const y = Number(s);
  return y >= MIN_YEAR && y <= MAX_YEAR ? y : NaN;
}

/** A real calendar day (2018-02-30 is not), within the years the schema accepts. */
export function isDay(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= MIN_YEAR && y <= MAX_YEAR && mo >= 1 && mo <= 12 && d >= 1 && d <= lastDay(y, mo);
}

function daysBetween(from: string, to: string) {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

/**
 * The period a URL asks for: ?from=&to= (custom), else ?year=&quarter=, else the current year.
 * A bad parameter is an error with a message key, never a silently different period.
 */
export function parsePeriod(params: URLSearchParams, now = new Date()): PeriodResult {
  const fallback = yearPeriod(currentYear(now));
  const from = params.get("from")?.trim() || null;
  const to = params.get("to")?.trim() || null;
  if (from !== null || to !== null) {
    if (from === null || to === null || !isDay(from) || !isDay(to)) return { ok: false, error: "kpi.errors.date", fallback };
    if (to < from) return { ok: false, error: "kpi.errors.order", fallback };
    if (daysBetween(from, to) > MAX_SPAN_DAYS) return { ok: false, error: "kpi.errors.span", fallback };
    return { ok: true, period: { kind: "custom", year: from.slice(0, 4) === to.slice(0, 4) ? Number(from.slice(0, 4)) : null, quarter: null, from, to } };
  }
  const rawYear = params.get("year");
  const year = parseYear(rawYear === null || rawYear.trim() === "" ? null : rawYear);
  if (Number.isNaN(year)) return { ok: false, error: "kpi.errors.year", fallback };
  const y = year ?? fallback.year!;
  const rawQuarter = params.get("quarter")?.trim() || null;
  if (rawQuarter !== null) {
    if (!/^[1-4]$/.test(rawQuarter)) return { ok: false, error: "kpi.errors.quarter", fallback: yearPeriod(y) };
    return { ok: true, period: quarterPeriod(y, Number(rawQuarter)) };
  }
  return { ok: true, period: yearPeriod(y) };
}

/** The URL parameters that name a period (for links that keep the period). */
export function periodSearch(p: Period): string {
  if (p.kind === "custom") return `from=${p.from}&to=${p.to}`;
  if (p.kind === "quarter") return `year=${p.year}&quarter=${p.quarter}`;
  return `year=${p.year}`;
}

/** The months a period touches, YYYY-MM. */
export function periodMonths(p: Pick<Period, "from" | "to">): string[] {
  const out: string[] = [];
  let y = Number(p.from.slice(0, 4));
  let m = Number(p.from.slice(5, 7));
  const endY = Number(p.to.slice(0, 4));
  const endM = Number(p.to.slice(5, 7));
  while (y < endY || (y === endY && m <= endM)) {
    out.push(`${y}-${pad(m)}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/** "２００", "200.5", " 1,000 " → a number; "" → null (no target); anything else → NaN. */
export function parseTarget(raw: string): number | null {
  const s = raw.normalize("NFKC").replace(/[,，\s]/g, "");
  if (s === "") return null;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return NaN;
  return Number(s);
}

