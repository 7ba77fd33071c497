import type { LoaderFunctionArgs } from "@remix-run/node";
import { isTableId, kpiTables, type KpiCell } from "~/components/kpi/tables";
import { attachment, toCsv, toXlsx, type ExportColumn } from "~/utils/export.server";
import { getT } from "~/utils/i18n";
import { loadKpiPage } from "~/utils/kpi-page.server";
import { getLocale } from "~/utils/locale.server";

// GET /dashboard/export?table=<id>&format=csv|xlsx&<period>: one of the dashboard's tables,
// the same columns and rows as on the page (app/components/kpi/tables.ts), through
// app/utils/export.server.ts (Chinese headers, BOM, formula-injection guard: town and
// institution names come from imported spreadsheets). Staff only, like the dashboard.

type Row = Record<string, KpiCell>;


export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "csv";
  const tableId = url.searchParams.get("table") ?? "figures";
  const page = await loadKpiPage(request);
  const locale = await getLocale(request);
  const t = getT(locale);
  if (format !== "csv" && format !== "xlsx") return new Response(t("kpi.errors.format"), { status: 400 });
  if (!isTableId(tableId)) return new Response("Unknown table", { status: 400 });
  if (!page.ok) return new Response(t(page.error), { status: 400 });
  const table = kpiTables(page.view, t).find((tb) => tb.id === tableId)!;
  const zh = getT("zh-CN");
  const en = getT("en");
  const columns: ExportColumn<Row>[] = table.columns.map((c) => ({
    key: c.key,
    header_zh: zh(c.header),
    header_en: en(c.header),
    // a percent stays a number (62.5), its header says 完成率; a missing figure is an empty cell
    format: (v) => (v === undefined ? null : (v as KpiCell)),
  }));
  const p = page.period;
  const stamp = p.kind === "custom" ? `${p.from}_${p.to}` : p.kind === "quarter" ? `${p.year}Q${p.quarter}` : String(p.year);
  const name = `${t("kpi.dashboard.title")}-${t(table.title)}-${stamp}`;
  const headers = { "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff" };
  if (format === "csv") {
    const body = toCsv(table.rows, columns, { locale });
    return new Response(new Uint8Array(body), {
      headers: { ...headers, "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": attachment(`qiao-kpi-${tableId}-${stamp}.csv`, `${name}.csv`) },
    });
  }
  const body = await toXlsx(table.rows, columns, t(table.title), { locale });
  return new Response(new Uint8Array(body), {
    headers: {
      ...headers,
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": attachment(`qiao-kpi-${tableId}-${stamp}.xlsx`, `${name}.xlsx`),
    },
  });
}
