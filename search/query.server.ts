/**
 * The query side of search: one Meilisearch multi-search round trip answers a whole search page
 * (the active tab's hits, the counts of the three tabs, facet distributions when asked), with
 * the viewer's visibility filter inside every query — never applied to hits afterwards. When
 * Meilisearch is down, slow or erring, the same question is answered by PostgreSQL
 * (search/fallback.server.ts) and the answer says `degraded: true`.
 * Reasons and figures: docs/decisions/013-search-query.md.
 */
import type { Hit, MultiSearchQuery, MultiSearchResult } from "meilisearch";
import { MeilisearchApiError } from "meilisearch";
import { getMeili, indexUid } from "./client.server";
import { visibilityFilter, type SearchViewer } from "./documents.server";
import { fallbackSearch } from "./fallback.server";
import {
  EXPORT_MAX_ROWS,
  FACET_ATTRIBUTE,
  MAX_TOTAL_HITS,
  SEARCH_TYPES,
  TYPE_ENTITY,
  TYPE_FACETS,
  hitUrl,
  type FacetName,
  type FacetValue,
  type SearchFacets,
  type SearchFilters,
  type SearchHit,
  type SearchInput,
  type SearchOutcome,
  type SearchSort,
  type SearchType,
} from "../app/utils/search-params";
import { indexDefinition } from "./indexes";
import { hasPinyin } from "./pinyin.server";
import { highlightField, highlighterFor, MARK_CLOSE, MARK_OPEN, type Highlighter } from "./query-text.server";

// The vocabulary (types, sorts, facets), URL parsing and the answer's shape are shared with the
// browser: app/utils/search-params.ts.
export * from "../app/utils/search-params";
export type { SearchViewer } from "./documents.server";

// ---- building the Meilisearch request ----

const PRE = MARK_OPEN;
const POST = MARK_CLOSE;

// The long texts (description, summary, bio) are not retrieved: Meilisearch returns them in
// _formatted anyway (they are highlighted), once is enough.
const RETRIEVE: Record<SearchType, string[]> = {
  needs: [
    "id", "ref", "title", "org_id", "org_name", "town", "city", "status", "visibility", "year", "published_ts",
    "field", "keywords", "cooperation", "budget_wan", "deadline",
  ],
  results: [
    "id", "ref", "title", "org_id", "org_name", "town", "city", "status", "visibility", "year", "published_ts",
    "field", "keywords", "maturity", "ip", "cooperation", "price_wan", "lead_name",
  ],
  experts: [
    "id", "ref", "title", "org_id", "org_name", "town", "city", "status", "visibility", "year", "published_ts",
    "job_title", "areas", "honors", "field",
  ],
};

const TEXT_FIELD: Record<SearchType, string> = { needs: "description", results: "summary", experts: "bio" };
const TAGS_FIELD: Record<SearchType, string> = { needs: "keywords", results: "keywords", experts: "areas" };

const SORT_RULES: Record<SearchSort, string[] | undefined> = {
  relevance: undefined,
  newest: ["published_ts:desc", "created_ts:desc"],
  budget_asc: ["budget_wan:asc"],
  budget_desc: ["budget_wan:desc"],
  price_asc: ["price_wan:asc"],
  price_desc: ["price_wan:desc"],
};

/** A value as a Meilisearch filter string literal: double quotes, \ and " escaped. */
export function filterString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

type Filter = Array<string | string[]>;

/**
 * The filter of a query: the viewer's visibility first, then one OR-group per facet with
 * selected values (groups are ANDed). `except` leaves one group out (its own facet counts).
 */
export function buildFilter(viewer: SearchViewer, type: SearchType, filters: SearchFilters, except?: FacetName): Filter {
  const out: Filter = [];
  const visibility = visibilityFilter(viewer);
  if (visibility) out.push(visibility);
  for (const name of TYPE_FACETS[type]) {
    if (name === except) continue;
    const values = filters[name];
    if (!values?.length) continue;
    const attribute = FACET_ATTRIBUTE[name];
    out.push(
      values.map((v) => (name === "year" && /^\d{4}$/.test(v) ? `${attribute} = ${Number(v)}` : `${attribute} = ${filterString(v)}`)),
    );
  }
  return out;
}

/** An empty query lists everything: newest first unless another order was asked. */
export function effectiveSort(input: Pick<SearchInput, "q" | "sort">): SearchSort {
  return input.sort === "relevance" && !input.q ? "newest" : input.sort;
}

function hasFilters(filters: SearchFilters) {
  return Object.values(filters).some((v) => v && v.length > 0);
}

type QueryRole = { role: "main" } | { role: "count"; type: SearchType } | { role: "facet"; facet: FacetName };

/**
 * The one multi-search request behind a search page, and what each of its queries is for.
 * Exported so that bench:search sends Meilisearch exactly these bodies.
 */
// The searchable attributes of a type without `pinyin`: the pinyin field is searched only when the
// query has a word typed in pinyin (docs/decisions/015-pinyin-search.md), so that the last word's
// prefix search (AI, LED) does not drag in every record whose pinyin starts with those letters.
const WITHOUT_PINYIN = Object.fromEntries(
  SEARCH_TYPES.map((t) => [t, (indexDefinition(TYPE_ENTITY[t]).settings.searchableAttributes ?? []).filter((a) => a !== "pinyin")]),
) as Record<SearchType, string[]>;

function searchOn(type: SearchType, q: string): Pick<MultiSearchQuery, "attributesToSearchOn"> {
  return q && !hasPinyin(q) ? { attributesToSearchOn: WITHOUT_PINYIN[type] } : {};
}

export function buildSearchRequest(input: SearchInput, viewer: SearchViewer): { queries: MultiSearchQuery[]; roles: QueryRole[] } {
  const { type, q, filters } = input;
  const queries: MultiSearchQuery[] = [];
  const roles: QueryRole[] = [];
  const visibility = visibilityFilter(viewer);
  const filter = buildFilter(viewer, type, filters);
  const sort = SORT_RULES[effectiveSort(input)];
  const selectedFacets = TYPE_FACETS[type].filter((f) => filters[f]?.length);

  queries.push({
    indexUid: indexUid(type),
    q,
    ...searchOn(type, q),
    ...(filter.length ? { filter } : {}),
    ...(sort ? { sort } : {}),
    page: input.page,
    hitsPerPage: input.perPage,
    attributesToRetrieve: RETRIEVE[type],
    attributesToHighlight: ["title", TEXT_FIELD[type], TAGS_FIELD[type]],
    highlightPreTag: PRE,
    highlightPostTag: POST,
    ...(input.facets ? { facets: TYPE_FACETS[type].filter((f) => !selectedFacets.includes(f)).map((f) => FACET_ATTRIBUTE[f]) } : {}),
  });
  roles.push({ role: "main" });

  // The tabs' counts: the query alone (filters belong to one type).
  for (const t of SEARCH_TYPES) {
    if (t === type && !hasFilters(filters)) continue;
    queries.push({ indexUid: indexUid(t), q, ...searchOn(t, q), ...(visibility ? { filter: [visibility] } : {}), page: 1, hitsPerPage: 0 });
    roles.push({ role: "count", type: t });
  }

  // A facet with selected values counts its values without its own filter, so that its other
  // values stay visible and can be added (OR within a facet).
  if (input.facets) {
    for (const facet of selectedFacets) {
      const f = buildFilter(viewer, type, filters, facet);
      queries.push({ indexUid: indexUid(type), q, ...searchOn(type, q), ...(f.length ? { filter: f } : {}), page: 1, hitsPerPage: 0, facets: [FACET_ATTRIBUTE[facet]] });
      roles.push({ role: "facet", facet });
    }
  }
  return { queries, roles };
}

// ---- reading the answer ----

type Doc = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === "string" ? v : v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** A document (from Meilisearch or the fallback) as a hit, with safe highlights. */
export function toHit(type: SearchType, doc: Doc, formatted: Doc | undefined, hl: Highlighter | null): SearchHit {
  const id = num(doc.id) ?? Number(doc.id);
  const ref = str(doc.ref) ?? String(id);
  const title = str(doc.title) ?? "";
  const f = formatted ?? doc;
  const tagsRaw = strings(f[TAGS_FIELD[type]]);
  const publishedTs = num(doc.published_ts);
  const hit: SearchHit = {
    type: TYPE_ENTITY[type],
    id,
    ref,
    title,
    url: hitUrl(type, ref),
    highlights: {
      title: highlightField(str(f.title) ?? title, hl),
      text: highlightField(str(f[TEXT_FIELD[type]]), hl, { crop: 120 }),
      tags: tagsRaw.map((t) => highlightField(t, hl)),
    },
    org_id: num(doc.org_id) ?? 0,
    org_name: str(doc.org_name) ?? "",
    town: str(doc.town),
    city: str(doc.city),
    status: str(doc.status) ?? "",
    visibility: str(doc.visibility) ?? "",
    year: num(doc.year) ?? 0,
    published_at: publishedTs === null ? null : new Date(publishedTs * 1000).toISOString(),
    fields: Array.isArray(doc.field) ? strings(doc.field) : doc.field ? [String(doc.field)] : [],
  };
  if (type === "needs") {
    Object.assign(hit, {
      keywords: strings(doc.keywords),
      cooperation: strings(doc.cooperation),
      budget_wan: num(doc.budget_wan),
      deadline: str(doc.deadline),
    });
  } else if (type === "results") {
    Object.assign(hit, {
      keywords: strings(doc.keywords),
      cooperation: strings(doc.cooperation),
      maturity: str(doc.maturity),
      ip: str(doc.ip),
      price_wan: num(doc.price_wan),
      lead_name: str(doc.lead_name),
    });
  } else {
    Object.assign(hit, { job_title: str(doc.job_title), honors: strings(doc.honors), areas: strings(doc.areas) });
  }
  return hit;
}

const MATURITY_ORDER = ["实验室", "小试", "中试", "产业化"];

/** Facet values in the order they are shown; selected values are always there (count 0 if none). */
export function orderFacet(name: FacetName, distribution: Record<string, number> | undefined, selected: readonly string[]): FacetValue[] {
  const values = new Map<string, number>(Object.entries(distribution ?? {}));
  for (const s of selected) if (!values.has(s)) values.set(s, 0);
  const list = [...values].map(([value, count]) => ({ value, count, selected: selected.includes(value) }));
  if (name === "year") return list.sort((a, b) => Number(b.value) - Number(a.value));
  if (name === "maturity") {
    const pos = (v: string) => (MATURITY_ORDER.includes(v) ? MATURITY_ORDER.indexOf(v) : 99);
    return list.sort((a, b) => pos(a.value) - pos(b.value));
  }
  return list.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value, "zh-CN"));
}

// ---- running it ----

/**
 * Meilisearch compresses a response when asked to (fetch asks by default), and a compressed
 * response of a few KB reaches us 40 ms late (Nagle against delayed ACK, measured on 1.21: 44 ms
 * instead of 1.5 ms for 20 hits). On the loopback or a LAN compression buys nothing: ask for none.
 */
export const MEILI_SEARCH_HEADERS = { "Accept-Encoding": "identity" } as const;

/** How long a search may take before PostgreSQL answers instead. */
function timeoutMs() {
  const n = Number(process.env.QIAO_SEARCH_TIMEOUT_MS ?? 1500);
  return Number.isFinite(n) && n > 0 ? n : 1500;
}

// After Meilisearch failed (down, timing out, 5xx), searches go straight to PostgreSQL for a
// few seconds instead of each waiting for its own timeout; then one search tries again.
let skipMeiliUntil = 0;
function breakerMs() {
  const n = Number(process.env.QIAO_SEARCH_BREAKER_MS ?? 5000);
  return Number.isFinite(n) && n >= 0 ? n : 5000;
}

/** Tests: forget an earlier Meilisearch failure. */
export function resetSearchBreaker() {
  skipMeiliUntil = 0;
}

/** A failure of the engine (unreachable, timed out, 5xx) rather than of our request (4xx). */
function isOutage(error: unknown) {
  if (error instanceof MeilisearchApiError) return (error.response?.status ?? 500) >= 500;
  return true;
}

async function meiliSearch(input: SearchInput, viewer: SearchViewer, started: number): Promise<SearchOutcome> {
  const { queries, roles } = buildSearchRequest(input, viewer);
  const response = await getMeili().multiSearch({ queries }, { signal: AbortSignal.timeout(timeoutMs()), headers: MEILI_SEARCH_HEADERS });
  const results: MultiSearchResult<Doc>[] = response.results;
  if (results.length !== queries.length) throw new Error("Meilisearch answered a different number of queries");

  const main = results[roles.findIndex((r) => r.role === "main")];
  const total = main.totalHits ?? main.estimatedTotalHits ?? 0;
  const counts = { needs: 0, results: 0, experts: 0 } as Record<SearchType, number>;
  counts[input.type] = total;
  const facetDistribution: Record<string, Record<string, number>> = { ...(main.facetDistribution ?? {}) };
  roles.forEach((role, i) => {
    const r = results[i];
    if (role.role === "count") counts[role.type] = r.totalHits ?? r.estimatedTotalHits ?? 0;
    if (role.role === "facet") {
      const attribute = FACET_ATTRIBUTE[role.facet];
      facetDistribution[attribute] = r.facetDistribution?.[attribute] ?? {};
    }
  });

  const hl = highlighterFor(input.q);
  const hits = main.hits.map((h: Hit<Doc>) => toHit(input.type, h, h._formatted, hl));

  let facets: SearchFacets | undefined;
  if (input.facets) {
    facets = {};
    for (const name of TYPE_FACETS[input.type]) {
      facets[name] = orderFacet(name, facetDistribution[FACET_ATTRIBUTE[name]], input.filters[name] ?? []);
    }
  }

  return {
    query: input.q,
    type: input.type,
    sort: input.sort,
    filters: input.filters,
    total,
    counts,
    hits,
    facets,
    page: input.page,
    perPage: input.perPage,
    pages: Math.ceil(Math.min(total, MAX_TOTAL_HITS) / input.perPage),
    degraded: false,
    tookMs: Math.round(performance.now() - started),
  };
}

/**
 * Searches needs, results or experts as `viewer` may see them. Never throws because of
 * Meilisearch: a failure (or the breaker open after one) is answered by the PostgreSQL
 * fallback with `degraded: true`.
 */
export async function searchCatalog(input: SearchInput, viewer: SearchViewer): Promise<SearchOutcome> {
  const started = performance.now();
  if (Date.now() >= skipMeiliUntil) {
    try {
      return await meiliSearch(input, viewer, started);
    } catch (error) {
      if (isOutage(error)) skipMeiliUntil = Date.now() + breakerMs();
      if (process.env.QIAO_LOG !== "silent") {
        console.warn(`search: Meilisearch failed, answering from PostgreSQL (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  }
  return fallbackSearch(input, viewer, started);
}

// ---- exports of a result list ----

/**
 * Up to `max` hits of a search (same query, filters, sort and visibility as the page), for a
 * CSV/XLSX export; from PostgreSQL when Meilisearch fails. No highlights.
 */
export async function searchForExport(
  input: SearchInput,
  viewer: SearchViewer,
  max = EXPORT_MAX_ROWS,
): Promise<{ hits: SearchHit[]; total: number; degraded: boolean }> {
  const limit = Math.max(1, Math.min(max, MAX_TOTAL_HITS));
  if (Date.now() >= skipMeiliUntil) {
    try {
      const filter = buildFilter(viewer, input.type, input.filters);
      const sort = SORT_RULES[effectiveSort(input)];
      const r = await getMeili()
        .index<Doc>(indexUid(input.type))
        .search(
          input.q,
          { ...(filter.length ? { filter } : {}), ...(sort ? { sort } : {}), offset: 0, limit, attributesToRetrieve: RETRIEVE[input.type] },
          { signal: AbortSignal.timeout(Math.max(timeoutMs(), 10_000)), headers: MEILI_SEARCH_HEADERS },
        );
      return {
        hits: r.hits.map((h) => toHit(input.type, h, undefined, null)),
        total: r.estimatedTotalHits ?? r.hits.length,
        degraded: false,
      };
    } catch (error) {
      if (isOutage(error)) skipMeiliUntil = Date.now() + breakerMs();
    }
  }
  const outcome = await fallbackSearch({ ...input, page: 1, perPage: limit, facets: false }, viewer, performance.now());
  return { hits: outcome.hits, total: outcome.total, degraded: true };
}
