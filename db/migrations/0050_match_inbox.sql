-- Up Migration
-- The match inbox (issue 4): "new strong suggestions since your last visit" needs to know when
-- a user last looked. One row per user, written when the inbox page is opened; the nav badge
-- counts strong suggestions whose pair first appeared (match_suggestion.first_seen_at) after
-- seen_at. See docs/decisions/031-match-inbox.md.
-- Forward-only, conventions as in 0001.

create table match_inbox_visit (
  user_id    text primary key references app_user (id) on delete cascade,
  -- the last time the user opened the inbox; suggestions after it are "new"
  seen_at    timestamptz not null default now(),
  -- the visit before that, so the page opened now can still mark what was new on arrival
  previous_seen_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version    integer not null default 1
);
create trigger match_inbox_visit_touch before update on match_inbox_visit for each row execute function touch_updated_at();
