import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { addMatchRefreshJob, cacheBuilt, MATCH_REFRESH_TASK, openNeedsOverview, refreshAllOpenNeeds, refreshForOther } from "../../search/match/cache.server";
import { runSyncOnce } from "../../search/worker.server";
import { ballResultInput, closeResult, result, smallCatalog } from "./fixtures";

// The suggestion cache (db/migrations/0040_match.sql): built once for every open need, then kept
// fresh by re-scoring only the pairs a changed result forms — through the search worker, as in
// production.

let cat: Awaited<ReturnType<typeof smallCatalog>>;

async function rows(needId: number) {
  return sql<{ result_id: number | null; label: string; score: number; computed_at: Date; first_seen_at: Date }[]>`
    select result_id, label, score, computed_at, first_seen_at from match_suggestion where need_id = ${needId} order by score desc`;
}
async function summary(needId: number) {
  const [s] = await sql<{ verdict: string; computed_at: Date }[]>`select verdict, computed_at from match_need_summary where need_id = ${needId}`;
  return s;
}
async function refreshJobs() {
  return sql<{ id: number; run_at: Date }[]>`select id, run_at from graphile_worker.jobs where task_identifier = ${MATCH_REFRESH_TASK}`;
}
/** Runs what the worker would, now: sync jobs, then the (debounced) match refresh. */
async function drainQueue() {
  await runSyncOnce();
  await sql`update graphile_worker._private_jobs set run_at = now() where task_id = (select id from graphile_worker._private_tasks where identifier = ${MATCH_REFRESH_TASK})`;
  await runSyncOnce();
}

beforeAll(async () => {
  cat = await smallCatalog();
  await runSyncOnce(); // the fixtures' own sync jobs: documents into Meilisearch
}, 120_000);

describe("match suggestion cache", () => {
  it("queues nothing until it has been built", async () => {
    expect(await cacheBuilt()).toBe(false);
    expect(await refreshJobs()).toHaveLength(0);
  });

  it("a full refresh gives every open need its suggestions and a verdict", async () => {
    const r = await refreshAllOpenNeeds();
    expect(r.needs).toBe(2);
    const foam = await rows(cat.foamNeed);
    expect(foam[0]).toMatchObject({ result_id: cat.foamResult });
    expect(["strong", "possible"]).toContain(foam[0].label);
    expect((await summary(cat.foamNeed)).verdict).toMatch(/strong|possible/);
    expect((await summary(cat.ballNeed)).verdict).toBe("none");
    const overview = await openNeedsOverview();
    expect(overview.map((o) => o.ref)).toEqual(["TM-N2", "TM-N1"]); // needs without a fit first
  });

  it("a new result is considered for existing needs without recomputing the others", async () => {
    const foamBefore = await rows(cat.foamNeed);
    const foamSummaryBefore = await summary(cat.foamNeed);
    const ball = await result(cat.uni, ballResultInput());
    await runSyncOnce(); // into Meilisearch; the sync also queues a match refresh
    const touched = await refreshForOther("result", ball);
    expect(touched).toContain(cat.ballNeed);
    const balls = await rows(cat.ballNeed);
    expect(balls[0]).toMatchObject({ result_id: ball });
    expect(["strong", "possible"]).toContain(balls[0].label);
    expect((await summary(cat.ballNeed)).verdict).toMatch(/strong|possible/);
    // the memory-foam need was not recomputed: same rows, same timestamps
    expect(await rows(cat.foamNeed)).toEqual(foamBefore);
    expect((await summary(cat.foamNeed)).computed_at).toEqual(foamSummaryBefore.computed_at);
  });

  it("once built, the search worker keeps it fresh: a closed result leaves the needs' lists", async () => {
    expect(await cacheBuilt()).toBe(true);
    await sql`select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs))`;
    await closeResult(cat.foamResult);
    await runSyncOnce();
    const jobs = await refreshJobs();
    expect(jobs).toHaveLength(1);
    // debounced: due a few seconds later, so a burst of writes is one refresh
    expect(jobs[0].run_at.getTime()).toBeGreaterThan(Date.now());
    await drainQueue();
    expect(await refreshJobs()).toHaveLength(0);
    expect((await rows(cat.foamNeed)).map((r) => r.result_id)).not.toContain(cat.foamResult);
    expect((await summary(cat.foamNeed)).verdict).toBe("none");
  });

  it("a refresh job merges bursts and finishes what it was given", async () => {
    await addMatchRefreshJob([{ e: "need", ids: [cat.foamNeed] }]);
    await addMatchRefreshJob([{ e: "need", ids: [cat.ballNeed] }]);
    expect(await refreshJobs()).toHaveLength(1);
    const before = await summary(cat.ballNeed);
    await drainQueue();
    expect(await refreshJobs()).toHaveLength(0);
    expect((await summary(cat.ballNeed)).computed_at.getTime()).toBeGreaterThan(before.computed_at.getTime());
  });

  it("a need that is no longer open is dropped from the cache", async () => {
    await sql`update need set status = 'closed', closed_at = now() where id = ${cat.ballNeed}`;
    await refreshAllOpenNeeds();
    expect(await rows(cat.ballNeed)).toHaveLength(0);
    expect(await summary(cat.ballNeed)).toBeUndefined();
  });
});
