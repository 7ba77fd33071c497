import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { migrate, MIGRATIONS_DIR } from "../../db/migrate.server";
import { startMeili } from "../../search/meili-process.server";
import { migrateQueue } from "../../search/worker.server";
import { acquireTestPostgres, freePort } from "./pg-server";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDb: string;
    meiliUrl: string;
    meiliKey: string;
  }
}

const root = path.resolve(import.meta.dirname, "../..");

function withDatabase(url: string, db: string) {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * Once per `vitest run`: a migrated template database (named by a hash of the
 * migrations, so it is rebuilt only when they change) and one real Meilisearch.
 * Each test file then clones its own database and uses its own index prefix
 * (tests/setup/per-file.ts).
 */
export default async function setup(project: TestProject) {
  const pg = await acquireTestPostgres(root);
  const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });

  const hash = createHash("sha256");
  for (const f of readdirSync(MIGRATIONS_DIR).sort()) hash.update(f).update(readFileSync(path.join(MIGRATIONS_DIR, f)));
  // The search sync queue's schema (graphile-worker's own migrations) is part of the template too.
  hash.update(readFileSync(path.join(root, "node_modules/graphile-worker/package.json")));
  const templateDb = `qiao_tpl_${hash.digest("hex").slice(0, 12)}`;

  const [exists] = await admin`select 1 from pg_database where datname = ${templateDb}`;
  if (!exists) {
    // Build under a temporary name and rename, so a concurrent run never clones a half-migrated template.
    const building = `${templateDb}_b${randomBytes(3).toString("hex")}`;
    await admin`create database ${admin(building)}`;
    try {
      await migrate(withDatabase(pg.adminUrl, building));
      await migrateQueue(withDatabase(pg.adminUrl, building)); // search sync jobs (search/worker.server.ts)
      // node-pg-migrate ends its connection without waiting; a rename (and later every clone) needs
      // the database free of sessions.
      for (let i = 0; i < 100; i++) {
        const [{ n }] = await admin<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = ${building}`;
        if (n === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await admin`alter database ${admin(building)} rename to ${admin(templateDb)}`;
    } catch (error) {
      await admin`drop database if exists ${admin(building)} with (force)`;
      if (!String(error).includes("already exists")) throw error;
    }
  }
  // Old templates and databases left by killed runs.
  const stale = await admin<{ datname: string }[]>`
    select datname from pg_database
    where (datname like 'qiao_tpl_%' and datname <> ${templateDb} and datname not like ${templateDb + "_b%"})
  `;
  for (const { datname } of stale) await admin`drop database if exists ${admin(datname)} with (force)`.catch(() => {});
  await admin.end();

  const meiliDir = path.join(root, ".test-data", `meili-${process.pid}-${randomBytes(3).toString("hex")}`);
  const meili = await startMeili({
    dbPath: meiliDir,
    port: await freePort(),
    masterKey: randomBytes(16).toString("hex"),
    env: "development",
  });

  project.provide("pgAdminUrl", pg.adminUrl);
  project.provide("templateDb", templateDb);
  project.provide("meiliUrl", meili.url);
  project.provide("meiliKey", meili.masterKey);

  return async () => {
    await meili.stop();
    rmSync(meiliDir, { recursive: true, force: true });
    await pg.stop();
  };
}
