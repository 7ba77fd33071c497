import { randomBytes } from "node:crypto";
import { format } from "node:util";
import postgres from "postgres";
import { afterAll, afterEach, beforeEach, inject } from "vitest";

/**
 * Runs before each test file's own imports: gives the file a fresh database
 * cloned from the migrated template and its own Meilisearch index prefix, so
 * files never see each other's rows or documents.
 */
const adminUrl = inject("pgAdminUrl");
const template = inject("templateDb");
const tag = `${process.pid}_${randomBytes(4).toString("hex")}`;
const dbName = `qiao_t_${tag}`;

const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin`create database ${admin(dbName)} template ${admin(template)}`;

const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
process.env.NODE_ENV = "test";
process.env.DATABASE_URL = url.toString();
process.env.QIAO_DB_POOL = "4";
process.env.MEILI_URL = inject("meiliUrl");
process.env.MEILI_MASTER_KEY = inject("meiliKey");
process.env.MEILI_INDEX_PREFIX = `t${tag}_`;
process.env.QIAO_LOG = "silent";

// A stray console.error fails the test that caused it. Tests that expect one
// call allowConsoleError() (tests/setup/console.ts) first.
const errors: string[] = [];
const original = console.error;
beforeEach(() => {
  errors.length = 0;
  globalThis.__qiaoAllowConsoleError = false;
  console.error = (...args: unknown[]) => {
    if (!globalThis.__qiaoAllowConsoleError) errors.push(format(...args));
    original(...args);
  };
});
afterEach(() => {
  console.error = original;
  if (errors.length) {
    const msg = errors.join("\n---\n");
    errors.length = 0;
    throw new Error(`console.error was called during this test:\n${msg}`);
  }
});

afterAll(async () => {
  const { closeSql } = await import("../../db/client.server");
  await closeSql();
  try {
    const { getMeili } = await import("../../search/client.server");
    const client = getMeili();
    const { results } = await client.getRawIndexes({ limit: 1000 });
    for (const idx of results) {
      if (idx.uid.startsWith(process.env.MEILI_INDEX_PREFIX ?? "\0")) await client.deleteIndex(idx.uid);
    }
  } catch {
    // Meilisearch may have been stopped on purpose by the test.
  }
  await admin`drop database if exists ${admin(dbName)} with (force)`;
  await admin.end();
});

declare global {
  var __qiaoAllowConsoleError: boolean | undefined;
}
