import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, describe, test } from "vitest";
import { DEMO_LOGINS } from "../../db/seed.server";
import { e2eDatabaseUrl, expect, url, useBrowser as openBrowser } from "./harness";

// The schedule in a real Chromium against the real server: the demo organizer runs the scheduler
// for a demo event (slots, tables and accepted requests added here), sees the grid, moves a meeting
// through the form, publishes, and opens a participant's printable sheet. Pages pass axe's WCAG
// A/AA rules.

const browser = openBrowser();
const organizer = DEMO_LOGINS.find((l) => l.role === "organizer");
const db = postgres(e2eDatabaseUrl(), { max: 1, onnotice: () => {} });
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
afterAll(async () => {
  await db.end();
});

async function logIn(page: Page) {
  if (!organizer) throw new Error("no demo organizer");
  await page.goto(url("/login"));
  await page.getByLabel("邮箱").fill(organizer.email);
  await page.getByLabel(/^密码/).fill(organizer.password);
  await page.getByRole("button", { name: "登录" }).last().click();
  await page.waitForURL(url("/"));
}

async function axeViolations(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (d: object, o: object) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run({ exclude: [[".mantine-Notifications-root"]] }, { runOnly: ["wcag2a", "wcag2aa"] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  });
}

/** An event of the demo organizer with demo organizations and experts approved, two slots, two tables and three accepted requests. */
async function prepareEvent() {
  const stamp = Date.now().toString(36).toUpperCase();
  const [ev] = await db<{ id: number; ref: string }[]>`
    insert into event (ref, kind, name, venue, starts_on, ends_on, status, slot_minutes)
    values (${`E2ES${stamp}`}, 'talent_fair', ${`排程测试洽谈会${stamp}`}, '会展中心', '2027-03-18', '2027-03-18', 'closed', 30) returning id, ref`;
  await db`insert into event_organizer (event_id, user_id) select ${ev.id}, id from app_user where email = ${organizer!.email}`;
  for (const [a, b] of [
    ["09:00", "09:30"],
    ["09:30", "10:00"],
  ]) {
    await db`insert into event_slot (event_id, starts_at, ends_at) values (${ev.id}, ${`2027-03-18T${a}:00+08:00`}, ${`2027-03-18T${b}:00+08:00`})`;
  }
  await db`insert into event_table (event_id, label, capacity, sort_order) values (${ev.id}, 'E2E-1', 2, 1), (${ev.id}, 'E2E-2', 4, 2)`;
  const orgs = await db<{ id: number }[]>`select id from organization where kind = 'enterprise' order by id limit 2`;
  const experts = await db<{ id: number }[]>`select id from expert order by id limit 2`;
  for (const o of orgs) await db`insert into event_participant (event_id, org_id, status) values (${ev.id}, ${o.id}, 'approved')`;
  for (const x of experts) await db`insert into event_participant (event_id, expert_id, status) values (${ev.id}, ${x.id}, 'approved')`;
  const pairs = [
    [orgs[0].id, experts[0].id],
    [orgs[0].id, experts[1].id],
    [orgs[1].id, experts[0].id],
  ];
  for (const [org, expert] of pairs) {
    const [r] = await db<{ id: number }[]>`insert into meeting_request (event_id, status, source, match_score) values (${ev.id}, 'accepted', 'organizer', 0.8) returning id`;
    await db`insert into meeting_request_party (request_id, org_id, role, response) values (${r.id}, ${org}, 'requester', 'accepted')`;
    await db`insert into meeting_request_party (request_id, expert_id, role, response) values (${r.id}, ${expert}, 'invitee', 'accepted')`;
  }
  return { id: ev.id, path: `/events/${ev.ref}` };
}

describe("schedule board", () => {
  test("run, move, publish, print — pages pass axe", async () => {
    const ev = await prepareEvent();
    const page = await browser.newPage();
    await logIn(page);
    await page.goto(url(`${ev.path}/schedule`));
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("洽谈日程");
    await page.getByRole("button", { name: /运行排程|重新排程/ }).click();
    await expect.poll(() => page.getByText(/排程完成：新排 \d+ 场/).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const [{ n }] = await db<{ n: number }[]>`select count(*)::int as n from meeting where event_id = ${ev.id} and status = 'scheduled'`;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(await axeViolations(page)).toEqual([]);

    // move the first meeting through its form
    await page.getByRole("link", { name: /移动洽谈 #\d+/ }).first().click();
    await expect.poll(() => page.getByRole("heading", { name: /移动洽谈 #\d+/ }).count()).toBe(1);
    await page.getByRole("combobox", { name: "桌位" }).selectOption({ label: "E2E-2（4 座）" });
    await page.getByRole("button", { name: "移动" }).click();
    await expect.poll(() => page.getByText("已移动洽谈。").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const [{ manual }] = await db<{ manual: number }[]>`select count(*)::int as manual from meeting where event_id = ${ev.id} and placed_by = 'manual'`;
    expect(manual).toBe(1);

    await page.getByRole("button", { name: /发布日程/ }).click();
    await expect.poll(() => page.getByText("日程已发布，参会方现在可以看到自己的日程。").count(), { timeout: 15_000 }).toBeGreaterThan(0);

    const [p] = await db<{ id: number; checkin_code: string }[]>`
      select p.id, p.checkin_code from event_participant p join meeting_party mp on mp.participant_id = p.id
      join meeting m on m.id = mp.meeting_id where m.event_id = ${ev.id} and m.status = 'scheduled' order by p.id limit 1`;
    await page.goto(url(`${ev.path}/print?participant=${p.id}`));
    await expect.poll(() => page.getByText(p.checkin_code).count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
