import type { LoaderFunctionArgs } from "@remix-run/node";
import { slotLabel } from "~/components/schedule/time";
import { getScheduleBoard, type BoardMeeting } from "~/models/schedule.server";
import { requireUser } from "~/utils/auth.server";
import { toXlsx, type ExportColumn } from "~/utils/export.server";
import { getT } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";

// GET /events/:id/schedule/export: the event's live meetings as XLSX with Chinese headers
// (app/utils/export.server.ts guards against formula injection in names). Same access as the
// board: the event's managers and other staff.

type Row = Record<string, unknown> & { m: BoardMeeting; slot: string; table: string };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const board = await getScheduleBoard(user, params.id);
  const locale = await getLocale(request);
  const t = getT(locale);
  const slots = new Map(board.slots.map((s) => [s.id, s]));
  const tables = new Map(board.tables.map((x) => [x.id, x]));
  const rows: Row[] = board.meetings.map((m) => ({ m, slot: slotLabel(slots.get(m.slotId)!, locale, true), table: tables.get(m.tableId)?.label ?? "" }));
  const cols: ExportColumn<Row>[] = [
    { key: "slot", header_zh: "时段", header_en: "slot" },
    { key: "table", header_zh: "桌位", header_en: "table" },
    { key: "parties", header_zh: "参与方", header_en: "parties", format: (_v, r) => r.m.parties.map((p) => p.name).join("、") },
    { key: "codes", header_zh: "签到码", header_en: "check-in codes", format: (_v, r) => r.m.parties.map((p) => p.code).join("、") },
    { key: "status", header_zh: "状态", header_en: "status", format: (_v, r) => t(`schedule.status.${r.m.status as "scheduled"}`) },
    { key: "placedBy", header_zh: "安排方式", header_en: "placed by", format: (_v, r) => t(`schedule.placedBy.${r.m.placedBy as "manual"}`) },
    { key: "request", header_zh: "请求编号", header_en: "request", format: (_v, r) => r.m.requestId },
  ];
  const body = await toXlsx(rows, cols, t("schedule.title"), { locale });
  const ascii = `qiao-schedule-${board.event.id}.xlsx`;
  const utf8 = encodeURIComponent(`${board.event.name}-${t("schedule.title")}.xlsx`);
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
