-- Up Migration
-- Cached match suggestions for open needs (search/match/cache.server.ts,
-- docs/decisions/020-matching.md). Pages compute suggestions on demand (always fresh, filtered
-- for the viewer); this cache serves what needs every open need at once: the organizers'
-- overview (which needs have strong suggestions, which have none and need an expert diagnosis
-- or a university visit) and "new strong suggestions since your last visit".
-- It is derived data: dropping every row and running `npm run qiao -- match refresh` rebuilds it.
-- Forward-only, conventions as in 0001.

-- The top suggestions of one open need, computed as staff see the catalog (every published
-- result or expert); readers filter by what they may read. A result or expert is either kind.
create table match_suggestion (
  id            bigint generated always as identity primary key,
  need_id       bigint not null references need (id) on delete cascade,
  result_id     bigint references result (id) on delete cascade,
  expert_id     bigint references expert (id) on delete cascade,
  score         real not null check (score between 0 and 1),
  label         text not null check (label in ('strong', 'possible', 'weak')),
  -- [{code, params, text_zh, text_en}] as the API returns them
  reasons       jsonb not null default '[]'::jsonb check (jsonb_typeof(reasons) = 'array'),
  -- when this pair first appeared (kept across refreshes): "new since your last visit"
  first_seen_at timestamptz not null default now(),
  -- when its score was last computed
  computed_at   timestamptz not null default now(),
  check (num_nonnulls(result_id, expert_id) = 1)
);
create unique index match_suggestion_pair_key on match_suggestion (need_id, result_id, expert_id) nulls not distinct;
create index match_suggestion_result_id_idx on match_suggestion (result_id) where result_id is not null;
create index match_suggestion_expert_id_idx on match_suggestion (expert_id) where expert_id is not null;
-- the inbox: strong suggestions appeared after a date
create index match_suggestion_new_strong_idx on match_suggestion (first_seen_at) where label = 'strong';

-- One row per need whose suggestions were computed: the verdict the organizers' overview lists.
create table match_need_summary (
  need_id      bigint primary key references need (id) on delete cascade,
  -- strong: at least one strong suggestion; possible: the best is possible; none: nothing fits well
  verdict      text not null check (verdict in ('strong', 'possible', 'none')),
  best_score   real check (best_score is null or best_score between 0 and 1),
  suggestions  integer not null default 0 check (suggestions >= 0),
  -- {code, params, text_zh, text_en} when verdict = none
  none_reason  jsonb,
  computed_at  timestamptz not null default now()
);
create index match_need_summary_verdict_idx on match_need_summary (verdict);
