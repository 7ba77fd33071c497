import { Meilisearch } from "meilisearch";

declare global {
  var __qiaoMeili: { key: string; client: Meilisearch } | undefined;
}

/**
 * The Meilisearch client of the process, built from MEILI_URL and
 * MEILI_MASTER_KEY (set by scripts/start.ts in embedded mode). Requests time
 * out quickly: a slow search engine must degrade search, never hang pages.
 */
export function getMeili(): Meilisearch {
  const host = process.env.MEILI_URL;
  if (!host) throw new Error("MEILI_URL is not set (scripts/start.ts sets it in embedded mode)");
  const apiKey = process.env.MEILI_MASTER_KEY || undefined;
  const key = `${host}|${apiKey ?? ""}`;
  if (globalThis.__qiaoMeili?.key !== key) {
    globalThis.__qiaoMeili = {
      key,
      client: new Meilisearch({
        host,
        apiKey,
        timeout: Number(process.env.QIAO_MEILI_TIMEOUT_MS ?? 5000),
        // Uncompressed answers on every call, not only searches: on the loopback a gzipped answer
        // of a few KB arrives ≈ 40 ms late (Nagle against delayed ACK; docs/benchmarks.md), which
        // the sync worker would otherwise pay on every task it waits for.
        requestInit: { headers: { "Accept-Encoding": "identity" } },
      }),
    };
  }
  return globalThis.__qiaoMeili.client;
}

/** Index uid with the configured prefix (tests give each file its own). */
export function indexUid(base: string): string {
  return `${process.env.MEILI_INDEX_PREFIX ?? ""}${base}`;
}
