import { sql } from "../../db/client.server";
import { createUserSession } from "~/utils/auth.server";
import { addMember, makeOrg, makeUser } from "../app/helpers";

// A small, fixed world for the KPI tests: every record sits on purpose inside or outside 2018,
// its quarters and the 03-31 / 04-01 edge (times written in +08:00, the bureau's zone), so each
// figure below is known by hand. The expected values are in kpi.test.ts next to the checks.

export type TestUser = Awaited<ReturnType<typeof makeUser>> & { cookie: string };

async function withCookie(user: Awaited<ReturnType<typeof makeUser>>): Promise<TestUser> {
  const headers = await createUserSession(new Request("http://localhost/login"), user.id);
  return { ...user, cookie: (headers.get("Set-Cookie") ?? "").split(";")[0] };
}

async function org(name: string, kind: "enterprise" | "university" | "institute" | "government", town: string | null) {
  const id = await makeOrg(name, kind);
  await sql`update organization set town = ${town} where id = ${id}`;
  return id;
}

async function need(orgId: number, status: string, field: string, publishedAt: string | null) {
  const [r] = await sql<{ id: number }[]>`
    insert into need (org_id, title, field, status, published_at)
    values (${orgId}, '测试需求', ${field}, ${status}, ${publishedAt}) returning id`;
  return r.id;
}

async function result(orgId: number, status: string, field: string, publishedAt: string | null, lead: number | null = null) {
  const [r] = await sql<{ id: number }[]>`
    insert into result (org_id, lead_expert_id, title, field, status, published_at)
    values (${orgId}, ${lead}, '测试成果', ${field}, ${status}, ${publishedAt}) returning id`;
  return r.id;
}

async function expert(orgId: number, status: string, publishedAt: string | null) {
  const [r] = await sql<{ id: number }[]>`
    insert into expert (org_id, name, status, published_at) values (${orgId}, '测试专家', ${status}, ${publishedAt}) returning id`;
  return r.id;
}

async function event(kind: string, name: string, startsOn: string, endsOn: string, status: string) {
  const [r] = await sql<{ id: number }[]>`
    insert into event (kind, name, starts_on, ends_on, status) values (${kind}, ${name}, ${startsOn}, ${endsOn}, ${status}) returning id`;
  return r.id;
}

async function participant(eventId: number, who: { org?: number; expert?: number }, status: string) {
  await sql`
    insert into event_participant (event_id, org_id, expert_id, status, checked_in_at)
    values (${eventId}, ${who.org ?? null}, ${who.expert ?? null}, ${status}, ${status === "checked_in" ? sql`now()` : null})`;
}

async function meeting(eventId: number, startsAt: string | null, status: "held" | "scheduled" | "cancelled", label: string) {
  if (startsAt === null) {
    await sql`insert into meeting (event_id, status, cancelled_at) values (${eventId}, 'cancelled', now())`;
    return;
  }
  const [slot] = await sql<{ id: number }[]>`
    insert into event_slot (event_id, starts_at, ends_at) values (${eventId}, ${startsAt}, ${startsAt}::timestamptz + interval '20 minutes') returning id`;
  const [table] = await sql<{ id: number }[]>`insert into event_table (event_id, label) values (${eventId}, ${label}) returning id`;
  await sql`insert into meeting (event_id, slot_id, table_id, status) values (${eventId}, ${slot.id}, ${table.id}, ${status})`;
}

async function intent(
  o: { ent: number; inst: number; need?: number; result?: number; event?: number; created: string; stage: string },
  history: { from: string | null; to: string; at: string }[],
) {
  const [r] = await sql<{ id: number }[]>`
    insert into intent (enterprise_org_id, institution_org_id, need_id, result_id, event_id, stage, dropped_reason, created_at, stage_changed_at)
    values (${o.ent}, ${o.inst}, ${o.need ?? null}, ${o.result ?? null}, ${o.event ?? null}, ${o.stage},
      ${o.stage === "dropped" ? "企业转产，需求取消" : null}, ${o.created}, ${o.created}) returning id`;
  for (const h of history) {
    await sql`insert into intent_stage_history (intent_id, from_stage, to_stage, changed_at) values (${r.id}, ${h.from}, ${h.to}, ${h.at})`;
  }
  return r.id;
}

async function agreement(intentId: number, kind: string, amount: number, signedOn: string, onStage: boolean, eventId: number | null) {
  await sql`
    insert into agreement (intent_id, title, kind, amount_wan, signed_on, signed_on_stage, event_id)
    values (${intentId}, '测试协议', ${kind}, ${amount}, ${signedOn}, ${onStage}, ${eventId})`;
}

export async function kpiFixture() {
  const E1 = await org("如城电机有限公司", "enterprise", "如城街道");
  const E2 = await org("开发区新材料有限公司", "enterprise", "经济开发区");
  const E3 = await org("无镇区企业有限公司", "enterprise", null);
  const U1 = await org("甲大学", "university", "南京");
  const I1 = await org("乙研究院", "institute", "上海");

  // needs: 2018 counts n1 n2 n3 n4 n8 (3 enterprises); n3 is 04-01 00:30 in Shanghai = 03-31 UTC → Q2
  const n1 = await need(E1, "published", "新材料", "2018-01-15T10:00:00+08:00");
  await need(E1, "matched", "新材料", "2018-03-31T23:30:00+08:00");
  const n3 = await need(E2, "published", "电子信息", "2018-04-01T00:30:00+08:00");
  await need(E3, "published", "电子信息", "2018-06-10T09:00:00+08:00");
  await need(E2, "draft", "电子信息", null);
  await need(E2, "pending_review", "电子信息", null);
  await need(E1, "published", "新材料", "2017-12-31T23:59:00+08:00");
  await need(E2, "closed", "先进制造与自动化", "2018-05-05T09:00:00+08:00");

  // experts: 2018 counts x1 x2
  const x1 = await expert(U1, "published", "2018-01-10T09:00:00+08:00");
  const x2 = await expert(I1, "published", "2018-08-01T09:00:00+08:00");
  await expert(U1, "draft", null);

  // results: 2018 counts r1 r2 r3 (2 institutions); r2 is 03-31 23:59 in Shanghai → Q1
  const r1 = await result(U1, "published", "新材料", "2018-02-01T09:00:00+08:00", x1);
  const r2 = await result(U1, "published", "电子信息", "2018-03-31T23:59:00+08:00", x1);
  await result(I1, "published", "新材料", "2018-07-01T09:00:00+08:00", x2);
  await result(I1, "draft", "新材料", null);

  // events: held in 2018 ev3 (online, 01-01, still open but over), ev1 (03-31), ev2 (04-01)
  const ev1 = await event("talent_fair", "第十九届科技人才洽谈会", "2018-03-31", "2018-03-31", "finished");
  const ev2 = await event("university_visit", "赴甲大学专题对接", "2018-04-01", "2018-04-01", "finished");
  const ev3 = await event("online", "线上征集", "2018-01-01", "2018-12-31", "open");
  await event("shanghai_program", "取消的上海行", "2018-05-01", "2018-05-01", "cancelled");
  await event("talent_fair", "尚在筹备的洽谈会", "2018-10-19", "2018-10-19", "draft");

  // participants: ev1 E1 U1 x1 (E2 only registered, x2 no-show); ev2 E2 x1; ev3 online: E3 I1 approved
  await participant(ev1, { org: E1 }, "checked_in");
  await participant(ev1, { org: E2 }, "registered");
  await participant(ev1, { org: U1 }, "checked_in");
  await participant(ev1, { expert: x1 }, "checked_in");
  await participant(ev1, { expert: x2 }, "no_show");
  await participant(ev2, { org: E2 }, "checked_in");
  await participant(ev2, { expert: x1 }, "checked_in");
  await participant(ev3, { org: E3 }, "approved");
  await participant(ev3, { org: I1 }, "approved");
  await participant(ev3, { org: E1 }, "registered");

  // meetings: one held (ev1), one cancelled (ev1), one scheduled but not held (ev2)
  await meeting(ev1, "2018-03-31T14:00:00+08:00", "held", "1号桌");
  await meeting(ev1, null, "cancelled", "");
  await meeting(ev2, "2018-04-01T10:00:00+08:00", "scheduled", "1号桌");

  // intents: 2018 counts i1 i2 i3 i5; projects (first reach signed+) i1 04-02, i3 06-15, i4 01-05
  const i1 = await intent({ ent: E1, inst: U1, need: n1, event: ev1, created: "2018-03-31T16:00:00+08:00", stage: "signed" }, [
    { from: null, to: "intent", at: "2018-03-31T16:00:00+08:00" },
    { from: "intent", to: "signed", at: "2018-04-02T10:00:00+08:00" },
  ]);
  await intent({ ent: E2, inst: U1, result: r2, event: ev2, created: "2018-04-01T09:00:00+08:00", stage: "negotiating" }, [
    { from: null, to: "intent", at: "2018-04-01T09:00:00+08:00" },
    { from: "intent", to: "negotiating", at: "2018-04-20T09:00:00+08:00" },
  ]);
  const i3 = await intent({ ent: E3, inst: I1, created: "2018-06-01T09:00:00+08:00", stage: "in_progress" }, [
    { from: null, to: "intent", at: "2018-06-01T09:00:00+08:00" },
    { from: "intent", to: "signed", at: "2018-06-15T09:00:00+08:00" },
    { from: "signed", to: "in_progress", at: "2018-07-01T09:00:00+08:00" },
  ]);
  const i4 = await intent({ ent: E1, inst: I1, result: r1, created: "2017-11-01T09:00:00+08:00", stage: "signed" }, [
    { from: null, to: "intent", at: "2017-11-01T09:00:00+08:00" },
    { from: "intent", to: "signed", at: "2018-01-05T09:00:00+08:00" },
  ]);
  await intent({ ent: E2, inst: U1, need: n3, created: "2018-02-10T09:00:00+08:00", stage: "dropped" }, [
    { from: null, to: "intent", at: "2018-02-10T09:00:00+08:00" },
    { from: "intent", to: "dropped", at: "2018-03-01T09:00:00+08:00" },
  ]);

  // agreements: 2018 counts a1 a2 a3 (350.5 万元, one on stage); a4 is 2017
  await agreement(i1, "合作开发", 120.5, "2018-04-02", false, null);
  await agreement(i3, "技术服务", 30, "2018-06-15", true, ev2);
  await agreement(i4, "技术转让", 200, "2018-01-05", false, ev1);
  await agreement(i4, "委托开发", 50, "2017-12-31", false, null);

  const admin = await withCookie(await makeUser({ role: "admin", name: "管理员" }));
  const organizer = await withCookie(await makeUser({ role: "organizer", name: "科技局组织者" }));
  const member = await withCookie(await makeUser({ name: "企业成员" }));
  await addMember(E1, member.id, "manager");
  return { E1, E2, E3, U1, I1, ev1, ev2, ev3, admin, organizer, member };
}
export type KpiWorld = Awaited<ReturnType<typeof kpiFixture>>;
