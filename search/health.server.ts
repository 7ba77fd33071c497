import { getMeili } from "./client.server";

export type SearchHealth =
  | { ok: true; version: string; latencyMs: number }
  | { ok: false; error: string; latencyMs: number };

/** A quick reachability check; never throws, so pages can show "degraded". */
export async function searchHealth(timeoutMs = 1500): Promise<SearchHealth> {
  const started = performance.now();
  try {
    const url = process.env.MEILI_URL;
    if (!url) return { ok: false, error: "MEILI_URL is not set", latencyMs: 0 };
    const res = await fetch(new URL("/health", url), { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { ok: false, error: `HTTP ${res.status}`, latencyMs: performance.now() - started };
    const version = await getMeili().getVersion();
    return { ok: true, version: version.pkgVersion, latencyMs: performance.now() - started };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? error.message : String(error),
      latencyMs: performance.now() - started,
    };
  }
}
