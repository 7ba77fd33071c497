// Shared by server and browser: who may do what is decided in the models; the UI only
// mirrors it (hiding a button never replaces the check).

export const ROLES = ["admin", "organizer", "member"] as const;
export type Role = (typeof ROLES)[number];

export const ORG_ROLES = ["manager", "member"] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export const ORG_KINDS = ["enterprise", "university", "institute", "government", "agency"] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/** Platform staff: the bureau's organizers and the administrators. */
export const STAFF_ROLES: readonly Role[] = ["admin", "organizer"];

export function isStaff(user: { role: Role } | null | undefined) {
  return !!user && STAFF_ROLES.includes(user.role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
export function isOrgRole(value: unknown): value is OrgRole {
  return typeof value === "string" && (ORG_ROLES as readonly string[]).includes(value);
}
export function isOrgKind(value: unknown): value is OrgKind {
  return typeof value === "string" && (ORG_KINDS as readonly string[]).includes(value);
}
