import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { ENTITY_INDEX, SEARCH_ENTITIES, type SearchEntity } from "../../search/indexes";
import { loadOrCreateSecrets, readRuntime, resolveDataDir } from "../lib/data-dir";
import { CliError, UsageError, type Command } from "./command";
import { withSql } from "./database";

const USAGE = `npm run qiao -- reindex [--only needs|results|experts|organizations] [--batch-size N]

Rebuilds the Meilisearch indexes from PostgreSQL without a moment of empty search: each index is
built as <index>_new (settings first), filled in batches, swapped in, and the old one deleted.
Changes saved while it runs are applied to the new index after the swap. --only (repeatable, or
comma-separated) limits it to some indexes. Uses DATABASE_URL and MEILI_URL/MEILI_MASTER_KEY,
else the running Qiao's servers, else the embedded data folder's (started for the command).`;

function parseOnly(values: string[] | undefined): SearchEntity[] | undefined {
  if (!values?.length) return undefined;
  const byIndex = new Map<string, SearchEntity>(SEARCH_ENTITIES.map((e) => [ENTITY_INDEX[e], e]));
  const out: SearchEntity[] = [];
  for (const name of values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean)) {
    const entity = byIndex.get(name) ?? SEARCH_ENTITIES.find((e) => e === name);
    if (!entity) throw new UsageError(`--only: unknown index "${name}" (use ${[...byIndex.keys()].join(", ")})`);
    if (!out.includes(entity)) out.push(entity);
  }
  return out;
}

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

/**
 * Meilisearch for the command, like the database: MEILI_URL, else the running Qiao's, else the
 * embedded data folder's Meilisearch started for the command (stopped again by `stop`).
 */
async function resolveMeili(configuredDb: boolean): Promise<{ stop?: () => Promise<void> }> {
  if (process.env.MEILI_URL?.trim()) return {};
  const running = readRuntime();
  if (running?.meiliUrl) {
    process.env.MEILI_URL = running.meiliUrl;
    process.env.MEILI_MASTER_KEY = running.meiliMasterKey;
    return {};
  }
  const dataDir = resolveDataDir();
  if (!configuredDb && existsSync(path.join(dataDir, "meili"))) {
    // resolveDatabaseUrl has locked the data folder for this command already.
    const { startMeili } = await import("../../search/meili-process.server");
    const meili = await startMeili({
      dbPath: path.join(dataDir, "meili"),
      port: await freePort(),
      masterKey: loadOrCreateSecrets(dataDir).meiliMasterKey,
      env: "production",
    });
    process.env.MEILI_URL = meili.url;
    process.env.MEILI_MASTER_KEY = meili.masterKey;
    return { stop: meili.stop };
  }
  throw new CliError("No Meilisearch: set MEILI_URL (and MEILI_MASTER_KEY), or run `npm start` once to create the embedded one.");
}

export const reindexCommand: Command = {
  name: "reindex",
  summary: "rebuild the search indexes from the database, swapping them in without downtime",
  usage: USAGE,
  async run(argv, { stdout, stderr }) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { only: { type: "string", multiple: true }, "batch-size": { type: "string" } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const only = parseOnly(values.only);
    const batchSize = values["batch-size"] === undefined ? 5000 : Number(values["batch-size"]);
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
      throw new UsageError("--batch-size must be a whole number from 1 to 100,000");
    }

    const configuredDb = Boolean(process.env.DATABASE_URL?.trim());
    await withSql(async () => {
      const meili = await resolveMeili(configuredDb);
      try {
        const { migrateQueue, runSyncOnce } = await import("../../search/worker.server");
        const { reindex, ReindexBusyError } = await import("../../search/reindex.server");
        const { searchHealth } = await import("../../search/health.server");
        const health = await searchHealth(3000);
        if (!health.ok) throw new CliError(`Meilisearch at ${process.env.MEILI_URL} is not reachable: ${health.error}`);
        await migrateQueue(process.env.DATABASE_URL);

        let last = 0;
        const results = await reindex({
          only,
          batchSize,
          onProgress: (p) => {
            const now = Date.now();
            if (p.phase === "building" && now - last < 1000) return;
            last = now;
            const rate = p.elapsedMs > 0 ? Math.round(p.sent / (p.elapsedMs / 1000)) : 0;
            const pct = p.total ? ` (${Math.round((100 * p.sent) / p.total)}%)` : "";
            const what = p.phase === "building" ? "sent" : p.phase === "waiting" ? "sent, Meilisearch indexing" : "swapped in";
            stderr.write(`  ${p.uid}: ${p.sent.toLocaleString("en")}/${p.total.toLocaleString("en")}${pct} ${what}, ${rate.toLocaleString("en")} docs/s\n`);
          },
        }).catch((error: unknown) => {
          if (error instanceof ReindexBusyError) throw new CliError(`${error.message}; try again when it has finished`);
          throw error;
        });
        // Apply what changed during the rebuild now (a running Qiao's worker would do it too).
        await runSyncOnce();
        stdout.write("Search indexes rebuilt:\n");
        for (const r of results) {
          stdout.write(
            `  ${r.uid}: ${r.documents.toLocaleString("en")} documents in ${r.seconds.toFixed(1)} s ` +
              `(${Math.round(r.docsPerSecond).toLocaleString("en")} docs/s)${r.requeued ? `, ${r.requeued} changed during the rebuild and re-applied` : ""}\n`,
          );
        }
      } finally {
        await meili.stop?.();
      }
    });
  },
};
