/**
 * An upper bound on the best schedule's value: the LP relaxation of the placement problem,
 * solved by HiGHS (npm `highs`, WASM). Used by `npm run bench:schedule` and the scheduler tests;
 * not needed at run time. Why this is a valid bound: docs/decisions/046-schedule-bound.md.
 *
 *   max Σ v_r x_rs   over requests r and their candidate slots s
 *   Σ_s x_rs ≤ 1                                  each request at most once
 *   Σ_{r ∋ p} x_rs ≤ 1                            each participant once per slot
 *   Σ_{r : |r| ≥ k} x_rs ≤ #free tables(s) seating ≥ k   each slot, each party size k in use
 *   0 ≤ x_rs ≤ 1
 *
 * Every schedule is an integral solution of these constraints (a slot's meetings of size ≥ k
 * need distinct tables that seat ≥ k), so the LP optimum is ≥ the best schedule's value.
 * Tables are aggregated per slot: that is exact for integral schedules (Hall's condition on
 * nested "seats ≥ k" sets) and keeps the LP small.
 */
import type { ScheduleInput } from "../app/scheduler/types";

type Highs = { solve: (lp: string, options?: Record<string, unknown>) => { Status: string; ObjectiveValue: number } };
let solver: Promise<Highs> | null = null;
async function highs(): Promise<Highs> {
  // one instance: each loader call compiles the WASM again
  solver ??= import("highs").then((m) => (m.default as unknown as () => Promise<Highs>)());
  return solver;
}

export type Bound = { value: number; variables: number; constraints: number; seconds: number; status: string };

export function buildLp(input: ScheduleInput): { lp: string; variables: number; constraints: number } {
  const slots = [...input.slots].sort((a, b) => a.startsAt - b.startsAt);
  const S = slots.length;
  const parts = new Map(input.participants.map((p) => [p.id, p]));
  const fixedBusy = new Set<string>();
  const pinned = new Set<string>();
  const fixedRequests = new Set<number>();
  for (const f of input.fixed ?? []) {
    pinned.add(`${f.tableId}@${f.slotId}`);
    for (const p of f.parties) fixedBusy.add(`${p}@${f.slotId}`);
    if (f.requestId != null) fixedRequests.add(f.requestId);
  }
  for (const p of input.participants) for (const sid of p.busySlots ?? []) fixedBusy.add(`${p.id}@${sid}`);
  const freeTables = slots.map((s) => input.tables.filter((t) => !pinned.has(`${t.id}@${s.id}`)).map((t) => t.capacity));
  const avail = (pid: number, s: number) => {
    const ranges = parts.get(pid)?.availability;
    const slot = slots[s];
    return !ranges || ranges.length === 0 || ranges.some((r) => r.start <= slot.startsAt && slot.endsAt <= r.end);
  };

  const objective: string[] = [];
  const rows: string[] = [];
  const perParticipantSlot = new Map<string, string[]>();
  const perSlotSize: Map<number, { size: number; v: string }[]> = new Map();
  let variables = 0;
  for (const r of input.requests) {
    if (fixedRequests.has(r.id)) continue;
    const parties = [...new Set(r.parties)];
    if (parties.length < 2 || parties.length !== r.parties.length || !(r.value > 0)) continue;
    if (parties.some((p) => !parts.has(p))) continue;
    const vars: string[] = [];
    for (let s = 0; s < S; s++) {
      const sid = slots[s].id;
      if (!freeTables[s].some((c) => c >= parties.length)) continue;
      if (!parties.every((p) => avail(p, s) && !fixedBusy.has(`${p}@${sid}`))) continue;
      const v = `x${r.id}_${s}`;
      vars.push(v);
      variables++;
      objective.push(`${r.value} ${v}`);
      for (const p of parties) {
        const key = `${p}_${s}`;
        const list = perParticipantSlot.get(key) ?? [];
        list.push(v);
        perParticipantSlot.set(key, list);
      }
      const list = perSlotSize.get(s) ?? [];
      list.push({ size: parties.length, v });
      perSlotSize.set(s, list);
    }
    if (vars.length > 1) rows.push(` r${r.id}: ${vars.join(" + ")} <= 1`);
  }
  for (const [key, vars] of perParticipantSlot) if (vars.length > 1) rows.push(` p${key}: ${vars.join(" + ")} <= 1`);
  for (const [s, list] of perSlotSize) {
    const sizes = [...new Set(list.map((x) => x.size))].sort((a, b) => a - b);
    for (const k of sizes) {
      const vars = list.filter((x) => x.size >= k).map((x) => x.v);
      const cap = freeTables[s].filter((c) => c >= k).length;
      if (vars.length > cap) rows.push(` t${s}_${k}: ${vars.join(" + ")} <= ${cap}`);
    }
  }
  const bounds = objective.map((o) => ` 0 <= ${o.split(" ")[1]} <= 1`);
  // CPLEX LP format; long rows are fine for HiGHS's reader but lines are kept under its limit
  const wrap = (line: string) => line.replace(/((?:[^\n]{1,200})(?: \+ |$))/g, "$1\n").trimEnd();
  const lp = [
    "Maximize",
    objective.length ? wrap(` obj: ${objective.join(" + ")}`) : " obj: 0 dummy",
    "Subject To",
    ...(rows.length ? rows.map(wrap) : [" c0: 0 dummy >= 0"]),
    "Bounds",
    ...bounds,
    ...(objective.length ? [] : [" dummy = 0"]),
    "End",
  ].join("\n");
  return { lp, variables, constraints: rows.length };
}

/** The LP relaxation's optimum (an upper bound on any schedule's value). */
export async function lpBound(input: ScheduleInput): Promise<Bound> {
  const t0 = performance.now();
  const { lp, variables, constraints } = buildLp(input);
  const h = await highs();
  const res = h.solve(lp, { presolve: "on", output_flag: false });
  if (res.Status !== "Optimal") throw new Error(`LP bound: HiGHS says ${res.Status}`);
  return { value: Math.max(0, res.ObjectiveValue), variables, constraints, seconds: (performance.now() - t0) / 1000, status: res.Status };
}
