/**
 * Corpus statistics for the text similarity: document frequencies of character bigrams over the
 * catalog (needs, results, experts), so that 的/技术/提高 weigh nothing and 玻璃化/上浆 weigh a
 * lot. Measured on the dev half, bigrams weighted by this catalog's IDF rank fits first far more
 * often than jieba words weighted by jieba's general-corpus IDF (docs/decisions/020-matching.md).
 *
 * Built from at most SAMPLE_MAX documents (every k-th row by id), so memory and build time stay
 * bounded at a million results; a sample that large estimates the IDF of every bigram that
 * matters (the common ones) closely, and a rare bigram is rare either way. Kept per process and
 * rebuilt in the background after MAX_AGE_MS: a pair's score may drift slightly between rebuilds,
 * never within one.
 */
import { sql } from "../../db/client.server";
import { bigrams, type IdfLookup } from "./text.server";

const SAMPLE_MAX = 20_000;
const MAX_AGE_MS = 60 * 60_000;

export type CorpusStats = {
  /** documents in the sample */
  docs: number;
  df: Map<string, number>;
  builtAt: number;
  /** one row in `every` was read */
  every: number;
  idf: IdfLookup;
};

declare global {
  var __qiaoMatchStats: { key: string; stats?: CorpusStats; building?: Promise<CorpusStats> } | undefined;
}

/**
 * A young catalog's document frequencies say little (in three documents every shared bigram
 * looks common): below MIN_DOCS documents, frequencies count as if the catalog had MIN_DOCS.
 */
const MIN_DOCS = 500;

function idfFrom(df: Map<string, number>, docs: number): IdfLookup {
  const n = Math.max(docs, MIN_DOCS) + 1;
  const top = Math.log(n);
  return (g) => {
    const d = df.get(g);
    return d === undefined ? top : Math.log(n / (d + 1));
  };
}

/** Reads the sample and counts bigram document frequencies. */
export async function buildCorpusStats(): Promise<CorpusStats> {
  const started = Date.now();
  const [{ total }] = await sql<{ total: number }[]>`
    select (select count(*) from need) + (select count(*) from result) + (select count(*) from expert) as total
  `;
  const every = Math.max(1, Math.ceil(Number(total) / SAMPLE_MAX));
  const df = new Map<string, number>();
  let docs = 0;
  const rows = sql<{ text: string }[]>`
    select concat_ws(' ', title, array_to_string(keywords, ' '), description) as text from need where id % ${every} = 0
    union all
    select concat_ws(' ', title, array_to_string(keywords, ' '), summary) from result where id % ${every} = 0
    union all
    select concat_ws(' ', array_to_string(areas, ' '), bio) from expert where id % ${every} = 0
  `.cursor(2000);
  for await (const batch of rows) {
    for (const { text } of batch) {
      docs++;
      for (const g of bigrams(text).keys()) df.set(g, (df.get(g) ?? 0) + 1);
    }
  }
  return { docs, df, builtAt: started, every, idf: idfFrom(df, docs) };
}

/**
 * The process's statistics: built on first use (awaited), rebuilt in the background when older
 * than an hour (the old ones serve meanwhile). Keyed by database, for tests and scripts that
 * switch DATABASE_URL.
 */
export async function corpusStats(): Promise<CorpusStats> {
  const key = process.env.DATABASE_URL ?? "";
  let slot = globalThis.__qiaoMatchStats;
  if (!slot || slot.key !== key) slot = globalThis.__qiaoMatchStats = { key };
  const current = slot.stats;
  if (current && Date.now() - current.builtAt < MAX_AGE_MS) return current;
  if (!slot.building) {
    const s = slot;
    s.building = buildCorpusStats()
      .then((stats) => {
        s.stats = stats;
        return stats;
      })
      .finally(() => {
        s.building = undefined;
      });
  }
  if (current) {
    slot.building?.catch(() => {});
    return current;
  }
  return slot.building ?? buildCorpusStats();
}

/** Forget the statistics (tests; after a bulk import, to count the new rows at once). */
export function resetCorpusStats(): void {
  globalThis.__qiaoMatchStats = undefined;
}
