import { describe, expect, it } from "vitest";
import { hasPinyin, isPinyinWord, pinyinTokens } from "../../search/pinyin.server";

describe("pinyinTokens", () => {
  it("writes the toneless pinyin of each Chinese word together, with jieba's parts", () => {
    const tokens = pinyinTokens(["锂电池极片涂布表面缺陷检测"]).split(" ");
    expect(tokens).toEqual(expect.arrayContaining(["lidianchi", "dianchi", "jiance", "tubu"]));
  });

  it("reads polyphones in context and writes ü as v", () => {
    const tokens = pinyinTokens(["重庆大学 绿色 银行"]).split(" ");
    expect(tokens).toEqual(expect.arrayContaining(["chongqing", "lvse", "yinhang"]));
  });

  it("keeps names whole and leaves out single characters, Latin words and punctuation", () => {
    expect(pinyinTokens([], ["钱立衡"])).toBe("qianliheng");
    const tokens = pinyinTokens(["PLC，锂 电 MES（制造执行系统）"]).split(" ");
    expect(tokens).not.toContain("li");
    expect(tokens).not.toContain("plc");
    expect(tokens).toContain("zhizao");
    expect(pinyinTokens([null, undefined, "", "ABC 123"])).toBe("");
  });

  it("has no duplicates", () => {
    const tokens = pinyinTokens(["电池 电池", "电池"]).split(" ");
    expect(tokens.filter((t) => t === "dianchi")).toHaveLength(1);
  });
});

describe("isPinyinWord / hasPinyin", () => {
  it("reads two or more syllables, the last possibly unfinished, in any case", () => {
    for (const w of ["lidian", "lidianchi", "qianliheng", "jianc", "JIANCE", "Chongqing", "lvse"]) expect(isPinyinWord(w), w).toBe(true);
  });

  it("does not take abbreviations, English words or one syllable for pinyin", () => {
    for (const w of ["PLC", "MES", "LED", "AI", "MOSFET", "li", "an", "BMS", "IoT", "lidian2", "锂电"]) expect(isPinyinWord(w), w).toBe(false);
  });

  it("finds a pinyin word in a mixed query", () => {
    expect(hasPinyin("锂电池 jiance")).toBe(true);
    expect(hasPinyin("PLC 立体库")).toBe(false);
    expect(hasPinyin("")).toBe(false);
  });
});
