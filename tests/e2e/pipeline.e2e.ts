import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, describe, test } from "vitest";
import { DEMO_LOGINS } from "../../db/seed.server";
import { e2eDatabaseUrl, expect, url, useBrowser as openBrowser } from "./harness";

// The collaboration pipeline in a real Chromium against the real server with the demo data: the
// organizer records an intent in a few fields (parties picked by typing part of their names),
// moves it to negotiation, records the agreement with a full-width amount, and finds it in the
// agreements list and in the intent's history. The pages pass axe's WCAG A/AA rules.

const browser = openBrowser();
const organizer = DEMO_LOGINS.find((l) => l.role === "organizer");
const db = postgres(e2eDatabaseUrl(), { max: 1, onnotice: () => {} });
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
afterAll(async () => {
  await db.end();
});

const stamp = Date.now().toString(36).toUpperCase();

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
    // the page as the user sees it, the sign-in toast included
    const result = await axe.run(document, { runOnly: ["wcag2a", "wcag2aa"] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  });
}

async function pick(page: Page, label: RegExp, typed: string, option: string) {
  const input = page.getByRole("textbox", { name: label });
  await input.click();
  await input.fill(typed);
  await page.getByRole("option", { name: option }).click();
}

describe("collaboration pipeline", () => {
  test("an organizer records an intent, advances it, records the agreement and finds it in the list and the history", async () => {
    const page = await browser.newPage();
    await logIn(page);

    // the navigation leads to the intents
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "合作意向" }).click();
    await page.waitForURL(url("/intents"));
    await page.waitForLoadState("networkidle");
    await expect.poll(() => page.getByRole("heading", { name: "合作意向", level: 1 }).count()).toBe(1);
    expect(await axeViolations(page), "/intents").toEqual([]);
    // paging is links (the demo has 123 intents, 50 a page)
    await page.getByRole("link", { name: "下一页" }).click();
    await page.waitForURL(url("/intents?page=2"));
    await expect.poll(() => page.getByRole("status").first().innerText()).toContain("共");

    // record in a few fields
    await page.getByRole("link", { name: "登记合作意向" }).click();
    await page.waitForURL(url("/intents/new"));
    await page.waitForLoadState("networkidle");
    await pick(page, /^企业/, "汤臣", "江苏汤臣汽车零部件有限公司");
    await pick(page, /^高校院所/, "吉林", "吉林大学");
    const summary = `端到端测试 ${stamp}：双方商定开展制动系统轻量化研究，首期投入１２．５万元。`;
    await page.getByLabel("意向内容").fill(summary);
    expect(await axeViolations(page), "/intents/new").toEqual([]);
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await page.waitForURL(/\/intents\/\d+$/);
    await page.waitForLoadState("networkidle");
    await expect.poll(() => page.getByText("合作意向已登记").count()).toBeGreaterThan(0);
    const id = Number(new URL(page.url()).pathname.split("/").pop());
    const [row] = await db`select stage, summary, created_by is not null as by from intent where id = ${id}`;
    expect(row).toEqual({ stage: "intent", summary, by: true });

    // advance: intent → negotiating, with a note
    await page.getByLabel("改为").selectOption({ label: "洽谈中" });
    await page.getByLabel("备注").fill("已约第二次面谈");
    await page.getByRole("button", { name: "确认更改" }).click();
    await expect.poll(() => page.getByText("阶段已更新").count()).toBeGreaterThan(0);
    await page.waitForLoadState("networkidle");

    // record the agreement: the intent moves to signed
    const title = `制动系统轻量化合作开发合同 ${stamp}`;
    await page.getByLabel(/^协议名称/).fill(title);
    await page.getByLabel("协议类型").selectOption({ label: "合作开发" });
    await page.getByLabel(/^金额/).fill("１２．５");
    await page.getByLabel(/^签订日期/).fill("2017-09-20");
    await page.getByLabel("合同编号 / 档案号").fill(`RG-${stamp}`);
    expect(await axeViolations(page), "/intents/:id").toEqual([]);
    await page.getByRole("button", { name: "保存协议" }).click();
    await expect.poll(() => page.getByText("合作协议已记录").count()).toBeGreaterThan(0);
    const [agreement] = await db`select amount_wan::float8 as amount, kind from agreement where intent_id = ${id}`;
    expect(agreement).toEqual({ amount: 12.5, kind: "合作开发" });
    expect((await db`select stage from intent where id = ${id}`)[0].stage).toBe("signed");

    // the history shows every move, who made it
    const history = page.getByRole("region", { name: "阶段记录" });
    await expect.poll(() => history.innerText()).toContain("「意向」→「洽谈中」");
    expect(await history.innerText()).toContain("「洽谈中」→「已签约」");
    expect(await history.innerText()).toContain("科技局演示账号");
    expect(await history.innerText()).toContain("已约第二次面谈");

    // and the agreement is in the list
    await page.goto(url(`/agreements?year=2017&kind=合作开发`));
    await page.waitForLoadState("networkidle");
    await expect.poll(() => page.getByRole("link", { name: title }).count()).toBe(1);
    expect(await axeViolations(page), "/agreements").toEqual([]);
    await page.close();
  });
});
