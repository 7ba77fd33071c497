import type { LoaderFunctionArgs } from "@remix-run/node";
import { rejectedRowsCsv } from "~/models/import-upload.server";
import { requireUser } from "~/utils/auth.server";
import { getT } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";

// GET /import/:id/rejected: the rejected rows of the uploader's own upload as CSV — file, row,
// ref, name, the columns at fault and every reason in the UI language — to fix the spreadsheet by.

function attachment(ascii: string, utf8: string) {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(utf8)}`;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = await getLocale(request);
  const body = await rejectedRowsCsv(user, params.id ?? "", locale);
  const name = getT(locale)("import.preview.rejectedFile");
  return new Response(new Uint8Array(body), {
    headers: {
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": attachment("qiao-import-rejected.csv", `${name}-${(params.id ?? "").slice(0, 8)}.csv`),
    },
  });
}
