import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import postgres from "postgres";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, test } from "vitest";
import { DEMO_LOGINS } from "../../db/seed.server";
import { e2eDatabaseUrl, expect, url, useBrowser as openBrowser } from "./harness";

// The dashboard and the printable report in a real Chromium on the demo data (2017): the
// figures shown are checked against the database with plain SQL written here (not the app's
// KPI model), the charts are drawn, the report prints to an A4 PDF without navigation, and
// axe-core finds no serious or critical violation on the dashboard, targets and report pages.

const browser = openBrowser();
const organizer = DEMO_LOGINS.find((l) => l.role === "organizer")!;
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
let db: postgres.Sql;

beforeAll(() => {
  db = postgres(e2eDatabaseUrl(), { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await db?.end();
});

async function logIn(page: Page) {
  await browser.clearCookies();
  await page.goto(url("/login"));
  await page.waitForLoadState("networkidle");
  await page.getByLabel("邮箱").fill(organizer.email);
  await page.getByLabel(/^密码/).fill(organizer.password);
  await page.getByRole("button", { name: "登录" }).last().click();
  await page.waitForURL(url("/"));
}

async function seriousViolations(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run: (d: Document, o: object) => Promise<Result> } }).axe;
    const result = await axe.run(document, { runOnly: ["wcag2a", "wcag2aa"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}

/** 2017's figures by plain SQL (the definitions of docs/decisions/060-kpi-definitions.md). */
async function expected2017() {
  const inYear = (col: string) => `${col} >= '2017-01-01 00:00+08' and ${col} < '2018-01-01 00:00+08'`;
  const [r] = await db.unsafe(`
    select
      (select count(*) from need n where n.status in ('published','matched','closed') and ${inYear("n.published_at")})::int as needs,
      (select count(distinct org_id) from need n where n.status in ('published','matched','closed') and ${inYear("n.published_at")})::int as need_enterprises,
      (select count(*) from result r where r.status in ('published','closed') and ${inYear("r.published_at")})::int as results,
      (select count(distinct org_id) from result r where r.status in ('published','closed') and ${inYear("r.published_at")})::int as result_institutions,
      (select count(*) from expert x where x.status in ('published','closed') and ${inYear("x.published_at")})::int as experts,
      (select count(*) from event e where e.status = 'finished' and e.starts_on between '2017-01-01' and '2017-12-31')::int as events,
      (select count(*) from intent i where ${inYear("i.created_at")})::int as intents,
      (select count(*) from agreement a where a.signed_on between '2017-01-01' and '2017-12-31')::int as agreements,
      (select coalesce(sum(amount_wan), 0)::float8 from agreement a where a.signed_on between '2017-01-01' and '2017-12-31') as agreement_amount_wan,
      (select count(*) from agreement a where a.signed_on_stage and a.signed_on between '2017-01-01' and '2017-12-31')::int as signed_on_stage`);
  return r as Record<string, number>;
}

const figureOf = async (page: Page, code: string) => {
  const text = await page.locator(`[data-figure="${code}"] dd`).innerText();
  return Number(text.replace(/[^\d.]/g, ""));
};

describe("dashboard and yearly report (demo data, 2017)", () => {
  test("the dashboard shows the database's figures, draws its charts and passes axe", async () => {
    const page = await browser.newPage();
    await logIn(page);
    // the staff navigation links to both pages
    await expect.poll(() => page.getByRole("link", { name: "数据看板" }).count()).toBe(1);
    await expect.poll(() => page.getByRole("link", { name: "年度报告" }).count()).toBe(1);

    // the default period is the current year, empty in the demo: the page points to 2017
    // (a fresh load: right after signing in, the shell's toast is on screen)
    await page.goto(url("/dashboard"));
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId("latest-year").getByRole("link", { name: "查看 2017 年" }).click();
    await page.waitForURL(url("/dashboard?year=2017"));
    await expect.poll(() => page.getByTestId("period").innerText()).toContain("2017-01-01");
    await page.waitForLoadState("networkidle");
    const want = await expected2017();
    for (const [code, value] of Object.entries(want)) {
      expect(await figureOf(page, code), code).toBe(value);
    }
    expect(want.needs).toBeGreaterThan(0);
    // the tables agree with the cards: the towns table's needs column adds up to the needs figure
    const townNeeds = await page.locator('table[data-table="towns"] tbody td[data-col="needs"]').allInnerTexts();
    expect(townNeeds.reduce((s, v) => s + Number(v), 0)).toBe(want.needs);
    const monthIntents = await page.locator('table[data-table="months"] tbody td[data-col="intents"]').allInnerTexts();
    expect(monthIntents).toHaveLength(12);
    expect(monthIntents.reduce((s, v) => s + Number(v), 0)).toBe(want.intents);
    // every breakdown has a drawn chart (SVG) beside its table
    for (const id of ["months", "towns", "fields", "institutions", "events"]) {
      await expect.poll(() => page.locator(`[data-chart="${id}"] svg.recharts-surface`).count(), { message: id }).toBeGreaterThan(0);
    }
    expect(await seriousViolations(page)).toEqual([]);
    if (process.env.KPI_SHOTS) {
      await page.screenshot({ path: `${process.env.KPI_SHOTS}/dashboard.png` });
      await page.locator('[data-chart="events"]').screenshot({ path: `${process.env.KPI_SHOTS}/events-chart.png` });
    }

    await page.goto(url("/dashboard/targets?year=2018"));
    await page.waitForLoadState("networkidle");
    // the report's 2018 targets are offered
    await expect.poll(() => page.getByLabel("目标值：技术需求（项）").inputValue()).toBe("200");
    expect(await page.getByLabel("目标值：合作项目（个）").inputValue()).toBe("10");
    expect(await seriousViolations(page)).toEqual([]);
    if (process.env.KPI_SHOTS) await page.screenshot({ path: `${process.env.KPI_SHOTS}/targets.png`, fullPage: true });

    // a period that ends before it starts: a message, no figures (the page answers 400, which
    // Chromium logs as a failed resource)
    browser.allowPageErrors();
    await page.goto(url("/dashboard?from=2017-06-30&to=2017-01-01"));
    await page.waitForLoadState("networkidle");
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "结束日期早于开始日期" }).count()).toBe(1);
    expect(await page.locator("[data-figure]").count()).toBe(0);

    await page.close();
  });

  test("the report's sentences carry the database's figures; it prints to A4 without navigation and passes axe", async () => {
    const page = await browser.newPage();
    await logIn(page);
    await page.goto(url("/reports/yearly?year=2017"));
    await page.waitForLoadState("networkidle");
    const want = await expected2017();
    const collect = await page.locator('[data-sentence="collect"]').innerText();
    expect(collect).toContain(`共征集 ${want.need_enterprises} 家企业有效技术需求 ${want.needs} 项`);
    expect(collect).toContain(`收集 ${want.result_institutions} 所高校院所科研成果 ${want.results} 项`);
    const events = await page.locator('[data-sentence="events"]').innerText();
    expect(events).toContain(`共组织各类校企对接活动 ${want.events} 次`);
    const outcomes = await page.locator('[data-sentence="outcomes"]').innerText();
    expect(outcomes).toContain(`达成合作意向 ${want.intents} 项，签订合作协议 ${want.agreements} 项，协议金额 ${want.agreement_amount_wan} 万元`);
    expect(outcomes).toContain(`其中 ${want.signed_on_stage} 项在活动现场集中签约`);
    await expect.poll(() => page.locator('[data-chart="months"] svg.recharts-surface').count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);

    // print: no header, navigation or period form; the report itself stays
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".mantine-AppShell-navbar").isVisible()).toBe(false);
    expect(await page.locator(".mantine-AppShell-header").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "打印 / 保存为 PDF" }).isVisible()).toBe(false);
    expect(await page.locator('[data-sentence="collect"]').isVisible()).toBe(true);
    if (process.env.KPI_SHOTS) await page.screenshot({ path: `${process.env.KPI_SHOTS}/report-print.png`, fullPage: true });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    if (process.env.KPI_SHOTS) writeFileSync(`${process.env.KPI_SHOTS}/report.pdf`, pdf);
    // A4 portrait is 595 × 842 points (Skia writes 594.96 × 841.92); several pages
    const boxes = pdf.toString("latin1").match(/\/MediaBox \[0 0 [\d.]+ [\d.]+\]/g) ?? [];
    expect(boxes.length).toBeGreaterThan(1);
    for (const box of boxes) expect(box).toMatch(/\[0 0 59[45]\.\d+ 84[12]\.\d+\]/);
    await page.emulateMedia({ media: "screen" });

    // a quarter
    await page.goto(url("/reports/yearly?year=2017&quarter=4"));
    await page.waitForLoadState("networkidle");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("2017 年第4季度科技合作交流工作情况");
    if (process.env.KPI_SHOTS) await page.screenshot({ path: `${process.env.KPI_SHOTS}/report-q4.png` });

    // English rendering: the same figures in English sentences
    await browser.context.addCookies([{ name: "lng", value: "en", url: url("/") }]);
    await page.goto(url("/reports/yearly?year=2017"));
    await page.waitForLoadState("networkidle");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Science and technology cooperation, 2017");
    expect(await page.locator('[data-sentence="collect"]').innerText()).toContain(`${want.needs} valid technology needs were collected from ${want.need_enterprises} enterprises`);
    expect(await seriousViolations(page)).toEqual([]);
    await browser.context.clearCookies();
    await page.close();
  });
});
