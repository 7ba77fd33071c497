import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadViewer } from "~/models/catalog.server";
import { listIntents, parseIntentFilters, type IntentSummary } from "~/models/intent.server";
import { requireUser } from "~/utils/auth.server";
import { exportResponse, type ExportColumn } from "~/utils/export.server";
import { getT } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";
import { intentPath } from "~/utils/pipeline";
import { EXPORT_MAX_ROWS } from "~/utils/pipeline-export.server";

// GET /intents/export?format=csv|xlsx&<the list's filters>: the intents the user may see under
// the same filters, as CSV or XLSX with Chinese headers through app/utils/export.server.ts (BOM
// for Excel, formula-injection guard). At most EXPORT_MAX_ROWS rows.

type Row = Record<string, unknown> & { i: IntentSummary };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "csv";
  if (format !== "csv" && format !== "xlsx") throw new Response("format must be csv or xlsx", { status: 400 });
  const [viewer, locale] = await Promise.all([loadViewer(user), getLocale(request)]);
  const { rows } = await listIntents(viewer, parseIntentFilters(url.searchParams), { limit: EXPORT_MAX_ROWS });
  const t = getT(locale);
  const cols: ExportColumn<Row>[] = [
    { key: "ref", header_zh: "编号", header_en: "ref", format: (_v, r) => r.i.ref ?? String(r.i.id) },
    { key: "enterprise", header_zh: "企业", header_en: "enterprise", format: (_v, r) => r.i.enterprise.name },
    { key: "institution", header_zh: "高校院所", header_en: "institution", format: (_v, r) => r.i.institution.name },
    { key: "expert", header_zh: "专家", header_en: "expert", format: (_v, r) => r.i.expert?.name ?? null },
    { key: "need", header_zh: "技术需求", header_en: "need", format: (_v, r) => r.i.need?.title ?? null },
    { key: "result", header_zh: "科研成果", header_en: "result", format: (_v, r) => r.i.result?.title ?? null },
    { key: "event", header_zh: "对接活动", header_en: "event", format: (_v, r) => r.i.event?.name ?? null },
    { key: "summary", header_zh: "意向内容", header_en: "summary", format: (_v, r) => r.i.summary },
    { key: "stage", header_zh: "阶段", header_en: "stage", format: (_v, r) => t(`pipeline.stages.${r.i.stage}`) },
    { key: "dropped", header_zh: "放弃原因", header_en: "dropped reason", format: (_v, r) => r.i.droppedReason },
    { key: "since", header_zh: "进入本阶段", header_en: "stage since", type: "date", format: (_v, r) => new Date(r.i.stageChangedAt) },
    { key: "days", header_zh: "本阶段天数", header_en: "days in stage", format: (_v, r) => r.i.daysInStage },
    { key: "created", header_zh: "登记日期", header_en: "recorded", type: "date", format: (_v, r) => new Date(r.i.createdAt) },
    { key: "agreements", header_zh: "协议数", header_en: "agreements", format: (_v, r) => r.i.agreementCount },
    { key: "amount", header_zh: "协议金额(万元)", header_en: "amount (10k CNY)", format: (_v, r) => r.i.agreementAmount },
    { key: "url", header_zh: "链接", header_en: "link", format: (_v, r) => `${url.origin}${intentPath(r.i)}` },
  ];
  const data: Row[] = rows.map((i) => ({ i }));
  return exportResponse(data, cols, { format, file: "qiao-intents", title: t("pipeline.intents.exportSheet"), sheet: t("pipeline.intents.exportSheet"), locale });
}
