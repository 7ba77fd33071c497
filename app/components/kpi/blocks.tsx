import { Anchor, Group } from "@mantine/core";
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { MessageKey } from "~/utils/i18n";
import { periodSearch, type Period } from "~/utils/kpi";
import { ChartBlock, KpiChart, KpiTableView } from "./parts";
import type { KpiTable, TableId } from "./tables";

// The dashboard's chart + table blocks (also printed by the report), and their export links.

export function ExportLinks({ table, period }: { table: TableId; period: Period }) {
  const { t } = useTranslation();
  const q = `table=${table}&${periodSearch(period)}`;
  return (
    <Group gap="xs" className="no-print">
      <Anchor size="sm" reloadDocument component={Link} to={`/dashboard/export?format=csv&${q}`}>
        {t("kpi.dashboard.exportCsv")}
      </Anchor>
      <Anchor size="sm" reloadDocument component={Link} to={`/dashboard/export?format=xlsx&${q}`}>
        {t("kpi.dashboard.exportXlsx")}
      </Anchor>
    </Group>
  );
}

export type Block = { id: TableId; category: string; series: { name: string; label: MessageKey; color: string }[]; vertical?: boolean; type?: "line"; rank?: boolean };

export const BLOCKS: Block[] = [
  {
    id: "months",
    category: "month",
    type: "line",
    series: [
      { name: "needs", label: "kpi.columns.needs", color: "indigo.6" },
      { name: "results", label: "kpi.columns.results", color: "teal.6" },
      { name: "intents", label: "kpi.columns.intents", color: "orange.6" },
      { name: "agreements", label: "kpi.columns.agreements", color: "red.7" },
    ],
  },
  {
    id: "towns",
    category: "town",
    vertical: true,
    series: [
      { name: "needs", label: "kpi.columns.needs", color: "indigo.6" },
      { name: "intents", label: "kpi.columns.intents", color: "orange.6" },
      { name: "agreements", label: "kpi.columns.agreements", color: "red.7" },
    ],
  },
  {
    id: "fields",
    category: "field",
    vertical: true,
    series: [
      { name: "needs", label: "kpi.columns.needs", color: "indigo.6" },
      { name: "results", label: "kpi.columns.results", color: "teal.6" },
      { name: "intents", label: "kpi.columns.intents", color: "orange.6" },
    ],
  },
  {
    id: "institutions",
    category: "name",
    vertical: true,
    series: [
      { name: "intents", label: "kpi.columns.intents", color: "orange.6" },
      { name: "agreements", label: "kpi.columns.agreements", color: "red.7" },
    ],
  },
  {
    id: "events",
    category: "name",
    vertical: true,
    rank: true,
    series: [
      { name: "intents", label: "kpi.columns.intents", color: "orange.6" },
      { name: "agreements", label: "kpi.columns.agreements", color: "red.7" },
    ],
  },
];

export function BreakdownBlock({ block, table, period, headingOrder = 3, exports = true }: { block: Block; table: KpiTable; period: Period; headingOrder?: 2 | 3; exports?: boolean }) {
  const { t } = useTranslation();
  return (
    <ChartBlock title={t(table.title)} headingOrder={headingOrder} actions={exports ? <ExportLinks table={block.id} period={period} /> : undefined}>
      <KpiChart table={table} categoryKey={block.category} series={block.series} vertical={block.vertical} type={block.type} rank={block.rank} />
      <KpiTableView table={table} />
    </ChartBlock>
  );
}

