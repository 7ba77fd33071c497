-- Up Migration
-- The catalog: experts (专家), technology needs (技术需求) and research results (科研成果).
-- Forward-only, conventions as in 0001.
--
-- The controlled vocabularies (technology fields, cooperation modes) are kept once, in immutable
-- SQL functions, and every CHECK calls them. Not a domain type: postgres.js sends the domain's own
-- OID for an array domain and serializes JS arrays wrongly for it (verified), and a lookup table
-- cannot guard the elements of a text[]. Changing a list means a new migration that replaces the
-- function and re-checks existing rows; that is deliberate, the lists are national standards.

-- The 8 national high-tech domains (国家重点支持的高新技术领域), in the official order; the UI,
-- facets and KPI breakdowns use this order (unnest(tech_fields()) with ordinality).
create function tech_fields() returns text[] language sql immutable parallel safe
return array['电子信息', '生物与新医药', '航空航天', '新材料', '高技术服务', '新能源与节能', '资源与环境', '先进制造与自动化'];

create function is_tech_field(f text) returns boolean language sql immutable parallel safe
return f = any (tech_fields());

-- Ways an enterprise and an institution can work together (合作方式).
create function cooperation_modes() returns text[] language sql immutable parallel safe
return array['技术转让', '技术许可', '合作开发', '委托开发', '技术咨询', '技术服务', '人才引进', '共建研发平台'];

-- A valid set: known modes only, no nulls, no repeats (the import and the form de-duplicate).
create function are_cooperation_modes(m text[]) returns boolean language sql immutable parallel safe
return m <@ cooperation_modes()
   and array_position(m, null) is null
   and cardinality(m) = (select count(distinct x) from unnest(m) as x);

-- Keyword / area / honour lists: short, non-empty strings, a bounded number of them, so a bad
-- spreadsheet cell cannot put a novel into a facet.
create function is_short_text_list(l text[], max_items integer, max_len integer) returns boolean
language sql immutable parallel safe
return cardinality(l) <= max_items
   and array_position(l, null) is null
   and not exists (select 1 from unnest(l) as x where length(btrim(x)) = 0 or length(x) > max_len);

-- 专家. Belongs to an institution (occasionally an enterprise's chief engineer); may be linked to
-- the user account that maintains the profile. Moving an expert to another organization keeps
-- their results where they are: results belong to the institution that owns the IP.
create table expert (
  id             bigint generated always as identity primary key,
  ref            text unique check (ref is null or length(ref) between 1 and 64),
  org_id         bigint not null references organization (id),
  -- one profile per account: "my expert profile" must be unambiguous
  user_id        text unique references app_user (id) on delete set null,
  name           text not null check (length(btrim(name)) between 1 and 50),
  -- 职称 (教授, 研究员, 副教授, 高级工程师 ...): free text, institutions use many variants
  title          text check (title is null or length(title) <= 50),
  areas          text[] not null default '{}' check (is_short_text_list(areas, 20, 50)),
  -- 院士, 长江学者, 国家杰出青年科学基金获得者 ...
  honors         text[] not null default '{}' check (is_short_text_list(honors, 20, 50)),
  -- technology fields the expert works in (facet and a matching feature); derived from the
  -- expert's results on import when the source has no such column
  fields         text[] not null default '{}' check (fields <@ tech_fields() and array_position(fields, null) is null),
  bio            text check (bio is null or length(bio) <= 5000),
  -- contact details: shown only to organizers, the expert's own organization and parties the
  -- expert agreed to meet (enforced in app/models), never to public visitors
  email          text check (email is null or length(email) <= 254),
  phone          text check (phone is null or length(phone) <= 50),
  status         text not null default 'draft'
                 check (status in ('draft', 'pending_review', 'published', 'closed')),
  -- 退回修改: the organizer's comment when a submission goes back to draft; cleared on resubmit
  review_comment text check (review_comment is null or length(review_comment) <= 2000),
  reviewed_by    text references app_user (id) on delete set null,
  reviewed_at    timestamptz,
  submitted_at   timestamptz,
  published_at   timestamptz,
  -- public: anyone, including visitors; members: signed-in users; private: own organization and
  -- organizers only (drafts are private whatever this says)
  visibility     text not null default 'public' check (visibility in ('public', 'members', 'private')),
  created_by     text references app_user (id) on delete set null,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  version        integer not null default 1,
  check (status <> 'published' or published_at is not null)
);
create index expert_org_id_idx on expert (org_id);
create index expert_status_idx on expert (status);
create index expert_reviewed_by_idx on expert (reviewed_by) where reviewed_by is not null;
create index expert_created_by_idx on expert (created_by) where created_by is not null;
-- the PostgreSQL fallback search when Meilisearch is down, and duplicate detection on import
create index expert_name_trgm_idx on expert using gin (name gin_trgm_ops);
create index expert_areas_idx on expert using gin (areas);
create trigger expert_touch before update on expert for each row execute function touch_updated_at();

-- 技术需求, posted by an enterprise. Workflow: draft → pending_review → published → matched →
-- closed; an organizer may send a submission back to draft with review_comment (退回修改).
-- 'matched' means an intent under negotiation or signed exists; the need stays readable.
create table need (
  id             bigint generated always as identity primary key,
  ref            text unique check (ref is null or length(ref) between 1 and 64),
  org_id         bigint not null references organization (id),
  title          text not null check (length(btrim(title)) between 1 and 200),
  description    text not null default '' check (length(description) <= 10000),
  -- may be missing only while a draft is being written; required from submission on
  field          text check (field is null or is_tech_field(field)),
  keywords       text[] not null default '{}' check (is_short_text_list(keywords, 20, 50)),
  cooperation    text[] not null default '{}' check (are_cooperation_modes(cooperation)),
  -- 万元; null = 面议 (to be negotiated). Upper bound: 1,000,000 万元 = 100 亿元, far above any
  -- real need, low enough to catch a figure typed in 元 instead of 万元 by a factor of 10^4
  budget_wan     numeric(12, 2) check (budget_wan is null or (budget_wan >= 0 and budget_wan <= 1000000)),
  deadline       date check (deadline is null or deadline between '2000-01-01' and '2100-12-31'),
  status         text not null default 'draft'
                 check (status in ('draft', 'pending_review', 'published', 'matched', 'closed')),
  review_comment text check (review_comment is null or length(review_comment) <= 2000),
  reviewed_by    text references app_user (id) on delete set null,
  reviewed_at    timestamptz,
  submitted_at   timestamptz,
  published_at   timestamptz,
  closed_at      timestamptz,
  visibility     text not null default 'public' check (visibility in ('public', 'members', 'private')),
  -- who to call about this need. Never shown to public visitors; to members only as the model
  -- allows (own organization, organizers, parties with an accepted meeting or an intent)
  contact_name   text check (contact_name is null or length(contact_name) <= 50),
  contact_phone  text check (contact_phone is null or length(contact_phone) <= 50),
  contact_email  text check (contact_email is null or length(contact_email) <= 254),
  created_by     text references app_user (id) on delete set null,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  version        integer not null default 1,
  check (field is not null or status = 'draft'),
  check (status not in ('published', 'matched') or published_at is not null)
);
create index need_org_id_idx on need (org_id);
create index need_status_idx on need (status);
create index need_field_idx on need (field);
-- "newest first" lists and KPI counts by month
create index need_published_at_idx on need (published_at desc) where published_at is not null;
create index need_created_at_idx on need (created_at);
create index need_reviewed_by_idx on need (reviewed_by) where reviewed_by is not null;
create index need_created_by_idx on need (created_by) where created_by is not null;
create index need_title_trgm_idx on need using gin (title gin_trgm_ops);
create index need_keywords_idx on need using gin (keywords);
create trigger need_touch before update on need for each row execute function touch_updated_at();

-- 科研成果, listed by a university or institute, led by one of its experts.
create table result (
  id             bigint generated always as identity primary key,
  ref            text unique check (ref is null or length(ref) between 1 and 64),
  org_id         bigint not null references organization (id),
  -- the lead expert (成果负责人); kept when the expert moves, nulled if the profile is deleted
  lead_expert_id bigint references expert (id) on delete set null,
  title          text not null check (length(btrim(title)) between 1 and 200),
  summary        text not null default '' check (length(summary) <= 10000),
  field          text check (field is null or is_tech_field(field)),
  keywords       text[] not null default '{}' check (is_short_text_list(keywords, 20, 50)),
  -- 成熟度, in this order: 实验室 → 小试 → 中试 → 产业化 (matching compares positions)
  maturity       text check (maturity is null or maturity in ('实验室', '小试', '中试', '产业化')),
  -- 知识产权, as written by the institution: 发明专利3项、实用新型2项 / 软件著作权2项 / 无
  ip             text check (ip is null or length(ip) <= 500),
  cooperation    text[] not null default '{}' check (are_cooperation_modes(cooperation)),
  -- 万元 asking price; null = 面议. Same bound and reason as need.budget_wan
  price_wan      numeric(12, 2) check (price_wan is null or (price_wan >= 0 and price_wan <= 1000000)),
  status         text not null default 'draft'
                 check (status in ('draft', 'pending_review', 'published', 'closed')),
  review_comment text check (review_comment is null or length(review_comment) <= 2000),
  reviewed_by    text references app_user (id) on delete set null,
  reviewed_at    timestamptz,
  submitted_at   timestamptz,
  published_at   timestamptz,
  closed_at      timestamptz,
  visibility     text not null default 'public' check (visibility in ('public', 'members', 'private')),
  contact_name   text check (contact_name is null or length(contact_name) <= 50),
  contact_phone  text check (contact_phone is null or length(contact_phone) <= 50),
  contact_email  text check (contact_email is null or length(contact_email) <= 254),
  created_by     text references app_user (id) on delete set null,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  version        integer not null default 1,
  check (field is not null or status = 'draft'),
  check (status <> 'published' or published_at is not null)
);
create index result_org_id_idx on result (org_id);
create index result_lead_expert_id_idx on result (lead_expert_id) where lead_expert_id is not null;
create index result_status_idx on result (status);
create index result_field_idx on result (field);
create index result_maturity_idx on result (maturity);
create index result_published_at_idx on result (published_at desc) where published_at is not null;
create index result_created_at_idx on result (created_at);
create index result_reviewed_by_idx on result (reviewed_by) where reviewed_by is not null;
create index result_created_by_idx on result (created_by) where created_by is not null;
create index result_title_trgm_idx on result using gin (title gin_trgm_ops);
create index result_keywords_idx on result using gin (keywords);
create trigger result_touch before update on result for each row execute function touch_updated_at();
