import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";

// The schema's last line of defence: each bad row below must be refused by PostgreSQL itself,
// whatever the application code does.

const CHECK = "23514";
const UNIQUE = "23505";
const FOREIGN_KEY = "23503";
const EXCLUSION = "23P01";

async function refused(query: PromiseLike<unknown>, code: string, constraint?: string) {
  let caught: unknown;
  try {
    await query;
  } catch (error) {
    caught = error;
  }
  expect(caught, "the row was accepted").toBeInstanceOf(Error);
  expect(caught).toMatchObject(constraint ? { code, constraint_name: constraint } : { code });
}

let enterprise: number;
let university: number;
let expert: number;
let need: number;
let result: number;
let event: number;

beforeAll(async () => {
  [{ id: enterprise }] = await sql<{ id: number }[]>`
    insert into organization (ref, kind, name, short_name, town) values ('T-E1', 'enterprise', '测试钢球有限公司', '测试钢球', '如城街道') returning id`;
  [{ id: university }] = await sql<{ id: number }[]>`
    insert into organization (ref, kind, name, city) values ('T-U1', 'university', '测试大学', '南京') returning id`;
  [{ id: expert }] = await sql<{ id: number }[]>`
    insert into expert (ref, org_id, name, title, areas) values ('T-X1', ${university}, '王测试', '教授', ${["摩擦学"]}) returning id`;
  [{ id: need }] = await sql<{ id: number }[]>`
    insert into need (ref, org_id, title, field, cooperation, budget_wan, status, published_at)
    values ('T-N1', ${enterprise}, '钢球表面缺陷检测', '先进制造与自动化', ${["合作开发"]}, 80, 'published', now()) returning id`;
  [{ id: result }] = await sql<{ id: number }[]>`
    insert into result (ref, org_id, lead_expert_id, title, field, maturity, status, published_at)
    values ('T-R1', ${university}, ${expert}, '球面全表面展开成像', '先进制造与自动化', '中试', 'published', now()) returning id`;
  [{ id: event }] = await sql<{ id: number }[]>`
    insert into event (ref, kind, name, starts_on, ends_on) values ('T-EV1', 'talent_fair', '测试洽谈会', '2018-05-10', '2018-05-11') returning id`;
});

describe("catalog", () => {
  it("refuses a technology field outside the 8 national domains", async () => {
    await refused(sql`insert into need (org_id, title, field) values (${enterprise}, '标题', '人工智能')`, CHECK);
    await refused(sql`insert into result (org_id, title, field) values (${university}, '标题', '信息技术')`, CHECK);
    await refused(sql`insert into expert (org_id, name, fields) values (${university}, '李四', ${["量子计算"]})`, CHECK);
  });

  it("accepts each of the 8 domains", async () => {
    const fields = ["电子信息", "生物与新医药", "航空航天", "新材料", "高技术服务", "新能源与节能", "资源与环境", "先进制造与自动化"];
    for (const field of fields) await sql`insert into need (org_id, title, field) values (${enterprise}, ${"领域" + field}, ${field})`;
    const [{ fields: listed }] = await sql<{ fields: string[] }[]>`select tech_fields() as fields`;
    expect(listed).toEqual(fields);
  });

  it("refuses a negative or absurd budget or price (万元)", async () => {
    await refused(sql`insert into need (org_id, title, budget_wan) values (${enterprise}, '负预算', -1)`, CHECK);
    await refused(sql`insert into need (org_id, title, budget_wan) values (${enterprise}, '天价', 5000000)`, CHECK);
    await refused(sql`insert into result (org_id, title, price_wan) values (${university}, '负价格', -0.01)`, CHECK);
    // 面议 is null, and zero is a legitimate price
    await sql`insert into need (org_id, title, budget_wan) values (${enterprise}, '面议', null)`;
    await sql`insert into result (org_id, title, price_wan) values (${university}, '免费许可', 0)`;
  });

  it("refuses unknown, null or repeated cooperation modes", async () => {
    await refused(sql`insert into need (org_id, title, cooperation) values (${enterprise}, 'x', ${["技术入股"]})`, CHECK);
    await refused(sql`insert into need (org_id, title, cooperation) values (${enterprise}, 'x', ${["合作开发", "合作开发"]})`, CHECK);
    await refused(sql`insert into need (org_id, title, cooperation) values (${enterprise}, 'x', array['合作开发', null])`, CHECK);
    await sql`insert into need (org_id, title, cooperation) values (${enterprise}, '多种方式', ${["技术转让", "人才引进", "共建研发平台"]})`;
  });

  it("refuses an unknown maturity, status or visibility", async () => {
    await refused(sql`insert into result (org_id, title, maturity) values (${university}, 'x', '量产')`, CHECK);
    await refused(sql`insert into need (org_id, title, status) values (${enterprise}, 'x', 'approved')`, CHECK);
    await refused(sql`insert into need (org_id, title, visibility) values (${enterprise}, 'x', 'secret')`, CHECK);
  });

  it("lets a draft lack a field but not a submitted need, nor a published one its date", async () => {
    await sql`insert into need (org_id, title, status) values (${enterprise}, '草稿', 'draft')`;
    await refused(sql`insert into need (org_id, title, status) values (${enterprise}, '待审', 'pending_review')`, CHECK);
    await refused(sql`insert into need (org_id, title, field, status) values (${enterprise}, '已发布', '新材料', 'published')`, CHECK);
  });

  it("refuses a duplicate external ref", async () => {
    await refused(sql`insert into need (ref, org_id, title) values ('T-N1', ${enterprise}, '重复')`, UNIQUE, "need_ref_key");
    await refused(sql`insert into result (ref, org_id, title) values ('T-R1', ${university}, '重复')`, UNIQUE, "result_ref_key");
    await refused(sql`insert into expert (ref, org_id, name) values ('T-X1', ${university}, '重复')`, UNIQUE, "expert_ref_key");
    await refused(sql`insert into event (ref, kind, name, starts_on, ends_on) values ('T-EV1', 'online', '重复', '2018-01-01', '2018-01-01')`, UNIQUE, "event_ref_key");
  });

  it("refuses a need of an organization that does not exist", async () => {
    await refused(sql`insert into need (org_id, title) values (999999, 'x')`, FOREIGN_KEY);
  });

  it("keeps updated_at current on every update", async () => {
    const [before] = await sql<{ updated_at: Date }[]>`select updated_at from need where id = ${need}`;
    await sql`select pg_sleep(0.01)`;
    const [after] = await sql<{ updated_at: Date }[]>`
      update need set title = '钢球表面缺陷在线检测', version = version + 1 where id = ${need} and version = 1 returning updated_at`;
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
  });
});

describe("events", () => {
  it("refuses an event that ends before it starts, or an unknown kind", async () => {
    await refused(sql`insert into event (kind, name, starts_on, ends_on) values ('online', 'x', '2018-05-10', '2018-05-09')`, CHECK);
    await refused(sql`insert into event (kind, name, starts_on, ends_on) values ('concert', 'x', '2018-05-10', '2018-05-10')`, CHECK);
  });

  it("refuses a slot that ends before it starts, and overlapping slots", async () => {
    await refused(
      sql`insert into event_slot (event_id, starts_at, ends_at) values (${event}, '2018-05-10 10:00+08', '2018-05-10 09:40+08')`,
      CHECK,
    );
    await sql`insert into event_slot (event_id, starts_at, ends_at) values (${event}, '2018-05-10 09:00+08', '2018-05-10 09:20+08')`;
    await sql`insert into event_slot (event_id, starts_at, ends_at) values (${event}, '2018-05-10 09:20+08', '2018-05-10 09:40+08')`;
    await refused(
      sql`insert into event_slot (event_id, starts_at, ends_at) values (${event}, '2018-05-10 09:10+08', '2018-05-10 09:30+08')`,
      EXCLUSION,
      "event_slot_no_overlap",
    );
  });

  it("refuses a participant that is both or neither an organization and an expert, or an unknown status", async () => {
    await refused(sql`insert into event_participant (event_id, org_id, expert_id) values (${event}, ${enterprise}, ${expert})`, CHECK);
    await refused(sql`insert into event_participant (event_id) values (${event})`, CHECK);
    await refused(sql`insert into event_participant (event_id, org_id, status) values (${event}, ${enterprise}, 'vip')`, CHECK);
  });

  it("never puts two meetings at one table, nor one participant in two meetings, in the same slot", async () => {
    const [ev] = await sql<{ id: number }[]>`
      insert into event (kind, name, starts_on, ends_on) values ('talent_fair', '排程测试', '2018-06-01', '2018-06-01') returning id`;
    const slots = await sql<{ id: number }[]>`
      insert into event_slot (event_id, starts_at, ends_at)
      values (${ev.id}, '2018-06-01 09:00+08', '2018-06-01 09:20+08'), (${ev.id}, '2018-06-01 09:20+08', '2018-06-01 09:40+08')
      returning id`;
    const tables = await sql<{ id: number }[]>`
      insert into event_table (event_id, label) values (${ev.id}, 'A1'), (${ev.id}, 'A2') returning id`;
    const [ent] = await sql<{ id: number }[]>`insert into event_participant (event_id, org_id) values (${ev.id}, ${enterprise}) returning id`;
    const [prof] = await sql<{ id: number }[]>`insert into event_participant (event_id, expert_id) values (${ev.id}, ${expert}) returning id`;
    const [uni] = await sql<{ id: number }[]>`insert into event_participant (event_id, org_id) values (${ev.id}, ${university}) returning id`;

    const [m1] = await sql<{ id: number }[]>`
      insert into meeting (event_id, slot_id, table_id) values (${ev.id}, ${slots[0].id}, ${tables[0].id}) returning id`;
    await sql`insert into meeting_party (meeting_id, event_id, participant_id) values (${m1.id}, ${ev.id}, ${ent.id}), (${m1.id}, ${ev.id}, ${prof.id})`;
    // the party's slot is copied from its meeting, whatever the writer says
    const parties = await sql<{ slot_id: number }[]>`select slot_id from meeting_party where meeting_id = ${m1.id}`;
    expect(parties.map((p) => p.slot_id)).toEqual([slots[0].id, slots[0].id]);

    await refused(
      sql`insert into meeting (event_id, slot_id, table_id) values (${ev.id}, ${slots[0].id}, ${tables[0].id})`,
      UNIQUE,
      "meeting_slot_table_key",
    );
    const [m2] = await sql<{ id: number }[]>`
      insert into meeting (event_id, slot_id, table_id) values (${ev.id}, ${slots[0].id}, ${tables[1].id}) returning id`;
    await refused(
      sql`insert into meeting_party (meeting_id, event_id, participant_id) values (${m2.id}, ${ev.id}, ${prof.id})`,
      UNIQUE,
      "meeting_party_participant_slot_key",
    );
    await sql`insert into meeting_party (meeting_id, event_id, participant_id) values (${m2.id}, ${ev.id}, ${uni.id})`;

    // moving a meeting moves its parties; cancelling releases the slot and table for others
    await refused(sql`update meeting set slot_id = ${slots[0].id}, table_id = ${tables[0].id} where id = ${m2.id}`, UNIQUE);
    await sql`update meeting set slot_id = ${slots[1].id} where id = ${m2.id}`;
    const [moved] = await sql<{ slot_id: number }[]>`select slot_id from meeting_party where meeting_id = ${m2.id}`;
    expect(moved.slot_id).toBe(slots[1].id);
    await refused(sql`update meeting set status = 'cancelled' where id = ${m1.id}`, CHECK);
    await sql`update meeting set status = 'cancelled', slot_id = null, table_id = null, cancelled_at = now() where id = ${m1.id}`;
    const released = await sql<{ slot_id: number | null }[]>`select slot_id from meeting_party where meeting_id = ${m1.id}`;
    expect(released.map((p) => p.slot_id)).toEqual([null, null]);
    const [m3] = await sql<{ id: number }[]>`
      insert into meeting (event_id, slot_id, table_id) values (${ev.id}, ${slots[0].id}, ${tables[0].id}) returning id`;
    await sql`insert into meeting_party (meeting_id, event_id, participant_id) values (${m3.id}, ${ev.id}, ${prof.id})`;
  });

  it("refuses a meeting in a slot of another event", async () => {
    const [other] = await sql<{ id: number }[]>`
      insert into event (kind, name, starts_on, ends_on) values ('online', '另一活动', '2018-07-01', '2018-07-01') returning id`;
    const [slot] = await sql<{ id: number }[]>`select id from event_slot where event_id = ${event} limit 1`;
    const [table] = await sql<{ id: number }[]>`insert into event_table (event_id, label) values (${other.id}, 'B1') returning id`;
    await refused(sql`insert into meeting (event_id, slot_id, table_id) values (${other.id}, ${slot.id}, ${table.id})`, FOREIGN_KEY);
  });

  it("refuses a meeting request to oneself", async () => {
    const [req] = await sql<{ id: number }[]>`insert into meeting_request (event_id) values (${event}) returning id`;
    await sql`insert into meeting_request_party (request_id, org_id, role, response) values (${req.id}, ${enterprise}, 'requester', 'accepted')`;
    await refused(sql`insert into meeting_request_party (request_id, org_id, role) values (${req.id}, ${enterprise}, 'invitee')`, UNIQUE);
  });
});

describe("pipeline", () => {
  let intent: number;
  beforeAll(async () => {
    [{ id: intent }] = await sql<{ id: number }[]>`
      insert into intent (ref, enterprise_org_id, institution_org_id, expert_id, need_id, result_id, event_id, summary)
      values ('T-I1', ${enterprise}, ${university}, ${expert}, ${need}, ${result}, ${event}, '共同开发检测装置') returning id`;
  });

  it("refuses an unknown stage, and dropping without a reason", async () => {
    await refused(sql`update intent set stage = 'won' where id = ${intent}`, CHECK);
    await refused(sql`update intent set stage = 'dropped' where id = ${intent}`, CHECK);
    await refused(sql`insert into intent_stage_history (intent_id, from_stage, to_stage) values (${intent}, 'intent', 'won')`, CHECK);
    await refused(sql`insert into intent_stage_history (intent_id, from_stage, to_stage) values (${intent}, 'intent', 'intent')`, CHECK);
    await sql`update intent set stage = 'dropped', dropped_reason = '投资回收期过长' where id = ${intent}`;
    await sql`update intent set stage = 'negotiating', dropped_reason = null where id = ${intent}`;
  });

  it("refuses an intent of an organization with itself", async () => {
    await refused(sql`insert into intent (enterprise_org_id, institution_org_id) values (${enterprise}, ${enterprise})`, CHECK);
  });

  it("refuses a negative amount, an unknown kind, and an on-stage signing without its event", async () => {
    const base = { intent_id: intent, title: "检测装置合作开发协议", signed_on: "2018-05-11" };
    await refused(sql`insert into agreement ${sql({ ...base, kind: "合作开发", amount_wan: -5 })}`, CHECK);
    await refused(sql`insert into agreement ${sql({ ...base, kind: "技术入股", amount_wan: 5 })}`, CHECK);
    await refused(sql`insert into agreement ${sql({ ...base, kind: "合作开发", amount_wan: 5, signed_on_stage: true })}`, CHECK);
    await sql`insert into agreement ${sql({ ...base, kind: "合作开发", amount_wan: 120.5, signed_on_stage: true, event_id: event })}`;
  });
});

describe("feedback and targets", () => {
  it("needs a reason to dismiss, and keeps one verdict per pair and organization", async () => {
    await refused(
      sql`insert into match_feedback (need_id, result_id, org_id, decision) values (${need}, ${result}, ${enterprise}, 'dismissed')`,
      CHECK,
    );
    await refused(
      sql`insert into match_feedback (need_id, result_id, org_id, decision, reason) values (${need}, ${result}, ${enterprise}, 'dismissed', 'boring')`,
      CHECK,
    );
    await refused(sql`insert into match_feedback (need_id, org_id, decision) values (${need}, ${enterprise}, 'accepted')`, CHECK);
    await sql`insert into match_feedback (need_id, result_id, org_id, decision, reason) values (${need}, ${result}, ${enterprise}, 'dismissed', 'too_early')`;
    await refused(
      sql`insert into match_feedback (need_id, result_id, org_id, decision) values (${need}, ${result}, ${enterprise}, 'accepted')`,
      UNIQUE,
      "match_feedback_pair_key",
    );
    // the other side judges separately
    await sql`insert into match_feedback (need_id, result_id, org_id, decision) values (${need}, ${result}, ${university}, 'accepted')`;
  });

  it("refuses a negative target and a second target for the same year and indicator; allows custom indicators", async () => {
    await refused(sql`insert into kpi_target (year, indicator, target) values (2018, 'needs', -1)`, CHECK);
    await sql`insert into kpi_target (year, indicator, label, unit, target) values (2018, 'needs', '技术需求', '项', 200)`;
    await refused(sql`insert into kpi_target (year, indicator, target) values (2018, 'needs', 210)`, UNIQUE);
    await sql`insert into kpi_target (year, indicator, label, unit, target) values (2018, 'expert_workstations', '院士工作站', '家', 3)`;
    await refused(sql`insert into kpi_target (year, indicator, target) values (2018, '技术需求', 1)`, CHECK);
  });
});
