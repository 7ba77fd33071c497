import { describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { getMeili, indexUid } from "../../search/client.server";
import { audienceOf, loadDocuments, streamDocuments, visibilityFilter } from "../../search/documents.server";
import { INDEXES } from "../../search/indexes";
import { segment } from "../../search/jieba.server";
import { syncDocuments } from "../../search/sync.server";
import { expert, need, org, result } from "./fixtures";

const CONTACT_KEYS = /contact|email|phone|user_id|review|created_by|website/;

function allStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === "object") return Object.values(value).flatMap(allStrings);
  return [];
}

describe("search documents", () => {
  it("have the documented shape, jieba tokens, and no contact details", async () => {
    const o = await org({ name: "江苏测试电池科技有限公司", town: "长江镇" });
    const x = await expert(o, { name: "赵电池" });
    const n = await need(o, { title: "高能量密度锂电池正极材料研发", budget: 88.5 });
    const r = await result(o, x, { title: "动力电池热管理系统" });

    const [needDoc] = await loadDocuments("need", [n]);
    expect(needDoc).toMatchObject({
      id: n,
      type: "need",
      title: "高能量密度锂电池正极材料研发",
      org_id: o,
      org_name: "江苏测试电池科技有限公司",
      org_kind: "enterprise",
      town: "长江镇",
      city: "如皋",
      field: "新能源与节能",
      keywords: ["锂电池", "正极材料"],
      cooperation: ["合作开发", "技术转让"],
      budget_wan: 88.5,
      deadline: "2030-12-31",
      status: "published",
      visibility: "public",
      audience: "public",
      year: new Date().getFullYear(),
    });
    expect(needDoc.ref).toMatch(/^T-N/);
    expect(typeof needDoc.created_ts).toBe("number");
    expect(Math.abs(needDoc.created_ts - Date.now() / 1000)).toBeLessThan(3600);
    if (needDoc.type !== "need") throw new Error("wrong type");
    expect(needDoc.title_seg.split(" ")).toEqual(expect.arrayContaining(["锂电池", "电池", "正极", "材料"]));
    expect(needDoc.keywords_seg.split(" ")).toContain("电池");

    const [resultDoc] = await loadDocuments("result", [r]);
    expect(resultDoc).toMatchObject({ type: "result", lead_expert_id: x, lead_name: "赵电池", maturity: "中试", price_wan: 300 });
    const [expertDoc] = await loadDocuments("expert", [x]);
    expect(expertDoc).toMatchObject({ type: "expert", title: "赵电池", job_title: "教授", field: ["新能源与节能"] });
    const [orgDoc] = await loadDocuments("organization", [o]);
    expect(orgDoc).toMatchObject({ type: "organization", title: "江苏测试电池科技有限公司", org_id: o, audience: "public", kind: "enterprise" });

    for (const doc of [needDoc, resultDoc, expertDoc, orgDoc]) {
      for (const key of Object.keys(doc)) expect(key).not.toMatch(CONTACT_KEYS);
      const text = allStrings(doc).join("\n");
      for (const secret of ["secret-", "@example.com", "13800000001", "13900000002", "13700000003", "王经理", "李老师"]) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it("falls back to the id for ref, and to null for a 面议 budget", async () => {
    const o = await org();
    const n = await need(o, { ref: null, budget: null });
    const [doc] = await loadDocuments("need", [n]);
    expect(doc.ref).toBe(String(n));
    expect(doc).toMatchObject({ budget_wan: null });
  });

  it("skips ids that are not in PostgreSQL, and streams every row in batches", async () => {
    const o = await org();
    const ids = [await need(o), await need(o), await need(o)];
    expect((await loadDocuments("need", [...ids, 999_999])).map((d) => d.id).sort()).toEqual([...ids].sort());
    const [{ total }] = await sql<{ total: number }[]>`select count(*)::int as total from need`;
    const batches: number[] = [];
    const seen: number[] = [];
    for await (const docs of streamDocuments("need", 2)) {
      batches.push(docs.length);
      seen.push(...docs.map((d) => d.id));
    }
    expect(batches.slice(0, -1).every((b) => b === 2)).toBe(true);
    expect(seen).toHaveLength(total);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toEqual(expect.arrayContaining(ids));
  });

  it("derives who may see a record", () => {
    expect(audienceOf("published", "public")).toBe("public");
    expect(audienceOf("matched", "public")).toBe("public");
    expect(audienceOf("published", "members")).toBe("members");
    expect(audienceOf("published", "private")).toBe("org");
    expect(audienceOf("draft", "public")).toBe("org");
    expect(audienceOf("pending_review", "public")).toBe("org");
    expect(audienceOf("closed", "public")).toBe("org");
    expect(visibilityFilter(null)).toBe("audience = public");
    expect(visibilityFilter({ role: "member", orgIds: [3, 7] })).toBe("audience IN [public, members] OR org_id IN [3, 7]");
    expect(visibilityFilter({ role: "member", orgIds: [] })).toBe("audience IN [public, members]");
    expect(visibilityFilter({ role: "organizer", orgIds: [1] })).toBeUndefined();
  });

  it("lets 电池 find a 锂电池 title through the *_seg field", async () => {
    const o = await org();
    const hit = await need(o, { title: "高能量密度锂电池正极材料研发", description: "正极材料" });
    const miss = await need(o, { title: "数控机床主轴温升控制", description: "降低主轴热变形" });
    await sql`update need set keywords = '{}' where id = any(${[hit, miss]}::bigint[])`;
    await syncDocuments(new Map([["need", new Set([hit, miss])]]));
    const index = getMeili().index(indexUid("needs"));

    const found = await index.search("电池", { attributesToRetrieve: ["id", "title"] });
    expect(found.hits.map((h) => h.id)).toEqual([hit]);

    // Without the token fields, Meilisearch alone misses it (STACK.md gotcha 4): the test can fail.
    const plain = await index.search("电池", { attributesToSearchOn: ["title", "description"] });
    expect(plain.hits).toHaveLength(0);
  });

  it("hides the token fields from hits and filters on the visibility fields", async () => {
    const settings = await getMeili().index(indexUid("needs")).getSettings();
    const def = INDEXES.find((d) => d.base === "needs");
    expect(settings.searchableAttributes).toEqual(def?.settings.searchableAttributes);
    for (const f of ["audience", "status", "visibility", "org_id"]) expect(settings.filterableAttributes).toContain(f);
    expect(settings.displayedAttributes?.some((a) => a.endsWith("_seg"))).toBe(false);
    expect(segment("锂电池，电池！")).toBe("锂电 电池 锂电池 电池");
  });
});
