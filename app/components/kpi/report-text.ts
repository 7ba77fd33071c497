import type { TFunction } from "i18next";
import type { MessageKey } from "~/utils/i18n";
import { EVENT_KINDS, type Period } from "~/utils/kpi";
import { formatNumber, formatPercent, indicatorLabel, indicatorUnit, type KpiViewData } from "./tables";

// The report's sentences, in the style of the bureau's own yearly summary (../shared/seed):
// "今年共征119家企业有效技术需求185项 … 达成合作意向460项，签订合作协议130项". Built from the
// same view the dashboard shows, so tests/kpi can check every number in them.

export function periodTitle(t: TFunction, p: Period): string {
  if (p.kind === "quarter") return t("kpi.period.quarterTitle", { year: p.year, quarter: p.quarter });
  if (p.kind === "year") return t("kpi.period.yearTitle", { year: p.year });
  return t("kpi.period.customTitle", { from: p.from, to: p.to });
}

export type ReportText = {
  lead: string;
  collect: string;
  events: string;
  eventLines: string[];
  outcomes: string;
  targets: string[];
};

export function reportText(view: KpiViewData, t: TFunction, locale: string): ReportText {
  const f = view.figures;
  const n = (v: number) => formatNumber(v, locale);
  const kinds = EVENT_KINDS.filter((k) => f.eventsByKind[k] > 0)
    .map((k) => t("kpi.report.eventKind", { kind: t(`kpi.eventKinds.${k}` as MessageKey), count: n(f.eventsByKind[k]) }))
    .join(t("kpi.report.enumComma"));
  const events =
    f.events === 0
      ? t("kpi.report.eventsNone")
      : t("kpi.report.events", {
          events: n(f.events),
          kinds,
          orgs: n(f.participantEnterprises),
          institutions: n(f.participantInstitutions),
          experts: n(f.participantExperts),
          meetings: n(f.meetings),
        });
  // only the events that produced something get a line (the others are in the table)
  const eventLines = view.breakdowns.events
    .filter((e) => e.intents > 0 || e.agreements > 0)
    .map((e) => t("kpi.report.eventLine", { name: e.name, date: e.startsOn, intents: n(e.intents), agreements: n(e.agreements), onStage: n(e.signedOnStage) }));
  const targets =
    view.targetYear === null
      ? [t("kpi.report.targetsSpan")]
      : view.progress.length === 0
        ? [t("kpi.report.noTargets", { year: view.targetYear })]
        : view.progress.map((p) => {
            const label = indicatorLabel(t, p.indicator, p.label);
            const unit = indicatorUnit(t, p.indicator, p.unit);
            return p.figure === null
              ? t("kpi.report.targetNoFigure", { label, target: n(p.target), unit })
              : t("kpi.report.target", { label, target: n(p.target), figure: n(p.figure), unit, percent: formatPercent(p.percent) });
          });
  return {
    lead: t("kpi.report.lead", { period: periodTitle(t, view.period) }),
    collect: t("kpi.report.collect", {
      enterprises: n(f.need_enterprises),
      needs: n(f.needs),
      institutions: n(f.result_institutions),
      results: n(f.results),
      experts: n(f.experts),
    }),
    events,
    eventLines,
    outcomes: t("kpi.report.outcomes", {
      intentEnterprises: n(f.intentEnterprises),
      intentInstitutions: n(f.intentInstitutions),
      intents: n(f.intents),
      agreements: n(f.agreements),
      amount: n(f.agreement_amount_wan),
      projects: n(f.projects),
      onStage: n(f.signed_on_stage),
    }),
    targets,
  };
}
