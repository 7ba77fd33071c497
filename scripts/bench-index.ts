/**
 * `npm run bench:index [-- --size 20000 --runs 3 --batch-size 5000 --in-flight 8 --latency 20]`
 *
 * Full reindex throughput (documents/s) of N synthetic results — PostgreSQL cursor, document
 * building with jieba, NDJSON upload, Meilisearch indexing, swap — beside raw Meilisearch
 * ingestion of the same documents as NDJSON posted straight to /indexes/<uid>/documents (into an
 * index with the same settings), in the same run, alternating, medians of --runs. Then the sync
 * latency: commit of a one-row change → searchable, through the running worker.
 *
 * Uses the machine's PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 * with its own scratch database, and a private Meilisearch it starts; both are removed at the end.
 * Prints figures, then ONE JSON line. Target (issue 3): reindex ≥ 0.7 × raw ingestion.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    size: { type: "string", default: "20000" },
    runs: { type: "string", default: "3" },
    "batch-size": { type: "string", default: "5000" },
    "in-flight": { type: "string", default: "8" },
    format: { type: "string", default: "ndjson" },
    latency: { type: "string", default: "20" },
    threads: { type: "string" },
  },
  strict: true,
});
const size = Number(values.size);
const runs = Number(values.runs);
const batchSize = Number(values["batch-size"]);
const maxInFlight = Number(values["in-flight"]);
const latencySamples = Number(values.latency);
const format = values.format === "json" ? "json" : "ndjson";
for (const [k, v] of Object.entries({ size, runs, batchSize, maxInFlight })) {
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`--${k} must be a positive whole number`);
}

const root = path.resolve(import.meta.dirname, "..");
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const fmt = (n: number) => Math.round(n).toLocaleString("en");

const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `qiao_bench_index_${randomBytes(4).toString("hex")}`;
const meiliDir = path.join(root, ".test-data", `meili-bench-index-${randomBytes(3).toString("hex")}`);
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });

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

async function main() {
  await admin`create database ${admin(dbName)}`;
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  process.env.DATABASE_URL = dbUrl.toString();
  process.env.QIAO_LOG = "silent";
  process.env.QIAO_MEILI_TIMEOUT_MS = "60000";

  const { migrate } = await import("../db/migrate.server");
  const { migrateQueue } = await import("../search/worker.server");
  await migrate(process.env.DATABASE_URL);
  await migrateQueue(process.env.DATABASE_URL);

  const { startMeili } = await import("../search/meili-process.server");
  const meili = await startMeili({
    dbPath: meiliDir,
    port: await freePort(),
    masterKey: randomBytes(16).toString("hex"),
    env: "production",
    maxIndexingThreads: values.threads ? Number(values.threads) : undefined,
  });
  process.env.MEILI_URL = meili.url;
  process.env.MEILI_MASTER_KEY = meili.masterKey;

  try {
    const { sql } = await import("../db/client.server");
    const { generate } = await import("../db/generate.server");
    const { getMeili, indexUid } = await import("../search/client.server");
    const { streamDocuments } = await import("../search/documents.server");
    const { indexDefinition } = await import("../search/indexes");
    const { reindexEntity } = await import("../search/reindex.server");
    const { prepareIndexes, waitSucceeded } = await import("../search/sync.server");
    const client = getMeili();
    const version = (await client.getVersion()).pkgVersion;

    log(`bench:index — ${fmt(size)} synthetic results, ${runs} run(s), batches of ${fmt(batchSize)}, ${format}, ≤ ${maxInFlight} in flight`);
    log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, Meilisearch ${version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    const g0 = performance.now();
    await generate(sql, { needs: 0, results: size, experts: Math.max(50, Math.ceil(size / 20)), seed: 7 });
    log(`generated in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
    await prepareIndexes(client);

    // The same documents, built once, as the NDJSON bodies raw ingestion posts.
    const bodies: string[] = [];
    const b0 = performance.now();
    let docCount = 0;
    let bytes = 0;
    for await (const docs of streamDocuments("result", batchSize)) {
      let body = "";
      for (const d of docs) body += `${JSON.stringify(d)}\n`;
      bodies.push(body);
      docCount += docs.length;
      bytes += Buffer.byteLength(body);
    }
    const buildDocsPerSec = docCount / ((performance.now() - b0) / 1000);
    log(`documents: ${fmt(docCount)}, ${(bytes / 2 ** 20).toFixed(1)} MB as NDJSON (${fmt(bytes / docCount)} bytes each), built at ${fmt(buildDocsPerSec)} docs/s (cursor + jieba + JSON)`);
    const def = indexDefinition("result");

    async function raw(run: number) {
      const uid = indexUid(`raw_${run}`);
      await client.createIndex(uid, { primaryKey: "id" }).waitTask({ timeout: 60_000 });
      await client.index(uid).updateSettings(def.settings).waitTask({ timeout: 120_000 });
      const t0 = performance.now();
      const taskUids: number[] = [];
      for (const body of bodies) {
        const res = await fetch(`${meili.url}/indexes/${uid}/documents?primaryKey=id`, {
          method: "POST",
          headers: { "Content-Type": "application/x-ndjson", Authorization: `Bearer ${meili.masterKey}` },
          body,
        });
        if (!res.ok) throw new Error(`raw ingestion: HTTP ${res.status} ${await res.text()}`);
        const { taskUid } = (await res.json()) as { taskUid: number };
        taskUids.push(taskUid);
      }
      for (const t of taskUids) await waitSucceeded(client, { taskUid: t }, "raw ingestion", { timeoutMs: 60 * 60_000, intervalMs: 50 });
      const seconds = (performance.now() - t0) / 1000;
      const count = (await client.index(uid).getStats()).numberOfDocuments;
      if (count !== docCount) throw new Error(`raw index holds ${count} documents, expected ${docCount}`);
      await client.deleteIndex(uid).waitTask();
      return docCount / seconds;
    }

    async function reindexRun() {
      const r = await reindexEntity("result", { batchSize, maxInFlight, format });
      if (r.documents !== docCount) throw new Error(`reindex wrote ${r.documents} documents, expected ${docCount}`);
      return r.docsPerSecond;
    }

    const rawRates: number[] = [];
    const reindexRates: number[] = [];
    for (let run = 1; run <= runs; run++) {
      // Alternate the order so drift on a busy machine hits both sides.
      const order = run % 2 ? ["raw", "reindex"] : ["reindex", "raw"];
      for (const what of order) {
        const rate = what === "raw" ? await raw(run) : await reindexRun();
        (what === "raw" ? rawRates : reindexRates).push(rate);
        log(`  run ${run}: ${what.padEnd(7)} ${fmt(rate)} docs/s`);
      }
    }

    // Sync latency: commit → searchable, with the worker running as in production.
    const latencies: number[] = [];
    if (latencySamples > 0) {
      const { startSearchWorker } = await import("../search/worker.server");
      const { enqueueSync } = await import("../search/sync.server");
      const worker = await startSearchWorker({ repair: false });
      const index = client.index(indexUid("results"));
      const ids = (await sql<{ id: number }[]>`select id from result order by id limit ${latencySamples}`).map((r) => r.id);
      try {
        for (const [i, id] of ids.entries()) {
          const title = `基准同步延迟测试 ${i} ${randomBytes(3).toString("hex")}`;
          await sql.begin(async (tx) => {
            await tx`update result set title = ${title} where id = ${id}`;
            await enqueueSync(tx, "result", [id]);
          });
          const t0 = performance.now();
          for (;;) {
            const doc = await index.getDocument(id, { fields: ["title"] });
            if (doc.title === title) break;
            if (performance.now() - t0 > 60_000) throw new Error("a change did not become searchable within 60 s");
            await new Promise((r) => setTimeout(r, 10));
          }
          latencies.push(performance.now() - t0);
        }
      } finally {
        await worker.stop();
      }
      log(`  sync latency (commit → searchable), ${latencies.length} changes: p50 ${fmt(quantile(latencies, 0.5))} ms, p95 ${fmt(quantile(latencies, 0.95))} ms`);
    }

    const reindexDocsPerSec = median(reindexRates);
    const rawDocsPerSec = median(rawRates);
    const ratio = reindexDocsPerSec / rawDocsPerSec;
    log(`reindex ${fmt(reindexDocsPerSec)} docs/s vs raw ${fmt(rawDocsPerSec)} docs/s: ratio ${ratio.toFixed(2)} (target ≥ 0.70)`);
    const out = {
      bench: "index",
      size: docCount,
      runs,
      batchSize,
      maxInFlight,
      format,
      reindexDocsPerSec: Math.round(reindexDocsPerSec),
      rawDocsPerSec: Math.round(rawDocsPerSec),
      ratio: Number(ratio.toFixed(3)),
      target: 0.7,
      meetsTarget: ratio >= 0.7,
      reindexRuns: reindexRates.map(Math.round),
      rawRuns: rawRates.map(Math.round),
      syncLatencyMs: latencies.length ? { p50: Math.round(quantile(latencies, 0.5)), p95: Math.round(quantile(latencies, 0.95)), samples: latencies.length } : null,
      bytesPerDoc: Math.round(bytes / docCount),
      buildDocsPerSec: Math.round(buildDocsPerSec),
      machine: { cpus: os.cpus().length, memGB: Math.round(os.totalmem() / 2 ** 30), node: process.version, meilisearch: version },
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    const { closeSql } = await import("../db/client.server");
    await closeSql();
    await meili.stop();
    rmSync(meiliDir, { recursive: true, force: true });
  }
}

try {
  await main();
} finally {
  await admin`drop database if exists ${admin(dbName)} with (force)`.catch(() => {});
  await admin.end();
}
