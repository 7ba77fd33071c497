import { sql } from "../../db/client.server";
import { enqueueSync } from "../../search/sync.server";
import { isOrgKind, isOrgRole, isRole, isStaff, type OrgKind, type OrgRole, type Role } from "~/utils/roles";
import { audit, forbidden, type Actor, type Tx } from "./audit.server";
import { conflict, invalid, notFound, OWNER_ORG_KINDS, stale } from "./catalog.server";

// Administration: users (role, disable/enable), memberships (add, change role, remove) and
// organizations (list with counts, change kind). Who may do what — admins everything here,
// organizers the organization list and kind — is docs/decisions/071-administration.md; the
// checks are in these functions, the pages only mirror them. Every change: one audit row, in the
// same transaction, from the version the form showed (409 when stale).

export const PAGE_SIZE = 50;

function assertAdmin(actor: Actor | null): asserts actor is Actor {
  if (!actor) forbidden();
  if (actor.role !== "admin") forbidden();
}

function assertStaff(actor: Actor | null): asserts actor is Actor {
  if (!actor || !isStaff(actor)) forbidden();
}

/** LIKE pattern for a user's search text: %, _ and \ are literal. */
function contains(text: string) {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// ---------------------------------------------------------------- users

export type AdminUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
  version: number;
  orgCount: number;
  lastSeenAt: Date | null;
};

type AdminUserRow = {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled_at: Date | null;
  created_at: Date;
  version: number;
  org_count: number;
  last_seen_at: Date | null;
};

function toAdminUser(r: AdminUserRow): AdminUser {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: isRole(r.role) ? r.role : "member",
    disabled: r.disabled_at !== null,
    createdAt: r.created_at,
    version: r.version,
    orgCount: r.org_count,
    lastSeenAt: r.last_seen_at,
  };
}

export type UserFilter = { q?: string; role?: Role | null; status?: "active" | "disabled" | null; page?: number };

/** Users matching the filter (name or e-mail contains q), newest first, a page at a time. Admins only. */
export async function searchUsers(actor: Actor | null, filter: UserFilter): Promise<{ users: AdminUser[]; total: number; page: number; pages: number }> {
  assertAdmin(actor);
  const q = filter.q?.trim() ?? "";
  const where = sql`
    (${q} = '' or u.name ilike ${contains(q)} or u.email ilike ${contains(q)} or u.id = ${q})
    and (${filter.role ?? null}::text is null or u.role = ${filter.role ?? null})
    and (${filter.status ?? null}::text is null or (${filter.status ?? null} = 'disabled') = (u.disabled_at is not null))`;
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from app_user u where ${where}`;
  const pages = Math.max(1, Math.ceil(n / PAGE_SIZE));
  const page = Math.min(Math.max(1, filter.page ?? 1), pages);
  const rows = await sql<AdminUserRow[]>`
    select u.id, u.email, u.name, u.role, u.disabled_at, u.created_at, u.version,
      (select count(*)::int from membership m where m.user_id = u.id) as org_count,
      (select max(s.created_at) from session s where s.user_id = u.id) as last_seen_at
    from app_user u where ${where}
    order by u.created_at desc, u.email
    limit ${PAGE_SIZE} offset ${(page - 1) * PAGE_SIZE}`;
  return { users: rows.map(toAdminUser), total: n, page, pages };
}

export type UserMembership = { id: number; orgId: number; orgName: string; orgKind: OrgKind; role: OrgRole; version: number };

/** One user with their memberships. Admins only; 404 for an unknown id. */
export async function getUserForAdmin(actor: Actor | null, userId: string): Promise<{ user: AdminUser; memberships: UserMembership[]; sessions: number }> {
  assertAdmin(actor);
  const [row] = await sql<AdminUserRow[]>`
    select u.id, u.email, u.name, u.role, u.disabled_at, u.created_at, u.version,
      (select count(*)::int from membership m where m.user_id = u.id) as org_count,
      (select max(s.created_at) from session s where s.user_id = u.id) as last_seen_at
    from app_user u where u.id = ${userId}`;
  if (!row) notFound();
  const ms = await sql<{ id: number; org_id: number; name: string; kind: string; role: string; version: number }[]>`
    select m.id, m.org_id, o.name, o.kind, m.role, m.version
    from membership m join organization o on o.id = m.org_id where m.user_id = ${userId} order by o.name`;
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from session where user_id = ${userId} and expires_at > now()`;
  return {
    user: toAdminUser(row),
    memberships: ms.map((m) => ({
      id: m.id,
      orgId: m.org_id,
      orgName: m.name,
      orgKind: isOrgKind(m.kind) ? m.kind : "enterprise",
      role: isOrgRole(m.role) ? m.role : "member",
      version: m.version,
    })),
    sessions: n,
  };
}

type LockedUser = { id: string; email: string; role: string; disabled_at: Date | null; version: number };

async function lockUser(tx: Tx, userId: string, version: number): Promise<LockedUser> {
  const [u] = await tx<LockedUser[]>`select id, email, role, disabled_at, version from app_user where id = ${userId} for update`;
  if (!u) notFound();
  if (u.version !== version) stale();
  return u;
}

/** The platform must keep at least one enabled admin: no change may remove the last one. */
async function assertOtherAdmin(tx: Tx, userId: string) {
  // lock every admin row: two admins demoting each other at once cannot both succeed
  const admins = await tx<{ id: string }[]>`select id from app_user where role = 'admin' and disabled_at is null for update`;
  if (!admins.some((a) => a.id !== userId)) conflict("admin.users.errors.lastAdmin");
}

/** Changes a user's platform role. Admins only; an admin cannot change their own role (another admin must). */
export async function setUserRole(actor: Actor | null, input: { userId: string; role: Role; version: number }): Promise<void> {
  assertAdmin(actor);
  if (!isRole(input.role)) invalid("validation.invalidChoice", "role");
  if (input.userId === actor.id) conflict("admin.users.errors.self");
  await sql.begin(async (tx) => {
    const u = await lockUser(tx, input.userId, input.version);
    if (u.role === input.role) return;
    if (u.role === "admin") await assertOtherAdmin(tx, u.id);
    await tx`update app_user set role = ${input.role}, version = version + 1 where id = ${u.id}`;
    // a demoted user keeps no session carrying the old rights' habits: they sign in again
    await tx`delete from session where user_id = ${u.id}`;
    await audit(tx, { actor, action: "user.set_role", entity: "app_user", entityId: u.id, before: { role: u.role, version: u.version }, after: { role: input.role, version: u.version + 1 } });
  });
}

/**
 * Disables (every session ends at once, in the same transaction, and login is refused) or
 * enables a user. Admins only; not oneself; never the last enabled admin.
 */
export async function setUserDisabled(actor: Actor | null, input: { userId: string; disabled: boolean; version: number }): Promise<{ sessionsEnded: number }> {
  assertAdmin(actor);
  if (input.userId === actor.id) conflict("admin.users.errors.self");
  return sql.begin(async (tx) => {
    const u = await lockUser(tx, input.userId, input.version);
    if ((u.disabled_at !== null) === input.disabled) return { sessionsEnded: 0 };
    if (input.disabled && u.role === "admin") await assertOtherAdmin(tx, u.id);
    await tx`update app_user set disabled_at = ${input.disabled ? tx`now()` : null}, version = version + 1 where id = ${u.id}`;
    const ended = input.disabled ? await tx`delete from session where user_id = ${u.id}` : { count: 0 };
    await audit(tx, {
      actor,
      action: input.disabled ? "user.disable" : "user.enable",
      entity: "app_user",
      entityId: u.id,
      before: { disabled: u.disabled_at !== null, version: u.version },
      after: { disabled: input.disabled, version: u.version + 1, sessions_ended: ended.count },
    });
    return { sessionsEnded: ended.count };
  });
}

// ---------------------------------------------------------------- memberships

/** Adds a user to an organization. Admins only; 400 for an unknown organization, 409 when already a member. */
export async function addMembership(actor: Actor | null, input: { userId: string; orgId: number; role: OrgRole }): Promise<{ id: number }> {
  assertAdmin(actor);
  if (!isOrgRole(input.role)) invalid("validation.invalidChoice", "role");
  return sql.begin(async (tx) => {
    const [u] = await tx<{ id: string }[]>`select id from app_user where id = ${input.userId} for share`;
    if (!u) notFound();
    const [o] = await tx<{ id: number; name: string }[]>`select id, name from organization where id = ${input.orgId} for share`;
    if (!o) invalid("admin.memberships.errors.orgNotFound", "orgId");
    const [m] = await tx<{ id: number }[]>`
      insert into membership (org_id, user_id, role) values (${o.id}, ${u.id}, ${input.role})
      on conflict (org_id, user_id) do nothing returning id`;
    if (!m) conflict("admin.memberships.errors.exists");
    await audit(tx, { actor, action: "membership.add", entity: "membership", entityId: m.id, after: { org_id: o.id, org: o.name, user_id: u.id, role: input.role } });
    return { id: m.id };
  });
}

type LockedMembership = { id: number; org_id: number; user_id: string; role: string; version: number };

async function lockMembership(tx: Tx, id: number, version: number): Promise<LockedMembership> {
  const [m] = await tx<LockedMembership[]>`select id, org_id, user_id, role, version from membership where id = ${id} for update`;
  if (!m) notFound();
  if (m.version !== version) stale();
  return m;
}

/** Changes a member's role in their organization (manager ↔ member). Admins only. */
export async function setMembershipRole(actor: Actor | null, input: { membershipId: number; role: OrgRole; version: number }): Promise<void> {
  assertAdmin(actor);
  if (!isOrgRole(input.role)) invalid("validation.invalidChoice", "role");
  await sql.begin(async (tx) => {
    const m = await lockMembership(tx, input.membershipId, input.version);
    if (m.role === input.role) return;
    await tx`update membership set role = ${input.role}, version = version + 1 where id = ${m.id}`;
    await audit(tx, { actor, action: "membership.set_role", entity: "membership", entityId: m.id, before: { org_id: m.org_id, user_id: m.user_id, role: m.role }, after: { role: input.role } });
  });
}

/** Removes a user from an organization. Admins only. */
export async function removeMembership(actor: Actor | null, input: { membershipId: number; version: number }): Promise<void> {
  assertAdmin(actor);
  await sql.begin(async (tx) => {
    const m = await lockMembership(tx, input.membershipId, input.version);
    await tx`delete from membership where id = ${m.id}`;
    await audit(tx, { actor, action: "membership.remove", entity: "membership", entityId: m.id, before: { org_id: m.org_id, user_id: m.user_id, role: m.role } });
  });
}

/** Organizations for a picker (id, name, kind), by name. Admins only. */
export async function orgChoices(actor: Actor | null): Promise<{ id: number; name: string; kind: OrgKind }[]> {
  assertAdmin(actor);
  const rows = await sql<{ id: number; name: string; kind: string }[]>`select id, name, kind from organization order by kind, name`;
  return rows.map((r) => ({ id: r.id, name: r.name, kind: isOrgKind(r.kind) ? r.kind : "enterprise" }));
}

// ---------------------------------------------------------------- organizations

export type AdminOrg = {
  id: number;
  ref: string | null;
  name: string;
  kind: OrgKind;
  town: string | null;
  version: number;
  counts: { members: number; needs: number; results: number; experts: number; intents: number };
};

export type OrgFilter = { q?: string; kind?: OrgKind | null; page?: number };

/** Organizations with what hangs off them, by kind and name, a page at a time. Staff (admins and organizers). */
export async function searchOrgs(actor: Actor | null, filter: OrgFilter): Promise<{ orgs: AdminOrg[]; total: number; page: number; pages: number }> {
  assertStaff(actor);
  const q = filter.q?.trim() ?? "";
  const where = sql`
    (${q} = '' or o.name ilike ${contains(q)} or o.short_name ilike ${contains(q)} or o.ref = ${q})
    and (${filter.kind ?? null}::text is null or o.kind = ${filter.kind ?? null})`;
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from organization o where ${where}`;
  const pages = Math.max(1, Math.ceil(n / PAGE_SIZE));
  const page = Math.min(Math.max(1, filter.page ?? 1), pages);
  const rows = await sql<{ id: number; ref: string | null; name: string; kind: string; town: string | null; version: number; members: number; needs: number; results: number; experts: number; intents: number }[]>`
    select o.id, o.ref, o.name, o.kind, o.town, o.version,
      (select count(*)::int from membership m where m.org_id = o.id) as members,
      (select count(*)::int from need x where x.org_id = o.id) as needs,
      (select count(*)::int from result x where x.org_id = o.id) as results,
      (select count(*)::int from expert x where x.org_id = o.id) as experts,
      (select count(*)::int from intent x where x.enterprise_org_id = o.id or x.institution_org_id = o.id) as intents
    from organization o where ${where}
    order by o.kind, o.name, o.id
    limit ${PAGE_SIZE} offset ${(page - 1) * PAGE_SIZE}`;
  return {
    orgs: rows.map((r) => ({
      id: r.id,
      ref: r.ref,
      name: r.name,
      kind: isOrgKind(r.kind) ? r.kind : "enterprise",
      town: r.town,
      version: r.version,
      counts: { members: r.members, needs: r.needs, results: r.results, experts: r.experts, intents: r.intents },
    })),
    total: n,
    page,
    pages,
  };
}

/**
 * Changes an organization's kind (a spreadsheet called a research institute a company). Staff.
 * Refused (409, with the reason) when the organization owns records the new kind may not own:
 * needs belong to enterprises, results and experts to universities and institutes, and an
 * intent's enterprise side must stay an enterprise and its institution side must not become one.
 */
export async function setOrgKind(actor: Actor | null, input: { orgId: number; kind: OrgKind; version: number }): Promise<void> {
  assertStaff(actor);
  if (!isOrgKind(input.kind)) invalid("validation.invalidChoice", "kind");
  await sql.begin(async (tx) => {
    const [o] = await tx<{ id: number; kind: string; version: number }[]>`select id, kind, version from organization where id = ${input.orgId} for update`;
    if (!o) notFound();
    if (o.version !== input.version) stale();
    if (o.kind === input.kind) return;
    const [c] = await tx<{ needs: number; results: number; experts: number; as_ent: number; as_inst: number }[]>`
      select (select count(*)::int from need where org_id = ${o.id}) as needs,
             (select count(*)::int from result where org_id = ${o.id}) as results,
             (select count(*)::int from expert where org_id = ${o.id}) as experts,
             (select count(*)::int from intent where enterprise_org_id = ${o.id}) as as_ent,
             (select count(*)::int from intent where institution_org_id = ${o.id}) as as_inst`;
    if (c.needs > 0 && !OWNER_ORG_KINDS.need.includes(input.kind)) conflict("admin.orgs.errors.kindHasNeeds");
    if ((c.results > 0 || c.experts > 0) && !OWNER_ORG_KINDS.result.includes(input.kind)) conflict("admin.orgs.errors.kindHasResults");
    if (c.as_ent > 0 && input.kind !== "enterprise") conflict("admin.orgs.errors.kindHasIntents");
    if (c.as_inst > 0 && input.kind === "enterprise") conflict("admin.orgs.errors.kindHasIntents");
    await tx`update organization set kind = ${input.kind}, version = version + 1 where id = ${o.id}`;
    await audit(tx, { actor, action: "organization.set_kind", entity: "organization", entityId: o.id, before: { kind: o.kind, version: o.version }, after: { kind: input.kind, version: o.version + 1 } });
    await enqueueSync(tx, "organization", [o.id]);
  });
}
