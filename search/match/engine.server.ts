/**
 * The matching engine's API (docs/decisions/020-matching.md):
 *
 *   matchesForNeed(needIdOrRef, viewer, {limit})     results (and experts) for a need
 *   matchesForResult(resultIdOrRef, viewer, {limit}) the open needs a result could serve
 *   matchesForExpert(expertIdOrRef, viewer, {limit}) the open needs fitting an expert's areas
 *
 * Each reads the subject from PostgreSQL (404 unless the viewer may read it — another
 * organization's draft is "not found", nothing leaks), generates candidates in Meilisearch
 * (./candidates.server.ts, restricted to what the viewer may see and to open records), re-ranks
 * them on explicit features (./features.ts, ./score.ts) with context from PostgreSQL (past
 * cooperation, feedback), and says plainly when nothing fits well.
 */
import { sql } from "../../db/client.server";
import { loadDocuments, type SearchViewer } from "../documents.server";
import { fetchCandidates, queryTerms, toMatchDoc, type CandidateQuery } from "./candidates.server";
import { profile, relevance, type MatchDoc, type MatchKind, type Profile } from "./features";
import { noneReason, resemblesDismissed, scorePair, type DismissReason, type Label, type PairContext, type Reason, type Scored } from "./score";
import { corpusStats } from "./stats.server";
import { CANDIDATES, LIMITS } from "./weights";

export class MatchNotFoundError extends Error {
  override name = "MatchNotFoundError";
}

export type SharedForHighlight = {
  /** concept id, its names, and the words that showed it on each side */
  concepts: Array<{ id: string; kind: "problem" | "object" | "broad"; zh: string; en: string; need_terms: string[]; other_terms: string[] }>;
  /** plain words both texts use */
  terms: string[];
};

export type Suggestion = {
  ref: string;
  kind: MatchKind;
  id: number;
  title: string;
  org: { id: number; name: string };
  score: number;
  label: Label | null;
  reasons: Reason[];
  shared: SharedForHighlight;
  /** the need's organization accepted this suggestion */
  accepted: boolean;
};

export type MatchResponse = {
  subject: { kind: MatchKind; id: number; ref: string; title: string };
  items: Suggestion[];
  /** set when no item is strong or possible: "nothing fits well", and why */
  none_reason: Reason | null;
  /** the need's field label disagrees with its text (the matcher used both) */
  field_note: Reason | null;
  /** distinct candidates Meilisearch returned before re-ranking */
  candidates: number;
};

export type MatchOptions = {
  limit?: number;
  /** for a need: which kinds to suggest (default results and experts) */
  kinds?: ReadonlyArray<"result" | "expert">;
  /** every scored candidate, including those below the weak threshold (evaluation) */
  all?: boolean;
  /**
   * Use the organizations' history — past cooperation and feedback (default true). Off for the
   * evaluation's ablation: the demo's intents pair needs with their intended fits.
   */
  history?: boolean;
};

// ---------------------------------------------------------------- input

/** `limit` from a query string or the CLI: a whole number 1–50, default 10. */
export function parseLimit(raw: string | null | undefined): { ok: true; value: number } | { ok: false; message: string } {
  if (raw === null || raw === undefined || raw === "") return { ok: true, value: LIMITS.default };
  if (!/^\d+$/.test(raw.trim())) return { ok: false, message: `limit must be a whole number from 1 to ${LIMITS.max}` };
  const value = Number(raw.trim());
  if (value < 1 || value > LIMITS.max) return { ok: false, message: `limit must be a whole number from 1 to ${LIMITS.max}` };
  return { ok: true, value };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return LIMITS.default;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > LIMITS.max) throw new RangeError(`limit must be a whole number from 1 to ${LIMITS.max}`);
  return limit;
}

// ---------------------------------------------------------------- who may read the subject

type AccessRow = { id: number; org_id: number; status: string; visibility: string; published: boolean };

const TABLES = { need: "need", result: "result", expert: "expert" } as const;

/** Same rule as app/models/catalog.server.ts canRead(), for the search side's viewer. */
export function canReadSubject(viewer: SearchViewer, row: Omit<AccessRow, "id">): boolean {
  if (viewer && (viewer.role === "admin" || viewer.role === "organizer")) return true;
  if (viewer && viewer.orgIds.includes(row.org_id)) return true;
  const listed = row.status === "published" || row.status === "matched" || (row.status === "closed" && row.published);
  if (!listed) return false;
  if (row.visibility === "public") return true;
  return row.visibility === "members" && viewer !== null;
}

/** The row a ref (as imported) or an id names; a ref wins over an id that looks the same. */
async function resolve(kind: MatchKind, idOrRef: string | number): Promise<AccessRow | null> {
  const key = String(idOrRef).trim();
  if (!key || key.length > 64) return null;
  const asId = /^\d{1,15}$/.test(key) ? Number(key) : null;
  const rows = await sql<AccessRow[]>`
    select id, org_id, status, visibility, published_at is not null as published
    from ${sql(TABLES[kind])}
    where ref = ${key} ${asId !== null ? sql`or id = ${asId}` : sql``}
    order by (ref = ${key}) desc nulls last
    limit 1
  `;
  return rows[0] ?? null;
}

async function subjectDoc(kind: MatchKind, idOrRef: string | number, viewer: SearchViewer): Promise<MatchDoc> {
  const row = await resolve(kind, idOrRef);
  if (!row || !canReadSubject(viewer, row)) throw new MatchNotFoundError(`${kind} ${String(idOrRef)} not found`);
  const [doc] = await loadDocuments(kind, [row.id]);
  const d = doc ? toMatchDoc(doc, kind) : null;
  if (!d) throw new MatchNotFoundError(`${kind} ${String(idOrRef)} not found`);
  return d;
}

// ---------------------------------------------------------------- context from PostgreSQL

type Feedback = { need_id: number; result_id: number | null; expert_id: number | null; org_id: number; decision: "accepted" | "dismissed"; reason: DismissReason | null };

async function feedbackFor(needIds: readonly number[], other: { kind: "result" | "expert"; ids: readonly number[] } | null): Promise<Feedback[]> {
  if (!needIds.length) return [];
  return sql<Feedback[]>`
    select need_id, result_id, expert_id, org_id, decision, reason from match_feedback
    where need_id = any(${[...needIds]}::bigint[])
      ${other ? sql`and ${sql(other.kind === "result" ? "result_id" : "expert_id")} = any(${[...other.ids]}::bigint[])` : sql``}
  `;
}

/** Intents between enterprise and institution pairs, not about `exceptNeed`: count and signed agreements. */
async function pastCooperation(pairs: ReadonlyArray<{ enterprise: number; institution: number; exceptNeed: number }>) {
  const out = new Map<string, { intents: number; agreements: number }>();
  if (!pairs.length) return out;
  const rows = await sql<{ e: number; i: number; n: number; intents: number; agreements: number }[]>`
    with p as (select * from unnest(${pairs.map((p) => p.enterprise)}::bigint[], ${pairs.map((p) => p.institution)}::bigint[], ${pairs.map((p) => p.exceptNeed)}::bigint[]) as t(e, i, n))
    select p.e, p.i, p.n, count(distinct it.id)::int as intents, count(distinct a.id)::int as agreements
    from p
    join intent it on it.enterprise_org_id = p.e and it.institution_org_id = p.i and it.need_id is distinct from p.n
    left join agreement a on a.intent_id = it.id
    group by p.e, p.i, p.n
  `;
  for (const r of rows) out.set(`${r.e}:${r.i}:${r.n}`, { intents: r.intents, agreements: r.agreements });
  return out;
}

/** Intents that link a need to a result or an expert directly: the pair's stage. */
async function pairIntents(needIds: readonly number[], kind: "result" | "expert", ids: readonly number[]) {
  const out = new Map<string, string>();
  if (!needIds.length || !ids.length) return out;
  const col = kind === "result" ? "result_id" : "expert_id";
  const rows = await sql<{ need_id: number; other: number; stage: string }[]>`
    select need_id, ${sql(col)} as other, stage from intent
    where need_id = any(${[...needIds]}::bigint[]) and ${sql(col)} = any(${[...ids]}::bigint[])
    order by updated_at desc
  `;
  for (const r of rows) if (!out.has(`${r.need_id}:${r.other}`)) out.set(`${r.need_id}:${r.other}`, r.stage);
  return out;
}

/** Per result: other organizations that dismissed it as not relevant, for needs other than `exceptNeed`. */
async function dismissedByOthers(resultIds: readonly number[], exceptNeeds: readonly number[]) {
  const out = new Map<number, number>();
  if (!resultIds.length) return out;
  const rows = await sql<{ result_id: number; orgs: number }[]>`
    select result_id, count(distinct org_id)::int as orgs from match_feedback
    where result_id = any(${[...resultIds]}::bigint[]) and decision = 'dismissed' and reason = 'not_relevant'
      and (need_id is null or need_id <> all(${[...exceptNeeds]}::bigint[]))
    group by result_id
  `;
  for (const r of rows) out.set(r.result_id, r.orgs);
  return out;
}

/** Organization kind per id (which side of an intent an organization is on). */
async function orgKinds(ids: readonly number[]) {
  const rows = await sql<{ id: number; kind: string }[]>`select id, kind from organization where id = any(${[...new Set(ids)]}::bigint[])`;
  return new Map(rows.map((r) => [r.id, r.kind]));
}

function enterpriseInstitution(a: number, b: number, kinds: Map<number, string>): { enterprise: number; institution: number } | null {
  const ka = kinds.get(a);
  const kb = kinds.get(b);
  if (ka === "enterprise" && kb !== "enterprise") return { enterprise: a, institution: b };
  if (kb === "enterprise" && ka !== "enterprise") return { enterprise: b, institution: a };
  return null;
}

// ---------------------------------------------------------------- output

function suggestion(p: Profile, s: Scored, accepted: boolean): Suggestion {
  const d = p.doc;
  return {
    ref: d.ref,
    kind: d.type,
    id: d.id,
    title: d.title,
    org: { id: d.org_id, name: d.org_name },
    score: Number(s.score.toFixed(4)),
    label: s.label,
    reasons: s.reasons,
    shared: {
      concepts: s.features.shared.map((c) => ({ id: c.id, kind: c.kind, zh: c.zh, en: c.en, need_terms: c.needTerms, other_terms: c.otherTerms })),
      terms: s.words,
    },
    accepted,
  };
}

/** A scored candidate; `explain` recomputes it with every reason (words too) for display. */
export type ScoredCandidate = { p: Profile; s: Scored; accepted: boolean; explain: () => Scored };

function finish(subject: MatchDoc, scored: ScoredCandidate[], limit: number, opts: MatchOptions, candidates: number, fieldNote: Reason | null): MatchResponse {
  scored.sort((a, b) => b.s.score - a.s.score || a.p.doc.id - b.p.doc.id);
  const shown = opts.all ? scored : scored.filter((x) => x.s.label !== null);
  const items = shown.slice(0, opts.all ? shown.length : limit).map((x) => suggestion(x.p, opts.all ? x.s : x.explain(), x.accepted));
  const good = scored.some((x) => x.s.label === "strong" || x.s.label === "possible");
  return {
    subject: { kind: subject.type, id: subject.id, ref: subject.ref, title: subject.title },
    items,
    none_reason: good ? null : noneReason(scored[0]?.s, candidates),
    field_note: fieldNote,
    candidates,
  };
}

function fieldNoteOf(need: Profile): Reason | null {
  if (!need.inferredField) return null;
  return {
    code: "field_label_differs",
    params: { labelled: need.fields[0] ?? null, inferred: need.inferredField },
    text_zh: `需求标注为${need.fields[0] ?? "—"}，但内容更接近${need.inferredField}；两个领域都已考虑`,
    text_en: `The need is labelled ${need.fields[0] ?? "—"} but its text reads as ${need.inferredField}; both fields were considered`,
  };
}

// ---------------------------------------------------------------- the three entry points

/** Results (and experts) that could solve a need, best first. */
export async function matchesForNeed(needIdOrRef: string | number, viewer: SearchViewer, opts: MatchOptions = {}): Promise<MatchResponse> {
  const limit = clampLimit(opts.limit);
  const kinds = opts.kinds ?? ["result", "expert"];
  const needDoc = await subjectDoc("need", needIdOrRef, viewer);
  const { idf } = await corpusStats();
  const need = profile(needDoc, idf);
  const terms = queryTerms(need);
  const queries: CandidateQuery[] = [];
  if (kinds.includes("result")) queries.push({ kind: "result", terms, perQuery: CANDIDATES.perQuery });
  if (kinds.includes("expert")) queries.push({ kind: "expert", terms: terms.slice(0, CANDIDATES.maxExpertQueries), perQuery: CANDIDATES.perExpertQuery });
  const found = await fetchCandidates(queries, viewer);
  const others = [...found.result, ...found.expert].filter((d) => d.org_id !== needDoc.org_id);
  return scoreForNeed(need, others, viewer, limit, opts);
}

/** Scores candidates for one need with its PostgreSQL context (also used by the suggestion cache). */
export async function scoreForNeed(need: Profile, others: readonly MatchDoc[], viewer: SearchViewer, limit: number, opts: MatchOptions = {}): Promise<MatchResponse> {
  const { idf } = await corpusStats();
  const pairs = await scorePairs(
    others.map((o) => ({ need, other: profile(o, idf) })),
    viewer,
    "need",
    opts.history ?? true,
  );
  const scored = pairs.map((x) => ({ p: x.other, s: x.s, accepted: x.accepted, explain: x.explain }));
  return finish(need.doc, scored, limit, opts, others.length, fieldNoteOf(need));
}

export type ScoredPair = { need: Profile; other: Profile; s: Scored; accepted: boolean; explain: () => Scored };

/**
 * Scores (need, other) pairs with everything PostgreSQL knows about them, in a handful of
 * queries whatever their number. `perspective` is whose list this is: a pair that the owner of
 * that side (the need's organization, or the result's / expert's) or the viewer dismissed is
 * left out — each side judges separately. The score itself is the same from both sides.
 */
export async function scorePairs(
  items: ReadonlyArray<{ need: Profile; other: Profile }>,
  viewer: SearchViewer,
  perspective: "need" | "other",
  history = true,
): Promise<ScoredPair[]> {
  if (!items.length) return [];
  const { idf } = await corpusStats();
  const needIds = [...new Set(items.map((x) => x.need.doc.id))];
  const resultIds = [...new Set(items.filter((x) => x.other.kind === "result").map((x) => x.other.doc.id))];
  const expertIds = [...new Set(items.filter((x) => x.other.kind === "expert").map((x) => x.other.doc.id))];
  const [feedback, kinds] = await Promise.all([
    feedbackFor(needIds, null),
    orgKinds(items.flatMap((x) => [x.need.doc.org_id, x.other.doc.org_id])),
  ]);
  const orgPairs = items
    .map((x) => ({ p: enterpriseInstitution(x.need.doc.org_id, x.other.doc.org_id, kinds), need: x.need.doc.id }))
    .filter((x): x is { p: { enterprise: number; institution: number }; need: number } => x.p !== null)
    .map((x) => ({ ...x.p, exceptNeed: x.need }));
  const [past, resultIntents, expertIntents, othersDismissed] = await Promise.all([
    history ? pastCooperation(orgPairs) : new Map<string, { intents: number; agreements: number }>(),
    pairIntents(needIds, "result", resultIds),
    pairIntents(needIds, "expert", expertIds),
    history ? dismissedByOthers(resultIds, needIds) : new Map<number, number>(),
  ]);

  // Dismissals by each need's organization, with a reason: down-weight what resembles them.
  const dismissals = history ? feedback.filter((f) => f.decision === "dismissed" && f.reason && f.result_id) : [];
  const dismissedDocs = new Map<number, MatchDoc>();
  if (dismissals.length) {
    for (const d of await loadDocuments("result", [...new Set(dismissals.map((f) => f.result_id ?? 0))])) {
      const m = toMatchDoc(d, "result");
      if (m) dismissedDocs.set(m.id, m);
    }
  }

  const viewerOrgs = viewer?.orgIds ?? [];
  const out: ScoredPair[] = [];
  for (const { need, other } of items) {
    const n = need.doc;
    const o = other.doc;
    const mine = feedback.filter((f) => f.need_id === n.id && (o.type === "result" ? f.result_id === o.id : f.expert_id === o.id));
    const judge = perspective === "need" ? n.org_id : o.org_id;
    if (mine.some((f) => f.decision === "dismissed" && (f.org_id === judge || viewerOrgs.includes(f.org_id)))) continue;
    const accepted = mine.some((f) => f.decision === "accepted" && f.org_id === n.org_id);
    let similar: DismissReason | null = null;
    if (o.type === "result") {
      const sharedProblems = (d: MatchDoc) =>
        relevance(need, profile(d, idf))
          .shared.filter((s) => s.kind === "problem")
          .map((s) => s.id);
      for (const f of dismissals) {
        if (f.need_id !== n.id || f.org_id !== n.org_id || f.result_id === o.id || !f.reason) continue;
        const dd = dismissedDocs.get(f.result_id ?? 0);
        if (dd && resemblesDismissed(f.reason, dd, o, sharedProblems)) {
          similar = f.reason;
          break;
        }
      }
    }
    const ei = enterpriseInstitution(n.org_id, o.org_id, kinds);
    const ctx: PairContext = {
      pastCooperation: ei ? past.get(`${ei.enterprise}:${ei.institution}:${n.id}`) : undefined,
      intentStage: (o.type === "result" ? resultIntents : expertIntents).get(`${n.id}:${o.id}`) ?? null,
      accepted,
      similarDismissed: similar,
      dismissedByOthers: o.type === "result" ? othersDismissed.get(o.id) : undefined,
    };
    out.push({ need, other, s: scorePair(need, other, ctx, { explainWords: false }), accepted, explain: () => scorePair(need, other, ctx) });
  }
  return out;
}

/** The open needs a result could serve (and so the enterprises), best first. */
export async function matchesForResult(resultIdOrRef: string | number, viewer: SearchViewer, opts: MatchOptions = {}): Promise<MatchResponse> {
  return reverse("result", resultIdOrRef, viewer, opts);
}

/** The open needs that fit an expert's research areas, best first. */
export async function matchesForExpert(expertIdOrRef: string | number, viewer: SearchViewer, opts: MatchOptions = {}): Promise<MatchResponse> {
  return reverse("expert", expertIdOrRef, viewer, opts);
}

async function reverse(kind: "result" | "expert", idOrRef: string | number, viewer: SearchViewer, opts: MatchOptions): Promise<MatchResponse> {
  const limit = clampLimit(opts.limit);
  const doc = await subjectDoc(kind, idOrRef, viewer);
  const { idf } = await corpusStats();
  const subject = profile(doc, idf);
  const found = await fetchCandidates([{ kind: "need", terms: queryTerms(subject), perQuery: CANDIDATES.perQuery }], viewer);
  const needs = found.need.filter((n) => n.org_id !== doc.org_id);
  const scored = await scoreNeedsFor(subject, needs, viewer, opts);
  return finish(doc, scored, limit, opts, needs.length, null);
}

/** Scores needs for one result or expert (the reverse direction; pairs are scored need-first). */
export async function scoreNeedsFor(subject: Profile, needs: readonly MatchDoc[], viewer: SearchViewer, opts: MatchOptions = {}): Promise<ScoredCandidate[]> {
  const { idf } = await corpusStats();
  const pairs = await scorePairs(
    needs.map((n) => ({ need: profile(n, idf), other: subject })),
    viewer,
    "other",
    opts.history ?? true,
  );
  // The page shows the need as the suggestion.
  return pairs.map((x) => ({ p: x.need, s: x.s, accepted: x.accepted, explain: x.explain }));
}
