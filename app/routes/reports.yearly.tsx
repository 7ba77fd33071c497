import chartsCss from "@mantine/charts/styles.css";
import { Button, Group, Stack, Text, Title } from "@mantine/core";
import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { IconPrinter } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { BLOCKS, BreakdownBlock } from "~/components/kpi/blocks";
import kpiCss from "~/components/kpi/kpi.css";
import { KpiTableView, PeriodPicker } from "~/components/kpi/parts";
import { periodTitle, reportText } from "~/components/kpi/report-text";
import { kpiTables } from "~/components/kpi/tables";
import { getT } from "~/utils/i18n";
import { KPI_TIME_ZONE, periodSearch } from "~/utils/kpi";
import { loadKpiPage } from "~/utils/kpi-page.server";
import { getLocale } from "~/utils/locale.server";

// /reports/yearly?year=YYYY[&quarter=1..4] (or ?from=&to=): the bureau's report for a period,
// printable to PDF from the browser (A4, no navigation, charts at paper width — kpi.css and
// decision 063). Its sentences follow the bureau's own yearly summary and are generated from the
// same figures as the dashboard (app/components/kpi/report-text.ts). Staff only.

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: chartsCss },
  { rel: "stylesheet", href: kpiCss },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const page = await loadKpiPage(request);
  const locale = await getLocale(request);
  // formatted here, in the bureau's time zone, so server and browser render the same text
  const generatedAt = new Intl.DateTimeFormat(locale, { timeZone: KPI_TIME_ZONE, dateStyle: "long", timeStyle: "short" }).format(new Date());
  return data({ period: page.period, view: page.view, error: page.error, generatedAt }, { status: page.ok ? 200 : 400 });
}

const block = (id: string) => BLOCKS.find((b) => b.id === id)!;

export default function YearlyReportRoute() {
  const { t, i18n } = useTranslation();
  const { period, view, error, generatedAt } = useLoaderData<typeof loader>();
  const tables = view ? kpiTables(view, t) : [];
  const byId = new Map(tables.map((tb) => [tb.id, tb]));
  const text = view ? reportText(view, t, i18n.language) : null;
  return (
    <Stack gap="lg">
      <Stack gap="sm" className="no-print" maw={1000} mx="auto" w="100%">
        <PeriodPicker period={period} action="/reports/yearly" error={error} />
        {view ? (
          <Group>
            <Button leftSection={<IconPrinter size={18} aria-hidden />} onClick={() => window.print()}>
              {t("kpi.report.print")}
            </Button>
            <Button component={Link} to={`/dashboard?${periodSearch(view.period)}`} variant="default">
              {t("kpi.dashboard.title")}
            </Button>
          </Group>
        ) : null}
      </Stack>
      {view && text ? (
        <article className="kpi-report" aria-labelledby="report-title">
          <Stack gap="md">
            <Stack gap={2} align="center">
              <Title order={1} id="report-title" ta="center">
                {t("kpi.report.title", { period: periodTitle(t, view.period) })}
              </Title>
              <Text c="dimmed" size="sm">
                {t("kpi.report.bureau")}（{view.period.from} — {view.period.to}）
              </Text>
            </Stack>
            <p className="kpi-prose" data-sentence="lead">
              {text.lead}
            </p>

            <Title order={2}>{t("kpi.report.sectionSummary")}</Title>
            <KpiTableView table={byId.get("figures")!} />

            <Title order={2}>{t("kpi.report.sectionCollect")}</Title>
            <p className="kpi-prose" data-sentence="collect">
              {text.collect}
            </p>
            <BreakdownBlock block={block("fields")} table={byId.get("fields")!} period={view.period} exports={false} />
            <BreakdownBlock block={block("towns")} table={byId.get("towns")!} period={view.period} exports={false} />

            <Title order={2} className="kpi-page-break">
              {t("kpi.report.sectionEvents")}
            </Title>
            <p className="kpi-prose" data-sentence="events">
              {text.events}
            </p>
            {text.eventLines.map((line, i) => (
              <p key={i} className="kpi-prose" data-sentence="event">
                {line}
              </p>
            ))}
            <BreakdownBlock block={block("events")} table={byId.get("events")!} period={view.period} exports={false} />

            <Title order={2} className="kpi-page-break">
              {t("kpi.report.sectionOutcomes")}
            </Title>
            <p className="kpi-prose" data-sentence="outcomes">
              {text.outcomes}
            </p>
            <BreakdownBlock block={block("months")} table={byId.get("months")!} period={view.period} exports={false} />
            <BreakdownBlock block={block("institutions")} table={byId.get("institutions")!} period={view.period} exports={false} />

            <Title order={2}>{t("kpi.report.sectionTargets")}</Title>
            {text.targets.map((line, i) => (
              <p key={i} className="kpi-prose" data-sentence="target">
                {line}
              </p>
            ))}
            {view.progress.length > 0 ? <KpiTableView table={byId.get("progress")!} /> : null}

            <Text size="xs" c="dimmed" ta="right">
              {t("kpi.report.generated", { at: generatedAt })}
            </Text>
          </Stack>
        </article>
      ) : null}
    </Stack>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data: d }) => {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: string } | undefined;
  const t = getT(root?.locale === "en" ? "en" : "zh-CN");
  const title = d?.view ? t("kpi.report.title", { period: periodTitle(t, d.view.period) }) : t("kpi.nav.report");
  return [{ title: `${title} · ${t("common.brand")}` }];
};

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
