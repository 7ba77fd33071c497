import { randomBytes } from "node:crypto";
import type postgres from "postgres";
import { z } from "zod";
import { hashPassword } from "../app/utils/password.server";

// Account creation outside the web app: the CLI's `user create` (a deployment's first admin) and
// the demo seed. Sign-up and invitations live in app/models and go through lucia; this module
// writes the same rows in the same shape.

type Sql = postgres.Sql<{ bigint: number }>;

export const PLATFORM_ROLES = ["admin", "organizer", "member"] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];
export const ORG_ROLES = ["manager", "member"] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

// Same bounds as app_user's CHECKs and the sign-up form.
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 1000;

export const newUserInput = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, "email is longer than 254 characters")
    .email("not a valid email address"),
  name: z.string().trim().min(1, "name is empty").max(100, "name is longer than 100 characters"),
  role: z.enum(PLATFORM_ROLES, { errorMap: () => ({ message: `role must be one of ${PLATFORM_ROLES.join(", ")}` }) }),
  password: z
    .string()
    .min(PASSWORD_MIN, `password must have at least ${PASSWORD_MIN} characters`)
    .max(PASSWORD_MAX, `password must have at most ${PASSWORD_MAX} characters`),
  org: z
    .object({
      ref: z.string().trim().min(1, "organization ref is empty"),
      role: z.enum(ORG_ROLES, { errorMap: () => ({ message: `organization role must be one of ${ORG_ROLES.join(", ")}` }) }),
    })
    .optional(),
});
export type NewUserInput = z.input<typeof newUserInput>;

/** A known, user-facing refusal (existing email, unknown organization), as opposed to a crash. */
export class UserInputError extends Error {
  override name = "UserInputError";
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * A user id in lucia v3's format (generateIdFromEntropySize(10): 16 lowercase base32 characters,
 * 80 bits), made here so that code outside app/ need not import lucia.
 */
export function newUserId(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/**
 * Creates an account (and its membership when `org` is given) in one transaction, with an audit
 * entry. Throws UserInputError for an existing email or an unknown organization ref, and zod's
 * error for invalid input.
 */
export async function createUser(sql: Sql, input: NewUserInput, opts: { actorId?: string | null } = {}) {
  const data = newUserInput.parse(input);
  const passwordHash = await hashPassword(data.password);
  const id = newUserId();

  return sql.begin(async (tx) => {
    let orgId: number | null = null;
    if (data.org) {
      const [org] = await tx<{ id: number }[]>`select id from organization where ref = ${data.org.ref}`;
      if (!org) throw new UserInputError(`no organization with ref ${data.org.ref}`);
      orgId = org.id;
    }
    const inserted = await tx`
      insert into app_user (id, email, name, password_hash, role)
      values (${id}, ${data.email}, ${data.name}, ${passwordHash}, ${data.role})
      on conflict (email) do nothing
      returning id
    `;
    if (inserted.length === 0) throw new UserInputError(`a user with email ${data.email} already exists`);
    if (orgId !== null && data.org) {
      await tx`insert into membership (org_id, user_id, role) values (${orgId}, ${id}, ${data.org.role})`;
    }
    const after = { id, email: data.email, name: data.name, role: data.role, org: data.org ?? null };
    await tx`
      insert into audit_log (actor_id, action, entity, entity_id, after)
      values (${opts.actorId ?? null}, 'user.create', 'app_user', ${id}, ${tx.json(after)})
    `;
    return { id, email: data.email, name: data.name, role: data.role, orgId };
  });
}
