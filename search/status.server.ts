/**
 * How far Meilisearch is behind PostgreSQL, for the admin page: per index its document count
 * beside the number of rows that should be indexed (every row: drafts too, visibility is
 * filtered at query time), and the sync queue's lag.
 */
import { sql } from "../db/client.server";
import { getMeili, indexUid } from "./client.server";
import { searchHealth, type SearchHealth } from "./health.server";
import { ENTITY_INDEX, SEARCH_ENTITIES, SEARCH_SCHEMA_VERSION, type SearchEntity } from "./indexes";
import { ACTIVE_RUN_WINDOW, SYNC_TASK } from "./sync.server";

export type SearchIndexStatus = {
  entity: SearchEntity;
  uid: string;
  /** rows in PostgreSQL (all of them are indexed) */
  postgresCount: number;
  /** documents in Meilisearch; null when it cannot be asked (down, index missing) */
  meiliCount: number | null;
  /** Meilisearch is applying changes to this index right now */
  isIndexing: boolean | null;
  /** schema version the documents were last fully rebuilt with (null: never) */
  documentsVersion: number | null;
  /** counts equal and the documents have the current schema version */
  inSync: boolean;
};

export type SearchQueueStatus = {
  /** sync jobs waiting to run or to be retried (a burst of writes merges into one job) */
  pending: number;
  /** of those, jobs whose last attempt failed */
  retrying: number;
  /** seconds since the oldest pending job was queued (null: queue empty) */
  oldestPendingSeconds: number | null;
  /** jobs that gave up (they keep their ids; `npm run qiao -- reindex` repairs the index) */
  failed: number;
  /** the most recent failure message, if any job has one */
  lastError: string | null;
  /** when the next retry is due (ISO time), if a job is waiting for one */
  nextRetryAt: string | null;
};

export type SearchReindexRun = { entity: SearchEntity; startedAt: string; heartbeatAt: string };

export type SearchStatus = {
  checkedAt: string;
  health: SearchHealth;
  schemaVersion: number;
  indexes: SearchIndexStatus[];
  queue: SearchQueueStatus;
  /** full reindexes running now */
  reindexing: SearchReindexRun[];
};

/** Never throws for Meilisearch being down: the page that shows it must render then too. */
export async function searchStatus(): Promise<SearchStatus> {
  const health = await searchHealth();
  const meta = new Map(
    (await sql<{ uid: string; documents_version: number | null }[]>`select uid, documents_version from search_index_meta`).map(
      (r) => [r.uid, r.documents_version],
    ),
  );
  const [counts] = await sql<Record<SearchEntity, number>[]>`
    select (select count(*) from need)::int as need, (select count(*) from result)::int as result,
      (select count(*) from expert)::int as expert, (select count(*) from organization)::int as organization
  `;

  const indexes: SearchIndexStatus[] = [];
  for (const entity of SEARCH_ENTITIES) {
    const uid = indexUid(ENTITY_INDEX[entity]);
    let meiliCount: number | null = null;
    let isIndexing: boolean | null = null;
    if (health.ok) {
      try {
        const stats = await getMeili().index(uid).getStats();
        meiliCount = stats.numberOfDocuments;
        isIndexing = stats.isIndexing;
      } catch {
        // index missing or Meilisearch gone since the health check: unknown
      }
    }
    const documentsVersion = meta.get(uid) ?? null;
    indexes.push({
      entity,
      uid,
      postgresCount: counts[entity],
      meiliCount,
      isIndexing,
      documentsVersion,
      inSync: meiliCount === counts[entity] && documentsVersion === SEARCH_SCHEMA_VERSION,
    });
  }

  const [q] = await sql<
    {
      pending: number;
      retrying: number;
      failed: number;
      oldest_seconds: number | null;
      last_error: string | null;
      next_retry_at: Date | null;
    }[]
  >`
    select
      -- a running job counts as pending even when graphile-worker has given its key (and
      -- retries) to a newer job: it finishes or hands its ids over (search/sync.server.ts)
      count(*) filter (where attempts < max_attempts or locked_at is not null)::int as pending,
      count(*) filter (where attempts < max_attempts and last_error is not null)::int as retrying,
      count(*) filter (where attempts >= max_attempts and locked_at is null)::int as failed,
      extract(epoch from now() - min(created_at) filter (where attempts < max_attempts or locked_at is not null))::float8
        as oldest_seconds,
      (array_agg(last_error order by updated_at desc) filter (where last_error is not null))[1] as last_error,
      min(run_at) filter (where attempts < max_attempts and last_error is not null and locked_at is null) as next_retry_at
    from graphile_worker.jobs
    where task_identifier = ${SYNC_TASK}
  `;

  const runs = await sql<{ entity: SearchEntity; started_at: Date; heartbeat_at: Date }[]>`
    select entity, started_at, heartbeat_at from search_reindex_run
    where finished_at is null and heartbeat_at > now() - ${ACTIVE_RUN_WINDOW}::interval
    order by started_at
  `;

  return {
    checkedAt: new Date().toISOString(),
    health,
    schemaVersion: SEARCH_SCHEMA_VERSION,
    indexes,
    queue: {
      pending: q.pending,
      retrying: q.retrying,
      failed: q.failed,
      oldestPendingSeconds: q.oldest_seconds,
      lastError: q.last_error,
      nextRetryAt: q.next_retry_at ? q.next_retry_at.toISOString() : null,
    },
    reindexing: runs.map((r) => ({ entity: r.entity, startedAt: r.started_at.toISOString(), heartbeatAt: r.heartbeat_at.toISOString() })),
  };
}
