import type { LoaderFunctionArgs } from "@remix-run/node";
import { listAgreements, parseAgreementFilters, type AgreementRow } from "~/models/agreement.server";
import { loadViewer } from "~/models/catalog.server";
import { requireUser } from "~/utils/auth.server";
import { exportResponse, type ExportColumn } from "~/utils/export.server";
import { getT } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";
import { intentPath } from "~/utils/pipeline";
import { EXPORT_MAX_ROWS } from "~/utils/pipeline-export.server";

// GET /agreements/export?format=csv|xlsx&<the list's filters>: the agreements the user may see
// under the same filters, as CSV or XLSX with Chinese headers (app/utils/export.server.ts).

type Row = Record<string, unknown> & { a: AgreementRow };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "csv";
  if (format !== "csv" && format !== "xlsx") throw new Response("format must be csv or xlsx", { status: 400 });
  const [viewer, locale] = await Promise.all([loadViewer(user), getLocale(request)]);
  const { rows } = await listAgreements(viewer, parseAgreementFilters(url.searchParams), { limit: EXPORT_MAX_ROWS });
  const t = getT(locale);
  const cols: ExportColumn<Row>[] = [
    { key: "ref", header_zh: "编号", header_en: "ref", format: (_v, r) => r.a.ref ?? String(r.a.id) },
    { key: "title", header_zh: "协议名称", header_en: "title", format: (_v, r) => r.a.title },
    { key: "kind", header_zh: "协议类型", header_en: "kind", format: (_v, r) => t(`pipeline.kinds.${r.a.kind}`) },
    { key: "amount", header_zh: "金额(万元)", header_en: "amount (10k CNY)", format: (_v, r) => r.a.amountWan },
    { key: "signed", header_zh: "签订日期", header_en: "signed on", type: "date", format: (_v, r) => r.a.signedOn },
    { key: "stage", header_zh: "签约仪式", header_en: "on stage", format: (_v, r) => r.a.signedOnStage },
    { key: "event", header_zh: "对接活动", header_en: "event", format: (_v, r) => r.a.event?.name ?? null },
    { key: "enterprise", header_zh: "企业", header_en: "enterprise", format: (_v, r) => r.a.enterprise.name },
    { key: "institution", header_zh: "高校院所", header_en: "institution", format: (_v, r) => r.a.institution.name },
    { key: "document", header_zh: "合同编号", header_en: "document ref", format: (_v, r) => r.a.documentRef },
    { key: "intent", header_zh: "合作意向", header_en: "intent", format: (_v, r) => `${url.origin}${intentPath({ ref: r.a.intentRef, id: r.a.intentId })}` },
  ];
  const data: Row[] = rows.map((a) => ({ a }));
  return exportResponse(data, cols, { format, file: "qiao-agreements", title: t("pipeline.agreements.exportSheet"), sheet: t("pipeline.agreements.exportSheet"), locale });
}
