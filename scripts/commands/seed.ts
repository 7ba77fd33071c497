import { parseArgs } from "node:util";
import { seedDemo } from "../../db/seed.server";
import { UsageError, type Command } from "./command";
import { withSql } from "./database";

export const seedCommand: Command = {
  name: "seed",
  summary: "load a dataset: `seed demo` loads the Rugao 2017 demo data and demo logins",
  usage:
    "npm run qiao -- seed demo\n\n" +
    "Loads db/seeds/demo (organizations, experts, needs, results, events, intents, agreements) and the\n" +
    "demo logins in one transaction. Rows are matched by their external ref: running it again changes\n" +
    "nothing and creates no duplicates.",
  async run(argv, { stdout }) {
    const { positionals } = parseArgs({ args: argv, options: {}, strict: true, allowPositionals: true });
    const [dataset, ...extra] = positionals;
    if (dataset === undefined) throw new UsageError("which dataset? (available: demo)");
    if (dataset !== "demo") throw new UsageError(`unknown dataset "${dataset}" (available: demo)`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);

    const summary = await withSql((sql) => seedDemo(sql));
    if (summary.total === 0) {
      stdout.write("Demo data is already loaded; nothing changed.\n");
    } else {
      const parts = Object.entries(summary.changed)
        .filter(([, n]) => n > 0)
        .map(([table, n]) => `  ${table}: ${n}\n`);
      stdout.write(`Demo data loaded (rows written):\n${parts.join("")}`);
    }
  },
};
