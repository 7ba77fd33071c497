import type { LoaderFunctionArgs } from "@remix-run/node";
import { searchForExportAs } from "~/models/search.server";
import { getUser } from "~/utils/auth.server";
import { toCsv, toXlsx, type ExportColumn } from "~/utils/export.server";
import { getT } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";
import { parseSearchParams, type SearchHit, type SearchType } from "~/utils/search-params";

// GET /search/export?format=csv|xlsx&<the search page's parameters>: the current result list
// (same query, filters, sort and visibility; at most EXPORT_MAX_ROWS rows) as CSV or XLSX with
// Chinese headers, through app/utils/export.server.ts (BOM for Excel, formula-injection guard).
// Rows come from the search documents, which never hold contact details.

type Row = Record<string, unknown> & SearchHit;

const STATUS_ZH: Record<string, string> = { draft: "草稿", pending_review: "待审核", published: "已发布", matched: "已对接", closed: "已关闭" };
const wan = (v: unknown) => (typeof v === "number" ? v : "面议");
const day = (v: unknown) => (typeof v === "string" ? v.slice(0, 10) : null);

function columns(type: SearchType, origin: string): ExportColumn<Row>[] {
  const head: ExportColumn<Row>[] = [{ key: "ref", header_zh: "编号", header_en: "ref" }];
  const tail: ExportColumn<Row>[] = [
    { key: "status", header_zh: "状态", header_en: "status", format: (v) => (typeof v === "string" ? (STATUS_ZH[v] ?? v) : null) },
    { key: "published_at", header_zh: "发布日期", header_en: "posted", format: day, type: "date" },
    { key: "url", header_zh: "链接", header_en: "link", format: (v) => (typeof v === "string" ? `${origin}${v}` : null) },
  ];
  switch (type) {
    case "needs":
      return [
        ...head,
        { key: "title", header_zh: "需求名称", header_en: "title" },
        { key: "org_name", header_zh: "单位", header_en: "org" },
        { key: "town", header_zh: "镇区", header_en: "town" },
        { key: "fields", header_zh: "技术领域", header_en: "field" },
        { key: "keywords", header_zh: "关键词", header_en: "keywords" },
        { key: "cooperation", header_zh: "合作方式", header_en: "cooperation" },
        { key: "budget_wan", header_zh: "预算(万元)", header_en: "budget", format: wan },
        { key: "deadline", header_zh: "截止日期", header_en: "deadline", type: "date" },
        ...tail,
      ];
    case "results":
      return [
        ...head,
        { key: "title", header_zh: "成果名称", header_en: "title" },
        { key: "org_name", header_zh: "单位", header_en: "org" },
        { key: "lead_name", header_zh: "负责人", header_en: "lead" },
        { key: "fields", header_zh: "技术领域", header_en: "field" },
        { key: "keywords", header_zh: "关键词", header_en: "keywords" },
        { key: "maturity", header_zh: "成熟度", header_en: "maturity" },
        { key: "ip", header_zh: "知识产权", header_en: "ip" },
        { key: "cooperation", header_zh: "合作方式", header_en: "cooperation" },
        { key: "price_wan", header_zh: "价格(万元)", header_en: "price", format: wan },
        ...tail,
      ];
    case "experts":
      return [
        ...head,
        { key: "title", header_zh: "姓名", header_en: "name" },
        { key: "org_name", header_zh: "单位", header_en: "org" },
        { key: "job_title", header_zh: "职称", header_en: "title" },
        { key: "areas", header_zh: "研究方向", header_en: "areas" },
        { key: "honors", header_zh: "荣誉", header_en: "honors" },
        { key: "fields", header_zh: "技术领域", header_en: "fields" },
        ...tail,
      ];
  }
}

/** RFC 6266: an ASCII name for old clients, the Chinese one for everyone else. */
function attachment(ascii: string, utf8: string) {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(utf8)}`;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "csv";
  if (format !== "csv" && format !== "xlsx") {
    return Response.json({ error: "bad_request", message: "format must be csv or xlsx" }, { status: 400 });
  }
  const { input } = parseSearchParams(url.searchParams, "lenient");
  const [user, locale] = await Promise.all([getUser(request), getLocale(request)]);
  const { hits } = await searchForExportAs(user, input);
  const t = getT(locale);
  const cols = columns(input.type, url.origin);
  const rows: Row[] = hits.map((h) => ({ ...h }));
  const date = new Date().toISOString().slice(0, 10);
  const name = `${t(`search.types.${input.type}`)}-${t("search.title")}-${date}`;
  const headers = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
  };
  if (format === "csv") {
    const body = toCsv(rows, cols, { locale });
    return new Response(new Uint8Array(body), {
      headers: {
        ...headers,
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": attachment(`qiao-${input.type}-${date}.csv`, `${name}.csv`),
      },
    });
  }
  const body = await toXlsx(rows, cols, t("search.export.sheet", { type: t(`search.types.${input.type}`) }), { locale });
  return new Response(new Uint8Array(body), {
    headers: {
      ...headers,
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": attachment(`qiao-${input.type}-${date}.xlsx`, `${name}.xlsx`),
    },
  });
}
