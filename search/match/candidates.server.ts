/**
 * Candidate generation in Meilisearch. A Meilisearch query ANDs its words (with matchingStrategy
 * "last" or "frequency" it drops words, but never the first or the rarest one), so one query
 * with ten terms only finds records containing the rarest of them. Candidates are therefore the
 * union of a few one-term queries, sent together in one multi-search request:
 *
 *   1. the subject's own keywords (needs and results carry 3–6; an expert's research areas),
 *   2. expansion terms of the concepts found in its text (search/match/concepts.ts): the words
 *      the other side would use — 变硬 → 玻璃化转变, 外观瑕疵 → 缺陷识别, 浸润剂 → 上浆剂,
 *   3. jieba TF-IDF key terms of its description.
 *
 * Every query carries the viewer's visibility filter and `status = published` (open records
 * only). Re-ranking happens in ./engine.server.ts.
 */
import { indexUid } from "../client.server";
import { visibilityFilter, type SearchViewer } from "../documents.server";
import type { MatchDoc, Profile } from "./features";
import { multiSearch } from "./meili-http.server";
import { keyTerms, normalize, synonymsOf } from "./text.server";
import { CANDIDATES } from "./weights";

/** The one-term queries for a subject, in priority order (at most `max`). */
export function queryTerms(p: Profile, max: number = CANDIDATES.maxQueries): string[] {
  const terms: string[] = [];
  const seen = new Set<string>();
  const add = (t: string | null | undefined) => {
    const v = (t ?? "").trim();
    const k = normalize(v);
    if (v.length < 2 || seen.has(k)) return;
    seen.add(k);
    terms.push(v);
  };
  const d = p.doc;
  const own = d.type === "expert" ? (d.areas ?? []) : (d.keywords ?? []);
  own.forEach(add);
  // Concepts in the title or keywords first, problems before objects.
  const concepts = [...p.concepts.values()]
    .filter((c) => c.concept.kind !== "broad")
    .sort((a, b) => b.weight - a.weight || (a.concept.kind === "problem" ? -1 : 1) - (b.concept.kind === "problem" ? -1 : 1));
  const text = normalize(`${p.head} ${p.body}`);
  for (const c of concepts) {
    const fresh = c.concept.terms.filter((t) => t.length >= 2 && !text.includes(normalize(t)));
    // the longest terms are the most specific
    fresh.sort((a, b) => b.length - a.length);
    fresh.slice(0, CANDIDATES.termsPerConcept).forEach(add);
  }
  for (const k of keyTerms(`${d.title}。${p.body}`, CANDIDATES.keyTerms + 4).slice(0, CANDIDATES.keyTerms)) add(k.term);
  // Abbreviations the index's synonym table knows are matched by Meilisearch itself; a title
  // with no keywords still needs a query.
  if (!terms.length) add(d.title);
  for (const t of [...terms]) for (const s of synonymsOf(t)) if (terms.length < max) add(s);
  return terms.slice(0, max);
}

const NEED_FIELDS = ["id", "type", "ref", "title", "org_id", "org_name", "status", "audience", "updated_ts", "description", "field", "keywords", "cooperation", "budget_wan"];
const RESULT_FIELDS = ["id", "type", "ref", "title", "org_id", "org_name", "status", "audience", "updated_ts", "summary", "field", "keywords", "cooperation", "maturity", "price_wan", "lead_name", "lead_expert_id"];
const EXPERT_FIELDS = ["id", "type", "ref", "title", "org_id", "org_name", "status", "audience", "updated_ts", "areas", "bio", "job_title", "honors", "field"];

// The index's own searchable attributes (search/indexes.ts) are used as they are: narrowing them
// with attributesToSearchOn fails on an index none of whose documents has the field yet.
const ATTRIBUTES: Record<"need" | "result" | "expert", { index: string; fields: string[] }> = {
  need: { index: "needs", fields: NEED_FIELDS },
  result: { index: "results", fields: RESULT_FIELDS },
  expert: { index: "experts", fields: EXPERT_FIELDS },
};

/** One-term queries per multi-search request. */
const QUERIES_PER_REQUEST = 4;

export type CandidateQuery = { kind: "need" | "result" | "expert"; terms: string[]; perQuery: number };

/**
 * Runs the queries (all kinds in one multi-search request) and returns the distinct hits per
 * kind, in order of first appearance. Open records only, as far as `viewer` may see them.
 */
export async function fetchCandidates(queries: readonly CandidateQuery[], viewer: SearchViewer): Promise<Record<"need" | "result" | "expert", MatchDoc[]>> {
  const visible = visibilityFilter(viewer);
  const filter = visible ? [visible, "status = published"] : ["status = published"];
  const out: Record<"need" | "result" | "expert", MatchDoc[]> = { need: [], result: [], expert: [] };
  // Meilisearch answers the queries of one multi-search request one after the other; a few
  // smaller requests sent together are answered in parallel (its HTTP workers use every core).
  const requests: Array<{ kind: "need" | "result" | "expert"; list: Array<Record<string, unknown>> }> = [];
  for (const q of queries) {
    const a = ATTRIBUTES[q.kind];
    for (let i = 0; i < q.terms.length; i += QUERIES_PER_REQUEST) {
      requests.push({
        kind: q.kind,
        list: q.terms.slice(i, i + QUERIES_PER_REQUEST).map((term) => ({
          indexUid: indexUid(a.index),
          q: term,
          limit: q.perQuery,
          // a term jieba keeps whole may be several words to Meilisearch (记忆绵 → 记忆 绵): "last"
          // still finds records with its first part, which is often the point (泡沫 of 黏弹性泡沫)
          matchingStrategy: "last",
          attributesToRetrieve: a.fields,
          filter,
        })),
      });
    }
  }
  const answers = await Promise.all(requests.map((r) => multiSearch(r.list)));
  // in query order, so the first queries (the subject's own keywords) come first
  const seen = new Set<string>();
  answers.forEach((results, i) => {
    const kind = requests[i].kind;
    for (const hits of results) {
      for (const hit of hits) {
        const doc = toMatchDoc(hit, kind);
        if (!doc || seen.has(`${kind}:${doc.id}`)) continue;
        seen.add(`${kind}:${doc.id}`);
        out[kind].push(doc);
      }
    }
  });
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** A hit as a MatchDoc, field by field (a hit is untyped JSON); null if it lacks an id or title. */
export function toMatchDoc(hit: Record<string, unknown>, type: "need" | "result" | "expert"): MatchDoc | null {
  const id = num(hit.id);
  const title = str(hit.title);
  if (id === null || title === undefined) return null;
  const field = Array.isArray(hit.field) ? strs(hit.field) : (str(hit.field) ?? null);
  return {
    id,
    type,
    ref: str(hit.ref) ?? String(id),
    title,
    org_id: num(hit.org_id) ?? 0,
    org_name: str(hit.org_name) ?? "",
    status: str(hit.status) ?? "",
    audience: str(hit.audience),
    updated_ts: num(hit.updated_ts),
    description: str(hit.description),
    budget_wan: num(hit.budget_wan),
    summary: str(hit.summary),
    maturity: str(hit.maturity) ?? null,
    price_wan: num(hit.price_wan),
    lead_name: str(hit.lead_name) ?? null,
    field,
    keywords: strs(hit.keywords),
    cooperation: strs(hit.cooperation),
    areas: strs(hit.areas),
    bio: str(hit.bio),
    job_title: str(hit.job_title) ?? null,
    honors: strs(hit.honors),
  };
}
