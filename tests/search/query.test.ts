import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import {
  buildFilter,
  buildSearchRequest,
  filterString,
  parseSearchParams,
  searchCatalog,
  searchParamsOf,
  TYPE_FACETS,
  type SearchHit,
} from "../../search/query.server";
import { highlightField, highlighterFor, queryWordGroups, termMatcher } from "../../search/query-text.server";
import { normalizeQuery as normalizeQueryForTest } from "../../app/utils/search-params";
import { marksOf, search, seedAndIndex, STAFF, textOf } from "./query-helpers";

// The query side against the demo data in real PostgreSQL and Meilisearch (indexed by the
// product's own full reindex), as a public visitor unless said otherwise.

let hostileId: number;

beforeAll(async () => {
  await seedAndIndex(async () => {
    // A published need whose text tries to inject markup, indexed with the demo.
    const [org] = await sql<{ id: number }[]>`select id from organization where ref = 'O-E005'`;
    const [row] = await sql<{ id: number }[]>`
      insert into need (ref, org_id, title, description, field, keywords, cooperation, status, visibility, published_at)
      values ('T-HOSTILE', ${org.id}, '<script>alert(1)</script>储能电池<mark>热管理</mark>',
        '说明里有 <img src=x onerror=alert(1)> 和 "引号" & 符号，需要电池包液冷方案。', '新能源与节能', ${["电池", "<b>粗体</b>"]},
        ${["合作开发"]}, 'published', 'public', now())
      returning id`;
    hostileId = row.id;
  });
}, 180_000);

const titles = (hits: SearchHit[]) => hits.map((h) => h.title);
const refs = (hits: SearchHit[]) => hits.map((h) => h.ref);

describe("what a query finds", () => {
  it("Chinese words find the records that contain them", async () => {
    const r = await search("q=干式变压器&type=needs");
    expect(r.degraded).toBe(false);
    expect(refs(r.hits)).toContain("N001");
    expect(r.hits[0].title).toContain("干式变压器");
  });

  it("a word inside longer compounds: 电池 finds 锂电池 and 动力电池", async () => {
    const r = await search("q=电池&type=results&perPage=100");
    const all = titles(r.hits);
    expect(all.some((t) => t.includes("锂电池"))).toBe(true);
    expect(all.some((t) => t.includes("动力电池"))).toBe(true);
    expect(refs(r.hits)).toEqual(expect.arrayContaining(["R0052", "R0164", "R0411"]));
    // and the part is highlighted inside the compound
    const lithium = r.hits.find((h) => h.ref === "R0052");
    expect(marksOf(lithium?.highlights.title ?? "")).toContain("电池");
  });

  it("abbreviations find the long forms (synonyms): 锂电, 光伏, 复材, PLC", async () => {
    const lithium = await search("q=锂电&type=results&perPage=100");
    expect(refs(lithium.hits)).toEqual(expect.arrayContaining(["R0052", "R0164"]));

    const pv = await search("q=光伏&type=results");
    expect(pv.total).toBeGreaterThan(0);
    expect(pv.hits.every((h) => `${h.title}${textOf(h.highlights.text)}${h.keywords?.join("")}`.includes("光伏"))).toBe(true);

    const composites = await search("q=复材&type=results&perPage=100");
    expect(refs(composites.hits)).toEqual(expect.arrayContaining(["R0181", "R0255"]));
    // the synonym is what is marked, not the single characters 复 and 材
    const wing = composites.hits.find((h) => h.ref === "R0181");
    expect(marksOf(wing?.highlights.title ?? "")).toEqual(["复合材料"]);

    const plc = await search("q=PLC&type=needs");
    expect(refs(plc.hits)).toContain("N132");
    expect(marksOf(plc.hits.find((h) => h.ref === "N132")?.highlights.text ?? "")).toContain("PLC");
  });

  it("English, any case, full-width, and with a typo", async () => {
    const exact = await search("q=MOSFET&type=results");
    expect(refs(exact.hits)).toContain("R0375");
    expect(refs((await search("q=mosfet&type=results")).hits)).toContain("R0375");
    expect(refs((await search("q=ＭＯＳＦＥＴ&type=results")).hits)).toContain("R0375");
    // one letter wrong (words of 4+ letters tolerate one typo: search/indexes.ts)
    expect(refs((await search("q=MOSFAT&type=results")).hits)).toContain("R0375");
  });

  it("mixed Chinese and English in one query", async () => {
    const r = await search("q=碳化硅 MOSFET&type=results");
    expect(refs(r.hits)[0]).toBe("R0375");
    const plc = await search("q=PLC 立体库&type=needs");
    expect(refs(plc.hits)).toContain("N132");
  });

  it("pinyin: a word, its prefix, a name, and pinyin mixed with Chinese", async () => {
    // 锂电池 typed without an IME; "lidian" is a prefix of lidianchi (the last word is a prefix)
    expect(refs((await search("q=lidianchi&type=results&perPage=100")).hits)).toContain("R0052");
    expect(refs((await search("q=lidian&type=results&perPage=100")).hits)).toContain("R0052");
    // an expert's name heard on the phone: 钱立衡
    const name = await search("q=qianliheng&type=experts");
    expect(refs(name.hits)[0]).toBe("X001");
    // Chinese and pinyin in one query, any case
    const mixed = await search("q=锂电池 JIANCE&type=results&perPage=100");
    expect(refs(mixed.hits)).toContain("R0052");
    // a Chinese match ranks above a pinyin-only one: the field is the last searchable one
    const chinese = await search("q=检测&type=results&perPage=5");
    expect(chinese.hits.every((h) => `${h.title}${textOf(h.highlights.text)}${h.keywords?.join("")}`.includes("检测"))).toBe(true);
    // a query with no pinyin word leaves the pinyin field alone: "an" (one syllable, and the last
    // word's prefix) does not bring in the 安全/安装 records whose pinyin starts with "an"
    expect((await search("q=anquan&type=results")).total).toBeGreaterThan(0);
    const an = await search("q=an&type=results&perPage=100");
    const texts = await sql<{ text: string }[]>`
      select concat_ws(' ', r.title, r.summary, array_to_string(r.keywords, ' '), r.ip, o.name, e.name) as text
      from result r join organization o on o.id = r.org_id left join expert e on e.id = r.lead_expert_id
      where r.id = any(${an.hits.map((h) => h.id)})`;
    expect(texts).toHaveLength(an.hits.length);
    for (const { text } of texts) expect(text).toMatch(/an/i);
  });

  it("counts per type are the query's totals in each index", async () => {
    const r = await search("q=电池&type=needs");
    const [results, experts] = await Promise.all([search("q=电池&type=results"), search("q=电池&type=experts")]);
    expect(r.counts).toEqual({ needs: r.total, results: results.total, experts: experts.total });
    expect(r.counts.results).toBeGreaterThan(10);
    expect(r.counts.experts).toBeGreaterThan(0);
  });
});

describe("highlights", () => {
  it("mark the matches and escape everything else", async () => {
    const r = await search("q=储能电池&type=needs");
    const hit = r.hits.find((h) => h.id === hostileId);
    expect(hit).toBeDefined();
    const { title, text, tags } = hit?.highlights ?? { title: "", text: "", tags: [] };
    for (const html of [title, text, ...tags]) {
      // the only tags are <mark> and </mark>
      expect(html.replace(/<\/?mark>/g, "")).not.toMatch(/[<>]/);
    }
    expect(title).toContain("&lt;script&gt;");
    expect(title).toContain("&lt;mark&gt;热管理&lt;/mark&gt;");
    expect(marksOf(title).join("")).toContain("电池");
    expect(text).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(text).toContain("&quot;引号&quot; &amp; 符号");
    expect(tags).toContain("&lt;b&gt;粗体&lt;/b&gt;");
    // the plain title is the data as stored (React escapes it when rendered)
    expect(hit?.title).toBe("<script>alert(1)</script>储能电池<mark>热管理</mark>");
  });

  it("crop long texts around the first match", async () => {
    const matcher = termMatcher(["目标词"]);
    const long = `${"前文".repeat(200)}目标词${"后文".repeat(200)}`;
    const html = highlightField(long, matcher, { crop: 120 });
    expect(textOf(html).length).toBeLessThanOrEqual(122);
    expect(html.startsWith("…")).toBe(true);
    expect(html.endsWith("…")).toBe(true);
    expect(marksOf(html)).toEqual(["目标词"]);
  });

  it("drop Meilisearch's marks on lone characters of a longer query", async () => {
    expect(highlightField("焊接母\uE000材\uE001与\uE000复合材料\uE001", highlighterFor("复材"))).toBe("焊接母材与<mark>复合材料</mark>");
    expect(highlightField("\uE000电\uE001池", highlighterFor("电"))).toBe("<mark>电</mark>池");
    const r = await search("q=复材&type=results&perPage=100");
    for (const h of r.hits) for (const html of [h.highlights.title, h.highlights.text, ...h.highlights.tags]) expect(marksOf(html)).not.toContain("材");
  });

  it("are balanced even when a record contains the marker characters", () => {
    const html = highlightField("a\uE000b c\uE001\uE001 d\uE000e", null);
    expect(html).toBe("a<mark>b c</mark> d<mark>e</mark>");
  });
});

describe("facets, filters and sorting", () => {
  it("gives facet distributions only when asked", async () => {
    expect((await search("q=电池&type=results")).facets).toBeUndefined();
    const r = await search("q=电池&type=results&facets=1");
    expect(Object.keys(r.facets ?? {})).toEqual([...TYPE_FACETS.results]);
    const fields = r.facets?.field ?? [];
    expect(fields.reduce((n, f) => n + f.count, 0)).toBe(r.total);
    expect(r.facets?.maturity?.map((m) => m.value)).toEqual(expect.arrayContaining(["中试"]));
  });

  it("filters by facet values: OR within a facet, AND across facets, counts of other values kept", async () => {
    const all = await search("q=电池&type=results&facets=1");
    const [a, b] = (all.facets?.field ?? []).map((f) => f.value);
    const one = await search(`q=电池&type=results&facets=1&field=${encodeURIComponent(a)}`);
    expect(one.hits.every((h) => h.fields.includes(a))).toBe(true);
    expect(one.total).toBe(all.facets?.field?.find((f) => f.value === a)?.count);
    // the field facet still lists the other fields (to add with OR), with their own counts
    expect(one.facets?.field?.map((f) => f.value)).toEqual(all.facets?.field?.map((f) => f.value));
    expect(one.facets?.field?.find((f) => f.value === a)?.selected).toBe(true);

    const two = await search(`q=电池&type=results&field=${encodeURIComponent(a)}&field=${encodeURIComponent(b)}`);
    expect(two.total).toBe(one.total + (all.facets?.field?.find((f) => f.value === b)?.count ?? 0));
    const narrowed = await search(`q=电池&type=results&field=${encodeURIComponent(a)}&field=${encodeURIComponent(b)}&maturity=中试`);
    expect(narrowed.total).toBeLessThan(two.total);
    expect(narrowed.hits.every((h) => h.maturity === "中试" && (h.fields.includes(a) || h.fields.includes(b)))).toBe(true);
    // counts per type are the query alone
    expect(narrowed.counts).toEqual(all.counts);
  });

  it("filters by organization, city or town, year and status", async () => {
    const r = await search("q=&type=needs&facets=1");
    const town = r.facets?.town?.[0]?.value ?? "";
    const byTown = await search(`type=needs&town=${encodeURIComponent(town)}&perPage=100`);
    expect(byTown.total).toBe(r.facets?.town?.[0]?.count);
    expect(byTown.hits.every((h) => h.town === town)).toBe(true);

    const org = (await search("q=&type=results&facets=1")).facets?.org?.[0]?.value ?? "";
    const byOrg = await search(`type=results&org=${encodeURIComponent(org)}&perPage=100`);
    expect(byOrg.total).toBeGreaterThan(0);
    expect(byOrg.hits.every((h) => h.org_name === org)).toBe(true);

    const byYear = await search("type=results&year=2017&city=上海");
    expect(byYear.total).toBeGreaterThan(0);
    expect(byYear.hits.every((h) => h.year === 2017 && h.city === "上海")).toBe(true);

    const matched = await search("type=needs&status=matched");
    expect(matched.total).toBeGreaterThan(0);
    expect(matched.hits.every((h) => h.status === "matched")).toBe(true);
    // a visitor asking for drafts gets none: the filter is ANDed with visibility
    expect((await search("type=needs&status=draft")).total).toBe(0);
  });

  it("an unknown facet value is a normal empty answer; an unknown filter name is ignored", async () => {
    const unknown = await search("q=电池&type=results&field=不存在的领域&facets=1");
    expect(unknown).toMatchObject({ degraded: false, total: 0, hits: [] });
    expect(unknown.facets?.field?.find((f) => f.value === "不存在的领域")).toMatchObject({ count: 0, selected: true });
    const ignored = await search("q=电池&type=results&colour=blue&maturity[]=x");
    expect(ignored.total).toBe((await search("q=电池&type=results")).total);
    // a filter of another type is not one of this type's: ignored too
    expect((await search("q=电池&type=needs&maturity=中试")).total).toBe((await search("q=电池&type=needs")).total);
    expect((await search("type=results&year=twenty")).total).toBe((await search("type=results")).total);
  });

  it("quotes filter values so they cannot change the filter", async () => {
    const injection = '新能源与节能" OR audience = org OR field = "x';
    const r = await search(`type=needs&field=${encodeURIComponent(injection)}&status=draft`);
    expect(r).toMatchObject({ degraded: false, total: 0 });
    expect(filterString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(buildFilter(null, "needs", { field: ['x" OR 1=1'] })).toEqual(["audience = public", ['field = "x\\" OR 1=1"']]);
    // and backslashes survive the round trip: no match, no error
    expect((await search(`type=results&org=${encodeURIComponent("a\\")}`)).total).toBe(0);
  });

  it("sorts by newest, budget and price", async () => {
    const newest = await search("q=电池&type=results&sort=newest&perPage=50");
    const times = newest.hits.map((h) => Date.parse(h.published_at ?? "1970-01-01"));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const cheap = await search("type=needs&sort=budget_asc&perPage=100");
    const budgets = cheap.hits.map((h) => h.budget_wan).filter((b): b is number => typeof b === "number");
    expect(budgets.length).toBeGreaterThan(10);
    expect(budgets).toEqual([...budgets].sort((a, b) => a - b));

    const dear = await search("type=results&sort=price_desc&perPage=100");
    const prices = dear.hits.map((h) => h.price_wan).filter((p): p is number => typeof p === "number");
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    // 面议 (no price) comes after every priced result
    const firstOpen = dear.hits.findIndex((h) => h.price_wan === null);
    if (firstOpen >= 0) expect(dear.hits.slice(firstOpen).every((h) => h.price_wan === null)).toBe(true);

    // budget asked on results means price; on experts it means relevance
    expect(parseSearchParams(new URLSearchParams("type=results&sort=budget_asc")).input.sort).toBe("price_asc");
    expect(parseSearchParams(new URLSearchParams("type=experts&sort=price_desc")).input.sort).toBe("relevance");
  });

  it("an empty query lists everything, newest first", async () => {
    const r = await search("type=needs&perPage=100");
    expect(r.total).toBe(r.counts.needs);
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from need where status in ('published', 'matched') and visibility = 'public'`;
    expect(r.total).toBe(n);
    const times = r.hits.map((h) => Date.parse(h.published_at ?? "1970-01-01"));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});

describe("pagination", () => {
  it("pages do not overlap and add up", async () => {
    const all = await search("q=电池&type=results&perPage=100");
    const p1 = await search("q=电池&type=results&perPage=10&page=1");
    const p2 = await search("q=电池&type=results&perPage=10&page=2");
    expect(p1.hits).toHaveLength(10);
    expect(p1.pages).toBe(Math.ceil(all.total / 10));
    expect(p2.hits.map((h) => h.id)).toEqual(all.hits.slice(10, 20).map((h) => h.id));
    expect(new Set([...p1.hits, ...p2.hits].map((h) => h.id)).size).toBe(20);
  });

  it("a page past the end is empty, not an error", async () => {
    const r = await search("q=电池&type=results&page=999");
    expect(r).toMatchObject({ degraded: false, hits: [], page: 999 });
    expect(r.total).toBeGreaterThan(0);
    const far = await search("type=results&page=1000000&perPage=100");
    expect(far.hits).toEqual([]);
  });
});

describe("the URL is the whole state", () => {
  it("parse → searchParamsOf → parse gives the same search", () => {
    const url = "q=锂电池 正极&type=results&field=新材料&field=新能源与节能&maturity=中试&org=a%22b&year=2017&sort=price_desc&page=3&perPage=50";
    const first = parseSearchParams(new URLSearchParams(url)).input;
    const again = parseSearchParams(searchParamsOf(first)).input;
    expect(again).toEqual(first);
    expect(first).toMatchObject({
      q: "锂电池 正极",
      type: "results",
      filters: { field: ["新材料", "新能源与节能"], maturity: ["中试"], org: ['a"b'], year: ["2017"] },
      sort: "price_desc",
      page: 3,
      perPage: 50,
    });
  });

  it("a link gives the same page", async () => {
    const a = await search("q=电池&type=results&maturity=中试&sort=newest&page=2&perPage=5");
    const b = await search(searchParamsOf({ q: "电池", type: "results", filters: { maturity: ["中试"] }, sort: "newest", page: 2, perPage: 5 }).toString());
    expect(b.hits.map((h) => h.id)).toEqual(a.hits.map((h) => h.id));
  });
});

describe("bad input is a normal page", () => {
  it("normalizes the query: full-width, spaces, control characters, length", () => {
    expect(normalizeQueryForTest("  ＰＬＣ　　控制  ")).toBe("PLC 控制");
    expect(normalizeQueryForTest("电\u0000池\u200b")).toBe("电 池");
    expect(normalizeQueryForTest("。，！？…—")).toBe("");
    expect(normalizeQueryForTest("!!! ??? ---")).toBe("");
    expect(Array.from(normalizeQueryForTest("𠀀".repeat(300)))).toHaveLength(200);
    expect(normalizeQueryForTest(42)).toBe("");
  });

  it("a very long query, a punctuation-only query and an empty one", async () => {
    const long = await search(`q=${encodeURIComponent("电池".repeat(600))}&type=results`);
    expect(long.degraded).toBe(false);
    expect(long.query.length).toBe(200);
    const punct = await search(`q=${encodeURIComponent("，。！？、；：“”‘’（）《》——……!@#$%^&*()")}&type=needs`);
    expect(punct).toMatchObject({ degraded: false, query: "" });
    expect(punct.total).toBe((await search("type=needs")).total);
    const quotes = await search(`q=${encodeURIComponent('"电池')}&type=results`);
    expect(quotes.degraded).toBe(false);
    const minus = await search(`q=${encodeURIComponent("-电池 -")}&type=results`);
    expect(minus.degraded).toBe(false);
  });

  it("lenient parsing corrects page, perPage, type and sort", () => {
    const p = (s: string) => parseSearchParams(new URLSearchParams(s), "lenient");
    expect(p("page=-1").input.page).toBe(1);
    expect(p("page=abc").input.page).toBe(1);
    expect(p("page=2.7").input.page).toBe(2);
    expect(p("perPage=500").input.perPage).toBe(100);
    expect(p("perPage=0").input.perPage).toBe(20);
    expect(p("type=organizations").input.type).toBe("needs");
    expect(p("sort=cheapest").input.sort).toBe("relevance");
    expect(p("page=abc&type=x").problems.map((x) => x.param).sort()).toEqual(["page", "type"]);
  });

  it("strict parsing reports them", () => {
    const p = (s: string) => parseSearchParams(new URLSearchParams(s), "strict").problems.map((x) => x.param);
    expect(p("q=电池&type=needs&page=2&perPage=100&sort=newest&facets=true")).toEqual([]);
    expect(p("type=organizations")).toEqual(["type"]);
    expect(p("page=abc")).toEqual(["page"]);
    expect(p("page=-1")).toEqual(["page"]);
    expect(p("page=0")).toEqual(["page"]);
    expect(p("perPage=101")).toEqual(["perPage"]);
    expect(p("sort=cheapest")).toEqual(["sort"]);
    expect(p("facets=maybe")).toEqual(["facets"]);
  });
});

describe("one round trip", () => {
  it("asks Meilisearch everything in one multi-search, facets only when shown", () => {
    const plain = buildSearchRequest(parseSearchParams(new URLSearchParams("q=电池&type=results")).input, null);
    // the tab's hits and the other two tabs' counts
    expect(plain.queries).toHaveLength(3);
    expect(plain.queries.every((q) => JSON.stringify(q.filter).includes("audience = public"))).toBe(true);
    expect(plain.queries.some((q) => q.facets)).toBe(false);
    const faceted = buildSearchRequest(parseSearchParams(new URLSearchParams("q=电池&type=results&facets=1&field=新材料")).input, STAFF);
    // + the results count without filters, + the field facet without its own filter
    expect(faceted.queries).toHaveLength(5);
    expect(faceted.queries.every((q) => !JSON.stringify(q.filter ?? []).includes("audience"))).toBe(true);
  });

  it("staff find drafts, visitors do not", async () => {
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from need`;
    const staff = await searchCatalog(parseSearchParams(new URLSearchParams("type=needs")).input, STAFF);
    expect(staff.total).toBe(n);
    expect((await search("type=needs")).total).toBeLessThan(n);
  });

  it("splits a query into words for highlighting and the fallback", () => {
    const groups = queryWordGroups("锂电池正极材料");
    expect(groups).toHaveLength(3);
    expect(groups[0]).toEqual(expect.arrayContaining(["锂电池", "锂电", "锂离子电池"]));
    expect(groups.slice(1)).toEqual([["正极"], ["材料"]]);
    expect(queryWordGroups("复材")).toEqual([["复材", "复合材料"]]);
    expect(queryWordGroups("plc")[0]).toContain("可编程控制器");
  });
});
