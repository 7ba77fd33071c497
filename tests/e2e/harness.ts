import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, inject } from "vitest";

export { expect } from "vitest";

/** Flags that work for Debian's Chromium as root on this machine (STACK.md gotcha 11). */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const baseUrl = () => inject("baseUrl");
export const e2eDatabaseUrl = () => inject("e2eDatabaseUrl");

/**
 * One fresh browser profile per test file. Any console error or uncaught page
 * error fails the test that caused it (call allowPageErrors() to expect one).
 */
export function useBrowser() {
  const state: { context?: BrowserContext; dir?: string; errors: string[]; allow: boolean } = { errors: [], allow: false };
  beforeAll(async () => {
    state.dir = mkdtempSync(path.join(os.tmpdir(), "qiao-chromium-"));
    state.context = await chromium.launchPersistentContext(state.dir, {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
      headless: true,
      locale: "zh-CN",
      viewport: { width: 1280, height: 860 },
    });
  });
  afterEach(() => {
    const errors = state.errors.splice(0);
    const allowed = state.allow;
    state.allow = false;
    if (errors.length && !allowed) throw new Error(`The browser reported errors:\n${errors.join("\n")}`);
  });
  afterAll(async () => {
    await state.context?.close();
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  });

  return {
    async newPage(): Promise<Page> {
      if (!state.context) throw new Error("browser not started");
      const page = await state.context.newPage();
      page.on("console", (msg) => {
        if (msg.type() === "error") state.errors.push(`console.error: ${msg.text()}`);
      });
      page.on("pageerror", (err) => state.errors.push(`pageerror: ${err.message}`));
      return page;
    },
    /** A second, separate browser session (other cookies): a new persistent context. */
    async clearCookies() {
      await state.context?.clearCookies();
    },
    allowPageErrors() {
      state.allow = true;
    },
    get context() {
      if (!state.context) throw new Error("browser not started");
      return state.context;
    },
  };
}

export function url(p: string) {
  return new URL(p, baseUrl()).toString();
}
