import { randomBytes } from "node:crypto";
import { sql } from "../../db/client.server";
import { hashPassword } from "~/utils/password.server";
import { isLocale, type Locale } from "~/utils/i18n";
import { isOrgKind, isOrgRole, isRole, type OrgKind, type OrgRole, type Role } from "~/utils/roles";
import { audit, forbidden, type Actor } from "./audit.server";

export type User = {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: Locale;
  disabledAt: Date | null;
  createdAt: Date;
  version: number;
};

export type Membership = { orgId: number; orgName: string; orgKind: OrgKind; role: OrgRole };

type UserRow = {
  id: string;
  email: string;
  name: string;
  role: string;
  locale: string;
  disabled_at: Date | null;
  created_at: Date;
  version: number;
};

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: isRole(row.role) ? row.role : "member",
    locale: isLocale(row.locale) ? row.locale : "zh-CN",
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
    version: row.version,
  };
}

/** 20 random bytes, base32 lower-case: the shape lucia uses for its ids. */
export function newUserId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let out = "";
  for (const byte of randomBytes(20)) out += alphabet[byte & 31];
  return out;
}

export function normalizeEmail(email: string) {
  return email.trim().toLowerCase();
}

/**
 * Creates a member account. The e-mail is unique case-insensitively (stored lower-cased);
 * a taken one is reported, not thrown, so the sign-up form can say so on the field.
 */
export async function createUser(input: {
  name: string;
  email: string;
  password: string;
  locale?: Locale;
  role?: Role;
  ip?: string | null;
}): Promise<{ ok: true; user: User } | { ok: false; error: "emailTaken" }> {
  const email = normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  const id = newUserId();
  const row = await sql.begin(async (tx) => {
    const [created] = await tx<UserRow[]>`
      insert into app_user (id, email, name, password_hash, role, locale)
      values (${id}, ${email}, ${input.name.trim()}, ${passwordHash}, ${input.role ?? "member"}, ${input.locale ?? "zh-CN"})
      on conflict (email) do nothing
      returning id, email, name, role, locale, disabled_at, created_at, version`;
    if (!created) return null;
    await audit(tx, {
      actor: { id, role: input.role ?? "member", ip: input.ip },
      action: "user.create",
      entity: "app_user",
      entityId: id,
      after: { email, name: created.name, role: created.role },
    });
    return created;
  });
  return row ? { ok: true, user: toUser(row) } : { ok: false, error: "emailTaken" };
}

export async function getUserById(id: string): Promise<User | null> {
  const [row] = await sql<UserRow[]>`
    select id, email, name, role, locale, disabled_at, created_at, version from app_user where id = ${id}`;
  return row ? toUser(row) : null;
}

export async function getUserByEmail(email: string): Promise<User | null> {
  const [row] = await sql<UserRow[]>`
    select id, email, name, role, locale, disabled_at, created_at, version
    from app_user where email = ${normalizeEmail(email)}`;
  return row ? toUser(row) : null;
}

/** The organizations a user belongs to, by name. */
export async function getMemberships(userId: string): Promise<Membership[]> {
  const rows = await sql<{ org_id: number; name: string; kind: string; role: string }[]>`
    select m.org_id, o.name, o.kind, m.role
    from membership m join organization o on o.id = m.org_id
    where m.user_id = ${userId}
    order by o.name`;
  return rows.map((r) => ({
    orgId: r.org_id,
    orgName: r.name,
    orgKind: isOrgKind(r.kind) ? r.kind : "enterprise",
    role: isOrgRole(r.role) ? r.role : "member",
  }));
}

/**
 * Updates the actor's own name and language. `version` is what the form was rendered with:
 * if the row changed since (another tab, an admin), nothing is written and 409 is thrown.
 */
export async function updateProfile(
  actor: Actor,
  input: { name: string; locale: Locale; version: number },
): Promise<User> {
  return sql.begin(async (tx) => {
    const [before] = await tx<UserRow[]>`
      select id, email, name, role, locale, disabled_at, created_at, version
      from app_user where id = ${actor.id} for update`;
    if (!before) forbidden();
    if (before.version !== input.version) throw new Response("common.errors.stale", { status: 409 });
    const [after] = await tx<UserRow[]>`
      update app_user set name = ${input.name.trim()}, locale = ${input.locale}, version = version + 1
      where id = ${actor.id}
      returning id, email, name, role, locale, disabled_at, created_at, version`;
    await audit(tx, {
      actor,
      action: "user.update_profile",
      entity: "app_user",
      entityId: actor.id,
      before: { name: before.name, locale: before.locale },
      after: { name: after.name, locale: after.locale },
    });
    return toUser(after);
  });
}

/** Remembers the language switch for a signed-in user (a preference: last write wins). */
export async function setUserLocale(actor: Actor, locale: Locale) {
  await sql.begin(async (tx) => {
    const [before] = await tx<{ locale: string }[]>`select locale from app_user where id = ${actor.id} for update`;
    if (!before || before.locale === locale) return;
    await tx`update app_user set locale = ${locale}, version = version + 1 where id = ${actor.id}`;
    await audit(tx, {
      actor,
      action: "user.set_locale",
      entity: "app_user",
      entityId: actor.id,
      before: { locale: before.locale },
      after: { locale },
    });
  });
}

/** Every user, for administrators. */
export async function listUsers(actor: Actor): Promise<User[]> {
  if (actor.role !== "admin") forbidden();
  const rows = await sql<UserRow[]>`
    select id, email, name, role, locale, disabled_at, created_at, version
    from app_user order by created_at desc, email`;
  return rows.map(toUser);
}
