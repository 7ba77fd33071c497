import { closeSql, sql } from "../../db/client.server";
import { releaseDatabase, resolveDatabaseUrl } from "./db-url";

/**
 * Runs `fn` with the process's one postgres.js client pointed at the resolved database, and
 * closes it afterwards so the CLI exits promptly.
 */
export async function withSql<T>(fn: (db: typeof sql) => Promise<T>): Promise<T> {
  // db/client.server.ts reads DATABASE_URL when the client is first used.
  process.env.DATABASE_URL = await resolveDatabaseUrl();
  try {
    return await fn(sql);
  } finally {
    await closeSql();
    await releaseDatabase();
  }
}
