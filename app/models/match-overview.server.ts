import { sql } from "../../db/client.server";
import { addMatchRefreshJob, cacheBuilt } from "../../search/match/cache.server";
import type { AuthUser } from "~/utils/auth.server";
import { VERDICTS, type Verdict } from "~/components/match/schema";
import { TECH_FIELDS } from "~/utils/catalog";
import { isStaff } from "~/utils/roles";
import { audit, forbidden, type Actor } from "./audit.server";

// The organizers' matching overview (/matching) and the members' inbox (/inbox), both read from
// the suggestion cache (db/migrations/0040_match.sql, search/match/cache.server.ts): every open
// need at once would be too slow to compute per request. Decisions 031 (inbox) and 032 (overview).

// ---------------------------------------------------------------- overview (staff)

export { VERDICTS, type Verdict };

export type OverviewFilters = {
  verdict?: Verdict | null;
  q?: string | null;
  field?: string | null;
};

export type OverviewRow = {
  need_id: number;
  ref: string;
  title: string;
  org_name: string;
  field: string | null;
  verdict: Verdict;
  best_score: number | null;
  suggestions: number;
  /** the none verdict's reason, in both languages */
  none_zh: string | null;
  none_en: string | null;
  computed_at: Date | null;
};

export type Overview = {
  rows: OverviewRow[];
  counts: Record<Verdict, number> & { total: number };
  built: boolean;
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Every open (published) need with its verdict, filtered; staff only (403 for anyone else).
 * Counts are over all open needs, before the filters, so the page can say how many lack a fit.
 */
export async function matchingOverview(actor: Pick<Actor, "id" | "role"> | null, filters: OverviewFilters = {}): Promise<Overview> {
  if (!isStaff(actor)) forbidden();
  const q = filters.q?.trim() ? `%${escapeLike(filters.q.trim())}%` : null;
  const verdict = sql`coalesce(s.verdict, 'not_computed')`;
  const [rows, counts, built] = await Promise.all([
    sql<OverviewRow[]>`
      select n.id as need_id, coalesce(n.ref, n.id::text) as ref, n.title, o.name as org_name, n.field,
        ${verdict} as verdict, s.best_score, coalesce(s.suggestions, 0) as suggestions,
        s.none_reason ->> 'text_zh' as none_zh, s.none_reason ->> 'text_en' as none_en, s.computed_at
      from need n join organization o on o.id = n.org_id
      left join match_need_summary s on s.need_id = n.id
      where n.status = 'published'
        ${filters.verdict ? sql`and ${verdict} = ${filters.verdict}` : sql``}
        ${filters.field ? sql`and n.field = ${filters.field}` : sql``}
        ${q ? sql`and (n.title ilike ${q} or o.name ilike ${q} or o.short_name ilike ${q} or n.ref ilike ${q})` : sql``}
      order by case ${verdict} when 'none' then 0 when 'not_computed' then 1 when 'possible' then 2 else 3 end,
        s.best_score desc nulls last, n.id
    `,
    sql<{ verdict: Verdict; n: number }[]>`
      select coalesce(s.verdict, 'not_computed') as verdict, count(*)::int as n
      from need n left join match_need_summary s on s.need_id = n.id
      where n.status = 'published' group by 1`,
    cacheBuilt(),
  ]);
  const c = { strong: 0, possible: 0, none: 0, not_computed: 0, total: 0 };
  for (const r of counts) {
    c[r.verdict] = r.n;
    c.total += r.n;
  }
  return { rows, counts: c, built };
}

/** Staff: queue a recomputation of every open need's suggestions (the worker does it in slices). */
export async function queueFullRefresh(actor: Actor | null): Promise<void> {
  if (!isStaff(actor)) forbidden();
  await sql.begin(async (tx) => {
    await addMatchRefreshJob([{ all: true, after: 0 }], tx);
    await audit(tx, {
      actor,
      action: "match.refresh_all",
      entity: "match_need_summary",
      entityId: "all",
    });
  });
}

// ---------------------------------------------------------------- inbox (members)

export type InboxItem = {
  /** whose record the suggestion is for: one of the member's needs, or one of its results/experts */
  side: "need" | "other";
  need_id: number;
  need_ref: string;
  need_title: string;
  other_kind: "result" | "expert";
  other_id: number;
  other_ref: string;
  other_title: string;
  score: number;
  first_seen_at: Date;
  is_new: boolean;
};

/** How far back a first visit looks. */
export const FIRST_VISIT_DAYS = 30;
const MAX_ITEMS = 100;

async function orgIdsOf(userId: string): Promise<number[]> {
  const rows = await sql<{ org_id: number }[]>`select org_id from membership where user_id = ${userId}`;
  return rows.map((r) => r.org_id);
}

/**
 * Strong suggestions (cached pairs labelled strong) that involve a record of `orgIds`: for its
 * open needs, the results and experts it may read; for its results and experts, the open needs
 * it may read. A pair the organization dismissed never shows.
 */
function strongFor(orgIds: number[], since: Date, limit: number) {
  return sql<Omit<InboxItem, "is_new">[]>`
    select * from (
      select case when n.org_id = any(${orgIds}::bigint[]) then 'need' else 'other' end as side,
        s.need_id, coalesce(n.ref, n.id::text) as need_ref, n.title as need_title,
        case when s.result_id is not null then 'result' else 'expert' end as other_kind,
        coalesce(s.result_id, s.expert_id) as other_id,
        coalesce(r.ref, x.ref, coalesce(s.result_id, s.expert_id)::text) as other_ref,
        coalesce(r.title, x.name) as other_title, s.score, s.first_seen_at
      from match_suggestion s
      join need n on n.id = s.need_id
      left join result r on r.id = s.result_id
      left join expert x on x.id = s.expert_id
      where s.label = 'strong' and s.first_seen_at > ${since}
        and n.status = 'published'
        and coalesce(r.status, x.status) = 'published'
        and (
          (n.org_id = any(${orgIds}::bigint[])
            and (coalesce(r.visibility, x.visibility) in ('public', 'members') or coalesce(r.org_id, x.org_id) = any(${orgIds}::bigint[])))
          or (coalesce(r.org_id, x.org_id) = any(${orgIds}::bigint[]) and n.visibility in ('public', 'members'))
        )
        and not exists (
          select 1 from match_feedback f
          where f.need_id = s.need_id and f.result_id is not distinct from s.result_id
            and f.expert_id is not distinct from s.expert_id and f.decision = 'dismissed'
            and f.org_id = any(${orgIds}::bigint[])
        )
    ) t
    order by first_seen_at desc, score desc
    limit ${limit}`;
}

/** The nav badge: new strong suggestions since the user last opened the inbox (0 for staff without organizations). */
export async function inboxCount(user: Pick<AuthUser, "id"> | null): Promise<number> {
  if (!user) return 0;
  const orgIds = await orgIdsOf(user.id);
  if (!orgIds.length) return 0;
  const [visit] = await sql<{ seen_at: Date }[]>`select seen_at from match_inbox_visit where user_id = ${user.id}`;
  const since = visit?.seen_at ?? new Date(Date.now() - FIRST_VISIT_DAYS * 86_400_000);
  const rows = await strongFor(orgIds, since, MAX_ITEMS);
  return rows.length;
}

export type Inbox = {
  orgs: number;
  lastVisit: Date | null;
  items: InboxItem[];
};

/**
 * The inbox page: the strong suggestions of the last FIRST_VISIT_DAYS days (at most 100), those
 * after the previous visit marked new; opening it is the visit (seen_at = now). Not audited: a
 * read marker, not a change to anyone's records (docs/decisions/031-match-inbox.md).
 */
export async function openInbox(user: Pick<AuthUser, "id">): Promise<Inbox> {
  const orgIds = await orgIdsOf(user.id);
  const [visit] = await sql<{ seen_at: Date }[]>`
    insert into match_inbox_visit as v (user_id, seen_at) values (${user.id}, now())
    on conflict (user_id) do update set seen_at = now(), previous_seen_at = v.seen_at, version = v.version + 1
    returning previous_seen_at as seen_at`;
  const lastVisit = visit?.seen_at ?? null;
  if (!orgIds.length) return { orgs: 0, lastVisit, items: [] };
  const window = new Date(Date.now() - FIRST_VISIT_DAYS * 86_400_000);
  const rows = await strongFor(orgIds, window, MAX_ITEMS);
  return {
    orgs: orgIds.length,
    lastVisit,
    items: rows.map((r) => ({
      ...r,
      is_new: lastVisit === null || r.first_seen_at > lastVisit,
    })),
  };
}

/** The overview's filters from a query string; unknown values are ignored (treated as "all"). */
export function parseOverviewFilters(params: URLSearchParams): OverviewFilters {
  const verdict = params.get("verdict");
  const field = params.get("field");
  const q = params.get("q");
  return {
    verdict: VERDICTS.find((v) => v === verdict) ?? null,
    field: field && TECH_FIELDS.find((f) => f === field) ? field : null,
    q: q && q.trim() ? q.trim().slice(0, 100) : null,
  };
}
