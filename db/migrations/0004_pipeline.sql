-- Up Migration
-- The collaboration pipeline: cooperation intents (合作意向), their stage history, agreements
-- (合作协议) and the on-stage signing list of a ceremony.
-- Forward-only, conventions as in 0001.

-- 合作意向 between an enterprise and an institution, optionally about a need, a result and an
-- expert, optionally born at an event or in a meeting.
-- Stages: intent → negotiating → signed → in_progress → completed, or dropped (with a reason).
-- Which moves are allowed (no dropped → signed without reopening) is the model's rule; the
-- database keeps every move in intent_stage_history.
create table intent (
  id                 bigint generated always as identity primary key,
  ref                text unique check (ref is null or length(ref) between 1 and 64),
  enterprise_org_id  bigint not null references organization (id),
  institution_org_id bigint not null references organization (id),
  expert_id          bigint references expert (id) on delete set null,
  need_id            bigint references need (id) on delete set null,
  result_id          bigint references result (id) on delete set null,
  event_id           bigint references event (id) on delete set null,
  meeting_id         bigint references meeting (id) on delete set null,
  summary            text not null default '' check (length(summary) <= 5000),
  stage              text not null default 'intent'
                     check (stage in ('intent', 'negotiating', 'signed', 'in_progress', 'completed', 'dropped')),
  dropped_reason     text check (dropped_reason is null or length(btrim(dropped_reason)) between 1 and 2000),
  -- when the current stage was entered (the history has all of them; this saves a join for
  -- "stuck in negotiation for 90 days" lists)
  stage_changed_at   timestamptz not null default now(),
  created_by         text references app_user (id) on delete set null,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  version            integer not null default 1,
  check (enterprise_org_id <> institution_org_id),
  check (stage <> 'dropped' or dropped_reason is not null)
);
create index intent_enterprise_org_id_idx on intent (enterprise_org_id);
create index intent_institution_org_id_idx on intent (institution_org_id);
create index intent_expert_id_idx on intent (expert_id) where expert_id is not null;
create index intent_need_id_idx on intent (need_id) where need_id is not null;
create index intent_result_id_idx on intent (result_id) where result_id is not null;
create index intent_event_id_idx on intent (event_id) where event_id is not null;
create index intent_meeting_id_idx on intent (meeting_id) where meeting_id is not null;
create index intent_stage_idx on intent (stage);
create index intent_created_at_idx on intent (created_at);
create index intent_created_by_idx on intent (created_by) where created_by is not null;
create trigger intent_touch before update on intent for each row execute function touch_updated_at();

-- Every stage change: who, when, from → to. from_stage is null for the row that records the
-- intent's creation. Append-only.
create table intent_stage_history (
  id         bigint generated always as identity primary key,
  intent_id  bigint not null references intent (id) on delete cascade,
  from_stage text check (from_stage is null or from_stage in ('intent', 'negotiating', 'signed', 'in_progress', 'completed', 'dropped')),
  to_stage   text not null check (to_stage in ('intent', 'negotiating', 'signed', 'in_progress', 'completed', 'dropped')),
  changed_by text references app_user (id) on delete set null,
  changed_at timestamptz not null default now(),
  -- the reason when dropping, or a remark
  note       text check (note is null or length(note) <= 2000),
  check (from_stage is distinct from to_stage)
);
create index intent_stage_history_intent_idx on intent_stage_history (intent_id, changed_at);
create index intent_stage_history_changed_by_idx on intent_stage_history (changed_by) where changed_by is not null;
-- KPI "entered stage X during period P" (e.g. signed this quarter)
create index intent_stage_history_to_stage_idx on intent_stage_history (to_stage, changed_at);
-- one creation row per intent: keeps re-imports from adding a second one
create unique index intent_stage_history_created_key on intent_stage_history (intent_id) where from_stage is null;

-- 合作协议. Kinds follow the technology-contract types in DESIGN.md. An intent usually leads to
-- one agreement, but a second phase or a supplementary contract is a second row.
create table agreement (
  id              bigint generated always as identity primary key,
  ref             text unique check (ref is null or length(ref) between 1 and 64),
  intent_id       bigint not null references intent (id),
  title           text not null check (length(btrim(title)) between 1 and 200),
  kind            text not null check (kind in ('技术转让', '技术许可', '合作开发', '委托开发', '技术服务', '共建研发平台')),
  -- 万元, contract value; same upper bound and reason as need.budget_wan
  amount_wan      numeric(12, 2) not null check (amount_wan >= 0 and amount_wan <= 1000000),
  -- "not in the future" depends on today, so it is the model's check, not a CHECK
  signed_on       date not null check (signed_on between '2000-01-01' and '2100-12-31'),
  -- signed at a ceremony (科技人才峰会 签约仪式); such a signing always names its event
  signed_on_stage boolean not null default false,
  event_id        bigint references event (id) on delete set null,
  -- the contract's number or the archive reference of the signed document
  document_ref    text check (document_ref is null or length(document_ref) <= 200),
  created_by      text references app_user (id) on delete set null,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1,
  check (not signed_on_stage or event_id is not null)
);
create index agreement_intent_id_idx on agreement (intent_id);
create index agreement_event_id_idx on agreement (event_id) where event_id is not null;
create index agreement_signed_on_idx on agreement (signed_on);
create index agreement_kind_idx on agreement (kind);
create index agreement_created_by_idx on agreement (created_by) where created_by is not null;
create trigger agreement_touch before update on agreement for each row execute function touch_updated_at();

-- The on-stage signing list an organizer prepares for a ceremony, in running order. Once signed,
-- the agreement is recorded with signed_on_stage = true and this event.
create table event_signing (
  id         bigint generated always as identity primary key,
  event_id   bigint not null references event (id) on delete cascade,
  intent_id  bigint not null references intent (id) on delete cascade,
  position   integer not null check (position between 1 and 1000),
  -- who signs for each side, as read out by the host
  enterprise_signatory  text check (enterprise_signatory is null or length(enterprise_signatory) <= 100),
  institution_signatory text check (institution_signatory is null or length(institution_signatory) <= 100),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version    integer not null default 1,
  unique (event_id, intent_id),
  -- deferrable so the list can be re-ordered in one statement
  unique (event_id, position) deferrable initially deferred
);
create index event_signing_intent_id_idx on event_signing (intent_id);
create trigger event_signing_touch before update on event_signing for each row execute function touch_updated_at();
