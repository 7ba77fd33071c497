/**
 * Ranking metrics for the matching evaluation (bench:match-quality), on graded relevance 0–3.
 * Unjudged items count as 0. Pure functions, unit-tested on hand-computed cases
 * (tests/match/metrics.test.ts).
 */

/** Graded gain, the usual exponential form: grade 3 → 7, 2 → 3, 1 → 1, 0 → 0. */
export function gain(grade: number): number {
  return 2 ** grade - 1;
}

/** DCG of a ranked list of grades, over its first k positions (log2 discount, rank 1 undiscounted). */
export function dcg(grades: readonly number[], k: number): number {
  let s = 0;
  for (let i = 0; i < Math.min(k, grades.length); i++) s += gain(grades[i]) / Math.log2(i + 2);
  return s;
}

/**
 * nDCG@k: DCG of the ranking ÷ DCG of the ideal ranking of every judged grade. `ranked` holds
 * the ids in the order returned; `judged` maps ids to grades. Null when nothing is relevant
 * (the ideal DCG is 0: the measure is undefined, not 0 or 1).
 */
export function ndcgAt(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number | null {
  const ideal = dcg([...judged.values()].filter((g) => g > 0).sort((a, b) => b - a), k);
  if (ideal === 0) return null;
  return dcg(ranked.map((id) => judged.get(id) ?? 0), k) / ideal;
}

/** Recall@k: the share of relevant items (grade ≥ minGrade) found in the first k; null when none is relevant. */
export function recallAt(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number, minGrade = 2): number | null {
  const relevant = [...judged].filter(([, g]) => g >= minGrade).map(([id]) => id);
  if (relevant.length === 0) return null;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

/** Reciprocal rank of the first relevant item (grade ≥ minGrade); 0 if none is ranked; null when none is relevant. */
export function reciprocalRank(ranked: readonly string[], judged: ReadonlyMap<string, number>, minGrade = 2): number | null {
  if (![...judged.values()].some((g) => g >= minGrade)) return null;
  const i = ranked.findIndex((id) => (judged.get(id) ?? 0) >= minGrade);
  return i < 0 ? 0 : 1 / (i + 1);
}

/** Mean of the defined values; null if there are none. */
export function mean(values: ReadonlyArray<number | null>): number | null {
  const xs = values.filter((v): v is number => v !== null);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/**
 * How well a yes/no verdict ("something fits well" vs "nothing fits well") agrees with the truth:
 * accuracy, and the rate on each side (a need with no good match correctly told so = `noneRecall`).
 */
export function verdictAccuracy(cases: ReadonlyArray<{ truthHasMatch: boolean; saidHasMatch: boolean }>) {
  const withMatch = cases.filter((c) => c.truthHasMatch);
  const without = cases.filter((c) => !c.truthHasMatch);
  const rate = (xs: typeof cases) => (xs.length ? xs.filter((c) => c.truthHasMatch === c.saidHasMatch).length / xs.length : null);
  return {
    n: cases.length,
    accuracy: rate(cases),
    /** needs with a good match that got at least one strong/possible suggestion */
    matchRecall: rate(withMatch),
    /** needs with no good match that were told "nothing fits well" */
    noneRecall: rate(without),
  };
}
