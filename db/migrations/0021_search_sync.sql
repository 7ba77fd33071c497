-- Up Migration
-- Bookkeeping for keeping Meilisearch in step with PostgreSQL (search/sync.server.ts,
-- search/reindex.server.ts, docs/decisions/010-search-sync.md). The sync jobs themselves live
-- in graphile-worker's own schema (graphile_worker), installed by its migrations at start.
-- Forward-only, conventions as in 0001.

-- The schema version (search/indexes.ts SEARCH_SCHEMA_VERSION) the documents of the live index
-- were built with. null = never rebuilt by a full reindex: start-up rebuilds it. Kept apart from
-- schema_version, which records the settings ensureIndexes applied: settings can be re-applied
-- in place, a new document shape needs every document rebuilt.
alter table search_index_meta add column documents_version integer;

-- One row per full reindex of one index (`npm run qiao -- reindex`, start-up rebuilds).
-- While a run is active (not finished, heartbeat recent), the sync worker records every id it
-- pushes; after the swap the reindex re-queues them, so a change committed during the rebuild
-- reaches the new index even when the rebuild read the row before the change.
create table search_reindex_run (
  id           bigint generated always as identity primary key,
  entity       text not null check (entity in ('need', 'result', 'expert', 'organization')),
  started_at   timestamptz not null default now(),
  -- refreshed after every batch; a run whose heartbeat is older than a few minutes crashed
  heartbeat_at timestamptz not null default now(),
  finished_at  timestamptz,
  outcome      text check (outcome in ('swapped', 'failed')),
  documents    integer check (documents is null or documents >= 0),
  error        text check (error is null or length(error) <= 2000),
  check ((finished_at is null) = (outcome is null))
);
create index search_reindex_run_active_idx on search_reindex_run (entity) where finished_at is null;

create table search_reindex_touched (
  run_id    bigint not null references search_reindex_run (id) on delete cascade,
  entity_id bigint not null,
  primary key (run_id, entity_id)
);
