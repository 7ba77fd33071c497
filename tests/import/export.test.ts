import path from "node:path";
import { inflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { toCsv, toXlsx, type ExportColumn } from "../../app/utils/export.server";
import { sql } from "../../db/client.server";
import { exportColumns, exportRows } from "../../db/import/export.server";
import { applyImport, IMPORT_KINDS, importFilesFromPath, planImport, type ImportActor } from "../../db/import/index.server";
import { readZipDirectory } from "../../db/import/zip.server";

const cli: ImportActor = { id: null, role: "system" };
type Row = Record<string, unknown>;
const columns: ExportColumn<Row>[] = [
  { key: "title", header_zh: "需求名称", header_en: "title" },
  { key: "keywords", header_zh: "关键词", header_en: "keywords" },
  { key: "budget", header_zh: "预算(万元)", header_en: "budget" },
  { key: "deadline", header_zh: "截止日期", header_en: "deadline", type: "date" },
];
const DANGER = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "＝1+1", "＋1", "－1", "＠x"];

function sheetXml(xlsx: Buffer): string {
  const dir = readZipDirectory(xlsx, { maxUncompressedBytes: 1e8, maxEntries: 100, maxRatio: 1e6, ratioFloorBytes: 0 });
  if (!dir.ok) throw new Error("not a zip");
  const e = dir.entries.find((x) => x.name === "xl/worksheets/sheet1.xml");
  if (!e) throw new Error("no sheet1");
  const start = e.offset + 30 + xlsx.readUInt16LE(e.offset + 26) + xlsx.readUInt16LE(e.offset + 28);
  const data = xlsx.subarray(start, start + e.compressedSize);
  return (e.method === 0 ? data : inflateRawSync(data)).toString("utf8");
}

describe("toCsv", () => {
  it("writes a BOM, CRLF, Chinese headers and joined lists", () => {
    const csv = toCsv([{ title: "锂电池，低温", keywords: ["锂电池", "低温"], budget: 12.5, deadline: "2018-06-30" }], columns);
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.toString("utf8").slice(1)).toBe("需求名称,关键词,预算(万元),截止日期\r\n锂电池，低温,锂电池、低温,12.5,2018-06-30\r\n");
    expect(toCsv([], columns, { locale: "en" }).toString("utf8").slice(1)).toBe("title,keywords,budget,deadline\r\n");
  });

  it("puts a quote before every text a spreadsheet would evaluate, and leaves numbers alone", () => {
    const csv = toCsv(
      DANGER.map((title) => ({ title, budget: -5 })),
      columns,
    ).toString("utf8");
    const lines = csv.slice(1).split("\r\n").slice(1, -1);
    // each dangerous cell starts with a quote (inside CSV quotes where the cell needs them)
    expect(lines.map((l) => l.replace(/^"/, "").slice(0, 2))).toEqual(DANGER.map((d) => `'${d[0]}`));
    expect(lines[0]).toBe("'=1+1,,-5,");
  });
});

describe("toXlsx", () => {
  it("writes Chinese headers, real dates, and dangerous text as plain strings, never formulas", async () => {
    const buf = await toXlsx(
      DANGER.map((title, i) => ({ title, keywords: ["钢球", "轴承"], budget: i, deadline: "2018-06-30" })),
      columns,
      "技术需求/2018",
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0];
    expect(ws.name).toBe("技术需求 2018");
    expect(ws.getRow(1).values).toEqual([undefined, "需求名称", "关键词", "预算(万元)", "截止日期"]);
    DANGER.forEach((d, i) => {
      const cell = ws.getRow(i + 2).getCell(1);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(d.replace("\r", "\n")); // XML reads a bare CR as LF
      expect(cell.numFmt).toBe("@");
    });
    expect(ws.getRow(2).getCell(2).value).toBe("钢球、轴承");
    expect(ws.getRow(2).getCell(4).value).toEqual(new Date("2018-06-30T00:00:00Z"));
    // and in the file itself: no formula element anywhere
    expect(sheetXml(buf)).not.toContain("<f>");
  });
});

describe("round trip", () => {
  beforeAll(async () => {
    const plan = await planImport(await importFilesFromPath(path.resolve(import.meta.dirname, "../../db/seeds/demo")), cli);
    expect((await applyImport(plan, cli)).ok).toBe(true);
    // a record with formula-like text, a null ref, HTML, and a draft without a field
    await sql`update need set title = '=HYPERLINK("http://x","点我")', description = '<img src=x onerror=alert(1)>' where ref = 'N002'`;
    await sql`insert into need (org_id, title, status) select id, '－负温度系数材料', 'draft' from organization where ref = 'O-E001'`;
  });

  for (const format of ["csv", "xlsx"] as const) {
    it(`exports every kind to ${format.toUpperCase()} and imports it back as unchanged`, async () => {
      const files = [];
      for (const kind of IMPORT_KINDS) {
        const rows: Row[] = [];
        for await (const r of exportRows(sql, kind, { batch: 100 })) rows.push(r);
        const bytes = format === "csv" ? toCsv(rows, exportColumns(kind)) : await toXlsx(rows, exportColumns(kind), kind);
        files.push({ bytes, filename: `${kind}.${format}` });
      }
      const plan = await planImport(files, cli);
      expect(plan.rows.flatMap((r) => r.issues).filter((i) => i.severity === "error")).toEqual([]);
      expect(plan.rows.filter((r) => r.action !== "unchanged").map((r) => [r.ref, r.changes, r.values.title])).toEqual([]);
      expect(plan.counts).toEqual({ created: 0, updated: 0, unchanged: 109 + 151 + 186 + 420, rejected: 0 });
      expect(plan.sources.map((s) => s.kind)).toEqual(["organizations", "experts", "needs", "results"]);
    });
  }

  it("uses the Chinese headers the importer reads first", () => {
    expect(exportColumns("needs").map((c) => c.header_zh)).toEqual([
      "需求编号", "需求名称", "需求描述", "技术领域", "关键词", "合作方式", "预算(万元)", "截止日期", "发布单位", "发布单位编号",
      "状态", "公开范围", "联系人", "联系电话", "联系邮箱", "发布日期",
    ]);
  });
});
