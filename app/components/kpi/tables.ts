import type { TFunction } from "i18next";
import type { MessageKey } from "~/utils/i18n";
import { BUILTIN_INDICATORS, EVENT_KINDS, type BuiltinIndicator, type EventKind, type Period } from "~/utils/kpi";

// The dashboard's tables, defined once: the page renders them beside the charts, the report
// prints them, and /dashboard/export writes the same columns and rows to CSV/XLSX. A number
// shown anywhere is a cell of one of these tables or a sentence built from the same view
// (report-text.ts), which is what tests/kpi checks.

// Structural copies of the model's types (the model is server-only).
export type KpiFigures = Record<BuiltinIndicator, number> & {
  eventsByKind: Record<EventKind, number>;
  intentEnterprises: number;
  intentInstitutions: number;
  participantEnterprises: number;
  participantInstitutions: number;
  participantExperts: number;
};
export type KpiProgress = { indicator: string; builtin: boolean; label: string | null; unit: string | null; figure: number | null; target: number; percent: number | null };
export type KpiMonth = { month: string; needs: number; results: number; events: number; intents: number; agreements: number; projects: number; amountWan: number };
export type KpiViewData = {
  period: Period;
  figures: KpiFigures;
  months: KpiMonth[];
  breakdowns: {
    towns: { town: string | null; enterprises: number; needs: number; intents: number; agreements: number; amountWan: number }[];
    fields: { field: string | null; needs: number; results: number; intents: number; agreements: number; amountWan: number }[];
    institutions: { orgId: number; name: string; results: number; experts: number; intents: number; agreements: number; amountWan: number }[];
    events: { eventId: number; name: string; kind: EventKind; startsOn: string; orgs: number; experts: number; meetings: number; intents: number; projects: number; agreements: number; signedOnStage: number; amountWan: number }[];
  };
  progress: KpiProgress[];
  targetYear: number | null;
};

export type CellKind = "text" | "int" | "amount" | "percent";
export type KpiColumn = { key: string; header: MessageKey; kind: CellKind };
export type KpiCell = string | number | null;
export type KpiTable = { id: TableId; title: MessageKey; columns: KpiColumn[]; rows: Record<string, KpiCell>[] };

export const TABLE_IDS = ["figures", "progress", "months", "towns", "fields", "institutions", "events"] as const;
export type TableId = (typeof TABLE_IDS)[number];
export function isTableId(v: unknown): v is TableId {
  return typeof v === "string" && (TABLE_IDS as readonly string[]).includes(v);
}

export function indicatorLabel(t: TFunction, indicator: string, label: string | null): string {
  return (BUILTIN_INDICATORS as readonly string[]).includes(indicator) ? t(`kpi.indicators.${indicator}` as MessageKey) : (label ?? indicator);
}
export function indicatorUnit(t: TFunction, indicator: string, unit: string | null): string {
  return (BUILTIN_INDICATORS as readonly string[]).includes(indicator) ? t(`kpi.units.${indicator}` as MessageKey) : (unit ?? "");
}

/** Numbers as the bureau writes them: no grouping in Chinese (185 项, 4146 万元), at most 2 decimals. */
export function formatNumber(n: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2, useGrouping: !locale.startsWith("zh") }).format(n);
}
export function formatPercent(p: number | null): string {
  return p === null ? "—" : `${p.toFixed(1)}%`;
}
export function formatCell(v: KpiCell, kind: CellKind, locale: string): string {
  if (v === null) return "—";
  if (kind === "percent") return typeof v === "number" ? formatPercent(v) : v;
  if (typeof v === "number") return formatNumber(v, locale);
  return v;
}

const col = (key: string, header: MessageKey, kind: CellKind = "int"): KpiColumn => ({ key, header, kind });

export function kpiTables(view: KpiViewData, t: TFunction): KpiTable[] {
  const f = view.figures;
  const bd = view.breakdowns;
  return [
    {
      id: "figures",
      title: "kpi.dashboard.figuresHeading",
      columns: [col("indicator", "kpi.columns.indicator", "text"), col("figure", "kpi.columns.figure", "amount"), col("unit", "kpi.columns.unit", "text")],
      rows: [
        ...BUILTIN_INDICATORS.map((code) => ({ code, indicator: t(`kpi.indicators.${code}` as MessageKey), figure: f[code], unit: t(`kpi.units.${code}` as MessageKey) })),
        ...EVENT_KINDS.map((k) => ({
          code: `events_${k}`,
          indicator: `${t("kpi.indicators.events")} · ${t(`kpi.eventKinds.${k}` as MessageKey)}`,
          figure: f.eventsByKind[k],
          unit: t("kpi.units.events"),
        })),
      ],
    },
    {
      id: "progress",
      title: "kpi.dashboard.progressHeading",
      columns: [
        col("indicator", "kpi.columns.indicator", "text"),
        col("target", "kpi.columns.target", "amount"),
        col("figure", "kpi.columns.figure", "amount"),
        col("unit", "kpi.columns.unit", "text"),
        col("percent", "kpi.columns.percent", "percent"),
      ],
      rows: view.progress.map((p) => ({
        code: p.indicator,
        indicator: indicatorLabel(t, p.indicator, p.label),
        target: p.target,
        figure: p.figure,
        unit: indicatorUnit(t, p.indicator, p.unit),
        percent: p.percent,
      })),
    },
    {
      id: "months",
      title: "kpi.dashboard.trendHeading",
      columns: [
        col("month", "kpi.columns.month", "text"),
        col("needs", "kpi.columns.needs"),
        col("results", "kpi.columns.results"),
        col("events", "kpi.columns.events"),
        col("intents", "kpi.columns.intents"),
        col("agreements", "kpi.columns.agreements"),
        col("projects", "kpi.columns.projects"),
        col("amountWan", "kpi.columns.amountWan", "amount"),
      ],
      rows: view.months.map((m) => ({ ...m })),
    },
    {
      id: "towns",
      title: "kpi.breakdowns.towns",
      columns: [
        col("town", "kpi.columns.town", "text"),
        col("enterprises", "kpi.columns.enterprises"),
        col("needs", "kpi.columns.needs"),
        col("intents", "kpi.columns.intents"),
        col("agreements", "kpi.columns.agreements"),
        col("amountWan", "kpi.columns.amountWan", "amount"),
      ],
      rows: bd.towns.map((r) => ({ ...r, town: r.town ?? t("kpi.breakdowns.noTown") })),
    },
    {
      id: "fields",
      title: "kpi.breakdowns.fields",
      columns: [
        col("field", "kpi.columns.field", "text"),
        col("needs", "kpi.columns.needs"),
        col("results", "kpi.columns.results"),
        col("intents", "kpi.columns.intents"),
        col("agreements", "kpi.columns.agreements"),
        col("amountWan", "kpi.columns.amountWan", "amount"),
      ],
      rows: bd.fields.map((r) => ({ ...r, field: r.field ?? t("kpi.breakdowns.noField") })),
    },
    {
      id: "institutions",
      title: "kpi.breakdowns.institutions",
      columns: [
        col("name", "kpi.columns.institution", "text"),
        col("results", "kpi.columns.results"),
        col("experts", "kpi.columns.experts"),
        col("intents", "kpi.columns.intents"),
        col("agreements", "kpi.columns.agreements"),
        col("amountWan", "kpi.columns.amountWan", "amount"),
      ],
      rows: bd.institutions.map(({ orgId: _orgId, ...r }) => ({ ...r })),
    },
    {
      id: "events",
      title: "kpi.breakdowns.events",
      columns: [
        col("name", "kpi.columns.event", "text"),
        col("kind", "kpi.columns.kind", "text"),
        col("startsOn", "kpi.columns.date", "text"),
        col("orgs", "kpi.columns.orgs"),
        col("experts", "kpi.columns.experts"),
        col("meetings", "kpi.columns.meetings"),
        col("intents", "kpi.columns.intents"),
        col("projects", "kpi.columns.projects"),
        col("agreements", "kpi.columns.agreements"),
        col("signedOnStage", "kpi.columns.signedOnStage"),
        col("amountWan", "kpi.columns.amountWan", "amount"),
      ],
      rows: bd.events.map(({ eventId: _eventId, ...r }) => ({ ...r, kind: t(`kpi.eventKinds.${r.kind}` as MessageKey) })),
    },
  ];
}
