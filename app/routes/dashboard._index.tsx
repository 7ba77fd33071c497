import chartsCss from "@mantine/charts/styles.css";
import { Alert, Button, Group, Stack, Text, Title } from "@mantine/core";
import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import kpiCss from "~/components/kpi/kpi.css";
import { BLOCKS, BreakdownBlock, ExportLinks } from "~/components/kpi/blocks";
import { FigureCards, KpiTableView, PeriodPicker, ProgressList } from "~/components/kpi/parts";
import { periodTitle } from "~/components/kpi/report-text";
import { kpiTables } from "~/components/kpi/tables";
import { latestYearWithRecords } from "~/models/kpi.server";
import { loadKpiPage } from "~/utils/kpi-page.server";
import { periodSearch } from "~/utils/kpi";
import { pageTitle } from "~/utils/meta";

// /dashboard: the bureau's figures for a period (?year=&quarter= or ?from=&to=), progress
// against the year's targets, the monthly trend and the breakdowns, each chart with its table
// and CSV/XLSX export. Staff only (decision 062); figures from app/models/kpi.server.ts.

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: chartsCss },
  { rel: "stylesheet", href: kpiCss },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const page = await loadKpiPage(request);
  // a period with nothing in it points to the latest year that has records (the demo is 2017)
  const empty = page.view !== null && page.view.months.every((m) => m.needs + m.results + m.events + m.intents + m.agreements === 0);
  const latestYear = empty ? await latestYearWithRecords(page.user) : null;
  return data({ period: page.period, view: page.view, error: page.error, latestYear }, { status: page.ok ? 200 : 400 });
}

export default function DashboardRoute() {
  const { t } = useTranslation();
  const { period, view, error, latestYear } = useLoaderData<typeof loader>();
  const tables = view ? kpiTables(view, t) : [];
  const byId = new Map(tables.map((tb) => [tb.id, tb]));
  const year = view?.targetYear ?? period.year ?? Number(period.from.slice(0, 4));
  return (
    <Stack maw={1200} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("kpi.dashboard.title")}</Title>
        <Text c="dimmed">{t("kpi.dashboard.intro")}</Text>
      </Stack>
      <PeriodPicker period={period} action="/dashboard" error={error} />
      {view ? (
        <>
          <Group justify="space-between" align="center">
            <Text fw={600} size="lg" data-testid="period">
              {periodTitle(t, view.period)}（{t("kpi.dashboard.periodLabel", { from: view.period.from, to: view.period.to })}）
            </Text>
            <Group gap="sm">
              <Button component={Link} to={`/reports/yearly?${periodSearch(view.period)}`} variant="light">
                {t("kpi.dashboard.report")}
              </Button>
              <Button component={Link} to={`/dashboard/targets?year=${year}`} variant="default">
                {t("kpi.dashboard.editTargets", { year })}
              </Button>
            </Group>
          </Group>

          {latestYear !== null && latestYear !== view.targetYear ? (
            <Alert color="gray" data-testid="latest-year">
              {t("kpi.dashboard.emptyPeriod", { year: latestYear })}{" "}
              <Link to={`/dashboard?year=${latestYear}`} style={{ color: "inherit", fontWeight: 700 }}>
                {t("kpi.dashboard.showYear", { year: latestYear })}
              </Link>
            </Alert>
          ) : null}

          <section aria-labelledby="kpi-figures">
            <Group justify="space-between" mb="sm">
              <Title order={2} id="kpi-figures">
                {t("kpi.dashboard.figuresHeading")}
              </Title>
              <ExportLinks table="figures" period={view.period} />
            </Group>
            <FigureCards figures={view.figures} />
          </section>

          <section aria-labelledby="kpi-progress">
            <Title order={2} id="kpi-progress" mb="sm">
              {t("kpi.dashboard.progressHeading")}
            </Title>
            {view.targetYear === null ? (
              <Alert color="gray">{t("kpi.dashboard.targetsSpanYears")}</Alert>
            ) : view.progress.length === 0 ? (
              <Alert color="gray">{t("kpi.dashboard.noTargets", { year: view.targetYear })}</Alert>
            ) : (
              <Stack gap="md">
                <ProgressList progress={view.progress} />
                <KpiTableView table={byId.get("progress")!} />
              </Stack>
            )}
          </section>

          <section aria-labelledby="kpi-breakdowns">
            <Title order={2} id="kpi-breakdowns" mb="sm">
              {t("kpi.dashboard.breakdownHeading")}
            </Title>
            <Stack gap="lg">
              {BLOCKS.map((b) => (
                <BreakdownBlock key={b.id} block={b} table={byId.get(b.id)!} period={view.period} />
              ))}
            </Stack>
          </section>
        </>
      ) : null}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "kpi.dashboard.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
