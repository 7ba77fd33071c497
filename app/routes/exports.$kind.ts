import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { columnsFor, exportList, isExportKind, sheetNameFor } from "~/models/exports.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { writeCsv, writeXlsx } from "~/utils/export.server";
import { getT } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";

// GET /exports/<needs|results|experts|organizations>?format=csv|xlsx[&lang=en]: the whole list as
// the signed-in user may read it (app/models/exports.server.ts), streamed, so a list of a million
// results never sits in memory. Headers are Chinese unless the page language is English.

/** RFC 6266: an ASCII name for old clients, the Chinese one for everyone else. */
function attachment(ascii: string, utf8: string) {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(utf8)}`;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const kind = params.kind;
  if (!isExportKind(kind)) throw new Response("Not found", { status: 404 });
  const format = new URL(request.url).searchParams.get("format") ?? "xlsx";
  if (format !== "csv" && format !== "xlsx") throw new Response("format must be csv or xlsx", { status: 400 });
  const locale = await getLocale(request);
  const t = getT(locale);
  const rows = await exportList({ ...user, ip: getClientIp(context) }, kind, format);
  const out = new PassThrough();
  const columns = columnsFor(kind);
  const written =
    format === "csv" ? writeCsv(rows, columns, out, { locale }) : writeXlsx(rows, columns, sheetNameFor(kind, locale), out, { locale });
  // a failure half-way ends the download with an error instead of a silently short file
  written.catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  const date = new Date().toISOString().slice(0, 10);
  const name = `${t(`admin.exports.kinds.${kind}`)}-${date}.${format}`;
  return new Response(createReadableStreamFromReadable(out), {
    headers: {
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": attachment(`qiao-${kind}-${date}.${format}`, name),
    },
  });
}
