import { sql } from "../../db/client.server";
import { enqueueSync } from "../../search/sync.server";
import { isOrgKind, isStaff, type OrgKind } from "~/utils/roles";
import { audit, forbidden, type Actor } from "./audit.server";
import { diff, notFound, stale } from "./catalog.server";

// An organization's public profile (name, short name, place, industry, description, website).
// Its needs, results and experts carry its name in their search documents: the sync job for
// the organization re-syncs them too (search/sync.server.ts withDependents).

export type OrgProfile = {
  id: number;
  kind: OrgKind;
  name: string;
  shortName: string | null;
  town: string | null;
  city: string | null;
  industry: string | null;
  description: string | null;
  website: string | null;
  version: number;
};

export type OrgProfileInput = Omit<OrgProfile, "id" | "kind" | "version">;

type Row = {
  id: number;
  kind: string;
  name: string;
  short_name: string | null;
  town: string | null;
  city: string | null;
  industry: string | null;
  description: string | null;
  website: string | null;
  version: number;
};

function toProfile(r: Row): OrgProfile {
  return {
    id: r.id,
    kind: isOrgKind(r.kind) ? r.kind : "enterprise",
    name: r.name,
    shortName: r.short_name,
    town: r.town,
    city: r.city,
    industry: r.industry,
    description: r.description,
    website: r.website,
    version: r.version,
  };
}

/** Staff and the organization's managers may edit its profile. */
export async function canEditOrgProfile(actor: Actor | null, orgId: number): Promise<boolean> {
  if (!actor) return false;
  if (isStaff(actor)) return true;
  const [m] = await sql<{ role: string }[]>`select role from membership where org_id = ${orgId} and user_id = ${actor.id}`;
  return m?.role === "manager";
}

/** The profile for its edit form: 404 unknown, 403 for anyone but staff and managers. */
export async function getOrgProfileForEdit(actor: Actor | null, orgId: number): Promise<OrgProfile> {
  const [row] = await sql<Row[]>`
    select id, kind, name, short_name, town, city, industry, description, website, version from organization where id = ${orgId}`;
  if (!row) notFound();
  if (!(await canEditOrgProfile(actor, orgId))) forbidden();
  return toProfile(row);
}

/**
 * Saves the profile from the version the form showed (409 when stale, nothing written). One
 * audit row; one sync job for the organization, which also refreshes its records' documents.
 */
export async function updateOrgProfile(actor: Actor | null, input: OrgProfileInput & { orgId: number; version: number }): Promise<OrgProfile> {
  return sql.begin(async (tx) => {
    const [before] = await tx<Row[]>`
      select id, kind, name, short_name, town, city, industry, description, website, version
      from organization where id = ${input.orgId} for update`;
    if (!before) notFound();
    if (!actor) forbidden();
    if (!isStaff(actor)) {
      const [m] = await tx<{ role: string }[]>`select role from membership where org_id = ${input.orgId} and user_id = ${actor.id}`;
      if (m?.role !== "manager") forbidden();
    }
    if (before.version !== input.version) stale();
    const values = {
      name: input.name.trim(),
      short_name: input.shortName,
      town: input.town,
      city: input.city,
      industry: input.industry,
      description: input.description,
      website: input.website,
    };
    const columns: (keyof typeof values)[] = ["name", "short_name", "town", "city", "industry", "description", "website"];
    const [after] = await tx<Row[]>`
      update organization set ${tx(values, columns)},
        version = version + 1
      where id = ${input.orgId}
      returning id, kind, name, short_name, town, city, industry, description, website, version`;
    const pick = (r: Row) => ({
      name: r.name,
      short_name: r.short_name,
      town: r.town,
      city: r.city,
      industry: r.industry,
      description: r.description,
      website: r.website,
      version: r.version,
    });
    await audit(tx, { actor, action: "organization.update", entity: "organization", entityId: input.orgId, ...diff(pick(before), pick(after)) });
    await enqueueSync(tx, "organization", [input.orgId]);
    return toProfile(after);
  });
}
