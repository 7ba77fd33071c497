import type { LoaderFunctionArgs } from "@remix-run/node";
import { modelProblem } from "~/models/catalog.server";
import { AUDIT_EXPORT_COLUMNS, auditFilterFrom, exportAuditLog } from "~/models/audit-log.server";
import { requireRole } from "~/utils/auth.server";
import { toCsv } from "~/utils/export.server";
import { getLocale } from "~/utils/locale.server";

// GET /admin/audit/export?<the audit page's filter>: the filtered log as CSV (UTF-8 with BOM,
// Chinese headers, formula-safe: app/utils/export.server.ts). Admins only.

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireRole(request, ["admin"]);
  const filter = auditFilterFrom(new URL(request.url));
  let rows;
  try {
    rows = await exportAuditLog(admin, filter);
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return new Response(problem.message, { status: problem.status });
  }
  const body = toCsv(rows, AUDIT_EXPORT_COLUMNS, { locale: await getLocale(request) });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(new Uint8Array(body), {
    headers: {
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="qiao-audit-${date}.csv"; filename*=UTF-8''${encodeURIComponent(`操作日志-${date}.csv`)}`,
    },
  });
}
