import type { TFunction } from "i18next";

// The outcome page's figures as indicator/value rows: the page's tables and the XLSX export
// read the same list, so the file says what the page says.

export type OutcomeFigures = {
  registered: number;
  approved: number;
  checkedIn: number;
  walkIns: number;
  meetingsScheduled: number;
  meetingsHeld: number;
  meetingsNoShow: number;
  noShowRate: number | null;
  intents: number;
  intentsByStage: Record<string, number>;
  agreements: number;
  agreementAmountWan: number;
  signedOnStage: number;
  signedOnStageAmountWan: number;
  agreementsByKind: { kind: string; count: number; amountWan: number }[];
};

export const STAGES = ["intent", "negotiating", "signed", "in_progress", "completed", "dropped"] as const;

export function outcomeRows(o: OutcomeFigures, t: TFunction): { section: string; indicator: string; value: string | number }[] {
  const rate = o.noShowRate === null ? t("events.outcome.none") : `${(o.noShowRate * 100).toFixed(1)}%`;
  const p = t("events.outcome.participation");
  const m = t("events.outcome.meetingsTitle");
  const c = t("events.outcome.pipeline");
  return [
    { section: p, indicator: t("events.checkin.counts.registered"), value: o.registered },
    { section: p, indicator: t("events.checkin.counts.approved"), value: o.approved },
    { section: p, indicator: t("events.checkin.counts.checkedIn"), value: o.checkedIn },
    { section: p, indicator: t("events.checkin.counts.walkIns"), value: o.walkIns },
    { section: m, indicator: t("events.checkin.counts.meetingsScheduled"), value: o.meetingsScheduled },
    { section: m, indicator: t("events.checkin.counts.meetingsHeld"), value: o.meetingsHeld },
    { section: m, indicator: t("events.checkin.counts.meetingsNoShow"), value: o.meetingsNoShow },
    { section: m, indicator: t("events.outcome.noShowRate"), value: rate },
    { section: c, indicator: t("events.outcome.intents"), value: o.intents },
    ...STAGES.map((s) => ({ section: c, indicator: `${t("events.outcome.byStage")} · ${t(`events.outcome.stages.${s}`)}`, value: o.intentsByStage[s] ?? 0 })),
    { section: c, indicator: t("events.outcome.agreements"), value: o.agreements },
    { section: c, indicator: t("events.outcome.amount"), value: o.agreementAmountWan },
    { section: c, indicator: t("events.outcome.onStage"), value: o.signedOnStage },
    { section: c, indicator: t("events.outcome.onStageAmount"), value: o.signedOnStageAmountWan },
    ...o.agreementsByKind.flatMap((k) => [
      { section: c, indicator: `${t("events.outcome.byKind")} · ${k.kind} · ${t("events.outcome.count")}`, value: k.count },
      { section: c, indicator: `${t("events.outcome.byKind")} · ${k.kind} · ${t("events.outcome.amount")}`, value: k.amountWan },
    ]),
  ];
}
