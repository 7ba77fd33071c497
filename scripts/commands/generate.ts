import { parseArgs } from "node:util";
import { defaultOrgCount, generate, type GenerateProgress } from "../../db/generate.server";
import { UsageError, type Command } from "./command";
import { withSql } from "./database";

const USAGE = `npm run qiao -- generate [--needs N] [--results M] [--experts K] [--orgs O] [--seed S]

Writes realistic synthetic Chinese records for scale tests and benchmarks: organizations (70%
enterprises in Rugao's towns, 30% universities and institutes), experts, needs and results across
the 8 technology fields. The same --seed (default 1) gives the same records. Refs are G-O000001,
G-X000001, G-N0000001, G-R0000001 …: they never clash with the demo's, and a ref already stored
is skipped, so a rerun with larger counts adds only the missing ones. Default --orgs: one per
100 records (at least 10). Search is not updated row by row: run \`npm run qiao -- reindex\` after.`;

function count(v: string | undefined, flag: string): number {
  if (v === undefined) return 0;
  const n = Number(v.replaceAll("_", "").replaceAll(",", ""));
  if (!Number.isSafeInteger(n) || n < 0 || n > 10_000_000) throw new UsageError(`--${flag} must be a whole number from 0 to 10,000,000`);
  return n;
}

export const generateCommand: Command = {
  name: "generate",
  summary: "write synthetic needs, results, experts and organizations (for scale tests)",
  usage: USAGE,
  async run(argv, { stdout, stderr }) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        needs: { type: "string" },
        results: { type: "string" },
        experts: { type: "string" },
        orgs: { type: "string" },
        seed: { type: "string", default: "1" },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const opts = {
      needs: count(values.needs, "needs"),
      results: count(values.results, "results"),
      experts: count(values.experts, "experts"),
      seed: count(values.seed, "seed"),
    };
    if (opts.needs + opts.results + opts.experts === 0) throw new UsageError("nothing to generate: give --needs, --results and/or --experts");
    const orgs = values.orgs === undefined ? defaultOrgCount(opts) : count(values.orgs, "orgs");
    if (orgs < 2) throw new UsageError("--orgs must be at least 2 (enterprises and institutions)");

    let last = 0;
    const progress = (p: GenerateProgress) => {
      const now = Date.now();
      if (now - last < 1000 && p.done !== p.total) return;
      last = now;
      stderr.write(`  ${p.kind}: ${p.done.toLocaleString("en")}/${p.total.toLocaleString("en")} (${p.rowsPerSec.toLocaleString("en")} rows/s)\n`);
    };
    const s = await withSql((sql) => generate(sql, { ...opts, orgs }, progress));
    const total = Object.values(s.generated).reduce((a, b) => a + b, 0);
    const added = Object.values(s.inserted).reduce((a, b) => a + b, 0);
    stdout.write(
      `Generated ${total.toLocaleString("en")} rows in ${(s.ms / 1000).toFixed(1)} s (${s.rowsPerSec.toLocaleString("en")} rows/s); ` +
        `inserted ${added.toLocaleString("en")} (organizations ${s.inserted.organizations}, experts ${s.inserted.experts}, ` +
        `needs ${s.inserted.needs}, results ${s.inserted.results}); refs already present were skipped.\n` +
        "Search was not updated row by row: run `npm run qiao -- reindex` to rebuild the indexes.\n",
    );
  },
};
