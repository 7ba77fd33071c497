import type { LoaderFunctionArgs } from "@remix-run/node";
import { matchingOverview, parseOverviewFilters, VERDICTS, type OverviewRow, type Verdict } from "~/models/match-overview.server";
import { requireUser } from "~/utils/auth.server";
import { exportResponse, type ExportColumn } from "~/utils/export.server";
import { getT } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";

// GET /matching/export?format=csv|xlsx&<the overview's filters>: the organizers' matching
// overview as CSV or XLSX with Chinese headers, through app/utils/export.server.ts (BOM for
// Excel, formula-injection guard). Staff only (the model answers 403 to anyone else).

type Row = Record<string, unknown> & OverviewRow;

const VERDICT_ZH: Record<Verdict, string> = {
  strong: "有强匹配",
  possible: "仅有可能匹配",
  none: "无合适匹配",
  not_computed: "尚未计算",
};
const VERDICT_EN: Record<Verdict, string> = {
  strong: "strong",
  possible: "possible only",
  none: "nothing fits",
  not_computed: "not computed",
};

function columns(locale: "zh-CN" | "en", origin: string): ExportColumn<Row>[] {
  const en = locale === "en";
  return [
    { key: "ref", header_zh: "编号", header_en: "ref" },
    { key: "title", header_zh: "需求名称", header_en: "need" },
    { key: "org_name", header_zh: "企业", header_en: "enterprise" },
    { key: "field", header_zh: "技术领域", header_en: "field" },
    {
      key: "verdict",
      header_zh: "匹配情况",
      header_en: "match status",
      format: (v) => {
        const k = VERDICTS.find((x) => x === v);
        return k ? (en ? VERDICT_EN : VERDICT_ZH)[k] : null;
      },
    },
    {
      key: "best_score",
      header_zh: "最高匹配分",
      header_en: "best score",
      format: (v) => (typeof v === "number" ? Math.round(v * 100) / 100 : null),
    },
    { key: "suggestions", header_zh: "建议数", header_en: "suggestions" },
    {
      key: "none_zh",
      header_zh: "跟进建议",
      header_en: "follow-up",
      // the engine's reason already names the follow-up; the generic advice when it has none
      format: (_v, r) =>
        r.verdict === "none" ? (en ? r.none_en : r.none_zh) ?? (en ? "Expert diagnosis or university visit" : "建议专家诊断或高校走访") : null,
    },
    {
      key: "computed_at",
      header_zh: "计算时间",
      header_en: "computed",
      format: (v) => (v instanceof Date ? v.toISOString().slice(0, 16).replace("T", " ") : null),
    },
    {
      key: "need_id",
      header_zh: "链接",
      header_en: "link",
      format: (_v, r) => `${origin}/needs/${encodeURIComponent(r.ref)}`,
    },
  ];
}


export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "csv";
  if (format !== "csv" && format !== "xlsx") {
    return Response.json({ error: "bad_request", message: "format must be csv or xlsx" }, { status: 400 });
  }
  const locale = await getLocale(request);
  const { rows } = await matchingOverview(user, parseOverviewFilters(url.searchParams));
  const t = getT(locale);
  const cols = columns(locale, url.origin);
  const data: Row[] = rows.map((r) => ({ ...r }));
  return exportResponse(data, cols, { format, file: "qiao-matching", title: t("match.overview.title"), sheet: t("match.overview.title"), locale });
}
