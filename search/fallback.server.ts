/**
 * The search of last resort: when Meilisearch is down, slow or erring, PostgreSQL answers the
 * same question — same visibility rules (written here in SQL, mirroring audienceOf() and
 * visibilityFilter() in search/documents.server.ts), same filters and sorts — with simpler
 * matching (ILIKE on title, text, keywords and organization for each word of the query and its
 * synonyms; no typo tolerance) and no facet counts. The answer says `degraded: true`.
 * A statement timeout keeps a slow fallback from hanging the page: then the answer is empty
 * and says `unavailable: true`.
 */
import type postgres from "postgres";
import { sql } from "../db/client.server";
import type { SearchViewer } from "./documents.server";
import { highlighterFor, queryWordGroups } from "./query-text.server";
import {
  MAX_TOTAL_HITS,
  SEARCH_TYPES,
  TYPE_FACETS,
  type FacetName,
  type SearchInput,
  type SearchOutcome,
  type SearchType,
} from "../app/utils/search-params";
import { effectiveSort, toHit } from "./query.server";

type Fragment = postgres.Fragment;

const STATEMENT_TIMEOUT = "5s";
const TZ = "Asia/Shanghai";

/** Each type's rows under one set of column names, so one WHERE fits all three. */
function docs(type: SearchType): Fragment {
  switch (type) {
    case "needs":
      return sql`
        select n.id, n.ref, n.title, n.description as body, n.keywords as tags,
          case when n.field is null then '{}'::text[] else array[n.field] end as fields, n.field,
          n.cooperation, n.budget_wan::float8 as budget_wan, to_char(n.deadline, 'YYYY-MM-DD') as deadline,
          null::text as maturity, '{}'::text[] as honors, null::text as job_title,
          n.status, n.visibility, n.org_id, o.name as org_name, o.town, o.city,
          extract(year from coalesce(n.published_at, n.created_at) at time zone ${TZ}::text)::int as year,
          extract(epoch from n.published_at)::bigint as published_ts, n.published_at, n.created_at,
          null::float8 as price_wan
        from need n join organization o on o.id = n.org_id`;
    case "results":
      return sql`
        select r.id, r.ref, r.title, r.summary as body, r.keywords as tags,
          case when r.field is null then '{}'::text[] else array[r.field] end as fields, r.field,
          r.cooperation, r.price_wan::float8 as price_wan, r.maturity, r.ip, e.name as lead_name,
          '{}'::text[] as honors, null::text as job_title,
          r.status, r.visibility, r.org_id, o.name as org_name, o.town, o.city,
          extract(year from coalesce(r.published_at, r.created_at) at time zone ${TZ}::text)::int as year,
          extract(epoch from r.published_at)::bigint as published_ts, r.published_at, r.created_at,
          null::float8 as budget_wan
        from result r join organization o on o.id = r.org_id left join expert e on e.id = r.lead_expert_id`;
    case "experts":
      return sql`
        select x.id, x.ref, x.name as title, coalesce(x.bio, '') as body, x.areas as tags, x.areas,
          x.fields, x.fields as field, '{}'::text[] as cooperation, null::text as maturity,
          x.honors, x.title as job_title, x.bio,
          x.status, x.visibility, x.org_id, o.name as org_name, o.town, o.city,
          extract(year from coalesce(x.published_at, x.created_at) at time zone ${TZ}::text)::int as year,
          extract(epoch from x.published_at)::bigint as published_ts, x.published_at, x.created_at,
          null::float8 as budget_wan, null::float8 as price_wan
        from expert x join organization o on o.id = x.org_id`;
  }
}

function and(parts: Fragment[]): Fragment {
  if (!parts.length) return sql`true`;
  return parts.reduce((a, p) => sql`${a} and ${p}`);
}

/** What the viewer may read, as in PostgreSQL's read rules (drafts are their organization's). */
function visible(viewer: SearchViewer): Fragment | null {
  if (!viewer) return sql`(status in ('published', 'matched') and visibility = 'public')`;
  if (viewer.role === "admin" || viewer.role === "organizer") return null;
  const orgIds = viewer.orgIds.filter((id) => Number.isSafeInteger(id));
  return sql`((status in ('published', 'matched') and visibility in ('public', 'members')) or org_id = any(${orgIds}::bigint[]))`;
}

function likePattern(word: string) {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Each word (or one of its synonyms) somewhere in the title, text, tags or organization. */
function matches(groups: string[][]): Fragment[] {
  return groups.map((group) => {
    const patterns = group.map(likePattern);
    return sql`(title ilike any(${patterns}::text[]) or body ilike any(${patterns}::text[])
      or array_to_string(tags, ' ') ilike any(${patterns}::text[]) or org_name ilike any(${patterns}::text[]))`;
  });
}

function filterParts(type: SearchType, filters: SearchInput["filters"]): Fragment[] {
  const parts: Fragment[] = [];
  for (const name of TYPE_FACETS[type]) {
    const values = filters[name];
    if (!values?.length) continue;
    parts.push(filterPart(name, values));
  }
  return parts;
}

function filterPart(name: FacetName, values: string[]): Fragment {
  switch (name) {
    case "field":
      return sql`fields && ${values}::text[]`;
    case "cooperation":
      return sql`cooperation && ${values}::text[]`;
    case "honors":
      return sql`honors && ${values}::text[]`;
    case "maturity":
      return sql`maturity = any(${values}::text[])`;
    case "job_title":
      return sql`job_title = any(${values}::text[])`;
    case "org":
      return sql`org_name = any(${values}::text[])`;
    case "town":
      return sql`town = any(${values}::text[])`;
    case "city":
      return sql`city = any(${values}::text[])`;
    case "status":
      return sql`status = any(${values}::text[])`;
    case "year":
      return sql`year = any(${values.filter((v) => /^\d{4}$/.test(v)).map(Number)}::int[])`;
  }
}

function orderBy(input: SearchInput, groups: string[][]): Fragment {
  switch (effectiveSort(input)) {
    case "newest":
      return sql`published_at desc nulls last, created_at desc, id desc`;
    case "budget_asc":
      return sql`budget_wan asc nulls last, id desc`;
    case "budget_desc":
      return sql`budget_wan desc nulls last, id desc`;
    case "price_asc":
      return sql`price_wan asc nulls last, id desc`;
    case "price_desc":
      return sql`price_wan desc nulls last, id desc`;
    case "relevance": {
      // words found in the title first
      const inTitle = groups.map((g) => sql`(title ilike any(${g.map(likePattern)}::text[]))::int`);
      const score = inTitle.length ? inTitle.reduce((a, p) => sql`${a} + ${p}`) : sql`0`;
      return sql`${score} desc, published_at desc nulls last, id desc`;
    }
  }
}

/** The search, answered by PostgreSQL. */
export async function fallbackSearch(input: SearchInput, viewer: SearchViewer, started = performance.now()): Promise<SearchOutcome> {
  const groups = queryWordGroups(input.q);
  const vis = visible(viewer);
  const base = [...(vis ? [vis] : []), ...matches(groups)];
  const where = and([...base, ...filterParts(input.type, input.filters)]);
  const offset = (input.page - 1) * input.perPage;
  const empty = { needs: 0, results: 0, experts: 0 };

  const outcome = (over: Partial<SearchOutcome>): SearchOutcome => ({
    query: input.q,
    type: input.type,
    sort: input.sort,
    filters: input.filters,
    total: 0,
    counts: empty,
    hits: [],
    page: input.page,
    perPage: input.perPage,
    pages: 0,
    degraded: true,
    tookMs: Math.round(performance.now() - started),
    ...over,
  });

  try {
    return await sql.begin(async (tx) => {
      await tx`select set_config('statement_timeout', ${STATEMENT_TIMEOUT}, true)`;
      const counts = { ...empty };
      for (const t of SEARCH_TYPES) {
        const [{ n }] = await tx<{ n: number }[]>`
          select count(*)::int as n from (select 1 from (${docs(t)}) doc where ${and(base)} limit ${MAX_TOTAL_HITS}) capped`;
        counts[t] = n;
      }
      let total = counts[input.type];
      if (Object.values(input.filters).some((v) => v?.length)) {
        const [{ n }] = await tx<{ n: number }[]>`
          select count(*)::int as n from (select 1 from (${docs(input.type)}) doc where ${where} limit ${MAX_TOTAL_HITS}) capped`;
        total = n;
      }
      const rows =
        offset >= MAX_TOTAL_HITS
          ? []
          : await tx<Record<string, unknown>[]>`
              select * from (${docs(input.type)}) doc where ${where}
              order by ${orderBy(input, groups)}
              limit ${Math.min(input.perPage, MAX_TOTAL_HITS - offset)} offset ${offset}`;
      const hl = highlighterFor(input.q);
      const hits = rows.map((r) => toHit(input.type, { ...r, ref: r.ref ?? String(r.id), [textColumn(input.type)]: r.body, keywords: r.tags }, undefined, hl));
      return outcome({ counts, total, hits, pages: Math.ceil(total / input.perPage), tookMs: Math.round(performance.now() - started) });
    });
  } catch (error) {
    if (process.env.QIAO_LOG !== "silent") {
      console.warn(`search: the PostgreSQL fallback failed too (${error instanceof Error ? error.message : String(error)})`);
    }
    return outcome({ unavailable: true });
  }
}

function textColumn(type: SearchType) {
  return type === "needs" ? "description" : type === "results" ? "summary" : "bio";
}
