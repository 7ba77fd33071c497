/**
 * The matcher's multi-search requests, over node:http with keep-alive and TCP_NODELAY.
 *
 * Why not the meilisearch client (search/client.server.ts): it sends requests with Node's
 * fetch, which asks for gzip, and a compressed answer of a few KB arrives ≈ 40 ms late (Nagle
 * against delayed ACK; docs/benchmarks.md, bench:search). Measured here: the same small
 * multi-search takes 44 ms p50 through fetch, 1.3 ms through node:http without Accept-Encoding
 * (docs/decisions/020-matching.md). A suggestion list sends three or four requests.
 */
import http from "node:http";
import https from "node:https";

export class MatchSearchError extends Error {
  override name = "MatchSearchError";
  constructor(
    message: string,
    /** HTTP status from Meilisearch, or null when it did not answer */
    readonly status: number | null,
    /** Meilisearch's error code (index_not_found, …) when it answered one */
    readonly code: string | null = null,
  ) {
    super(message);
  }
  /**
   * Meilisearch down, timing out or failing, or its indexes not built yet (a fresh data folder
   * whose first indexing has not finished, a test without indexes): worth saying "try again
   * later", not an error of ours.
   */
  get unavailable(): boolean {
    return this.status === null || this.status >= 500 || this.status === 429 || this.code === "index_not_found";
  }
}

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 16 }), https: new https.Agent({ keepAlive: true, maxSockets: 16 }) };

export type Hit = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** POST /multi-search; the hits of each query, in order. */
export function multiSearch(queries: readonly Record<string, unknown>[]): Promise<Hit[][]> {
  const host = process.env.MEILI_URL;
  if (!host) return Promise.reject(new MatchSearchError("MEILI_URL is not set", null));
  const url = new URL("/multi-search", host);
  const body = JSON.stringify({ queries });
  const key = process.env.MEILI_MASTER_KEY || undefined;
  const timeout = Number(process.env.QIAO_MEILI_TIMEOUT_MS ?? 5000);
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: "POST",
        agent: url.protocol === "https:" ? agents.https : agents.http,
        headers: {
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(body),
          ...(key ? { Authorization: `Bearer ${key}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (e) => reject(new MatchSearchError(`Meilisearch response: ${e.message}`, null)));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            reject(new MatchSearchError(`Meilisearch answered ${status} with no JSON`, status >= 400 ? status : 502));
            return;
          }
          if (status >= 400) {
            const message = isRecord(parsed) && typeof parsed.message === "string" ? parsed.message : text.slice(0, 200);
            const code = isRecord(parsed) && typeof parsed.code === "string" ? parsed.code : null;
            reject(new MatchSearchError(`Meilisearch ${status}: ${message}`, status, code));
            return;
          }
          const results = isRecord(parsed) && Array.isArray(parsed.results) ? parsed.results : null;
          if (!results) {
            reject(new MatchSearchError("Meilisearch answered without results", 502));
            return;
          }
          resolve(results.map((r) => (isRecord(r) && Array.isArray(r.hits) ? r.hits.filter(isRecord) : [])));
        });
      },
    );
    req.on("socket", (s) => s.setNoDelay(true));
    req.setTimeout(timeout, () => req.destroy(new Error(`no answer within ${timeout} ms`)));
    req.on("error", (e) => reject(new MatchSearchError(`Meilisearch unreachable: ${e.message}`, null)));
    req.end(body);
  });
}
