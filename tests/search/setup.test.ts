import { describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { getMeili, indexUid } from "../../search/client.server";
import { searchHealth } from "../../search/health.server";
import { INDEXES } from "../../search/indexes";
import { ensureIndexes } from "../../search/setup.server";

describe("search setup", () => {
  it("reports a healthy Meilisearch 1.21", async () => {
    const health = await searchHealth();
    expect(health.ok).toBe(true);
    if (health.ok) expect(health.version).toMatch(/^1\.21\./);
  });

  it("creates every index with its settings, then does nothing on a second run", async () => {
    const first = await ensureIndexes();
    expect(first.sort()).toEqual(INDEXES.map((d) => indexUid(d.base)).sort());
    const needs = await getMeili().index(indexUid("needs")).getSettings();
    expect(needs.filterableAttributes).toContain("field");
    expect(needs.synonyms?.["锂电"]).toContain("锂离子电池");
    expect(await ensureIndexes()).toEqual([]);
    const meta = await sql`select uid from search_index_meta`;
    expect(meta).toHaveLength(INDEXES.length);
  });

  it("re-creates an index that disappeared from Meilisearch", async () => {
    await ensureIndexes();
    await getMeili().deleteIndex(indexUid("experts")).waitTask();
    expect(await ensureIndexes()).toEqual([indexUid("experts")]);
  });

  it("says search is down when Meilisearch is unreachable", async () => {
    const saved = process.env.MEILI_URL;
    process.env.MEILI_URL = "http://127.0.0.1:1";
    try {
      const health = await searchHealth(500);
      expect(health.ok).toBe(false);
    } finally {
      process.env.MEILI_URL = saved;
    }
  });
});
