import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, describe, test } from "vitest";
import { DEMO_LOGINS } from "../../db/seed.server";
import { e2eDatabaseUrl, expect, url, useBrowser as openBrowser } from "./harness";

// An event from start to the day, in a real Chromium against the real server with the demo data:
// the organizer creates an event with slots and tables and opens registration; the enterprise
// and the university register; the enterprise asks the university to meet, the university
// accepts; the organizer checks the enterprise in by the code on its schedule.

const browser = openBrowser();
const login = (role: string) => {
  const l = DEMO_LOGINS.find((x) => x.role === role);
  if (!l) throw new Error(`no demo ${role}`);
  return l;
};
const db = postgres(e2eDatabaseUrl(), { max: 1, onnotice: () => {} });
afterAll(async () => {
  await db.end();
});
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

async function axeViolations(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (d: object, o: object) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run({ exclude: [[".mantine-Notifications-root"]] }, { runOnly: ["wcag2a", "wcag2aa"] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  });
}

const stamp = Date.now().toString(36).toUpperCase();
const NAME = `端到端洽谈会 ${stamp}`;

// Fill, check, and fill again until the value stays. After a client-side navigation the URL
// changes ≈ 250 ms before the new route is on screen, and getByLabel("活动名称") also matches the
// list page's "搜索活动名称、城市或地点": the name went into the old page's search box, which then
// vanished (a clean clone, every time). The tests also wait for the new page's heading.
async function fillStable(locator: ReturnType<Page["getByLabel"]>, value: string) {
  for (let i = 0; i < 10; i++) {
    await locator.fill(value);
    await new Promise((r) => setTimeout(r, 300));
    if ((await locator.inputValue()) === value) return;
  }
  throw new Error(`the field did not keep ${value}`);
}

// Every navigation waits for the page to settle (hydrated, nothing in flight): a field typed into
// before hydration can be reset by it, and the form then posts without it.
async function logIn(page: Page, role: string) {
  const l = login(role);
  await browser.clearCookies();
  await page.goto(url("/login"));
  await page.waitForLoadState("networkidle");
  await fillStable(page.getByLabel("邮箱"), l.email);
  await fillStable(page.getByLabel(/^密码/), l.password);
  await page.getByRole("button", { name: "登录" }).last().click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  await page.waitForLoadState("networkidle");
}

async function orgOf(role: string): Promise<{ id: number; name: string }> {
  const [row] = await db<{ id: number; name: string }[]>`
    select o.id, o.name from membership m join app_user u on u.id = m.user_id join organization o on o.id = m.org_id
    where u.email = ${login(role).email} order by o.id limit 1`;
  return row;
}

let eventPath = "";

describe("an event from creation to check-in", () => {
  test("the organizer creates an event, generates slots and tables, opens registration", async () => {
    const page = await browser.newPage();
    await logIn(page, "organizer");
    await page.goto(url("/events"));
    await page.waitForLoadState("networkidle");
    await page.getByRole("link", { name: "新建活动" }).click();
    await page.waitForURL(url("/events/new"));
    await page.waitForLoadState("networkidle");
    await page.getByRole("heading", { name: "新建对接活动" }).waitFor();
    await fillStable(page.getByLabel("活动名称"), NAME);
    await fillStable(page.getByLabel("开始日期"), "2030-05-20");
    await fillStable(page.getByLabel("结束日期"), "2030-05-20");
    await fillStable(page.getByLabel("城市"), "南通");
    await page.getByRole("button", { name: "创建活动" }).click();
    await page.waitForURL(/\/events\/EV2030-\d+\/setup$/);
    await page.waitForLoadState("networkidle");
    eventPath = new URL(page.url()).pathname.replace(/\/setup$/, "");

    await page.getByRole("button", { name: "生成时段" }).click();
    await expect.poll(() => page.getByRole("button", { name: /^删除时段/ }).count()).toBe(24);
    await fillStable(page.getByLabel("数量"), "5");
    await page.getByRole("button", { name: "添加桌位" }).click();
    await expect.poll(() => page.getByRole("button", { name: /^删除桌位/ }).count()).toBe(5);

    await page.goto(url(eventPath));
    await page.waitForLoadState("networkidle");
    await page.getByRole("button", { name: "开放报名" }).click();
    await expect.poll(() => page.getByText("本活动正在接受报名。").count()).toBe(1);
    await page.close();
  });

  test("the enterprise and the university register", async () => {
    const page = await browser.newPage();
    for (const role of ["enterprise", "university"]) {
      await logIn(page, role);
      await page.goto(url(`${eventPath}/register`));
      await page.waitForLoadState("networkidle");
      await fillStable(page.getByLabel("希望对接什么"), role === "enterprise" ? "寻找新材料、智能制造方向的高校团队。" : "推介储能与新材料成果，寻找产业化伙伴。");
      await page.getByRole("button", { name: "提交报名" }).click();
      await page.waitForURL(url(eventPath));
      await page.waitForLoadState("networkidle");
      await expect.poll(() => page.getByText("待审核").count()).toBeGreaterThan(0);
    }
    await page.close();
  });

  test("the enterprise requests a meeting; the university accepts", async () => {
    const uni = await orgOf("university");
    const page = await browser.newPage();
    await logIn(page, "enterprise");
    await page.goto(url(`${eventPath}/requests`));
    await page.waitForLoadState("networkidle");
    await page.getByLabel("约见对象").selectOption(`org:${uni.id}`);
    await fillStable(page.getByLabel("留言（可选）"), "您好！想就新材料成果当面交流。");
    await page.getByRole("button", { name: "发送请求" }).click();
    await expect.poll(() => page.getByText("待回复").count()).toBeGreaterThan(0);

    await logIn(page, "university");
    await page.goto(url(`${eventPath}/requests`));
    await page.waitForLoadState("networkidle");
    await page.getByRole("button", { name: /^接受来自/ }).click();
    await expect.poll(() => page.getByRole("cell", { name: "已接受" }).count()).toBeGreaterThan(0);
    await page.close();
  });

  test("the organizer checks the enterprise in by its code; the live count follows", async () => {
    const ent = await orgOf("enterprise");
    const [p] = await db<{ checkin_code: string }[]>`
      select p.checkin_code from event_participant p join event e on e.id = p.event_id where e.name = ${NAME} and p.org_id = ${ent.id}`;
    const page = await browser.newPage();
    await logIn(page, "organizer");
    await page.goto(url(`${eventPath}/checkin`));
    await page.waitForLoadState("networkidle");
    await expect.poll(() => page.locator('[data-count="checkedIn"]').innerText()).toBe("0");
    await page.getByRole("textbox", { name: "签到码", exact: true }).fill(p.checkin_code.toLowerCase());
    await page.getByRole("button", { name: "签到", exact: true }).first().click();
    await expect.poll(() => page.locator('[data-count="checkedIn"]').innerText()).toBe("1");
    const [row] = await db<{ status: string }[]>`
      select p.status from event_participant p join event e on e.id = p.event_id where e.name = ${NAME} and p.org_id = ${ent.id}`;
    expect(row.status).toBe("checked_in");
    await page.close();
  });

  test("the events pages pass axe's WCAG A/AA rules", async () => {
    const page = await browser.newPage();
    await logIn(page, "organizer");
    const found: string[] = [];
    for (const path of ["/events", eventPath, `${eventPath}/setup`, `${eventPath}/participants`, `${eventPath}/requests`, `${eventPath}/checkin`, `${eventPath}/outcome`, `${eventPath}/edit`]) {
      await page.goto(url(path));
      await page.waitForLoadState("networkidle");
      await page.waitForLoadState("networkidle");
      for (const v of await axeViolations(page)) found.push(`${path} ${v}`);
    }
    await logIn(page, "enterprise");
    for (const path of [eventPath, `${eventPath}/register`, `${eventPath}/requests`]) {
      await page.goto(url(path));
      await page.waitForLoadState("networkidle");
      await page.waitForLoadState("networkidle");
      for (const v of await axeViolations(page)) found.push(`${path} ${v}`);
    }
    expect(found).toEqual([]);
    await page.close();
  });
});
