import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { recordAgreement } from "~/models/agreement.server";
import type { Actor } from "~/models/audit.server";
import { loadViewer } from "~/models/catalog.server";
import { createIntent, getIntent, listIntents, moveIntent, reopenIntent, updateIntent } from "~/models/intent.server";
import { addSigning, canManageSigning, canViewSigning, saveSignatories } from "~/models/signing.server";
import { actor, makeEvent, makeIntent, world } from "./helpers";

// Who may do what with intents, agreements and the signing list (decision 050), as a role ×
// action matrix. "ok" = allowed; a number = the status the model throws; "hidden" = the intent
// is not disclosed (null / not listed).

const w = await world();

type Who = "anonymous" | "enterpriseMember" | "institutionMember" | "otherOrgMember" | "noOrg" | "organizer" | "admin";
const users = {
  anonymous: null,
  enterpriseMember: w.memberA,
  institutionMember: w.uniMember,
  otherOrgMember: w.memberB,
  noOrg: w.outsider,
  organizer: w.organizer,
  admin: w.admin,
} as const;
const actorOf = (who: Who): Actor | null => (users[who] ? actor(users[who]) : null);

async function outcome(p: Promise<unknown>): Promise<"ok" | number | string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (!(e instanceof Response)) throw e;
    return e.status === 400 || e.status === 409 ? `${e.status} ${await e.text()}` : e.status;
  }
}

const ALL: Who[] = ["anonymous", "enterpriseMember", "institutionMember", "otherOrgMember", "noOrg", "organizer", "admin"];

const expected: Record<string, Record<Who, "ok" | number | string>> = {
  see: { anonymous: "hidden", enterpriseMember: "ok", institutionMember: "ok", otherOrgMember: "hidden", noOrg: "hidden", organizer: "ok", admin: "ok" },
  list: { anonymous: "hidden", enterpriseMember: "ok", institutionMember: "ok", otherOrgMember: "hidden", noOrg: "hidden", organizer: "ok", admin: "ok" },
  create: { anonymous: 403, enterpriseMember: "ok", institutionMember: "ok", otherOrgMember: 403, noOrg: 403, organizer: "ok", admin: "ok" },
  edit: { anonymous: 403, enterpriseMember: "ok", institutionMember: "ok", otherOrgMember: 404, noOrg: 404, organizer: "ok", admin: "ok" },
  move: { anonymous: 403, enterpriseMember: "ok", institutionMember: "ok", otherOrgMember: 404, noOrg: 404, organizer: "ok", admin: "ok" },
  drop: { anonymous: 403, enterpriseMember: "ok", institutionMember: "ok", otherOrgMember: 404, noOrg: 404, organizer: "ok", admin: "ok" },
  reopen: { anonymous: 403, enterpriseMember: "ok", institutionMember: "ok", otherOrgMember: 404, noOrg: 404, organizer: "ok", admin: "ok" },
  agreement: { anonymous: 403, enterpriseMember: "ok", institutionMember: "ok", otherOrgMember: 404, noOrg: 404, organizer: "ok", admin: "ok" },
  onStageAgreement: {
    anonymous: 403,
    enterpriseMember: "400 pipeline.errors.onStageStaffOnly",
    institutionMember: "400 pipeline.errors.onStageStaffOnly",
    otherOrgMember: 404,
    noOrg: 404,
    organizer: "ok",
    admin: "ok",
  },
  viewSigning: { anonymous: "hidden", enterpriseMember: "hidden", institutionMember: "hidden", otherOrgMember: "hidden", noOrg: "hidden", organizer: "ok", admin: "ok" },
  manageSigning: { anonymous: 403, enterpriseMember: 403, institutionMember: 403, otherOrgMember: 403, noOrg: 403, organizer: "ok", admin: "ok" },
};

async function act(action: string, who: Who): Promise<"ok" | number | string> {
  const a = actorOf(who);
  const ev = await makeEvent();
  const i = await makeIntent(w, { eventId: ev.id });
  switch (action) {
    case "see": {
      const got = await getIntent(await loadViewer(users[who]), String(i.id));
      return got ? "ok" : "hidden";
    }
    case "list": {
      const got = await listIntents(await loadViewer(users[who]), { eventId: ev.id });
      return got.rows.some((r) => r.id === i.id) ? "ok" : "hidden";
    }
    case "create":
      return outcome(createIntent(a, { enterpriseOrgId: w.entA, institutionOrgId: w.uni, summary: "矩阵测试" }));
    case "edit":
      return outcome(updateIntent(a, { id: i.id, version: 1, summary: "矩阵测试：更正", eventId: ev.id }));
    case "move":
      return outcome(moveIntent(a, { id: i.id, version: 1, to: "negotiating" }));
    case "drop":
      return outcome(moveIntent(a, { id: i.id, version: 1, to: "dropped", reason: "矩阵测试" }));
    case "reopen":
      await moveIntent(actor(w.organizer), { id: i.id, version: 1, to: "dropped", reason: "矩阵测试" });
      return outcome(reopenIntent(a, { id: i.id, version: 2, to: "intent" }));
    case "agreement":
      return outcome(recordAgreement(a, { intentId: i.id, title: "协议", kind: "技术服务", amountWan: 1, signedOn: "2017-10-01", signedOnStage: false }));
    case "onStageAgreement":
      return outcome(recordAgreement(a, { intentId: i.id, title: "协议", kind: "技术服务", amountWan: 1, signedOn: "2017-10-01", signedOnStage: true, eventId: ev.id }));
    case "viewSigning":
      return canViewSigning(a) ? "ok" : "hidden";
    case "manageSigning":
      return outcome(addSigning(a, { eventId: ev.id, intent: i.id }));
  }
  throw new Error(action);
}

describe("role × action", () => {
  for (const [action, row] of Object.entries(expected)) {
    test(action, async () => {
      const got: Record<string, unknown> = {};
      for (const who of ALL) got[who] = await act(action, who);
      expect(got).toEqual(row);
    });
  }
});

describe("the event's own organizers", () => {
  test("when an event names its organizers, only they (and admins) change its signing list", async () => {
    const ev = await makeEvent();
    const i = await makeIntent(w, { eventId: ev.id });
    const { makeUser } = await import("../app/helpers");
    const colleague = await makeUser({ role: "organizer", name: "另一位组织者" });
    await sql`insert into event_organizer (event_id, user_id) values (${ev.id}, ${colleague.id})`;
    expect(await canManageSigning(actor(w.organizer), ev.id)).toBe(false);
    expect(await outcome(addSigning(actor(w.organizer), { eventId: ev.id, intent: i.id }))).toBe(403);
    expect(await canManageSigning({ id: colleague.id, role: "organizer" }, ev.id)).toBe(true);
    const added = await addSigning({ id: colleague.id, role: "organizer" }, { eventId: ev.id, intent: i.id });
    expect(await outcome(saveSignatories(actor(w.admin), { eventId: ev.id, id: added.id, version: 1, enterpriseSignatory: "王总" }))).toBe("ok");
  });
});
