import { parseArgs } from "node:util";
import { migrate } from "../../db/migrate.server";
import type { Command } from "./command";
import { releaseDatabase, resolveDatabaseUrl } from "./db-url";

export const migrateCommand: Command = {
  name: "migrate",
  summary: "apply pending database migrations (db/migrations)",
  usage: "npm run qiao -- migrate\n\nApplies every pending migration in db/migrations to DATABASE_URL, each in one transaction.",
  async run(argv, { stdout }) {
    parseArgs({ args: argv, options: {}, strict: true, allowPositionals: false });
    const url = await resolveDatabaseUrl();
    const applied = await migrate(url).finally(releaseDatabase);
    if (applied.length === 0) stdout.write("Database schema is up to date.\n");
    else stdout.write(`Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}\n`).join("")}`);
  },
};
