import { readFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { applyImport, planImport, type ImportActor, type ImportFile, type ImportPlan } from "../../db/import/index.server";
import { parsePayload } from "../../search/sync.server";

// CSV and XLSX as the bureau receives them: Chinese or English headers, a title row above the
// header, full-width digits, GBK from Chinese Excel, references by name, short name or ref.

const FIX = path.resolve(import.meta.dirname, "../fixtures/import");
const fixture = (name: string): ImportFile => ({ bytes: readFileSync(path.join(FIX, name)), filename: name });
const cli: ImportActor = { id: null, role: "system" };

const errors = (p: ImportPlan) => [...p.issues, ...p.rows.flatMap((r) => r.issues)].filter((i) => i.severity === "error");
const warnings = (p: ImportPlan) => [...p.issues, ...p.rows.flatMap((r) => r.issues)].filter((i) => i.severity === "warning").map((i) => i.code);

async function importOk(files: ImportFile | ImportFile[], actor = cli) {
  const plan = await planImport(files, actor);
  expect(errors(plan)).toEqual([]);
  const applied = await applyImport(plan, actor);
  if (!applied.ok) throw new Error(JSON.stringify(errors(applied.plan)));
  return { plan, report: applied.report };
}

async function syncPayload() {
  const rows = await sql<{ payload: string }[]>`
    select p.payload::text as payload from graphile_worker._private_jobs p
    join graphile_worker._private_tasks t on t.id = p.task_id where t.identifier = 'search_sync'`;
  return parsePayload(rows.flatMap((r) => JSON.parse(r.payload)));
}

beforeAll(async () => {
  await importOk(fixture("organizations.csv"));
});

describe("CSV with Chinese headers", () => {
  it("maps organizations' Chinese kinds", async () => {
    const orgs = await sql`select ref, kind, short_name, town, city from organization where ref like 'T-O%' order by ref`;
    expect(orgs.map((o) => [o.ref, o.kind])).toEqual([
      ["T-O01", "enterprise"],
      ["T-O02", "enterprise"],
      ["T-O03", "university"],
      ["T-O04", "institute"],
    ]);
    expect(orgs[2]).toMatchObject({ short_name: null, town: null, city: "南通" });
  });

  it("imports needs found under a title row, with org by short name, full name or ref", async () => {
    const { plan, report } = await importOk(fixture("needs-zh.csv"));
    expect(plan.counts).toEqual({ created: 3, updated: 0, unchanged: 0, rejected: 0 });
    expect(warnings(plan)).toEqual(expect.arrayContaining(["rows_above_header", "html_kept"]));
    expect(plan.rows.map((r) => r.row)).toEqual([3, 4, 5]);

    const needs = await sql`
      select n.ref, n.title, n.description, n.field, n.keywords, n.cooperation, n.budget_wan::float8 as budget,
             n.deadline::text as deadline, n.status, n.published_at is not null as published, o.ref as org
      from need n join organization o on o.id = n.org_id where n.ref like 'T-N%' order by n.ref`;
    expect(needs[0]).toMatchObject({
      ref: "T-N01",
      org: "T-O01",
      keywords: ["钢球", "轴承", "机器视觉"],
      cooperation: ["合作开发", "委托开发"],
      budget: 120,
      deadline: "2018-06-30",
      status: "published",
      published: true,
    });
    expect(needs[0].description).toBe("现有人工目检效率低，漏检率约2%。\n希望实现在线自动检测，检出率≥99.5%。");
    expect(needs[1]).toMatchObject({ org: "T-O02", budget: null, deadline: "2018-09-01", keywords: ["锂电池", "动力电池", "低温"] });
    // HTML and script are stored as text, never stripped
    expect(needs[2]).toMatchObject({ title: "<b>复合材料</b>回收利用", org: "T-O01", deadline: "2018-06-30" });
    expect(needs[2].description).toContain("<script>alert(1)</script>");

    // one audit row per record plus one for the import; search sync queued for the new ids
    const audit = await sql`select action, entity, entity_id, before, after from audit_log where action in ('need.import', 'import.apply')`;
    expect(audit.filter((a) => a.action === "need.import")).toHaveLength(3);
    expect(audit.filter((a) => a.action === "import.apply").map((a) => a.after)).toContainEqual(
      expect.objectContaining({ files: ["needs-zh.csv"], counts: { created: 3, updated: 0, unchanged: 0, rejected: 0 } }),
    );
    const queued = (await syncPayload()).get("need") ?? new Set();
    for (const id of report.touched.needs) expect(queued.has(id)).toBe(true);
  });

  it("converts a GBK file from Chinese Excel", async () => {
    const { plan } = await importOk(fixture("needs-gbk.csv"));
    expect(plan.sources[0].encoding).toBe("GB18030");
    expect(warnings(plan)).toContain("encoding_converted");
    const [n] = await sql`select title, description from need where ref = 'T-G01'`;
    expect(n.title).toBe("轴承钢球表面缺陷在线检测（GBK）");
    expect(n.description).toContain("检出率≥99.5%");
  });

  it("reports a re-import as unchanged, and an edited row as updated with what changed", async () => {
    const again = await planImport(fixture("needs-zh.csv"), cli);
    expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 3, rejected: 0 });

    const edited = readFileSync(path.join(FIX, "needs-zh.csv"), "utf8").replace(",１２０,", ",150,");
    const plan = await planImport({ bytes: Buffer.from(edited), filename: "needs-zh.csv" }, cli);
    expect(plan.counts).toEqual({ created: 0, updated: 1, unchanged: 2, rejected: 0 });
    expect(plan.rows[0]).toMatchObject({ action: "updated", changes: ["budget_wan"], ref: "T-N01" });
    const applied = await applyImport(plan, cli);
    expect(applied.ok && applied.report.counts.updated).toBe(1);
    const [n] = await sql`select budget_wan::float8 as b, version from need where ref = 'T-N01'`;
    expect(n).toEqual({ b: 150, version: 2 });
    const [a] = await sql`select before, after from audit_log where action = 'need.import' and entity_id = ${String(plan.rows[0].id)} and before is not null`;
    expect(a.before).toEqual({ budget_wan: 120 });
    expect(a.after).toMatchObject({ budget_wan: 150, _import: { file: "needs-zh.csv", row: 3 } });
  });
});

describe("CSV with English headers", () => {
  it("maps English field names and enum values", async () => {
    const { plan } = await importOk(fixture("results-en.csv"));
    expect(plan.sources[0].kind).toBe("results");
    const rows = await sql`select ref, field, maturity, cooperation, keywords, price_wan::float8 as price, lead_expert_id from result where ref like 'T-R%' order by ref`;
    expect(rows).toEqual([
      { ref: "T-R01", field: "新能源与节能", maturity: "中试", cooperation: ["技术转让", "合作开发"], keywords: ["LiFePO4", "cathode", "coating"], price: 80, lead_expert_id: null },
      { ref: "T-R02", field: "新材料", maturity: "小试", cooperation: ["技术咨询"], keywords: ["composite", "glass fibre"], price: null, lead_expert_id: null },
    ]);
  });
});

async function workbook(sheets: { name: string; rows: unknown[][] }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const r of s.rows) ws.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe("XLSX", () => {
  it("imports experts, then results that name their lead, from the first sheet with data", async () => {
    const experts = await workbook([
      { name: "说明", rows: [] },
      {
        name: "专家",
        rows: [
          ["姓名", "职称", "单位", "研究方向", "荣誉", "简介", "专家编号"],
          ["陈示例", "教授", "南通示例理工学院", "锂电池正极材料、储能", "长江学者", "从事储能材料研究。", "T-X01"],
          [{ richText: [{ text: "王" }, { text: "样本" }] }, "研究员", "T-O04", "复合材料\n玻纤", "", "", "T-X02"],
        ],
      },
      { name: "备用", rows: [["姓名"], ["无关"]] },
    ]);
    const { plan } = await importOk({ bytes: experts, filename: "专家名单.xlsx" });
    expect(plan.counts.created).toBe(2);
    expect(warnings(plan)).toContain("sheet_ignored");
    const [x] = await sql`select name, areas, honors from expert where ref = 'T-X02'`;
    expect(x).toEqual({ name: "王样本", areas: ["复合材料", "玻纤"], honors: [] });

    const results = await workbook([
      {
        name: "成果",
        rows: [
          ["成果名称", "成果简介", "技术领域", "成熟度", "知识产权", "价格(万元)", "单位", "负责人", "发布日期"],
          ["磷酸铁锂正极包覆工艺", "碳包覆工艺。", "新能源与节能", "中试阶段", "发明专利2项", { formula: "40*2", result: 80 }, "南通示例理工学院", "陈示例", new Date(Date.UTC(2018, 4, 2))],
        ],
      },
    ]);
    const r = await importOk({ bytes: results, filename: "成果.xlsx" });
    expect(r.plan.rows[0].ref).toMatch(/^IMP-R-[0-9a-f]{12}$/);
    expect(warnings(r.plan)).toContain("ref_derived");
    const [row] = await sql`
      select r.maturity, r.price_wan::float8 as price, e.ref as lead, to_char(r.published_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') as published
      from result r join expert e on e.id = r.lead_expert_id where r.title = '磷酸铁锂正极包覆工艺'`;
    expect(row).toEqual({ maturity: "中试", price: 80, lead: "T-X01", published: "2018-05-02 09:00" });

    // without a ref column, the same sheet again finds the same record by organization + title
    const again = await planImport({ bytes: results, filename: "成果.xlsx" }, cli);
    expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 1, rejected: 0 });
  });
});

describe("partial sheets and records without a ref", () => {
  it("a sheet with only some columns changes only those", async () => {
    const plan = await planImport({ bytes: Buffer.from("编号,需求名称,发布单位,技术领域,截止日期\nT-N02,储能电池低温性能提升,T-O02,新能源与节能,2019-01-31\n"), filename: "needs.csv" }, cli);
    expect(plan.rows[0]).toMatchObject({ action: "updated", changes: ["deadline"] });
    expect((await applyImport(plan, cli)).ok).toBe(true);
    const [n] = await sql`select deadline::text as d, description, keywords from need where ref = 'T-N02'`;
    expect(n).toEqual({ d: "2019-01-31", description: "-20℃放电容量不足60%，希望提升至80%以上。", keywords: ["锂电池", "动力电池", "低温"] });
  });

  it("a stored record without a ref is found by name, left alone if unchanged, and given a ref when updated", async () => {
    await sql`insert into need (org_id, title, field, status, published_at) select id, '无编号的需求', '新材料', 'published', now() from organization where ref = 'T-O01'`;
    const sheet = (field: string) => ({ bytes: Buffer.from(`需求名称,发布单位,技术领域\n无编号的需求,T-O01,${field}\n`), filename: "needs.csv" });
    const same = await planImport(sheet("新材料"), cli);
    expect(same.rows[0]).toMatchObject({ action: "unchanged", ref: null });
    const changed = await planImport(sheet("电子信息"), cli);
    expect(changed.rows[0]).toMatchObject({ action: "updated", changes: ["field", "ref"] });
    expect((await applyImport(changed, cli)).ok).toBe(true);
    const [n] = await sql`select ref, field from need where title = '无编号的需求'`;
    expect(n.field).toBe("电子信息");
    expect(n.ref).toMatch(/^IMP-N-/);
    expect((await planImport(sheet("电子信息"), cli)).rows[0]).toMatchObject({ action: "unchanged", ref: n.ref });
  });
});

describe("organizations", () => {
  it("warns when a new ref comes with a name that is already taken", async () => {
    const plan = await planImport({ bytes: Buffer.from("单位编号,单位名称,类型\nT-O99,如皋市恒信精密轴承有限公司,企业\n"), filename: "orgs.csv" }, cli);
    expect(plan.rows[0].action).toBe("created");
    expect(plan.rows[0].issues.map((i) => [i.code, i.message])).toEqual([
      ["name_exists", "已有同名单位“如皋市恒信精密轴承有限公司”（编号 T-O01）；此行有自己的编号，将新建一个单位。"],
    ]);
  });
});
