import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { applyImport, planImport } from "../../db/import/index.server";
import {
  HANDLED_REFERENCES,
  mergeRecords,
  previewMerge,
  referencesTo,
  type MergeEntity,
} from "~/models/merge.server";
import { addMember, makeOrg, makeUser } from "../app/helpers";
import { clearJobs, expert, need, result, syncJobs, world, type World } from "../catalog/helpers";

// Merging duplicate organizations and experts: every link moves, collisions are resolved, the
// duplicate's ref keeps resolving, bad input changes nothing. The first test fails as soon as a
// migration adds a foreign key to organization or expert that HANDLED_REFERENCES does not list.

let w: World;
beforeAll(async () => {
  w = await world();
});

const admin = () => ({ id: w.admin.id, role: "admin" as const });

async function thrown(fn: () => Promise<unknown>): Promise<{ status: number; text: string }> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof Response) return { status: e.status, text: await e.text() };
    throw e;
  }
  throw new Error("expected a thrown Response");
}

async function version(table: "organization" | "expert", id: number) {
  const [r] = await sql<{ version: number }[]>`select version from ${sql(table)} where id = ${id}`;
  return r.version;
}

async function fingerprint() {
  const tables = ["organization", "expert", "need", "result", "membership", "event_participant", "meeting_party", "meeting_request_party", "intent", "match_feedback", "merged_record", "audit_log"];
  const out: Record<string, unknown> = {};
  for (const t of tables) {
    const [r] = await sql`select count(*)::int as n, coalesce(sum(hashtext((to_jsonb(x) - 'updated_at')::text)), 0)::text as h from ${sql(t)} x`;
    out[t] = r;
  }
  return out;
}

/** The ids queued for search sync, per entity, sorted. */
async function synced() {
  const jobs = await syncJobs();
  return (e: "organization" | "need" | "result" | "expert") => jobs.flatMap((j) => [...(j.work.get(e) ?? [])]).sort((a, b) => a - b);
}

async function merge(entity: MergeEntity, survivorId: number, duplicateId: number) {
  return mergeRecords(admin(), {
    entity,
    survivorId,
    duplicateId,
    survivorVersion: await version(entity, survivorId),
    duplicateVersion: await version(entity, duplicateId),
  });
}

describe("the foreign keys a merge must move", () => {
  it.each(["organization", "expert"] as const)("lists every foreign key into %s (a new one fails here until handled)", async (entity) => {
    expect(await referencesTo(sql, entity)).toEqual([...HANDLED_REFERENCES[entity]].sort());
  });
});

async function event(name: string) {
  const [e] = await sql<{ id: number }[]>`
    insert into event (kind, name, starts_on, ends_on, status) values ('talent_fair', ${name}, '2018-05-10', '2018-05-10', 'open') returning id`;
  const [slot1] = await sql<{ id: number }[]>`
    insert into event_slot (event_id, starts_at, ends_at) values (${e.id}, '2018-05-10T09:00+08', '2018-05-10T09:30+08') returning id`;
  const [slot2] = await sql<{ id: number }[]>`
    insert into event_slot (event_id, starts_at, ends_at) values (${e.id}, '2018-05-10T09:30+08', '2018-05-10T10:00+08') returning id`;
  const [t1] = await sql<{ id: number }[]>`insert into event_table (event_id, label) values (${e.id}, 'A1') returning id`;
  const [t2] = await sql<{ id: number }[]>`insert into event_table (event_id, label) values (${e.id}, 'A2') returning id`;
  return { id: e.id, slots: [slot1.id, slot2.id], tables: [t1.id, t2.id] };
}

async function participant(eventId: number, who: { org?: number; expert?: number }, status = "registered") {
  const [p] = await sql<{ id: number }[]>`
    insert into event_participant (event_id, org_id, expert_id, status, checked_in_at)
    values (${eventId}, ${who.org ?? null}, ${who.expert ?? null}, ${status}, ${status === "checked_in" ? sql`now()` : null}) returning id`;
  return p.id;
}

async function meeting(ev: { id: number }, slot: number, table: number, participants: number[]) {
  const [m] = await sql<{ id: number }[]>`insert into meeting (event_id, slot_id, table_id) values (${ev.id}, ${slot}, ${table}) returning id`;
  for (const p of participants) await sql`insert into meeting_party (meeting_id, event_id, participant_id) values (${m.id}, ${ev.id}, ${p})`;
  return m.id;
}

describe("merging two organizations", () => {
  it("previews, then moves every link to the survivor in one go, resolves overlaps, remembers the duplicate and queues search sync", async () => {
    const keep = await makeOrg("如皋力星钢球有限公司", "enterprise");
    const dup = await makeOrg("力星钢球", "enterprise");
    await sql`update organization set ref = 'KEEP-1', town = null where id = ${keep}`;
    await sql`update organization set ref = 'DUP-1', town = '如城街道', industry = '轴承钢球' where id = ${dup}`;
    const dupNeed = await need(dup, { title: "钢球表面缺陷检测" });
    const both = await makeUser({ name: "两边都在的经理" });
    const onlyDup = await makeUser({ name: "只在重复机构" });
    await addMember(keep, both.id, "member");
    await addMember(dup, both.id, "manager");
    await addMember(dup, onlyDup.id, "member");
    await sql`insert into org_invite (org_id, email, token_hash, expires_at) values (${dup}, 'x@example.com', 'hash-merge-1', now() + interval '1 day')`;
    const ev = await event("2018 科技人才洽谈会");
    const keepP = await participant(ev.id, { org: keep }, "registered");
    const dupP = await participant(ev.id, { org: dup }, "checked_in");
    const uniP = await participant(ev.id, { org: w.uni });
    const mtg = await meeting(ev, ev.slots[0], ev.tables[0], [dupP, uniP]);
    await sql`update event set organizer_org_id = ${dup} where id = ${ev.id}`;
    // a request between the two duplicates (cancelled by the merge) and one with the university
    const [selfReq] = await sql<{ id: number }[]>`insert into meeting_request (status) values ('pending') returning id`;
    await sql`insert into meeting_request_party (request_id, org_id, role, response) values (${selfReq.id}, ${dup}, 'requester', 'accepted'), (${selfReq.id}, ${keep}, 'invitee', 'pending')`;
    const [uniReq] = await sql<{ id: number }[]>`insert into meeting_request (status) values ('pending') returning id`;
    await sql`insert into meeting_request_party (request_id, org_id, role, response) values (${uniReq.id}, ${dup}, 'requester', 'accepted'), (${uniReq.id}, ${w.uni}, 'invitee', 'pending')`;
    const [intent] = await sql<{ id: number }[]>`
      insert into intent (enterprise_org_id, institution_org_id, need_id, summary) values (${dup}, ${w.uni}, ${dupNeed.id}, '表面缺陷检测合作') returning id`;
    const uniResult = await result(w.uni, null);
    await sql`insert into match_feedback (need_id, result_id, org_id, decision) values (${dupNeed.id}, ${uniResult.id}, ${dup}, 'accepted')`;

    const preview = await previewMerge(admin(), "organization", keep, dup);
    expect(preview.blockers).toEqual([]);
    const moves = Object.fromEntries(preview.moves.map((m) => [m.reference, m.count]));
    expect(moves).toMatchObject({
      "need.org_id": 1,
      "membership.org_id": 2,
      "org_invite.org_id": 1,
      "event_participant.org_id": 1,
      "event.organizer_org_id": 1,
      "meeting_request_party.org_id": 2,
      "intent.enterprise_org_id": 1,
      "match_feedback.org_id": 1,
    });
    expect(preview.collisions).toMatchObject({ memberships: 1, eventParticipants: 1, meetingRequests: 1, matchFeedback: 0 });
    expect(preview.filled).toEqual(["town", "industry"]);

    await clearJobs();
    const before = await sql`select count(*)::int as n from audit_log`;
    const out = await merge("organization", keep, dup);
    expect(out.survivorId).toBe(keep);

    expect(await sql`select id from organization where id = ${dup}`).toHaveLength(0);
    const [org] = await sql`select ref, town, industry from organization where id = ${keep}`;
    expect(org).toEqual({ ref: "KEEP-1", town: "如城街道", industry: "轴承钢球" });
    expect((await sql`select org_id from need where id = ${dupNeed.id}`)[0].org_id).toBe(keep);
    const members = await sql<{ user_id: string; role: string }[]>`select user_id, role from membership where org_id = ${keep} order by user_id`;
    expect(members).toHaveLength(2);
    expect(members.find((m) => m.user_id === both.id)?.role).toBe("manager");
    expect((await sql`select org_id from org_invite where token_hash = 'hash-merge-1'`)[0].org_id).toBe(keep);
    // one participant: the survivor's row, with the further status and the duplicate's meeting
    const parts = await sql<{ id: number; status: string }[]>`select id, status from event_participant where event_id = ${ev.id} and org_id = ${keep}`;
    expect(parts).toEqual([{ id: keepP, status: "checked_in" }]);
    expect((await sql`select participant_id from meeting_party where meeting_id = ${mtg} order by participant_id`).map((r) => r.participant_id)).toEqual(
      [keepP, uniP].sort((a, b) => a - b),
    );
    expect((await sql`select organizer_org_id from event where id = ${ev.id}`)[0].organizer_org_id).toBe(keep);
    expect((await sql`select status from meeting_request where id = ${selfReq.id}`)[0].status).toBe("cancelled");
    expect(await sql`select org_id, role from meeting_request_party where request_id = ${selfReq.id}`).toEqual([{ org_id: keep, role: "requester" }]);
    expect((await sql`select org_id from meeting_request_party where request_id = ${uniReq.id} and role = 'requester'`)[0].org_id).toBe(keep);
    expect((await sql`select enterprise_org_id from intent where id = ${intent.id}`)[0].enterprise_org_id).toBe(keep);
    expect((await sql`select org_id from match_feedback where need_id = ${dupNeed.id}`)[0].org_id).toBe(keep);
    expect(await sql`select count(*)::int as n from need where org_id = ${dup}`).toEqual([{ n: 0 }]);

    const [rec] = await sql`select entity, merged_id, ref, target_id, name, merged_by from merged_record where merged_id = ${dup}`;
    expect(rec).toEqual({ entity: "organization", merged_id: dup, ref: "DUP-1", target_id: keep, name: "力星钢球", merged_by: w.admin.id });

    const audits = await sql<{ action: string; entity_id: string }[]>`select action, entity_id from audit_log order by id offset ${before[0].n}`;
    expect(audits).toEqual([
      { action: "organization.merge", entity_id: String(keep) },
      { action: "organization.merged_into", entity_id: String(dup) },
    ]);
    const ids = await synced();
    expect(ids("organization")).toEqual([keep, dup].sort((a, b) => a - b));
    expect(ids("need")).toEqual([dupNeed.id]);
  });

  it("refuses to merge an organization into itself, with a message, changing nothing", async () => {
    const a = await makeOrg("自己合并自己", "enterprise");
    const snap = await fingerprint();
    const v = await version("organization", a);
    const r = await thrown(() => mergeRecords(admin(), { entity: "organization", survivorId: a, duplicateId: a, survivorVersion: v, duplicateVersion: v }));
    expect(r).toEqual({ status: 400, text: "admin.merge.errors.same" });
    expect((await previewMerge(admin(), "organization", a, a)).blockers).toContain("admin.merge.errors.same");
    expect(await fingerprint()).toEqual(snap);
  });

  it("refuses to merge an enterprise into a university, changing nothing", async () => {
    const ent = await makeOrg("某企业", "enterprise");
    await need(ent);
    const snap = await fingerprint();
    const r = await thrown(() => merge("organization", w.uni, ent));
    expect(r).toEqual({ status: 400, text: "admin.merge.errors.kindMismatch" });
    expect(await fingerprint()).toEqual(snap);
  });

  it("refuses an unknown record, a stale preview and an intent between the two, changing nothing", async () => {
    const a = await makeOrg("甲方", "enterprise");
    const b = await makeOrg("甲方（重复）", "enterprise");
    await need(b);
    const snap = await fingerprint();
    expect(await thrown(() => mergeRecords(admin(), { entity: "organization", survivorId: a, duplicateId: 999_999, survivorVersion: 1, duplicateVersion: 1 }))).toEqual({ status: 400, text: "admin.merge.errors.notFound.organization" });
    const stale = await thrown(() =>
      mergeRecords(admin(), { entity: "organization", survivorId: a, duplicateId: b, survivorVersion: 1, duplicateVersion: 0 }),
    );
    expect(stale).toEqual({ status: 409, text: "catalog.errors.stale" });
    expect(await fingerprint()).toEqual(snap);

    const u1 = await makeOrg("院校一", "university");
    const u2 = await makeOrg("院校一（重复）", "university");
    await sql`insert into intent (enterprise_org_id, institution_org_id) values (${w.entA}, ${u2})`;
    await sql`update organization set kind = 'enterprise' where id in (${u1}, ${u2})`;
    await sql`insert into intent (enterprise_org_id, institution_org_id) values (${u1}, ${u2})`;
    const snap2 = await fingerprint();
    expect((await previewMerge(admin(), "organization", u1, u2)).blockers).toEqual(["admin.merge.errors.intentBetween"]);
    expect(await thrown(() => merge("organization", u1, u2))).toEqual({ status: 409, text: "admin.merge.errors.intentBetween" });
    expect(await fingerprint()).toEqual(snap2);
  });

  it("refuses when both sit in different meetings of the same slot, changing nothing", async () => {
    const a = await makeOrg("冲突甲", "enterprise");
    const b = await makeOrg("冲突甲（重复）", "enterprise");
    const ev = await event("冲突活动");
    const pa = await participant(ev.id, { org: a });
    const pb = await participant(ev.id, { org: b });
    const pu = await participant(ev.id, { org: w.uni });
    const pu2 = await participant(ev.id, { org: w.uni2 });
    await meeting(ev, ev.slots[0], ev.tables[0], [pa, pu]);
    await meeting(ev, ev.slots[0], ev.tables[1], [pb, pu2]);
    const snap = await fingerprint();
    expect(await thrown(() => merge("organization", a, b))).toEqual({ status: 409, text: "admin.merge.errors.meetingClash" });
    expect(await fingerprint()).toEqual(snap);
  });

  it("is for admins only: organizers, members and visitors get 403 and nothing changes", async () => {
    const a = await makeOrg("权限甲", "enterprise");
    const b = await makeOrg("权限甲（重复）", "enterprise");
    const snap = await fingerprint();
    for (const actor of [{ id: w.organizer.id, role: "organizer" as const }, { id: w.memberA.id, role: "member" as const }, null]) {
      const input = { entity: "organization" as const, survivorId: a, duplicateId: b, survivorVersion: 1, duplicateVersion: 1 };
      expect((await thrown(() => mergeRecords(actor, input))).status).toBe(403);
      expect((await thrown(() => previewMerge(actor, "organization", a, b))).status).toBe(403);
    }
    expect(await fingerprint()).toEqual(snap);
  });

  it("keeps the duplicate's ref resolvable: a re-import of its sheet updates the survivor instead of recreating it", async () => {
    const keep = await makeOrg("如皋市双马化工有限公司", "enterprise");
    const dup = await makeOrg("双马化工", "enterprise");
    await sql`update organization set ref = 'IMP-KEEP' where id = ${keep}`;
    await sql`update organization set ref = 'IMP-DUP' where id = ${dup}`;
    await merge("organization", keep, dup);
    const orgs = JSON.stringify([{ ref: "IMP-DUP", kind: "enterprise", name: "如皋市双马化工有限公司", town: "长江镇" }]);
    const needs = JSON.stringify([{ ref: "IMP-N1", org: "IMP-DUP", title: "废水中盐回收", description: "目前委外处置费用高，希望回收率≥90%。", field: "资源与环境", status: "draft" }]);
    const plan = await planImport(
      [
        { filename: "organizations.json", bytes: Buffer.from(orgs) },
        { filename: "needs.json", bytes: Buffer.from(needs) },
      ],
      { id: null, role: "system" },
    );
    expect(plan.rows.filter((r) => r.issues.length).map((r) => [r.ref, r.issues])).toEqual([]);
    expect(plan.ok).toBe(true);
    expect(plan.counts).toMatchObject({ created: 1, updated: 1, rejected: 0 });
    expect((await applyImport(plan, { id: null, role: "system" })).ok).toBe(true);
    expect(await sql`select id, town from organization where ref in ('IMP-KEEP', 'IMP-DUP')`).toEqual([{ id: keep, town: "长江镇" }]);
    expect((await sql`select org_id from need where ref = 'IMP-N1'`)[0].org_id).toBe(keep);
  });

  it("follows chains: A merged into B, then B into C, leaves A's ref leading to C", async () => {
    const a = await makeOrg("链甲", "agency");
    const b = await makeOrg("链乙", "agency");
    const c = await makeOrg("链丙", "agency");
    await sql`update organization set ref = 'CH-' || id where id in (${a}, ${b}, ${c})`;
    await merge("organization", b, a);
    await merge("organization", c, b);
    expect(await sql`select merged_id, target_id from merged_record where merged_id in (${a}, ${b}) order by merged_id`).toEqual([
      { merged_id: a, target_id: c },
      { merged_id: b, target_id: c },
    ]);
  });
});

describe("merging two experts", () => {
  it("moves results, participants and feedback, unions their lists, hands over the user link and drops cached suggestions", async () => {
    const keep = await expert(w.uni, { name: "钱立衡" });
    const dup = await expert(w.uni2, { name: "钱立衡" });
    const user = await makeUser({ name: "钱立衡账号" });
    await sql`update expert set areas = ${["化工过程强化", "反应工程"]}, bio = null where id = ${keep.id}`;
    await sql`update expert set areas = ${["反应工程", "连续流微反应"]}, user_id = ${user.id}, bio = '长期从事反应工程研究。' where id = ${dup.id}`;
    const led = await result(w.uni2, dup.id);
    const n = await need(w.entA);
    await sql`insert into match_suggestion (need_id, expert_id, score, label) values (${n.id}, ${dup.id}, 0.8, 'strong')`;
    await sql`insert into match_feedback (need_id, expert_id, org_id, decision, reason) values (${n.id}, ${dup.id}, ${w.entA}, 'dismissed', 'too_early')`;
    await sql`insert into match_feedback (need_id, expert_id, org_id, decision) values (${n.id}, ${keep.id}, ${w.entA}, 'accepted')`;
    const ev = await event("专家活动");
    await participant(ev.id, { expert: dup.id });
    const [i] = await sql<{ id: number }[]>`insert into intent (enterprise_org_id, institution_org_id, expert_id) values (${w.entA}, ${w.uni2}, ${dup.id}) returning id`;

    const preview = await previewMerge(admin(), "expert", keep.id, dup.id);
    expect(preview.blockers).toEqual([]);
    expect(preview.collisions.matchFeedback).toBe(1);
    expect(preview.filled).toEqual(["bio", "user_id"]);
    await clearJobs();
    await merge("expert", keep.id, dup.id);

    const [x] = await sql`select areas, bio, user_id from expert where id = ${keep.id}`;
    expect(x).toEqual({ areas: ["化工过程强化", "反应工程", "连续流微反应"], bio: "长期从事反应工程研究。", user_id: user.id });
    expect(await sql`select id from expert where id = ${dup.id}`).toHaveLength(0);
    expect((await sql`select lead_expert_id from result where id = ${led.id}`)[0].lead_expert_id).toBe(keep.id);
    expect((await sql`select expert_id from intent where id = ${i.id}`)[0].expert_id).toBe(keep.id);
    expect(await sql`select expert_id, decision from match_feedback where need_id = ${n.id}`).toEqual([{ expert_id: keep.id, decision: "accepted" }]);
    expect(await sql`select count(*)::int as n from match_suggestion where expert_id = ${dup.id}`).toEqual([{ n: 0 }]);
    expect((await sql`select expert_id from event_participant where event_id = ${ev.id}`)[0].expert_id).toBe(keep.id);
    const ids = await synced();
    expect(ids("expert")).toEqual([keep.id, dup.id].sort((a, b) => a - b));
    expect(ids("result")).toEqual([led.id]);
  });

  it("handles both experts at the same event and in the same meeting request", async () => {
    const keep = await expert(w.uni, { name: "同名专家" });
    const dup = await expert(w.uni, { name: "同名专家" });
    const ev = await event("重叠活动");
    const pk = await participant(ev.id, { expert: keep.id }, "approved");
    const pd = await participant(ev.id, { expert: dup.id }, "registered");
    const pe = await participant(ev.id, { org: w.entA });
    const m = await meeting(ev, ev.slots[1], ev.tables[0], [pk, pd, pe]);
    const [req] = await sql<{ id: number }[]>`insert into meeting_request (status) values ('pending') returning id`;
    await sql`insert into meeting_request_party (request_id, org_id, role, response) values (${req.id}, ${w.entA}, 'requester', 'accepted')`;
    await sql`insert into meeting_request_party (request_id, expert_id, role) values (${req.id}, ${keep.id}, 'invitee'), (${req.id}, ${dup.id}, 'invitee')`;
    await merge("expert", keep.id, dup.id);
    expect(await sql`select id, status from event_participant where event_id = ${ev.id} and expert_id is not null`).toEqual([{ id: pk, status: "approved" }]);
    expect((await sql`select count(*)::int as n from meeting_party where meeting_id = ${m}`)[0].n).toBe(2);
    expect(await sql`select expert_id from meeting_request_party where request_id = ${req.id} and expert_id is not null`).toEqual([{ expert_id: keep.id }]);
    expect((await sql`select status from meeting_request where id = ${req.id}`)[0].status).toBe("pending");
  });
});
