import { describe, expect, it } from "vitest";
import { schedule } from "~/scheduler/schedule";
import { randomInstance, talentFair } from "~/scheduler/synthetic";
import { buildLp, lpBound } from "../../scripts/schedule-bound";

describe("LP upper bound (scripts/schedule-bound.ts, HiGHS)", () => {
  it("is at least the scheduler's value on random instances and on a small fair", async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const input = randomInstance(seed);
      const placed = schedule(input).placedValue;
      const bound = await lpBound(input);
      expect(bound.value + 1e-6).toBeGreaterThanOrEqual(placed);
    }
    const fair = talentFair({ seed: 5, experts: 90, enterprises: 30, requests: 300, slots: 8, tables: 12 });
    const placed = schedule(fair).placedValue;
    const bound = await lpBound(fair);
    expect(bound.value + 1e-6).toBeGreaterThanOrEqual(placed);
    // and it is a useful bound, not a trivial one (Σ of all values)
    expect(bound.value).toBeLessThan(fair.requests.reduce((a, r) => a + r.value, 0) * 0.9);
  });

  it("counts tables: two meetings in a slot with one table bound the value by the better one", async () => {
    const input = {
      slots: [{ id: 1, startsAt: 0, endsAt: 1000 }],
      tables: [{ id: 1, capacity: 2 }],
      participants: [1, 2, 3, 4].map((id) => ({ id })),
      requests: [
        { id: 1, parties: [1, 2], value: 10 },
        { id: 2, parties: [3, 4], value: 7 },
      ],
    };
    expect((await lpBound(input)).value).toBeCloseTo(10, 6);
    expect(buildLp(input).constraints).toBe(1);
  });

  it("counts big tables: a group needs a big table even when small ones are free", async () => {
    const input = {
      slots: [{ id: 1, startsAt: 0, endsAt: 1000 }],
      tables: [
        { id: 1, capacity: 4 },
        { id: 2, capacity: 2 },
        { id: 3, capacity: 2 },
      ],
      participants: [1, 2, 3, 4, 5, 6, 7, 8].map((id) => ({ id })),
      requests: [
        { id: 1, parties: [1, 2, 3], value: 10 },
        { id: 2, parties: [4, 5, 6], value: 9 },
        { id: 3, parties: [7, 8], value: 1 },
      ],
    };
    expect((await lpBound(input)).value).toBeCloseTo(11, 6);
    expect(schedule(input).placedValue).toBe(11);
  });
});
