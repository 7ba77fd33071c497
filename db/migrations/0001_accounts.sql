-- Up Migration
-- Accounts, organizations, memberships, invitations, sessions and the audit log.
-- Forward-only: never edit this file after it has landed; add a new one instead.
-- Conventions for every later migration too:
--   * domain ids are bigint identities; user and session ids are text (lucia makes them);
--   * every mutable row has created_at, updated_at and version (optimistic concurrency:
--     UPDATE ... WHERE id = $1 AND version = $2, then version = version + 1);
--   * enums are text with CHECK constraints (cheaper to extend than CREATE TYPE);
--   * imported rows keep their external `ref`, unique, so a re-import updates.

create extension if not exists pg_trgm;

-- Keeps updated_at honest whatever code path writes the row.
create function touch_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end $$;

create table app_user (
  id            text primary key,
  email         text not null check (length(email) between 3 and 254 and email = lower(email)),
  name          text not null check (length(name) between 1 and 100),
  -- null for users who were invited and have not set a password yet
  password_hash text,
  -- platform-wide role; what a member may do inside an organization is membership.role
  role          text not null default 'member' check (role in ('admin', 'organizer', 'member')),
  locale        text not null default 'zh-CN' check (locale in ('zh-CN', 'en')),
  disabled_at   timestamptz,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  version       integer not null default 1
);
create unique index app_user_email_key on app_user (email);
create trigger app_user_touch before update on app_user for each row execute function touch_updated_at();

-- lucia v3 sessions (PostgresJsAdapter). expires_at is the sliding idle expiry that lucia
-- extends; created_at gives the absolute expiry checked in app/utils/auth.server.ts.
create table session (
  id         text primary key,
  user_id    text not null references app_user (id) on delete cascade,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index session_user_id_idx on session (user_id);
create index session_expires_at_idx on session (expires_at);

create table organization (
  id          bigint generated always as identity primary key,
  ref         text unique check (ref is null or length(ref) between 1 and 64),
  kind        text not null check (kind in ('enterprise', 'university', 'institute', 'government', 'agency')),
  name        text not null check (length(name) between 1 and 200),
  short_name  text check (short_name is null or length(short_name) <= 100),
  -- enterprises: the town, sub-district or park (镇区); institutions: their city
  town        text check (town is null or length(town) <= 100),
  city        text check (city is null or length(city) <= 100),
  industry    text check (industry is null or length(industry) <= 100),
  description text check (description is null or length(description) <= 5000),
  website     text check (website is null or length(website) <= 500),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  version     integer not null default 1
);
create index organization_kind_idx on organization (kind);
create index organization_name_trgm_idx on organization using gin (name gin_trgm_ops);
create trigger organization_touch before update on organization for each row execute function touch_updated_at();

create table membership (
  id         bigint generated always as identity primary key,
  org_id     bigint not null references organization (id) on delete cascade,
  user_id    text not null references app_user (id) on delete cascade,
  -- manager: may invite others into the organization and manage its members
  role       text not null default 'member' check (role in ('manager', 'member')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version    integer not null default 1,
  unique (org_id, user_id)
);
create index membership_user_id_idx on membership (user_id);
create trigger membership_touch before update on membership for each row execute function touch_updated_at();

create table org_invite (
  id          bigint generated always as identity primary key,
  org_id      bigint not null references organization (id) on delete cascade,
  email       text not null check (length(email) between 3 and 254 and email = lower(email)),
  role        text not null default 'member' check (role in ('manager', 'member')),
  -- only the SHA-256 of the token is stored: a leaked table does not leak usable links
  token_hash  text not null unique,
  invited_by  text references app_user (id) on delete set null,
  expires_at  timestamptz not null,
  accepted_at timestamptz,
  accepted_by text references app_user (id) on delete set null,
  revoked_at  timestamptz,
  created_at  timestamptz not null default now(),
  check (accepted_at is null or revoked_at is null)
);
create index org_invite_org_id_idx on org_invite (org_id);
create index org_invite_email_idx on org_invite (email);

-- Who changed what, when: one row per change, written in the same transaction.
create table audit_log (
  id        bigint generated always as identity primary key,
  at        timestamptz not null default now(),
  actor_id  text references app_user (id) on delete set null,
  action    text not null check (length(action) between 1 and 64),
  entity    text not null check (length(entity) between 1 and 64),
  entity_id text,
  before    jsonb,
  after     jsonb,
  ip        text
);
create index audit_log_entity_idx on audit_log (entity, entity_id, at desc);
create index audit_log_actor_idx on audit_log (actor_id, at desc);
create index audit_log_at_idx on audit_log (at desc);
