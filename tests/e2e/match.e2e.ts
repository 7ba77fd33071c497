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

async function logIn(page: Page) {
  if (!enterprise) throw new Error("no demo enterprise login");
  await page.goto(url("/login"));
  // the browser profile is shared by the file's tests: already signed in, /login sends us home
  if (new URL(page.url()).pathname !== "/login") return;
  await page.getByLabel("邮箱").fill(enterprise.email);
  await page.getByLabel(/^密码/).fill(enterprise.password);
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
    await expect.poll(() => page.locator(`[data-testid=suggestion][data-ref="${dismissedRef}"]`).count()).toBe(0);

    // accept the first as a meeting request
    const acceptedRef = await first.getAttribute("data-ref");
    const accepted = page.locator(`[data-testid=suggestion][data-ref="${acceptedRef}"]`);
    await accepted.getByRole("button", { name: "申请对接洽谈" }).click();
    await expect.poll(() => accepted.getByTestId("suggestion-outcome").count()).toBe(1);
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
