import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { reindex } from "../../search/reindex.server";
import { loader as needMatches } from "~/routes/api.needs.$ref.matches";
import { loader as resultMatches } from "~/routes/api.results.$ref.matches";
import { createUserSession } from "~/utils/auth.server";
import { addMember, cookieFrom, getRequest, makeUser, run } from "../app/helpers";
import { need, smallCatalog } from "./fixtures";

// GET /api/needs/:ref/matches and /api/results/:ref/matches, called as Remix calls them, on a
// small catalog in real PostgreSQL and Meilisearch; msw stands in for a failing Meilisearch only.

const server = setupServer();
let ownerCookie = "";
let strangerCookie = "";

beforeAll(async () => {
  const { foamCo, ballCo } = await smallCatalog();
  await need(foamCo, { ref: "TM-DRAFT", title: "记忆绵低温变硬（草稿）", status: "draft", field: null });
  await reindex();
  const owner = await makeUser();
  await addMember(foamCo, owner.id, "member");
  ownerCookie = cookieFrom(await createUserSession(getRequest("/login"), owner.id));
  const stranger = await makeUser();
  await addMember(ballCo, stranger.id, "member");
  strangerCookie = cookieFrom(await createUserSession(getRequest("/login"), stranger.id));
  server.listen({ onUnhandledRequest: "bypass" });
}, 120_000);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

type Body = { error?: string; message?: string; parameter?: string; subject?: { ref: string }; items?: Array<{ ref: string; kind: string; score: number; label: string | null; reasons: unknown[] }>; none_reason?: unknown };

async function get(loader: typeof needMatches, path: string, ref: string, cookie?: string) {
  const res = await run(() => loader({ request: getRequest(path, { cookie }), params: { ref }, context: {} }));
  return { status: res.status, body: JSON.parse(String(res.data)) as Body, headers: res.headers };
}

describe("GET /api/needs/:ref/matches", () => {
  it("answers ranked items with ref, kind, score, label and reasons", async () => {
    const { status, body, headers } = await get(needMatches, "/api/needs/TM-N1/matches?limit=10", "TM-N1");
    expect(status).toBe(200);
    expect(headers.get("Cache-Control")).toContain("no-store");
    expect(body.subject?.ref).toBe("TM-N1");
    expect(body.items?.[0]).toMatchObject({ ref: "TM-R1", kind: "result" });
    expect(body.items?.[0].score).toBeGreaterThan(0);
    expect(["strong", "possible"]).toContain(body.items?.[0].label);
    expect(body.items?.[0].reasons.length).toBeGreaterThan(0);
    const scores = body.items?.map((i) => i.score) ?? [];
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it.each(["0", "10000", "abc", "-3", "2.5"])("refuses limit=%s with a clear 400", async (limit) => {
    const { status, body } = await get(needMatches, `/api/needs/TM-N1/matches?limit=${limit}`, "TM-N1");
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "bad_request", parameter: "limit" });
    expect(body.message).toContain("1 to 50");
  });

  it("refuses unknown kinds", async () => {
    const { status, body } = await get(needMatches, "/api/needs/TM-N1/matches?kinds=patent", "TM-N1");
    expect(status).toBe(400);
    expect(body.parameter).toBe("kinds");
  });

  it("an unknown ref is a 404 in JSON", async () => {
    const { status, body, headers } = await get(needMatches, "/api/needs/NOPE/matches", "NOPE");
    expect(status).toBe(404);
    expect(headers.get("Content-Type")).toContain("application/json");
    expect(body).toEqual({ error: "not_found", message: "Need not found" });
  });

  it("another organization's draft is a 404 that tells nothing; its owner may see it", async () => {
    for (const cookie of [undefined, strangerCookie]) {
      const { status, body } = await get(needMatches, "/api/needs/TM-DRAFT/matches", "TM-DRAFT", cookie);
      expect(status).toBe(404);
      expect(body).toEqual({ error: "not_found", message: "Need not found" });
    }
    const [{ id }] = await sql<{ id: number }[]>`select id from need where ref = 'TM-DRAFT'`;
    expect((await get(needMatches, `/api/needs/${id}/matches`, String(id), strangerCookie)).status).toBe(404);
    expect((await get(needMatches, "/api/needs/TM-DRAFT/matches", "TM-DRAFT", ownerCookie)).status).toBe(200);
  });

  it("says plainly when nothing fits", async () => {
    const { status, body } = await get(needMatches, "/api/needs/TM-N2/matches?kinds=result", "TM-N2");
    expect(status).toBe(200);
    expect(body.items?.some((i) => i.label === "strong" || i.label === "possible")).toBe(false);
    expect(body.none_reason).toBeTruthy();
  });

  it("is a 503, not a crash, while Meilisearch fails", async () => {
    server.use(http.post(`${process.env.MEILI_URL}/multi-search`, () => HttpResponse.json({ message: "boom", code: "internal" }, { status: 500 })));
    const { status, body, headers } = await get(needMatches, "/api/needs/TM-N1/matches", "TM-N1");
    expect(status).toBe(503);
    expect(body.error).toBe("unavailable");
    expect(headers.get("Retry-After")).toBe("30");
  });
});

describe("GET /api/results/:ref/matches", () => {
  it("answers the open needs a result could serve", async () => {
    const { status, body } = await get(resultMatches, "/api/results/TM-R1/matches?limit=5", "TM-R1");
    expect(status).toBe(200);
    expect(body.items?.[0]).toMatchObject({ ref: "TM-N1", kind: "need" });
    expect(body.items?.map((i) => i.ref)).not.toContain("TM-DRAFT");
  });

  it("400 for a bad limit, 404 for an unknown ref", async () => {
    expect((await get(resultMatches, "/api/results/TM-R1/matches?limit=0", "TM-R1")).status).toBe(400);
    expect((await get(resultMatches, "/api/results/TM-R1/matches?limit=abc", "TM-R1")).status).toBe(400);
    const missing = await get(resultMatches, "/api/results/R9999/matches", "R9999");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: "not_found", message: "Result not found" });
  });
});
