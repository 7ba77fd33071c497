-- Up Migration
-- Feedback on match suggestions, and the bureau's yearly targets.
-- Forward-only, conventions as in 0001.

-- A user's verdict on one suggestion, given on behalf of an organization. Suggestions pair a
-- need with a result or an expert, or an expert with a result (exactly two of the three ids).
-- The organization is part of the key because each side judges separately: the enterprise may
-- dismiss a result that the university still wants to propose. A dismissed pair stays hidden for
-- that organization, and the matcher learns from the reasons across organizations.
create table match_feedback (
  id                 bigint generated always as identity primary key,
  need_id            bigint references need (id) on delete cascade,
  result_id          bigint references result (id) on delete cascade,
  expert_id          bigint references expert (id) on delete cascade,
  org_id             bigint not null references organization (id) on delete cascade,
  decision           text not null check (decision in ('accepted', 'dismissed')),
  reason             text check (reason is null or reason in ('not_relevant', 'too_early', 'too_expensive', 'already_in_contact')),
  note               text check (note is null or length(note) <= 2000),
  -- the score and label the user saw, so feedback can be analysed against what was shown
  score              real check (score is null or score between 0 and 1),
  -- what an accepted suggestion became
  meeting_request_id bigint references meeting_request (id) on delete set null,
  intent_id          bigint references intent (id) on delete set null,
  decided_by         text references app_user (id) on delete set null,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  version            integer not null default 1,
  check (num_nonnulls(need_id, result_id, expert_id) = 2),
  -- a dismissal always says why; an acceptance has no dismissal reason
  check ((decision = 'dismissed') = (reason is not null))
);
-- nulls not distinct (PostgreSQL 15+): (need 1, result 2, expert null, org 3) is one pair
create unique index match_feedback_pair_key on match_feedback (need_id, result_id, expert_id, org_id) nulls not distinct;
create index match_feedback_result_id_idx on match_feedback (result_id) where result_id is not null;
create index match_feedback_expert_id_idx on match_feedback (expert_id) where expert_id is not null;
create index match_feedback_org_id_idx on match_feedback (org_id);
create index match_feedback_meeting_request_id_idx on match_feedback (meeting_request_id) where meeting_request_id is not null;
create index match_feedback_intent_id_idx on match_feedback (intent_id) where intent_id is not null;
create index match_feedback_decided_by_idx on match_feedback (decided_by) where decided_by is not null;
create trigger match_feedback_touch before update on match_feedback for each row execute function touch_updated_at();

-- Yearly targets per indicator. The built-in indicators have codes whose figures the KPI SQL
-- computes from the records (needs, results, events, intents, agreements, projects,
-- agreement_amount_wan, ...); any other code is a custom indicator the bureau adds with its own
-- label. Figures are never typed in: only targets are.
create table kpi_target (
  id         bigint generated always as identity primary key,
  year       smallint not null check (year between 2000 and 2100),
  -- a stable code (lower_snake_case), not the label, so renaming a label keeps the history
  indicator  text not null check (indicator ~ '^[a-z][a-z0-9_]{0,63}$'),
  -- display label (Chinese first) and unit, e.g. 技术需求 / 项; 合作金额 / 万元
  label      text check (label is null or length(btrim(label)) between 1 and 100),
  unit       text check (unit is null or length(unit) <= 20),
  -- counts and 万元 sums alike; the bound only catches absurd input
  target     numeric(14, 2) not null check (target >= 0 and target <= 100000000),
  note       text check (note is null or length(note) <= 2000),
  updated_by text references app_user (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version    integer not null default 1,
  unique (year, indicator)
);
create index kpi_target_updated_by_idx on kpi_target (updated_by) where updated_by is not null;
create trigger kpi_target_touch before update on kpi_target for each row execute function touch_updated_at();
