import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { getMeili, indexUid } from "../../search/client.server";
import { SEARCH_SCHEMA_VERSION } from "../../search/indexes";
import { startMeili, type MeiliProcess } from "../../search/meili-process.server";
import { searchStatus } from "../../search/status.server";
import { enqueueSync } from "../../search/sync.server";
import { startSearchWorker, type SearchWorker } from "../../search/worker.server";
import { freePort } from "../setup/pg-server";
import { deleteNeed, need, org, pendingSyncJobs, updateNeedTitle } from "./fixtures";

// Degraded mode for real: this file runs its own Meilisearch, stops the process while writes go
// on, and starts it again on the same data folder and port.

const root = path.resolve(import.meta.dirname, "../..");
const dbPath = path.join(root, ".test-data", `meili-degraded-${process.pid}-${randomBytes(3).toString("hex")}`);
const masterKey = randomBytes(16).toString("hex");
let port: number;
let meili: MeiliProcess | undefined;
let worker: SearchWorker | undefined;
const saved = { url: process.env.MEILI_URL, key: process.env.MEILI_MASTER_KEY, timeout: process.env.QIAO_MEILI_TIMEOUT_MS };

const needs = () => getMeili().index(indexUid("needs"));

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  port = await freePort();
  meili = await startMeili({ dbPath, port, masterKey });
  process.env.MEILI_URL = meili.url;
  process.env.MEILI_MASTER_KEY = masterKey;
  process.env.QIAO_MEILI_TIMEOUT_MS = "2000";
  worker = await startSearchWorker({ watchIntervalMs: 250, pollInterval: 250 });
});

afterAll(async () => {
  await worker?.stop();
  await meili?.stop();
  rmSync(dbPath, { recursive: true, force: true });
  process.env.MEILI_URL = saved.url;
  process.env.MEILI_MASTER_KEY = saved.key;
  process.env.QIAO_MEILI_TIMEOUT_MS = saved.timeout;
});

describe("with Meilisearch stopped", () => {
  it("writes still commit and queue, and the queue drains once it is back", async () => {
    const o = await org({ name: "如皋光伏材料有限公司" });
    const kept = await need(o, { title: "光伏背板材料耐候性提升" });
    const removed = await need(o, { title: "光伏接线盒散热" });
    await sql.begin(async (tx) => {
      await enqueueSync(tx, "organization", [o]);
      await enqueueSync(tx, "need", [kept, removed]);
    });
    await until("the first sync", async () => (await pendingSyncJobs()).length === 0 && (await needs().getStats()).numberOfDocuments === 2);
    // Whatever the worker's start-up repair did is over; from here on the queue alone must do it.
    await until("the start-up repair", async () => (await searchStatus()).indexes.every((i) => i.documentsVersion === SEARCH_SCHEMA_VERSION));
    await until("no rebuild running", async () => (await searchStatus()).reindexing.length === 0);
    const [{ lastRun }] = await sql<{ lastRun: number }[]>`select coalesce(max(id), 0)::int as "lastRun" from search_reindex_run`;

    // Down.
    await meili?.stop();
    const added = await need(o, { title: "钙钛矿电池封装工艺" });
    await sql.begin((tx) => enqueueSync(tx, "need", [added]));
    await updateNeedTitle(kept, "光伏背板材料耐候性与阻燃提升");
    await deleteNeed(removed);

    // The worker tried, failed, and the job waits for a retry with its ids.
    const failing = await until("a failed attempt", async () => (await pendingSyncJobs()).find((j) => j.attempts > 0 && j.last_error));
    expect(failing.last_error).toContain("search unavailable");
    const down = await searchStatus();
    expect(down.health.ok).toBe(false);
    expect(down.queue.pending).toBeGreaterThan(0);
    expect(down.queue.retrying).toBeGreaterThan(0);
    expect(down.indexes.every((i) => i.meiliCount === null)).toBe(true);
    expect(down.indexes.find((i) => i.entity === "need")?.postgresCount).toBe(2);

    // A long outage: graphile-worker's own backoff would now wait hours before the next try.
    await sql`update graphile_worker._private_jobs set attempts = 9, run_at = now() + exp(9) * interval '1 second' where key = 'search_sync'`;

    // Back, on the same data and port.
    meili = await startMeili({ dbPath, port, masterKey });
    // Drained: nothing queued, Meilisearch done indexing, every index's count equals PostgreSQL's.
    const status = await until("the queue to drain and the counts to match", async () => {
      const s = await searchStatus();
      return s.queue.pending === 0 && s.indexes.every((i) => i.isIndexing === false && i.meiliCount === i.postgresCount) && s;
    });
    // … by the queue alone, not by a rebuild.
    expect(await sql`select id from search_reindex_run where id > ${lastRun}`).toHaveLength(0);
    expect(status.health.ok).toBe(true);
    const needStatus = status.indexes.find((i) => i.entity === "need");
    expect(needStatus).toMatchObject({ meiliCount: 2, postgresCount: 2 });
    for (const index of status.indexes) expect(index.meiliCount).toBe(index.postgresCount);
    expect(status.queue).toMatchObject({ pending: 0, retrying: 0, failed: 0 });
    expect(await needs().getDocument(kept)).toMatchObject({ title: "光伏背板材料耐候性与阻燃提升" });
    expect(await needs().getDocument(added)).toMatchObject({ title: "钙钛矿电池封装工艺" });
    await expect(needs().getDocument(removed)).rejects.toThrow(/not found/i);
  }, 180_000);

  it("rebuilds the indexes when Meilisearch comes back without its data", async () => {
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from need`;
    expect(n).toBeGreaterThan(0);
    await meili?.stop();
    // Same address, empty data folder: every document is gone.
    meili = await startMeili({ dbPath: `${dbPath}-fresh`, port, masterKey });
    try {
      const status = await until("the worker's repair", async () => {
        const s = await searchStatus();
        return s.reindexing.length === 0 && s.indexes.every((i) => i.inSync) && s;
      });
      expect(status.indexes.find((i) => i.entity === "need")).toMatchObject({ meiliCount: n, postgresCount: n });
      const [{ outcome }] = await sql<{ outcome: string }[]>`select outcome from search_reindex_run where entity = 'need' order by id desc limit 1`;
      expect(outcome).toBe("swapped");
      expect((await needs().search("钙钛矿")).hits).toHaveLength(1);
    } finally {
      await meili.stop();
      rmSync(`${dbPath}-fresh`, { recursive: true, force: true });
      meili = undefined;
    }
  }, 180_000);
});
