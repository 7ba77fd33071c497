import { CliError } from "./command";

/**
 * The PostgreSQL URL the CLI works on. Configured mode: DATABASE_URL. (The embedded default will
 * be resolved here too, so that every command gets it from one place.)
 */
export async function resolveDatabaseUrl(): Promise<string> {
  const url = process.env.DATABASE_URL?.trim();
  if (url) return url;
  throw new CliError(
    "DATABASE_URL is not set. Point it at the PostgreSQL database Qiao should use, for example:\n" +
      "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/qiao npm run qiao -- migrate",
  );
}
