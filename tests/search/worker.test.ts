import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { getMeili, indexUid } from "../../search/client.server";
import { enqueueSync } from "../../search/sync.server";
import { rescueRetries, startSearchWorker, type SearchWorker } from "../../search/worker.server";
import { deleteNeed, need, org, pendingSyncJobs, updateNeedTitle } from "./fixtures";

const needs = () => getMeili().index(indexUid("needs"));

/** Waits for a condition the worker brings about; the limit only stops a hung test. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let worker: SearchWorker;
beforeAll(async () => {
  // The watcher's own rounds are left out here (one at start, then an hour away): the test calls
  // rescueRetries itself. tests/search/degraded.test.ts runs the watcher for real.
  worker = await startSearchWorker({ repair: false, watchIntervalMs: 3_600_000 });
});
afterAll(async () => {
  await worker.stop();
});

describe("the running search worker", () => {
  it("applies committed changes on its own: insert, update, delete", async () => {
    const o = await org();
    const id = await need(o, { title: "光伏组件清洗机器人" });
    await sql.begin((tx) => enqueueSync(tx, "need", [id]));
    await until("the new need in Meilisearch", () => needs().getDocument(id));
    await updateNeedTitle(id, "光伏组件智能清洗机器人");
    await until("the new title", async () => (await needs().getDocument(id)).title === "光伏组件智能清洗机器人");
    await deleteNeed(id);
    await until("the document gone", async () => {
      try {
        await needs().getDocument(id);
        return false;
      } catch {
        return true;
      }
    });
    await until("an empty queue", async () => (await pendingSyncJobs()).length === 0);
  });

  it("brings a failed job forward only while Meilisearch is healthy", async () => {
    const o = await org();
    const id = await need(o);
    // A job deep into graphile-worker's backoff: attempt 9 failed just now, next try in 2¼ hours
    // (written in the enqueueing transaction, so the running worker never sees it due).
    const job = await sql.begin(async (tx) => {
      await enqueueSync(tx, "need", [id]);
      const [row] = await tx<{ id: number }[]>`
        update graphile_worker._private_jobs set attempts = 9, last_error = 'search unavailable: test',
          run_at = now() + exp(9) * interval '1 second'
        where key = 'search_sync' returning id
      `;
      return row;
    });
    expect(await rescueRetries({ healthy: false })).toBe(0);
    // Healthy, but the failure is too recent for the capped schedule (30 s).
    expect(await rescueRetries({ healthy: true })).toBe(0);
    await sql`update graphile_worker._private_jobs set run_at = run_at - interval '31 seconds' where id = ${job.id}`;
    expect(await rescueRetries({ healthy: true })).toBe(1);
    await until("the job to run", async () => (await pendingSyncJobs()).length === 0);
    expect(await needs().getDocument(id)).toMatchObject({ id });
  });
});
