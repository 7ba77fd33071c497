/**
 * Match features of a (need, other) pair — other being a result or an expert. Pure functions of
 * the two records (their search documents, search/documents.server.ts) and a small context read
 * from PostgreSQL (past cooperation, feedback). A pair's features never depend on the other
 * candidates, so a score computed for one page, for the suggestion cache or for a result's
 * reverse refresh is the same number (docs/decisions/020-matching.md).
 */
import type { Concept } from "./concepts";
import { bigramVector, conceptsIn, cosine, normalize, tokenize, type IdfLookup, type TermVector } from "./text.server";
import { FIELD_NEIGHBOURS, WEIGHTS } from "./weights";

export type MatchKind = "need" | "result" | "expert";

/** The fields of a need, result or expert document the matcher reads (Meilisearch hits and loadDocuments rows alike). */
export type MatchDoc = {
  id: number;
  type: MatchKind;
  ref: string;
  title: string;
  org_id: number;
  org_name: string;
  status: string;
  audience?: string;
  /** unix seconds of the row's last change: the key of the profile cache */
  updated_ts?: number | null;
  // need
  description?: string;
  budget_wan?: number | null;
  // result
  summary?: string;
  maturity?: string | null;
  price_wan?: number | null;
  lead_name?: string | null;
  // need, result: string | null; expert: string[]
  field?: string | null | string[];
  keywords?: string[];
  cooperation?: string[];
  // expert
  areas?: string[];
  bio?: string;
  job_title?: string | null;
  honors?: string[];
};

export type ConceptUse = { concept: Concept; weight: number; terms: string[] };

export type Profile = {
  doc: MatchDoc;
  kind: MatchKind;
  /** title + keywords (areas for an expert) */
  head: string;
  /** description, summary or bio */
  body: string;
  fields: string[];
  /** field inferred from the concepts in the text, when it clearly differs from the label */
  inferredField: string | null;
  vector: TermVector;
  concepts: Map<string, ConceptUse>;
  /** jieba words of the text, computed when first needed (only shown suggestions explain words) */
  words?: Set<string>;
};

function headOf(d: MatchDoc): string {
  if (d.type === "expert") return [...(d.areas ?? []), d.job_title ?? ""].join(" ");
  return [d.title, ...(d.keywords ?? [])].join(" ");
}

function bodyOf(d: MatchDoc): string {
  if (d.type === "need") return d.description ?? "";
  if (d.type === "result") return d.summary ?? "";
  return d.bio ?? "";
}

function fieldsOf(d: MatchDoc): string[] {
  if (Array.isArray(d.field)) return d.field;
  return d.field ? [d.field] : [];
}

/** The field most of a text's concepts belong to, if that evidence is strong and not the label's. */
function inferField(concepts: Map<string, ConceptUse>, labels: readonly string[]): string | null {
  const votes = new Map<string, number>();
  for (const { concept, weight } of concepts.values()) {
    if (concept.kind === "broad" || concept.field === "通用") continue;
    votes.set(concept.field, (votes.get(concept.field) ?? 0) + weight);
  }
  let best: string | null = null;
  let bestVotes = 0;
  for (const [f, v] of votes) if (v > bestVotes) [best, bestVotes] = [f, v];
  if (!best || labels.includes(best) || bestVotes < WEIGHTS.inferFieldMin) return null;
  const labelVotes = Math.max(0, ...labels.map((l) => votes.get(l) ?? 0));
  return bestVotes > labelVotes ? best : null;
}

/**
 * Profiles of recently seen documents, keyed by record, version and statistics: the same results
 * come back for many needs (and a cache refresh scores every open need). Bounded; the oldest
 * entry goes first.
 */
const PROFILE_CACHE_MAX = 4000;
const profileCache = new Map<string, Profile>();

export function profile(doc: MatchDoc, idf: IdfLookup): Profile {
  if (doc.updated_ts == null) return buildProfile(doc, idf);
  const key = `${doc.type}:${doc.id}:${doc.updated_ts}:${idfVersion(idf)}`;
  const hit = profileCache.get(key);
  if (hit && sameDoc(hit.doc, doc)) {
    // keep it young
    profileCache.delete(key);
    profileCache.set(key, hit);
    return { ...hit, doc };
  }
  const p = buildProfile(doc, idf);
  profileCache.set(key, p);
  if (profileCache.size > PROFILE_CACHE_MAX) profileCache.delete(profileCache.keys().next().value ?? "");
  return p;
}

// An identity per IDF table (statistics rebuilt → new profiles).
const idfIds = new WeakMap<IdfLookup, number>();
let idfSeq = 0;
function idfVersion(idf: IdfLookup): number {
  let v = idfIds.get(idf);
  if (v === undefined) idfIds.set(idf, (v = ++idfSeq));
  return v;
}

/** The texts a profile is built from are unchanged (a hit may carry fields another one lacked). */
function sameDoc(a: MatchDoc, b: MatchDoc): boolean {
  return a.title === b.title && headOf(a) === headOf(b) && bodyOf(a) === bodyOf(b);
}

function buildProfile(doc: MatchDoc, idf: IdfLookup): Profile {
  const kind = doc.type;
  const head = headOf(doc);
  const body = bodyOf(doc);
  const bodyWeight = kind === "need" ? WEIGHTS.needBodyConcept : WEIGHTS.candidateBodyConcept;
  const concepts = new Map<string, ConceptUse>();
  for (const [id, hit] of conceptsIn(body)) concepts.set(id, { concept: hit.concept, weight: bodyWeight, terms: hit.terms });
  for (const [id, hit] of conceptsIn(head)) {
    const prev = concepts.get(id);
    concepts.set(id, { concept: hit.concept, weight: 1, terms: [...new Set([...hit.terms, ...(prev?.terms ?? [])])] });
  }
  const fields = fieldsOf(doc);
  return {
    doc,
    kind,
    head,
    body,
    fields,
    inferredField: kind === "need" ? inferField(concepts, fields) : null,
    vector: bigramVector(
      [
        { text: head, weight: WEIGHTS.headRepeat },
        { text: body, weight: 1 },
      ],
      idf,
    ),
    concepts,
  };
}

function wordsOf(p: Profile): Set<string> {
  p.words ??= new Set(tokenize(`${p.head} ${p.body}`));
  return p.words;
}

/**
 * Words (jieba, domain dictionary) both texts use, longest first; parts of a longer shared word
 * are dropped (压缩永久变形, not also 压缩 and 变形), and so are Latin scraps (mm, m3): units.
 */
export function sharedWords(need: Profile, other: Profile, max = 8): string[] {
  const a = wordsOf(need);
  const b = wordsOf(other);
  const both = [...a].filter((w) => b.has(w) && !/^[a-z0-9]{1,3}$/.test(w));
  both.sort((x, y) => y.length - x.length || (x < y ? -1 : 1));
  const out: string[] = [];
  for (const w of both) if (!out.some((longer) => longer.includes(w))) out.push(w);
  return out.slice(0, max);
}

export type SharedConcept = {
  id: string;
  kind: Concept["kind"];
  zh: string;
  en: string;
  /** the words that showed the concept on the need's side and on the other side */
  needTerms: string[];
  otherTerms: string[];
  weight: number;
};

export type Features = {
  /** bigram cosine, raw */
  cosine: number;
  /** 0–1 parts of relevance */
  text: number;
  problem: number;
  object: number;
  broad: number;
  relevance: number;
  shared: SharedConcept[];
  field: { match: number; kind: "same" | "neighbour" | "inferred" | "none" | "unknown"; need: string[]; other: string[]; inferred: string | null };
  /** both name their product or material in title or keywords, and the two differ */
  objectConflict: { need: string[]; other: string[] } | null;
};

function centralObjects(p: Profile): ConceptUse[] {
  return [...p.concepts.values()].filter((c) => c.concept.kind === "object" && c.weight >= 1);
}

function fieldMatch(need: Profile, other: Profile): Features["field"] {
  const base = { need: need.fields, other: other.fields, inferred: need.inferredField };
  if (!need.fields.length || !other.fields.length) return { ...base, match: 0.5, kind: "unknown" };
  if (need.fields.some((f) => other.fields.includes(f))) return { ...base, match: 1, kind: "same" };
  if (need.inferredField && other.fields.includes(need.inferredField)) return { ...base, match: 1, kind: "inferred" };
  const near = need.fields.some((f) => (FIELD_NEIGHBOURS[f] ?? []).some((n) => other.fields.includes(n)));
  return near ? { ...base, match: WEIGHTS.neighbourField, kind: "neighbour" } : { ...base, match: 0, kind: "none" };
}

/** Relevance of `other` to `need`: text, concepts, field. */
export function relevance(need: Profile, other: Profile): Features {
  const { sim } = cosine(need.vector, other.vector);
  const text = Math.min(1, sim / WEIGHTS.textSaturation);
  const shared: SharedConcept[] = [];
  let problemMass = 0;
  let object = 0;
  let broad = 0;
  for (const [id, a] of need.concepts) {
    const b = other.concepts.get(id);
    if (!b) continue;
    const w = a.weight * b.weight;
    if (a.concept.kind === "problem") problemMass += w;
    else if (a.concept.kind === "object") object = Math.max(object, w);
    else broad = Math.max(broad, w);
    shared.push({ id, kind: a.concept.kind, zh: a.concept.zh, en: a.concept.en, needTerms: a.terms, otherTerms: b.terms, weight: w });
  }
  shared.sort((x, y) => (x.kind === y.kind ? y.weight - x.weight : x.kind === "problem" ? -1 : y.kind === "problem" ? 1 : 0));
  const problem = 1 - Math.exp(-WEIGHTS.problemK * problemMass);
  const rel = Math.min(1, WEIGHTS.text * text + WEIGHTS.problem * problem + WEIGHTS.object * object + WEIGHTS.broad * broad);
  const field = fieldMatch(need, other);
  const needObjects = centralObjects(need);
  const otherObjects = centralObjects(other);
  const objectConflict =
    needObjects.length && otherObjects.length && !shared.some((x) => x.kind === "object")
      ? { need: needObjects.map((c) => c.concept.zh), other: otherObjects.map((c) => c.concept.zh) }
      : null;
  const relevanceScore = rel * (1 - WEIGHTS.field + WEIGHTS.field * field.match) * (objectConflict ? WEIGHTS.objectConflict : 1);
  return { cosine: sim, text, problem, object, broad, relevance: relevanceScore, shared, field, objectConflict };
}

/** Cooperation modes both sides name; mismatch only when both named some. */
export function cooperationFit(need: MatchDoc, other: MatchDoc): { common: string[]; mismatch: boolean } {
  const a = need.cooperation ?? [];
  const b = other.cooperation ?? [];
  const common = a.filter((m) => b.includes(m));
  return { common, mismatch: a.length > 0 && b.length > 0 && common.length === 0 };
}

/** Normalized text of a document (for tests and the CLI's --explain). */
export function textOf(d: MatchDoc): string {
  return normalize(`${headOf(d)} ${bodyOf(d)}`);
}
