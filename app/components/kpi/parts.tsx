import { BarChart, LineChart } from "@mantine/charts";
import { Box, Button, Group, NativeSelect, Paper, Progress, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { Form } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { MessageKey } from "~/utils/i18n";
import { BUILTIN_INDICATORS, type Period } from "~/utils/kpi";
import { formatCell, formatNumber, formatPercent, indicatorLabel, indicatorUnit, type KpiFigures, type KpiProgress, type KpiTable } from "./tables";

// Building blocks of /dashboard and /reports/yearly. Every chart has a table with the same
// numbers beside it: screen readers, JavaScript off, black-and-white printing and copying
// figures into the bureau's own documents all read the table (decision 062).

/** True after hydration: recharts measures its container, so charts are drawn in the browser only. */
export function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/** A data table with a caption (its accessible name); numbers right-aligned. */
export function KpiTableView({ table, caption, id, maxRows }: { table: KpiTable; caption?: string; id?: string; maxRows?: number }) {
  const { t, i18n } = useTranslation();
  const rows = maxRows ? table.rows.slice(0, maxRows) : table.rows;
  return (
    // a wide table scrolls sideways inside a focusable region, so keyboard users can scroll it too
    <Box style={{ overflowX: "auto" }} tabIndex={0} role="region" aria-label={caption ?? t(table.title)}>
      <Table id={id} striped withTableBorder withColumnBorders captionSide="top" className="kpi-table" data-table={table.id}>
        <Table.Caption>{caption ?? t(table.title)}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {table.columns.map((c) => (
              <Table.Th key={c.key} scope="col" ta={c.kind === "text" ? "left" : "right"}>
                {t(c.header)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={table.columns.length}>{t("kpi.dashboard.empty")}</Table.Td>
            </Table.Tr>
          ) : (
            rows.map((r, i) => (
              <Table.Tr key={i}>
                {table.columns.map((c, j) =>
                  j === 0 ? (
                    <Table.Th key={c.key} scope="row" fw={500}>
                      {formatCell(r[c.key] ?? null, c.kind, i18n.language)}
                    </Table.Th>
                  ) : (
                    <Table.Td key={c.key} ta={c.kind === "text" ? "left" : "right"} data-col={c.key}>
                      {formatCell(r[c.key] ?? null, c.kind, i18n.language)}
                    </Table.Td>
                  ),
                )}
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
    </Box>
  );
}

/** Long Chinese event and institution names are cut on the axis; the table has them whole. */
function shortLabel(v: unknown) {
  const s = String(v ?? "");
  return s.length > 11 ? `${s.slice(0, 10)}…` : s;
}

type Series = { name: string; label: MessageKey; color: string };

/**
 * A bar or line chart of a table's rows. The chart is an image to assistive technology (its
 * name says the data is in the table that follows); the table is the accessible version.
 */
export function KpiChart({
  table,
  categoryKey,
  series,
  type = "bar",
  vertical = false,
  maxRows = 12,
  height = 280,
  rank = false,
}: {
  table: KpiTable;
  categoryKey: string;
  series: Series[];
  type?: "bar" | "line";
  vertical?: boolean;
  maxRows?: number;
  height?: number;
  /** chart the rows with the largest values (summed over the series) rather than the first ones */
  rank?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const hydrated = useHydrated();
  const total = (r: (typeof table.rows)[number]) => series.reduce((sum, s) => sum + (Number(r[s.name]) || 0), 0);
  const rows = rank ? [...table.rows].sort((a, b) => total(b) - total(a)) : table.rows;
  const data = rows.slice(0, maxRows).map((r) => ({ ...r, [categoryKey]: String(r[categoryKey] ?? "") }));
  const chartSeries = series.map((s) => ({ name: s.name, label: t(s.label), color: s.color }));
  const h = vertical ? Math.max(height, 40 + data.length * 34) : height;
  const common = {
    h,
    data,
    dataKey: categoryKey,
    series: chartSeries,
    withLegend: true,
    valueFormatter: (v: number) => formatNumber(v, i18n.language),
    legendProps: { verticalAlign: "bottom" as const, height: 40 },
  };
  return (
    <Box role="img" aria-label={`${t(table.title)}：${t("kpi.dashboard.chartNote")}`} className="kpi-chart" mih={h} data-chart={table.id}>
      {!hydrated || data.length === 0 ? null : type === "line" ? (
        <LineChart {...common} curveType="linear" lineProps={{ isAnimationActive: false }} />
      ) : (
        <BarChart
          {...common}
          orientation={vertical ? "vertical" : "horizontal"}
          barProps={{ isAnimationActive: false }}
          yAxisProps={vertical ? { width: 170, tickFormatter: shortLabel } : undefined}
        />
      )}
    </Box>
  );
}

/** One titled block: heading, chart, then its table. */
export function ChartBlock({ title, headingOrder = 3, children, actions }: { title: string; headingOrder?: 2 | 3; children: ReactNode; actions?: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" className="kpi-block">
      <Stack gap="sm">
        <Group justify="space-between" align="baseline">
          <Title order={headingOrder}>{title}</Title>
          {actions}
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}

/** The period picker: a GET form for year + quarter and one for custom dates (works without JavaScript). */
export function PeriodPicker({ period, action, error }: { period: Period; action: string; error?: MessageKey | null }) {
  const { t } = useTranslation();
  const year = period.year ?? Number(period.from.slice(0, 4));
  return (
    <Paper withBorder p="md" radius="md" className="no-print">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t("kpi.period.legend")}
        </Title>
        <Group align="flex-end" gap="md" wrap="wrap">
          <Form method="get" action={action}>
            <Group align="flex-end" gap="xs">
              <TextInput name="year" label={t("kpi.period.year")} defaultValue={String(year)} inputMode="numeric" w={100} />
              <NativeSelect
                name="quarter"
                label={t("kpi.period.quarter")}
                defaultValue={period.kind === "quarter" ? String(period.quarter) : ""}
                data={[
                  { value: "", label: t("kpi.period.whole") },
                  ...[1, 2, 3, 4].map((q) => ({ value: String(q), label: t("kpi.period.q", { quarter: q }) })),
                ]}
              />
              <Button type="submit" variant="default">
                {t("kpi.period.apply")}
              </Button>
            </Group>
          </Form>
          <Form method="get" action={action}>
            <Group align="flex-end" gap="xs">
              <TextInput name="from" type="date" label={t("kpi.period.from")} defaultValue={period.kind === "custom" ? period.from : ""} />
              <TextInput name="to" type="date" label={t("kpi.period.to")} defaultValue={period.kind === "custom" ? period.to : ""} />
              <Button type="submit" variant="default">
                {t("kpi.period.apply")}
              </Button>
            </Group>
          </Form>
        </Group>
        {error ? (
          <Text c="red.8" role="alert" fw={500}>
            {t(error)}
          </Text>
        ) : null}
      </Stack>
    </Paper>
  );
}

/** The progress list: figure / target per indicator, with a bar whose name carries the numbers. */
export function ProgressList({ progress }: { progress: KpiProgress[] }) {
  const { t, i18n } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
      {progress.map((p) => {
        const label = indicatorLabel(t, p.indicator, p.label);
        const unit = indicatorUnit(t, p.indicator, p.unit);
        const target = `${formatNumber(p.target, i18n.language)}${unit ? ` ${unit}` : ""}`;
        return (
          <Stack key={p.indicator} gap={4} data-progress={p.indicator}>
            <Group justify="space-between" gap="xs">
              <Text fw={600}>{label}</Text>
              <Text size="sm">
                {p.figure === null ? t("kpi.dashboard.noFigure") : `${formatNumber(p.figure, i18n.language)} / ${target}`}
              </Text>
            </Group>
            <Progress
              value={Math.min(100, p.percent ?? 0)}
              color={(p.percent ?? 0) >= 100 ? "teal" : "indigo"}
              aria-label={`${label}：${t("kpi.dashboard.ofTarget", { target, percent: formatPercent(p.percent) })}`}
            />
            <Text size="xs" c="dimmed">
              {t("kpi.dashboard.ofTarget", { target, percent: formatPercent(p.percent) })}
            </Text>
          </Stack>
        );
      })}
    </SimpleGrid>
  );
}

/** The key figures as a description list: one card per built-in indicator. */
export function FigureCards({ figures }: { figures: KpiFigures }) {
  const { t, i18n } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, md: 4 }} spacing="sm" component="dl" m={0}>
      {BUILTIN_INDICATORS.map((code) => (
        <Paper key={code} withBorder p="sm" radius="md" data-figure={code}>
          <Text component="dt" size="sm" c="dimmed">
            {t(`kpi.indicators.${code}`)}
          </Text>
          <Text component="dd" m={0} fw={700} fz={26} className="kpi-figure-value">
            {formatNumber(figures[code], i18n.language)}
            <Text component="span" size="sm" fw={400} ml={4}>
              {t(`kpi.units.${code}`)}
            </Text>
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
