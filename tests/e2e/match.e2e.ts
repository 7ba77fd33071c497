import type { Page } from "playwright-core";
import postgres from "postgres";
import { afterAll, describe, test } from "vitest";
import { DEMO_LOGINS } from "../../db/seed.server";
import { e2eDatabaseUrl, expect, url, useBrowser as openBrowser } from "./harness";

// Match suggestions in a real Chromium against the real server with the demo data: the
// enterprise user opens its flame-retardant memory-foam need (N057), sees ranked suggestions with reasons and
// the shared concepts marked, dismisses one with a reason (it is gone, also after a reload) and
// accepts another as a meeting request (its outcome shows; one row in the database).

const browser = openBrowser();
const enterprise = DEMO_LOGINS.find((l) => l.role === "enterprise");
const db = postgres(e2eDatabaseUrl(), { max: 1, onnotice: () => {} });
afterAll(async () => {
  await db.end();
});

async function logIn(page: Page, who = enterprise) {
  if (!who) throw new Error("no demo login");
  await page.goto(url("/login"));
  // the browser profile is shared by the file's tests: already signed in, /login sends us home
  if (new URL(page.url()).pathname !== "/login") return;
  await page.getByLabel("邮箱").fill(who.email);
  await page.getByLabel(/^密码/).fill(who.password);
  await page.getByRole("button", { name: "登录" }).last().click();
  await page.waitForURL(url("/"));
}

const cards = (page: Page) => page.getByTestId("suggestion");

describe("suggestions on a need's page", () => {
  test("the enterprise sees suggestions with reasons, dismisses one and accepts another", async () => {
    const page = await browser.newPage();
    await logIn(page);
    await page.goto(url("/needs/N057"));
    // wait for hydration too: the dismiss form opens on a click only once React runs
    await page.waitForFunction(() => document.querySelector("[data-testid=suggestion]") !== null);
    await expect.poll(() => cards(page).count()).toBeGreaterThan(1);

    const first = cards(page).first();
    expect(["强匹配", "可能匹配"]).toContain(await first.getByTestId("suggestion-label").innerText());
    expect(Number(await first.getByTestId("suggestion-score").innerText())).toBeGreaterThan(0.5);
    expect(await first.getByTestId("suggestion-reasons").locator("li").count()).toBeGreaterThan(0);
    // the shared concepts, both sides marked
    expect(await first.getByTestId("suggestion-concepts").locator("mark").count()).toBeGreaterThanOrEqual(2);

    // dismiss the second one, for a reason
    const second = cards(page).nth(1);
    const dismissedRef = await second.getAttribute("data-ref");
    await expect.poll(() => second.getByRole("button", { name: "不感兴趣" }).count()).toBe(1);
    await second.getByRole("button", { name: "不感兴趣" }).click();
    await second.getByLabel("为时尚早").check();
    await second.getByRole("button", { name: "确认忽略" }).click();
    await expect.poll(() => page.locator(`[data-testid=suggestion][data-ref="${dismissedRef}"]`).count(), { timeout: 20_000 }).toBe(0);

    // accept the first as a meeting request
    const acceptedRef = await first.getAttribute("data-ref");
    const accepted = page.locator(`[data-testid=suggestion][data-ref="${acceptedRef}"]`);
    await accepted.getByRole("button", { name: "申请对接洽谈" }).click();
    await expect.poll(() => accepted.getByTestId("suggestion-outcome").count(), { timeout: 20_000 }).toBe(1);
    expect(await accepted.getByTestId("suggestion-outcome").innerText()).toContain("已申请对接洽谈");

    // after a reload: still gone, still accepted
    await page.reload();
    await page.waitForFunction(() => document.querySelector("[data-testid=suggestion]") !== null);
    expect(await page.locator(`[data-testid=suggestion][data-ref="${dismissedRef}"]`).count()).toBe(0);
    expect(await page.locator(`[data-testid=suggestion][data-ref="${acceptedRef}"]`).getByTestId("suggestion-outcome").count()).toBe(1);

    const rows = await db<{ decision: string; reason: string | null }[]>`
      select f.decision, f.reason from match_feedback f join need n on n.id = f.need_id where n.ref = 'N057' order by f.id`;
    expect(rows).toEqual([
      { decision: "dismissed", reason: "too_early" },
      { decision: "accepted", reason: null },
    ]);
    const [{ n }] = await db<{ n: number }[]>`
      select count(*)::int as n from meeting_request r join need x on x.id = r.need_id where x.ref = 'N057' and r.source = 'suggestion'`;
    expect(n).toBe(1);
    await page.close();
  });

  test("a need with nothing that fits says so, with the organizers' follow-up, instead of padding", async () => {
    const page = await browser.newPage();
    await logIn(page);
    await page.goto(url("/needs/N040"));
    await page.getByTestId("suggestions-none").waitFor();
    expect(await page.getByTestId("suggestions-none").innerText()).toContain("专家诊断");
    // whatever is listed is marked weak
    for (const label of await page.getByTestId("suggestion-label").allInnerTexts()) expect(label).toBe("弱相关");
    await page.close();
  });
});

describe("the organizers' overview and the inbox", () => {
  test("an organizer recomputes all suggestions, sees which open needs have nothing that fits, filters and exports", async () => {
    const page = await browser.newPage();
    await browser.clearCookies();
    await logIn(
      page,
      DEMO_LOGINS.find((l) => l.role === "organizer")
    );
    await page.goto(url("/matching"));
    await page.getByRole("link", { name: "匹配总览" }).waitFor();
    await page.getByRole("button", { name: "重新计算全部匹配" }).click();
    // the worker computes every open need in slices; the page reads the cache
    await expect
      .poll(
        async () => {
          await page.goto(url("/matching"));
          return page.getByTestId("overview-counts").innerText();
        },
        { timeout: 55_000, interval: 2_000 }
      )
      .toMatch(/尚未计算 0/);
    await page.getByLabel("匹配情况").click();
    await page.getByRole("option", { name: "无合适匹配" }).click();
    await page.getByRole("button", { name: "筛选", exact: true }).click();
    await page.waitForURL(/verdict=none/);
    const rows = page.getByTestId("overview-table").locator("tbody tr");
    await expect.poll(async () => (await rows.allInnerTexts()).every((r) => r.includes("无合适匹配")), { timeout: 10_000 }).toBe(true);
    const verdicts = await rows.allInnerTexts();
    expect(verdicts.length).toBeGreaterThan(0);
    for (const row of verdicts) expect(row).toContain("专家诊断");
    const csv = await page.request.get(url("/matching/export?format=csv&verdict=none"));
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain("需求名称");
    await page.close();
  }, 90_000);

  test("the university sees new strong suggestions for its results in the inbox, and the badge clears", async () => {
    const page = await browser.newPage();
    await browser.clearCookies();
    await logIn(
      page,
      DEMO_LOGINS.find((l) => l.role === "university")
    );
    const badge = page.getByRole("navigation").getByRole("link", { name: /匹配提醒/ });
    await badge.waitFor();
    const before = await badge.innerText();
    await page.goto(url("/inbox"));
    await page.getByRole("heading", { level: 1, name: "匹配提醒" }).waitFor();
    const items = await page.getByTestId("inbox-item").count();
    // a badge number was shown exactly when there were new items
    expect(/\d/.test(before)).toBe(items > 0);
    await page.goto(url("/"));
    expect(
      await page
        .getByRole("navigation")
        .getByRole("link", { name: /匹配提醒/ })
        .innerText()
    ).not.toMatch(/\d/);
    await page.close();
  });
});
