import type postgres from "postgres";
import { sql } from "../../db/client.server";
import { enqueueSync } from "../../search/sync.server";
import { isOrgKind, type OrgKind } from "~/utils/roles";
import { audit, forbidden, type Actor, type Tx } from "./audit.server";
import { conflict, invalid, stale } from "./catalog.server";

// Merging a duplicate organization or expert into the one that stays (the survivor) — common
// after several towns' spreadsheets named the same company differently. Every row that points at
// the duplicate is moved to the survivor in one transaction, unique-key collisions are resolved
// (both in the same membership, both registered for the same event, ...), the duplicate's row is
// deleted and remembered in merged_record (its ref keeps resolving for re-imports), one audit
// row per side is written and every touched record is queued for search sync, last.
// Rules and reasons: docs/decisions/072-merging-duplicates.md. Admins only.

export type MergeEntity = "organization" | "expert";
export const MERGE_ENTITIES: readonly MergeEntity[] = ["organization", "expert"];
export function isMergeEntity(v: unknown): v is MergeEntity {
  return v === "organization" || v === "expert";
}

/**
 * Every foreign key into organization and expert, as "table.column", and how the merge treats it
 * (the comments). The merge refuses to run when the database has a key that is not listed here
 * (a new table added by a later migration): a cascade would otherwise silently delete its rows
 * with the duplicate. tests/admin/merge.test.ts compares this list with pg_constraint too.
 */
export const HANDLED_REFERENCES: Record<MergeEntity, readonly string[]> = {
  organization: [
    "event.organizer_org_id", // moved
    "event_participant.org_id", // moved; same event: one participant kept (furthest status), meetings moved over
    "expert.org_id", // moved (version + 1, search sync)
    "intent.enterprise_org_id", // moved; an intent between the two refuses the merge
    "intent.institution_org_id", // moved; same
    "match_feedback.org_id", // moved; the survivor's verdict on the same pair wins
    "meeting_request_party.org_id", // moved; same request: one party kept, a request left without invitee is cancelled
    "membership.org_id", // moved; same user: one membership, manager wins
    "need.org_id", // moved (version + 1, search sync)
    "org_invite.org_id", // moved
    "result.org_id", // moved (version + 1, search sync)
  ],
  expert: [
    "event_participant.expert_id", // as for organizations
    "intent.expert_id", // moved
    "match_feedback.expert_id", // moved; the survivor's verdict on the same pair wins
    "match_suggestion.expert_id", // dropped: a cache of the duplicate's scores, recomputed for the survivor
    "meeting_request_party.expert_id", // as for organizations
    "result.lead_expert_id", // moved (version + 1, search sync)
  ],
};

/** The foreign keys the database has into organization or expert (single-column ones, as "table.column"). */
export async function referencesTo(db: Tx | typeof sql, entity: MergeEntity): Promise<string[]> {
  const rows = await db<{ ref: string }[]>`
    select c.conrelid::regclass::text || '.' || a.attname as ref
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
    where c.contype = 'f' and c.confrelid = ${entity}::regclass
    order by 1`;
  return rows.map((r) => r.ref);
}

function unhandled(found: readonly string[], entity: MergeEntity) {
  return found.filter((r) => !HANDLED_REFERENCES[entity].includes(r));
}

// ---------------------------------------------------------------- reading both sides

export type MergeSide = {
  id: number;
  ref: string | null;
  name: string;
  /** organization kind, or the expert's organization name */
  detail: string;
  kind: OrgKind | null;
  orgId: number | null;
  version: number;
};

type SideRow = { id: number; ref: string | null; name: string; detail: string; kind: string | null; org_id: number | null; version: number };

async function side(db: Tx | typeof sql, entity: MergeEntity, id: number, lock: boolean): Promise<MergeSide | null> {
  const rows =
    entity === "organization"
      ? await db<SideRow[]>`
          select id, ref, name, kind as detail, kind, null::bigint as org_id, version from organization
          where id = ${id} ${lock ? db`for update` : db``}`
      : await db<SideRow[]>`
          select x.id, x.ref, x.name, o.name as detail, null as kind, x.org_id, x.version
          from expert x join organization o on o.id = x.org_id
          where x.id = ${id} ${lock ? db`for update of x` : db``}`;
  const r = rows[0];
  if (!r) return null;
  return { id: r.id, ref: r.ref, name: r.name, detail: r.detail, kind: isOrgKind(r.kind) ? r.kind : null, orgId: r.org_id, version: r.version };
}

/** An organization or expert named by id, "#id" or external ref (the merge form's fields). */
export async function findMergeTarget(entity: MergeEntity, text: string): Promise<number | null> {
  const value = text.trim().replace(/^#/, "");
  if (!value || value.length > 64) return null;
  const id = /^\d{1,15}$/.test(value) ? Number(value) : null;
  const table = sql(entity);
  const [row] = await sql<{ id: number }[]>`
    select id from ${table} where ref = ${value} ${id ? sql`or id = ${id}` : sql``}
    order by (ref is not distinct from ${value}) desc limit 1`;
  return row?.id ?? null;
}

// ---------------------------------------------------------------- preview

export type MergeMove = { reference: string; count: number };

export type MergePreview = {
  entity: MergeEntity;
  survivor: MergeSide;
  duplicate: MergeSide;
  /** rows pointing at the duplicate, per reference ("need.org_id"), zeros included */
  moves: MergeMove[];
  /** unique-key collisions the merge resolves */
  collisions: {
    memberships: number;
    eventParticipants: number;
    meetingRequests: number;
    matchFeedback: number;
    /** expert merge: the duplicate's user link is dropped because the survivor has one */
    userLinkDropped: boolean;
  };
  /** reasons the merge cannot run (message keys); empty when it can */
  blockers: BlockerKey[];
  /** the survivor's empty fields that the duplicate's values fill */
  filled: string[];
};

type BlockerKey =
  | "admin.merge.errors.same"
  | "admin.merge.errors.kindMismatch"
  | "admin.merge.errors.intentBetween"
  | "admin.merge.errors.meetingClash"
  | "admin.merge.errors.unhandledReference";

const ORG_FILL = ["short_name", "town", "city", "industry", "description", "website"] as const;
const EXPERT_FILL = ["title", "bio", "email", "phone", "user_id"] as const;

async function countMoves(db: Tx | typeof sql, entity: MergeEntity, dupId: number): Promise<MergeMove[]> {
  const out: MergeMove[] = [];
  for (const ref of HANDLED_REFERENCES[entity]) {
    const [table, column] = ref.split(".");
    const [row] = await db<{ n: number }[]>`select count(*)::int as n from ${db(table)} where ${db(column)} = ${dupId}`;
    out.push({ reference: ref, count: row.n });
  }
  return out;
}

async function collisions(db: Tx | typeof sql, entity: MergeEntity, survivorId: number, dupId: number) {
  const col = entity === "organization" ? "org_id" : "expert_id";
  const c = db(col);
  const [row] = await db<{ memberships: number; participants: number; requests: number; feedback: number; clash: number; between: number }[]>`
    select
      ${entity === "organization"
        ? db`(select count(*)::int from membership d join membership s on s.user_id = d.user_id and s.org_id = ${survivorId} where d.org_id = ${dupId})`
        : db`0`} as memberships,
      (select count(*)::int from event_participant d join event_participant s on s.event_id = d.event_id and s.${c} = ${survivorId}
        where d.${c} = ${dupId}) as participants,
      (select count(*)::int from meeting_request_party d join meeting_request_party s on s.request_id = d.request_id and s.${c} = ${survivorId}
        where d.${c} = ${dupId}) as requests,
      ${entity === "organization"
        ? db`(select count(*)::int from match_feedback d join match_feedback s on s.org_id = ${survivorId}
              and s.need_id is not distinct from d.need_id and s.result_id is not distinct from d.result_id
              and s.expert_id is not distinct from d.expert_id where d.org_id = ${dupId})`
        : db`(select count(*)::int from match_feedback d join match_feedback s on s.expert_id = ${survivorId}
              and s.need_id is not distinct from d.need_id and s.result_id is not distinct from d.result_id
              and s.org_id = d.org_id where d.expert_id = ${dupId})`} as feedback,
      -- both sit in different meetings of the same slot: one of them would have to leave a meeting
      (select count(*)::int from event_participant dp
        join event_participant sp on sp.event_id = dp.event_id and sp.${c} = ${survivorId}
        join meeting_party dm on dm.participant_id = dp.id and dm.slot_id is not null
        join meeting_party sm on sm.participant_id = sp.id and sm.slot_id = dm.slot_id and sm.meeting_id <> dm.meeting_id
        where dp.${c} = ${dupId}) as clash,
      ${entity === "organization"
        ? db`(select count(*)::int from intent where (enterprise_org_id = ${dupId} and institution_org_id = ${survivorId})
              or (enterprise_org_id = ${survivorId} and institution_org_id = ${dupId}))`
        : db`0`} as between`;
  return row;
}

/**
 * What merging `duplicateId` into `survivorId` would do, without doing it. Admins only (403).
 * Unknown ids are a 400 with a message (the form names them).
 */
export async function previewMerge(actor: Actor | null, entity: MergeEntity, survivorId: number, duplicateId: number): Promise<MergePreview> {
  assertAdmin(actor);
  return buildPreview(sql, entity, survivorId, duplicateId, false);
}

async function buildPreview(db: Tx | typeof sql, entity: MergeEntity, survivorId: number, duplicateId: number, lock: boolean): Promise<MergePreview> {
  // lock in id order: two merges over the same pair in opposite directions cannot deadlock
  const [first, second] = survivorId < duplicateId ? [survivorId, duplicateId] : [duplicateId, survivorId];
  const a = await side(db, entity, first, lock);
  const b = first === second ? a : await side(db, entity, second, lock);
  const survivor = a?.id === survivorId ? a : b;
  const duplicate = a?.id === duplicateId ? a : b;
  if (!survivor) invalid(`admin.merge.errors.notFound.${entity}`, "survivor");
  if (!duplicate) invalid(`admin.merge.errors.notFound.${entity}`, "duplicate");

  const blockers: BlockerKey[] = [];
  if (survivorId === duplicateId) blockers.push("admin.merge.errors.same");
  if (entity === "organization" && survivor.kind !== duplicate.kind) blockers.push("admin.merge.errors.kindMismatch");
  if (unhandled(await referencesTo(db, entity), entity).length) blockers.push("admin.merge.errors.unhandledReference");
  const moves = survivorId === duplicateId ? HANDLED_REFERENCES[entity].map((reference) => ({ reference, count: 0 })) : await countMoves(db, entity, duplicateId);
  const c = await collisions(db, entity, survivorId, duplicateId);
  if (survivorId !== duplicateId) {
    if (c.between > 0) blockers.push("admin.merge.errors.intentBetween");
    if (c.clash > 0) blockers.push("admin.merge.errors.meetingClash");
  }

  const fill = entity === "organization" ? ORG_FILL : EXPERT_FILL;
  const [values] = await db<Record<string, unknown>[]>`select ${db([...fill])} from ${db(entity)} where id = ${survivorId}`;
  const [dupValues] = await db<Record<string, unknown>[]>`select ${db([...fill])} from ${db(entity)} where id = ${duplicateId}`;
  const empty = (v: unknown) => v === null || v === undefined || v === "";
  const filled = fill.filter((f) => empty(values?.[f]) && !empty(dupValues?.[f]) && survivorId !== duplicateId);
  const userLinkDropped = entity === "expert" && !empty(values?.user_id) && !empty(dupValues?.user_id) && survivorId !== duplicateId;

  return {
    entity,
    survivor,
    duplicate,
    moves,
    collisions: {
      memberships: c.memberships,
      eventParticipants: c.participants,
      meetingRequests: c.requests,
      matchFeedback: c.feedback,
      userLinkDropped,
    },
    blockers,
    filled: filled.map(String),
  };
}

function assertAdmin(actor: Actor | null): asserts actor is Actor {
  if (!actor || actor.role !== "admin") forbidden();
}

// ---------------------------------------------------------------- the merge

export type MergeInput = {
  entity: MergeEntity;
  survivorId: number;
  duplicateId: number;
  /** the versions the preview showed: a change to either side since then is a 409 */
  survivorVersion: number;
  duplicateVersion: number;
};

export type MergeOutcome = {
  survivorId: number;
  moved: MergeMove[];
  /** what was queued for search sync */
  synced: { organization: number[]; need: number[]; result: number[]; expert: number[] };
};

type Ids = { id: number }[];

/**
 * Merges the duplicate into the survivor (see the file comment). 403 for non-admins; 400 with a
 * message for the same record twice, an unknown record or organizations of different kinds;
 * 409 when either side changed since the preview or a blocker stands (an intent between the two
 * organizations, both sitting in different meetings at the same time). Nothing is written then.
 */
export async function mergeRecords(actor: Actor | null, input: MergeInput): Promise<MergeOutcome> {
  assertAdmin(actor);
  if (input.survivorId === input.duplicateId) invalid("admin.merge.errors.same", "duplicate");
  return sql.begin(async (tx) => {
    const preview = await buildPreview(tx, input.entity, input.survivorId, input.duplicateId, true);
    const { survivor, duplicate } = preview;
    if (preview.blockers.includes("admin.merge.errors.kindMismatch")) invalid("admin.merge.errors.kindMismatch", "duplicate");
    if (survivor.version !== input.survivorVersion || duplicate.version !== input.duplicateVersion) stale();
    if (preview.blockers.length) conflict(preview.blockers[0]);

    const s = survivor.id;
    const d = duplicate.id;
    const synced: MergeOutcome["synced"] = { organization: [], need: [], result: [], expert: [] };

    await mergeParticipants(tx, input.entity, s, d);
    await mergeRequestParties(tx, input.entity, s, d);

    if (input.entity === "organization") {
      // one membership per user: a manager of either stays a manager
      await tx`
        update membership m set role = 'manager', version = m.version + 1
        from membership dm where dm.org_id = ${d} and dm.user_id = m.user_id and dm.role = 'manager'
          and m.org_id = ${s} and m.role <> 'manager'`;
      await tx`delete from membership dm using membership sm where dm.org_id = ${d} and sm.org_id = ${s} and sm.user_id = dm.user_id`;
      await tx`update membership set org_id = ${s}, version = version + 1 where org_id = ${d}`;
      await tx`update org_invite set org_id = ${s} where org_id = ${d}`;
      await tx`update event set organizer_org_id = ${s}, version = version + 1 where organizer_org_id = ${d}`;
      await tx`update intent set enterprise_org_id = ${s}, version = version + 1 where enterprise_org_id = ${d}`;
      await tx`update intent set institution_org_id = ${s}, version = version + 1 where institution_org_id = ${d}`;
      await tx`
        delete from match_feedback df using match_feedback sf
        where df.org_id = ${d} and sf.org_id = ${s} and sf.need_id is not distinct from df.need_id
          and sf.result_id is not distinct from df.result_id and sf.expert_id is not distinct from df.expert_id`;
      await tx`update match_feedback set org_id = ${s}, version = version + 1 where org_id = ${d}`;
      for (const table of ["need", "result", "expert"] as const) {
        const rows = await tx<Ids>`update ${tx(table)} set org_id = ${s}, version = version + 1 where org_id = ${d} returning id`;
        synced[table] = rows.map((r) => r.id);
      }
    } else {
      await tx`update intent set expert_id = ${s}, version = version + 1 where expert_id = ${d}`;
      await tx`
        delete from match_feedback df using match_feedback sf
        where df.expert_id = ${d} and sf.expert_id = ${s} and sf.org_id = df.org_id
          and sf.need_id is not distinct from df.need_id and sf.result_id is not distinct from df.result_id`;
      await tx`update match_feedback set expert_id = ${s}, version = version + 1 where expert_id = ${d}`;
      await tx`delete from match_suggestion where expert_id = ${d}`;
      const rows = await tx<Ids>`update result set lead_expert_id = ${s}, version = version + 1 where lead_expert_id = ${d} returning id`;
      synced.result = rows.map((r) => r.id);
    }

    // the survivor keeps its own values; empty ones take the duplicate's (its ref too, if it had none)
    const before = await snapshot(tx, input.entity, s);
    const dupRow = await snapshot(tx, input.entity, d);
    await tx`delete from ${tx(input.entity)} where id = ${d}`;
    if (input.entity === "organization") {
      await tx`
        update organization o set
          ref = coalesce(o.ref, ${duplicate.ref}),
          short_name = coalesce(o.short_name, ${str(dupRow.short_name)}),
          town = coalesce(o.town, ${str(dupRow.town)}),
          city = coalesce(o.city, ${str(dupRow.city)}),
          industry = coalesce(o.industry, ${str(dupRow.industry)}),
          description = coalesce(o.description, ${str(dupRow.description)}),
          website = coalesce(o.website, ${str(dupRow.website)}),
          version = o.version + 1
        where o.id = ${s}`;
      synced.organization = [s, d];
    } else {
      await tx`
        update expert x set
          ref = coalesce(x.ref, ${duplicate.ref}),
          title = coalesce(x.title, ${str(dupRow.title)}),
          bio = coalesce(x.bio, ${str(dupRow.bio)}),
          email = coalesce(x.email, ${str(dupRow.email)}),
          phone = coalesce(x.phone, ${str(dupRow.phone)}),
          user_id = coalesce(x.user_id, ${str(dupRow.user_id)}),
          -- the union of both lists, the survivor's first, within the column's limit of 20
          areas = (select coalesce(array_agg(v order by o), '{}') from (
                    select v, min(o) as o from unnest(x.areas || ${list(dupRow.areas)}::text[]) with ordinality u(v, o) group by v
                    order by min(o) limit 20) t),
          honors = (select coalesce(array_agg(v order by o), '{}') from (
                    select v, min(o) as o from unnest(x.honors || ${list(dupRow.honors)}::text[]) with ordinality u(v, o) group by v
                    order by min(o) limit 20) t),
          fields = (select coalesce(array_agg(v order by o), '{}') from (
                    select v, min(o) as o from unnest(x.fields || ${list(dupRow.fields)}::text[]) with ordinality u(v, o) group by v
                    order by min(o) limit 20) t),
          version = x.version + 1
        where x.id = ${s}`;
      synced.expert = [s, d];
      // the organization's document counts its experts
      synced.organization = [...new Set([survivor.orgId, duplicate.orgId].filter((v): v is number => v !== null))];
    }
    const after = await snapshot(tx, input.entity, s);

    // remember the duplicate; earlier merges into it now lead to the survivor
    await tx`update merged_record set target_id = ${s} where entity = ${input.entity} and target_id = ${d}`;
    await tx`
      insert into merged_record (entity, merged_id, ref, target_id, name, merged_by)
      values (${input.entity}, ${d}, ${duplicate.ref}, ${s}, ${duplicate.name}, ${actor.id})`;

    const moved = preview.moves.filter((m) => m.count > 0);
    const summary = {
      survivor: { id: s, ref: survivor.ref, name: survivor.name },
      duplicate: { id: d, ref: duplicate.ref, name: duplicate.name },
      moved: Object.fromEntries(moved.map((m) => [m.reference, m.count])),
      collisions: preview.collisions,
    };
    await audit(tx, { actor, action: `${input.entity}.merge`, entity: input.entity, entityId: s, before: json(before), after: json({ ...after, merge: summary }) });
    await audit(tx, { actor, action: `${input.entity}.merged_into`, entity: input.entity, entityId: d, before: json(dupRow), after: json({ merge: summary }) });

    // last in the transaction: the worker sees only committed rows; deleted ids are removed from the index
    if (synced.organization.length) await enqueueSync(tx, "organization", synced.organization);
    if (synced.need.length) await enqueueSync(tx, "need", synced.need);
    if (synced.result.length) await enqueueSync(tx, "result", synced.result);
    if (synced.expert.length) await enqueueSync(tx, "expert", synced.expert);
    return { survivorId: s, moved, synced };
  });
}

/**
 * Event participants: where both took part in the same event, the survivor's participant stays,
 * takes the duplicate's meetings (a meeting both sit in keeps one seat) and the further status
 * (checked in beats approved beats registered ...); the duplicate's participant (and its
 * availability, which the survivor's own replaces) goes. Elsewhere the participant just moves.
 */
async function mergeParticipants(tx: Tx, entity: MergeEntity, s: number, d: number) {
  const c = tx(entity === "organization" ? "org_id" : "expert_id");
  const pairs = await tx<{ sp: number; dp: number }[]>`
    select sp.id as sp, dp.id as dp from event_participant dp
    join event_participant sp on sp.event_id = dp.event_id and sp.${c} = ${s}
    where dp.${c} = ${d}`;
  for (const { sp, dp } of pairs) {
    await tx`delete from meeting_party dm using meeting_party sm where dm.participant_id = ${dp} and sm.participant_id = ${sp} and sm.meeting_id = dm.meeting_id`;
    await tx`update meeting_party set participant_id = ${sp}, version = version + 1 where participant_id = ${dp}`;
    await tx`
      update event_participant sp set status = dp.status, checked_in_at = coalesce(sp.checked_in_at, dp.checked_in_at),
        looking_for = coalesce(sp.looking_for, dp.looking_for), contact_name = coalesce(sp.contact_name, dp.contact_name),
        contact_phone = coalesce(sp.contact_phone, dp.contact_phone), priority = greatest(sp.priority, dp.priority),
        version = sp.version + 1
      from event_participant dp
      where sp.id = ${sp} and dp.id = ${dp}
        and ${tx`(array_position(array['rejected', 'withdrawn', 'invited', 'registered', 'no_show', 'approved', 'checked_in'], dp.status))`}
          > ${tx`(array_position(array['rejected', 'withdrawn', 'invited', 'registered', 'no_show', 'approved', 'checked_in'], sp.status))`}`;
    await tx`delete from event_participant where id = ${dp}`;
  }
  await tx`update event_participant set ${c} = ${s}, version = version + 1 where ${c} = ${d}`;
}

/**
 * Meeting-request parties: in a request both are party to, the duplicate's row goes (if it was
 * the requester, the survivor becomes the requester); a request left without an invitee — the
 * two duplicates asked to meet each other — is cancelled. Elsewhere the party just moves.
 */
async function mergeRequestParties(tx: Tx, entity: MergeEntity, s: number, d: number) {
  const c = tx(entity === "organization" ? "org_id" : "expert_id");
  const pairs = await tx<{ request_id: number; d_role: string }[]>`
    delete from meeting_request_party dr using meeting_request_party sr
    where dr.${c} = ${d} and sr.${c} = ${s} and sr.request_id = dr.request_id
    returning dr.request_id, dr.role as d_role`;
  for (const p of pairs) {
    if (p.d_role === "requester") {
      await tx`update meeting_request_party set role = 'requester', response = 'accepted', version = version + 1 where request_id = ${p.request_id} and ${c} = ${s}`;
    }
  }
  if (pairs.length) {
    await tx`
      update meeting_request r set status = 'cancelled', version = r.version + 1
      where r.id = any(${pairs.map((p) => p.request_id)}::bigint[]) and r.status in ('pending', 'accepted')
        and not exists (select 1 from meeting_request_party x where x.request_id = r.id and x.role = 'invitee')`;
  }
  await tx`update meeting_request_party set ${c} = ${s}, version = version + 1 where ${c} = ${d}`;
}

async function snapshot(tx: Tx, entity: MergeEntity, id: number): Promise<Record<string, unknown>> {
  const [row] = await tx<{ j: Record<string, unknown> }[]>`select to_jsonb(t) - 'updated_at' - 'created_at' as j from ${tx(entity)} t where id = ${id}`;
  return row?.j ?? {};
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}
function list(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
function json(v: unknown): postgres.JSONValue {
  return JSON.parse(JSON.stringify(v)) as postgres.JSONValue;
}

/**
 * Where a merged-away organization or expert went: the survivor's id and ref, or null. Old
 * links (/orgs/<old id>, a bookmarked expert page) redirect there instead of a bare 404.
 */
export async function mergedInto(entity: MergeEntity, idOrRef: { id: number | null; ref: string | null }): Promise<{ id: number; ref: string | null } | null> {
  if (idOrRef.id === null && idOrRef.ref === null) return null;
  const [row] = await sql<{ id: number; ref: string | null }[]>`
    select t.id, t.ref from merged_record m join ${sql(entity)} t on t.id = m.target_id
    where m.entity = ${entity} and (m.merged_id = ${idOrRef.id} or m.ref = ${idOrRef.ref})
    limit 1`;
  return row ?? null;
}

// ---------------------------------------------------------------- likely duplicates

export type DuplicateCandidate = { a: MergeSide; b: MergeSide; similarity: number };

/**
 * Pairs that look like the same organization (same kind, similar names by trigram, or one name
 * containing the other's short name) or the same expert (same name), most similar first. A hint
 * for the admin, never merged automatically. Admins only.
 */
export async function duplicateCandidates(actor: Actor | null, entity: MergeEntity, limit = 20): Promise<DuplicateCandidate[]> {
  assertAdmin(actor);
  const rows =
    entity === "organization"
      ? await sql<{ a: number; b: number; sim: number }[]>`
          select a.id as a, b.id as b, similarity(a.name, b.name)::float8 as sim
          from organization a join organization b on b.kind = a.kind and b.id > a.id and a.name % b.name
          where similarity(a.name, b.name) >= 0.5
          order by sim desc, a.id, b.id limit ${limit}`
      : await sql<{ a: number; b: number; sim: number }[]>`
          select a.id as a, b.id as b, 1::float8 as sim
          from expert a join expert b on b.name = a.name and b.id > a.id
          order by a.name, a.id, b.id limit ${limit}`;
  const out: DuplicateCandidate[] = [];
  for (const r of rows) {
    const [a, b] = await Promise.all([side(sql, entity, r.a, false), side(sql, entity, r.b, false)]);
    if (a && b) out.push({ a, b, similarity: Math.round(r.sim * 100) / 100 });
  }
  return out;
}
