import { randomBytes } from "node:crypto";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeCsv, readImportFile } from "../../db/import/read.server";

describe("CSV encodings", () => {
  const text = "需求名称\t技术领域\t发布单位\n锂电池低温\t新能源与节能\t力星钢球\n";

  it("UTF-8 with and without BOM, UTF-16 with BOM (Excel's Unicode text, tab-separated)", async () => {
    expect(decodeCsv(Buffer.from(text))).toEqual({ text, encoding: "UTF-8" });
    expect(decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({ text, encoding: "UTF-8" });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, "utf16le")]);
    expect(decodeCsv(utf16)).toEqual({ text, encoding: "UTF-16LE" });
    const read = await readImportFile({ bytes: utf16, filename: "需求.txt" });
    expect(read.table?.headers).toEqual(["需求名称", "技术领域", "发布单位"]);
    expect(read.table?.rows[0].cells).toEqual(["锂电池低温", "新能源与节能", "力星钢球"]);
  });

  it("GBK and GB18030 (characters outside GBK too)", () => {
    expect(decodeCsv(iconv.encode(text, "gbk"))).toEqual({ text, encoding: "GB18030" });
    const rare = "需求名称,技术领域,发布单位\n𠀀测试,新材料,甲\n";
    expect(decodeCsv(iconv.encode(rare, "gb18030"))).toEqual({ text: rare, encoding: "GB18030" });
  });

  it("undecidable bytes", () => {
    expect(decodeCsv(randomBytes(300))).toEqual({ issue: "encoding_unknown" });
    expect(decodeCsv(iconv.encode("需求名稱,技術領域\n鋰電池,新材料\n", "big5"))).toEqual({ issue: "encoding_unknown" });
  });

  it("semicolon-separated files and quoted multi-line cells keep Excel's row numbers", async () => {
    const r = await readImportFile({ bytes: Buffer.from('需求名称;技术领域;发布单位\n"第一行\n第二行";新材料;甲\n乙需求;新材料;乙\n'), filename: "n.csv" });
    expect(r.table?.rows.map((x) => [x.row, x.cells[0]])).toEqual([
      [2, "第一行\n第二行"],
      [3, "乙需求"],
    ]);
  });
});
