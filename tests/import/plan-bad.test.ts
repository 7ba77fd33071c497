import { readFileSync } from "node:fs";
import path from "node:path";
import iconv from "iconv-lite";
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { applyImport, formatIssue, planImport, type ImportActor, type ImportFile, type ImportIssue, type ImportPlan } from "../../db/import/index.server";
import { zip } from "./zip-writer";

// Bad input: each case gets a clear, localisable reason tied to its row and column, and nothing
// is written — not the bad row, not the good rows beside it.

const FIX = path.resolve(import.meta.dirname, "../fixtures/import");
const cli: ImportActor = { id: null, role: "system" };
const csv = (text: string, filename = "needs.csv"): ImportFile => ({ bytes: Buffer.from(text), filename });
const allIssues = (p: ImportPlan): ImportIssue[] => [...p.issues, ...p.rows.flatMap((r) => r.issues)];
const errorsOf = (p: ImportPlan) => allIssues(p).filter((i) => i.severity === "error");

const HEAD = "编号,需求名称,需求描述,技术领域,关键词,合作方式,预算（万元）,截止日期,发布单位\n";
const GOOD = "B-001,好的需求,描述,新材料,玻纤,合作开发,10,2018-05-01,T-O01\n";

async function counts() {
  const [r] = await sql<{ n: number; a: number }[]>`select (select count(*) from need)::int as n, (select count(*) from audit_log where action like '%import%')::int as a`;
  return r;
}

/** Plans the CSV; expects it rejected with exactly one error of `code`; applies nothing. */
async function rejects(body: string, code: string, where: Partial<ImportIssue> = {}) {
  const before = await counts();
  const plan = await planImport(csv(HEAD + GOOD + body), cli);
  expect(plan.ok).toBe(false);
  const errs = errorsOf(plan);
  expect(errs.map((e) => e.code)).toEqual([code]);
  expect(errs[0]).toMatchObject(where);
  expect(errs[0].message).not.toMatch(/\{\w+\}/); // every parameter filled in
  expect(formatIssue(errs[0], "en")).not.toMatch(/\{\w+\}/);
  // the good row would have been created; the plan still says so
  expect(plan.rows[0].action).toBe("created");
  const applied = await applyImport(plan, cli);
  expect(applied.ok).toBe(false);
  expect(await counts()).toEqual(before);
  return errs[0];
}

beforeAll(async () => {
  const p = await planImport({ bytes: readFileSync(path.join(FIX, "organizations.csv")), filename: "organizations.csv" }, cli);
  expect((await applyImport(p, cli)).ok).toBe(true);
});

describe("rows", () => {
  it("wrong types", async () => {
    const e = await rejects("B-002,需求,描述,新材料,,,很多,2018-05-01,T-O01\n", "number_invalid", { row: 3, column: "预算（万元）", field: "budget_wan" });
    expect(e.message).toContain("“很多”不是数字");
    const json = await planImport({ bytes: Buffer.from(JSON.stringify([{ ref: "J1", org: "T-O01", title: { x: 1 }, field: "新材料", keywords: { a: 1 }, budget_wan: true }])), filename: "needs.json" }, cli);
    expect(errorsOf(json).map((i) => [i.code, i.field])).toEqual([
      ["type_invalid", "title"],
      ["type_invalid", "keywords"],
      ["number_invalid", "budget_wan"],
    ]);
  });

  it("overlong text", async () => {
    const e = await rejects(`B-002,${"长".repeat(201)},描述,新材料,,,1,2018-05-01,T-O01\n`, "too_long", { column: "需求名称" });
    expect(e.message).toBe("“需求名称”太长（201 字），最多 200 字。");
  });

  it("missing required values", async () => {
    await rejects("B-002,,描述,新材料,,,1,2018-05-01,T-O01\n", "required", { column: "需求名称", field: "title" });
    await rejects("B-002,需求,描述,新材料,,,1,2018-05-01,\n", "required", { column: "发布单位", field: "org" });
    await rejects("B-002,需求,描述,,,,1,2018-05-01,T-O01\n", "required", { column: "技术领域", field: "field" });
  });

  it("unknown enum values, with the nearest allowed one", async () => {
    const e = await rejects("B-002,需求,描述,先进制造,,,1,2018-05-01,T-O01\n", "enum_suggest", { column: "技术领域" });
    expect(e.params.suggestion).toBe("先进制造与自动化");
    await rejects("B-002,需求,描述,新材料,,入股,1,2018-05-01,T-O01\n", "enum_unknown", { column: "合作方式" });
  });

  it("negative and absurd amounts", async () => {
    await rejects("B-002,需求,描述,新材料,,,-5,2018-05-01,T-O01\n", "amount_negative");
    const e = await rejects("B-002,需求,描述,新材料,,,50000000,2018-05-01,T-O01\n", "amount_too_large");
    expect(e.message).toContain("是否按“元”填写了");
  });

  it("impossible dates", async () => {
    await rejects("B-002,需求,描述,新材料,,,1,2018-02-30,T-O01\n", "date_invalid", { column: "截止日期" });
    await rejects("B-002,需求,描述,新材料,,,1,1899-01-01,T-O01\n", "date_out_of_range");
  });

  it("duplicate refs within the file, and across the files of a folder", async () => {
    const plan = await planImport(csv(HEAD + GOOD + "B-001,另一个,描述,新材料,,,1,2018-05-01,T-O01\n"), cli);
    expect(errorsOf(plan).map((e) => [e.code, e.row])).toEqual([
      ["ref_duplicate", 2],
      ["ref_duplicate", 3],
    ]);
    const two = await planImport([csv(HEAD + GOOD, "a.csv"), csv(HEAD + GOOD, "b.csv")], cli);
    expect(errorsOf(two).map((e) => e.message)).toEqual([
      "编号“B-001”在导入数据中重复出现（b.csv 第 2 行）。每条记录只能出现一次。",
      "编号“B-001”在导入数据中重复出现（a.csv 第 2 行）。每条记录只能出现一次。",
    ]);
  });

  it("references to unknown organizations, with a suggestion when one is close", async () => {
    await rejects("B-002,需求,描述,新材料,,,1,2018-05-01,不存在的公司\n", "org_unknown", { field: "org" });
    const e = await rejects("B-002,需求,描述,新材料,,,1,2018-05-01,恒信精密轴承有限公司\n", "org_unknown_suggest");
    expect(e.params.suggestion).toBe("如皋市恒信精密轴承有限公司");
  });

  it("a reference to a row rejected in the same import says so", async () => {
    const orgs = csv("单位编号,单位名称,类型\nB-O1,新单位,不知道\n", "orgs.csv");
    const plan = await planImport([orgs, csv(HEAD + "B-009,需求,描述,新材料,,,1,2018-05-01,B-O1\n")], cli);
    expect(errorsOf(plan).map((e) => e.code)).toEqual(["enum_unknown", "ref_rejected"]);
  });
});

describe("files", () => {
  async function fileRejected(file: ImportFile, code: string) {
    const plan = await planImport(file, cli);
    expect(plan.ok).toBe(false);
    expect(errorsOf(plan).map((e) => e.code)).toEqual([code]);
    expect(errorsOf(plan)[0].message.length).toBeGreaterThan(5);
    return errorsOf(plan)[0];
  }

  it("an empty file, a CSV with only headers, no header at all", async () => {
    await fileRejected(csv(""), "file_empty");
    await fileRejected(csv("\n\n"), "file_empty");
    await fileRejected(csv(HEAD), "only_headers");
    await fileRejected(csv("a,b\n1,2\n"), "no_header");
    await fileRejected({ bytes: Buffer.from("[]"), filename: "needs.json" }, "only_headers");
  });

  it("missing and doubled columns", async () => {
    const e = await fileRejected(csv("需求名称,技术领域\n需求,新材料\n"), "header_missing");
    expect(e.message).toContain("发布单位");
    await fileRejected(csv("需求名称,标题,技术领域,发布单位\n需求,需求,新材料,T-O01\n"), "header_duplicate");
  });

  it("a kind that cannot be told from the headers", async () => {
    await fileRejected(csv("名称,简介\n甲,乙\n", "data.csv"), "kind_unknown");
  });

  it("too many rows", async () => {
    const body = Array.from({ length: 50_001 }, (_, i) => `B-${i},需求${i},,新材料,,,,,T-O01`).join("\n");
    const e = await fileRejected(csv(HEAD + body), "too_many_rows");
    expect(e.params.limit).toBe(50_000);
  });

  it("a CSV in an encoding that is neither UTF-8 nor GBK: says to save as CSV UTF-8", async () => {
    const sjis = iconv.encode("タイトル,説明,分野\n電池の開発,テスト,材料\n", "shift_jis");
    const e = await fileRejected({ bytes: sjis, filename: "needs.csv" }, "encoding_unknown");
    expect(e.message).toContain("CSV UTF-8");
  });

  it("a file that is not an XLSX, and a legacy .xls", async () => {
    await fileRejected({ bytes: Buffer.from("这不是表格"), filename: "needs.xlsx" }, "not_xlsx");
    await fileRejected({ bytes: zip([{ name: "hello.txt", data: Buffer.from("hi") }]), filename: "needs.xlsx" }, "not_xlsx");
    const ole = Buffer.alloc(512);
    ole.writeUInt32BE(0xd0cf11e0, 0);
    ole.writeUInt32BE(0xa1b11ae1, 4);
    const e = await fileRejected({ bytes: ole, filename: "needs.xls" }, "xls_legacy");
    expect(e.message).toContain("另存为");
  });

  it("an XLSX zip bomb: refused from its directory before anything is inflated", async () => {
    const workbook = { name: "xl/workbook.xml", data: Buffer.from("<workbook/>") };
    // declares 200 MB in total (two 100 MB entries)
    const big = { name: "xl/worksheets/sheet1.xml", data: Buffer.alloc(10), declaredSize: 100 * 1024 * 1024 };
    const e = await fileRejected({ bytes: zip([workbook, big, { ...big, name: "xl/worksheets/sheet2.xml" }]), filename: "bomb.xlsx" }, "zip_too_large");
    expect(e.message).toContain("压缩炸弹");
    // a 5 MB part squeezed a thousandfold
    await fileRejected({ bytes: zip([workbook, { name: "xl/sharedStrings.xml", data: Buffer.alloc(5 * 1024 * 1024) }]), filename: "bomb.xlsx" }, "zip_ratio");
  });

  it("an XLSX whose directory lies about a part's size: stopped at the declared size", async () => {
    const lie = { name: "xl/worksheets/sheet1.xml", data: Buffer.alloc(20 * 1024 * 1024, 0x41), declaredSize: 1000 };
    await fileRejected({ bytes: zip([{ name: "xl/workbook.xml", data: Buffer.from("<workbook/>") }, lie]), filename: "lie.xlsx" }, "zip_mismatch");
  });

  it("an upload over the byte limit", async () => {
    await fileRejected({ bytes: Buffer.alloc(11 * 1024 * 1024), filename: "big.xlsx" }, "file_too_large");
  });
});

describe("all or nothing", () => {
  it("writes nothing when the database changed after the plan and a reference is gone", async () => {
    await sql`insert into organization (ref, kind, name) values ('B-TMP', 'enterprise', '临时单位')`;
    const plan = await planImport(csv(HEAD + GOOD + "B-003,需求三,描述,新材料,,,1,2018-05-01,B-TMP\n"), cli);
    expect(plan.ok).toBe(true);
    await sql`delete from organization where ref = 'B-TMP'`;
    const before = await counts();
    const applied = await applyImport(plan, cli);
    expect(applied.ok).toBe(false);
    expect(errorsOf(applied.plan).map((e) => [e.code, e.row])).toEqual([["org_unknown", 3]]);
    expect(await counts()).toEqual(before);
  });
});

describe("members", () => {
  let member: ImportActor;
  beforeAll(async () => {
    await sql`insert into app_user (id, email, name, role) values ('u-member', 'm@example.com', '成员', 'member')`;
    await sql`insert into membership (org_id, user_id) select id, 'u-member' from organization where ref = 'T-O01'`;
    member = { id: "u-member", role: "member" };
  });

  it("may import only for their own organization, and submit for review", async () => {
    const plan = await planImport(csv(HEAD + "M-1,本单位需求,描述,新材料,,,1,2018-05-01,T-O01\nM-2,别人的需求,描述,新材料,,,1,2018-05-01,T-O02\n"), member);
    expect(errorsOf(plan).map((e) => [e.code, e.row])).toEqual([["not_your_org", 3]]);
    const mine = await planImport(csv(HEAD + "M-1,本单位需求,描述,新材料,,,1,2018-05-01,T-O01\n"), member);
    const applied = await applyImport(mine, member);
    expect(applied.ok).toBe(true);
    const [n] = await sql`select status, created_by, published_at from need where ref = 'M-1'`;
    expect(n).toEqual({ status: "pending_review", created_by: "u-member", published_at: null });
  });

  it("may not publish, overwrite another organization's record, or import organizations", async () => {
    const withStatus = "编号,需求名称,技术领域,发布单位,状态\nM-3,需求,新材料,T-O01,已发布\n";
    expect(errorsOf(await planImport(csv(withStatus), member)).map((e) => e.code)).toEqual(["status_not_allowed"]);
    // B-001 does not exist; T-N-like refs of other orgs do
    await sql`insert into need (ref, org_id, title, field, status, published_at) select 'OTHER-1', id, '别人的', '新材料', 'published', now() from organization where ref = 'T-O02'`;
    const steal = await planImport(csv(HEAD + "OTHER-1,改标题,描述,新材料,,,1,2018-05-01,T-O01\n"), member);
    expect(errorsOf(steal).map((e) => e.code)).toEqual(["not_your_record"]);
    const orgs = await planImport(csv("单位名称,类型\n某公司,企业\n", "orgs.csv"), member);
    expect(errorsOf(orgs).map((e) => e.code)).toEqual(["kind_not_allowed"]);
  });
});
