/**
 * Keeping Meilisearch in step with PostgreSQL (docs/decisions/010-search-sync.md).
 *
 * Writers call enqueueSync(tx, entity, ids) inside their transaction: the graphile-worker job
 * commits or rolls back with the change. The one worker (search/worker.server.ts) runs
 * syncTask: it reloads the rows by id, upserts their documents or deletes the ones whose row is
 * gone, waits until Meilisearch has applied the change, and only then lets the job complete.
 */
import { MeilisearchApiError, MeilisearchRequestError, MeilisearchRequestTimeOutError, MeilisearchTaskTimeOutError, type EnqueuedTask, type Meilisearch, type Task as MeiliTask } from "meilisearch";
import type postgres from "postgres";
import type { Task } from "graphile-worker";
import { sql } from "../db/client.server";
import { getMeili, indexUid } from "./client.server";
import { loadDocuments } from "./documents.server";
import { ENTITY_INDEX, INDEXES, SEARCH_ENTITIES, isSearchEntity, type SearchEntity } from "./indexes";
import { ensureIndexes } from "./setup.server";

type Tx = postgres.TransactionSql<{ bigint: number }>;

/** graphile-worker task identifier of the sync job. */
export const SYNC_TASK = "search_sync";
/**
 * All sync jobs share one job key: while the job waits, later enqueueSync calls merge their ids
 * into its payload (graphile-worker concatenates array payloads under a key), so a burst of
 * writes becomes one Meilisearch update per index. One key, not one per entity: two
 * transactions enqueueing entities in different orders must not deadlock on job rows.
 */
export const SYNC_JOB_KEY = "search_sync";
/** A named queue runs its jobs one at a time even across processes: the one writer. */
export const SYNC_QUEUE = "search";
/**
 * Failures are retried, never dropped: an outage can last; the worker's watcher brings the
 * retries forward when Meilisearch is healthy again (search/worker.server.ts).
 */
export const SYNC_MAX_ATTEMPTS = 10_000;
/** A reindex run whose heartbeat is older than this crashed (search_reindex_run). */
export const ACTIVE_RUN_WINDOW = "10 minutes";
/** Ids per Meilisearch request while syncing. */
const CHUNK = 5000;

export type SyncItem = { e: SearchEntity; ids: number[] };

function cleanIds(ids: readonly number[]): number[] {
  const out = new Set<number>();
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id <= 0) throw new TypeError(`enqueueSync: invalid id ${String(id)}`);
    out.add(id);
  }
  return [...out];
}

/**
 * Queues the rows' search documents for (re)building, as part of the caller's transaction: the
 * job exists if and only if the change commits. Call it once per entity touched, with every id
 * that was inserted, updated or deleted, preferably as the transaction's last statement (the
 * shared job row stays locked until commit, so other writers queue behind it for that long).
 *
 * Dependent documents follow by themselves: an organization's needs, results and experts carry
 * its name, a result carries its lead expert's name; the worker re-syncs them.
 */
export async function enqueueSync(tx: Tx, entity: SearchEntity, ids: readonly number[]): Promise<void> {
  if (!isSearchEntity(entity)) throw new TypeError(`enqueueSync: unknown entity ${String(entity)}`);
  const clean = cleanIds(ids);
  if (clean.length === 0) return;
  await addSyncJob(tx, [{ e: entity, ids: clean }]);
}

/** Adds (or merges into) the sync job; `db` decides the transaction it belongs to. */
export async function addSyncJob(db: Tx | typeof sql, items: readonly SyncItem[]): Promise<void> {
  if (items.length === 0) return;
  await db`
    select 1 from graphile_worker.add_job(
      ${SYNC_TASK},
      payload => ${db.json(items.map((i) => ({ e: i.e, ids: i.ids })))}::json,
      queue_name => ${SYNC_QUEUE},
      job_key => ${SYNC_JOB_KEY},
      max_attempts => ${SYNC_MAX_ATTEMPTS}
    )
  `;
}

/** Re-queues ids outside any caller transaction (reindex catch-up, repairs). */
export async function requeue(entity: SearchEntity, ids: readonly number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 50_000) {
    await addSyncJob(sql, [{ e: entity, ids: cleanIds(ids.slice(i, i + 50_000)) }]);
  }
}

/** The job payload: an array of {e, ids} (merged payloads concatenate), grouped and de-duplicated. */
export function parsePayload(payload: unknown): Map<SearchEntity, Set<number>> {
  const byEntity = new Map<SearchEntity, Set<number>>();
  const items = Array.isArray(payload) ? payload : [payload];
  for (const item of items) {
    if (!item || typeof item !== "object" || !("e" in item) || !("ids" in item)) continue;
    const { e, ids } = item;
    if (!isSearchEntity(e) || !Array.isArray(ids)) continue;
    let set = byEntity.get(e);
    if (!set) byEntity.set(e, (set = new Set()));
    for (const id of ids) if (Number.isSafeInteger(id) && id > 0) set.add(id);
  }
  return byEntity;
}

// ---- the indexes must exist, with their settings, before any document reaches them ----

declare global {
  var __qiaoSearchPrepared: string | undefined;
}

async function indexMissing(client: Meilisearch, uid: string) {
  try {
    await client.getRawIndex(uid);
    return false;
  } catch (error) {
    if (error instanceof MeilisearchApiError && error.cause?.code === "index_not_found") return true;
    throw error;
  }
}

/**
 * Creates missing indexes (settings first) once per process and Meilisearch. An index that had
 * to be re-created lost its documents: its documents_version is cleared so the next repair
 * (worker watcher, start) rebuilds it in full. Returns the uids that were missing.
 */
export async function prepareIndexes(client = getMeili()): Promise<string[]> {
  const key = `${process.env.MEILI_URL}|${process.env.MEILI_INDEX_PREFIX ?? ""}`;
  if (globalThis.__qiaoSearchPrepared === key) return [];
  const missing: string[] = [];
  for (const def of INDEXES) if (await indexMissing(client, indexUid(def.base))) missing.push(indexUid(def.base));
  await ensureIndexes({ client });
  if (missing.length) await sql`update search_index_meta set documents_version = null where uid = any(${missing})`;
  globalThis.__qiaoSearchPrepared = key;
  return missing;
}

/** Forget that the indexes were checked (after a failure: Meilisearch may have lost them). */
export function forgetPreparedIndexes() {
  globalThis.__qiaoSearchPrepared = undefined;
}

// ---- the sync itself ----

/** Meilisearch unreachable, timing out or answering 5xx: worth retrying when it is back. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof MeilisearchRequestError || error instanceof MeilisearchRequestTimeOutError) return true;
  if (error instanceof MeilisearchTaskTimeOutError) return true;
  if (error instanceof MeilisearchApiError) return error.response.status >= 500 || error.response.status === 429;
  return false;
}

export class SyncError extends Error {
  override name = "SyncError";
}

/** Expands organization and expert ids to the documents that show their names. */
async function withDependents(work: Map<SearchEntity, Set<number>>) {
  const add = (e: SearchEntity, ids: number[]) => {
    let set = work.get(e);
    if (!set) work.set(e, (set = new Set()));
    for (const id of ids) set.add(id);
  };
  const orgs = [...(work.get("organization") ?? [])];
  if (orgs.length) {
    const deps = await sql<{ e: SearchEntity; id: number }[]>`
      select 'need' as e, id from need where org_id = any(${orgs}::bigint[])
      union all select 'result', id from result where org_id = any(${orgs}::bigint[])
      union all select 'expert', id from expert where org_id = any(${orgs}::bigint[])
    `;
    for (const e of ["need", "result", "expert"] as const) add(e, deps.filter((d) => d.e === e).map((d) => d.id));
  }
  const experts = [...(work.get("expert") ?? [])];
  if (experts.length) {
    const deps = await sql<{ id: number }[]>`select id from result where lead_expert_id = any(${experts}::bigint[])`;
    add("result", deps.map((d) => d.id));
  }
}

/**
 * Polls a Meilisearch task until it is finished. Not the client's waitForTask: that one adds an
 * abort listener to one signal per poll, which trips Node's listener-leak warning on long waits.
 */
export async function waitTask(client: Meilisearch, taskUid: number, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<MeiliTask> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    const task = await client.tasks.getTask(taskUid);
    if (task.status !== "enqueued" && task.status !== "processing") return task;
    if (Date.now() > deadline) throw new MeilisearchTaskTimeOutError(taskUid, opts.timeoutMs ?? 120_000);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20));
  }
}

/** Waits for an enqueued Meilisearch task and throws unless it succeeded. */
export async function waitSucceeded(
  client: Meilisearch,
  enqueued: Pick<EnqueuedTask, "taskUid">,
  what: string,
  opts?: { timeoutMs?: number; intervalMs?: number },
): Promise<void> {
  const task = await waitTask(client, enqueued.taskUid, opts);
  if (task.status !== "succeeded") {
    throw new SyncError(`Meilisearch ${what} task ${task.uid} ${task.status}: ${task.error?.message ?? "no error message"}`);
  }
}

export type SyncResult = Partial<Record<SearchEntity, { upserted: number; deleted: number }>>;

/**
 * Brings the documents of these rows in line with PostgreSQL: upserts the rows that exist,
 * deletes the documents of rows that do not, and resolves once Meilisearch has applied both.
 * Throws on any failure; running it again is harmless (the operations are idempotent).
 */
export async function syncDocuments(work: Map<SearchEntity, Set<number>>, client = getMeili()): Promise<SyncResult> {
  await prepareIndexes(client);
  await withDependents(work);
  const result: SyncResult = {};
  for (const entity of SEARCH_ENTITIES) {
    const ids = [...(work.get(entity) ?? [])].sort((a, b) => a - b);
    if (!ids.length) continue;
    const uid = indexUid(ENTITY_INDEX[entity]);
    const stats = { upserted: 0, deleted: 0 };
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      // A full reindex of this index may be running: tell it which ids it must re-check after
      // its swap (search/reindex.server.ts). Recorded before the rows are read.
      await sql`
        insert into search_reindex_touched (run_id, entity_id)
        select r.id, x from search_reindex_run r, unnest(${chunk}::bigint[]) as x
        where r.entity = ${entity} and r.finished_at is null and r.heartbeat_at > now() - ${ACTIVE_RUN_WINDOW}::interval
        on conflict do nothing
      `;
      const docs = await loadDocuments(entity, chunk);
      const present = new Set(docs.map((d) => d.id));
      const gone = chunk.filter((id) => !present.has(id));
      const index = client.index(uid);
      // Both enqueued before either is awaited: Meilisearch applies them in order.
      const upsert = docs.length ? await index.addDocuments(docs, { primaryKey: "id" }) : undefined;
      const removal = gone.length ? await index.deleteDocuments(gone) : undefined;
      if (upsert) await waitSucceeded(client, upsert, `upsert into ${uid}`);
      if (removal) await waitSucceeded(client, removal, `delete from ${uid}`);
      stats.upserted += docs.length;
      stats.deleted += gone.length;
    }
    result[entity] = stats;
  }
  return result;
}

/**
 * The graphile-worker task. Completes only after Meilisearch confirmed the change; throws
 * otherwise, so graphile-worker retries the job with the ids it had.
 *
 * One sharp edge of job keys: when enqueueSync runs while this job is running, graphile-worker
 * gives the key to a new job and marks this one as out of retries. If this run then fails, the
 * job ends "permanently failed" with its ids; the worker's watcher revives such jobs
 * (search/worker.server.ts rescueRetries), so nothing is dropped.
 */
export const syncTask: Task = async (payload) => {
  const work = parsePayload(payload);
  try {
    await syncDocuments(work);
  } catch (error) {
    forgetPreparedIndexes();
    let reason = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.cause instanceof MeilisearchRequestTimeOutError) reason += ` (${error.cause.message})`;
    throw new SyncError(`${isUnavailable(error) ? "search unavailable" : "sync failed"}: ${reason}`, { cause: error });
  }
};
