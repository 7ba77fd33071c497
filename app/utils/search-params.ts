// What a search can ask for and what it answers, shared by the server (search/query.server.ts,
// the routes' loaders) and the browser (the search page builds its links with searchParamsOf).
// No server code here. Reasons: docs/decisions/013-search-query.md.

/** Longer queries are cut: a pasted page of text is still answered as a normal page. */
export const MAX_QUERY_CHARS = 200;

/**
 * NFKC (full-width ＰＬＣ and the ideographic space U+3000 become PLC and a space), control, private-use and zero-width
 * characters out, whitespace collapsed, trimmed, at most MAX_QUERY_CHARS characters (code
 * points: a character outside the BMP is never split). A query without a letter or digit
 * (punctuation only) is the empty query.
 */
export function normalizeQuery(raw: unknown): string {
  if (typeof raw !== "string") return "";
  let q = raw.normalize("NFKC").replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu, " ");
  q = q.replace(/\s+/gu, " ").trim();
  const chars = Array.from(q);
  if (chars.length > MAX_QUERY_CHARS) q = chars.slice(0, MAX_QUERY_CHARS).join("").trim();
  return /[\p{L}\p{N}]/u.test(q) ? q : "";
}

export const SEARCH_TYPES = ["needs", "results", "experts"] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];
export const TYPE_ENTITY = { needs: "need", results: "result", experts: "expert" } as const;
export type HitType = (typeof TYPE_ENTITY)[SearchType];

export function isSearchType(value: unknown): value is SearchType {
  return typeof value === "string" && (SEARCH_TYPES as readonly string[]).includes(value);
}

export const SEARCH_SORTS = ["relevance", "newest", "budget_asc", "budget_desc", "price_asc", "price_desc"] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export function isSearchSort(value: unknown): value is SearchSort {
  return typeof value === "string" && (SEARCH_SORTS as readonly string[]).includes(value);
}

/** The sorts a type offers: needs have a budget, results a price, experts neither. */
export const TYPE_SORTS: Record<SearchType, readonly SearchSort[]> = {
  needs: ["relevance", "newest", "budget_asc", "budget_desc"],
  results: ["relevance", "newest", "price_asc", "price_desc"],
  experts: ["relevance", "newest"],
};

/** A sort asked for another type, as this type understands it (budget ↔ price; none for experts). */
export function sortForType(sort: SearchSort, type: SearchType): SearchSort {
  if (TYPE_SORTS[type].includes(sort)) return sort;
  if (type === "needs" && sort.startsWith("price_")) return sort === "price_asc" ? "budget_asc" : "budget_desc";
  if (type === "results" && sort.startsWith("budget_")) return sort === "budget_asc" ? "price_asc" : "price_desc";
  return "relevance";
}

export const FACET_NAMES = ["field", "maturity", "cooperation", "job_title", "honors", "org", "town", "city", "year", "status"] as const;
export type FacetName = (typeof FACET_NAMES)[number];

/** The facets (and filters: every facet is a filter) of each type, in the order they are shown. */
export const TYPE_FACETS: Record<SearchType, readonly FacetName[]> = {
  needs: ["field", "cooperation", "town", "city", "org", "year", "status"],
  results: ["field", "maturity", "cooperation", "city", "town", "org", "year", "status"],
  experts: ["field", "job_title", "honors", "city", "town", "org", "year", "status"],
};

/** The document attribute behind a facet (search/documents.server.ts). */
export const FACET_ATTRIBUTE: Record<FacetName, string> = {
  field: "field",
  maturity: "maturity",
  cooperation: "cooperation",
  job_title: "job_title",
  honors: "honors",
  org: "org_name",
  town: "town",
  city: "city",
  year: "year",
  status: "status",
};

export type SearchFilters = Partial<Record<FacetName, string[]>>;

export type SearchInput = {
  q: string;
  type: SearchType;
  filters: SearchFilters;
  sort: SearchSort;
  /** 1-based */
  page: number;
  perPage: number;
  /** facet distributions cost 11–17 ms at 1M documents (STACK.md): only when they are shown */
  facets: boolean;
};

export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;
/** Meilisearch's pagination.maxTotalHits (search/indexes.ts): hits past it cannot be paged to. */
export const MAX_TOTAL_HITS = 10_000;
/** At most this many values per filter, and this many characters per value. */
const MAX_FILTER_VALUES = 20;
const MAX_FILTER_VALUE_CHARS = 200;

// ---- parsing a URL ----

export type SearchParamProblem = { param: string; message: string };

/**
 * The search a URL asks for. `strict` (the JSON API) reports what is wrong — unknown type or
 * sort, page or perPage not a positive integer, perPage above 100 — so the caller answers 400;
 * `lenient` (the page) corrects the same things silently. Either way unknown parameters are
 * ignored and filter values are kept as given (an unknown value simply matches nothing).
 */
export function parseSearchParams(
  params: URLSearchParams,
  mode: "strict" | "lenient" = "lenient",
): { input: SearchInput; problems: SearchParamProblem[] } {
  const problems: SearchParamProblem[] = [];
  const strict = mode === "strict";

  const rawType = params.get("type");
  let type: SearchType = "needs";
  if (rawType !== null && rawType !== "") {
    if (isSearchType(rawType)) type = rawType;
    else problems.push({ param: "type", message: `type must be one of ${SEARCH_TYPES.join(", ")}` });
  }

  const rawSort = params.get("sort");
  let sort: SearchSort = "relevance";
  if (rawSort !== null && rawSort !== "") {
    if (isSearchSort(rawSort)) sort = sortForType(rawSort, type);
    else problems.push({ param: "sort", message: `sort must be one of ${SEARCH_SORTS.join(", ")}` });
  }

  const positive = (name: string, fallback: number, max?: number) => {
    const raw = params.get(name);
    if (raw === null || raw === "") return fallback;
    const n = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) {
      problems.push({ param: name, message: `${name} must be a whole number from 1${max ? ` to ${max}` : ""}` });
      return strict ? fallback : Number.isFinite(Number(raw)) && Number(raw) >= 1 ? Math.floor(Number(raw)) : fallback;
    }
    if (max !== undefined && n > max) {
      problems.push({ param: name, message: `${name} must be at most ${max}` });
      return max;
    }
    return n;
  };
  const perPage = positive("perPage", DEFAULT_PER_PAGE, MAX_PER_PAGE);
  const page = Math.min(positive("page", 1), 1_000_000);

  const rawFacets = params.get("facets");
  let facets = false;
  if (rawFacets !== null) {
    if (/^(1|true|yes|on)$/i.test(rawFacets)) facets = true;
    else if (!/^(0|false|no|off|)$/i.test(rawFacets)) problems.push({ param: "facets", message: "facets must be true or false" });
  }

  const filters: SearchFilters = {};
  for (const name of TYPE_FACETS[type]) {
    const values = [
      ...new Set(
        params
          .getAll(name)
          .map((v) => v.trim())
          .filter((v) => v !== "" && Array.from(v).length <= MAX_FILTER_VALUE_CHARS && !/[\p{Cc}]/u.test(v))
          // years are numbers in the index: anything else could never match
          .filter((v) => name !== "year" || /^\d{4}$/.test(v)),
      ),
    ].slice(0, MAX_FILTER_VALUES);
    if (values.length) filters[name] = values;
  }

  return { input: { q: normalizeQuery(params.get("q") ?? ""), type, filters, sort, page, perPage, facets }, problems };
}

/** The URL query string of a search (defaults left out), so that a link reproduces the page. */
export function searchParamsOf(input: Partial<SearchInput> & { type: SearchType }, extra: Record<string, string> = {}): URLSearchParams {
  const p = new URLSearchParams();
  if (input.q) p.set("q", input.q);
  p.set("type", input.type);
  for (const name of TYPE_FACETS[input.type]) for (const v of input.filters?.[name] ?? []) p.append(name, v);
  if (input.sort && input.sort !== "relevance") p.set("sort", input.sort);
  if (input.perPage && input.perPage !== DEFAULT_PER_PAGE) p.set("perPage", String(input.perPage));
  if (input.page && input.page > 1) p.set("page", String(input.page));
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p;
}

// ---- the answer ----

export type HitHighlights = {
  /** safe HTML: escaped text whose only tags are <mark> and </mark> */
  title: string;
  /** a snippet of the description / summary / bio around the first match (safe HTML) */
  text: string;
  /** keywords / research areas (safe HTML each) */
  tags: string[];
};

export type SearchHit = {
  type: HitType;
  id: number;
  /** the external ref as imported, else the id */
  ref: string;
  title: string;
  url: string;
  highlights: HitHighlights;
  org_id: number;
  org_name: string;
  town: string | null;
  city: string | null;
  status: string;
  visibility: string;
  year: number;
  published_at: string | null;
  /** the technology field(s): one for needs and results, several for experts */
  fields: string[];
  cooperation?: string[];
  budget_wan?: number | null;
  deadline?: string | null;
  maturity?: string | null;
  ip?: string | null;
  price_wan?: number | null;
  lead_name?: string | null;
  job_title?: string | null;
  honors?: string[];
  keywords?: string[];
  areas?: string[];
};

export type FacetValue = { value: string; count: number; selected: boolean };
export type SearchFacets = Partial<Record<FacetName, FacetValue[]>>;

export type SearchOutcome = {
  query: string;
  type: SearchType;
  sort: SearchSort;
  filters: SearchFilters;
  /** hits of the active type with its filters (at most MAX_TOTAL_HITS are counted) */
  total: number;
  /** hits of each type for the query alone (visibility applied, filters not) */
  counts: Record<SearchType, number>;
  hits: SearchHit[];
  /** only when asked for, and not in degraded mode */
  facets?: SearchFacets;
  page: number;
  perPage: number;
  pages: number;
  /** Meilisearch was not usable: PostgreSQL answered (no facets, simpler matching) */
  degraded: boolean;
  /** the fallback failed too (PostgreSQL timeout): an empty answer instead of an error page */
  unavailable?: boolean;
  tookMs: number;
};

export function hitUrl(type: SearchType, ref: string) {
  return `/${type}/${encodeURIComponent(ref)}`;
}

/** The most rows an export of a search holds. */
export const EXPORT_MAX_ROWS = 5000;
