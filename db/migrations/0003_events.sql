-- Up Migration
-- Events (对接活动) and what happens at them: participants, their availability, time slots,
-- tables, meeting requests and scheduled meetings (1:1 and small groups).
-- Forward-only, conventions as in 0001.
--
-- Clash-freedom is guarded by the database, not only by the scheduler: slots of an event cannot
-- overlap (exclusion constraint), a table holds one meeting per slot, and a participant sits in
-- one meeting per slot (unique indexes on rows that carry the slot). A bug in the scheduler or two
-- organizers moving meetings at once then fail loudly instead of double-booking someone.

-- gist equality on bigint for the exclusion constraint below
create extension if not exists btree_gist;

create table event (
  id                    bigint generated always as identity primary key,
  ref                   text unique check (ref is null or length(ref) between 1 and 64),
  -- talent_fair: 科技人才洽谈会 and its signing ceremony; university_visit: 高校院所专题对接;
  -- shanghai_program: 上海行 visits and 推介会; online: year-long online collection / matchmaking
  kind                  text not null check (kind in ('talent_fair', 'university_visit', 'shanghai_program', 'online')),
  name                  text not null check (length(btrim(name)) between 1 and 200),
  description           text check (description is null or length(description) <= 10000),
  city                  text check (city is null or length(city) <= 100),
  venue                 text check (venue is null or length(venue) <= 200),
  starts_on             date not null check (starts_on between '2000-01-01' and '2100-12-31'),
  ends_on               date not null,
  -- the organizing body (usually the bureau itself)
  organizer_org_id      bigint references organization (id),
  -- draft: being prepared; open: registration open; closed: registration closed, scheduling;
  -- finished: held; cancelled: called off (kept for the record)
  status                text not null default 'draft'
                        check (status in ('draft', 'open', 'closed', 'finished', 'cancelled')),
  registration_closes_at timestamptz,
  -- length of the generated meeting slots, in minutes
  slot_minutes          integer check (slot_minutes is null or slot_minutes between 5 and 240),
  -- set when the organizer publishes the schedule: participants see their meetings from then on
  schedule_published_at timestamptz,
  created_by            text references app_user (id) on delete set null,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  version               integer not null default 1,
  check (ends_on >= starts_on),
  -- a multi-year "event" is a data-entry mistake
  check (ends_on - starts_on <= 366)
);
create index event_kind_idx on event (kind);
create index event_status_idx on event (status);
create index event_starts_on_idx on event (starts_on);
create index event_organizer_org_id_idx on event (organizer_org_id) where organizer_org_id is not null;
create index event_created_by_idx on event (created_by) where created_by is not null;
create trigger event_touch before update on event for each row execute function touch_updated_at();

-- The bureau staff who run a given event: only they manage it (besides admins).
create table event_organizer (
  event_id   bigint not null references event (id) on delete cascade,
  user_id    text not null references app_user (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (event_id, user_id)
);
create index event_organizer_user_id_idx on event_organizer (user_id);

-- Meeting time slots. Generated from slot_minutes but editable (a lunch break, a keynote).
create table event_slot (
  id         bigint generated always as identity primary key,
  event_id   bigint not null references event (id) on delete cascade,
  starts_at  timestamptz not null,
  ends_at    timestamptz not null,
  label      text check (label is null or length(label) <= 50),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version    integer not null default 1,
  check (ends_at > starts_at),
  check (ends_at - starts_at <= interval '8 hours'),
  -- target of meeting's composite foreign key: a meeting's slot belongs to the meeting's event
  unique (id, event_id),
  constraint event_slot_no_overlap exclude using gist (event_id with =, tstzrange(starts_at, ends_at) with &&)
);
create trigger event_slot_touch before update on event_slot for each row execute function touch_updated_at();

-- Tables or rooms where meetings happen. capacity counts seats, so a group meeting (one
-- enterprise with two or three professors) goes to a table big enough.
create table event_table (
  id         bigint generated always as identity primary key,
  event_id   bigint not null references event (id) on delete cascade,
  label      text not null check (length(btrim(label)) between 1 and 50),
  capacity   integer not null default 4 check (capacity between 2 and 100),
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version    integer not null default 1,
  unique (event_id, label),
  unique (id, event_id)
);
create trigger event_table_touch before update on event_table for each row execute function touch_updated_at();

-- An organization or an expert taking part in an event. Enterprises and institutions join as
-- organizations; professors join as experts (they have their own schedule).
create table event_participant (
  id            bigint generated always as identity primary key,
  event_id      bigint not null references event (id) on delete cascade,
  org_id        bigint references organization (id),
  expert_id     bigint references expert (id),
  -- invited → registered → approved → checked_in | no_show; rejected and withdrawn end it
  status        text not null default 'registered'
                check (status in ('invited', 'registered', 'approved', 'rejected', 'withdrawn', 'checked_in', 'no_show')),
  -- "what we are looking for" from the registration form; the scheduler and matching read it
  looking_for   text check (looking_for is null or length(looking_for) <= 2000),
  -- the participant's own weight for the scheduler (higher first); organizers may raise it
  priority      smallint not null default 0 check (priority between -10 and 10),
  -- the person who comes for an organization (or a walk-in's name), for the badge and for
  -- check-in by name search
  contact_name  text check (contact_name is null or length(contact_name) <= 50),
  contact_phone text check (contact_phone is null or length(contact_phone) <= 50),
  walk_in       boolean not null default false,
  -- printed on the schedule and typed at the check-in desk; unique within the event
  checkin_code  text not null default upper(left(replace(gen_random_uuid()::text, '-', ''), 8))
                check (checkin_code ~ '^[A-Z0-9]{4,16}$'),
  checked_in_at timestamptz,
  registered_by text references app_user (id) on delete set null,
  approved_by   text references app_user (id) on delete set null,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  version       integer not null default 1,
  check (num_nonnulls(org_id, expert_id) = 1),
  check (status <> 'checked_in' or checked_in_at is not null),
  unique (event_id, org_id),
  unique (event_id, expert_id),
  unique (event_id, checkin_code),
  -- target of meeting_party's composite foreign key: the party belongs to the meeting's event
  unique (id, event_id)
);
create index event_participant_org_id_idx on event_participant (org_id) where org_id is not null;
create index event_participant_expert_id_idx on event_participant (expert_id) where expert_id is not null;
create index event_participant_status_idx on event_participant (event_id, status);
create index event_participant_registered_by_idx on event_participant (registered_by) where registered_by is not null;
create index event_participant_approved_by_idx on event_participant (approved_by) where approved_by is not null;
create trigger event_participant_touch before update on event_participant for each row execute function touch_updated_at();

-- When a participant can meet. No rows = available for the whole event. Rows are replaced as a
-- set by the form (insert/delete only), hence no updated_at or version. Ranges rather than slot
-- ids so availability can be given before the slots exist and survives re-slotting.
-- (Whether the range lies inside the event's dates is checked in the model: it depends on the
-- event's time zone.)
create table participant_availability (
  id             bigint generated always as identity primary key,
  participant_id bigint not null references event_participant (id) on delete cascade,
  starts_at      timestamptz not null,
  ends_at        timestamptz not null,
  created_at     timestamptz not null default now(),
  check (ends_at > starts_at),
  constraint participant_availability_no_overlap
    exclude using gist (participant_id with =, tstzrange(starts_at, ends_at) with &&)
);

-- A request to meet, from a match suggestion, by hand, or added by an organizer. Usually inside
-- an event (then the scheduler places it); event_id is null for a bilateral request outside any
-- event, which an organizer may attach to an event later.
create table meeting_request (
  id              bigint generated always as identity primary key,
  event_id        bigint references event (id) on delete cascade,
  -- pending: waiting for the invitees; accepted: all invitees accepted, ready to schedule;
  -- declined: an invitee declined; cancelled: withdrawn by the requester or an organizer
  status          text not null default 'pending'
                  check (status in ('pending', 'accepted', 'declined', 'cancelled')),
  source          text not null default 'manual' check (source in ('suggestion', 'manual', 'organizer')),
  -- what the meeting is about (optional)
  need_id         bigint references need (id) on delete set null,
  result_id       bigint references result (id) on delete set null,
  message         text check (message is null or length(message) <= 2000),
  -- the matching score when it came from a suggestion; the scheduler places valuable meetings first
  match_score     real check (match_score is null or match_score between 0 and 1),
  priority        smallint not null default 0 check (priority between -10 and 10),
  -- a random token from the form: a double-clicked submit creates one request, not two
  idempotency_key text unique check (idempotency_key is null or length(idempotency_key) between 8 and 100),
  requested_by    text references app_user (id) on delete set null,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  version         integer not null default 1
);
create index meeting_request_event_id_idx on meeting_request (event_id, status);
create index meeting_request_need_id_idx on meeting_request (need_id) where need_id is not null;
create index meeting_request_result_id_idx on meeting_request (result_id) where result_id is not null;
create index meeting_request_requested_by_idx on meeting_request (requested_by) where requested_by is not null;
create trigger meeting_request_touch before update on meeting_request for each row execute function touch_updated_at();

-- The sides of a request: one requester and one or more invitees (a group meeting is one
-- enterprise with two or three professors). Parties are organizations or experts rather than
-- event participants, so a request can exist outside an event; the scheduler maps them to the
-- event's participants. The unique keys also make a request to oneself impossible.
create table meeting_request_party (
  id           bigint generated always as identity primary key,
  request_id   bigint not null references meeting_request (id) on delete cascade,
  org_id       bigint references organization (id),
  expert_id    bigint references expert (id),
  role         text not null check (role in ('requester', 'invitee')),
  -- the invitee's answer; the requester's row is 'accepted' from the start
  response     text not null default 'pending' check (response in ('pending', 'accepted', 'declined')),
  responded_by text references app_user (id) on delete set null,
  responded_at timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  version      integer not null default 1,
  check (num_nonnulls(org_id, expert_id) = 1),
  check (role = 'invitee' or response = 'accepted'),
  unique (request_id, org_id),
  unique (request_id, expert_id)
);
create index meeting_request_party_org_id_idx on meeting_request_party (org_id) where org_id is not null;
create index meeting_request_party_expert_id_idx on meeting_request_party (expert_id) where expert_id is not null;
create index meeting_request_party_responded_by_idx on meeting_request_party (responded_by) where responded_by is not null;
-- exactly one requester per request
create unique index meeting_request_party_one_requester on meeting_request_party (request_id) where role = 'requester';
create trigger meeting_request_party_touch before update on meeting_request_party for each row execute function touch_updated_at();

-- A placed meeting: a slot and a table of an event. A cancelled meeting releases both (slot_id
-- and table_id become null and, through the cascade below, the parties' slot_id too), so the
-- unique indexes only ever see live meetings.
create table meeting (
  id           bigint generated always as identity primary key,
  event_id     bigint not null references event (id) on delete cascade,
  -- null for a meeting an organizer set up without a request (walk-ins)
  request_id   bigint unique references meeting_request (id) on delete set null,
  slot_id      bigint,
  table_id     bigint,
  -- scheduled → held | no_show; cancelled releases the slot and table
  status       text not null default 'scheduled' check (status in ('scheduled', 'held', 'no_show', 'cancelled')),
  -- scheduler: placed by a run; manual: placed or moved by an organizer. A re-run of the
  -- scheduler keeps every live meeting and only places what is still unplaced.
  placed_by    text not null default 'scheduler' check (placed_by in ('scheduler', 'manual')),
  note         text check (note is null or length(note) <= 2000),
  cancelled_at timestamptz,
  created_by   text references app_user (id) on delete set null,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  version      integer not null default 1,
  foreign key (slot_id, event_id) references event_slot (id, event_id),
  foreign key (table_id, event_id) references event_table (id, event_id),
  check ((status = 'cancelled') = (slot_id is null)),
  check ((status = 'cancelled') = (table_id is null)),
  check ((status = 'cancelled') = (cancelled_at is not null)),
  -- targets of meeting_party's composite foreign keys
  unique (id, slot_id),
  unique (id, event_id)
);
create index meeting_event_id_idx on meeting (event_id, status);
create index meeting_table_id_idx on meeting (table_id) where table_id is not null;
create index meeting_created_by_idx on meeting (created_by) where created_by is not null;
-- one meeting per table per slot
create unique index meeting_slot_table_key on meeting (slot_id, table_id) where slot_id is not null;
create trigger meeting_touch before update on meeting for each row execute function touch_updated_at();

-- Who sits at a meeting. event_id and slot_id are copies kept right by composite foreign keys
-- (the slot one cascades when a meeting moves or is cancelled) so that "nobody in two places at
-- once" is a plain unique index.
create table meeting_party (
  id             bigint generated always as identity primary key,
  meeting_id     bigint not null,
  event_id       bigint not null,
  slot_id        bigint,
  participant_id bigint not null,
  -- per-person attendance: in a group meeting one professor may not turn up
  attendance     text check (attendance is null or attendance in ('present', 'absent')),
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  version        integer not null default 1,
  foreign key (meeting_id, event_id) references meeting (id, event_id) on delete cascade,
  foreign key (meeting_id, slot_id) references meeting (id, slot_id) on update cascade,
  foreign key (participant_id, event_id) references event_participant (id, event_id) on delete cascade,
  unique (meeting_id, participant_id)
);
create index meeting_party_participant_id_idx on meeting_party (participant_id);
create unique index meeting_party_participant_slot_key on meeting_party (participant_id, slot_id) where slot_id is not null;
create trigger meeting_party_touch before update on meeting_party for each row execute function touch_updated_at();

-- The slot copy is taken from the meeting, whatever the writer passed: a composite foreign key
-- does not check a row whose slot_id is null, so without this a party written with a null slot
-- would slip past the clash index. Also runs for the cascaded update when a meeting moves.
create function meeting_party_copy_slot() returns trigger language plpgsql as $$
begin
  select m.slot_id into new.slot_id from meeting m where m.id = new.meeting_id;
  return new;
end $$;
create trigger meeting_party_copy_slot before insert or update on meeting_party
  for each row execute function meeting_party_copy_slot();
