import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type postgres from "postgres";
import { z } from "zod";
import { hashPassword } from "../app/utils/password.server";
import { newUserId } from "./users.server";

// The demo dataset (db/seeds/demo/*.json, described in its README.md): Rugao 2017, illustrative.
// seedDemo upserts by external ref in one transaction: a second run changes nothing (rows are
// rewritten only when their demo values differ) and duplicates nothing.

type Sql = postgres.Sql<{ bigint: number }>;
type Tx = postgres.TransactionSql<{ bigint: number }>;
type Value = string | number | boolean | null | string[];
type Row = Record<string, Value>;

export const DEMO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "seeds", "demo");

/** The bureau that runs the platform; the demo events name it as their organizer. */
export const BUREAU = {
  ref: "O-G001",
  kind: "government",
  name: "如皋市科技局",
  short_name: "科技局",
  town: "如城街道",
  city: "如皋",
  industry: null,
  description: "如皋市科学技术局，负责全市科技创新与产学研合作、科技成果转化工作，本平台的运营方。",
} as const;

export type DemoLogin = {
  /** what the start script prints: admin | organizer | enterprise | university */
  role: "admin" | "organizer" | "enterprise" | "university";
  email: string;
  password: string;
  name: string;
  platformRole: "admin" | "organizer" | "member";
  /** organization ref and the user's role in it */
  org?: { ref: string; role: "manager" | "member" };
};

// Known passwords on purpose: this is the demo. They meet the ≥ 10 characters rule.
export const DEMO_LOGINS: readonly DemoLogin[] = [
  { role: "admin", email: "admin@demo.qiao.local", password: "qiao-admin-2017", name: "演示管理员", platformRole: "admin" },
  {
    role: "organizer",
    email: "organizer@demo.qiao.local",
    password: "qiao-organizer-2017",
    name: "科技局演示账号",
    platformRole: "organizer",
    org: { ref: BUREAU.ref, role: "manager" },
  },
  {
    role: "enterprise",
    email: "enterprise@demo.qiao.local",
    password: "qiao-enterprise-2017",
    name: "梦百合家居演示账号",
    platformRole: "member",
    org: { ref: "O-E005", role: "manager" },
  },
  {
    role: "university",
    email: "university@demo.qiao.local",
    password: "qiao-university-2017",
    name: "华东理工大学演示账号",
    platformRole: "member",
    org: { ref: "O-U001", role: "manager" },
  },
];

// ---- the files' shapes (README.md); parsed, not trusted ----

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");
const ref = z.string().min(1).max(64);
const strings = z.array(z.string());
const wan = z.number().nonnegative().nullable();

const orgFile = z.array(
  z.object({
    ref,
    kind: z.enum(["enterprise", "university", "institute"]),
    name: z.string(),
    short_name: z.string().optional(),
    town: z.string().optional(),
    city: z.string().optional(),
    industry: z.string().optional(),
    description: z.string().optional(),
  }),
);
const expertFile = z.array(
  z.object({ ref, name: z.string(), org: ref, title: z.string(), areas: strings, honors: strings, bio: z.string() }),
);
const needFile = z.array(
  z.object({
    ref,
    org: ref,
    title: z.string(),
    description: z.string(),
    field: z.string(),
    keywords: strings,
    cooperation: strings,
    budget_wan: wan,
    deadline: date,
    posted: date,
    status: z.enum(["published", "matched", "closed"]),
  }),
);
const resultFile = z.array(
  z.object({
    ref,
    org: ref,
    lead: ref,
    title: z.string(),
    summary: z.string(),
    field: z.string(),
    keywords: strings,
    maturity: z.string(),
    ip: z.string(),
    cooperation: strings,
    price_wan: wan,
    published: date,
  }),
);
const eventFile = z.array(
  z.object({
    ref,
    name: z.string(),
    kind: z.enum(["talent_fair", "university_visit", "shanghai_program", "online"]),
    start: date,
    end: date,
    city: z.string(),
    venue: z.string(),
    organizer: z.string(),
    participants: z.object({ orgs: z.array(ref), experts: z.array(ref) }),
  }),
);
const intentFile = z.array(
  z.object({
    ref,
    event: ref.nullable(),
    enterprise: ref,
    institution: ref,
    expert: ref.nullable(),
    need: ref.nullable(),
    result: ref.nullable(),
    summary: z.string(),
    status: z.enum(["intent", "negotiating", "signed", "dropped"]),
    created: date,
  }),
);
const agreementFile = z.array(
  z.object({
    ref,
    intent: ref,
    title: z.string(),
    kind: z.string(),
    amount_wan: z.number().nonnegative(),
    signed: date,
    signed_on_stage: z.boolean(),
    event: ref.nullable(),
  }),
);

function readJson<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  const text = readFileSync(path.join(dir, file), "utf8");
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  return parsed.data;
}

export function loadDemoFiles(dir = DEMO_DIR) {
  return {
    organizations: readJson(dir, "organizations.json", orgFile),
    experts: readJson(dir, "experts.json", expertFile),
    needs: readJson(dir, "needs.json", needFile),
    results: readJson(dir, "results.json", resultFile),
    events: readJson(dir, "events.json", eventFile),
    intents: readJson(dir, "intents.json", intentFile),
    agreements: readJson(dir, "agreements.json", agreementFile),
  };
}

// A demo date becomes 09:00 in Rugao (UTC+8): office hours, and the same calendar day in UTC and
// in Asia/Shanghai, so per-day and per-month KPI figures agree whichever zone the SQL uses.
const at9 = (d: string) => `${d}T09:00:00+08:00`;

function lookup(map: Map<string, number>, what: string, key: string): number {
  const id = map.get(key);
  if (id === undefined) throw new Error(`demo data: unknown ${what} ${key}`);
  return id;
}
function lookupOrNull(map: Map<string, number>, what: string, key: string | null): number | null {
  return key === null ? null : lookup(map, what, key);
}

/**
 * Inserts rows by ref, or rewrites those whose values differ (bumping version), and returns how
 * many rows it wrote plus every ref's id. `table` and `columns` are constants of this module.
 */
async function upsertByRef(tx: Tx, table: string, rows: Row[], columns: string[]) {
  let changed = 0;
  // postgres.js picks what a helper expands to from the keyword before it: after `select` (and
  // after a bare parenthesis) a list of names becomes a list of identifiers.
  // Chunks keep each statement well under PostgreSQL's 65,535 bind parameters.
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const written = await tx`
      insert into ${tx(table)} ${tx(chunk, columns)}
      on conflict (ref) do update
        set (${tx(columns)}) = (select ${tx(columns.map((c) => `excluded.${c}`))}),
            version = ${tx(`${table}.version`)} + 1
        where (${tx(columns.map((c) => `${table}.${c}`))}) is distinct from (${tx(columns.map((c) => `excluded.${c}`))})
      returning id
    `;
    changed += written.length;
  }
  const ids = new Map<string, number>();
  const refs = rows.map((r) => String(r.ref));
  for (const r of await tx<{ id: number; ref: string }[]>`select id, ref from ${tx(table)} where ref = any(${refs})`) {
    ids.set(r.ref, r.id);
  }
  return { changed, ids };
}

export type SeedSummary = {
  /** rows inserted or rewritten per table; all zero when the demo was already loaded */
  changed: Record<string, number>;
  total: number;
};

/**
 * Loads the demo dataset, the bureau and the demo logins, upserting by external ref in one
 * transaction. Safe to run again: an unchanged dataset writes nothing.
 */
export async function seedDemo(sql: Sql, opts: { dir?: string } = {}): Promise<SeedSummary> {
  const d = loadDemoFiles(opts.dir);

  // argon2 costs ~50 ms per password: hash only for demo users that do not exist yet, before the
  // transaction so it stays short.
  const emails = DEMO_LOGINS.map((l) => l.email);
  const existing = new Set(
    (await sql<{ email: string }[]>`select email from app_user where email = any(${emails})`).map((r) => r.email),
  );
  const newUsers = await Promise.all(
    DEMO_LOGINS.filter((l) => !existing.has(l.email)).map(async (l) => ({
      id: newUserId(),
      email: l.email,
      name: l.name,
      password_hash: await hashPassword(l.password),
      role: l.platformRole,
    })),
  );

  return sql.begin(async (tx) => {
    const changed: Record<string, number> = {};

    // -- organizations (the demo's 109 and the bureau)
    const orgRows: Row[] = [
      { ...BUREAU },
      ...d.organizations.map((o) => ({
        ref: o.ref,
        kind: o.kind,
        name: o.name,
        short_name: o.short_name ?? null,
        town: o.town ?? null,
        city: o.city ?? null,
        industry: o.industry ?? null,
        description: o.description ?? null,
      })),
    ];
    const orgs = await upsertByRef(tx, "organization", orgRows, [
      "ref", "kind", "name", "short_name", "town", "city", "industry", "description",
    ]);
    changed.organizations = orgs.changed;

    // -- experts: their fields and dates come from the results they lead (the file has neither)
    const led = new Map<string, { fields: Set<string>; first: string }>();
    for (const r of d.results) {
      const e = led.get(r.lead) ?? { fields: new Set<string>(), first: r.published };
      e.fields.add(r.field);
      if (r.published < e.first) e.first = r.published;
      led.set(r.lead, e);
    }
    const expertRows: Row[] = d.experts.map((x) => {
      const l = led.get(x.ref);
      const since = at9(l?.first ?? "2017-01-01");
      return {
        ref: x.ref,
        org_id: lookup(orgs.ids, "organization", x.org),
        name: x.name,
        title: x.title,
        areas: x.areas,
        honors: x.honors,
        fields: l ? [...l.fields].sort() : [],
        bio: x.bio,
        status: "published",
        published_at: since,
        visibility: "public",
        created_at: since,
      };
    });
    const experts = await upsertByRef(tx, "expert", expertRows, [
      "ref", "org_id", "name", "title", "areas", "honors", "fields", "bio", "status", "published_at", "visibility", "created_at",
    ]);
    changed.experts = experts.changed;

    // -- needs: posted is when the enterprise submitted it and the bureau published it
    const needRows: Row[] = d.needs.map((n) => ({
      ref: n.ref,
      org_id: lookup(orgs.ids, "organization", n.org),
      title: n.title,
      description: n.description,
      field: n.field,
      keywords: n.keywords,
      cooperation: n.cooperation,
      budget_wan: n.budget_wan,
      deadline: n.deadline,
      status: n.status,
      submitted_at: at9(n.posted),
      published_at: at9(n.posted),
      visibility: "public",
      created_at: at9(n.posted),
    }));
    const needs = await upsertByRef(tx, "need", needRows, [
      "ref", "org_id", "title", "description", "field", "keywords", "cooperation", "budget_wan", "deadline",
      "status", "submitted_at", "published_at", "visibility", "created_at",
    ]);
    changed.needs = needs.changed;

    // -- results
    const resultRows: Row[] = d.results.map((r) => ({
      ref: r.ref,
      org_id: lookup(orgs.ids, "organization", r.org),
      lead_expert_id: lookup(experts.ids, "expert", r.lead),
      title: r.title,
      summary: r.summary,
      field: r.field,
      keywords: r.keywords,
      maturity: r.maturity,
      ip: r.ip,
      cooperation: r.cooperation,
      price_wan: r.price_wan,
      status: "published",
      submitted_at: at9(r.published),
      published_at: at9(r.published),
      visibility: "public",
      created_at: at9(r.published),
    }));
    const results = await upsertByRef(tx, "result", resultRows, [
      "ref", "org_id", "lead_expert_id", "title", "summary", "field", "keywords", "maturity", "ip", "cooperation",
      "price_wan", "status", "submitted_at", "published_at", "visibility", "created_at",
    ]);
    changed.results = results.changed;

    // -- events: all of 2017, so finished; the bureau organizes every one
    const bureauId = lookup(orgs.ids, "organization", BUREAU.ref);
    const eventRows: Row[] = d.events.map((e) => ({
      ref: e.ref,
      kind: e.kind,
      name: e.name,
      city: e.city,
      venue: e.venue,
      starts_on: e.start,
      ends_on: e.end,
      organizer_org_id: bureauId,
      status: "finished",
      created_at: at9(e.start),
    }));
    const events = await upsertByRef(tx, "event", eventRows, [
      "ref", "kind", "name", "city", "venue", "starts_on", "ends_on", "organizer_org_id", "status", "created_at",
    ]);
    changed.events = events.changed;

    // -- participants: people came to the on-site events (checked in on the first day); the
    // online collection has no check-in, its participants were approved
    const orgParticipants: Row[] = [];
    const expertParticipants: Row[] = [];
    for (const e of d.events) {
      const eventId = lookup(events.ids, "event", e.ref);
      const onSite = e.kind !== "online";
      const base = { event_id: eventId, status: onSite ? "checked_in" : "approved", checked_in_at: onSite ? at9(e.start) : null };
      for (const o of e.participants.orgs) orgParticipants.push({ ...base, org_id: lookup(orgs.ids, "organization", o) });
      for (const x of e.participants.experts) expertParticipants.push({ ...base, expert_id: lookup(experts.ids, "expert", x) });
    }
    const participantCols = ["event_id", "status", "checked_in_at"];
    const p1 = await tx`
      insert into event_participant ${tx(orgParticipants, [...participantCols, "org_id"])}
      on conflict (event_id, org_id) do nothing returning id
    `;
    const p2 = await tx`
      insert into event_participant ${tx(expertParticipants, [...participantCols, "expert_id"])}
      on conflict (event_id, expert_id) do nothing returning id
    `;
    changed.event_participants = p1.length + p2.length;

    // -- intents. The demo's stages map one to one; a dropped intent's summary says why after its
    // first clause (…，因厂区无空余场地…), which becomes the dropped reason.
    const signedOn = new Map(d.agreements.map((a) => [a.intent, a.signed]));
    const intentRows: Row[] = d.intents.map((i) => {
      const comma = i.summary.indexOf("，");
      return {
        ref: i.ref,
        enterprise_org_id: lookup(orgs.ids, "organization", i.enterprise),
        institution_org_id: lookup(orgs.ids, "organization", i.institution),
        expert_id: lookupOrNull(experts.ids, "expert", i.expert),
        need_id: lookupOrNull(needs.ids, "need", i.need),
        result_id: lookupOrNull(results.ids, "result", i.result),
        event_id: lookupOrNull(events.ids, "event", i.event),
        summary: i.summary,
        stage: i.status,
        dropped_reason: i.status === "dropped" ? (comma > 0 ? i.summary.slice(comma + 1) : i.summary) : null,
        stage_changed_at: at9(i.created),
        created_at: at9(i.created),
      };
    });
    const intents = await upsertByRef(tx, "intent", intentRows, [
      "ref", "enterprise_org_id", "institution_org_id", "expert_id", "need_id", "result_id", "event_id", "summary",
      "stage", "dropped_reason", "stage_changed_at", "created_at",
    ]);
    changed.intents = intents.changed;

    // The history's creation row: the demo only knows each intent's current stage and its date.
    const historyRows: Row[] = d.intents.map((i) => ({
      intent_id: lookup(intents.ids, "intent", i.ref),
      to_stage: i.status,
      changed_at: at9(i.created),
      note: signedOn.has(i.ref) ? `演示数据导入（协议签订于 ${signedOn.get(i.ref)}）` : "演示数据导入",
    }));
    const h = await tx`
      insert into intent_stage_history ${tx(historyRows, ["intent_id", "to_stage", "changed_at", "note"])}
      on conflict (intent_id) where from_stage is null do nothing returning id
    `;
    changed.intent_stage_history = h.length;

    // -- agreements
    const agreementRows: Row[] = d.agreements.map((a) => ({
      ref: a.ref,
      intent_id: lookup(intents.ids, "intent", a.intent),
      title: a.title,
      kind: a.kind,
      amount_wan: a.amount_wan,
      signed_on: a.signed,
      signed_on_stage: a.signed_on_stage,
      event_id: lookupOrNull(events.ids, "event", a.event),
      created_at: at9(a.signed),
    }));
    const agreements = await upsertByRef(tx, "agreement", agreementRows, [
      "ref", "intent_id", "title", "kind", "amount_wan", "signed_on", "signed_on_stage", "event_id", "created_at",
    ]);
    changed.agreements = agreements.changed;

    // -- demo logins and their memberships
    let users = 0;
    if (newUsers.length > 0) {
      const u = await tx`
        insert into app_user ${tx(newUsers, ["id", "email", "name", "password_hash", "role"])}
        on conflict (email) do nothing returning id
      `;
      users = u.length;
    }
    changed.users = users;
    const memberships: Row[] = [];
    const userIds = new Map(
      (await tx<{ id: string; email: string }[]>`select id, email from app_user where email = any(${emails})`).map((u) => [
        u.email,
        u.id,
      ]),
    );
    for (const l of DEMO_LOGINS) {
      if (!l.org) continue;
      const userId = userIds.get(l.email);
      if (userId === undefined) throw new Error(`demo user ${l.email} is missing`);
      memberships.push({ org_id: lookup(orgs.ids, "organization", l.org.ref), user_id: userId, role: l.org.role });
    }
    const m = await tx`
      insert into membership ${tx(memberships, ["org_id", "user_id", "role"])}
      on conflict (org_id, user_id) do nothing returning id
    `;
    changed.memberships = m.length;
    // The organizer runs the bureau's events.
    const organizer = userIds.get("organizer@demo.qiao.local");
    let organizers = 0;
    if (organizer) {
      const eo = await tx`
        insert into event_organizer (event_id, user_id)
        select id, ${organizer} from event where ref = any(${d.events.map((e) => e.ref)})
        on conflict do nothing returning event_id
      `;
      organizers = eo.length;
    }
    changed.event_organizers = organizers;

    const total = Object.values(changed).reduce((a, b) => a + b, 0);
    if (total > 0) {
      await tx`
        insert into audit_log (action, entity, entity_id, after)
        values ('seed.demo', 'dataset', 'demo', ${tx.json(changed)})
      `;
    }
    return { changed, total };
  });
}

/**
 * Whether the demo dataset is in this database. The seed writes everything in one transaction,
 * so the bureau plus the last agreement of the file stand for all of it.
 */
export async function isDemoLoaded(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ loaded: boolean }[]>`
    select exists (select 1 from organization where ref = ${BUREAU.ref})
       and exists (select 1 from agreement where ref = 'A43') as loaded
  `;
  return row?.loaded === true;
}
