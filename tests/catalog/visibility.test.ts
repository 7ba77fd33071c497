import { renderToString } from "react-dom/server";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { MantineProvider } from "@mantine/core";
import { createElement } from "react";
import { describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { audienceOf, visibilityFilter } from "../../search/documents.server";
import { LongText } from "~/components/catalog/facts";
import {
  canRead,
  canReadExpert,
  canReadNeed,
  canReadResult,
  listOrgCatalog,
  listPendingReview,
  listWorkspace,
  loadViewer,
  readableIds,
  type Viewer,
} from "~/models/catalog.server";
import { action as orgAction, loader as orgLoader } from "~/routes/orgs.$orgId";
import { action as reviewAction, loader as reviewLoader } from "~/routes/review";
import { loader as myLoader } from "~/routes/my";
import { loader as needLoader } from "~/routes/needs.$ref";
import { loader as resultLoader } from "~/routes/results.$ref";
import { loader as expertLoader } from "~/routes/experts.$ref";
import { createI18n } from "~/utils/i18n";
import { expert, getRequest, need, postRequest, result, run, world } from "./helpers";

const ctx = {};
const w = await world();

const STATUSES = ["draft", "pending_review", "published", "matched", "closed"] as const;
const VISIBILITIES = ["public", "members", "private"] as const;

describe("canRead and readableFilter agree, and search never shows more", async () => {
  // every status × visibility, for two enterprises; closed ones both with and without a past publication
  const rows: { id: number; org_id: number; status: string; visibility: string; published_at: Date | null }[] = [];
  for (const org of [w.entA, w.entB]) {
    for (const status of STATUSES) {
      for (const visibility of VISIBILITIES) {
        const n = await need(org, { status, visibility });
        if (status === "closed") {
          const m = await need(org, { status, visibility });
          await sql`update need set published_at = now() - interval '1 day' where id = ${m.id}`;
        }
        void n;
      }
    }
  }
  rows.push(
    ...(await sql<{ id: number; org_id: number; status: string; visibility: string; published_at: Date | null }[]>`
      select id, org_id, status, visibility, published_at from need where org_id in (${w.entA}, ${w.entB})`),
  );
  const ids = rows.map((r) => r.id);

  const viewers: [string, () => Promise<Viewer>][] = [
    ["anonymous", async () => null],
    ["member of A", () => loadViewer(w.memberA)],
    ["member of B", () => loadViewer(w.memberB)],
    ["member of A and B", () => loadViewer(w.multi)],
    ["university member", () => loadViewer(w.uniMember)],
    ["user without an organization", () => loadViewer(w.outsider)],
    ["organizer", () => loadViewer(w.organizer)],
    ["admin", () => loadViewer(w.admin)],
  ];

  test.each(viewers)("%s", async (_label, make) => {
    const viewer = await make();
    const inSql = new Set(await readableIds(viewer, "need", ids));
    for (const r of rows) {
      const access = { orgId: r.org_id, status: r.status, visibility: r.visibility, publishedAt: r.published_at };
      const js = canRead(viewer, access);
      expect(inSql.has(r.id), `${r.status}/${r.visibility}/org ${r.org_id}`).toBe(js);
      expect(canReadNeed(viewer, access)).toBe(js);
      expect(canReadResult(viewer, access)).toBe(js);
      expect(canReadExpert(viewer, access)).toBe(js);
      // what search would show (search/documents.server.ts) is a subset of what PostgreSQL allows
      const audience = audienceOf(r.status, r.visibility);
      const filter = visibilityFilter(viewer ? { role: viewer.role, orgIds: viewer.orgIds } : null);
      const searchShows =
        filter === undefined ||
        audience === "public" ||
        (audience === "members" && viewer !== null) ||
        (viewer?.orgIds.includes(r.org_id) ?? false);
      if (searchShows) expect(js, `search shows ${r.status}/${r.visibility}`).toBe(true);
    }
  });

  test("drafts, pending and private records are never readable by outsiders; closed ones only if once published", () => {
    const outsider: Viewer = { id: "x", role: "member", orgIds: [] };
    for (const status of ["draft", "pending_review"]) {
      for (const visibility of VISIBILITIES) expect(canRead(outsider, { orgId: 1, status, visibility, publishedAt: null })).toBe(false);
    }
    expect(canRead(outsider, { orgId: 1, status: "published", visibility: "private", publishedAt: new Date() })).toBe(false);
    expect(canRead(outsider, { orgId: 1, status: "closed", visibility: "public", publishedAt: null })).toBe(false);
    expect(canRead(outsider, { orgId: 1, status: "closed", visibility: "public", publishedAt: new Date() })).toBe(true);
    expect(canRead(null, { orgId: 1, status: "published", visibility: "members", publishedAt: new Date() })).toBe(false);
  });
});

describe("contact details and review comments never reach those who may not see them", () => {
  const secrets = ["contact-need@example.com", "contact-result@example.com", "contact-expert@example.com", "13900000002", "13800000001", "13700000003", "王经理", "李老师"];

  test.each([
    ["anonymous", undefined],
    ["another enterprise", () => w.memberB.cookie],
    ["another institution", () => w.uni2Member.cookie],
  ])("%s: no contact in any detail page's data", async (_label, cookie) => {
    const x = await expert(w.uni);
    const n = await need(w.entA);
    const r = await result(w.uni, x.id);
    await sql`update need set review_comment = '旧的退回意见' where id = ${n.id}`;
    const pages = [
      await run(() => needLoader({ request: getRequest(`/needs/${n.id}`, { cookie: cookie?.() }), params: { ref: String(n.id) }, context: ctx })),
      await run(() => resultLoader({ request: getRequest(`/results/${r.id}`, { cookie: cookie?.() }), params: { ref: String(r.id) }, context: ctx })),
      await run(() => expertLoader({ request: getRequest(`/experts/${x.id}`, { cookie: cookie?.() }), params: { ref: String(x.id) }, context: ctx })),
    ];
    for (const page of pages) {
      expect(page.status).toBe(200);
      const text = JSON.stringify(page.data);
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toContain("旧的退回意见");
    }
  });

  test("the owner and staff see the contact details", async () => {
    const n = await need(w.entA);
    for (const cookie of [w.memberA.cookie, w.organizer.cookie, w.admin.cookie]) {
      const page = await run(() => needLoader({ request: getRequest(`/needs/${n.id}`, { cookie }), params: { ref: String(n.id) }, context: ctx }));
      expect(page.data).toMatchObject({ need: { contact: { name: "王经理", phone: "13900000002", email: "contact-need@example.com" } } });
    }
  });

  test("a result page names its lead expert only when the expert's profile is readable", async () => {
    const hidden = await expert(w.uni, { status: "draft", name: "未发布的专家" });
    const r = await result(w.uni, hidden.id);
    const anon = await run(() => resultLoader({ request: getRequest(`/results/${r.id}`), params: { ref: String(r.id) }, context: ctx }));
    expect(JSON.stringify(anon.data)).not.toContain("未发布的专家");
    const owner = await run(() => resultLoader({ request: getRequest(`/results/${r.id}`, { cookie: w.uniMember.cookie }), params: { ref: String(r.id) }, context: ctx }));
    expect(owner.data).toMatchObject({ result: { leadExpert: { name: "未发布的专家" } } });
  });
});

describe("organization pages", () => {
  test("visitors see the listed records; members also their drafts; other members not", async () => {
    const pub = await need(w.entA, { title: "甲的公开需求" });
    const draft = await need(w.entA, { status: "draft", title: "甲的草稿" });
    const members = await need(w.entA, { visibility: "members", title: "甲的会员可见需求" });
    const titles = async (cookie?: string) => {
      const res = await run(() => orgLoader({ request: getRequest(`/orgs/${w.entA}`, { cookie }), params: { orgId: String(w.entA) }, context: ctx }));
      expect(res.status).toBe(200);
      const data = res.data as { catalog: { needs: { id: number }[] } };
      return new Set(data.catalog.needs.map((n) => n.id));
    };
    const anon = await titles();
    expect(anon.has(pub.id) && !anon.has(draft.id) && !anon.has(members.id)).toBe(true);
    const other = await titles(w.memberB.cookie);
    expect(other.has(pub.id) && !other.has(draft.id) && other.has(members.id)).toBe(true);
    const own = await titles(w.memberA.cookie);
    expect(own.has(pub.id) && own.has(draft.id) && own.has(members.id)).toBe(true);
    const staff = await titles(w.organizer.cookie);
    expect(staff.has(draft.id)).toBe(true);
    const catalog = await listOrgCatalog(await loadViewer(w.memberB), w.entA);
    expect(catalog.needs.some((n) => n.id === draft.id)).toBe(false);
  });

  test("the page's own forms still need a signed-in user", async () => {
    const res = await run(() =>
      orgAction({ request: postRequest(`/orgs/${w.entA}`, { intent: "invite", email: "x@example.com", role: "member" }), params: { orgId: String(w.entA) }, context: ctx }),
    );
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/login/);
  });
});

describe("the workspace and the review queue", () => {
  test("a member's workspace lists every status of the organization with the reviewers' comments", async () => {
    const d = await need(w.entA, { status: "draft", title: "被退回的需求" });
    await sql`update need set review_comment = '请补充预算依据' where id = ${d.id}`;
    const p = await need(w.entA, { status: "pending_review" });
    const page = await run(() => myLoader({ request: getRequest(`/my?org=${w.entA}`, { cookie: w.memberA.cookie }), params: {}, context: ctx }));
    const data = page.data as { records: { needs: { id: number; reviewComment: string | null }[] } };
    expect(data.records.needs.find((n) => n.id === d.id)?.reviewComment).toBe("请补充预算依据");
    expect(data.records.needs.some((n) => n.id === p.id)).toBe(true);
    // ?org= of an organization the user is not in falls back to their own
    const elsewhere = await run(() => myLoader({ request: getRequest(`/my?org=${w.entB}`, { cookie: w.memberA.cookie }), params: {}, context: ctx }));
    expect(elsewhere.data).toMatchObject({ org: { id: w.entA } });
    expect((await run(() => listWorkspace(w.memberB, w.entA))).status).toBe(403);
    expect((await run(() => listWorkspace(null, w.entA))).status).toBe(403);
  });

  test("the review queue: staff only; lists pending records of every kind; publish and send back from it", async () => {
    const n = await need(w.entA, { status: "pending_review", title: "待审需求" });
    const r = await result(w.uni, null, { status: "pending_review", title: "待审成果" });
    const x = await expert(w.uni, { status: "pending_review", name: "待审专家" });
    expect((await run(() => reviewLoader({ request: getRequest("/review", { cookie: w.memberA.cookie }), params: {}, context: ctx }))).status).toBe(403);
    expect((await run(() => listPendingReview(w.memberA))).status).toBe(403);
    const page = await run(() => reviewLoader({ request: getRequest("/review", { cookie: w.organizer.cookie }), params: {}, context: ctx }));
    const items = (page.data as { items: { kind: string; id: number }[] }).items;
    for (const [kind, id] of [["need", n.id], ["result", r.id], ["expert", x.id]] as const) {
      expect(items.some((i) => i.kind === kind && i.id === id)).toBe(true);
    }
    const post = (fields: Record<string, string>, cookie = w.organizer.cookie) =>
      run(() => reviewAction({ request: postRequest("/review", fields, { cookie }), params: {}, context: ctx }));
    const pub = await post({ intent: "publish", kind: "result", id: String(r.id), version: String(r.version) });
    expect(pub.status).toBe(302);
    expect(pub.location).toBe("/review");
    const empty = await post({ intent: "sendBack", kind: "expert", id: String(x.id), version: String(x.version), comment: "" });
    expect(empty.status).toBe(400);
    expect(empty.data).toMatchObject({ kind: "expert", id: x.id, result: { error: { comment: ["validation.required"] } } });
    const back = await post({ intent: "sendBack", kind: "expert", id: String(x.id), version: String(x.version), comment: "请补充职称" });
    expect(back.status).toBe(302);
    const [row] = await sql`select status, review_comment from expert where id = ${x.id}`;
    expect(row).toEqual({ status: "draft", review_comment: "请补充职称" });
    expect((await post({ intent: "close", kind: "need", id: String(n.id), version: String(n.version) })).status).toBe(400);
    expect((await post({ intent: "publish", kind: "event", id: String(n.id), version: String(n.version) })).status).toBe(400);
    expect((await post({ intent: "publish", kind: "need", id: "abc", version: "1" })).status).toBe(400);
    expect((await post({ intent: "publish", kind: "need", id: String(n.id), version: String(n.version) }, w.memberA.cookie)).status).toBe(403);
  });
});

describe("text is shown as text", () => {
  test("a description with HTML renders escaped", () => {
    createI18n("zh-CN");
    const html = renderToString(
      createElement(MantineProvider, null, createElement(LongText, { text: `<script>alert("x")</script><img src=x onerror=alert(1)>` })),
    );
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
  });

  test("no catalog file sets HTML directly", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(tsx?|ts)$/.test(name)) files.push(p);
      }
    };
    walk(path.resolve("app/components/catalog"));
    for (const name of readdirSync(path.resolve("app/routes"))) {
      if (/^(needs|results|experts|review|my|orgs)\b/.test(name)) files.push(path.resolve("app/routes", name));
    }
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(readFileSync(f, "utf8"), f).not.toMatch(/dangerouslySetInnerHTML/);
  });
});
