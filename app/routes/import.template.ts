import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { IMPORT_KIND_VALUES } from "~/components/import/kinds";
import { importRights, TEMPLATE_NAMES, templateFile } from "~/models/import-upload.server";
import { requireUser } from "~/utils/auth.server";

// GET /import/template?kind=needs&format=csv|xlsx: an empty spreadsheet whose header row is the
// importer's Chinese column names for that kind (the same headers an export writes).

const TemplateQuery = z.object({
  kind: z.enum(IMPORT_KIND_VALUES),
  format: z.enum(["csv", "xlsx"]).default("xlsx"),
});

/** RFC 6266: an ASCII name for old clients, the Chinese one for everyone else. */
function attachment(ascii: string, utf8: string) {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(utf8)}`;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const parsed = TemplateQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new Response("Bad request", { status: 400 });
  const { kind, format } = parsed.data;
  const rights = await importRights(user);
  if (!rights.allowed || !rights.kinds.includes(kind)) throw new Response("Forbidden", { status: 403 });

  const body = await templateFile(kind, format);
  return new Response(new Uint8Array(body), {
    headers: {
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": attachment(`qiao-${kind}-template.${format}`, `${TEMPLATE_NAMES[kind]}.${format}`),
    },
  });
}
