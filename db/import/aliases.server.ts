import type postgres from "postgres";
import type { ImportKind } from "./columns.server";
import type { PlannedRow } from "./plan.server";

// A merged duplicate's external ref (merged_record, app/models/merge.server.ts) still names its
// survivor: a re-import of the spreadsheet that once created the duplicate updates the survivor
// instead of recreating the duplicate, and needs or results that name the duplicate's
// organization or lead expert by ref attach to the survivor. The rows' refs are rewritten to the
// survivor's ref before anything else looks at them. A survivor always has a ref when its
// duplicate had one (the merge hands the duplicate's ref over when the survivor had none).

type Tx = postgres.TransactionSql<{ bigint: number }>;

const REF_FIELDS: Record<ImportKind, { field: string; entity: "organization" | "expert" }[]> = {
  organizations: [{ field: "ref", entity: "organization" }],
  // "org" and "lead" hold a name or a ref (the importer tries the ref first)
  experts: [{ field: "ref", entity: "expert" }, { field: "org_ref", entity: "organization" }, { field: "org", entity: "organization" }],
  needs: [{ field: "org_ref", entity: "organization" }, { field: "org", entity: "organization" }],
  results: [
    { field: "org_ref", entity: "organization" },
    { field: "org", entity: "organization" },
    { field: "lead_ref", entity: "expert" },
    { field: "lead", entity: "expert" },
  ],
};

export async function translateMergedRefs(tx: Tx, kind: ImportKind, rows: PlannedRow[]): Promise<void> {
  for (const { field, entity } of REF_FIELDS[kind]) {
    const refs = [...new Set(rows.map((r) => r.values[field]).filter((v): v is string => typeof v === "string" && v !== ""))];
    if (refs.length === 0) continue;
    const found = await tx<{ ref: string; target_ref: string }[]>`
      select m.ref, t.ref as target_ref
      from merged_record m join ${tx(entity)} t on t.id = m.target_id
      where m.entity = ${entity} and m.ref = any(${refs}) and t.ref is not null
        and not exists (select 1 from ${tx(entity)} live where live.ref = m.ref)`;
    if (found.length === 0) continue;
    const to = new Map(found.map((f) => [f.ref, f.target_ref]));
    for (const r of rows) {
      const v = r.values[field];
      const target = typeof v === "string" ? to.get(v) : undefined;
      if (target === undefined) continue;
      r.values[field] = target;
      if (field === "ref" && r.ref === v) r.ref = target;
    }
  }
  // an organization named by the duplicate's old name (the town sheets rarely carry refs)
  if (kind === "organizations") return;
  const names = [...new Set(rows.map((r) => r.values.org).filter((v): v is string => typeof v === "string" && v !== ""))];
  if (names.length === 0) return;
  const found = await tx<{ name: string; target_name: string }[]>`
    select distinct on (m.name) m.name, o.name as target_name
    from merged_record m join organization o on o.id = m.target_id
    where m.entity = 'organization' and m.name = any(${names})
      and not exists (select 1 from organization live where live.name = m.name or live.short_name = m.name)
    order by m.name, m.merged_at desc`;
  const to = new Map(found.map((f) => [f.name, f.target_name]));
  for (const r of rows) {
    const v = r.values.org;
    const target = typeof v === "string" ? to.get(v) : undefined;
    if (target !== undefined) r.values.org = target;
  }
}
