import path from "node:path";
import { defineConfig } from "vitest/config";

// End-to-end tests: the real server (scripts/start.ts) on a fresh database,
// a real Meilisearch and Debian's Chromium driven by playwright-core.
export default defineConfig({
  resolve: {
    alias: { "~": path.resolve(import.meta.dirname, "../../app") },
  },
  test: {
    root: path.resolve(import.meta.dirname, "../.."),
    include: ["tests/e2e/**/*.e2e.ts"],
    globalSetup: ["tests/e2e/global.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    passWithNoTests: false,
  },
});
