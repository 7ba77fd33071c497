import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadOrCreateSecrets, readRuntime, resolveDataDir } from "../lib/data-dir";
import { CliError, UsageError, type Command } from "./command";
import { withSql } from "./database";

const USAGE = `npm run qiao -- match need|result|expert <ref> [--json] [--limit N] [--kinds result,expert]
       npm run qiao -- match refresh [--concurrency N]
       npm run qiao -- match overview [--json]

need <ref>     the results and experts that could solve a need, best first, with score, label
               (strong / possible / weak) and reasons; says so when nothing fits well
result <ref>   the open needs a result could serve
expert <ref>   the open needs that fit an expert's areas
refresh        recompute the cached suggestions of every open need (the organizers' overview;
               once built, the search worker keeps it fresh)
overview       every open need with its verdict (strong / possible / none) from the cache

<ref> is the record's external ref (as imported) or its id. --limit is 1–50 (default 10).
--kinds (need only) limits suggestions to results or experts. The CLI sees the catalog as staff
do. Uses DATABASE_URL and MEILI_URL/MEILI_MASTER_KEY, else the running Qiao's servers, else the
embedded data folder's (started for the command).`;

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

/** Meilisearch as for `reindex`: MEILI_URL, else the running Qiao's, else the data folder's, started for the command. */
async function resolveMeili(): Promise<{ stop?: () => Promise<void> }> {
  if (process.env.MEILI_URL?.trim()) return {};
  const running = readRuntime();
  if (running?.meiliUrl) {
    process.env.MEILI_URL = running.meiliUrl;
    process.env.MEILI_MASTER_KEY = running.meiliMasterKey;
    return {};
  }
  const dataDir = resolveDataDir();
  if (!process.env.DATABASE_URL && existsSync(path.join(dataDir, "meili"))) {
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

const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - [...s].length));

export const matchCommand: Command = {
  name: "match",
  summary: "suggested matches for a need, result or expert; refresh or list the suggestion cache",
  usage: USAGE,
  async run(argv, { stdout, stderr }) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        json: { type: "boolean", default: false },
        limit: { type: "string" },
        kinds: { type: "string" },
        concurrency: { type: "string" },
      },
      strict: true,
      allowPositionals: true,
    });
    const [what, ref, extra] = positionals;
    if (!what) throw new UsageError("say what to match: need, result, expert, refresh or overview");
    if (!["need", "result", "expert", "refresh", "overview"].includes(what)) throw new UsageError(`unknown subcommand "${what}"`);
    const subject = what === "need" || what === "result" || what === "expert" ? what : null;
    if (subject && !ref) throw new UsageError(`match ${what} needs a <ref>`);
    if ((subject && extra !== undefined) || (!subject && ref !== undefined)) throw new UsageError(`unexpected argument "${subject ? extra : ref}"`);

    const { parseLimit } = await import("../../search/match/engine.server");
    const limit = parseLimit(values.limit);
    if (!limit.ok) throw new UsageError(`--limit: ${limit.message.replace(/^limit /, "")}`);
    let kinds: Array<"result" | "expert"> | undefined;
    if (values.kinds !== undefined) {
      if (subject !== "need") throw new UsageError("--kinds applies to `match need` only");
      const parts = values.kinds.split(",").map((k) => k.trim()).filter(Boolean);
      if (!parts.length || parts.some((k) => k !== "result" && k !== "expert")) throw new UsageError("--kinds must be result, expert or result,expert");
      kinds = parts.filter((k): k is "result" | "expert" => k === "result" || k === "expert");
    }
    const concurrency = values.concurrency === undefined ? 2 : Number(values.concurrency);
    if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 16) throw new UsageError("--concurrency must be a whole number from 1 to 16");

    await withSql(async () => {
      const meili = await resolveMeili();
      try {
        const { searchHealth } = await import("../../search/health.server");
        if (what !== "overview") {
          const health = await searchHealth(3000);
          if (!health.ok) throw new CliError(`Meilisearch at ${process.env.MEILI_URL} is not reachable: ${health.error}`);
        }
        if (what === "refresh") {
          const { refreshAllOpenNeeds } = await import("../../search/match/cache.server");
          let last = 0;
          const r = await refreshAllOpenNeeds({
            concurrency,
            onProgress: (done) => {
              if (Date.now() - last < 1000) return;
              last = Date.now();
              stderr.write(`  ${done} open needs refreshed…\n`);
            },
          });
          stdout.write(
            `Suggestions refreshed for ${r.needs} open needs in ${r.seconds.toFixed(1)} s: ${r.strong} with strong suggestions, ` +
              `${r.possible} with possible ones, ${r.none} where nothing fits well.\n`,
          );
          return;
        }
        if (what === "overview") {
          const { openNeedsOverview } = await import("../../search/match/cache.server");
          const rows = await openNeedsOverview();
          if (values.json) {
            stdout.write(`${JSON.stringify(rows)}\n`);
            return;
          }
          for (const r of rows) {
            stdout.write(`${pad(r.ref, 10)} ${pad(r.verdict, 12)} ${r.best_score === null ? "  —  " : r.best_score.toFixed(3)}  ${r.title} (${r.org_name})\n`);
          }
          if (rows.some((r) => r.verdict === "not_computed")) stdout.write("Some needs have no verdict yet: run `npm run qiao -- match refresh`.\n");
          return;
        }
        if (!subject || !ref) return;
        const { matchesForExpert, matchesForNeed, matchesForResult, MatchNotFoundError } = await import("../../search/match/engine.server");
        const staff = { role: "organizer" as const, orgIds: [] };
        const opts = { limit: limit.value, kinds };
        const m = await (subject === "need" ? matchesForNeed(ref, staff, opts) : subject === "result" ? matchesForResult(ref, staff, opts) : matchesForExpert(ref, staff, opts)).catch(
          (error: unknown) => {
            if (error instanceof MatchNotFoundError) throw new CliError(`${subject} "${ref}" not found`);
            throw error;
          },
        );
        if (values.json) {
          stdout.write(`${JSON.stringify(m)}\n`);
          return;
        }
        stdout.write(`${m.subject.ref} ${m.subject.title}\n`);
        if (m.field_note) stdout.write(`  ! ${m.field_note.text_zh}\n`);
        m.items.forEach((i, n) => {
          stdout.write(`${String(n + 1).padStart(3)}. ${pad(i.kind, 6)} ${pad(i.ref, 8)} ${i.score.toFixed(3)} ${pad(i.label ?? "—", 8)} ${i.title} (${i.org.name})\n`);
          for (const r of i.reasons) stdout.write(`        · ${r.text_zh}\n`);
        });
        if (m.none_reason) stdout.write(`  ${m.items.length ? "No strong or possible match. " : ""}${m.none_reason.text_zh}\n`);
      } finally {
        await meili.stop?.();
      }
    });
  },
};
