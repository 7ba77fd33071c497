import { describe, expect, it } from "vitest";
import { dcg, gain, mean, ndcgAt, recallAt, reciprocalRank, verdictAccuracy } from "../../search/match/eval/metrics";

// The evaluation's metrics on cases small enough to compute by hand.

const judged = new Map([
  ["a", 3],
  ["b", 0],
  ["c", 1],
  ["d", 2],
]);

describe("matching metrics", () => {
  it("gains are 2^grade − 1", () => {
    expect([0, 1, 2, 3].map(gain)).toEqual([0, 1, 3, 7]);
  });

  it("DCG discounts by log2(rank + 1)", () => {
    // 7/1 + 0/log2(3) + 1/log2(4)
    expect(dcg([3, 0, 1], 10)).toBeCloseTo(7.5, 10);
    expect(dcg([3, 0, 1], 1)).toBe(7);
    expect(dcg([], 10)).toBe(0);
  });

  it("nDCG@k divides by the ideal ordering of every judged grade", () => {
    // ideal [3, 2, 1]: 7 + 3/log2(3) + 1/2
    const ideal = 7 + 3 / Math.log2(3) + 0.5;
    expect(ndcgAt(["a", "b", "c"], judged, 10)).toBeCloseTo(7.5 / ideal, 10);
    expect(ndcgAt(["a", "d", "c"], judged, 10)).toBeCloseTo(1, 10);
    // unjudged ids count as 0
    expect(ndcgAt(["x", "a"], judged, 10)).toBeCloseTo(7 / Math.log2(3) / ideal, 10);
    // cut at k = 1: ideal is 7 alone
    expect(ndcgAt(["d", "a"], judged, 1)).toBeCloseTo(3 / 7, 10);
    expect(ndcgAt([], judged, 10)).toBe(0);
  });

  it("nDCG is undefined (null) when nothing is relevant", () => {
    expect(ndcgAt(["a"], new Map([["a", 0]]), 10)).toBeNull();
    expect(ndcgAt(["a"], new Map(), 10)).toBeNull();
  });

  it("Recall@k counts items at or above the relevance grade", () => {
    // relevant (≥ 2): a, d
    expect(recallAt(["a", "b"], judged, 2)).toBe(0.5);
    expect(recallAt(["b", "c", "d", "a"], judged, 3)).toBe(0.5);
    expect(recallAt(["b", "c", "d", "a"], judged, 4)).toBe(1);
    expect(recallAt(["c"], judged, 10, 1)).toBeCloseTo(1 / 3, 10);
    expect(recallAt(["a"], new Map([["a", 1]]), 10)).toBeNull();
  });

  it("reciprocal rank of the first relevant item", () => {
    expect(reciprocalRank(["a", "b"], judged)).toBe(1);
    expect(reciprocalRank(["b", "c", "d"], judged)).toBeCloseTo(1 / 3, 10);
    expect(reciprocalRank(["b", "c"], judged)).toBe(0);
    expect(reciprocalRank(["b", "c"], judged, 1)).toBe(0.5);
    expect(reciprocalRank(["a"], new Map([["a", 1]]))).toBeNull();
  });

  it("mean ignores undefined values", () => {
    expect(mean([1, null, 0.5])).toBe(0.75);
    expect(mean([null])).toBeNull();
    expect(mean([])).toBeNull();
  });

  it("verdict accuracy, overall and on each side", () => {
    const v = verdictAccuracy([
      { truthHasMatch: true, saidHasMatch: true },
      { truthHasMatch: true, saidHasMatch: false },
      { truthHasMatch: false, saidHasMatch: false },
      { truthHasMatch: false, saidHasMatch: false },
      { truthHasMatch: false, saidHasMatch: true },
    ]);
    expect(v).toEqual({ n: 5, accuracy: 3 / 5, matchRecall: 1 / 2, noneRecall: 2 / 3 });
    expect(verdictAccuracy([])).toEqual({ n: 0, accuracy: null, matchRecall: null, noneRecall: null });
  });
});
