-- Up Migration
-- Which settings (by hash) and schema version each Meilisearch index was last
-- configured with, so start-up re-applies settings only when the code changed
-- them (search/setup.server.ts) and a schema bump can force a rebuild.
create table search_index_meta (
  uid            text primary key,
  settings_hash  text not null,
  schema_version integer not null,
  updated_at     timestamptz not null default now()
);
