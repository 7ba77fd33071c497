-- Up Migration
-- Merging duplicate organizations and experts (app/models/merge.server.ts): the duplicate's row is
-- deleted after every link moved to the survivor, and this table remembers it, so that
--   * its external ref stays resolvable: a re-import of the town spreadsheet that created the
--     duplicate updates the survivor instead of recreating the duplicate (db/import/aliases.server.ts);
--   * an old link (/orgs/<old id>) or a record of the audit log can still be followed to the survivor.
-- Forward-only, conventions as in 0001. Rows are never updated except to follow a later merge of
-- the survivor itself (A → B, then B → C: A's row now points at C), hence no version column.
-- target_id has no foreign key: it points at organization or expert depending on `entity`; the
-- merge keeps it right (it is only ever set to a row that exists, in the merge's transaction).
-- Decision: docs/decisions/072-merging-duplicates.md.

create table merged_record (
  entity     text not null check (entity in ('organization', 'expert')),
  -- the id the duplicate had
  merged_id  bigint not null,
  -- the duplicate's external ref, when it had one
  ref        text check (ref is null or length(ref) between 1 and 64),
  -- the survivor it was merged into (followed through later merges)
  target_id  bigint not null,
  -- the duplicate's name at the time, for the audit page and messages
  name       text not null,
  merged_by  text references app_user (id) on delete set null,
  merged_at  timestamptz not null default now(),
  primary key (entity, merged_id),
  check (merged_id <> target_id)
);
create unique index merged_record_ref_key on merged_record (entity, ref) where ref is not null;
create index merged_record_target_idx on merged_record (entity, target_id);
create index merged_record_merged_by_idx on merged_record (merged_by) where merged_by is not null;
