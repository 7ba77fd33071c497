// The meeting scheduler: accepted requests → (slot, table), maximizing the total value placed.
// Pure: no database, no I/O, deterministic for a given input (ties broken by ids). The
// objective, the algorithm and its bound are in docs/decisions/045-scheduler.md.
//
// Model. A request r has parties P(r) and value v(r). Its candidate slots F(r) are the slots
// where every party is available, none sits in a fixed (kept) meeting, and some table not taken
// by a fixed meeting is big enough. A placement must keep: each participant in at most one
// meeting per slot; at most one meeting per table per slot; table capacity ≥ party size.
//
// Tables are interchangeable up to capacity, so during the search a slot is only a multiset of
// meeting sizes; a slot can host it iff, both sorted descending, the i-th largest meeting fits
// the i-th largest free table (Hall's condition for "table ≥ size"). Concrete tables are
// assigned at the end, largest meeting first, each to the smallest free table that fits.
//
// Phase 1, greedy: requests by value (descending; ties: fewer candidate slots first), each to
// the candidate slot where it fits now and costs the least "pressure" — the expected demand of
// the still-unprocessed requests on its parties' time and on the slot's tables.
// Phase 2, improvement, until nothing improves or the time budget ends, over the unplaced
// requests by value: (a) insert directly; (b) relocate: take a slot, move the (at most two)
// meetings that block it — sharing a party, or holding the last big-enough table — to other
// slots where they fit, place the request; (c) eject: if the request is worth more than the
// cheapest set of blockers of some slot, put it there and try to re-place the ejected ones.
// (a) and (b) add value, (c) adds v(r) − Σ blockers > 0, so the search cannot cycle.
// The result is maximal: no unplaced request could be inserted as things stand.

import type {
  FixedIn,
  Placement,
  RequestIn,
  ScheduleInput,
  ScheduleOptions,
  ScheduleResult,
  Unplaced,
  UnplacedReason,
} from "./types";

export * from "./types";

/**
 * A request's value for the scheduler: match strength and both sides' priority.
 * score in [0, 1] (null: no suggestion score, counted as 0.5); priorities in [−10, 10] (the
 * request's own, set by the organizer, and each party's). Base 10 + 90·score, scaled by
 * 1 + 0.05·(request priority + sum of party priorities), never below a tenth of the base.
 */
export function requestValue(score: number | null | undefined, requestPriority = 0, partyPriorities: readonly number[] = []): number {
  const s = score == null || !Number.isFinite(score) ? 0.5 : Math.min(1, Math.max(0, score));
  const base = 10 + 90 * s;
  const prio = requestPriority + partyPriorities.reduce((a, b) => a + b, 0);
  const factor = Math.max(0.1, 1 + 0.05 * prio);
  return Math.round(base * factor * 100) / 100;
}

type Prepared = {
  id: number;
  value: number;
  parties: number[]; // participant indices
  size: number;
  cand: number[]; // candidate slot indices
  reason: UnplacedReason | null; // set when it can never be placed
  reasonParticipants: number[]; // participant ids
};

export function schedule(input: ScheduleInput, options: ScheduleOptions = {}): ScheduleResult {
  const improveMs = options.improveMs ?? 2000;
  const maxPasses = options.maxPasses ?? 50;

  // ------------------------------------------------------------ index the input
  const slots = [...input.slots].sort((a, b) => a.startsAt - b.startsAt || a.id - b.id);
  const S = slots.length;
  const slotIx = new Map<number, number>();
  slots.forEach((s, i) => {
    if (slotIx.has(s.id)) throw new Error(`slot ${s.id} given twice`);
    slotIx.set(s.id, i);
  });
  const tables = input.tables.map((t, order) => ({ ...t, order }));
  const tableIx = new Map<number, number>();
  tables.forEach((t, i) => {
    if (tableIx.has(t.id)) throw new Error(`table ${t.id} given twice`);
    tableIx.set(t.id, i);
  });
  const partIx = new Map<number, number>();
  input.participants.forEach((p, i) => {
    if (partIx.has(p.id)) throw new Error(`participant ${p.id} given twice`);
    partIx.set(p.id, i);
  });
  const P = input.participants.length;

  // available[p*S+s]: the slot lies inside one of the participant's ranges (or no ranges given)
  const available = new Uint8Array(P * S);
  input.participants.forEach((p, i) => {
    const ranges = p.availability;
    for (let s = 0; s < S; s++) {
      const slot = slots[s];
      available[i * S + s] = !ranges || ranges.length === 0 || ranges.some((r) => r.start <= slot.startsAt && slot.endsAt <= r.end) ? 1 : 0;
    }
  });

  // fixed meetings: their parties are busy, their tables taken
  const fixedBusy = new Uint8Array(P * S);
  const tablePinned = new Uint8Array(tables.length * S);
  const fixedRequests = new Set<number>();
  for (const f of input.fixed ?? []) {
    const s = slotIx.get(f.slotId);
    const t = tableIx.get(f.tableId);
    if (s === undefined) throw new Error(`fixed meeting ${f.id}: unknown slot ${f.slotId}`);
    if (t === undefined) throw new Error(`fixed meeting ${f.id}: unknown table ${f.tableId}`);
    if (tablePinned[t * S + s]) throw new Error(`fixed meetings clash at table ${f.tableId}, slot ${f.slotId}`);
    tablePinned[t * S + s] = 1;
    for (const pid of f.parties) {
      const p = partIx.get(pid);
      if (p === undefined) continue; // no longer a participant: busy for nobody we schedule
      if (fixedBusy[p * S + s]) throw new Error(`fixed meetings clash: participant ${pid} twice in slot ${f.slotId}`);
      fixedBusy[p * S + s] = 1;
    }
    if (f.requestId != null) fixedRequests.add(f.requestId);
  }
  input.participants.forEach((p, i) => {
    for (const sid of p.busySlots ?? []) {
      const s = slotIx.get(sid);
      if (s !== undefined) fixedBusy[i * S + s] = 1;
    }
  });
  // free capacities per slot, descending
  const freeCaps: number[][] = [];
  for (let s = 0; s < S; s++) {
    const caps: number[] = [];
    tables.forEach((t, i) => {
      if (!tablePinned[i * S + s]) caps.push(t.capacity);
    });
    freeCaps.push(caps.sort((a, b) => b - a));
  }
  const maxCapacity = tables.reduce((m, t) => Math.max(m, t.capacity), 0);

  // ------------------------------------------------------------ prepare requests
  const seen = new Set<number>();
  const reqs: Prepared[] = [];
  for (const r of input.requests) {
    if (fixedRequests.has(r.id)) continue; // already has a live meeting
    if (seen.has(r.id)) throw new Error(`request ${r.id} given twice`);
    seen.add(r.id);
    const pr: Prepared = { id: r.id, value: r.value, parties: [], size: 0, cand: [], reason: null, reasonParticipants: [] };
    reqs.push(pr);
    const distinct = [...new Set(r.parties)];
    if (distinct.length < 2 || distinct.length !== r.parties.length || !(r.value > 0)) {
      pr.reason = "invalid_request";
      continue;
    }
    const missing = distinct.filter((pid) => !partIx.has(pid));
    if (missing.length) {
      pr.reason = "party_not_participant";
      pr.reasonParticipants = missing;
      continue;
    }
    pr.parties = distinct.map((pid) => partIx.get(pid)!);
    pr.size = distinct.length;
    if (pr.size > maxCapacity) {
      pr.reason = "no_table_big_enough";
      continue;
    }
    const never = pr.parties.filter((p) => !available.subarray(p * S, p * S + S).some((a) => a === 1));
    if (never.length) {
      pr.reason = "party_unavailable";
      pr.reasonParticipants = never.map((p) => input.participants[p].id);
      continue;
    }
    for (let s = 0; s < S; s++) {
      if (freeCaps[s].length === 0 || freeCaps[s][0] < pr.size) continue;
      if (pr.parties.every((p) => available[p * S + s] && !fixedBusy[p * S + s])) pr.cand.push(s);
    }
    if (!Array.from({ length: S }, (_, s) => s).some((s) => pr.parties.every((p) => available[p * S + s]))) {
      pr.reason = "no_common_slot";
    }
  }
  const R = reqs.length;

  // ------------------------------------------------------------ state
  const slotOf = new Int32Array(R).fill(-1);
  const occ = new Int32Array(P * S).fill(-1); // request index sitting there
  const sizes: number[][] = Array.from({ length: S }, () => []); // desc
  const members: Set<number>[] = Array.from({ length: S }, () => new Set());
  let total = 0;

  function canAdd(s: number, k: number): boolean {
    const caps = freeCaps[s];
    const sz = sizes[s];
    const n = sz.length + 1;
    if (n > caps.length) return false;
    let j = 0;
    let inserted = false;
    for (let i = 0; i < n; i++) {
      let cur: number;
      if (!inserted && (j >= sz.length || k >= sz[j])) {
        cur = k;
        inserted = true;
      } else cur = sz[j++];
      if (cur > caps[i]) return false;
    }
    return true;
  }
  function partiesFree(r: number, s: number): boolean {
    for (const p of reqs[r].parties) if (occ[p * S + s] !== -1) return false;
    return true;
  }
  function place(r: number, s: number) {
    const q = reqs[r];
    slotOf[r] = s;
    for (const p of q.parties) occ[p * S + s] = r;
    const sz = sizes[s];
    let i = 0;
    while (i < sz.length && sz[i] >= q.size) i++;
    sz.splice(i, 0, q.size);
    members[s].add(r);
    total += q.value;
  }
  function remove(r: number) {
    const q = reqs[r];
    const s = slotOf[r];
    slotOf[r] = -1;
    for (const p of q.parties) occ[p * S + s] = -1;
    const sz = sizes[s];
    sz.splice(sz.indexOf(q.size), 1);
    members[s].delete(r);
    total -= q.value;
  }

  // ------------------------------------------------------------ phase 1: greedy
  const partyDemand = new Float64Array(P * S);
  const tableDemand = new Float64Array(S);
  const demand = (r: number, sign: 1 | -1) => {
    const q = reqs[r];
    if (!q.cand.length) return;
    const w = sign / q.cand.length;
    for (const s of q.cand) {
      tableDemand[s] += w;
      for (const p of q.parties) partyDemand[p * S + s] += w;
    }
  };
  const live: number[] = [];
  for (let r = 0; r < R; r++) if (!reqs[r].reason && reqs[r].cand.length) live.push(r);
  live.forEach((r) => demand(r, 1));
  const order = [...live].sort((a, b) => reqs[b].value - reqs[a].value || reqs[a].cand.length - reqs[b].cand.length || reqs[a].id - reqs[b].id);

  const bestDirect = (r: number, exclude = -1): number => {
    const q = reqs[r];
    let best = -1;
    let bestScore = Infinity;
    for (const s of q.cand) {
      if (s === exclude || !partiesFree(r, s) || !canAdd(s, q.size)) continue;
      let score = tableDemand[s] / (freeCaps[s].length - sizes[s].length);
      for (const p of q.parties) score += partyDemand[p * S + s];
      if (score < bestScore) {
        bestScore = score;
        best = s;
      }
    }
    return best;
  };
  for (const r of order) {
    demand(r, -1);
    const s = bestDirect(r);
    if (s >= 0) place(r, s);
  }
  const greedyValue = total;

  // ------------------------------------------------------------ phase 2: improvement
  /** The placed meetings that stand in the way of r at slot s (sharing a party), deduplicated. */
  const partyBlockers = (r: number, s: number): number[] => {
    const out: number[] = [];
    for (const p of reqs[r].parties) {
      const o = occ[p * S + s];
      if (o !== -1 && !out.includes(o)) out.push(o);
    }
    return out;
  };
  /** After the party blockers are out: the cheapest meeting whose removal frees a table for r, −1 if none is needed, null if none helps. */
  const tableBlocker = (r: number, s: number): number | null => {
    if (canAdd(s, reqs[r].size)) return -1;
    const byValue = [...members[s]].sort((a, b) => reqs[a].value - reqs[b].value || reqs[a].id - reqs[b].id);
    for (const m of byValue) {
      remove(m);
      const ok = canAdd(s, reqs[r].size);
      place(m, s);
      if (ok) return m;
    }
    return null;
  };

  const MAX_BLOCKERS = 2;
  function tryRelocate(r: number): boolean {
    for (const s of reqs[r].cand) {
      const blockers = partyBlockers(r, s);
      if (blockers.length > MAX_BLOCKERS) continue;
      blockers.forEach(remove);
      const tb = tableBlocker(r, s);
      if (tb === null) {
        blockers.forEach((b) => place(b, s));
        continue;
      }
      if (tb >= 0) {
        remove(tb);
        blockers.push(tb);
      }
      place(r, s);
      const moved: number[] = [];
      for (const b of blockers) {
        const s2 = bestDirect(b, s);
        if (s2 < 0) break;
        place(b, s2);
        moved.push(b);
      }
      if (moved.length === blockers.length) return true;
      moved.forEach(remove);
      remove(r);
      blockers.forEach((b) => place(b, s));
    }
    return false;
  }
  function tryEject(r: number): boolean {
    let bestSlot = -1;
    let bestCost = Infinity;
    for (const s of reqs[r].cand) {
      const blockers = partyBlockers(r, s);
      blockers.forEach(remove);
      const tb = tableBlocker(r, s);
      blockers.forEach((b) => place(b, s));
      if (tb === null) continue;
      let cost = blockers.reduce((a, b) => a + reqs[b].value, 0);
      if (tb >= 0 && !blockers.includes(tb)) cost += reqs[tb].value;
      if (cost < bestCost) {
        bestCost = cost;
        bestSlot = s;
      }
    }
    if (bestSlot < 0 || !(reqs[r].value > bestCost + 1e-9)) return false;
    const s = bestSlot;
    const blockers = partyBlockers(r, s);
    blockers.forEach(remove);
    const tb = tableBlocker(r, s);
    if (tb !== null && tb >= 0) {
      remove(tb);
      blockers.push(tb);
    }
    place(r, s);
    for (const b of blockers) {
      const s2 = bestDirect(b);
      if (s2 >= 0) place(b, s2);
    }
    return true;
  }

  const deadline = performanceNow() + improveMs;
  let passes = 0;
  for (; passes < maxPasses; passes++) {
    let improved = false;
    const unplaced = order.filter((r) => slotOf[r] < 0);
    for (const r of unplaced) {
      if (performanceNow() > deadline) break;
      if (slotOf[r] >= 0) continue;
      const s = bestDirect(r);
      if (s >= 0) {
        place(r, s);
        improved = true;
      } else if (tryRelocate(r) || tryEject(r)) improved = true;
    }
    if (!improved || performanceNow() > deadline) {
      passes++;
      break;
    }
  }
  // maximality: whatever the budget cut short, nothing that fits as things stand stays out
  for (const r of order) {
    if (slotOf[r] >= 0) continue;
    const s = bestDirect(r);
    if (s >= 0) place(r, s);
  }

  // ------------------------------------------------------------ tables, reasons
  const placements: Placement[] = [];
  for (let s = 0; s < S; s++) {
    const free = tables.map((t, i) => ({ ...t, i })).filter((t) => !tablePinned[t.i * S + s]);
    free.sort((a, b) => a.capacity - b.capacity || a.order - b.order);
    const taken = new Uint8Array(free.length);
    const ms = [...members[s]].sort((a, b) => reqs[b].size - reqs[a].size || reqs[b].value - reqs[a].value || reqs[a].id - reqs[b].id);
    for (const m of ms) {
      const k = free.findIndex((t, i) => !taken[i] && t.capacity >= reqs[m].size);
      if (k < 0) throw new Error("scheduler bug: a slot holds more than its tables seat");
      taken[k] = 1;
      placements.push({ requestId: reqs[m].id, slotId: slots[s].id, tableId: free[k].id });
    }
  }
  placements.sort((a, b) => a.requestId - b.requestId);

  const unplaced: Unplaced[] = [];
  for (let r = 0; r < R; r++) {
    const q = reqs[r];
    if (slotOf[r] >= 0) continue;
    if (q.reason) {
      unplaced.push({ requestId: q.id, reason: q.reason, participants: q.reasonParticipants });
      continue;
    }
    // common slots: all parties available
    let tableShort = false;
    const busy = new Set<number>();
    for (let s = 0; s < S; s++) {
      if (!q.parties.every((p) => available[p * S + s])) continue;
      const busyHere = q.parties.filter((p) => fixedBusy[p * S + s] || occ[p * S + s] !== -1);
      if (busyHere.length === 0) tableShort = true;
      else busyHere.forEach((p) => busy.add(input.participants[p].id));
    }
    if (tableShort) unplaced.push({ requestId: q.id, reason: "no_free_table", participants: [] });
    else unplaced.push({ requestId: q.id, reason: "parties_busy", participants: [...busy].sort((a, b) => a - b) });
  }
  unplaced.sort((a, b) => a.requestId - b.requestId);

  return { placements, unplaced, placedValue: round2(total), greedyValue: round2(greedyValue), passes };
}

function round2(x: number) {
  return Math.round(x * 100) / 100;
}

function performanceNow(): number {
  return globalThis.performance?.now() ?? Date.now();
}

/** Re-exported for the DB layer's typing of kept meetings. */
export type { FixedIn, RequestIn };
