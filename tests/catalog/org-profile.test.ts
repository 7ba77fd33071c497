import { beforeEach, describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { action, loader } from "~/routes/orgs.$orgId_.edit";
import { auditRows, clearJobs, getRequest, postRequest, run, syncJobs, world } from "./helpers";

const ctx = {};
const w = await world();

beforeEach(clearJobs);

async function version() {
  const [row] = await sql<{ version: number; name: string }[]>`select version, name from organization where id = ${w.entA}`;
  return row;
}

function form(over: Record<string, string> = {}, v = 1): Record<string, string> {
  return {
    intent: "save",
    version: String(v),
    name: "甲企业（集团）有限公司",
    shortName: "甲企业",
    town: "如城街道",
    city: "如皋",
    industry: "装备制造",
    description: "做减速机。",
    website: "https://example.com",
    ...over,
  };
}

const post = (fields: Record<string, string>, cookie?: string) =>
  run(() => action({ request: postRequest(`/orgs/${w.entA}/edit`, fields, { cookie }), params: { orgId: String(w.entA) }, context: ctx }));

describe("editing an organization's profile", () => {
  test("a manager renames it: one audit row, one sync job for the organization (its records follow)", async () => {
    const before = await version();
    const res = await post(form({}, before.version), w.managerA.cookie);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/orgs/${w.entA}`);
    expect(await version()).toEqual({ version: before.version + 1, name: "甲企业（集团）有限公司" });
    const audits = await auditRows("organization", w.entA);
    expect(audits.map((a) => a.action)).toEqual(["organization.update"]);
    expect(audits[0].after).toMatchObject({ name: "甲企业（集团）有限公司" });
    const jobs = await syncJobs();
    expect(jobs).toHaveLength(1);
    expect([...(jobs[0].work.get("organization") ?? [])]).toEqual([w.entA]);
  });

  test("a stale version → 409, nothing written", async () => {
    const before = await version();
    const res = await post(form({ name: "旧版本上的改名" }, before.version - 1 || 99), w.organizer.cookie);
    expect(res.status).toBe(409);
    expect(await version()).toEqual(before);
    expect(await syncJobs()).toHaveLength(0);
  });

  test.each([
    ["a plain member", () => w.memberA.cookie, 403],
    ["another enterprise's member", () => w.memberB.cookie, 403],
  ])("%s → %s", async (_label, cookie, status) => {
    const before = await version();
    expect((await post(form({ name: "被篡改" }, before.version), cookie())).status).toBe(status);
    expect((await run(() => loader({ request: getRequest(`/orgs/${w.entA}/edit`, { cookie: cookie() }), params: { orgId: String(w.entA) }, context: ctx }))).status).toBe(status);
    expect(await version()).toEqual(before);
  });

  test("anonymous → login; unknown organization → 404; unknown intent → 400", async () => {
    const anon = await post(form());
    expect(anon.status).toBe(302);
    expect(anon.location).toMatch(/^\/login/);
    const missing = await run(() => loader({ request: getRequest("/orgs/999999/edit", { cookie: w.admin.cookie }), params: { orgId: "999999" }, context: ctx }));
    expect(missing.status).toBe(404);
    expect((await post(form({ intent: "delete" }), w.admin.cookie)).status).toBe(400);
  });

  test.each([
    ["missing name", { name: "" }, "name", "validation.required"],
    ["overlong name", { name: "长".repeat(201) }, "name", "catalog.validation.max200"],
    ["overlong short name", { shortName: "长".repeat(101) }, "shortName", "catalog.validation.max100"],
    ["overlong description", { description: "长".repeat(5001) }, "description", "catalog.validation.max5000"],
    ["a javascript: website", { website: "javascript:alert(1)" }, "website", "catalog.validation.website"],
  ])("%s → 400 on %s", async (_label, over, field, message) => {
    const before = await version();
    const res = await post(form(over, before.version), w.admin.cookie);
    expect(res.status).toBe(400);
    expect((res.data as { result: { error: Record<string, string[]> } }).result.error[field]).toEqual([message]);
    expect(await version()).toEqual(before);
  });
});
