/**
 * Cached suggestions for open needs (db/migrations/0040_match.sql) and how they stay fresh
 * (docs/decisions/020-matching.md).
 *
 * Pages and the JSON API compute suggestions on demand: always current, filtered for the
 * viewer. The cache holds, per open need, its top suggestions as staff see the catalog, and a
 * verdict (strong / possible / none) — what the organizers' overview and the "new strong
 * suggestions" inbox read, where computing every open need on each visit would be too slow.
 *
 * Freshness without recomputing everything: the search sync job (search/sync.server.ts), once
 * Meilisearch has a changed row, queues a `match_refresh` job with the same ids
 * (withMatchRefresh below). The job then
 *   - for a changed need: recomputes that need's suggestions;
 *   - for a changed result or expert: runs a REVERSE candidate query — its key terms against the
 *     needs index — and re-scores only the pair (that need, this result) for the needs found and
 *     for the needs that already list it, inserting, updating or dropping that one row;
 *   - for a bulk change (more results than half the open needs): recomputes every open need.
 * A job works for at most WORK_BUDGET_MS and queues the rest, so it never holds up search sync
 * (both run on the one worker).
 */
import type { Task } from "graphile-worker";
import type postgres from "postgres";
import { sql } from "../../db/client.server";
import { loadDocuments, type SearchViewer } from "../documents.server";
import { parsePayload } from "../sync.server";
import { fetchCandidates, queryTerms, toMatchDoc } from "./candidates.server";
import { matchesForNeed, scorePairs, type Suggestion } from "./engine.server";
import { profile, relevance, type MatchDoc } from "./features";
import { corpusStats } from "./stats.server";
import { CANDIDATES, THRESHOLDS, WEIGHTS } from "./weights";

/** Suggestions kept per need. */
export const CACHE_TOP_K = 20;
export const MATCH_REFRESH_TASK = "match_refresh";
export const MATCH_REFRESH_KEY = "match_refresh";
/** Its own named queue: refresh jobs run one at a time. */
export const MATCH_QUEUE = "match";
/** Work per job before the rest is queued again. */
const WORK_BUDGET_MS = 3000;
/** A burst of changes within this delay becomes one job. */
const DEBOUNCE_SECONDS = 3;

const STAFF: SearchViewer = { role: "organizer", orgIds: [] };

type Tx = postgres.TransactionSql<{ bigint: number }>;

// ---------------------------------------------------------------- writing the cache

type Row = { result_id: number | null; expert_id: number | null; score: number; label: string; reasons: unknown };

function rowOf(s: Suggestion): Row {
  return {
    result_id: s.kind === "result" ? s.id : null,
    expert_id: s.kind === "expert" ? s.id : null,
    score: s.score,
    label: s.label ?? "weak",
    reasons: s.reasons,
  };
}

async function upsertRows(tx: Tx, needId: number, rows: readonly Row[]) {
  await upsertMany(tx, rows.map((r) => ({ ...r, need_id: needId })));
}

/** Inserts or updates suggestion rows in one statement (first_seen_at survives an update). */
async function upsertMany(tx: Tx, rows: ReadonlyArray<Row & { need_id: number }>) {
  if (!rows.length) return;
  await tx`
    insert into match_suggestion (need_id, result_id, expert_id, score, label, reasons)
    select * from unnest(
      ${rows.map((r) => r.need_id)}::bigint[], ${rows.map((r) => r.result_id)}::bigint[], ${rows.map((r) => r.expert_id)}::bigint[],
      ${rows.map((r) => r.score)}::real[], ${rows.map((r) => r.label)}::text[], ${rows.map((r) => JSON.stringify(r.reasons))}::text[]::jsonb[]
    )
    on conflict (need_id, result_id, expert_id) do update
      set score = excluded.score, label = excluded.label, reasons = excluded.reasons, computed_at = now()
  `;
}

const NOTHING_FITS = {
  code: "nothing_fits",
  params: {},
  text_zh: "没有合适的匹配。建议请专家诊断或组织高校走访。",
  text_en: "Nothing fits well. Consider an expert diagnosis or a university visit.",
};

/** Keeps each need's best CACHE_TOP_K rows and rewrites its summary from them, for many needs at once. */
async function settleMany(tx: Tx, needIds: readonly number[], noneReason?: unknown) {
  if (!needIds.length) return;
  const ids = [...new Set(needIds)];
  await tx`
    delete from match_suggestion s using (
      select id, row_number() over (partition by need_id order by score desc, id) as rank
      from match_suggestion where need_id = any(${ids}::bigint[])
    ) r
    where s.id = r.id and r.rank > ${CACHE_TOP_K}
  `;
  await tx`
    insert into match_need_summary (need_id, verdict, best_score, suggestions, none_reason, computed_at)
    select n.id,
      case when bool_or(s.label = 'strong') then 'strong' when bool_or(s.label = 'possible') then 'possible' else 'none' end,
      max(s.score), count(s.id)::int,
      case when bool_or(s.label in ('strong', 'possible')) then null else ${JSON.stringify(noneReason ?? NOTHING_FITS)}::text::jsonb end,
      now()
    from unnest(${ids}::bigint[]) as n(id)
    left join match_suggestion s on s.need_id = n.id
    group by n.id
    on conflict (need_id) do update set verdict = excluded.verdict, best_score = excluded.best_score,
      suggestions = excluded.suggestions, none_reason = excluded.none_reason, computed_at = now()
  `;
}

async function settle(tx: Tx, needId: number, noneReason?: unknown) {
  await settleMany(tx, [needId], noneReason);
}

async function isOpen(needId: number): Promise<boolean> {
  const [row] = await sql<{ open: boolean }[]>`select status = 'published' as open from need where id = ${needId}`;
  return row?.open ?? false;
}

async function forget(needId: number) {
  await sql.begin(async (tx) => {
    await tx`delete from match_suggestion where need_id = ${needId}`;
    await tx`delete from match_need_summary where need_id = ${needId}`;
  });
}

/** Recomputes one need's cached suggestions (or drops them if it is no longer open). */
export async function refreshNeed(needId: number): Promise<"refreshed" | "forgotten"> {
  if (!(await isOpen(needId))) {
    await forget(needId);
    return "forgotten";
  }
  const m = await matchesForNeed(needId, STAFF, { limit: CACHE_TOP_K });
  const rows = m.items.filter((i) => i.label !== null).map(rowOf);
  await sql.begin(async (tx) => {
    const keep = rows.map((r) => `${r.result_id ?? ""}:${r.expert_id ?? ""}`);
    await tx`
      delete from match_suggestion where need_id = ${needId}
        and not (coalesce(result_id::text, '') || ':' || coalesce(expert_id::text, '') = any(${keep}::text[]))
    `;
    await upsertRows(tx, needId, rows);
    await settle(tx, needId, m.none_reason);
  });
  return "refreshed";
}

/** Open needs in id order after `after`, `limit` at a time. */
async function openNeedIds(after: number, limit: number): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`select id from need where status = 'published' and id > ${after} order by id limit ${limit}`;
  return rows.map((r) => r.id);
}

export type RefreshAllResult = { needs: number; seconds: number; strong: number; possible: number; none: number };

/** Recomputes every open need (CLI `match refresh`, bench:match, bulk changes). */
export async function refreshAllOpenNeeds(opts: { concurrency?: number; onProgress?: (done: number) => void } = {}): Promise<RefreshAllResult> {
  const started = performance.now();
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  let after = 0;
  let done = 0;
  for (;;) {
    const ids = await openNeedIds(after, 200);
    if (!ids.length) break;
    after = ids[ids.length - 1];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < ids.length) {
          const id = ids[next++];
          await refreshNeed(id);
          done++;
          opts.onProgress?.(done);
        }
      }),
    );
  }
  // needs that closed since their last refresh
  await sql`delete from match_suggestion s using need n where n.id = s.need_id and n.status <> 'published'`;
  await sql`delete from match_need_summary s using need n where n.id = s.need_id and n.status <> 'published'`;
  const [v] = await sql<{ strong: number; possible: number; none: number }[]>`
    select count(*) filter (where verdict = 'strong')::int as strong, count(*) filter (where verdict = 'possible')::int as possible,
      count(*) filter (where verdict = 'none')::int as none
    from match_need_summary
  `;
  return { needs: done, seconds: (performance.now() - started) / 1000, ...v };
}

/**
 * A result or expert changed: re-score only the pairs it forms with the open needs its reverse
 * query finds and with the needs that list it already. Returns the needs touched.
 */
export async function refreshForOther(kind: "result" | "expert", id: number): Promise<number[]> {
  const col = kind === "result" ? "result_id" : "expert_id";
  const listed = (await sql<{ need_id: number }[]>`select need_id from match_suggestion where ${sql(col)} = ${id}`).map((r) => r.need_id);
  const [raw] = await loadDocuments(kind, [id]);
  const doc: MatchDoc | null = raw ? toMatchDoc(raw, kind) : null;
  if (!doc || doc.status !== "published") {
    // gone or no longer open: drop its rows, the needs' verdicts may change
    if (listed.length) {
      await sql.begin(async (tx) => {
        await tx`delete from match_suggestion where ${sql(col)} = ${id}`;
        await settleMany(tx, listed);
      });
    }
    return listed;
  }
  const { idf } = await corpusStats();
  const subject = profile(doc, idf);
  const found = await fetchCandidates([{ kind: "need", terms: queryTerms(subject), perQuery: CANDIDATES.perQuery }], STAFF);
  const needIds = [...new Set([...found.need.map((n) => n.id), ...listed])];
  const needDocs = (await loadDocuments("need", needIds)).map((d) => toMatchDoc(d, "need")).filter((d): d is MatchDoc => d !== null && d.status === "published");
  // Relevance is pure and cheap; context (history, feedback) can only raise it by
  // pastCooperation. A pair that cannot reach "weak" and is not listed needs no more work.
  const worth = needDocs
    .filter((n) => n.org_id !== doc.org_id)
    .map((n) => ({ need: profile(n, idf), other: subject }))
    .filter((x) => listed.includes(x.need.doc.id) || relevance(x.need, subject).relevance * WEIGHTS.pastCooperation >= THRESHOLDS.weak);
  const scored = await scorePairs(worth, STAFF, "need");
  const byNeed = new Map(scored.map((x) => [x.need.doc.id, x]));
  const upserts: Array<Row & { need_id: number }> = [];
  const drops: number[] = [];
  for (const { need } of worth) {
    const x = byNeed.get(need.doc.id);
    const s = x ? x.explain() : null;
    if (s && s.label !== null) {
      upserts.push({ need_id: need.doc.id, result_id: kind === "result" ? id : null, expert_id: kind === "expert" ? id : null, score: Number(s.score.toFixed(4)), label: s.label, reasons: s.reasons });
    } else if (listed.includes(need.doc.id)) {
      drops.push(need.doc.id);
    }
  }
  await sql.begin(async (tx) => {
    if (drops.length) await tx`delete from match_suggestion where need_id = any(${drops}::bigint[]) and ${sql(col)} = ${id}`;
    await upsertMany(tx, upserts);
    await settleMany(tx, [...drops, ...upserts.map((u) => u.need_id)]);
  });
  return needDocs.map((d) => d.id);
}

// ---------------------------------------------------------------- the queue

type RefreshItem = { e: "need" | "result" | "expert"; ids: number[] } | { all: true; after: number };

/** Has the cache been built at least once? */
export async function cacheBuilt(): Promise<boolean> {
  const [row] = await sql<{ built: boolean }[]>`select exists (select 1 from match_need_summary) as built`;
  return row?.built ?? false;
}

/** Queues a refresh (merged into the waiting job, if any: graphile-worker concatenates array payloads under a key). */
export async function addMatchRefreshJob(items: readonly RefreshItem[], db: typeof sql | Tx = sql): Promise<void> {
  if (!items.length) return;
  await db`
    select 1 from graphile_worker.add_job(
      ${MATCH_REFRESH_TASK},
      payload => ${JSON.stringify(items)}::text::json,
      queue_name => ${MATCH_QUEUE},
      run_at => now() + ${DEBOUNCE_SECONDS} * interval '1 second',
      job_key => ${MATCH_REFRESH_KEY},
      job_key_mode => 'preserve_run_at',
      max_attempts => 25
    )
  `;
}

function parseRefresh(payload: unknown): { needs: Set<number>; results: Set<number>; experts: Set<number>; allAfter: number | null } {
  const items = Array.isArray(payload) ? payload : [payload];
  let allAfter: number | null = null;
  for (const item of items) {
    if (item && typeof item === "object" && "all" in item && "after" in item && typeof item.after === "number") {
      allAfter = allAfter === null ? item.after : Math.min(allAfter, item.after);
    }
  }
  const byEntity = parsePayload(items);
  return {
    needs: byEntity.get("need") ?? new Set(),
    results: byEntity.get("result") ?? new Set(),
    experts: byEntity.get("expert") ?? new Set(),
    allAfter,
  };
}

/**
 * The graphile-worker task. Works through the changed rows for WORK_BUDGET_MS, then queues
 * what is left (so search sync, on the same worker, waits seconds at most).
 */
export const matchRefreshTask: Task = async (payload) => {
  const work = parseRefresh(payload);
  const deadline = Date.now() + WORK_BUDGET_MS;
  const [{ open }] = await sql<{ open: number }[]>`select count(*)::int as open from need where status = 'published'`;
  // Many changed results (an import): a full pass is cheaper than one reverse query each.
  if (work.allAfter === null && work.results.size + work.experts.size > Math.max(50, open / 2)) {
    work.allAfter = 0;
    work.results.clear();
    work.experts.clear();
  }
  const left: RefreshItem[] = [];
  const take = async (kind: "need" | "result" | "expert", ids: Set<number>) => {
    const rest = [...ids].sort((a, b) => a - b);
    while (rest.length && Date.now() < deadline) {
      const id = rest.shift() ?? 0;
      if (kind === "need") await refreshNeed(id);
      else await refreshForOther(kind, id);
    }
    if (rest.length) left.push({ e: kind, ids: rest });
  };
  await take("need", work.needs);
  await take("result", work.results);
  await take("expert", work.experts);
  if (work.allAfter !== null) {
    let after = work.allAfter;
    while (Date.now() < deadline) {
      const ids = await openNeedIds(after, 20);
      if (!ids.length) break;
      for (const id of ids) {
        await refreshNeed(id);
        after = id;
        if (Date.now() >= deadline) break;
      }
    }
    if ((await openNeedIds(after, 1)).length) left.push({ all: true, after });
  }
  if (left.length) await addMatchRefreshJob(left);
};

/**
 * Wraps the search sync task: once it has put changed rows into Meilisearch, the same ids are
 * queued for a match refresh. A failure to queue is logged, never fails the sync.
 */
export function withMatchRefresh(sync: Task): Task {
  return async (payload, helpers) => {
    await sync(payload, helpers);
    const items: RefreshItem[] = [];
    for (const [e, ids] of parsePayload(payload)) {
      if ((e === "need" || e === "result" || e === "expert") && ids.size) items.push({ e, ids: [...ids] });
    }
    try {
      // Opt-in: the cache is maintained once it has been built (`npm run qiao -- match refresh`);
      // until then a sync queues nothing.
      if (items.length && (await cacheBuilt())) await addMatchRefreshJob(items);
    } catch (error) {
      helpers.logger.warn(`match refresh not queued: ${String(error)}`);
    }
  };
}

// ---------------------------------------------------------------- reading the cache

export type OpenNeedVerdict = {
  need_id: number;
  ref: string;
  title: string;
  org_name: string;
  verdict: "strong" | "possible" | "none" | "not_computed";
  best_score: number | null;
  suggestions: number;
  computed_at: string | null;
};

/** Every open need with its verdict (organizers' overview; exportable). Staff only: the caller checks. */
export async function openNeedsOverview(): Promise<OpenNeedVerdict[]> {
  return sql<OpenNeedVerdict[]>`
    select n.id as need_id, coalesce(n.ref, n.id::text) as ref, n.title, o.name as org_name,
      coalesce(s.verdict, 'not_computed') as verdict, s.best_score, coalesce(s.suggestions, 0) as suggestions,
      to_char(s.computed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as computed_at
    from need n join organization o on o.id = n.org_id
    left join match_need_summary s on s.need_id = n.id
    where n.status = 'published'
    order by case coalesce(s.verdict, 'not_computed') when 'none' then 0 when 'not_computed' then 1 when 'possible' then 2 else 3 end, n.id
  `;
}

/**
 * Strong suggestions for the needs of these organizations that appeared after `since` (the
 * inbox). Only results and experts the members may read: public or members-only and listed, or
 * their own organization's.
 */
export async function newStrongSuggestions(orgIds: readonly number[], since: Date) {
  return sql<{ need_id: number; need_title: string; kind: "result" | "expert"; other_id: number; other_title: string; score: number; first_seen_at: Date }[]>`
    select s.need_id, n.title as need_title,
      case when s.result_id is not null then 'result' else 'expert' end as kind,
      coalesce(s.result_id, s.expert_id) as other_id, coalesce(r.title, x.name) as other_title, s.score, s.first_seen_at
    from match_suggestion s
    join need n on n.id = s.need_id
    left join result r on r.id = s.result_id
    left join expert x on x.id = s.expert_id
    where n.org_id = any(${[...orgIds]}::bigint[]) and s.label = 'strong' and s.first_seen_at > ${since}
      and coalesce(r.status, x.status) = 'published'
      and (coalesce(r.visibility, x.visibility) in ('public', 'members') or coalesce(r.org_id, x.org_id) = any(${[...orgIds]}::bigint[]))
    order by s.first_seen_at desc, s.score desc
  `;
}
