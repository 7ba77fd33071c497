import { beforeAll, describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { addMember, makeOrg } from "../app/helpers";
import { confirm, count, preview, template, upload, uploadId, uploadPage, userWithCookie, viewOf, type TestUser } from "./helpers";

// Who may import what through the page: staff every kind; members needs, results and experts
// of their own organizations only (rows go to review); users without an organization nothing.

const ORGS_CSV = {
  name: "单位.csv",
  content: "单位编号,单位名称,类型,镇区\r\nO-T1,成员偷偷导入的单位,企业,如城街道\r\n",
  type: "text/csv",
};
const needs = (org: string, ref: string) => ({
  name: "需求.csv",
  content: `需求编号,需求名称,技术领域,合作方式,发布单位\r\n${ref},成员导入的需求${ref},新材料,合作开发,${org}\r\n`,
  type: "text/csv",
});

let member: TestUser;
let loner: TestUser;
let admin: TestUser;

beforeAll(async () => {
  const own = await makeOrg("甲企业有限公司", "enterprise");
  await makeOrg("乙企业有限公司", "enterprise");
  member = await userWithCookie({ name: "甲企业成员" });
  await addMember(own, member.id, "member");
  loner = await userWithCookie({ name: "无单位用户" });
  admin = await userWithCookie({ role: "admin", name: "管理员" });
});

describe("a member of an organization", () => {
  test("is offered needs, results and experts for that organization", async () => {
    const page = await uploadPage(member);
    expect(page.data).toMatchObject({
      rights: { allowed: true, kinds: ["needs", "results", "experts"], orgs: [{ name: "甲企业有限公司" }] },
    });
  });

  test("asking for organizations is refused outright, nothing stored", async () => {
    const res = await upload(member, [ORGS_CSV], { intent: "upload", kind: "organizations" });
    expect(res.status).toBe(403);
    expect(await count("import_upload")).toBe(0);
  });

  test("an organizations file recognised from its columns is refused in the preview and cannot be confirmed", async () => {
    const id = await uploadId(member, [ORGS_CSV]);
    const view = viewOf((await preview(member, id)).data);
    expect(view.ok).toBe(false);
    expect(view.fileIssues).toContainEqual(expect.objectContaining({ severity: "error", message: expect.stringContaining("仅科技局工作人员") }));
    expect((await confirm(member, id)).status).toBe(409);
    expect((await sql`select 1 from organization where name = '成员偷偷导入的单位'`).length).toBe(0);
  });

  test("the organizations template is not offered (403); the needs template is", async () => {
    expect((await template(member, "kind=organizations&format=csv")).status).toBe(403);
    expect((await template(member, "kind=needs&format=csv")).status).toBe(200);
  });

  test("needs of the own organization are imported for review", async () => {
    const id = await uploadId(member, [needs("甲企业有限公司", "M-N1")]);
    const view = viewOf((await preview(member, id)).data);
    expect(view.counts).toMatchObject({ created: 1, rejected: 0 });
    expect((await preview(member, id)).data).toMatchObject({ member: true });
    expect((await confirm(member, id)).status).toBe(302);
    const [row] = await sql<{ status: string }[]>`select status from need where ref = 'M-N1'`;
    expect(row.status).toBe("pending_review");
  });

  test("needs of another organization are rejected row by row", async () => {
    const id = await uploadId(member, [needs("乙企业有限公司", "M-N2")]);
    const view = viewOf((await preview(member, id)).data);
    expect(view.counts).toMatchObject({ created: 0, rejected: 1 });
    expect(view.page.rows[0].issues[0].message).toContain("只能导入本单位");
    expect((await confirm(member, id)).status).toBe(409);
    expect((await sql`select 1 from need where ref = 'M-N2'`).length).toBe(0);
  });
});

describe("a user without an organization", () => {
  test("sees why, and an upload is refused", async () => {
    const page = await uploadPage(loner);
    expect(page.data).toMatchObject({ rights: { allowed: false } });
    const res = await upload(loner, [needs("甲企业有限公司", "L-N1")]);
    expect(res.status).toBe(403);
    expect((await template(loner, "kind=needs&format=csv")).status).toBe(403);
  });
});

describe("an admin", () => {
  test("imports organizations", async () => {
    const id = await uploadId(admin, [ORGS_CSV], { intent: "upload", kind: "organizations" });
    expect(viewOf((await preview(admin, id)).data).counts).toMatchObject({ created: 1 });
    expect((await confirm(admin, id)).status).toBe(302);
    expect((await sql`select 1 from organization where ref = 'O-T1'`).length).toBe(1);
  });
});
