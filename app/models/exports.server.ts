import { sql } from "../../db/client.server";
import { KIND_LABELS, type ImportKind } from "../../db/import/columns.server";
import { exportColumns, exportRows, type ExportRow } from "../../db/import/export.server";
import { isStaff } from "~/utils/roles";
import { audit, forbidden, type Actor } from "./audit.server";
import { loadViewer, readableFilter, type Viewer } from "./catalog.server";

// Exports of the four catalog lists (needs, results, experts, organizations) for whoever may
// read them. The columns are the importer's own (db/import/export.server.ts: Chinese headers, an
// organizer's export imports back unchanged), the rows those the reader may read
// (readableFilter, the rule every page uses), and contact details only where the reader may see
// them (staff and the owning organization; a meeting grant is per record and not applied in bulk —
// such readers see the details on the record's page). The file itself (BOM, formula guard) is
// app/utils/export.server.ts. Events, intents and agreements are exported by their own modules
// (/events/export, /intents/export, /agreements/export); /exports links to all of them.
// Decision: docs/decisions/073-exports.md.

export const EXPORT_KINDS = ["needs", "results", "experts", "organizations"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export function isExportKind(v: unknown): v is ExportKind {
  return typeof v === "string" && (EXPORT_KINDS as readonly string[]).includes(v);
}

/** Columns that hold contact details, per kind (blanked for readers who may not see them). */
export const CONTACT_COLUMNS: Record<ExportKind, readonly string[]> = {
  needs: ["contact_name", "contact_phone", "contact_email"],
  results: ["contact_name", "contact_phone", "contact_email"],
  experts: ["email", "phone"],
  organizations: [],
};

const TABLE_ALIAS: Record<ExportKind, ImportKind> = { needs: "needs", results: "results", experts: "experts", organizations: "organizations" };

export const columnsFor = (kind: ExportKind) => exportColumns(TABLE_ALIAS[kind]);
export const sheetNameFor = (kind: ExportKind, locale: "zh-CN" | "en") => (locale === "en" ? KIND_LABELS[kind].en : KIND_LABELS[kind].zh);

function mayContact(viewer: Viewer, orgId: unknown): boolean {
  if (isStaff(viewer)) return true;
  return !!viewer && typeof orgId === "number" && viewer.orgIds.includes(orgId);
}

/**
 * The rows of one list as `actor` may read them, streamed. Signed-in users only (403 for a
 * visitor: bulk downloads are not for anonymous scraping, the public pages are). Each download is
 * recorded in the audit log (who took which list, how many rows were readable at that moment).
 */
export async function exportList(actor: Actor | null, kind: ExportKind, format: "csv" | "xlsx"): Promise<AsyncGenerator<ExportRow>> {
  if (!actor) forbidden();
  const viewer = await loadViewer(actor);
  const where = kind === "organizations" ? undefined : (alias: string) => readableFilter(viewer, alias);
  const table = kind === "organizations" ? sql`organization` : sql(kind === "needs" ? "need" : kind === "results" ? "result" : "expert");
  const alias = kind === "organizations" ? "organization" : "t";
  await sql.begin(async (tx) => {
    const [{ n }] = await tx<{ n: number }[]>`
      select count(*)::int as n from ${table} ${kind === "organizations" ? tx`` : tx`t`} where ${where ? where(alias) : tx`true`}`;
    await audit(tx, { actor, action: "export.download", entity: "export", entityId: kind, after: { format, rows: n } });
  });
  const contacts = CONTACT_COLUMNS[kind];
  const rows = exportRows(sql, TABLE_ALIAS[kind], { where });
  return (async function* () {
    for await (const row of rows) {
      if (contacts.length && !mayContact(viewer, row._org_id)) for (const c of contacts) row[c] = null;
      delete row._org_id;
      yield row;
    }
  })();
}
