import { delay, http, HttpResponse, passthrough } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { getMeili, indexUid } from "../../search/client.server";
import { searchStatus } from "../../search/status.server";
import { enqueueSync, prepareIndexes } from "../../search/sync.server";
import { rescueRetries, runSyncOnce } from "../../search/worker.server";
import { deleteNeed, need, org, pendingSyncJobs, updateNeedTitle } from "./fixtures";

// Meilisearch answering 5xx or not at all, injected with msw in front of the real server: jobs
// fail, are retried, and nothing is lost.

// Requests give up after 1.5 s here (the client reads this when it is first created).
process.env.QIAO_MEILI_TIMEOUT_MS = "1500";
const base = process.env.MEILI_URL ?? "";
const server = setupServer();
const needs = () => getMeili().index(indexUid("needs"));
let intercepted: string[] = [];

beforeAll(async () => {
  await prepareIndexes();
  server.listen({ onUnhandledRequest: "bypass" });
  server.events.on("request:start", ({ request }) => {
    if (request.method !== "GET") intercepted.push(`${request.method} ${new URL(request.url).pathname}`);
  });
});
beforeEach(async () => {
  intercepted = [];
  await sql`select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs))`;
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const documents = `${base}/indexes/:uid/documents`;
const unavailable = () => HttpResponse.json({ message: "injected", code: "internal", type: "internal", link: "" }, { status: 503 });

/** Retries until the queue is empty: each round brings failed jobs forward and runs what is due. */
async function drain(maxRounds = 10) {
  for (let round = 0; round < maxRounds; round++) {
    await runSyncOnce();
    if ((await pendingSyncJobs()).length === 0) return;
    await rescueRetries({ healthy: true, capSeconds: 0 });
  }
  throw new Error(`the queue did not drain in ${maxRounds} rounds`);
}

describe("Meilisearch faults (msw)", () => {
  it("retries a job refused with 5xx until it goes through", async () => {
    const o = await org();
    const ids = [await need(o, { title: "储能电池热失控预警" }), await need(o, { title: "电池包结构轻量化" })];
    server.use(http.post(documents, unavailable, { once: true }), http.post(documents, unavailable, { once: true }));
    await sql.begin((tx) => enqueueSync(tx, "need", ids));

    await runSyncOnce();
    const [job] = await pendingSyncJobs();
    expect(job.attempts).toBe(1);
    expect(job.last_error).toMatch(/search unavailable.*503|search unavailable.*injected/);
    expect((await searchStatus()).queue).toMatchObject({ pending: 1, retrying: 1 });

    await drain();
    for (const id of ids) expect(await needs().getDocument(id)).toMatchObject({ id });
    expect(intercepted.filter((r) => r.endsWith("/documents"))).toHaveLength(3);
    expect((await searchStatus()).queue).toMatchObject({ pending: 0, retrying: 0, failed: 0 });
  });

  it("retries a request that times out", async () => {
    const o = await org();
    const id = await need(o, { title: "光伏逆变器散热" });
    server.use(
      http.post(
        documents,
        async () => {
          await delay(3000);
          return unavailable();
        },
        { once: true },
      ),
    );
    await sql.begin((tx) => enqueueSync(tx, "need", [id]));
    await runSyncOnce();
    const [job] = await pendingSyncJobs();
    expect(job.last_error).toMatch(/search unavailable.*timed out/);
    await drain();
    expect(await needs().getDocument(id)).toMatchObject({ id, title: "光伏逆变器散热" });
  });

  it("does not complete a job while Meilisearch cannot confirm the task, then completes it", async () => {
    const o = await org();
    const id = await need(o);
    await updateNeedTitle(id, "复合材料叶片缺陷检测");
    // The document is accepted, but asking whether the task succeeded fails.
    server.use(http.get(`${base}/tasks/:taskUid`, unavailable, { once: true }));
    await runSyncOnce();
    expect(await pendingSyncJobs()).toHaveLength(1);
    await drain();
    expect(await needs().getDocument(id)).toMatchObject({ title: "复合材料叶片缺陷检测" });
  });

  it("keeps deletes and a burst of writes through a run of failures", async () => {
    const o = await org();
    const doomed = await need(o);
    await sql.begin((tx) => enqueueSync(tx, "need", [doomed]));
    await runSyncOnce();
    expect(await needs().getDocument(doomed)).toMatchObject({ id: doomed });

    let failures = 0;
    server.use(
      http.post(`${base}/indexes/:uid/*`, () => {
        if (failures >= 4) return passthrough();
        failures++;
        return unavailable();
      }),
    );
    await deleteNeed(doomed);
    const burst: number[] = [];
    for (let i = 0; i < 20; i++) {
      const id = await need(o, { title: `锂电池回收工艺${i}` });
      burst.push(id);
      await sql.begin((tx) => enqueueSync(tx, "need", [id]));
      if (i % 5 === 0) await runSyncOnce();
    }
    await drain();
    expect(failures).toBe(4);
    await expect(needs().getDocument(doomed)).rejects.toThrow(/not found/i);
    const found = await needs().getDocuments({ fields: ["id"], limit: 1000 });
    expect(found.results.map((d) => d.id)).toEqual(expect.arrayContaining(burst));
    const status = await searchStatus();
    expect(status.indexes.find((i) => i.entity === "need")).toMatchObject({ meiliCount: status.indexes[0].postgresCount });
  });
});
