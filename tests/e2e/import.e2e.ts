import type { Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, describe, test } from "vitest";
import { DEMO_LOGINS } from "../../db/seed.server";
import { e2eDatabaseUrl, expect, url, useBrowser as openBrowser } from "./harness";

// The organizer's bulk import in a real Chromium against the real server with the demo data:
// the navigation entry, a CSV with a bad row (preview with the reason, confirm disabled), then a
// good CSV (preview counts, confirm, toast, rows in the database once).

const browser = openBrowser();
const organizer = DEMO_LOGINS.find((l) => l.role === "organizer");
const db = postgres(e2eDatabaseUrl(), { max: 1, onnotice: () => {} });
afterAll(async () => {
  await db.end();
});

// A demo organization (db/seeds/demo/organizations.json) as the needs' publisher.
const ORG = "江苏力星通用钢球股份有限公司";
const HEADER = "需求编号,需求名称,需求描述,技术领域,合作方式,预算(万元),发布单位";
const stamp = Date.now().toString(36).toUpperCase();

function csv(rows: string[]) {
  return Buffer.from(`\uFEFF${HEADER}\r\n${rows.join("\r\n")}\r\n`, "utf8");
}

async function logIn(page: Page) {
  if (!organizer) throw new Error("no demo organizer");
  await page.goto(url("/login"));
  await page.getByLabel("邮箱").fill(organizer.email);
  await page.getByLabel(/^密码/).fill(organizer.password);
  await page.getByRole("button", { name: "登录" }).last().click();
  await page.waitForURL(url("/"));
}

async function uploadCsv(page: Page, name: string, body: Buffer) {
  await page.goto(url("/import"));
  await page.locator('input[type="file"]').setInputFiles({ name, mimeType: "text/csv", buffer: body });
  await page.getByRole("button", { name: "上传并预览" }).click();
  await page.getByRole("heading", { name: "导入预览" }).waitFor();
}

const countOf = (page: Page, action: string) => page.getByTestId(`count-${action}`).locator("p").nth(1).innerText();

describe("bulk import", () => {
  test("an organizer finds 批量导入 in the navigation", async () => {
    const page = await browser.newPage();
    await logIn(page);
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "批量导入" }).click();
    await page.waitForURL(url("/import"));
    await expect.poll(() => page.getByRole("heading", { name: "批量导入", level: 1 }).count()).toBe(1);
    await page.close();
  });

  test("a rejected row shows its column and reason, and blocks the confirmation", async () => {
    const page = await browser.newPage();
    await uploadCsv(
      page,
      "有错误的需求.csv",
      csv([`E2E-${stamp}-B1,端到端错误行测试,说明,先进制造,合作开发,10,${ORG}`, `E2E-${stamp}-B2,端到端正确行测试,说明,新材料,合作开发,10,${ORG}`]),
    );
    await expect.poll(() => countOf(page, "rejected")).toBe("1");
    await expect.poll(() => countOf(page, "created")).toBe("1");
    const row = page.getByTestId("import-rows").locator('tr[data-action="rejected"]');
    await expect.poll(() => row.innerText()).toContain("您是否指“先进制造与自动化”");
    await expect.poll(() => page.getByRole("button", { name: "确认导入" }).isDisabled()).toBe(true);
    await expect.poll(() => page.getByTestId("import-blocked").innerText()).toContain("全部或全不");
    expect(await db`select 1 from need where ref like ${`E2E-${stamp}-B%`}`).toHaveLength(0);
    await page.close();
  });

  test("a good CSV: preview, confirm, toast, written once", async () => {
    const page = await browser.newPage();
    await uploadCsv(
      page,
      "需求.csv",
      csv([
        `E2E-${stamp}-1,端到端导入测试：轴承钢球在线检测,人工目检效率低,先进制造与自动化,合作开发,120,${ORG}`,
        `E2E-${stamp}-2,端到端导入测试：储能电池低温性能,低温放电容量不足,新能源与节能,技术转让,面议,${ORG}`,
      ]),
    );
    await expect.poll(() => countOf(page, "created")).toBe("2");
    await expect.poll(() => countOf(page, "rejected")).toBe("0");
    await expect.poll(() => page.getByTestId("import-dry-run").innerText()).toContain("尚未写入任何数据");
    expect(await db`select 1 from need where ref like ${`E2E-${stamp}-_`}`).toHaveLength(0);

    await page.getByRole("button", { name: "确认导入" }).click();
    await expect.poll(() => page.getByText("导入完成：新建 2 条，更新 0 条，未变 0 条。").count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId("import-imported").count()).toBe(1);
    await expect.poll(() => page.getByRole("button", { name: "确认导入" }).count()).toBe(0);
    const rows = await db<{ status: string }[]>`select status from need where ref like ${`E2E-${stamp}-_`}`;
    expect(rows.map((r) => r.status)).toEqual(["published", "published"]);
    await page.close();
  });
});
