-- Up Migration
-- The scheduler's runs (app/models/schedule.server.ts): the last run's report is shown on the
-- organizer's schedule board — how many meetings it placed and, for each accepted request it
-- could not place, why. Kept per run (not overwritten) so a re-run's report can be compared with
-- the one before; the board reads the newest.
create table schedule_run (
  id           bigint generated always as identity primary key,
  event_id     bigint not null references event (id) on delete cascade,
  run_by       text references app_user (id) on delete set null,
  -- meetings this run created; live meetings it found and kept
  placed       integer not null check (placed >= 0),
  kept         integer not null check (kept >= 0),
  placed_value double precision not null default 0,
  -- [{ "requestId": 17, "reason": "parties_busy", "participants": [4, 9] }, …]; participants are
  -- event_participant ids (the reason's subject), reasons as in app/scheduler/types.ts
  unplaced     jsonb not null default '[]' check (jsonb_typeof(unplaced) = 'array'),
  seconds      double precision not null default 0 check (seconds >= 0),
  created_at   timestamptz not null default now()
);
create index schedule_run_event_idx on schedule_run (event_id, created_at desc);
create index schedule_run_run_by_idx on schedule_run (run_by) where run_by is not null;
