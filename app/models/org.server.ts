import { sql } from "../../db/client.server";
import { isOrgKind, isOrgRole, isStaff, type OrgKind, type OrgRole } from "~/utils/roles";
import { audit, forbidden, type Actor } from "./audit.server";
import { enqueueSync } from "../../search/sync.server";

export type Organization = {
  id: number;
  kind: OrgKind;
  name: string;
  shortName: string | null;
  town: string | null;
  city: string | null;
  industry: string | null;
  description: string | null;
};

export type Member = {
  userId: string;
  name: string;
  email: string;
  role: OrgRole;
  joinedAt: Date;
};

type OrgRow = {
  id: number;
  kind: string;
  name: string;
  short_name: string | null;
  town: string | null;
  city: string | null;
  industry: string | null;
  description: string | null;
};

function toOrg(row: OrgRow): Organization {
  return {
    id: row.id,
    kind: isOrgKind(row.kind) ? row.kind : "enterprise",
    name: row.name,
    shortName: row.short_name,
    town: row.town,
    city: row.city,
    industry: row.industry,
    description: row.description,
  };
}

export async function getOrganization(orgId: number): Promise<Organization | null> {
  const [row] = await sql<OrgRow[]>`
    select id, kind, name, short_name, town, city, industry, description
    from organization where id = ${orgId}`;
  return row ? toOrg(row) : null;
}

/** The actor's role in the organization, or null when not a member. */
export async function getOrgRole(actor: Pick<Actor, "id"> | null, orgId: number): Promise<OrgRole | null> {
  if (!actor) return null;
  const [row] = await sql<{ role: string }[]>`
    select role from membership where org_id = ${orgId} and user_id = ${actor.id}`;
  return row && isOrgRole(row.role) ? row.role : null;
}

/** Staff, or a manager of this organization: may invite and see pending invitations. */
export async function canManageOrg(actor: Actor | null, orgId: number): Promise<boolean> {
  if (!actor) return false;
  if (isStaff(actor)) return true;
  return (await getOrgRole(actor, orgId)) === "manager";
}

/** Staff, or any member of this organization: may see who its members are. */
export async function canSeeMembers(actor: Actor | null, orgId: number): Promise<boolean> {
  if (!actor) return false;
  if (isStaff(actor)) return true;
  return (await getOrgRole(actor, orgId)) !== null;
}

/** Members with their e-mail: only for those who may see them (403 otherwise). */
export async function listMembers(actor: Actor | null, orgId: number): Promise<Member[]> {
  if (!(await canSeeMembers(actor, orgId))) forbidden();
  const rows = await sql<{ user_id: string; name: string; email: string; role: string; created_at: Date }[]>`
    select m.user_id, u.name, u.email, m.role, m.created_at
    from membership m join app_user u on u.id = m.user_id
    where m.org_id = ${orgId}
    order by (m.role = 'manager') desc, u.name`;
  return rows.map((r) => ({
    userId: r.user_id,
    name: r.name,
    email: r.email,
    role: isOrgRole(r.role) ? r.role : "member",
    joinedAt: r.created_at,
  }));
}

export type OrgListItem = { id: number; name: string; kind: OrgKind; memberCount: number };

/** Staff see every organization; everybody else the ones they belong to. */
export async function listOrganizations(actor: Actor): Promise<OrgListItem[]> {
  const rows = isStaff(actor)
    ? await sql<{ id: number; name: string; kind: string; member_count: number }[]>`
        select o.id, o.name, o.kind, count(m.id)::int as member_count
        from organization o left join membership m on m.org_id = o.id
        group by o.id order by o.kind, o.name`
    : await sql<{ id: number; name: string; kind: string; member_count: number }[]>`
        select o.id, o.name, o.kind, (select count(*)::int from membership x where x.org_id = o.id) as member_count
        from organization o join membership m on m.org_id = o.id and m.user_id = ${actor.id}
        order by o.name`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: isOrgKind(r.kind) ? r.kind : "enterprise",
    memberCount: r.member_count,
  }));
}

/** The organizations a user belongs to, for the navigation. */
export async function listMyOrganizations(userId: string): Promise<{ id: number; name: string }[]> {
  return sql<{ id: number; name: string }[]>`
    select o.id, coalesce(o.short_name, o.name) as name
    from membership m join organization o on o.id = m.org_id
    where m.user_id = ${userId}
    order by o.name`;
}

/** Staff only: a new organization, empty, ready for invitations. */
export async function createOrganization(actor: Actor, input: { kind: OrgKind; name: string }): Promise<Organization> {
  if (!isStaff(actor)) forbidden();
  return sql.begin(async (tx) => {
    const [row] = await tx<OrgRow[]>`
      insert into organization (kind, name) values (${input.kind}, ${input.name.trim()})
      returning id, kind, name, short_name, town, city, industry, description`;
    await audit(tx, {
      actor,
      action: "organization.create",
      entity: "organization",
      entityId: row.id,
      after: { kind: row.kind, name: row.name },
    });
    // searchable at once, like every other catalog change (search/sync.server.ts)
    await enqueueSync(tx, "organization", [row.id]);
    return toOrg(row);
  });
}
