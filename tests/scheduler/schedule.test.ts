import { describe, expect, it } from "vitest";
import { requestValue, schedule } from "~/scheduler/schedule";
import { randomInstance, rng, talentFair } from "~/scheduler/synthetic";
import type { ScheduleInput, SlotIn, TableIn } from "~/scheduler/types";
import { violations } from "./invariants";

const MIN = 60_000;
const slot = (i: number): SlotIn => ({ id: 10 + i, startsAt: i * 30 * MIN, endsAt: i * 30 * MIN + 25 * MIN });
const slots = (n: number) => Array.from({ length: n }, (_, i) => slot(i));
const tables = (...caps: number[]): TableIn[] => caps.map((capacity, i) => ({ id: 100 + i, capacity }));
const people = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1, availability: null }));

function run(input: ScheduleInput) {
  const result = schedule(input, { improveMs: 10_000 });
  expect(violations(input, result)).toEqual([]);
  return result;
}

describe("scheduler: invariants on random instances (seeded)", () => {
  it("is clash-free, inside availability and capacity, keeps fixed meetings, reports every unplaced request, and is maximal", () => {
    let placedSomething = 0;
    let reportedSomething = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const input = randomInstance(seed);
      const result = schedule(input);
      const v = violations(input, result);
      if (v.length) throw new Error(`seed ${seed}: ${v.join("; ")}`);
      placedSomething += result.placements.length;
      reportedSomething += result.unplaced.length;
    }
    // the generator really exercises both sides
    expect(placedSomething).toBeGreaterThan(400);
    expect(reportedSomething).toBeGreaterThan(400);
  });

  it("the invariant checker itself catches a double-booked participant and an over-full table", () => {
    const input: ScheduleInput = {
      slots: slots(1),
      tables: tables(2, 2),
      participants: people(3),
      requests: [
        { id: 1, parties: [1, 2], value: 5 },
        { id: 2, parties: [1, 3], value: 5 },
      ],
    };
    const bad = { placements: [{ requestId: 1, slotId: 10, tableId: 100 }, { requestId: 2, slotId: 10, tableId: 100 }], unplaced: [], placedValue: 10, greedyValue: 10, passes: 0 };
    const v = violations(input, bad);
    expect(v.some((x) => x.includes("two places"))).toBe(true);
    expect(v.some((x) => x.includes("two meetings"))).toBe(true);
  });

  it("is deterministic", () => {
    const input = randomInstance(77);
    expect(schedule(input)).toEqual(schedule(input));
    const fair = talentFair({ seed: 3, experts: 60, enterprises: 20, requests: 200, slots: 8, tables: 8 });
    expect(schedule(fair).placements).toEqual(schedule(fair).placements);
  });
});

/** The best schedule's value by exhaustive search (tiny instances only). */
function optimum(input: ScheduleInput): number {
  const fixedBusy = new Set<string>();
  const pinned = new Set<string>();
  for (const f of input.fixed ?? []) {
    pinned.add(`${f.tableId}@${f.slotId}`);
    for (const p of f.parties) fixedBusy.add(`${p}@${f.slotId}`);
  }
  for (const p of input.participants) for (const sid of p.busySlots ?? []) fixedBusy.add(`${p.id}@${sid}`);
  const parts = new Map(input.participants.map((p) => [p.id, p]));
  const inside = (pid: number, s: SlotIn) => {
    const r = parts.get(pid)?.availability;
    return !r || r.length === 0 || r.some((x) => x.start <= s.startsAt && s.endsAt <= x.end);
  };
  const reqs = input.requests.filter((r) => new Set(r.parties).size === r.parties.length && r.parties.length >= 2 && r.parties.every((p) => parts.has(p)));
  const seat = new Set<string>();
  const sizes = new Map<number, number[]>(input.slots.map((s) => [s.id, []]));
  const free = new Map(input.slots.map((s) => [s.id, input.tables.filter((t) => !pinned.has(`${t.id}@${s.id}`)).map((t) => t.capacity).sort((a, b) => b - a)]));
  const fits = (sid: number) => {
    const z = [...sizes.get(sid)!].sort((a, b) => b - a);
    const c = free.get(sid)!;
    return z.length <= c.length && z.every((k, i) => k <= c[i]);
  };
  let best = 0;
  const go = (i: number, value: number) => {
    if (i === reqs.length) {
      best = Math.max(best, value);
      return;
    }
    go(i + 1, value);
    const r = reqs[i];
    for (const s of input.slots) {
      if (!r.parties.every((p) => inside(p, s) && !fixedBusy.has(`${p}@${s.id}`) && !seat.has(`${p}@${s.id}`))) continue;
      sizes.get(s.id)!.push(r.parties.length);
      if (fits(s.id)) {
        r.parties.forEach((p) => seat.add(`${p}@${s.id}`));
        go(i + 1, value + r.value);
        r.parties.forEach((p) => seat.delete(`${p}@${s.id}`));
      }
      sizes.get(s.id)!.pop();
    }
  };
  go(0, 0);
  return best;
}

describe("scheduler: value against the exact optimum (tiny instances)", () => {
  it("never exceeds the optimum and reaches ≥ 97% of it in total over 150 instances", () => {
    let got = 0;
    let best = 0;
    let optimalCount = 0;
    const rand = rng(9);
    for (let k = 0; k < 150; k++) {
      const input = randomInstance(10_000 + Math.floor(rand() * 1e6));
      input.requests = input.requests.slice(0, 7);
      input.slots = input.slots.slice(0, 4);
      input.fixed = (input.fixed ?? []).filter((f) => input.slots.some((s) => s.id === f.slotId));
      const result = run(input);
      const opt = optimum(input);
      expect(result.placedValue).toBeLessThanOrEqual(opt + 1e-9);
      got += result.placedValue;
      best += opt;
      if (Math.abs(result.placedValue - opt) < 1e-9) optimalCount++;
    }
    expect(best).toBeGreaterThan(0);
    expect(got / best).toBeGreaterThanOrEqual(0.97);
    expect(optimalCount).toBeGreaterThan(100);
  });
});

describe("scheduler: rules one at a time", () => {
  it("places the most valuable meeting when only one fits", () => {
    const input: ScheduleInput = {
      slots: slots(1),
      tables: tables(2),
      participants: people(4),
      requests: [
        { id: 1, parties: [1, 2], value: 10 },
        { id: 2, parties: [3, 4], value: 30 },
        { id: 3, parties: [1, 4], value: 20 },
      ],
    };
    const r = run(input);
    expect(r.placements).toEqual([{ requestId: 2, slotId: 10, tableId: 100 }]);
    expect(r.unplaced.map((u) => [u.requestId, u.reason])).toEqual([
      [1, "no_free_table"],
      [3, "parties_busy"],
    ]);
  });

  it("keeps a participant inside their availability (leaves at lunch)", () => {
    const s = slots(4);
    const input: ScheduleInput = {
      slots: s,
      tables: tables(2),
      participants: [
        { id: 1, availability: [{ start: s[0].startsAt, end: s[1].endsAt }] },
        { id: 2, availability: null },
        { id: 3, availability: [{ start: s[3].startsAt, end: s[3].endsAt }] },
      ],
      requests: [
        { id: 1, parties: [1, 2], value: 5 },
        { id: 2, parties: [2, 3], value: 5 },
        { id: 3, parties: [1, 3], value: 50 },
      ],
    };
    const r = run(input);
    const at = new Map(r.placements.map((p) => [p.requestId, p.slotId]));
    expect([10, 11]).toContain(at.get(1));
    expect(at.get(2)).toBe(13);
    expect(r.unplaced).toEqual([{ requestId: 3, reason: "no_common_slot", participants: [] }]);
  });

  it("a slot that only partly overlaps an availability range is not usable", () => {
    const s = slots(2);
    const input: ScheduleInput = {
      slots: s,
      tables: tables(2),
      participants: [{ id: 1, availability: [{ start: s[0].startsAt + 5 * MIN, end: s[1].startsAt + 10 * MIN }] }, { id: 2 }],
      requests: [{ id: 1, parties: [1, 2], value: 5 }],
    };
    const r = run(input);
    expect(r.unplaced).toEqual([{ requestId: 1, reason: "party_unavailable", participants: [1] }]);
  });

  it("seats a group only at a table big enough, and moves a pair off the big table to make room", () => {
    const input: ScheduleInput = {
      slots: slots(1),
      tables: tables(4, 2),
      participants: people(6),
      requests: [
        { id: 1, parties: [1, 2], value: 100 }, // placed first, must not block the group
        { id: 2, parties: [3, 4, 5, 6], value: 10 },
      ],
    };
    const r = run(input);
    expect(r.placements).toEqual([
      { requestId: 1, slotId: 10, tableId: 101 },
      { requestId: 2, slotId: 10, tableId: 100 },
    ]);
  });

  it("reports a group larger than every table", () => {
    const input: ScheduleInput = { slots: slots(2), tables: tables(2, 4), participants: people(5), requests: [{ id: 1, parties: [1, 2, 3, 4, 5], value: 9 }] };
    expect(run(input).unplaced).toEqual([{ requestId: 1, reason: "no_table_big_enough", participants: [] }]);
  });

  it("keeps fixed meetings: their tables and people stay taken, their requests are not placed again", () => {
    const input: ScheduleInput = {
      slots: slots(2),
      tables: tables(2),
      participants: people(4),
      requests: [
        { id: 1, parties: [1, 2], value: 100 },
        { id: 2, parties: [1, 3], value: 50 },
        { id: 3, parties: [1, 4], value: 40 },
        { id: 4, parties: [2, 4], value: 30 },
      ],
      fixed: [{ id: 77, requestId: 1, slotId: 10, tableId: 100, parties: [1, 2] }],
    };
    const r = run(input);
    expect(r.placements).toEqual([{ requestId: 2, slotId: 11, tableId: 100 }]);
    expect(r.unplaced).toEqual([
      { requestId: 3, reason: "parties_busy", participants: [1] },
      { requestId: 4, reason: "no_free_table", participants: [] },
    ]);
  });

  it("improves on the greedy choice by moving a placed meeting (relocation)", () => {
    // greedy puts request 1 (most valuable) in the least-demanded slot; request 2 can only use
    // slot 11 and must still be placed — 1 moves to 10 if it went to 11
    const s = slots(2);
    const input: ScheduleInput = {
      slots: s,
      tables: tables(2),
      participants: [{ id: 1 }, { id: 2 }, { id: 3, availability: [{ start: s[1].startsAt, end: s[1].endsAt }] }, { id: 4 }],
      requests: [
        { id: 1, parties: [1, 2], value: 100 },
        { id: 2, parties: [3, 4], value: 60 },
      ],
    };
    const r = run(input);
    expect(r.placements.map((p) => [p.requestId, p.slotId]).sort()).toEqual([
      [1, 10],
      [2, 11],
    ]);
    expect(r.placedValue).toBe(160);
  });

  it("respects a participant's already-busy slots (a talk on stage)", () => {
    const input: ScheduleInput = {
      slots: slots(2),
      tables: tables(2, 2),
      participants: [{ id: 1, busySlots: [10] }, { id: 2 }, { id: 3, busySlots: [10, 11] }],
      requests: [
        { id: 1, parties: [1, 2], value: 5 },
        { id: 2, parties: [2, 3], value: 9 },
      ],
    };
    const r = run(input);
    expect(r.placements.map((p) => [p.requestId, p.slotId])).toEqual([[1, 11]]);
    expect(r.unplaced).toEqual([{ requestId: 2, reason: "parties_busy", participants: [2, 3] }]);
  });

  it("reports missing and invalid parties with the participant named", () => {
    const input: ScheduleInput = {
      slots: slots(1),
      tables: tables(2),
      participants: people(2),
      requests: [
        { id: 1, parties: [1, 99], value: 5 },
        { id: 2, parties: [1], value: 5 },
        { id: 3, parties: [1, 1], value: 5 },
        { id: 4, parties: [1, 2], value: 0 },
      ],
    };
    const r = run(input);
    expect(r.unplaced).toEqual([
      { requestId: 1, reason: "party_not_participant", participants: [99] },
      { requestId: 2, reason: "invalid_request", participants: [] },
      { requestId: 3, reason: "invalid_request", participants: [] },
      { requestId: 4, reason: "invalid_request", participants: [] },
    ]);
  });

  it("refuses fixed meetings that clash or name unknown slots (the caller's data is broken)", () => {
    const base: ScheduleInput = { slots: slots(1), tables: tables(2, 2), participants: people(3), requests: [] };
    expect(() =>
      schedule({
        ...base,
        fixed: [
          { id: 1, slotId: 10, tableId: 100, parties: [1, 2] },
          { id: 2, slotId: 10, tableId: 101, parties: [1, 3] },
        ],
      }),
    ).toThrow(/clash/);
    expect(() => schedule({ ...base, fixed: [{ id: 1, slotId: 99, tableId: 100, parties: [1, 2] }] })).toThrow(/unknown slot/);
  });

  it("an empty event yields an empty schedule", () => {
    const r = run({ slots: [], tables: [], participants: [], requests: [] });
    expect(r).toMatchObject({ placements: [], unplaced: [], placedValue: 0 });
  });
});

describe("requestValue", () => {
  it("grows with the match score and with both sides' priority, and stays positive", () => {
    expect(requestValue(0.9)).toBeGreaterThan(requestValue(0.5));
    expect(requestValue(null)).toBe(requestValue(0.5));
    expect(requestValue(0.5, 0, [3, 0])).toBeGreaterThan(requestValue(0.5, 0, [0, 0]));
    expect(requestValue(0.5, 2, [])).toBeGreaterThan(requestValue(0.5));
    expect(requestValue(0, -10, [-10, -10])).toBeGreaterThan(0);
    expect(requestValue(7)).toBe(requestValue(1));
  });
});
