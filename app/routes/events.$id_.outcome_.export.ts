import type { LoaderFunctionArgs } from "@remix-run/node";
import { eventOutcome } from "~/models/checkin.server";
import { requireEvent } from "~/models/event.server";
import { requireUser } from "~/utils/auth.server";
import { outcomeRows } from "~/utils/event-outcome";
import { toXlsx, type ExportColumn } from "~/utils/export.server";
import { getT } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";

// GET /events/:id/outcome/export: the outcome page's figures as one XLSX sheet (指标/数值),
// through app/utils/export.server.ts. Staff only, like the page.

type Row = { section: string; indicator: string; value: string | number };

const COLUMNS: ExportColumn<Row>[] = [
  { key: "section", header_zh: "类别", header_en: "section" },
  { key: "indicator", header_zh: "指标", header_en: "indicator" },
  { key: "value", header_zh: "数值", header_en: "value" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireEvent(user, params.id);
  const outcome = await eventOutcome(user, event.id);
  const locale = await getLocale(request);
  const t = getT(locale);
  const body = await toXlsx(outcomeRows(outcome, t), COLUMNS, t("events.outcome.sheet"), { locale });
  const name = `${event.name}-${t("events.outcome.sheet")}`;
  return new Response(new Uint8Array(body), {
    headers: {
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="qiao-event-${event.id}-outcome.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}.xlsx`,
    },
  });
}
