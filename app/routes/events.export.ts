import type { LoaderFunctionArgs } from "@remix-run/node";
import { listEvents, type EventSummary } from "~/models/event.server";
import { getUser } from "~/utils/auth.server";
import { parseEventListParams } from "~/utils/event-list";
import { eventPath } from "~/utils/events";
import { exportResponse, type ExportColumn } from "~/utils/export.server";
import { getT } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";

// GET /events/export?format=csv|xlsx&<the list's filters>: the events list as the viewer sees
// it, with Chinese (or English) headers, through app/utils/export.server.ts (BOM, formula guard).

type Row = Record<string, unknown> & EventSummary & { kindLabel: string; statusLabel: string; url: string };

const COLUMNS: ExportColumn<Row>[] = [
  { key: "ref", header_zh: "编号", header_en: "ref" },
  { key: "name", header_zh: "活动名称", header_en: "name" },
  { key: "kindLabel", header_zh: "类型", header_en: "kind" },
  { key: "startsOn", header_zh: "开始日期", header_en: "starts on", type: "date" },
  { key: "endsOn", header_zh: "结束日期", header_en: "ends on", type: "date" },
  { key: "city", header_zh: "城市", header_en: "city" },
  { key: "venue", header_zh: "地点", header_en: "venue" },
  { key: "statusLabel", header_zh: "状态", header_en: "status" },
  { key: "participants", header_zh: "报名数", header_en: "registered" },
  { key: "approved", header_zh: "通过数", header_en: "approved" },
  { key: "checkedIn", header_zh: "签到数", header_en: "checked in" },
  { key: "meetings", header_zh: "会面数", header_en: "meetings" },
  { key: "url", header_zh: "链接", header_en: "link" },
];


export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const format = url.searchParams.get("format") ?? "csv";
  if (format !== "csv" && format !== "xlsx") {
    return Response.json({ error: "bad_request", message: "format must be csv or xlsx" }, { status: 400 });
  }
  const [user, locale] = await Promise.all([getUser(request), getLocale(request)]);
  const t = getT(locale);
  const events = await listEvents(user, parseEventListParams(url.searchParams), 10_000);
  const rows: Row[] = events.map((e) => ({
    ...e,
    kindLabel: t(`events.kinds.${e.kind}`),
    statusLabel: t(`events.statuses.${e.status}`),
    url: `${url.origin}${eventPath(e)}`,
  }));
  return exportResponse(rows, COLUMNS, { format, file: "qiao-events", title: t("events.list.title"), sheet: t("events.export.sheet"), locale });
}
