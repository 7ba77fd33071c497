/**
 * Full reindex with an index swap (docs/decisions/010-search-sync.md): for each index build
 * `<uid>_new` (settings first), fill it from PostgreSQL through a cursor, swap it with the live
 * index in one Meilisearch task, delete the old one. Search keeps answering from the live index
 * until the swap, so there is no moment without hits.
 *
 * Changes committed during the rebuild: the sync worker keeps updating the live index, and
 * while a run is active it records every id it pushes (search_reindex_touched). After the swap
 * those ids are queued again, so they reach the new index even if the rebuild read their rows
 * before the change. Deletes are covered the same way.
 */
import type { Meilisearch } from "meilisearch";
import { MeilisearchApiError } from "meilisearch";
import { sql } from "../db/client.server";
import { getMeili, indexUid } from "./client.server";
import { ENTITY_TABLE, streamDocuments, type SearchDocument } from "./documents.server";
import { ENTITY_INDEX, indexDefinition, SEARCH_ENTITIES, SEARCH_SCHEMA_VERSION, type SearchEntity } from "./indexes";
import { prepareIndexes, requeue, SyncError, waitSucceeded } from "./sync.server";

export type ReindexProgress = {
  entity: SearchEntity;
  uid: string;
  phase: "building" | "waiting" | "swapped";
  /** documents sent so far */
  sent: number;
  /** rows in PostgreSQL when the run started */
  total: number;
  elapsedMs: number;
};

export type ReindexResult = {
  entity: SearchEntity;
  uid: string;
  documents: number;
  seconds: number;
  docsPerSecond: number;
  /** ids changed during the rebuild and queued again after the swap */
  requeued: number;
};

export type ReindexOptions = {
  only?: readonly SearchEntity[];
  /** rows per cursor batch and per Meilisearch request (default 5,000) */
  batchSize?: number;
  /** document additions Meilisearch may hold in its queue before we wait (default 8) */
  maxInFlight?: number;
  /** request body format (default NDJSON; bench:index compares) */
  format?: "ndjson" | "json";
  onProgress?: (p: ReindexProgress) => void;
  signal?: AbortSignal;
  client?: Meilisearch;
  /** test hook: runs after the new index is filled, before the swap */
  beforeSwap?: (entity: SearchEntity) => Promise<void>;
};

export class ReindexBusyError extends Error {
  override name = "ReindexBusyError";
}

/** Filling a big index can take many minutes; poll gently. */
const FILL_WAIT = { timeoutMs: 60 * 60_000, intervalMs: 50 };

function toNdjson(docs: readonly SearchDocument[]) {
  let out = "";
  for (const d of docs) out += `${JSON.stringify(d)}\n`;
  return out;
}

async function deleteIfExists(client: Meilisearch, uid: string) {
  try {
    await client.getRawIndex(uid);
  } catch (error) {
    if (error instanceof MeilisearchApiError && error.cause?.code === "index_not_found") return;
    throw error;
  }
  await waitSucceeded(client, await client.deleteIndex(uid), `delete index ${uid}`);
}

/** Rebuilds every index (or `only` those) in turn. */
export async function reindex(opts: ReindexOptions = {}): Promise<ReindexResult[]> {
  const client = opts.client ?? getMeili();
  // The live indexes must exist (with current settings) to be swapped with.
  await prepareIndexes(client);
  const results: ReindexResult[] = [];
  for (const entity of opts.only ?? SEARCH_ENTITIES) results.push(await reindexEntity(entity, { ...opts, client }));
  return results;
}

export async function reindexEntity(entity: SearchEntity, opts: ReindexOptions = {}): Promise<ReindexResult> {
  const client = opts.client ?? getMeili();
  const def = indexDefinition(entity);
  const uid = indexUid(def.base);
  const newUid = `${uid}_new`;
  const table = ENTITY_TABLE[entity];
  const batchSize = opts.batchSize ?? 5000;
  const maxInFlight = Math.max(1, opts.maxInFlight ?? 8);
  const started = performance.now();

  // One reindex per index at a time, across processes (the lock dies with the connection).
  const lockConn = await sql.reserve();
  let runId: number | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  try {
    const [{ locked }] = await lockConn<{ locked: boolean }[]>`
      select pg_try_advisory_lock(hashtextextended(${`qiao:reindex:${uid}`}, 0)) as locked
    `;
    if (!locked) throw new ReindexBusyError(`a reindex of ${uid} is already running`);

    // Active from here on: the sync worker records the ids it pushes. Must precede the cursor.
    [{ id: runId }] = await sql<{ id: number }[]>`insert into search_reindex_run (entity) values (${entity}) returning id`;
    heartbeat = setInterval(() => {
      void sql`update search_reindex_run set heartbeat_at = now() where id = ${runId ?? 0}`.catch(() => {});
    }, 30_000).unref();
    const [{ total }] = await sql<{ total: number }[]>`select count(*)::int as total from ${sql(table)}`;

    // 1. A fresh `<uid>_new` with the settings in code, before any document.
    await deleteIfExists(client, newUid);
    await waitSucceeded(client, await client.createIndex(newUid, { primaryKey: def.primaryKey }), `create ${newUid}`);
    await waitSucceeded(client, await client.index(newUid).updateSettings(def.settings), `settings of ${newUid}`);

    // 2. Fill it: batches go out while Meilisearch indexes the previous ones.
    const index = client.index(newUid);
    const inFlight: number[] = [];
    let sent = 0;
    const report = (phase: ReindexProgress["phase"]) =>
      opts.onProgress?.({ entity, uid, phase, sent, total, elapsedMs: performance.now() - started });
    for await (const docs of streamDocuments(entity, batchSize)) {
      opts.signal?.throwIfAborted();
      const task =
        opts.format === "json"
          ? await index.addDocuments(docs, { primaryKey: def.primaryKey })
          : await index.addDocumentsFromString(toNdjson(docs), "application/x-ndjson", { primaryKey: def.primaryKey });
      inFlight.push(task.taskUid);
      sent += docs.length;
      while (inFlight.length >= maxInFlight) await waitSucceeded(client, { taskUid: inFlight.shift() ?? 0 }, `fill ${newUid}`, FILL_WAIT);
      report("building");
    }
    report("waiting");
    for (const taskUid of inFlight) {
      opts.signal?.throwIfAborted();
      await waitSucceeded(client, { taskUid }, `fill ${newUid}`, FILL_WAIT);
    }
    const stats = await index.getStats();
    if (stats.numberOfDocuments !== sent) {
      throw new SyncError(`${newUid} holds ${stats.numberOfDocuments} documents, ${sent} were sent`);
    }

    await opts.beforeSwap?.(entity);
    opts.signal?.throwIfAborted();

    // 3. Swap (atomic in Meilisearch), then drop the old documents, now under `<uid>_new`.
    await waitSucceeded(client, await client.swapIndexes([{ indexes: [uid, newUid], rename: false }]), `swap ${uid}`);
    await sql.begin(async (tx) => {
      await tx`
        update search_reindex_run set finished_at = now(), outcome = 'swapped', documents = ${sent}
        where id = ${runId ?? 0}
      `;
      await tx`update search_index_meta set documents_version = ${SEARCH_SCHEMA_VERSION}, updated_at = now() where uid = ${uid}`;
    });
    report("swapped");
    await waitSucceeded(client, await client.deleteIndex(newUid), `delete the old ${uid}`);

    // 4. Catch up: what the worker pushed during the rebuild goes through the worker again.
    const touched = await sql<{ entity_id: number }[]>`
      delete from search_reindex_touched where run_id = ${runId ?? 0} returning entity_id
    `;
    await requeue(entity, touched.map((t) => t.entity_id));

    const seconds = (performance.now() - started) / 1000;
    return { entity, uid, documents: sent, seconds, docsPerSecond: sent / seconds, requeued: touched.length };
  } catch (error) {
    if (runId !== undefined) {
      await sql`
        update search_reindex_run set finished_at = now(), outcome = 'failed', error = ${String(error).slice(0, 2000)}
        where id = ${runId} and finished_at is null
      `.catch(() => {});
      await sql`delete from search_reindex_touched where run_id = ${runId}`.catch(() => {});
      // Leave no half-built index behind (the live one was never touched).
      await deleteIfExists(client, newUid).catch(() => {});
    }
    throw error;
  } finally {
    clearInterval(heartbeat);
    await lockConn`select pg_advisory_unlock_all()`.catch(() => {});
    lockConn.release();
  }
}

export type RebuildReason = "schema-version" | "empty-index";

/** Indexes whose documents must be rebuilt: built for another schema version, or empty while PostgreSQL has rows. */
export async function rebuildPlan(client = getMeili()): Promise<Array<{ entity: SearchEntity; reason: RebuildReason; rows: number }>> {
  await prepareIndexes(client);
  const meta = new Map(
    (await sql<{ uid: string; documents_version: number | null }[]>`select uid, documents_version from search_index_meta`).map(
      (r) => [r.uid, r.documents_version],
    ),
  );
  const plan: Array<{ entity: SearchEntity; reason: RebuildReason; rows: number }> = [];
  for (const entity of SEARCH_ENTITIES) {
    const uid = indexUid(ENTITY_INDEX[entity]);
    const [{ rows }] = await sql<{ rows: number }[]>`select count(*)::int as rows from ${sql(ENTITY_TABLE[entity])}`;
    if (meta.get(uid) !== SEARCH_SCHEMA_VERSION) {
      plan.push({ entity, reason: "schema-version", rows });
      continue;
    }
    const stats = await client.index(uid).getStats();
    if (stats.numberOfDocuments === 0 && rows > 0) plan.push({ entity, reason: "empty-index", rows });
  }
  return plan;
}

/**
 * Rebuilds the indexes that need it (rebuildPlan). With maxRows, indexes with more rows are
 * left for later (`deferred`): the start script rebuilds small ones before it serves pages and
 * lets the worker do big ones in the background, on the live index meanwhile.
 */
export async function ensureSearchDocuments(
  opts: { maxRows?: number; signal?: AbortSignal; log?: (line: string) => void; client?: Meilisearch } = {},
): Promise<{ rebuilt: SearchEntity[]; deferred: SearchEntity[] }> {
  const plan = await rebuildPlan(opts.client);
  const rebuilt: SearchEntity[] = [];
  const deferred: SearchEntity[] = [];
  for (const item of plan) {
    if (opts.maxRows !== undefined && item.rows > opts.maxRows) {
      deferred.push(item.entity);
      continue;
    }
    opts.log?.(`• Rebuilding search index ${ENTITY_INDEX[item.entity]} (${item.reason}, ${item.rows} rows)…`);
    try {
      await reindexEntity(item.entity, { signal: opts.signal, client: opts.client });
    } catch (error) {
      // Someone else (CLI, the worker's repair) is on it already.
      if (error instanceof ReindexBusyError) continue;
      throw error;
    }
    rebuilt.push(item.entity);
  }
  return { rebuilt, deferred };
}
