import ExcelJS from "exceljs";
import { delay, http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { resetSearchBreaker, type SearchHit } from "../../search/query.server";
import { waitForReindex } from "~/models/search.server";
import { action as adminAction, loader as adminLoader } from "~/routes/admin.search";
import { loader as apiLoader } from "~/routes/api.search";
import { loader as exportLoader } from "~/routes/search.export";
import { loader as pageLoader } from "~/routes/search";
import { createUserSession } from "~/utils/auth.server";
import { addMember, cookieFrom, getRequest, makeUser, ORIGIN, postRequest, run } from "../app/helpers";
import { seedAndIndex } from "./query-helpers";

// GET /api/search, the search page's loader, the CSV/XLSX export and /admin/search, called as
// Remix calls them, on the demo data in real PostgreSQL and Meilisearch. Meilisearch faults
// (5xx, no answer) are injected with msw in front of the real server.

process.env.QIAO_SEARCH_TIMEOUT_MS = "400";
const server = setupServer();
const multiSearch = `${process.env.MEILI_URL}/multi-search`;
let memberCookie = "";
let organizerCookie = "";
let draftRef = "";

beforeAll(async () => {
  await seedAndIndex(async () => {
    const [org] = await sql<{ id: number }[]>`select id from organization where ref = 'O-E005'`;
    // one published need that tries formula injection in an export, one draft of the member's organization
    await sql`
      insert into need (ref, org_id, title, description, field, keywords, cooperation, status, visibility, published_at)
      values ('T-FORMULA', ${org.id}, '=HYPERLINK("http://evil.example","电池")', '+cmd|'' /C calc''!A0 电池', '新能源与节能',
        ${["@SUM(1+1)", "-2+3"]}, ${["合作开发"]}, 'published', 'public', now()),
      ('T-DRAFT', ${org.id}, '草稿里的电池需求', '', null, '{}', '{}', 'draft', 'public', null)`;
    draftRef = "T-DRAFT";
    const member = await makeUser({ role: "member" });
    await addMember(org.id, member.id, "member");
    memberCookie = cookieFrom(await createUserSession(getRequest("/login"), member.id));
    const organizer = await makeUser({ role: "organizer" });
    organizerCookie = cookieFrom(await createUserSession(getRequest("/login"), organizer.id));
  });
  server.listen({ onUnhandledRequest: "bypass" });
}, 180_000);
afterEach(() => {
  server.resetHandlers();
  resetSearchBreaker();
});
afterAll(() => server.close());

type ApiBody = {
  query: string;
  type: string;
  total: number;
  counts: Record<string, number>;
  hits: SearchHit[];
  facets?: Record<string, { value: string; count: number; selected: boolean }[]>;
  page: number;
  perPage: number;
  pages: number;
  degraded: boolean;
  error?: string;
  problems?: { param: string; message: string }[];
};

async function api(query: string, cookie?: string): Promise<{ status: number; body: ApiBody; headers: Headers }> {
  const res = await run(() => apiLoader({ request: getRequest(`/api/search?${query}`, { cookie }), params: {}, context: {} }));
  return { status: res.status, body: JSON.parse(String(res.data)) as ApiBody, headers: res.headers };
}

describe("GET /api/search", () => {
  it("answers JSON with hits, counts, pagination and (when asked) facets", async () => {
    const { status, body, headers } = await api("q=电池&type=results&perPage=5&facets=true");
    expect(status).toBe(200);
    expect(headers.get("Content-Type")).toContain("application/json");
    expect(headers.get("Cache-Control")).toContain("no-store");
    expect(body).toMatchObject({ query: "电池", type: "results", page: 1, perPage: 5, degraded: false });
    expect(body.hits).toHaveLength(5);
    expect(body.total).toBe(body.counts.results);
    expect(body.pages).toBe(Math.ceil(body.total / 5));
    for (const hit of body.hits) {
      expect(hit.type).toBe("result");
      expect(hit.ref).toMatch(/^R\d{4}$/);
      expect(hit.url).toBe(`/results/${hit.ref}`);
      expect(typeof hit.id).toBe("number");
      expect(hit.highlights.title).toMatch(/<mark>/);
      // search documents never carry contact details
      expect(JSON.stringify(hit)).not.toMatch(/contact|phone|email/);
    }
    expect(body.facets?.field?.length).toBeGreaterThan(0);
    expect((await api("q=电池&type=results")).body.facets).toBeUndefined();
  });

  it("answers 400 with the reasons for what it cannot answer", async () => {
    for (const [query, param] of [
      ["type=organizations", "type"],
      ["type=needs&page=abc", "page"],
      ["page=-1", "page"],
      ["page=0", "page"],
      ["perPage=101", "perPage"],
      ["perPage=1.5", "perPage"],
      ["sort=cheapest", "sort"],
      ["facets=maybe", "facets"],
    ] as const) {
      const { status, body } = await api(query);
      expect(status, query).toBe(400);
      expect(body.error).toBe("bad_request");
      expect(body.problems?.map((p) => p.param)).toEqual([param]);
    }
  });

  it("answers a normal page to odd but harmless input", async () => {
    for (const query of [
      "",
      "q=",
      `q=${encodeURIComponent("电池".repeat(800))}`,
      `q=${encodeURIComponent("，。！？；：“”（）!@#$%^&*")}`,
      "q=电池&type=results&field=不存在&maturity=%22%5C",
      "q=电池&colour=blue&page=2",
      `q=${encodeURIComponent("<script>alert(1)</script>")}`,
      "q=电池&type=experts&sort=price_asc",
      "q=电池&page=999999",
    ]) {
      const { status, body } = await api(query);
      expect(status, query).toBe(200);
      expect(body.degraded, query).toBe(false);
    }
  });

  it("shows a signed-in member their organization's drafts, and a visitor none", async () => {
    const visitor = await api("q=草稿里的电池需求&type=needs&perPage=100");
    expect(visitor.body.hits.map((h) => h.ref)).not.toContain(draftRef);
    const member = await api("q=草稿里的电池需求&type=needs&perPage=100", memberCookie);
    expect(member.body.hits.map((h) => h.ref)).toContain(draftRef);
  });
});

describe("degraded mode (msw in front of Meilisearch)", () => {
  it("Meilisearch answering 5xx: PostgreSQL answers, degraded: true", async () => {
    server.use(http.post(multiSearch, () => HttpResponse.json({ message: "injected", code: "internal" }, { status: 503 })));
    const { status, body } = await api("q=电池&type=results&perPage=100&facets=true");
    expect(status).toBe(200);
    expect(body.degraded).toBe(true);
    expect(body.facets).toBeUndefined();
    expect(body.hits.length).toBeGreaterThan(10);
    expect(body.counts.needs).toBeGreaterThan(0);
    expect(body.hits.every((h) => `${h.title}${h.highlights.text}${h.keywords?.join("")}${h.org_name}`.includes("电池"))).toBe(true);
    // highlights are made the same safe way
    expect(body.hits[0].highlights.title).toContain("<mark>电池</mark>");
    // the fallback keeps visibility: no drafts for a visitor
    expect(body.hits.every((h) => h.status === "published" || h.status === "matched")).toBe(true);
  });

  it("Meilisearch not answering: the fallback answers after the search timeout, and the next search does not wait", async () => {
    let calls = 0;
    server.use(
      http.post(multiSearch, async () => {
        calls++;
        await delay("infinite");
        return HttpResponse.json({});
      }),
    );
    const started = performance.now();
    const first = await api("q=光伏&type=results");
    expect(first.body).toMatchObject({ degraded: true });
    expect(first.body.total).toBeGreaterThan(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    // the breaker: for a few seconds searches go straight to PostgreSQL
    const second = await api("q=光伏&type=results");
    expect(second.body.degraded).toBe(true);
    expect(calls).toBe(1);
  });

  it("the page says so, with the localized banner text", async () => {
    server.use(http.post(multiSearch, () => new HttpResponse(null, { status: 500 })));
    const res = await run(() => pageLoader({ request: getRequest("/search?q=电池&type=needs"), params: {}, context: {} }));
    expect(res.status).toBe(200);
    const data = res.data as { outcome: { degraded: boolean; hits: unknown[] } };
    expect(data.outcome.degraded).toBe(true);
    expect(data.outcome.hits.length).toBeGreaterThan(0);
  });

  it("comes back by itself once Meilisearch answers again", async () => {
    server.use(http.post(multiSearch, () => new HttpResponse(null, { status: 502 }), { once: true }));
    expect((await api("q=电池")).body.degraded).toBe(true);
    resetSearchBreaker(); // as when the breaker's few seconds are over
    expect((await api("q=电池")).body.degraded).toBe(false);
  });

  it("exports still work, from PostgreSQL", async () => {
    server.use(http.post(`${process.env.MEILI_URL}/indexes/:uid/search`, () => new HttpResponse(null, { status: 503 })));
    const res = await exportLoader({ request: getRequest("/search/export?q=电池&type=results&format=csv"), params: {}, context: {} });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.split("\r\n").filter(Boolean).length).toBeGreaterThan(10);
  });
});

describe("the search page's loader", () => {
  it("corrects a hand-edited URL instead of failing", async () => {
    for (const [query, type, page] of [
      ["q=电池&type=results&page=abc", "results", 1],
      ["q=电池&type=bogus&page=-1", "needs", 1],
      ["q=电池&type=experts&perPage=100000", "experts", 1],
    ] as const) {
      const res = await run(() => pageLoader({ request: getRequest(`/search?${query}`), params: {}, context: {} }));
      expect(res.status, query).toBe(200);
      const data = res.data as { input: { type: string; page: number; perPage: number }; outcome: { degraded: boolean; facets?: unknown } };
      expect(data.input).toMatchObject({ type, page });
      expect(data.input.perPage).toBeLessThanOrEqual(100);
      expect(data.outcome.degraded).toBe(false);
      expect(data.outcome.facets).toBeDefined();
    }
  });
});

describe("export of a result list", () => {
  async function download(query: string, cookie?: string) {
    const res = await exportLoader({ request: getRequest(`/search/export?${query}`, { cookie }), params: {}, context: {} });
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  }

  it("CSV: BOM, Chinese headers, the same rows as the search, formulas neutralized", async () => {
    const { res, body } = await download("q=电池&type=needs&format=csv");
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="qiao-needs-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''/);
    const text = body.toString("utf8");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const lines = text.slice(1).split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("编号,需求名称,单位,镇区,技术领域,关键词,合作方式,预算(万元),截止日期,状态,发布日期,链接");
    const search = (await api("q=电池&type=needs&perPage=1")).body;
    expect(lines).toHaveLength(search.total + 1);
    const formula = lines.find((l) => l.startsWith("T-FORMULA"));
    expect(formula).toContain(`"'=HYPERLINK(""http://evil.example"",""电池"")"`);
    expect(formula).toContain("'@SUM(1+1)、-2+3");
    expect(formula).toContain(`${ORIGIN}/needs/T-FORMULA`);
    // no drafts for a visitor, and no contact details for anyone
    expect(text).not.toContain(draftRef);
    expect(text).not.toMatch(/13900000002|secret-/);
  });

  it("XLSX: a real workbook, text cells never formulas, the member's own draft included for them", async () => {
    const { res, body } = await download("q=电池&type=needs&format=xlsx", memberCookie);
    expect(res.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(2).value).toBe("需求名称");
    const refs: string[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) refs.push(String(row.getCell(1).value));
    });
    expect(refs).toContain(draftRef);
    const formulaRow = ws.getRow(refs.indexOf("T-FORMULA") + 2);
    expect(formulaRow.getCell(2).value).toBe('=HYPERLINK("http://evil.example","电池")');
    expect(formulaRow.getCell(2).formula).toBeUndefined();
  });

  it("experts and results have their own columns; a bad format is a 400", async () => {
    const experts = (await download("q=电池&type=experts&format=csv")).body.toString("utf8");
    expect(experts.split("\r\n")[0]).toBe("\uFEFF编号,姓名,单位,职称,研究方向,荣誉,技术领域,状态,发布日期,链接");
    const results = (await download("q=电池&type=results&format=csv&sort=price_desc")).body.toString("utf8");
    expect(results.split("\r\n")[0]).toContain("成果名称");
    expect(results.split("\r\n")[0]).toContain("价格(万元)");
    const bad = await exportLoader({ request: getRequest("/search/export?format=pdf"), params: {}, context: {} });
    expect(bad.status).toBe(400);
  });
});

describe("/admin/search", () => {
  it("is for organizers and admins", async () => {
    const anonymous = await run(() => adminLoader({ request: getRequest("/admin/search"), params: {}, context: {} }));
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toContain("/login");
    const member = await run(() => adminLoader({ request: getRequest("/admin/search", { cookie: memberCookie }), params: {}, context: {} }));
    expect(member.status).toBe(403);
  });

  it("shows each index's Meilisearch count beside PostgreSQL's, health and the queue", async () => {
    const res = await run(() => adminLoader({ request: getRequest("/admin/search", { cookie: organizerCookie }), params: {}, context: {} }));
    expect(res.status).toBe(200);
    const { status } = res.data as { status: { health: { ok: boolean }; indexes: { entity: string; postgresCount: number; meiliCount: number | null }[]; queue: { pending: number } } };
    expect(status.health.ok).toBe(true);
    expect(status.indexes.map((i) => i.entity)).toEqual(["need", "result", "expert", "organization"]);
    const needs = status.indexes.find((i) => i.entity === "need");
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from need`;
    expect(needs).toMatchObject({ postgresCount: n, meiliCount: n });
    expect(typeof status.queue.pending).toBe("number");
  });

  it("starts a full reindex (audited), refuses a second one while it runs, and 400s an unknown intent", async () => {
    const post = (fields: Record<string, string>, cookie: string) =>
      run(() => adminAction({ request: postRequest("/admin/search", fields, { cookie }), params: {}, context: {} }));
    const member = await post({ intent: "reindex" }, memberCookie);
    expect(member.status).toBe(403);
    const started = await post({ intent: "reindex" }, organizerCookie);
    expect(started.status).toBe(302);
    expect(started.location).toBe("/admin/search");
    const busy = await post({ intent: "reindex" }, organizerCookie);
    expect(busy.status).toBe(302);
    await waitForReindex();
    const [audit] = await sql<{ action: string; entity: string }[]>`select action, entity from audit_log where action = 'reindex'`;
    expect(audit).toMatchObject({ action: "reindex", entity: "search" });
    expect((await sql`select id from search_reindex_run where outcome = 'swapped'`).length).toBeGreaterThanOrEqual(4);
    expect((await post({ intent: "drop-everything" }, organizerCookie)).status).toBe(400);
    // search still answers from the swapped-in indexes
    expect((await api("q=电池&type=results")).body).toMatchObject({ degraded: false });
  }, 120_000);
});
