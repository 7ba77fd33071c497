import { describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { runScheduler } from "~/models/schedule.server";
import { schedule } from "~/scheduler/schedule";
import { talentFair } from "~/scheduler/synthetic";
import { makeOrg, makeUser } from "../app/helpers";

// A small synthetic fair written into the database and scheduled by runScheduler: the mapping
// from rows to the scheduler and back keeps every rule (checked on the rows), and places as much
// as the pure scheduler does on the same input.

describe("runScheduler on a synthetic fair", () => {
  it("writes a clash-free schedule inside availability and capacity, as good as the pure scheduler's", async () => {
    const fair = talentFair({ seed: 11, experts: 45, enterprises: 15, requests: 160, slots: 8, tables: 7, groupShare: 0.2 });
    const admin = await makeUser({ role: "admin", name: "管理员" });
    const uni = await makeOrg("合成大学", "university");
    const [ev] = await sql<{ id: number }[]>`
      insert into event (kind, name, starts_on, ends_on, status) values ('talent_fair', '合成洽谈会', '2026-11-20', '2026-11-20', 'closed') returning id`;
    const slotOf = new Map<number, number>();
    for (const s of fair.slots) {
      const [r] = await sql<{ id: number }[]>`insert into event_slot (event_id, starts_at, ends_at) values (${ev.id}, ${new Date(s.startsAt)}, ${new Date(s.endsAt)}) returning id`;
      slotOf.set(s.id, r.id);
    }
    for (const [i, t] of fair.tables.entries()) await sql`insert into event_table (event_id, label, capacity, sort_order) values (${ev.id}, ${`${i + 1}号桌`}, ${t.capacity}, ${i})`;
    const ref = new Map<number, { org: number | null; expert: number | null }>();
    for (const p of fair.participants) {
      let party: { org: number | null; expert: number | null };
      if (p.id <= 15) party = { org: await makeOrg(`合成企业${p.id}`, "enterprise"), expert: null };
      else {
        const [x] = await sql<{ id: number }[]>`insert into expert (org_id, name) values (${uni}, ${`专家${p.id}`}) returning id`;
        party = { org: null, expert: x.id };
      }
      ref.set(p.id, party);
      const [row] = await sql<{ id: number }[]>`
        insert into event_participant (event_id, org_id, expert_id, status) values (${ev.id}, ${party.org}, ${party.expert}, 'approved') returning id`;
      for (const a of p.availability ?? []) await sql`insert into participant_availability (participant_id, starts_at, ends_at) values (${row.id}, ${new Date(a.start)}, ${new Date(a.end)})`;
    }
    for (const r of fair.requests) {
      const [row] = await sql<{ id: number }[]>`
        insert into meeting_request (event_id, status, match_score) values (${ev.id}, 'accepted', ${Math.min(1, Math.max(0, (r.value - 10) / 90))}) returning id`;
      for (const [k, pid] of r.parties.entries()) {
        const p = ref.get(pid)!;
        await sql`insert into meeting_request_party (request_id, org_id, expert_id, role, response) values (${row.id}, ${p.org}, ${p.expert}, ${k === 0 ? "requester" : "invitee"}, 'accepted')`;
      }
    }

    const result = await runScheduler({ id: admin.id, role: "admin" }, ev.id);
    const pure = schedule(fair);
    expect(result.placed).toBeGreaterThan(20);
    // values differ only by rounding the score back from the value, so the counts agree closely
    expect(Math.abs(result.placed - pure.placements.length)).toBeLessThanOrEqual(2);
    expect(result.placed + result.unplaced.length).toBe(fair.requests.length);

    const rows = await sql<{ meeting_id: number; slot_id: number; table_id: number; capacity: number; participant_id: number; starts_at: Date; ends_at: Date }[]>`
      select m.id as meeting_id, m.slot_id, m.table_id, t.capacity, mp.participant_id, s.starts_at, s.ends_at
      from meeting m join event_table t on t.id = m.table_id join event_slot s on s.id = m.slot_id
      join meeting_party mp on mp.meeting_id = m.id where m.event_id = ${ev.id}`;
    const avail = await sql<{ participant_id: number; starts_at: Date; ends_at: Date }[]>`
      select a.participant_id, a.starts_at, a.ends_at from participant_availability a join event_participant p on p.id = a.participant_id where p.event_id = ${ev.id}`;
    const seats = new Set<string>();
    const size = new Map<number, number>();
    const cells = new Map<string, number>();
    for (const r of rows) {
      const k = `${r.participant_id}@${r.slot_id}`;
      expect(seats.has(k)).toBe(false);
      seats.add(k);
      size.set(r.meeting_id, (size.get(r.meeting_id) ?? 0) + 1);
      const cell = `${r.slot_id}:${r.table_id}`;
      expect(cells.get(cell) ?? r.meeting_id).toBe(r.meeting_id);
      cells.set(cell, r.meeting_id);
      const mine = avail.filter((a) => a.participant_id === r.participant_id);
      if (mine.length) expect(mine.some((a) => a.starts_at <= r.starts_at && r.ends_at <= a.ends_at)).toBe(true);
    }
    for (const r of rows) expect(size.get(r.meeting_id)!).toBeLessThanOrEqual(r.capacity);
    expect(new Set(rows.map((r) => r.meeting_id)).size).toBe(result.placed);
  });
});
