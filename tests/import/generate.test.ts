import { describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { generate, generateRecords, type GeneratedBatch } from "../../db/generate.server";

async function collect(opts: Parameters<typeof generateRecords>[0]) {
  const out: GeneratedBatch[] = [];
  for await (const b of generateRecords(opts)) out.push(b);
  return out;
}

describe("generateRecords", () => {
  it("is deterministic for a seed, and different for another", async () => {
    const a = await collect({ needs: 50, results: 80, experts: 20, seed: 7 });
    const b = await collect({ needs: 50, results: 80, experts: 20, seed: 7 });
    const c = await collect({ needs: 50, results: 80, experts: 20, seed: 8 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it("yields batches in dependency order with positional G- refs", async () => {
    const batches = await collect({ needs: 12, results: 25, experts: 6, orgs: 10, seed: 1, batchSize: 10 });
    expect(batches.map((b) => [b.kind, b.rows.length])).toEqual([
      ["organizations", 10],
      ["experts", 6],
      ["needs", 10],
      ["needs", 2],
      ["results", 10],
      ["results", 10],
      ["results", 5],
    ]);
    const needs = batches.flatMap((b) => (b.kind === "needs" ? b.rows : []));
    expect(needs[0].ref).toBe("G-N0000001");
    expect(needs[11].ref).toBe("G-N0000012");
    const results = batches.flatMap((b) => (b.kind === "results" ? b.rows : []));
    const orgs = batches.flatMap((b) => (b.kind === "organizations" ? b.rows : []));
    const experts = batches.flatMap((b) => (b.kind === "experts" ? b.rows : []));
    // needs come from enterprises; results from institutions, led by one of their own experts
    for (const n of needs) expect(orgs.find((o) => o.ref === n.org_ref)?.kind).toBe("enterprise");
    for (const r of results) {
      expect(orgs.find((o) => o.ref === r.org_ref)?.kind).not.toBe("enterprise");
      if (r.lead_ref) expect(experts.find((x) => x.ref === r.lead_ref)?.org_ref).toBe(r.org_ref);
    }
  });
});

describe("generate", () => {
  it("inserts rows the schema accepts, and a rerun adds only what is missing", async () => {
    const first = await generate(sql, { needs: 300, results: 700, experts: 120, seed: 3 });
    expect(first.inserted).toEqual({ organizations: 12, experts: 120, needs: 300, results: 700 });
    const [c] = await sql`
      select (select count(*) from result where ref like 'G-R%')::int as results,
             (select count(*) from result where lead_expert_id is not null)::int as led,
             (select count(distinct field) from need)::int as fields,
             (select count(*) from need where budget_wan is null)::int as open_budgets,
             (select min(length(description)) from need)::int as shortest`;
    expect(c.results).toBe(700);
    expect(c.led).toBeGreaterThan(600);
    expect(c.fields).toBeGreaterThanOrEqual(6);
    expect(c.open_budgets).toBeGreaterThan(0);
    expect(c.shortest).toBeGreaterThanOrEqual(60);

    const again = await generate(sql, { needs: 400, results: 700, experts: 120, orgs: 12, seed: 3 });
    expect(again.inserted).toEqual({ organizations: 0, experts: 0, needs: 100, results: 0 });
    const [audit] = await sql`select count(*)::int as n from audit_log where action = 'generate'`;
    expect(audit.n).toBe(2);
  });
});
