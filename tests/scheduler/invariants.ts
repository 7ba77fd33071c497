// Checks a schedule against its input, independently of the scheduler's own bookkeeping.
// Returns the list of violations (empty = valid).
import type { ScheduleInput, ScheduleResult } from "~/scheduler/types";

export function violations(input: ScheduleInput, result: ScheduleResult): string[] {
  const out: string[] = [];
  const slots = new Map(input.slots.map((s) => [s.id, s]));
  const tables = new Map(input.tables.map((t) => [t.id, t]));
  const parts = new Map(input.participants.map((p) => [p.id, p]));
  const reqs = new Map(input.requests.map((r) => [r.id, r]));
  const fixedReq = new Set((input.fixed ?? []).map((f) => f.requestId).filter((x): x is number => x != null));
  const tableUse = new Set<string>();
  const seat = new Set<string>();
  for (const f of input.fixed ?? []) {
    tableUse.add(`${f.tableId}@${f.slotId}`);
    for (const p of f.parties) seat.add(`${p}@${f.slotId}`);
  }
  for (const p of input.participants) for (const sid of p.busySlots ?? []) seat.add(`${p.id}@${sid}`);
  const inside = (pid: number, slotId: number) => {
    const ranges = parts.get(pid)?.availability;
    const s = slots.get(slotId)!;
    return !ranges || ranges.length === 0 || ranges.some((r) => r.start <= s.startsAt && s.endsAt <= r.end);
  };
  const placed = new Set<number>();
  let value = 0;
  for (const pl of result.placements) {
    const r = reqs.get(pl.requestId);
    if (!r) {
      out.push(`placement of unknown request ${pl.requestId}`);
      continue;
    }
    if (fixedReq.has(r.id)) out.push(`request ${r.id} already had a kept meeting but was placed again`);
    if (placed.has(r.id)) out.push(`request ${r.id} placed twice`);
    placed.add(r.id);
    value += r.value;
    const t = tables.get(pl.tableId);
    if (!slots.has(pl.slotId)) out.push(`request ${r.id}: unknown slot ${pl.slotId}`);
    if (!t) out.push(`request ${r.id}: unknown table ${pl.tableId}`);
    else if (t.capacity < r.parties.length) out.push(`request ${r.id}: ${r.parties.length} people at a table for ${t.capacity}`);
    const tk = `${pl.tableId}@${pl.slotId}`;
    if (tableUse.has(tk)) out.push(`table ${pl.tableId} holds two meetings in slot ${pl.slotId}`);
    tableUse.add(tk);
    for (const p of r.parties) {
      if (!parts.has(p)) out.push(`request ${r.id}: party ${p} is no participant`);
      else if (!inside(p, pl.slotId)) out.push(`request ${r.id}: participant ${p} not available in slot ${pl.slotId}`);
      const k = `${p}@${pl.slotId}`;
      if (seat.has(k)) out.push(`participant ${p} in two places in slot ${pl.slotId}`);
      seat.add(k);
    }
  }
  if (Math.abs(value - result.placedValue) > 0.02) out.push(`placedValue ${result.placedValue} ≠ sum of placed values ${value}`);
  // placed and unplaced partition the requests that need placing
  const unplaced = new Set<number>();
  for (const u of result.unplaced) {
    if (placed.has(u.requestId)) out.push(`request ${u.requestId} both placed and unplaced`);
    if (unplaced.has(u.requestId)) out.push(`request ${u.requestId} unplaced twice`);
    unplaced.add(u.requestId);
  }
  for (const r of input.requests) {
    if (fixedReq.has(r.id)) {
      if (unplaced.has(r.id)) out.push(`request ${r.id} has a kept meeting but is reported unplaced`);
      continue;
    }
    if (!placed.has(r.id) && !unplaced.has(r.id)) out.push(`request ${r.id} neither placed nor reported`);
  }
  // maximality: no unplaced request fits somewhere as things stand
  for (const u of result.unplaced) {
    const r = reqs.get(u.requestId)!;
    const ps = [...new Set(r.parties)];
    if (ps.length < 2 || ps.length !== r.parties.length || !(r.value > 0) || ps.some((p) => !parts.has(p))) continue;
    for (const s of input.slots) {
      if (!ps.every((p) => inside(p, s.id) && !seat.has(`${p}@${s.id}`))) continue;
      const freeCaps = input.tables.filter((t) => !tableUse.has(`${t.id}@${s.id}`)).map((t) => t.capacity);
      if (freeCaps.some((c) => c >= ps.length)) out.push(`request ${r.id} unplaced (${u.reason}) but fits in slot ${s.id}`);
    }
  }
  return out;
}
