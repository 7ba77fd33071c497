-- Up Migration
-- Uploads of the import page (/import, app/models/import-upload.server.ts) kept between the dry
-- run and the confirmation. The browser only ever holds the upload's id: the confirmation
-- re-plans from the bytes stored here (a plan posted back by a browser is never trusted,
-- docs/decisions/011-import-export.md). Forward-only, conventions as in 0001.

create table import_upload (
  id          uuid primary key default gen_random_uuid(),
  -- only its owner may see, confirm or discard it; gone with the user
  owner_id    text not null references app_user (id) on delete cascade,
  -- the kind the uploader chose; null = inferred per file by the import
  kind        text check (kind in ('organizations', 'experts', 'needs', 'results')),
  created_at  timestamptz not null default now(),
  -- a preview is a snapshot of the database: after an hour it must be uploaded again
  expires_at  timestamptz not null default now() + interval '1 hour',
  -- set by the one confirmation that may write (an atomic claim: a double click applies once);
  -- cleared again when that write did not happen
  consumed_at timestamptz,
  -- the dry run as the page shows it: counts per action and kind, sources, file-level issues
  summary     jsonb not null,
  -- one compact entry per row (file, row, kind, ref, title, action, changed fields, issues),
  -- paged by the preview with jsonb_array_elements
  rows        jsonb not null default '[]',
  -- what the confirmation wrote (import id, counts per kind)
  applied     jsonb,
  check (expires_at > created_at),
  check (applied is null or consumed_at is not null)
);
create index import_upload_owner_idx on import_upload (owner_id, created_at desc);
create index import_upload_expires_idx on import_upload (expires_at);

-- The files of an upload (several demo JSON files import as one), bounded by the upload handler
-- (IMPORT_LIMITS) before anything is stored. Deleted once imported or expired.
create table import_upload_file (
  upload_id uuid not null references import_upload (id) on delete cascade,
  position  smallint not null check (position >= 0),
  filename  text not null check (length(filename) between 1 and 255),
  bytes     bytea not null,
  primary key (upload_id, position)
);
