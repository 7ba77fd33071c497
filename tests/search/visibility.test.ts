import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { fallbackSearch } from "../../search/fallback.server";
import { parseSearchParams, searchCatalog, SEARCH_TYPES, type SearchOutcome, type SearchType, type SearchViewer } from "../../search/query.server";
import { loadViewer, readableIds, type Viewer } from "~/models/catalog.server";
import { searchViewer } from "~/models/search.server";
import { addMember, makeUser } from "../app/helpers";
import { expert, need, org, result } from "./fixtures";
import { seedAndIndex } from "./query-helpers";

// Visibility is enforced inside the search query: for each role, every hit of many searches
// must be readable by that user according to PostgreSQL (the catalog models' readableIds, the
// same rule the detail pages apply). Both engines are checked: Meilisearch and the fallback.

type Role = "anonymous" | "enterprise" | "university" | "organizer" | "admin";
const ROLES: Role[] = ["anonymous", "enterprise", "university", "organizer", "admin"];
const KIND = { needs: "need", results: "result", experts: "expert" } as const;

const users: Partial<Record<Role, { id: string; role: "admin" | "organizer" | "member" }>> = {};
const viewers = {} as Record<Role, { search: SearchViewer; catalog: Viewer }>;
// Rows only some roles may see, by title word: every one contains 测试 and 电池.
const hidden = {} as Record<string, { type: SearchType; id: number }>;

beforeAll(async () => {
  await seedAndIndex(async () => {
    const ent = await org({ name: "测试电池企业甲", kind: "enterprise" });
    const otherEnt = await org({ name: "测试电池企业乙", kind: "enterprise" });
    const uni = await org({ name: "测试电池大学", kind: "university", town: null, city: "南京" });
    const otherUni = await org({ name: "测试电池研究院", kind: "institute", town: null, city: "上海" });

    const mk = async (key: string, type: SearchType, create: () => Promise<number>) => (hidden[key] = { type, id: await create() });
    // the enterprise's own rows in every state, and another enterprise's
    await mk("entDraft", "needs", () => need(ent, { title: "测试电池草稿需求甲", status: "draft" }));
    await mk("entPending", "needs", () => need(ent, { title: "测试电池待审需求甲", status: "pending_review" }));
    await mk("entPrivate", "needs", () => need(ent, { title: "测试电池私有需求甲", visibility: "private" }));
    await mk("entMembers", "needs", () => need(ent, { title: "测试电池会员需求甲", visibility: "members" }));
    await mk("entClosed", "needs", () => need(ent, { title: "测试电池关闭需求甲", status: "closed" }));
    await mk("otherDraft", "needs", () => need(otherEnt, { title: "测试电池草稿需求乙", status: "draft" }));
    await mk("otherPrivate", "needs", () => need(otherEnt, { title: "测试电池私有需求乙", visibility: "private" }));
    await mk("otherMembers", "needs", () => need(otherEnt, { title: "测试电池会员需求乙", visibility: "members" }));
    await mk("otherMatchedMembers", "needs", () => need(otherEnt, { title: "测试电池已对接会员需求乙", status: "matched", visibility: "members" }));
    // the university's results and experts, and another institute's
    const lead = await expert(uni, { name: "测试电池教授" });
    await mk("uniDraftResult", "results", () => result(uni, lead, { title: "测试电池草稿成果", status: "draft" }));
    await mk("uniPrivateResult", "results", () => result(uni, lead, { title: "测试电池私有成果", visibility: "private" }));
    await mk("uniDraftExpert", "experts", () => expert(uni, { name: "测试草稿专家", status: "draft" }));
    await mk("otherPrivateResult", "results", () => result(otherUni, null, { title: "测试电池私有成果乙", visibility: "private" }));
    await mk("otherMembersResult", "results", () => result(otherUni, null, { title: "测试电池会员成果乙", visibility: "members" }));
    await mk("otherPendingResult", "results", () => result(otherUni, null, { title: "测试电池待审成果乙", status: "pending_review" }));
    await mk("otherPrivateExpert", "experts", () => expert(otherUni, { name: "测试私有专家", visibility: "private" }));
    await mk("otherDraftExpert", "experts", () => expert(otherUni, { name: "测试草稿专家乙", status: "draft" }));

    const enterprise = await makeUser({ role: "member" });
    await addMember(ent, enterprise.id, "member");
    const university = await makeUser({ role: "member" });
    await addMember(uni, university.id, "manager");
    users.enterprise = enterprise;
    users.university = university;
    users.organizer = await makeUser({ role: "organizer" });
    users.admin = await makeUser({ role: "admin" });
  });
  for (const role of ROLES) {
    const user = users[role] ?? null;
    viewers[role] = { search: await searchViewer(user), catalog: await loadViewer(user) };
  }
}, 180_000);

const QUERIES = ["", "测试", "电池", "测试电池", "需求", "成果", "教授", "材料", "PLC", "光伏", "草稿", "私有", "会员"];
const EXTRA = ["", "&status=draft", "&status=pending_review&status=closed", "&sort=newest", "&facets=1"];

async function assertReadable(role: Role, outcome: SearchOutcome) {
  const ids = outcome.hits.map((h) => h.id);
  const readable = await readableIds(viewers[role].catalog, KIND[outcome.type], ids);
  const unreadable = ids.filter((id) => !readable.includes(id));
  expect(unreadable, `${role} found unreadable ${outcome.type} for "${outcome.query}"`).toEqual([]);
}

async function searchAs(role: Role, query: string, engine: "meili" | "postgres" = "meili") {
  const { input } = parseSearchParams(new URLSearchParams(query), "lenient");
  return engine === "meili" ? searchCatalog(input, viewers[role].search) : fallbackSearch(input, viewers[role].search);
}

const foundIds = async (role: Role, type: SearchType, engine: "meili" | "postgres" = "meili") => {
  const r = await searchAs(role, `q=测试&type=${type}&perPage=100`, engine);
  expect(r.degraded).toBe(engine === "postgres");
  return r.hits.map((h) => h.id);
};

describe.each(ROLES)("as %s", (role) => {
  it("every hit of every search is readable according to PostgreSQL", async () => {
    let hits = 0;
    for (const type of SEARCH_TYPES) {
      for (const q of QUERIES) {
        for (const extra of EXTRA) {
          for (const page of [1, 2]) {
            const outcome = await searchAs(role, `q=${encodeURIComponent(q)}&type=${type}&perPage=100&page=${page}${extra}`);
            expect(outcome.degraded).toBe(false);
            await assertReadable(role, outcome);
            hits += outcome.hits.length;
          }
        }
      }
    }
    expect(hits).toBeGreaterThan(500);
  }, 120_000);

  it("and so is every hit of the PostgreSQL fallback", async () => {
    for (const type of SEARCH_TYPES) {
      for (const q of QUERIES) {
        for (const extra of ["", "&status=draft", "&sort=newest"]) {
          const outcome = await searchAs(role, `q=${encodeURIComponent(q)}&type=${type}&perPage=100${extra}`, "postgres");
          expect(outcome).toMatchObject({ degraded: true });
          expect(outcome.unavailable).toBeUndefined();
          await assertReadable(role, outcome);
        }
      }
    }
  }, 120_000);

  it("finds exactly the test rows PostgreSQL lets this role read (both engines)", async () => {
    for (const [key, row] of Object.entries(hidden)) {
      const readable = (await readableIds(viewers[role].catalog, KIND[row.type], [row.id])).includes(row.id);
      for (const engine of ["meili", "postgres"] as const) {
        const ids = await foundIds(role, row.type, engine);
        expect(ids.includes(row.id), `${role} / ${engine} / ${key}`).toBe(readable);
      }
    }
  }, 120_000);
});

describe("what each role sees, spelled out", () => {
  const has = async (role: Role, key: string) => (await foundIds(role, hidden[key].type)).includes(hidden[key].id);

  it("a visitor: published and public only", async () => {
    for (const key of Object.keys(hidden)) expect(await has("anonymous", key), key).toBe(false);
  });

  it("an enterprise member: its own drafts, pending, private and closed rows, and members-only rows of others", async () => {
    for (const key of ["entDraft", "entPending", "entPrivate", "entMembers", "entClosed", "otherMembers", "otherMatchedMembers", "otherMembersResult"]) {
      expect(await has("enterprise", key), key).toBe(true);
    }
    for (const key of ["otherDraft", "otherPrivate", "uniDraftResult", "uniPrivateResult", "uniDraftExpert", "otherPrivateResult", "otherPendingResult", "otherPrivateExpert"]) {
      expect(await has("enterprise", key), key).toBe(false);
    }
  });

  it("a university member: its own results and experts in any state, not the enterprise's drafts", async () => {
    for (const key of ["uniDraftResult", "uniPrivateResult", "uniDraftExpert", "otherMembersResult", "otherMembers"]) {
      expect(await has("university", key), key).toBe(true);
    }
    for (const key of ["entDraft", "entPrivate", "otherPrivateResult", "otherPendingResult", "otherPrivateExpert", "otherDraftExpert"]) {
      expect(await has("university", key), key).toBe(false);
    }
  });

  it("organizers and admins: everything", async () => {
    for (const role of ["organizer", "admin"] as const) {
      for (const key of Object.keys(hidden)) expect(await has(role, key), `${role} ${key}`).toBe(true);
    }
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from need`;
    expect((await searchAs("organizer", "type=needs")).total).toBe(n);
  });

  it("counts and facets never count what the role may not see", async () => {
    const visitor = await searchAs("anonymous", "q=测试电池&type=needs&facets=1");
    expect((visitor.facets?.status ?? []).map((s) => s.value).every((v) => v === "published" || v === "matched")).toBe(true);
    const member = await searchAs("enterprise", "q=测试电池&type=needs&facets=1");
    const statuses = Object.fromEntries((member.facets?.status ?? []).map((s) => [s.value, s.count]));
    expect(statuses).toMatchObject({ draft: 1, pending_review: 1, closed: 1 });
    // own private + own members + others' members-only, beside what the visitor counts
    expect(member.counts.needs).toBe(visitor.counts.needs + 7);
  });
});
