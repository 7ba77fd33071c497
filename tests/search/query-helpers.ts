import { sql } from "../../db/client.server";
import { seedDemo } from "../../db/seed.server";
import { reindex } from "../../search/reindex.server";
import { parseSearchParams, searchCatalog, type SearchInput, type SearchOutcome, type SearchViewer } from "../../search/query.server";

// Shared by tests/search/query*.test.ts, api*.test.ts and visibility*.test.ts: the demo data
// in PostgreSQL and, through the product's own full reindex, in this file's Meilisearch indexes.

/** The demo data, then `more` (extra rows), then a full reindex of everything. */
export async function seedAndIndex(more?: () => Promise<void>) {
  await seedDemo(sql);
  await more?.();
  await reindex();
}

/** A search as the page would run it from a query string. */
export function search(query: string, viewer: SearchViewer = null, overrides: Partial<SearchInput> = {}): Promise<SearchOutcome> {
  const { input } = parseSearchParams(new URLSearchParams(query), "lenient");
  return searchCatalog({ ...input, ...overrides }, viewer);
}

/** The visible text of a safe-highlight HTML string (marks and entities undone). */
export function textOf(html: string) {
  return html
    .replace(/<\/?mark>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** The marked words of a safe-highlight HTML string. */
export function marksOf(html: string) {
  return [...html.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]);
}

export const STAFF: SearchViewer = { role: "organizer", orgIds: [] };
