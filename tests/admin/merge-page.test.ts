import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import type { MergePreview } from "~/models/merge.server";
import { action, loader } from "~/routes/admin.merge";
import { loader as expertLoader } from "~/routes/experts.$ref";
import { loader as orgLoader } from "~/routes/orgs.$orgId";
import { makeOrg } from "../app/helpers";
import { mergeRecords } from "~/models/merge.server";
import { expert, getRequest, need, postRequest, run, world, type World } from "../catalog/helpers";
import { cookieOf, ctx, STANDINGS } from "./helpers";

// The merge page: preview by id or external ref (GET, nothing written), merge (POST with the
// versions shown), messages for bad input, likely duplicates, admins only.

let w: World;
beforeAll(async () => {
  w = await world();
});

type LoaderData = { preview: MergePreview | null; error: string | null; candidates: { a: { id: number }; b: { id: number } }[] };

async function preview(query: string, cookie = w.admin.cookie) {
  return run(() => loader({ request: getRequest(`/admin/merge?${query}`, { cookie }), params: {}, context: ctx }));
}

describe("the merge page", () => {
  it("previews by external ref, lists the pair among likely duplicates, then merges from the form", async () => {
    const keep = await makeOrg("南通华新电子科技有限公司", "enterprise");
    const dup = await makeOrg("南通华新电子科技公司", "enterprise");
    await sql`update organization set ref = 'PG-DUP' where id = ${dup}`;
    await need(dup);
    const res = await preview(`entity=organization&survivor=${keep}&duplicate=PG-DUP&preview=1`);
    const data = res.data as LoaderData;
    expect(data.error).toBeNull();
    expect(data.preview?.duplicate.id).toBe(dup);
    expect(data.preview?.moves.find((m) => m.reference === "need.org_id")?.count).toBe(1);
    expect(data.candidates.some((c) => c.a.id === keep && c.b.id === dup)).toBe(true);
    expect(await sql`select id from organization where id = ${dup}`).toHaveLength(1);

    const p = data.preview;
    if (!p) throw new Error("no preview");
    const merged = await run(() =>
      action({
        request: postRequest(
          "/admin/merge",
          {
            intent: "merge",
            entity: "organization",
            survivorId: String(keep),
            duplicateId: String(dup),
            survivorVersion: String(p.survivor.version),
            duplicateVersion: String(p.duplicate.version),
          },
          { cookie: w.admin.cookie },
        ),
        params: {},
        context: ctx,
      }),
    );
    expect(merged).toMatchObject({ status: 302, location: `/orgs/${keep}` });
    expect(await sql`select id from organization where id = ${dup}`).toHaveLength(0);

    // the same form again: the duplicate is gone — a message, nothing else
    const again = await run(() =>
      action({
        request: postRequest(
          "/admin/merge",
          { intent: "merge", entity: "organization", survivorId: String(keep), duplicateId: String(dup), survivorVersion: "2", duplicateVersion: "1" },
          { cookie: w.admin.cookie },
        ),
        params: {},
        context: ctx,
      }),
    );
    expect(again).toMatchObject({ status: 400, data: { error: "admin.merge.errors.notFound.organization" } });
  });

  it("says what is wrong: nothing filled in, an unknown ref, itself, across kinds", async () => {
    const ent = await makeOrg("页面企业", "enterprise");
    expect((await preview("entity=organization&survivor=&duplicate=&preview=1")).data).toMatchObject({ error: "admin.merge.errors.pick", preview: null });
    expect((await preview(`entity=organization&survivor=${ent}&duplicate=NO-SUCH-REF&preview=1`)).data).toMatchObject({ error: "admin.merge.errors.notFound.organization" });
    expect(((await preview(`entity=organization&survivor=${ent}&duplicate=${ent}&preview=1`)).data as LoaderData).preview?.blockers).toEqual(["admin.merge.errors.same"]);
    expect(((await preview(`entity=organization&survivor=${w.uni}&duplicate=${ent}&preview=1`)).data as LoaderData).preview?.blockers).toEqual(["admin.merge.errors.kindMismatch"]);
    const crossKind = await run(() =>
      action({
        request: postRequest(
          "/admin/merge",
          { intent: "merge", entity: "organization", survivorId: String(w.uni), duplicateId: String(ent), survivorVersion: "1", duplicateVersion: "1" },
          { cookie: w.admin.cookie },
        ),
        params: {},
        context: ctx,
      }),
    );
    expect(crossKind).toMatchObject({ status: 400, data: { error: "admin.merge.errors.kindMismatch" } });
    const garbage = await run(() =>
      action({ request: postRequest("/admin/merge", { intent: "merge", entity: "机构", survivorId: "x" }, { cookie: w.admin.cookie }), params: {}, context: ctx }),
    );
    expect(garbage.status).toBe(400);
  });

  it("sends old links of a merged organization or expert to the survivor", async () => {
    const keep = await makeOrg("旧链接保留", "university");
    const dup = await makeOrg("旧链接重复", "university");
    const x1 = await expert(keep, { name: "旧链接专家", ref: "OLD-X1" });
    const x2 = await expert(keep, { name: "旧链接专家", ref: "OLD-X2" });
    const admin = { id: w.admin.id, role: "admin" as const };
    await mergeRecords(admin, { entity: "organization", survivorId: keep, duplicateId: dup, survivorVersion: 1, duplicateVersion: 1 });
    await mergeRecords(admin, { entity: "expert", survivorId: x1.id, duplicateId: x2.id, survivorVersion: x1.version, duplicateVersion: x2.version });
    const org = await run(() => orgLoader({ request: getRequest(`/orgs/${dup}`), params: { orgId: String(dup) }, context: ctx }));
    expect(org).toMatchObject({ status: 302, location: `/orgs/${keep}` });
    for (const ref of ["OLD-X2", String(x2.id)]) {
      const page = await run(() => expertLoader({ request: getRequest(`/experts/${ref}`), params: { ref }, context: ctx }));
      expect(page).toMatchObject({ status: 302, location: "/experts/OLD-X1" });
    }
    const unknown = await run(() => orgLoader({ request: getRequest("/orgs/987654"), params: { orgId: "987654" }, context: ctx }));
    expect(unknown.status).toBe(404);
  });

  it.each(STANDINGS)("as %s", async (s) => {
    const page = await run(() => loader({ request: getRequest("/admin/merge?entity=expert", { cookie: cookieOf(w, s) }), params: {}, context: ctx }));
    expect(page.status).toBe(s === "anonymous" ? 302 : s === "admin" ? 200 : 403);
  });
});
