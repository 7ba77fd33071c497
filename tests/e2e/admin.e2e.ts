import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import postgres from "postgres";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, test } from "vitest";
import { DEMO_LOGINS } from "../../db/seed.server";
import { e2eDatabaseUrl, expect, url, useBrowser as openBrowser } from "./harness";

// Administration in a real Chromium on the demo data: the admin finds 合并重复 in the
// navigation, previews merging a duplicate enterprise (what moves is listed), merges it, lands on
// the survivor's page, and finds the merge in 操作日志 filtered by the record. axe-core finds no
// serious or critical violation on the admin pages.

const browser = openBrowser();
const admin = DEMO_LOGINS.find((l) => l.role === "admin");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
let db: postgres.Sql;
const stamp = Date.now().toString(36).toUpperCase();
let keep = 0;
let dup = 0;

beforeAll(async () => {
  db = postgres(e2eDatabaseUrl(), { max: 1, onnotice: () => {} });
  // two spellings of one company, as two towns' spreadsheets would have them
  const [a] = await db<{ id: number }[]>`
    insert into organization (kind, name, ref, town) values ('enterprise', ${`如皋市长江精密机械有限公司${stamp}`}, ${`E2E-KEEP-${stamp}`}, '长江镇') returning id`;
  const [b] = await db<{ id: number }[]>`
    insert into organization (kind, name, ref, industry) values ('enterprise', ${`长江精密机械${stamp}`}, ${`E2E-DUP-${stamp}`}, '精密机械') returning id`;
  keep = a.id;
  dup = b.id;
  await db`
    insert into need (org_id, title, description, field, status, published_at)
    values (${dup}, ${`主轴热变形补偿${stamp}`}, '现有磨床加工4小时后尺寸漂移8μm，希望控制在±2μm以内。', '先进制造与自动化', 'published', now())`;
});
afterAll(async () => {
  await db?.end();
});

async function logIn(page: Page) {
  if (!admin) throw new Error("no demo admin");
  await browser.clearCookies();
  await page.goto(url("/login"));
  await page.waitForLoadState("networkidle");
  await page.getByLabel("邮箱").fill(admin.email);
  await page.getByLabel(/^密码/).fill(admin.password);
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

describe("administration", () => {
  test("the admin merges a duplicate organization after a preview, and the audit log shows it", async () => {
    const page = await browser.newPage();
    await logIn(page);
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "合并重复" }).click();
    await page.waitForURL(url("/admin/merge"));
    await page.waitForLoadState("networkidle");

    await page.getByLabel("保留（编号或外部编号）").fill(`E2E-KEEP-${stamp}`);
    await page.getByLabel("重复，将被合并删除（编号或外部编号）").fill(`E2E-DUP-${stamp}`);
    await page.getByRole("button", { name: "预览" }).click();
    const preview = page.getByTestId("merge-preview");
    await preview.waitFor();
    await expect(preview.getByText(`长江精密机械${stamp}`, { exact: true }).isVisible()).resolves.toBe(true);
    const moves = await page.getByTestId("merge-moves").innerText();
    expect(moves).toContain("技术需求");
    await expect(preview.getByText(/将用重复一方补上的字段：行业/).isVisible()).resolves.toBe(true);
    // reloaded (a GET): the sign-in toast of the root layout is gone, the page is checked alone
    await page.reload();
    await page.waitForLoadState("networkidle");
    await page.getByTestId("merge-preview").waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "确认合并（不可撤销）" }).click();
    await page.waitForURL(url(`/orgs/${keep}`));
    await page.getByText(`已将 长江精密机械${stamp} 合并到 如皋市长江精密机械有限公司${stamp}`).waitFor();
    await page.getByText(`主轴热变形补偿${stamp}`).first().waitFor();

    expect(await db`select id from organization where id = ${dup}`).toHaveLength(0);
    const [n] = await db`select org_id from need where title = ${`主轴热变形补偿${stamp}`}`;
    expect(n.org_id).toBe(keep);

    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "操作日志" }).click();
    await page.waitForURL(url("/admin/audit"));
    await page.waitForLoadState("networkidle");
    await page.getByLabel("记录编号或外部编号").fill(`E2E-DUP-${stamp}`);
    await page.getByRole("button", { name: "筛选" }).click();
    await page.waitForURL(/record=/);
    const log = page.getByTestId("audit-log");
    await log.getByText("organization.merged_into").waitFor();
    await page.getByLabel("记录编号或外部编号").fill(`E2E-KEEP-${stamp}`);
    await page.getByRole("button", { name: "筛选" }).click();
    await page.waitForURL(new RegExp(`record=E2E-KEEP-${stamp}`));
    await log.getByText("organization.merge", { exact: true }).waitFor();
    // reloaded: the merge's toast (root layout) is gone, the page is checked alone
    await page.reload();
    await page.waitForLoadState("networkidle");
    await log.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("an admin cannot merge an enterprise into a university: the preview says why and offers no merge button", async () => {
    const page = await browser.newPage();
    await logIn(page);
    const [uni] = await db<{ id: number }[]>`select id from organization where kind = 'university' order by id limit 1`;
    await page.goto(url(`/admin/merge?entity=organization&survivor=${uni.id}&duplicate=${keep}&preview=1`));
    await page.getByText("两个机构类型不同").waitFor();
    expect(await page.getByRole("button", { name: "确认合并（不可撤销）" }).count()).toBe(0);
  });

  test("the other admin pages have no serious accessibility violations", async () => {
    const page = await browser.newPage();
    page.on("response", (r) => {
      if (r.status() === 404) console.log("404 while checking", page.url(), r.url());
    });
    await logIn(page);
    for (const path of ["/admin/users", "/admin/orgs", "/exports", "/review/quality"]) {
      await page.goto(url(path));
      await page.waitForLoadState("networkidle");
      await page.getByRole("heading", { level: 1 }).waitFor();
      expect(await seriousViolations(page), path).toEqual([]);
    }
  });
});
