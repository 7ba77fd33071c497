// Synthetic scheduling instances for the bench (npm run bench:schedule) and the property tests:
// a seeded random talent fair. Pure and deterministic for a given seed.

import { requestValue } from "./schedule";
import type { FixedIn, ParticipantIn, Range, RequestIn, ScheduleInput, SlotIn, TableIn } from "./types";

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FairOptions = {
  seed?: number;
  experts?: number;
  enterprises?: number;
  requests?: number;
  slots?: number;
  tables?: number;
  /** share of group requests (one enterprise with two or three experts) */
  groupShare?: number;
};

const MIN = 60_000;
/** 2026-11-20 00:00 Beijing time (UTC+8) */
const DAY = Date.UTC(2026, 10, 19, 16, 0);

/**
 * A talent fair: half the slots in the morning from 09:00, half in the afternoon from 13:30,
 * 20 minutes each. Tables: 70% two-seat, 22% four-seat, the rest six-seat rooms. Participants:
 * enterprises first (ids 1..E), then experts; 70% stay all day, 12% leave at lunch, 10% come
 * for the afternoon, 8% give a window of their own. Requests: an enterprise (popularity skewed)
 * with one expert, or with two or three for a group; match scores skewed towards the middle;
 * some enterprises and experts carry a priority.
 */
export function talentFair(opts: FairOptions = {}): ScheduleInput {
  const rand = rng(opts.seed ?? 1);
  const E = opts.enterprises ?? 200;
  const X = opts.experts ?? 600;
  const nReq = opts.requests ?? 2000;
  const nSlots = opts.slots ?? 16;
  const nTables = opts.tables ?? 80;
  const groupShare = opts.groupShare ?? 0.1;
  const pick = (n: number) => Math.floor(rand() * n);

  const half = Math.ceil(nSlots / 2);
  const slots: SlotIn[] = [];
  for (let i = 0; i < nSlots; i++) {
    const start = DAY + (i < half ? 9 * 60 + i * 20 : 13 * 60 + 30 + (i - half) * 20) * MIN;
    slots.push({ id: 1000 + i, startsAt: start, endsAt: start + 20 * MIN });
  }
  const morning: Range = { start: slots[0].startsAt, end: slots[half - 1].endsAt };
  const afternoon: Range = { start: slots[Math.min(half, nSlots - 1)].startsAt, end: slots[nSlots - 1].endsAt };

  const tables: TableIn[] = [];
  for (let i = 0; i < nTables; i++) {
    const capacity = i < Math.round(nTables * 0.7) ? 2 : i < Math.round(nTables * 0.92) ? 4 : 6;
    tables.push({ id: 5000 + i, capacity });
  }

  const participants: ParticipantIn[] = [];
  const priority = new Map<number, number>();
  for (let id = 1; id <= E + X; id++) {
    const u = rand();
    let availability: Range[] | null = null;
    if (u < 0.7) availability = null;
    else if (u < 0.82) availability = [morning];
    else if (u < 0.92) availability = [afternoon];
    else {
      const from = pick(nSlots - 4);
      const to = Math.min(nSlots - 1, from + 4 + pick(nSlots - from - 4));
      availability = [{ start: slots[from].startsAt, end: slots[to].endsAt }];
    }
    participants.push({ id, availability });
    const pr = rand();
    priority.set(id, pr < 0.05 ? 3 : pr < 0.15 ? 1 : pr > 0.97 ? -2 : 0);
  }

  // enterprise popularity: Zipf-like weights; experts: milder skew
  const entWeights = Array.from({ length: E }, (_, i) => 1 / Math.pow(i + 1, 0.6));
  const expWeights = Array.from({ length: X }, (_, i) => 1 / Math.pow(i + 1, 0.3));
  const sampler = (w: number[]) => {
    const cum: number[] = [];
    let acc = 0;
    for (const x of w) cum.push((acc += x));
    return () => {
      const t = rand() * acc;
      let lo = 0;
      let hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid] < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
  };
  const pickEnt = sampler(entWeights);
  const pickExp = sampler(expWeights);
  const requests: RequestIn[] = [];
  const pairs = new Set<string>();
  let id = 1;
  let guard = 0;
  while (requests.length < nReq && guard++ < nReq * 20) {
    const ent = 1 + pickEnt();
    const k = rand() < groupShare ? 2 + pick(2) : 1;
    const experts = new Set<number>();
    while (experts.size < k) experts.add(E + 1 + pickExp());
    const key = `${ent}:${[...experts].sort().join(",")}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    const parties = [ent, ...experts];
    // scores of accepted suggestions: mostly 0.4–0.9
    const score = Math.min(1, Math.max(0, 0.35 + 0.55 * Math.pow(rand(), 0.8) + (rand() - 0.5) * 0.1));
    const reqPrio = rand() < 0.05 ? 2 : 0;
    requests.push({ id: id++, parties, value: requestValue(score, reqPrio, parties.map((p) => priority.get(p) ?? 0)) });
  }
  return { slots, tables, participants, requests, fixed: [] };
}

/** A small random instance for property tests: random availability, groups, some fixed meetings. */
export function randomInstance(seed: number): ScheduleInput {
  const rand = rng(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const nSlots = 2 + pick(6);
  const nTables = 1 + pick(5);
  const nPart = 3 + pick(14);
  const slots: SlotIn[] = Array.from({ length: nSlots }, (_, i) => ({ id: 100 + i, startsAt: i * 30 * MIN, endsAt: i * 30 * MIN + 25 * MIN }));
  const tables: TableIn[] = Array.from({ length: nTables }, (_, i) => ({ id: 200 + i, capacity: 2 + pick(3) }));
  const participants: ParticipantIn[] = Array.from({ length: nPart }, (_, i) => {
    // now and then busy elsewhere in one slot (a talk on stage)
    const busySlots = rand() < 0.15 ? [slots[pick(nSlots)].id] : null;
    if (rand() < 0.5) return { id: 1 + i, availability: null, busySlots };
    const a = pick(nSlots);
    const b = a + pick(nSlots - a);
    return { id: 1 + i, availability: [{ start: slots[a].startsAt, end: slots[b].endsAt }], busySlots };
  });
  // some fixed meetings, clash-free by construction
  const fixed: FixedIn[] = [];
  const busy = new Set<string>();
  const pinned = new Set<string>();
  for (let k = 0; k < pick(4); k++) {
    const s = slots[pick(nSlots)].id;
    const t = tables[pick(nTables)];
    const a = 1 + pick(nPart);
    const b = 1 + pick(nPart);
    if (a === b || busy.has(`${a}@${s}`) || busy.has(`${b}@${s}`) || pinned.has(`${t.id}@${s}`)) continue;
    busy.add(`${a}@${s}`);
    busy.add(`${b}@${s}`);
    pinned.add(`${t.id}@${s}`);
    fixed.push({ id: 900 + k, slotId: s, tableId: t.id, parties: [a, b] });
  }
  const requests: RequestIn[] = [];
  const nReq = 1 + pick(25);
  for (let i = 0; i < nReq; i++) {
    const size = rand() < 0.8 ? 2 : 3 + pick(3);
    const parties = new Set<number>();
    let tries = 0;
    while (parties.size < Math.min(size, nPart) && tries++ < 50) parties.add(1 + pick(nPart + (rand() < 0.03 ? 2 : 0)));
    requests.push({ id: 1 + i, parties: [...parties], value: 1 + pick(100) });
  }
  return { slots, tables, participants, requests, fixed };
}
