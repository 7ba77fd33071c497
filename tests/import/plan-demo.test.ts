import path from "node:path";
import { describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { applyImport, importFilesFromPath, planImport, type ImportActor } from "../../db/import/index.server";

const DEMO = path.resolve(import.meta.dirname, "../../db/seeds/demo");
const cli: ImportActor = { id: null, role: "system" };

describe("the demo folder", () => {
  it("plans, applies, and re-imports as all unchanged", async () => {
    const files = await importFilesFromPath(DEMO);
    const plan = await planImport(files, cli);
    const errors = plan.rows.flatMap((r) => r.issues).filter((i) => i.severity === "error");
    expect(errors.slice(0, 5)).toEqual([]);
    expect(plan.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(plan.byKind).toEqual({
      organizations: { created: 109, updated: 0, unchanged: 0, rejected: 0 },
      experts: { created: 151, updated: 0, unchanged: 0, rejected: 0 },
      needs: { created: 185, updated: 0, unchanged: 0, rejected: 0 },
      results: { created: 420, updated: 0, unchanged: 0, rejected: 0 },
    });
    expect((await sql`select count(*)::int as n from need`)[0].n).toBe(0);

    const t0 = performance.now();
    const applied = await applyImport(plan, cli);
    console.log("apply ms", performance.now() - t0);
    expect(applied.ok).toBe(true);
    expect((await sql`select count(*)::int as n from result`)[0].n).toBe(420);

    const again = await planImport(await importFilesFromPath(DEMO), cli);
    expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 865, rejected: 0 });
  });
});
