import { createHash } from "node:crypto";
import { MeilisearchApiError, type Meilisearch } from "meilisearch";
import { sql } from "../db/client.server";
import { getMeili, indexUid } from "./client.server";
import { INDEXES, SEARCH_SCHEMA_VERSION, type IndexDefinition } from "./indexes";

function settingsHash(def: IndexDefinition) {
  return createHash("sha256")
    .update(JSON.stringify({ pk: def.primaryKey, settings: def.settings, v: SEARCH_SCHEMA_VERSION }))
    .digest("hex");
}

async function indexExists(client: Meilisearch, uid: string) {
  try {
    await client.getRawIndex(uid);
    return true;
  } catch (error) {
    if (error instanceof MeilisearchApiError && error.cause?.code === "index_not_found") return false;
    throw error;
  }
}

/**
 * Creates missing indexes and applies their settings — idempotently: settings
 * are sent only when the index is new or their hash differs from the one
 * recorded in search_index_meta. Returns the uids that were (re)configured.
 */
export async function ensureIndexes(opts: { client?: Meilisearch } = {}): Promise<string[]> {
  const client = opts.client ?? getMeili();
  const changed: string[] = [];
  const recorded = new Map(
    (await sql<{ uid: string; settings_hash: string }[]>`select uid, settings_hash from search_index_meta`).map(
      (r) => [r.uid, r.settings_hash],
    ),
  );
  for (const def of INDEXES) {
    const uid = indexUid(def.base);
    const hash = settingsHash(def);
    const exists = await indexExists(client, uid);
    if (exists && recorded.get(uid) === hash) continue;
    if (!exists) await client.createIndex(uid, { primaryKey: def.primaryKey }).waitTask({ timeout: 60_000 });
    const task = await client.index(uid).updateSettings(def.settings).waitTask({ timeout: 120_000 });
    if (task.status !== "succeeded") {
      throw new Error(`Applying settings to index ${uid} failed: ${task.error?.message ?? task.status}`);
    }
    await sql`
      insert into search_index_meta (uid, settings_hash, schema_version)
      values (${uid}, ${hash}, ${SEARCH_SCHEMA_VERSION})
      on conflict (uid) do update set settings_hash = excluded.settings_hash,
        schema_version = excluded.schema_version, updated_at = now()
    `;
    changed.push(uid);
  }
  return changed;
}
