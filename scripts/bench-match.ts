/**
 * `npm run bench:match`: how fast one need's suggestions are at 10k, 100k (and, when asked, 1M)
 * results, and how long refreshing the suggestion cache takes — for every open need, and for one
 * changed result (the reverse refresh). Next to each figure, the raw engine underneath: the
 * Meilisearch multi-search with the same queries. Ends with one JSON line.
 *
 *   npm run bench:match                      10k and 100k results
 *   npm run bench:match -- --sizes 10k,100k,1m
 *   npm run bench:match -- --samples 200     needs timed per size (default 150)
 *
 * Data: the demo dataset (realistic needs) plus db/generate.server.ts records (2,000 needs,
 * 5,000 experts, 2,000 organizations and the results), in a scratch database and a private
 * Meilisearch, indexed by the product's own full reindex.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { scratchEnvironment } from "../search/match/eval/scratch.server";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10k,100k" },
    samples: { type: "string", default: "150" },
    "refresh-needs": { type: "string", default: "300" },
  },
  strict: true,
});
process.env.QIAO_LOG ??= "silent";

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(s.trim());
  if (!m) throw new Error(`--sizes: "${s}" is not a size like 10k, 100k or 1m`);
  return Math.round(Number(m[1]) * (m[2].toLowerCase() === "m" ? 1e6 : m[2].toLowerCase() === "k" ? 1e3 : 1));
}
const sizes = [...new Set(values.sizes.split(",").map(parseSize))].sort((a, b) => a - b);
const samples = Number(values.samples);
const refreshNeeds = Number(values["refresh-needs"]);
if (!Number.isSafeInteger(samples) || samples < 10) throw new Error("--samples must be at least 10");
if (!Number.isSafeInteger(refreshNeeds) || refreshNeeds < 10) throw new Error("--refresh-needs must be at least 10");

const log = (line: string) => process.stderr.write(`${line}\n`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const label = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

const env = await scratchEnvironment({ log, maxIndexingThreads: 2 });
try {
  const { sql } = await import("../db/client.server");
  const { seedDemo } = await import("../db/seed.server");
  const { generate } = await import("../db/generate.server");
  const { reindex } = await import("../search/reindex.server");
  const { matchesForNeed } = await import("../search/match/engine.server");
  const { fetchCandidates, queryTerms, toMatchDoc } = await import("../search/match/candidates.server");
  const { profile } = await import("../search/match/features");
  const { corpusStats, resetCorpusStats } = await import("../search/match/stats.server");
  const { refreshNeed, refreshForOther } = await import("../search/match/cache.server");
  const { loadDocuments } = await import("../search/documents.server");
  const { CANDIDATES } = await import("../search/match/weights");
  const STAFF = { role: "organizer" as const, orgIds: [] as number[] };

  log("• demo data…");
  await seedDemo(sql);
  const rows: Array<Record<string, number | string>> = [];
  let indexed = false;
  for (const size of sizes) {
    log(`• ${label(size)} results: generating…`);
    await generate(sql, { needs: 2000, results: size, experts: 5000, orgs: 2000, seed: 1 });
    log(`• ${label(size)} results: indexing (full reindex)…`);
    const t0 = performance.now();
    const reindexed = await reindex({ only: indexed ? ["result"] : ["organization", "expert", "need", "result"] });
    indexed = true;
    const indexSeconds = (performance.now() - t0) / 1000;
    const [{ results }] = await sql<{ results: number }[]>`select count(*)::int as results from result`;

    resetCorpusStats();
    const s0 = performance.now();
    const stats = await corpusStats();
    const statsMs = performance.now() - s0;

    // the needs timed: demo needs (written by people) and generated open needs, alternating
    const demo = await sql<{ id: number }[]>`select id from need where ref not like 'G-%' order by id`;
    const gen = await sql<{ id: number }[]>`select id from need where ref like 'G-%' and status = 'published' order by id limit ${samples}`;
    const pick: number[] = [];
    for (let i = 0; pick.length < samples && (i < demo.length || i < gen.length); i++) {
      if (i < demo.length) pick.push(demo[i].id);
      if (i < gen.length && pick.length < samples) pick.push(gen[i].id);
    }
    for (const id of pick.slice(0, 5)) await matchesForNeed(id, STAFF); // warm-up
    const full: number[] = [];
    const raw: number[] = [];
    for (const id of pick) {
      const a = performance.now();
      await matchesForNeed(id, STAFF, { limit: 10 });
      full.push(performance.now() - a);
      // the raw engine: the same one-term queries, nothing else
      const [d] = await loadDocuments("need", [id]);
      const doc = d ? toMatchDoc(d, "need") : null;
      if (!doc) continue;
      const terms = queryTerms(profile(doc, stats.idf));
      const b = performance.now();
      await fetchCandidates(
        [
          { kind: "result", terms, perQuery: CANDIDATES.perQuery },
          { kind: "expert", terms: terms.slice(0, CANDIDATES.maxExpertQueries), perQuery: CANDIDATES.perExpertQuery },
        ],
        STAFF,
      );
      raw.push(performance.now() - b);
    }

    // refreshing the cache: a full pass over `refreshNeeds` open needs (extrapolated to all), and
    // the reverse refresh of single changed results
    const open = await sql<{ id: number }[]>`select id from need where status = 'published' order by id`;
    const r0 = performance.now();
    const few = open.slice(0, refreshNeeds);
    let next = 0;
    await Promise.all(
      Array.from({ length: 2 }, async () => {
        while (next < few.length) await refreshNeed(few[next++].id);
      }),
    );
    const refreshSeconds = (performance.now() - r0) / 1000;
    const allSeconds = (refreshSeconds * open.length) / few.length;
    const changed = await sql<{ id: number }[]>`select id from result where status = 'published' order by id desc limit 20`;
    const reverse: number[] = [];
    for (const { id } of changed) {
      const a = performance.now();
      await refreshForOther("result", id);
      reverse.push(performance.now() - a);
    }

    const row = {
      results,
      index_seconds: Number(indexSeconds.toFixed(1)),
      index_docs_per_s: Math.round(reindexed.reduce((n, r) => n + r.documents, 0) / indexSeconds),
      corpus_stats_ms: Math.round(statsMs),
      needs_timed: full.length,
      p50_ms: Number(pct(full, 50).toFixed(1)),
      p95_ms: Number(pct(full, 95).toFixed(1)),
      meili_p50_ms: Number(pct(raw, 50).toFixed(1)),
      meili_p95_ms: Number(pct(raw, 95).toFixed(1)),
      open_needs: open.length,
      refresh_all_seconds: Number(allSeconds.toFixed(1)),
      refresh_per_need_ms: Math.round((refreshSeconds * 1000 * 2) / few.length),
      reverse_refresh_p50_ms: Math.round(pct(reverse, 50)),
      reverse_refresh_p95_ms: Math.round(pct(reverse, 95)),
    };
    rows.push(row);
    log(`  ${JSON.stringify(row)}`);
  }

  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`\nMatching latency (${os.cpus().length} cores, ${cpu}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")})`);
  console.log("results   | one need's suggestions p50 / p95 | Meilisearch alone p50 / p95 | ratio p95 | open needs | refresh all | per need | one changed result p50 / p95");
  for (const r of rows) {
    console.log(
      `${label(Number(r.results)).padEnd(9)} | ${String(r.p50_ms).padStart(8)} / ${String(r.p95_ms).padEnd(8)} ms         | ${String(r.meili_p50_ms).padStart(8)} / ${String(r.meili_p95_ms).padEnd(8)} ms    | ` +
        `${(Number(r.p95_ms) / Number(r.meili_p95_ms)).toFixed(2).padStart(6)}×   | ${String(r.open_needs).padStart(10)} | ${String(r.refresh_all_seconds).padStart(8)} s  | ${String(r.refresh_per_need_ms).padStart(5)} ms | ` +
        `${r.reverse_refresh_p50_ms} / ${r.reverse_refresh_p95_ms} ms`,
    );
  }
  console.log("(refresh all: measured on the first open needs with two in parallel, extrapolated to every open need)");
  console.log(JSON.stringify({ bench: "match", cores: os.cpus().length, load: os.loadavg()[0], sizes: rows }));
} finally {
  await env.close();
}
