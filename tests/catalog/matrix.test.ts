import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import * as expertPage from "~/routes/experts.$ref";
import * as expertEdit from "~/routes/experts.$ref_.edit";
import * as expertNew from "~/routes/experts.new";
import * as needPage from "~/routes/needs.$ref";
import * as needEdit from "~/routes/needs.$ref_.edit";
import * as needNew from "~/routes/needs.new";
import * as resultPage from "~/routes/results.$ref";
import * as resultEdit from "~/routes/results.$ref_.edit";
import * as resultNew from "~/routes/results.new";
import { expert, getRequest, need, needForm, postRequest, result, run, world, type TestUser } from "./helpers";

// Who may do what, through the real routes (requireUser, the loaders, the actions, the models):
// every role × every action × every kind, with the expected allow/deny. A denial must also leave
// the database as it was. docs/decisions/012-catalog-permissions.md has the same table.

const ctx = {};
const w = await world();

type Kind = "need" | "result" | "expert";
type Role = "anonymous" | "owner" | "sameKindOther" | "otherKind" | "organizer" | "admin";
type Action = "readDraft" | "readPublished" | "seeContact" | "create" | "edit" | "submit" | "publish" | "sendBack" | "close";

const ROLES: Role[] = ["anonymous", "owner", "sameKindOther", "otherKind", "organizer", "admin"];

// ✓ = allowed. Same for the three kinds, with "owner" the owning organization's member.
const MATRIX: Record<Action, Record<Role, boolean>> = {
  readDraft: { anonymous: false, owner: true, sameKindOther: false, otherKind: false, organizer: true, admin: true },
  readPublished: { anonymous: true, owner: true, sameKindOther: true, otherKind: true, organizer: true, admin: true },
  seeContact: { anonymous: false, owner: true, sameKindOther: false, otherKind: false, organizer: true, admin: true },
  create: { anonymous: false, owner: true, sameKindOther: false, otherKind: false, organizer: true, admin: true },
  edit: { anonymous: false, owner: true, sameKindOther: false, otherKind: false, organizer: true, admin: true },
  submit: { anonymous: false, owner: true, sameKindOther: false, otherKind: false, organizer: true, admin: true },
  publish: { anonymous: false, owner: false, sameKindOther: false, otherKind: false, organizer: true, admin: true },
  sendBack: { anonymous: false, owner: false, sameKindOther: false, otherKind: false, organizer: true, admin: true },
  close: { anonymous: false, owner: true, sameKindOther: false, otherKind: false, organizer: true, admin: true },
};

const KINDS = {
  need: {
    org: () => w.entA,
    users: { owner: w.memberA, sameKindOther: w.memberB, otherKind: w.uniMember },
    make: (status: string) => need(w.entA, { status }),
    page: needPage,
    edit: needEdit,
    create: needNew,
    path: "needs",
    form: () => needForm(),
  },
  result: {
    org: () => w.uni,
    users: { owner: w.uniMember, sameKindOther: w.uni2Member, otherKind: w.memberA },
    make: (status: string) => result(w.uni, null, { status }),
    page: resultPage,
    edit: resultEdit,
    create: resultNew,
    path: "results",
    form: (): Record<string, string> => ({ intent: "save", title: "高镍正极材料", summary: "简介", field: "新材料", maturity: "中试", price: "50", visibility: "public" }),
  },
  expert: {
    org: () => w.uni,
    users: { owner: w.uniMember, sameKindOther: w.uni2Member, otherKind: w.memberA },
    make: (status: string) => expert(w.uni, { status }),
    page: expertPage,
    edit: expertEdit,
    create: expertNew,
    path: "experts",
    form: (): Record<string, string> => ({ intent: "save", name: "王教授", title: "教授", areas: "储能", visibility: "public" }),
  },
} as const;

function userFor(kind: Kind, role: Role): TestUser | null {
  switch (role) {
    case "anonymous":
      return null;
    case "organizer":
      return w.organizer;
    case "admin":
      return w.admin;
    default:
      return KINDS[kind].users[role];
  }
}

async function rowState(kind: Kind, id: number) {
  const [row] = await sql`select status, version, title_or_name from (
    select id, status, version, title as title_or_name from need where ${kind === "need"}
    union all select id, status, version, title from result where ${kind === "result"}
    union all select id, status, version, name from expert where ${kind === "expert"}) x where id = ${id}`;
  return row;
}

async function count(kind: Kind) {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(kind)}`;
  return n;
}

/** Performs the action as the user; returns whether it was allowed (and checks a denial wrote nothing). */
async function attempt(kind: Kind, role: Role, action: Action): Promise<boolean> {
  const k = KINDS[kind];
  const user = userFor(kind, role);
  const cookie = user?.cookie;
  const read = async (status: string) => {
    const rec = await k.make(status);
    const res = await run(() => k.page.loader({ request: getRequest(`/${k.path}/${rec.id}`, { cookie }), params: { ref: String(rec.id) }, context: ctx }));
    return { res, rec };
  };
  switch (action) {
    case "readDraft": {
      const { res } = await read("draft");
      expect([200, 404]).toContain(res.status);
      return res.status === 200;
    }
    case "readPublished": {
      const { res } = await read("published");
      return res.status === 200;
    }
    case "seeContact": {
      const { res } = await read("published");
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.data);
      const visible = text.includes("contact-") || text.includes("13800000001");
      expect(visible).toBe(/"contact":\{/.test(text));
      return visible;
    }
    case "create": {
      const before = await count(kind);
      const res = await run(() =>
        k.create.action({ request: postRequest(`/${k.path}/new`, { ...k.form(), orgId: String(k.org()) }, { cookie }), params: {}, context: ctx }),
      );
      const allowed = res.status === 302 && !res.location?.startsWith("/login");
      expect(await count(kind)).toBe(before + (allowed ? 1 : 0));
      if (!allowed) expect([302, 403]).toContain(res.status);
      return allowed;
    }
    case "edit": {
      const rec = await k.make("draft");
      const before = await rowState(kind, rec.id);
      const res = await run(() =>
        k.edit.action({
          request: postRequest(`/${k.path}/${rec.id}/edit`, { ...k.form(), version: String(rec.version) }, { cookie }),
          params: { ref: String(rec.id) },
          context: ctx,
        }),
      );
      const allowed = res.status === 302 && !res.location?.startsWith("/login");
      if (!allowed) {
        expect([302, 403, 404]).toContain(res.status);
        expect(await rowState(kind, rec.id)).toEqual(before);
      }
      return allowed;
    }
    case "submit":
    case "publish":
    case "sendBack":
    case "close": {
      const from = { submit: "draft", publish: "pending_review", sendBack: "pending_review", close: "published" }[action];
      const rec = await k.make(from);
      const before = await rowState(kind, rec.id);
      const fields: Record<string, string> = { intent: action, version: String(rec.version) };
      if (action === "sendBack") fields.comment = "请补充材料";
      const res = await run(() =>
        k.page.action({ request: postRequest(`/${k.path}/${rec.id}`, fields, { cookie }), params: { ref: String(rec.id) }, context: ctx }),
      );
      const allowed = res.status === 302 && !res.location?.startsWith("/login");
      if (allowed) expect((await rowState(kind, rec.id)).version).toBe(rec.version + 1);
      else {
        expect([302, 403, 404]).toContain(res.status);
        expect(await rowState(kind, rec.id)).toEqual(before);
      }
      return allowed;
    }
  }
}

const cases = (["need", "result", "expert"] as const).flatMap((kind) =>
  (Object.keys(MATRIX) as Action[]).flatMap((action) => ROLES.map((role) => [kind, action, role, MATRIX[action][role]] as const)),
);

describe("authorization matrix: kind × action × role", () => {
  test.each(cases)("%s · %s · %s → %s", async (kind, action, role, expected) => {
    expect(await attempt(kind, role, action)).toBe(expected);
  });
});
