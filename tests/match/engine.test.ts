import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { seedDemo } from "../../db/seed.server";
import type { SearchViewer } from "../../search/documents.server";
import { matchesForExpert, matchesForNeed, matchesForResult, MatchNotFoundError, parseLimit, type MatchResponse } from "../../search/match/engine.server";
import { reindex } from "../../search/reindex.server";

// The matching engine on the demo data (db/seeds/demo) in real PostgreSQL and Meilisearch, plus a
// few needs written for the awkward cases: an empty description, English only, a field label
// that contradicts the text, another organization's draft.

const STAFF: SearchViewer = { role: "organizer", orgIds: [] };
let mengbaihe = 0; // O-E005 梦百合家居, owner of N017
let lixing = 0; // O-E001 力星钢球
let otherEnterprise = 0;
const ids: Record<string, number> = {};

async function idOf(table: "need" | "result", ref: string) {
  const [row] = await sql<{ id: number }[]>`select id from ${sql(table)} where ref = ${ref}`;
  return row.id;
}

function item(m: MatchResponse, ref: string) {
  return m.items.find((i) => i.ref === ref);
}

beforeAll(async () => {
  await seedDemo(sql);
  [{ id: mengbaihe }] = await sql<{ id: number }[]>`select id from organization where ref = 'O-E005'`;
  [{ id: lixing }] = await sql<{ id: number }[]>`select id from organization where ref = 'O-E001'`;
  [{ id: otherEnterprise }] = await sql<{ id: number }[]>`select id from organization where ref = 'O-E010'`;
  const needRow = (ref: string, org: number, title: string, description: string, field: string | null, keywords: string[], status = "published") => ({
    ref,
    org_id: org,
    title,
    description,
    field,
    keywords,
    cooperation: ["合作开发"],
    budget_wan: 100,
    status,
    visibility: "public",
    published_at: status === "published" ? new Date() : null,
  });
  const rows = [
    needRow("T-DRAFT", mengbaihe, "记忆绵低温变硬改进（草稿）", "冬天记忆绵变硬，回弹时间变长。", null, ["记忆绵"], "draft"),
    needRow("T-EMPTY", otherEnterprise, "记忆绵冬季变硬", "", "新材料", []),
    needRow(
      "T-EN",
      otherEnterprise,
      "Memory foam mattresses get hard in winter",
      "Below 15 °C our memory foam becomes stiff and recovers slowly; customers in northern Europe complain. We want the feel to stay the same between 10 °C and 25 °C.",
      "新材料",
      ["memory foam", "winter"],
    ),
    needRow(
      "T-FIELD",
      otherEnterprise,
      "床垫记忆绵冬天发硬",
      "我们的记忆绵床垫冬天15℃以下明显变硬，回弹时间超过10秒，希望降低黏弹性泡沫的手感随温度的变化，压缩永久变形不变差。",
      "电子信息",
      ["记忆绵", "冬季变硬", "慢回弹"],
    ),
  ];
  for (const r of rows) {
    const [row] = await sql<{ id: number }[]>`
      insert into need (ref, org_id, title, description, field, keywords, cooperation, budget_wan, status, visibility, published_at)
      values (${r.ref}, ${r.org_id}, ${r.title}, ${r.description}, ${r.field}, ${r.keywords}, ${r.cooperation}, ${r.budget_wan}, ${r.status},
        ${r.visibility}, ${r.published_at})
      returning id`;
    ids[r.ref] = row.id;
  }
  await reindex();
}, 240_000);

describe("matchesForNeed on a known pair (N017 记忆绵冬季变硬 ↔ R0038 玻璃化转变)", () => {
  it("ranks the intended result first with a label, a score and reasons in both languages", async () => {
    const m = await matchesForNeed("N017", STAFF, { limit: 5 });
    expect(m.subject).toMatchObject({ kind: "need", ref: "N017", title: "记忆绵冬季变硬问题改善" });
    const first = m.items.find((i) => i.kind === "result");
    expect(first?.ref).toBe("R0038");
    expect(first?.label === "strong" || first?.label === "possible").toBe(true);
    expect(first?.score).toBeGreaterThan(0.5);
    expect(first?.score).toBeLessThanOrEqual(1);
    expect(first?.org.name).toBe("华东理工大学");
    const codes = first?.reasons.map((r) => r.code) ?? [];
    expect(codes).toEqual(expect.arrayContaining(["shared_concepts", "same_field", "cooperation_fit", "maturity_fit"]));
    for (const r of first?.reasons ?? []) {
      expect(r.text_zh.length).toBeGreaterThan(0);
      expect(r.text_en.length).toBeGreaterThan(0);
    }
    // the bridge, highlighted on both sides: the enterprise's symptom and the academic term
    const tg = first?.shared.concepts.find((c) => c.id === "polymer.glass_transition");
    expect(tg?.need_terms).toContain("变硬");
    expect(tg?.other_terms).toContain("玻璃化转变");
    expect(m.none_reason).toBeNull();
  });

  it("shows the pair's existing intent as a reason without scoring it", async () => {
    const m = await matchesForNeed("N017", STAFF, { limit: 5, kinds: ["result"] });
    const withIntent = item(m, "R0038");
    expect(withIntent?.reasons.map((r) => r.code)).toContain("in_intent");
    const plain = await matchesForNeed("N017", STAFF, { limit: 5, kinds: ["result"], history: false });
    expect(item(plain, "R0038")?.score).toBe(withIntent?.score);
  });

  it("accepts the need's id as well as its ref, and respects limit and kinds", async () => {
    const byId = await matchesForNeed(String(await idOf("need", "N017")), STAFF, { limit: 2, kinds: ["result"] });
    expect(byId.subject.ref).toBe("N017");
    expect(byId.items.length).toBeLessThanOrEqual(2);
    expect(byId.items.every((i) => i.kind === "result")).toBe(true);
    const experts = await matchesForNeed("N071", STAFF, { kinds: ["expert"] });
    expect(experts.items.every((i) => i.kind === "expert")).toBe(true);
  });
});

describe("nothing fits well", () => {
  it("says so for a need without a fitting result instead of padding the list", async () => {
    // N032 海绵块料在线密度与硬度检测: the dataset has no result for it
    const m = await matchesForNeed("N032", STAFF, { kinds: ["result"] });
    expect(m.items.some((i) => i.label === "strong" || i.label === "possible")).toBe(false);
    expect(m.none_reason?.code).toMatch(/^(nothing_fits|only_near_misses|no_candidates)$/);
    expect(m.none_reason?.text_zh).toContain("专家诊断");
    expect(m.items.every((i) => i.label === "weak")).toBe(true);
  });

  it("labels a near-miss that shares only the product as such", async () => {
    // N071 steel-ball surface flaws: R0073 is a steel-ball diameter sorter
    const m = await matchesForNeed("N071", STAFF, { kinds: ["result"], all: true, limit: 50 });
    expect(m.items[0]?.ref).toBe("R0198");
    const sorter = item(m, "R0073");
    if (sorter) {
      expect(sorter.score).toBeLessThan(m.items[0].score);
      expect(sorter.reasons.map((r) => r.code)).toContain("object_only");
    }
  });
});

describe("awkward needs", () => {
  it("an empty description still matches on the title", async () => {
    const m = await matchesForNeed("T-EMPTY", STAFF, { kinds: ["result"] });
    expect(m.items[0]?.ref).toBe("R0038");
  });

  it("an English-only need gets an honest answer, not an error", async () => {
    const m = await matchesForNeed("T-EN", STAFF);
    expect(Array.isArray(m.items)).toBe(true);
    if (!m.items.some((i) => i.label === "strong" || i.label === "possible")) expect(m.none_reason).not.toBeNull();
  });

  it("a field label that contradicts the text: both are considered, and the page is told", async () => {
    const m = await matchesForNeed("T-FIELD", STAFF, { kinds: ["result"] });
    expect(m.field_note).toMatchObject({ code: "field_label_differs", params: { labelled: "电子信息", inferred: "新材料" } });
    const r = item(m, "R0038");
    expect(r).toBeDefined();
    expect(m.items[0]?.ref).toBe("R0038");
    expect(r?.reasons.map((x) => x.code)).toContain("field_from_text");
  });
});

describe("visibility", () => {
  it("another organization's draft is not found, for members and visitors alike", async () => {
    await expect(matchesForNeed("T-DRAFT", { role: "member", orgIds: [lixing] })).rejects.toBeInstanceOf(MatchNotFoundError);
    await expect(matchesForNeed("T-DRAFT", null)).rejects.toBeInstanceOf(MatchNotFoundError);
    await expect(matchesForNeed(String(ids["T-DRAFT"]), null)).rejects.toBeInstanceOf(MatchNotFoundError);
    // its own organization and staff may match it
    await expect(matchesForNeed("T-DRAFT", { role: "member", orgIds: [mengbaihe] })).resolves.toMatchObject({ subject: { ref: "T-DRAFT" } });
    await expect(matchesForNeed("T-DRAFT", STAFF)).resolves.toMatchObject({ subject: { ref: "T-DRAFT" } });
  });

  it("an unknown ref is not found", async () => {
    await expect(matchesForNeed("N999", STAFF)).rejects.toBeInstanceOf(MatchNotFoundError);
    await expect(matchesForResult("nope", STAFF)).rejects.toBeInstanceOf(MatchNotFoundError);
    await expect(matchesForExpert("X999", STAFF)).rejects.toBeInstanceOf(MatchNotFoundError);
  });

  it("a draft need is never suggested to others", async () => {
    const m = await matchesForResult("R0038", { role: "member", orgIds: [] }, { all: true, limit: 50 });
    expect(m.items.map((i) => i.ref)).not.toContain("T-DRAFT");
  });
});

describe("the reverse direction", () => {
  it("a result finds the open needs it could serve (not the matched ones)", async () => {
    const m = await matchesForResult("R0038", STAFF, { limit: 10 });
    expect(m.subject.kind).toBe("result");
    const refs = m.items.map((i) => i.ref);
    expect(refs).toContain("T-FIELD");
    expect(refs).not.toContain("N017"); // status matched: already in negotiation
    expect(m.items.every((i) => i.kind === "need")).toBe(true);
  });

  it("an expert finds open needs that fit the areas", async () => {
    const m = await matchesForExpert("X002", STAFF, { limit: 5, all: true });
    expect(m.subject.kind).toBe("expert");
    expect(m.items.every((i) => i.kind === "need")).toBe(true);
  });
});

describe("feedback", () => {
  it("a dismissed suggestion stays gone, for the enterprise and for staff", async () => {
    const [need, result] = [await idOf("need", "N017"), await idOf("result", "R0038")];
    await sql`insert into match_feedback (need_id, result_id, org_id, decision, reason) values (${need}, ${result}, ${mengbaihe}, 'dismissed', 'not_relevant')`;
    try {
      for (const viewer of [{ role: "member" as const, orgIds: [mengbaihe] }, STAFF]) {
        const m = await matchesForNeed("N017", viewer, { all: true, limit: 50 });
        expect(m.items.map((i) => i.ref)).not.toContain("R0038");
      }
    } finally {
      await sql`delete from match_feedback`;
    }
  });

  it("a dismissal reason down-weights similar suggestions (too expensive → pricier ones)", async () => {
    const before = await matchesForNeed("N071", STAFF, { kinds: ["result"], all: true, limit: 50 });
    const cheap = item(before, "R0198"); // 65 万元
    const pricey = before.items.find((i) => i.ref !== "R0198" && i.reasons.some((r) => r.code === "price_over_budget"));
    expect(cheap && pricey).toBeTruthy();
    const [need, dismissed] = [await idOf("need", "N071"), await idOf("result", "R0052")]; // 150 万元
    await sql`insert into match_feedback (need_id, result_id, org_id, decision, reason) values (${need}, ${dismissed}, ${lixing}, 'dismissed', 'too_expensive')`;
    try {
      const after = await matchesForNeed("N071", STAFF, { kinds: ["result"], all: true, limit: 50 });
      expect(after.items.map((i) => i.ref)).not.toContain("R0052");
      expect(item(after, "R0198")?.score).toBe(cheap?.score);
      const expensive = before.items.filter(
        (i) => i.ref !== "R0052" && i.score > 0 && i.reasons.some((r) => r.code === "price_over_budget" && Number(r.params.price) >= 150),
      );
      expect(expensive.length).toBeGreaterThan(0);
      for (const e of expensive) {
        const now = item(after, e.ref);
        expect(now?.score).toBeLessThan(e.score);
        expect(now?.reasons.map((r) => r.code)).toContain("similar_dismissed");
      }
    } finally {
      await sql`delete from match_feedback`;
    }
  });
});

describe("parseLimit", () => {
  it("takes 1–50, defaults to 10 and refuses the rest", () => {
    expect(parseLimit(null)).toEqual({ ok: true, value: 10 });
    expect(parseLimit("7")).toEqual({ ok: true, value: 7 });
    for (const bad of ["0", "10000", "abc", "-1", "1.5", "51"]) expect(parseLimit(bad).ok).toBe(false);
  });
});
