import { beforeEach, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { getMeili, indexUid } from "../../search/client.server";
import { searchStatus } from "../../search/status.server";
import { enqueueSync, parsePayload, SYNC_JOB_KEY, syncTask } from "../../search/sync.server";
import { rescueRetries, runSyncOnce } from "../../search/worker.server";
import { deleteNeed, expert, need, org, pendingSyncJobs, result, updateNeedTitle } from "./fixtures";

const needs = () => getMeili().index(indexUid("needs"));
const results = () => getMeili().index(indexUid("results"));

async function jobPayload(id: number): Promise<unknown> {
  const [row] = await sql<{ payload: unknown }[]>`select payload::text as payload from graphile_worker._private_jobs where id = ${id}`;
  return row ? JSON.parse(String(row.payload)) : undefined;
}

beforeEach(async () => {
  await sql`select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs))`;
});

describe("enqueueSync", () => {
  it("enqueues nothing when the transaction rolls back", async () => {
    const o = await org();
    const id = await need(o);
    await expect(
      sql.begin(async (tx) => {
        await tx`update need set title = '回滚的标题' where id = ${id}`;
        await enqueueSync(tx, "need", [id]);
        throw new Error("rolled back on purpose");
      }),
    ).rejects.toThrow("rolled back on purpose");
    expect(await pendingSyncJobs()).toHaveLength(0);
  });

  it("enqueues one job on commit, and merges a burst of writes into it", async () => {
    const o = await org();
    const a = await need(o);
    const b = await need(o);
    await updateNeedTitle(a, "第一次修改");
    await updateNeedTitle(b, "第二次修改");
    await sql.begin((tx) => enqueueSync(tx, "organization", [o]));
    const jobs = await pendingSyncJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0].key).toBe(SYNC_JOB_KEY);
    const work = parsePayload(await jobPayload(jobs[0].id));
    expect([...(work.get("need") ?? [])].sort()).toEqual([a, b].sort());
    expect([...(work.get("organization") ?? [])]).toEqual([o]);
  });

  it("refuses unknown entities and bad ids, and ignores an empty list", async () => {
    await sql.begin(async (tx) => {
      // @ts-expect-error: not an entity
      await expect(enqueueSync(tx, "event", [1])).rejects.toThrow("unknown entity");
      await expect(enqueueSync(tx, "need", [1.5])).rejects.toThrow("invalid id");
      await expect(enqueueSync(tx, "need", [-1])).rejects.toThrow("invalid id");
      await enqueueSync(tx, "need", []);
    });
    expect(await pendingSyncJobs()).toHaveLength(0);
  });
});

describe("the sync job", () => {
  it("puts a committed change into Meilisearch and completes", async () => {
    const o = await org();
    const id = await need(o, { title: "旧标题" });
    await updateNeedTitle(id, "新型钠离子电池储能系统");
    await runSyncOnce();
    expect(await needs().getDocument(id)).toMatchObject({ id, title: "新型钠离子电池储能系统" });
    expect(await pendingSyncJobs()).toHaveLength(0);
    const found = await needs().search("电池", { filter: `id = ${id}` }).catch(() => needs().search("钠离子电池"));
    expect(found.hits.map((h) => h.id)).toContain(id);
  });

  it("deletes the document of a deleted row", async () => {
    const o = await org();
    const id = await need(o);
    await sql.begin((tx) => enqueueSync(tx, "need", [id]));
    await runSyncOnce();
    expect(await needs().getDocument(id)).toMatchObject({ id });
    await deleteNeed(id);
    await runSyncOnce();
    await expect(needs().getDocument(id)).rejects.toThrow(/not found/i);
    expect(await pendingSyncJobs()).toHaveLength(0);
  });

  it("re-syncs the documents that show an organization's or an expert's name", async () => {
    const o = await org({ name: "旧名称公司" });
    const x = await expert(o, { name: "旧名字" });
    const n = await need(o);
    const r = await result(o, x);
    await sql.begin(async (tx) => {
      await enqueueSync(tx, "need", [n]);
      await enqueueSync(tx, "result", [r]);
    });
    await runSyncOnce();
    await sql.begin(async (tx) => {
      await tx`update organization set name = '新名称公司' where id = ${o}`;
      await tx`update expert set name = '新名字' where id = ${x}`;
      await enqueueSync(tx, "organization", [o]);
      await enqueueSync(tx, "expert", [x]);
    });
    await runSyncOnce();
    expect(await needs().getDocument(n)).toMatchObject({ org_name: "新名称公司" });
    expect(await results().getDocument(r)).toMatchObject({ org_name: "新名称公司", lead_name: "新名字" });
    expect(await getMeili().index(indexUid("organizations")).getDocument(o)).toMatchObject({ title: "新名称公司" });
  });

  it("revives a job that failed after a newer job took its key, so its ids are not dropped", async () => {
    const o = await org();
    const a = await need(o);
    const b = await need(o);
    await sql.begin((tx) => enqueueSync(tx, "need", [a]));
    const [first] = await pendingSyncJobs();
    // The worker has taken the job (as graphile-worker's get_job does) …
    await sql`update graphile_worker._private_jobs set locked_at = now(), locked_by = 'test', attempts = 1 where id = ${first.id}`;
    // … another write arrives: graphile-worker gives the key to a new job and ends the first's retries …
    await sql.begin((tx) => enqueueSync(tx, "need", [b]));
    const [taken] = await sql<{ key: string | null; attempts: number; max_attempts: number }[]>`
      select key, attempts, max_attempts from graphile_worker.jobs where id = ${first.id}
    `;
    expect(taken.key).toBeNull();
    expect(taken.attempts).toBe(taken.max_attempts);
    // … and the first job's run fails (as graphile-worker's fail_job records it).
    await sql`
      update graphile_worker._private_jobs set locked_at = null, locked_by = null,
        last_error = 'search unavailable: test', run_at = now() + interval '3 seconds'
      where id = ${first.id}
    `;
    expect((await searchStatus()).queue.failed).toBe(1);

    await runSyncOnce(); // runs the newer job (b) only
    await expect(needs().getDocument(a)).rejects.toThrow(/not found/i);
    expect(await rescueRetries({ healthy: true })).toBe(1);
    await runSyncOnce();
    expect(await needs().getDocument(a)).toMatchObject({ id: a });
    expect(await needs().getDocument(b)).toMatchObject({ id: b });
    expect((await searchStatus()).queue).toMatchObject({ pending: 0, failed: 0 });
  });

  it("fails (and so is retried) when it cannot apply a change", async () => {
    const o = await org();
    const a = await need(o);
    await sql.begin((tx) => enqueueSync(tx, "need", [a]));
    const saved = process.env.MEILI_URL;
    process.env.MEILI_URL = "http://127.0.0.1:1";
    try {
      await expect(syncTask([{ e: "need", ids: [a] }], {} as never)).rejects.toThrow(/search unavailable/);
    } finally {
      process.env.MEILI_URL = saved;
    }
  });
});
