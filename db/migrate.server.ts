import path from "node:path";
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";

const here = path.dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = path.join(here, "migrations");

/**
 * Applies every pending migration in db/migrations (numbered plain SQL,
 * forward-only) with node-pg-migrate. Its advisory lock makes concurrent
 * starts safe: the second waits instead of racing.
 */
export async function migrate(databaseUrl: string, opts: { log?: (msg: string) => void } = {}) {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: "up",
    migrationsTable: "pgmigrations",
    count: Infinity,
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: "wait",
    verbose: false,
    log: () => {},
    logger: {
      debug: () => {},
      info: () => {},
      warn: (m: string) => opts.log?.(m),
      error: (m: string) => opts.log?.(m),
    },
  });
  return applied.map((m) => m.name);
}
