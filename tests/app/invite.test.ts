import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import type { Actor } from "~/models/audit.server";
import { acceptInvite, createInvite, getInvite, hashToken, listPendingInvites, revokeInvite } from "~/models/invite.server";
import { createOrganization, listMembers } from "~/models/org.server";
import { action as inviteAction, loader as inviteLoader } from "~/routes/invites.$token";
import { action as loginAction } from "~/routes/login";
import { action as orgAction, loader as orgLoader } from "~/routes/orgs.$orgId";
import {
  addMember,
  cookieFrom,
  getRequest,
  GOOD_PASSWORD,
  makeOrg,
  makeUser,
  postRequest,
  replyOf,
  run,
  uniqueEmail,
} from "./helpers";

const ctx = {};

async function world() {
  const orgId = await makeOrg("如皋测试企业");
  const otherOrgId = await makeOrg("另一家企业");
  const admin = await makeUser({ role: "admin" });
  const organizer = await makeUser({ role: "organizer" });
  const manager = await makeUser();
  const member = await makeUser();
  const otherManager = await makeUser();
  const stranger = await makeUser();
  await addMember(orgId, manager.id, "manager");
  await addMember(orgId, member.id, "member");
  await addMember(otherOrgId, otherManager.id, "manager");
  return { orgId, otherOrgId, admin, organizer, manager, member, otherManager, stranger };
}

async function loginCookie(u: { email: string; password: string }) {
  const res = await run(() =>
    loginAction({ request: postRequest("/login", { email: u.email, password: u.password }), params: {}, context: ctx }),
  );
  return cookieFrom(res.headers);
}

function tokenFromLink(link: string) {
  return new URL(link).pathname.split("/").pop() ?? "";
}

async function auditCount(action: string) {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = ${action}`;
  return n;
}

describe("who may invite (model)", async () => {
  const w = await world();
  const cases: [string, Actor | null, boolean][] = [
    ["admin", w.admin, true],
    ["organizer", w.organizer, true],
    ["manager of the org", w.manager, true],
    ["member of the org", w.member, false],
    ["manager of another org", w.otherManager, false],
    ["user without an org", w.stranger, false],
    ["anonymous", null, false],
  ];
  test.each(cases)("%s → %s", async (_label, actor, allowed) => {
    const email = uniqueEmail("invitee");
    const attempt = run(() => createInvite(actor, { orgId: w.orgId, email, role: "member" }));
    const res = await attempt;
    if (allowed) {
      expect(res.status).toBe(200);
      expect(res.data).toMatchObject({ token: expect.any(String) });
    } else {
      expect(res.status).toBe(403);
      expect(await sql`select 1 from org_invite where email = ${email}`).toHaveLength(0);
    }
  });

  test.each(cases)("listing pending invitations: %s → %s", async (_label, actor, allowed) => {
    const res = await run(() => listPendingInvites(actor, w.orgId));
    expect(res.status).toBe(allowed ? 200 : 403);
  });

  test("members list: members and staff yes, outsiders no", async () => {
    await expect(listMembers(w.member, w.orgId)).resolves.toHaveLength(2);
    await expect(listMembers(w.organizer, w.orgId)).resolves.toHaveLength(2);
    expect((await run(() => listMembers(w.otherManager, w.orgId))).status).toBe(403);
    expect((await run(() => listMembers(null, w.orgId))).status).toBe(403);
  });

  test("only staff create organizations", async () => {
    await expect(createOrganization(w.organizer, { kind: "university", name: "新大学" })).resolves.toMatchObject({
      name: "新大学",
    });
    expect((await run(() => createOrganization(w.manager, { kind: "enterprise", name: "x" }))).status).toBe(403);
  });
});

describe("who may invite (route)", async () => {
  const w = await world();

  test("anonymous POST is sent to log in, nothing written", async () => {
    const email = uniqueEmail();
    const res = await run(() =>
      orgAction({
        request: postRequest(`/orgs/${w.orgId}`, { intent: "invite", email, role: "member" }),
        params: { orgId: String(w.orgId) },
        context: ctx,
      }),
    );
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/login\?redirectTo=/);
    expect(await sql`select 1 from org_invite where email = ${email}`).toHaveLength(0);
  });

  test("a plain member gets 403 from the action (the hidden form is not the check)", async () => {
    const cookie = await loginCookie(w.member);
    const res = await run(() =>
      orgAction({
        request: postRequest(`/orgs/${w.orgId}`, { intent: "invite", email: uniqueEmail(), role: "member" }, { cookie }),
        params: { orgId: String(w.orgId) },
        context: ctx,
      }),
    );
    expect(res.status).toBe(403);
  });

  test("a manager gets the link; the page then lists the pending invitation", async () => {
    const cookie = await loginCookie(w.manager);
    const email = uniqueEmail("Pending").replace("pending", "Pending");
    const res = await run(() =>
      orgAction({
        request: postRequest(`/orgs/${w.orgId}`, { intent: "invite", email, role: "manager" }, { cookie }),
        params: { orgId: String(w.orgId) },
        context: ctx,
      }),
    );
    expect(res.status).toBe(200);
    const link = (res.data as { inviteLink: string }).inviteLink;
    expect(link).toMatch(/^http:\/\/localhost\/invites\/[A-Za-z0-9_-]{43}$/);
    // Only the hash is stored.
    const token = tokenFromLink(link);
    const [row] = await sql<{ token_hash: string; email: string; role: string }[]>`
      select token_hash, email, role from org_invite where email = ${email.toLowerCase()}`;
    expect(row.token_hash).toBe(hashToken(token));
    expect(row.token_hash).not.toContain(token);
    expect(row.role).toBe("manager");

    const page = await run(() =>
      orgLoader({ request: getRequest(`/orgs/${w.orgId}`, { cookie }), params: { orgId: String(w.orgId) }, context: ctx }),
    );
    const data = page.data as { pendingInvites: { email: string }[]; canManage: boolean };
    expect(data.canManage).toBe(true);
    expect(data.pendingInvites.map((i) => i.email)).toContain(email.toLowerCase());
  });

  test("bad input: a localized field message, nothing written", async () => {
    const cookie = await loginCookie(w.manager);
    const res = await run(() =>
      orgAction({
        request: postRequest(`/orgs/${w.orgId}`, { intent: "invite", email: "nope", role: "owner" }, { cookie }),
        params: { orgId: String(w.orgId) },
        context: ctx,
      }),
    );
    expect(res.status).toBe(400);
    expect(replyOf(res.data).error).toMatchObject({ email: ["validation.email"], role: ["validation.invalidChoice"] });
  });

  test("an unknown intent is a 400", async () => {
    const cookie = await loginCookie(w.manager);
    const res = await run(() =>
      orgAction({
        request: postRequest(`/orgs/${w.orgId}`, { intent: "explode" }, { cookie }),
        params: { orgId: String(w.orgId) },
        context: ctx,
      }),
    );
    expect(res.status).toBe(400);
  });

  test("an unknown organization is a 404; members of other orgs do not see the member list", async () => {
    const cookie = await loginCookie(w.otherManager);
    const missing = await run(() =>
      orgLoader({ request: getRequest("/orgs/999999", { cookie }), params: { orgId: "999999" }, context: ctx }),
    );
    expect(missing.status).toBe(404);
    const notNumber = await run(() =>
      orgLoader({ request: getRequest("/orgs/abc", { cookie }), params: { orgId: "abc" }, context: ctx }),
    );
    expect(notNumber.status).toBe(404);
    const page = await run(() =>
      orgLoader({ request: getRequest(`/orgs/${w.orgId}`, { cookie }), params: { orgId: String(w.orgId) }, context: ctx }),
    );
    expect((page.data as { members: unknown; canManage: boolean }).members).toBeNull();
    expect((page.data as { canManage: boolean }).canManage).toBe(false);
  });

  test("revoking: managers yes (with a toast), members 403", async () => {
    const created = await createInvite(w.manager, { orgId: w.orgId, email: uniqueEmail(), role: "member" });
    if (!("inviteId" in created)) throw new Error("expected an invite");
    const memberCookie = await loginCookie(w.member);
    const denied = await run(() =>
      orgAction({
        request: postRequest(`/orgs/${w.orgId}`, { intent: "revoke", inviteId: String(created.inviteId) }, { cookie: memberCookie }),
        params: { orgId: String(w.orgId) },
        context: ctx,
      }),
    );
    expect(denied.status).toBe(403);
    const cookie = await loginCookie(w.manager);
    const ok = await run(() =>
      orgAction({
        request: postRequest(`/orgs/${w.orgId}`, { intent: "revoke", inviteId: String(created.inviteId) }, { cookie }),
        params: { orgId: String(w.orgId) },
        context: ctx,
      }),
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.getSetCookie().some((c) => c.startsWith("qiao_toast="))).toBe(true);
    expect((await getInvite(created.token))?.state).toBe("revoked");
    // A manager of another org cannot revoke this org's invitations through their own org either.
    const again = await createInvite(w.manager, { orgId: w.orgId, email: uniqueEmail(), role: "member" });
    if (!("inviteId" in again)) throw new Error("expected an invite");
    const other = await run(() => revokeInvite(w.otherManager, { orgId: w.otherOrgId, inviteId: again.inviteId }));
    expect(other.status).toBe(404);
  });

  test("inviting someone already a member with that role is refused on the field", async () => {
    const res = await createInvite(w.manager, { orgId: w.orgId, email: w.member.email, role: "member" });
    expect(res).toEqual({ error: "alreadyMember" });
  });
});

describe("accepting", async () => {
  const w = await world();

  async function invite(email: string, role: "manager" | "member" = "member") {
    const res = await createInvite(w.organizer, { orgId: w.orgId, email, role });
    if (!("token" in res)) throw new Error("expected a token");
    return res.token;
  }

  test("the invited user accepts: membership, invite marked used, audit rows, redirect with toast", async () => {
    const invitee = await makeUser();
    const token = await invite(invitee.email.toUpperCase());
    const auditsBefore = await auditCount("invite.accept");
    const cookie = await loginCookie(invitee);
    const page = await run(() => inviteLoader({ request: getRequest(`/invites/${token}`, { cookie }), params: { token }, context: ctx }));
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({ invite: { email: invitee.email, role: "member" }, currentEmail: invitee.email });

    const res = await run(() =>
      inviteAction({ request: postRequest(`/invites/${token}`, { intent: "accept" }, { cookie }), params: { token }, context: ctx }),
    );
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/orgs/${w.orgId}`);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("qiao_toast="))).toBe(true);
    const [m] = await sql<{ role: string }[]>`select role from membership where org_id = ${w.orgId} and user_id = ${invitee.id}`;
    expect(m.role).toBe("member");
    const [inv] = await sql<{ accepted_by: string }[]>`select accepted_by from org_invite where token_hash = ${hashToken(token)}`;
    expect(inv.accepted_by).toBe(invitee.id);
    expect(await auditCount("invite.accept")).toBe(auditsBefore + 1);
  });

  test("re-using an accepted invitation: 410", async () => {
    const invitee = await makeUser();
    const token = await invite(invitee.email);
    await acceptInvite(invitee, token);
    const again = await run(() => acceptInvite(invitee, token));
    expect(again.status).toBe(410);
    expect(again.data).toBe("org.accept.used");
    const page = await run(() => inviteLoader({ request: getRequest(`/invites/${token}`), params: { token }, context: ctx }));
    expect(page.status).toBe(410);
  });

  test("another account cannot accept: 403, nothing changes", async () => {
    const invitee = await makeUser();
    const intruder = await makeUser();
    const token = await invite(invitee.email);
    const res = await run(() => acceptInvite(intruder, token));
    expect(res.status).toBe(403);
    expect(res.data).toBe("org.accept.emailMismatch");
    expect(await sql`select 1 from membership where user_id = ${intruder.id}`).toHaveLength(0);
    expect((await getInvite(token))?.state).toBe("valid");
    // The page tells a signed-in wrong user what is going on instead of offering the button.
    const cookie = await loginCookie(intruder);
    const page = await run(() => inviteLoader({ request: getRequest(`/invites/${token}`, { cookie }), params: { token }, context: ctx }));
    expect(page.data).toMatchObject({ currentEmail: intruder.email, invite: { email: invitee.email } });
  });

  test("an expired invitation: 410 with its own message", async () => {
    const invitee = await makeUser();
    const token = await invite(invitee.email);
    await sql`update org_invite set expires_at = now() - interval '1 minute' where token_hash = ${hashToken(token)}`;
    const res = await run(() => acceptInvite(invitee, token));
    expect(res.status).toBe(410);
    expect(res.data).toBe("org.accept.expired");
    const page = await run(() => inviteLoader({ request: getRequest(`/invites/${token}`), params: { token }, context: ctx }));
    expect(page.status).toBe(410);
    expect(page.data).toBe("org.accept.expired");
  });

  test("a revoked invitation: 410", async () => {
    const invitee = await makeUser();
    const token = await invite(invitee.email);
    const inv = await getInvite(token);
    await revokeInvite(w.organizer, { orgId: w.orgId, inviteId: inv?.id ?? 0 });
    const res = await run(() => acceptInvite(invitee, token));
    expect(res.status).toBe(410);
    expect(res.data).toBe("org.accept.revoked");
  });

  test("an unknown token: 404", async () => {
    const invitee = await makeUser();
    expect((await run(() => acceptInvite(invitee, "not-a-real-token"))).status).toBe(404);
    const page = await run(() =>
      inviteLoader({ request: getRequest("/invites/nope"), params: { token: "nope" }, context: ctx }),
    );
    expect(page.status).toBe(404);
    expect(page.data).toBe("org.accept.notFound");
  });

  test("a new invitation to the same address supersedes the pending one", async () => {
    const email = uniqueEmail();
    const first = await invite(email);
    const second = await invite(email, "manager");
    expect((await getInvite(first))?.state).toBe("revoked");
    expect((await getInvite(second))?.state).toBe("valid");
  });

  test("accepting as an existing member changes the role to the invited one", async () => {
    const invitee = await makeUser();
    await addMember(w.orgId, invitee.id, "member");
    const token = await invite(invitee.email, "manager");
    await acceptInvite(invitee, token);
    const [m] = await sql<{ role: string; version: number }[]>`
      select role, version from membership where org_id = ${w.orgId} and user_id = ${invitee.id}`;
    expect(m).toEqual({ role: "manager", version: 2 });
  });

  test("not signed in: sign up on the invitation page, then it is accepted", async () => {
    const email = uniqueEmail("fresh");
    const token = await invite(email);
    const res = await run(() =>
      inviteAction({
        request: postRequest(`/invites/${token}`, {
          intent: "signup",
          name: "新成员",
          email: "someone-else@example.com", // ignored: the invited address is used
          password: GOOD_PASSWORD,
          confirmPassword: GOOD_PASSWORD,
        }),
        params: { token },
        context: ctx,
      }),
    );
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/orgs/${w.orgId}`);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("qiao_session="))).toBe(true);
    const [u] = await sql<{ id: string }[]>`select id from app_user where email = ${email}`;
    expect(await sql`select 1 from membership where user_id = ${u.id} and org_id = ${w.orgId}`).toHaveLength(1);
    expect(await sql`select 1 from app_user where email = 'someone-else@example.com'`).toHaveLength(0);
  });

  test("not signed in: log in on the invitation page, then it is accepted", async () => {
    const invitee = await makeUser();
    const token = await invite(invitee.email);
    const wrong = await run(() =>
      inviteAction({
        request: postRequest(`/invites/${token}`, { intent: "login", password: "wrong-password-x" }),
        params: { token },
        context: ctx,
      }),
    );
    expect(wrong.status).toBe(401);
    expect(replyOf(wrong.data).error?.[""]).toEqual(["auth.login.invalidCredentials"]);
    const res = await run(() =>
      inviteAction({
        request: postRequest(`/invites/${token}`, { intent: "login", password: invitee.password }),
        params: { token },
        context: ctx,
      }),
    );
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/orgs/${w.orgId}`);
    expect(await sql`select 1 from membership where user_id = ${invitee.id} and org_id = ${w.orgId}`).toHaveLength(1);
  });

  test("sign-up on the page with an address that already has an account says to log in", async () => {
    const invitee = await makeUser();
    const token = await invite(invitee.email);
    const res = await run(() =>
      inviteAction({
        request: postRequest(`/invites/${token}`, {
          intent: "signup",
          name: "重复",
          password: GOOD_PASSWORD,
          confirmPassword: GOOD_PASSWORD,
        }),
        params: { token },
        context: ctx,
      }),
    );
    expect(res.status).toBe(400);
    expect(replyOf(res.data).error?.[""]).toEqual(["auth.signup.emailTaken"]);
    expect((await getInvite(token))?.state).toBe("valid");
  });
});
