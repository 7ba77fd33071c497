import { MeilisearchApiError } from "meilisearch";
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { getMeili, indexUid } from "../../search/client.server";
import { SEARCH_SCHEMA_VERSION } from "../../search/indexes";
import { ensureSearchDocuments, rebuildPlan, ReindexBusyError, reindex, reindexEntity } from "../../search/reindex.server";
import { searchStatus } from "../../search/status.server";
import { runSyncOnce } from "../../search/worker.server";
import { deleteNeed, expert, need, org, result, updateNeedTitle } from "./fixtures";

const needs = () => getMeili().index(indexUid("needs"));

async function exists(uid: string) {
  try {
    await getMeili().getRawIndex(uid);
    return true;
  } catch (error) {
    if (error instanceof MeilisearchApiError && error.cause?.code === "index_not_found") return false;
    throw error;
  }
}

let needIds: number[] = [];

beforeAll(async () => {
  const o = await org({ name: "如皋动力电池有限公司" });
  const u = await org({ name: "南京理工大学", kind: "university" });
  const x = await expert(u);
  for (let i = 0; i < 30; i++) needIds.push(await need(o, { title: `动力电池需求${i}` }));
  for (let i = 0; i < 10; i++) await result(u, x, { title: `锂电池成果${i}` });
  needIds = needIds.sort((a, b) => a - b);
});

describe("full reindex", () => {
  it("fills every index from PostgreSQL and swaps it in", async () => {
    const progress: string[] = [];
    const results = await reindex({ batchSize: 7, onProgress: (p) => progress.push(`${p.entity}:${p.phase}:${p.sent}/${p.total}`) });
    expect(results.map((r) => [r.entity, r.documents])).toEqual([
      ["need", 30],
      ["result", 10],
      ["expert", 1],
      ["organization", 2],
    ]);
    expect(progress).toContain("need:building:7/30");
    expect(progress).toContain("need:swapped:30/30");
    const status = await searchStatus();
    for (const index of status.indexes) {
      expect(index.meiliCount).toBe(index.postgresCount);
      expect(index.documentsVersion).toBe(SEARCH_SCHEMA_VERSION);
      expect(index.inSync).toBe(true);
      expect(await exists(`${index.uid}_new`)).toBe(false);
    }
    expect(status.reindexing).toEqual([]);
    expect((await needs().search("电池")).estimatedTotalHits).toBe(30);
    // the swapped-in index has the settings from code
    expect((await needs().getSettings()).filterableAttributes).toContain("audience");
  });

  it("keeps answering searches during the rebuild, and keeps changes made while it ran", async () => {
    const [changed, deleted] = needIds;
    let searches = 0;
    let emptyAnswers = 0;
    let searching = true;
    const searcher = (async () => {
      while (searching) {
        const r = await needs().search("电池", { limit: 1 });
        searches++;
        if (r.hits.length === 0) emptyAnswers++;
      }
    })();

    const [run] = await reindex({
      only: ["need"],
      batchSize: 5,
      maxInFlight: 1,
      beforeSwap: async () => {
        // The new index is full and about to be swapped in; meanwhile a user edits one need and
        // deletes another, and the worker applies that to the live index.
        const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from search_reindex_run where finished_at is null`;
        expect(n).toBe(1);
        await updateNeedTitle(changed, "改过的标题：固态电池电解质");
        await deleteNeed(deleted);
        await runSyncOnce();
        expect(await needs().getDocument(changed)).toMatchObject({ title: "改过的标题：固态电池电解质" });
      },
    });
    searching = false;
    await searcher;
    expect(searches).toBeGreaterThan(0);
    expect(emptyAnswers).toBe(0);
    expect(run.requeued).toBe(2);

    // Right after the swap the new index still holds what the rebuild read …
    expect(await needs().getDocument(changed)).not.toMatchObject({ title: "改过的标题：固态电池电解质" });
    // … until the re-queued ids go through the worker.
    await runSyncOnce();
    expect(await needs().getDocument(changed)).toMatchObject({ title: "改过的标题：固态电池电解质" });
    await expect(needs().getDocument(deleted)).rejects.toThrow(/not found/i);
    const status = await searchStatus();
    expect(status.indexes.find((i) => i.entity === "need")).toMatchObject({ meiliCount: 29, postgresCount: 29, inSync: true });
    expect(status.queue.pending).toBe(0);
  });

  it("runs one rebuild of an index at a time", async () => {
    let second: Promise<unknown> | undefined;
    await reindexEntity("result", {
      beforeSwap: async () => {
        second = reindexEntity("result");
        await expect(second).rejects.toBeInstanceOf(ReindexBusyError);
      },
    });
    expect(second).toBeDefined();
  });

  it("leaves the live index alone when a rebuild fails", async () => {
    const before = (await needs().getStats()).numberOfDocuments;
    const abort = new AbortController();
    await expect(
      reindexEntity("need", {
        signal: abort.signal,
        beforeSwap: async () => abort.abort(new Error("operator pressed Ctrl-C")),
      }),
    ).rejects.toThrow("Ctrl-C");
    expect((await needs().getStats()).numberOfDocuments).toBe(before);
    expect(await exists(`${indexUid("needs")}_new`)).toBe(false);
    const [run] = await sql<{ outcome: string; error: string }[]>`select outcome, error from search_reindex_run order by id desc limit 1`;
    expect(run).toMatchObject({ outcome: "failed" });
    expect(run.error).toContain("Ctrl-C");
  });

  it("rebuilds at start only what needs it: an older schema version or an empty index", async () => {
    expect(await rebuildPlan()).toEqual([]);
    expect(await ensureSearchDocuments()).toEqual({ rebuilt: [], deferred: [] });

    await sql`update search_index_meta set documents_version = ${SEARCH_SCHEMA_VERSION - 1} where uid = ${indexUid("results")}`;
    await getMeili().index(indexUid("experts")).deleteAllDocuments().waitTask();
    expect(await rebuildPlan()).toEqual([
      { entity: "result", reason: "schema-version", rows: 10 },
      { entity: "expert", reason: "empty-index", rows: 1 },
    ]);
    expect(await ensureSearchDocuments({ maxRows: 5 })).toEqual({ rebuilt: ["expert"], deferred: ["result"] });
    expect(await ensureSearchDocuments()).toEqual({ rebuilt: ["result"], deferred: [] });
    expect(await rebuildPlan()).toEqual([]);
    expect((await searchStatus()).indexes.every((i) => i.inSync)).toBe(true);
  });
});
