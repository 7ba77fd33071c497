import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, test } from "vitest";
import { expect, url, useBrowser as openBrowser } from "./harness";

// The search page in a real Chromium against the real server (demo data, real Meilisearch):
// results follow the typing without a page load, a facet click changes the URL, and the page
// works with JavaScript off.

const browser = openBrowser();

const hits = (page: Page) => page.getByTestId("search-hit");

describe("search with JavaScript", () => {
  test("typing updates the results without a reload and keeps the focus; the URL follows", async () => {
    const page = await browser.newPage();
    await page.goto(url("/search"));
    await expect.poll(() => hits(page).count()).toBeGreaterThan(0);
    // a marker that a full page load would wipe out
    await page.evaluate(() => Object.assign(window, { __qiaoMarker: "still here" }));
    const box = page.getByLabel("搜索关键词");
    await box.click();
    await box.pressSequentially("光伏", { delay: 80 });
    await page.waitForURL(/[?&]q=%E5%85%89%E4%BC%8F/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toContain("光伏");
    await expect.poll(async () => (await hits(page).allInnerTexts()).every((t) => t.includes("光伏"))).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __qiaoMarker?: string }).__qiaoMarker)).toBe("still here");
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await box.inputValue()).toBe("光伏");
    // the match is highlighted
    expect(await page.locator("[data-testid=search-hit] mark").first().innerText()).toBe("光伏");

    // switching tabs keeps the query
    await page.getByTestId("search-tabs").getByRole("link", { name: /科研成果/ }).click();
    await page.waitForURL(/type=results/);
    await expect.poll(() => page.getByTestId("search-tabs").getByRole("link", { name: /科研成果/ }).getAttribute("aria-current")).toBe("page");
    expect(new URL(page.url()).searchParams.get("q")).toBe("光伏");
    await page.close();
  });

  test("a facet click changes the URL and the hits; the link reproduces the page", async () => {
    const page = await browser.newPage();
    await page.goto(url("/search?q=电池&type=results"));
    const total = await page.getByTestId("search-total").innerText();
    const field = page.locator("[data-facet=maturity]").getByRole("checkbox").first();
    const value = await field.getAttribute("value");
    await field.check();
    await page.waitForURL((u) => u.searchParams.get("maturity") === value);
    await expect.poll(() => page.getByTestId("search-total").innerText()).not.toBe(total);
    const filtered = await page.getByTestId("search-total").innerText();
    const shownRefs = await hits(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-ref")));

    // the same URL in a fresh page gives the same page
    const again = await browser.newPage();
    await again.goto(page.url());
    expect(await again.getByTestId("search-total").innerText()).toBe(filtered);
    expect(await hits(again).evaluateAll((els) => els.map((e) => e.getAttribute("data-ref")))).toEqual(shownRefs);
    expect(await again.locator("[data-facet=maturity]").getByRole("checkbox", { checked: true }).count()).toBe(1);

    // sorting changes the URL too
    await page.getByLabel("排序").selectOption("newest");
    await page.waitForURL((u) => u.searchParams.get("sort") === "newest");
    expect(new URL(page.url()).searchParams.get("maturity")).toBe(value);
    await page.close();
    await again.close();
  });
});

describe("search with JavaScript off", () => {
  let context: BrowserContext;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "qiao-chromium-nojs-"));
    context = await chromium.launchPersistentContext(dir, {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      headless: true,
      locale: "zh-CN",
      javaScriptEnabled: false,
    });
  });
  afterAll(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the form, a facet, the tabs and the pages all work as plain links and GET forms", async () => {
    const page = await context.newPage();
    await page.goto(url("/search"));
    await page.getByLabel("搜索关键词").fill("电池");
    // the first 搜索 button is the search box's; the second (in <noscript>) applies a new sort
    await page.getByRole("button", { name: "搜索", exact: true }).first().click();
    await page.waitForURL((u) => u.searchParams.get("q") === "电池");
    await expect.poll(() => hits(page).count()).toBeGreaterThan(0);

    await page.getByTestId("search-tabs").getByRole("link", { name: /科研成果/ }).click();
    await page.waitForURL(/type=results/);
    const box = page.locator("[data-facet=field]").getByRole("checkbox").first();
    const value = await box.getAttribute("value");
    await box.check();
    // <noscript> content is shown with JavaScript off: the filter panel's own button
    await page.getByRole("button", { name: "应用筛选" }).click();
    await page.waitForURL((u) => u.searchParams.get("field") === value && u.searchParams.get("type") === "results");
    expect(await page.locator("[data-facet=field]").getByRole("checkbox", { checked: true }).count()).toBe(1);

    await page.goto(url("/search?type=results"));
    const next = page.getByRole("link", { name: "2", exact: true });
    await next.click();
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    await expect.poll(() => hits(page).count()).toBe(20);
    await page.close();
  });
});
