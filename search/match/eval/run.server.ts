/**
 * The matching evaluation: Qiao's matcher and the baseline on the labelled set
 * (./labels.json), against the demo data already in PostgreSQL and Meilisearch.
 * scripts/bench-match-quality.ts sets those up and prints what this returns.
 *
 * Baseline (issue 4): the need's title and description sent as one plain Meilisearch query to
 * the same results index (default matching strategy, visibility and `status = published` as the
 * matcher), top 10.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { sql } from "../../../db/client.server";
import { getMeili, indexUid } from "../../client.server";
import { matchesForNeed } from "../engine.server";
import { THRESHOLDS } from "../weights";
import { mean, ndcgAt, recallAt, reciprocalRank, verdictAccuracy } from "./metrics";

const labelFile = z.object({
  good_match_min_grade: z.number().int(),
  needs: z.array(
    z.object({
      need: z.string(),
      split: z.enum(["dev", "test"]),
      fit: z.boolean(),
      results: z.record(z.string(), z.number().int().min(0).max(3)),
    }),
  ),
});
export type LabelSet = z.infer<typeof labelFile>;

export const LABELS_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), "labels.json");

export function loadLabels(file = LABELS_PATH): LabelSet {
  return labelFile.parse(JSON.parse(readFileSync(file, "utf8")));
}

export type Split = "dev" | "test" | "all";

/** One labelled need's outcome. */
export type NeedRun = {
  need: string;
  split: "dev" | "test";
  hasGoodMatch: boolean;
  judged: Map<string, number>;
  /** the matcher's shown list (labelled strong/possible/weak), best first */
  shown: string[];
  /** every candidate the matcher scored, best first, with scores (threshold calibration) */
  scored: Array<{ ref: string; score: number }>;
  saidHasMatch: boolean;
  baseline: string[];
  ms: number;
};

const STAFF = { role: "organizer" as const, orgIds: [] as number[] };

/** Runs the matcher and the baseline for every labelled need. */
export async function runNeeds(labels: LabelSet, onNeed?: (r: NeedRun) => void, opts: { history?: boolean } = {}): Promise<NeedRun[]> {
  const out: NeedRun[] = [];
  const index = getMeili().index(indexUid("results"));
  for (const l of labels.needs) {
    const judged = new Map(Object.entries(l.results));
    const started = performance.now();
    const m = await matchesForNeed(l.need, STAFF, { kinds: ["result"], all: true, limit: 50, history: opts.history });
    const ms = performance.now() - started;
    const shown = m.items.filter((i) => i.label !== null).map((i) => i.ref);
    const saidHasMatch = m.items.some((i) => i.label === "strong" || i.label === "possible");
    // The baseline query: title and description, as one plain query.
    const [need] = await sql<{ title: string; description: string }[]>`select title, description from need where ref = ${l.need}`;
    const q = need ? `${need.title} ${need.description}` : "";
    const base = await index.search(q, { limit: 10, filter: ["status = published"], attributesToRetrieve: ["ref"] });
    const run: NeedRun = {
      need: l.need,
      split: l.split,
      hasGoodMatch: [...judged.values()].some((g) => g >= labels.good_match_min_grade),
      judged,
      shown,
      scored: m.items.map((i) => ({ ref: i.ref, score: i.score })),
      saidHasMatch,
      baseline: base.hits.map((h) => String(h.ref)),
      ms,
    };
    out.push(run);
    onNeed?.(run);
  }
  return out;
}

export type Metrics = {
  needs: number;
  /** needs with a good match: nDCG@10, Recall@10, MRR (the primary figures) */
  ndcg10: number | null;
  recall10: number | null;
  mrr: number | null;
  /** nDCG@10 over every need with any relevant (≥ 1) label, incl. partial matches of needs without a fit */
  ndcg10AnyRelevant: number | null;
};

function metricsOf(runs: readonly NeedRun[], list: (r: NeedRun) => string[], minGrade: number): Metrics {
  const good = runs.filter((r) => r.hasGoodMatch);
  return {
    needs: runs.length,
    ndcg10: mean(good.map((r) => ndcgAt(list(r), r.judged, 10))),
    recall10: mean(good.map((r) => recallAt(list(r), r.judged, 10, minGrade))),
    mrr: mean(good.map((r) => reciprocalRank(list(r), r.judged, minGrade))),
    ndcg10AnyRelevant: mean(runs.map((r) => ndcgAt(list(r), r.judged, 10))),
  };
}

export type QualityReport = {
  split: Split;
  matcher: Metrics;
  baseline: Metrics;
  verdict: ReturnType<typeof verdictAccuracy>;
};

export function report(runs: readonly NeedRun[], split: Split, minGrade: number): QualityReport {
  const rs = split === "all" ? runs : runs.filter((r) => r.split === split);
  return {
    split,
    matcher: metricsOf(rs, (r) => r.shown, minGrade),
    baseline: metricsOf(rs, (r) => r.baseline, minGrade),
    verdict: verdictAccuracy(rs.map((r) => ({ truthHasMatch: r.hasGoodMatch, saidHasMatch: r.saidHasMatch }))),
  };
}

/**
 * The dataset's own answer key (db/seeds/demo/README.md, "intended fits"): need ref → fitting
 * result refs. Used for a second check on the needs outside the labelled set.
 */
export function answerKey(readme = path.join(path.dirname(LABELS_PATH), "../../../db/seeds/demo/README.md")): Map<string, string[]> {
  const key = new Map<string, string[]>();
  for (const m of readFileSync(readme, "utf8").matchAll(/^\| (N\d+) \|.*\| (R\d+(?:, R\d+)*) \|$/gm)) key.set(m[1], m[2].split(", "));
  return key;
}

/** Rank of the first intended fit in the matcher's shown list, for answer-key needs outside the labels. */
export async function answerKeyCheck(labels: LabelSet): Promise<{ needs: number; top1: number; top3: number; top10: number; mrr: number; saidMatch: number }> {
  const labelled = new Set(labels.needs.map((n) => n.need));
  let n = 0, top1 = 0, top3 = 0, top10 = 0, rr = 0, said = 0;
  for (const [need, fits] of answerKey()) {
    if (labelled.has(need)) continue;
    const m = await matchesForNeed(need, STAFF, { kinds: ["result"], limit: 10 });
    const rank = m.items.findIndex((i) => fits.includes(i.ref)) + 1;
    n++;
    if (rank === 1) top1++;
    if (rank >= 1 && rank <= 3) top3++;
    if (rank >= 1) top10++;
    if (rank >= 1) rr += 1 / rank;
    if (m.items.some((i) => i.label === "strong" || i.label === "possible")) said++;
  }
  return { needs: n, top1: top1 / n, top3: top3 / n, top10: top10 / n, mrr: rr / n, saidMatch: said / n };
}

/**
 * Threshold sweep on one split: for each candidate "possible" threshold, the verdict accuracy
 * if a need is said to have a match when its best score reaches it. Used to calibrate
 * THRESHOLDS on the dev half (the bench prints it; the constants are set by hand from it).
 */
export function sweepVerdict(runs: readonly NeedRun[], split: Split) {
  const rs = split === "all" ? runs : runs.filter((r) => r.split === split);
  const best = rs.map((r) => ({ truth: r.hasGoodMatch, top: r.scored[0]?.score ?? 0 }));
  const rows: Array<{ threshold: number; accuracy: number }> = [];
  for (let t = 0.3; t <= 0.9001; t += 0.025) {
    const ok = best.filter((b) => (b.top >= t) === b.truth).length;
    rows.push({ threshold: Number(t.toFixed(3)), accuracy: ok / best.length });
  }
  return { current: THRESHOLDS.possible, rows };
}
