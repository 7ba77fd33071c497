import { describe, expect, it } from "vitest";
import { verifyPassword } from "../../app/utils/password.server";
import { sql } from "../../db/client.server";
import { BUREAU, DEMO_LOGINS, isDemoLoaded, seedDemo } from "../../db/seed.server";

async function counts() {
  const [row] = await sql<Record<string, number | string>[]>`
    select
      (select count(*) from organization) as organizations,
      (select count(*) from expert) as experts,
      (select count(*) from need) as needs,
      (select count(*) from result) as results,
      (select count(*) from event) as events,
      (select count(*) from event_participant) as participants,
      (select count(*) from intent) as intents,
      (select count(*) from intent_stage_history) as history,
      (select count(*) from agreement) as agreements,
      (select sum(amount_wan)::text from agreement) as amount_wan,
      (select count(*) from app_user) as users,
      (select count(*) from membership) as memberships,
      (select max(updated_at)::text from need) as needs_updated,
      (select max(version) from intent) as intent_version
  `;
  return row;
}

describe("seedDemo", () => {
  it("loads exactly the README's counts, plus the bureau and the demo logins", async () => {
    expect(await isDemoLoaded(sql)).toBe(false);
    const summary = await seedDemo(sql);
    expect(summary.total).toBeGreaterThan(0);
    expect(await isDemoLoaded(sql)).toBe(true);

    expect(await counts()).toMatchObject({
      organizations: 110,
      experts: 151,
      needs: 185,
      results: 420,
      events: 15,
      intents: 123,
      history: 123,
      agreements: 43,
      amount_wan: "4146.00",
      users: 4,
      memberships: 3,
    });

    const kinds = await sql<{ kind: string; n: number }[]>`select kind, count(*) as n from organization group by kind order by kind`;
    expect(Object.fromEntries(kinds.map((k) => [k.kind, k.n]))).toEqual({ enterprise: 77, university: 26, institute: 6, government: 1 });
    const [bureau] = await sql`select kind, name from organization where ref = ${BUREAU.ref}`;
    expect(bureau).toEqual({ kind: "government", name: "如皋市科技局" });
  });

  it("maps the demo statuses onto the schema's", async () => {
    const needs = await sql<{ status: string; n: number }[]>`select status, count(*) as n from need group by status`;
    expect(Object.fromEntries(needs.map((r) => [r.status, r.n]))).toEqual({ published: 96, matched: 79, closed: 10 });
    const stages = await sql<{ stage: string; n: number }[]>`select stage, count(*) as n from intent group by stage`;
    expect(Object.fromEntries(stages.map((r) => [r.stage, r.n]))).toEqual({ intent: 31, negotiating: 43, signed: 43, dropped: 6 });
    const [dropped] = await sql`select dropped_reason from intent where ref = 'I025'`;
    expect(dropped.dropped_reason).toMatch(/^因厂区无空余场地/);
    const [maturity] = await sql<{ n: number }[]>`select count(*) as n from result where maturity = '中试'`;
    expect(maturity.n).toBe(216);
    const [onStage] = await sql<{ n: number }[]>`
      select count(*) as n from agreement a join event e on e.id = a.event_id where a.signed_on_stage and e.ref = 'EV14'`;
    expect(onStage.n).toBe(18);
    // a need posted on 2017-01-06 reads as that day in Rugao
    const [n1] = await sql`select to_char(created_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day from need where ref = 'N001'`;
    expect(n1.day).toBe("2017-01-06");
    // every result's lead expert belongs to the result's institution
    const [mismatch] = await sql<{ n: number }[]>`
      select count(*) as n from result r join expert x on x.id = r.lead_expert_id where x.org_id <> r.org_id`;
    expect(mismatch.n).toBe(0);
  });

  it("is idempotent: a second run writes nothing and duplicates nothing", async () => {
    const before = await counts();
    const again = await seedDemo(sql);
    expect(again.total).toBe(0);
    expect(await counts()).toEqual(before);
    expect(before.intent_version).toBe(1);
  });

  it("puts a changed demo row back, bumping its version, and leaves the rest alone", async () => {
    await sql`update need set title = '被改过的标题', version = version + 1 where ref = 'N017'`;
    const again = await seedDemo(sql);
    expect(again.changed.needs).toBe(1);
    expect(again.total).toBe(1);
    const [n] = await sql`select title, version from need where ref = 'N017'`;
    expect(n).toEqual({ title: "记忆绵冬季变硬问题改善", version: 3 });
  });

  it("creates demo logins whose passwords work, with the promised roles and organizations", async () => {
    expect(DEMO_LOGINS.map((l) => l.role)).toEqual(["admin", "organizer", "enterprise", "university"]);
    for (const login of DEMO_LOGINS) {
      const [user] = await sql<{ id: string; role: string; password_hash: string }[]>`
        select id, role, password_hash from app_user where email = ${login.email}`;
      expect(user.role).toBe(login.platformRole);
      expect(await verifyPassword(user.password_hash, login.password)).toBe(true);
      const orgs = await sql<{ ref: string; role: string; kind: string }[]>`
        select o.ref, m.role, o.kind from membership m join organization o on o.id = m.org_id where m.user_id = ${user.id}`;
      expect(orgs.map(({ ref, role }) => ({ ref, role }))).toEqual(login.org ? [login.org] : []);
      const kind = { admin: undefined, organizer: "government", enterprise: "enterprise", university: "university" }[login.role];
      expect(orgs[0]?.kind).toBe(kind);
    }
  });
});
