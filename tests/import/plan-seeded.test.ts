import path from "node:path";
import { describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { applyImport, importFilesFromPath, planImport } from "../../db/import/index.server";
import { seedDemo } from "../../db/seed.server";

const DEMO = path.resolve(import.meta.dirname, "../../db/seeds/demo");

describe("importing the demo folder over `seed demo`", () => {
  it("finds every record unchanged: the import and the seed agree on every value", async () => {
    await seedDemo(sql);
    const plan = await planImport(await importFilesFromPath(DEMO), { id: null, role: "system" });
    expect(plan.counts).toEqual({ created: 0, updated: 0, unchanged: 865, rejected: 0 });
    // events, intents and agreements are seed-only: skipped with a note, not an error
    expect(plan.issues.filter((i) => i.code === "file_skipped").map((i) => i.file)).toEqual(["agreements.json", "events.json", "intents.json"]);
    expect(plan.ok).toBe(true);
  });

  it("updates a changed demo record by ref and leaves the rest alone", async () => {
    const files = await importFilesFromPath(DEMO);
    const needs = files.find((f) => f.filename === "needs.json");
    if (!needs) throw new Error("needs.json missing");
    const data = JSON.parse(needs.bytes.toString("utf8"));
    data[0].budget_wan = 123;
    data[0].posted = "2017-02-01";
    needs.bytes = Buffer.from(JSON.stringify(data));
    const plan = await planImport(files, { id: null, role: "system" });
    expect(plan.counts).toEqual({ created: 0, updated: 1, unchanged: 864, rejected: 0 });
    expect(plan.rows.find((r) => r.action === "updated")).toMatchObject({ ref: "N001", changes: ["budget_wan", "posted"] });
    const applied = await applyImport(plan, { id: null, role: "system" });
    expect(applied.ok).toBe(true);
    const [n] = await sql`select budget_wan::float8 as b, to_char(published_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as d, status from need where ref = 'N001'`;
    expect(n).toEqual({ b: 123, d: "2017-02-01", status: "matched" });
  });
});
