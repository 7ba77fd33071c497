import { createHash, randomBytes } from "node:crypto";
import { sql } from "../../db/client.server";
import { isOrgRole, isStaff, type OrgRole } from "~/utils/roles";
import { audit, forbidden, type Actor, type Tx } from "./audit.server";

/** How long an invitation link stays valid. */
export const INVITE_TTL_DAYS = 7;

export type PendingInvite = {
  id: number;
  email: string;
  role: OrgRole;
  expiresAt: Date;
  createdAt: Date;
  invitedByName: string | null;
};

export type InviteState = "valid" | "expired" | "revoked" | "used";

export type InviteView = {
  id: number;
  orgId: number;
  orgName: string;
  email: string;
  role: OrgRole;
  state: InviteState;
};

/** Only the SHA-256 of a token is stored: a leaked table holds no usable links. */
export function hashToken(token: string) {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Staff, or managers of this organization (403 for everybody else, anonymous included). */
async function assertCanManage(tx: Tx, actor: Actor | null, orgId: number): Promise<Actor> {
  if (!actor) forbidden();
  if (isStaff(actor)) return actor;
  const [row] = await tx<{ role: string }[]>`
    select role from membership where org_id = ${orgId} and user_id = ${actor.id}`;
  if (row?.role !== "manager") forbidden();
  return actor;
}

/**
 * Invites an e-mail into an organization with a role. Returns the token once (only its hash
 * is kept): the page shows the link `/invites/<token>` for the inviter to copy. A pending
 * invitation to the same e-mail for the same organization is superseded (revoked).
 */
export async function createInvite(
  actor: Actor | null,
  input: { orgId: number; email: string; role: OrgRole },
): Promise<{ token: string; inviteId: number; expiresAt: Date } | { error: "alreadyMember" }> {
  const email = input.email.trim().toLowerCase();
  return sql.begin(async (tx) => {
    const who = await assertCanManage(tx, actor, input.orgId);
    const [org] = await tx<{ id: number }[]>`select id from organization where id = ${input.orgId}`;
    if (!org) throw new Response("Not found", { status: 404 });

    const [existing] = await tx<{ role: string }[]>`
      select m.role from membership m join app_user u on u.id = m.user_id
      where m.org_id = ${input.orgId} and u.email = ${email}`;
    if (existing?.role === input.role) return { error: "alreadyMember" as const };

    const superseded = await tx<{ id: number }[]>`
      update org_invite set revoked_at = now()
      where org_id = ${input.orgId} and email = ${email}
        and accepted_at is null and revoked_at is null and expires_at > now()
      returning id`;
    for (const s of superseded) {
      await audit(tx, { actor: who, action: "invite.revoke", entity: "org_invite", entityId: s.id, after: { reason: "superseded" } });
    }

    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(Date.now() + INVITE_TTL_DAYS * 24 * 60 * 60 * 1000);
    const [row] = await tx<{ id: number }[]>`
      insert into org_invite (org_id, email, role, token_hash, invited_by, expires_at)
      values (${input.orgId}, ${email}, ${input.role}, ${hashToken(token)}, ${who.id}, ${expiresAt})
      returning id`;
    await audit(tx, {
      actor: who,
      action: "invite.create",
      entity: "org_invite",
      entityId: row.id,
      after: { orgId: input.orgId, email, role: input.role, expiresAt: expiresAt.toISOString() },
    });
    return { token, inviteId: row.id, expiresAt };
  });
}

/** Pending (not accepted, revoked or expired) invitations, for those who may manage them. */
export async function listPendingInvites(actor: Actor | null, orgId: number): Promise<PendingInvite[]> {
  const rows = await sql.begin(async (tx) => {
    await assertCanManage(tx, actor, orgId);
    return tx<
    { id: number; email: string; role: string; expires_at: Date; created_at: Date; invited_by_name: string | null }[]
  >`
    select i.id, i.email, i.role, i.expires_at, i.created_at, u.name as invited_by_name
    from org_invite i left join app_user u on u.id = i.invited_by
    where i.org_id = ${orgId} and i.accepted_at is null and i.revoked_at is null and i.expires_at > now()
    order by i.created_at desc`;
  });
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: isOrgRole(r.role) ? r.role : "member",
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    invitedByName: r.invited_by_name,
  }));
}

/** Revokes a pending invitation of the organization; 404 when there is no such pending one. */
export async function revokeInvite(actor: Actor | null, input: { orgId: number; inviteId: number }) {
  await sql.begin(async (tx) => {
    const who = await assertCanManage(tx, actor, input.orgId);
    const [row] = await tx<{ id: number; email: string }[]>`
      update org_invite set revoked_at = now()
      where id = ${input.inviteId} and org_id = ${input.orgId} and accepted_at is null and revoked_at is null
      returning id, email`;
    if (!row) throw new Response("Not found", { status: 404 });
    await audit(tx, { actor: who, action: "invite.revoke", entity: "org_invite", entityId: row.id, after: { email: row.email } });
  });
}

type InviteRow = {
  id: number;
  org_id: number;
  org_name: string;
  email: string;
  role: string;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
};

function stateOf(row: InviteRow): InviteState {
  if (row.accepted_at) return "used";
  if (row.revoked_at) return "revoked";
  if (row.expires_at.getTime() <= Date.now()) return "expired";
  return "valid";
}

function toView(row: InviteRow): InviteView {
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    email: row.email,
    role: isOrgRole(row.role) ? row.role : "member",
    state: stateOf(row),
  };
}

/** What an invitation link points at, or null for an unknown token. Anyone holding the link may look. */
export async function getInvite(token: string): Promise<InviteView | null> {
  if (!token || token.length > 200) return null;
  const [row] = await sql<InviteRow[]>`
    select i.id, i.org_id, o.name as org_name, i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at
    from org_invite i join organization o on o.id = i.org_id
    where i.token_hash = ${hashToken(token)}`;
  return row ? toView(row) : null;
}

/** The message key and status that explain why an invitation cannot be used. */
export function inviteProblem(state: Exclude<InviteState, "valid"> | "unknown") {
  switch (state) {
    case "unknown":
      return { status: 404, message: "org.accept.notFound" } as const;
    case "expired":
      return { status: 410, message: "org.accept.expired" } as const;
    case "revoked":
      return { status: 410, message: "org.accept.revoked" } as const;
    case "used":
      return { status: 410, message: "org.accept.used" } as const;
  }
}

/**
 * Accepts an invitation for the signed-in actor, whose e-mail must be the invited one.
 * Creates the membership (or changes its role to the invited one) and marks the invitation
 * used, in one transaction. Throws 404 (unknown), 410 (expired/revoked/used) or 403 (another
 * account) with a translation key as the body.
 */
export async function acceptInvite(actor: Actor, token: string): Promise<{ orgId: number; orgName: string; role: OrgRole }> {
  return sql.begin(async (tx) => {
    const [row] = await tx<InviteRow[]>`
      select i.id, i.org_id, o.name as org_name, i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at
      from org_invite i join organization o on o.id = i.org_id
      where i.token_hash = ${hashToken(token)}
      for update of i`;
    if (!row) {
      const p = inviteProblem("unknown");
      throw new Response(p.message, { status: p.status });
    }
    const invite = toView(row);
    if (invite.state !== "valid") {
      const p = inviteProblem(invite.state);
      throw new Response(p.message, { status: p.status });
    }
    const [user] = await tx<{ email: string }[]>`select email from app_user where id = ${actor.id}`;
    if (!user || user.email !== invite.email) throw new Response("org.accept.emailMismatch", { status: 403 });

    const [before] = await tx<{ id: number; role: string }[]>`
      select id, role from membership where org_id = ${invite.orgId} and user_id = ${actor.id} for update`;
    const [membership] = await tx<{ id: number }[]>`
      insert into membership (org_id, user_id, role) values (${invite.orgId}, ${actor.id}, ${invite.role})
      on conflict (org_id, user_id) do update set role = excluded.role, version = membership.version + 1
      returning id`;
    await tx`update org_invite set accepted_at = now(), accepted_by = ${actor.id} where id = ${invite.id}`;

    await audit(tx, {
      actor,
      action: "invite.accept",
      entity: "org_invite",
      entityId: invite.id,
      after: { orgId: invite.orgId, role: invite.role },
    });
    await audit(tx, {
      actor,
      action: before ? "membership.update" : "membership.create",
      entity: "membership",
      entityId: membership.id,
      before: before ? { role: before.role } : undefined,
      after: { orgId: invite.orgId, userId: actor.id, role: invite.role },
    });
    return { orgId: invite.orgId, orgName: invite.orgName, role: invite.role };
  });
}
