import { describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { COOPERATION_MODES, fieldFor, headerUnit, inferKind, kindFromFilename, TECH_FIELDS } from "../../db/import/columns.server";
import { formatIssue, issue } from "../../db/import/issues.server";
import { amount, date, list, manyOf, oneOf, ref, splitList, text } from "../../db/import/values.server";

describe("lists", () => {
  it("split on Chinese and ASCII separators, and on / or spaces only next to Chinese", () => {
    expect(splitList("锂电池、动力电池，光伏,PLC;复合材料；玻纤")).toEqual(["锂电池", "动力电池", "光伏", "PLC", "复合材料", "玻纤"]);
    expect(splitList("锂电池/光伏 特高压\u3000记忆棉")).toEqual(["锂电池", "光伏", "特高压", "记忆棉"]);
    expect(splitList("DC/DC、GB/T 32960、OPC UA")).toEqual(["DC/DC", "GB/T 32960", "OPC UA"]);
    expect(splitList("ＰＬＣ、１２３")).toEqual(["PLC", "123"]);
  });
  it("de-duplicate, keep JSON arrays, and bound items and length", () => {
    expect(list("钢球、钢球、轴承", 20, 50)).toEqual({ ok: true, value: ["钢球", "轴承"] });
    expect(list(["钢球", " 轴承 "], 20, 50)).toEqual({ ok: true, value: ["钢球", "轴承"] });
    expect(list(Array.from({ length: 21 }, (_, i) => `k${i}`), 20, 50)).toMatchObject({ ok: false, code: "list_too_many" });
    expect(list("长".repeat(51), 20, 50)).toMatchObject({ ok: false, code: "list_item_too_long" });
    expect(list({ a: 1 }, 20, 50)).toMatchObject({ ok: false, code: "type_invalid" });
  });
});

describe("amounts in 万元", () => {
  it("read numbers as people write them", () => {
    expect(amount("１２０", "wan")).toEqual({ ok: true, value: 120 });
    expect(amount("1,200.5", "wan")).toEqual({ ok: true, value: 1200.5 });
    expect(amount("50万", "wan")).toEqual({ ok: true, value: 50 });
    expect(amount("500000元", "wan")).toEqual({ ok: true, value: 50 });
    expect(amount("1.2亿", "wan")).toEqual({ ok: true, value: 12000 });
    expect(amount(800000, "yuan")).toEqual({ ok: true, value: 80 });
    expect(amount(" ￥30 ", "wan")).toEqual({ ok: true, value: 30 });
  });
  it("面议 and blanks are null", () => {
    for (const v of ["面议", "待定", "协商", "", "  ", null]) expect(amount(v, "wan")).toEqual({ ok: true, value: null });
  });
  it("refuse words, ranges, negatives and absurd figures", () => {
    expect(amount("很多", "wan")).toMatchObject({ ok: false, code: "number_invalid" });
    expect(amount("5-10", "wan")).toMatchObject({ ok: false, code: "number_invalid" });
    expect(amount("-5", "wan")).toMatchObject({ ok: false, code: "amount_negative" });
    expect(amount(-1, "wan")).toMatchObject({ ok: false, code: "amount_negative" });
    expect(amount(5_000_000, "wan")).toMatchObject({ ok: false, code: "amount_too_large" });
    expect(amount(true, "wan")).toMatchObject({ ok: false, code: "number_invalid" });
  });
});

describe("dates", () => {
  it("accept the usual spellings and Excel serials", () => {
    for (const v of ["2018-03-01", "2018/3/1", "2018.3.1", "2018年3月1日", "２０１８年３月１日", "20180301", "2018-03-01 00:00:00", 43160, "43160", new Date(Date.UTC(2018, 2, 1))]) {
      expect(date(v)).toEqual({ ok: true, value: "2018-03-01" });
    }
  });
  it("refuse impossible and out-of-range dates", () => {
    expect(date("2018-02-30")).toMatchObject({ ok: false, code: "date_invalid" });
    expect(date("2018-13-01")).toMatchObject({ ok: false, code: "date_invalid" });
    expect(date("下个月")).toMatchObject({ ok: false, code: "date_invalid" });
    expect(date("1999-12-31")).toMatchObject({ ok: false, code: "date_out_of_range" });
    expect(date(["2018-01-01"])).toMatchObject({ ok: false, code: "type_invalid" });
  });
});

describe("controlled vocabularies", () => {
  it("are exactly the database's lists", async () => {
    const [row] = await sql<{ f: string[]; c: string[] }[]>`select tech_fields() as f, cooperation_modes() as c`;
    expect(TECH_FIELDS.map((o) => o.value)).toEqual(row.f);
    expect(COOPERATION_MODES.map((o) => o.value)).toEqual(row.c);
  });
  it("accept exact values and English names, and suggest the nearest for a near miss", () => {
    expect(oneOf("新材料", TECH_FIELDS)).toEqual({ ok: true, value: "新材料" });
    expect(oneOf("Advanced Manufacturing and Automation", TECH_FIELDS)).toEqual({ ok: true, value: "先进制造与自动化" });
    expect(oneOf("先进制造", TECH_FIELDS)).toMatchObject({ ok: false, code: "enum_suggest", params: { suggestion: "先进制造与自动化" } });
    expect(oneOf("新能源及节能", TECH_FIELDS)).toMatchObject({ ok: false, code: "enum_suggest", params: { suggestion: "新能源与节能" } });
    expect(oneOf("农业", TECH_FIELDS)).toMatchObject({ ok: false, code: "enum_unknown" });
    expect(manyOf("合作开发、联合开发，技术转让", COOPERATION_MODES)).toEqual({ ok: true, value: ["合作开发", "技术转让"] });
    expect(manyOf("合作开发、入股", COOPERATION_MODES)).toMatchObject({ ok: false, code: "enum_unknown" });
  });
});

describe("text", () => {
  it("keeps HTML as text (with a warning) and Chinese punctuation as written", () => {
    const r = text("<script>alert(1)</script>（试验），１２", 200);
    expect(r).toEqual({ ok: true, value: "<script>alert(1)</script>（试验），12", warn: { code: "html_kept", params: {} } });
  });
  it("undoes the export's quote before a formula character, and bounds the length", () => {
    expect(text("'=SUM(A1)", 100)).toMatchObject({ ok: true, value: "=SUM(A1)" });
    expect(text("'普通引号", 100)).toMatchObject({ ok: true, value: "'普通引号" });
    expect(text("长".repeat(201), 200)).toMatchObject({ ok: false, code: "too_long", params: { length: 201, max: 200 } });
  });
  it("refs are 1–64 characters without spaces", () => {
    expect(ref(" N001 ")).toEqual({ ok: true, value: "N001" });
    expect(ref("N 001")).toMatchObject({ ok: false, code: "ref_invalid" });
    expect(ref("x".repeat(65))).toMatchObject({ ok: false, code: "ref_invalid" });
  });
});

describe("headers", () => {
  it("map Chinese and English synonyms, whatever the brackets", () => {
    for (const h of ["预算(万元)", "预算（万元）", "预算/万元", "预算", "Budget", "budget_wan", "*预算（万元）"]) {
      expect(fieldFor("needs", h)?.key).toBe("budget_wan");
    }
    expect(fieldFor("needs", "发布单位")?.key).toBe("org");
    expect(fieldFor("needs", "企业名称")?.key).toBe("org");
    expect(fieldFor("results", "价格（万元）")?.key).toBe("price_wan");
    expect(fieldFor("experts", "研究方向")?.key).toBe("areas");
    expect(fieldFor("organizations", "镇区")?.key).toBe("town");
    expect(headerUnit("预算（元）")).toBe("yuan");
    expect(headerUnit("预算（万元）")).toBe("wan");
  });
  it("tell the kind from the header row or the file name", () => {
    expect(inferKind(["需求名称", "需求描述", "技术领域", "预算（万元）", "企业名称"])).toBe("needs");
    expect(inferKind(["成果名称", "成果简介", "技术领域", "成熟度", "单位", "负责人"])).toBe("results");
    expect(inferKind(["姓名", "职称", "单位", "研究方向", "荣誉"])).toBe("experts");
    expect(inferKind(["单位名称", "简称", "类型", "镇区", "行业"])).toBe("organizations");
    expect(inferKind(["title", "org", "field", "budget", "deadline"])).toBe("needs");
    expect(inferKind(["备注", "其他"])).toBeNull();
    expect(kindFromFilename("needs.json")).toBe("needs");
    expect(kindFromFilename("2018年成果汇总.xlsx")).toBe("results");
  });
});

describe("messages", () => {
  it("have a Chinese default and an English rendering of the same code", () => {
    const i = issue("enum_suggest", { column: "技术领域", value: "先进制造", suggestion: "先进制造与自动化" });
    expect(i.message).toBe("“技术领域”的值“先进制造”不在允许的列表中；您是否指“先进制造与自动化”？");
    expect(formatIssue(i, "en")).toBe('"技术领域": "先进制造" is not an allowed value; did you mean "先进制造与自动化"?');
    expect(i.severity).toBe("error");
    expect(issue("html_kept", { column: "x" }).severity).toBe("warning");
  });
});
