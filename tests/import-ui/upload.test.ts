import { readFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { IMPORT_KINDS, IMPORT_LIMITS } from "../../db/import/index.server";
import { IMPORT_KIND_VALUES } from "~/components/import/kinds";
import { readUploadForm } from "~/models/import-upload.server";
import { makeOrg } from "../app/helpers";
import {
  confirm,
  count,
  multipartRequest,
  ORIGIN,
  post,
  preview,
  rejectedCsv,
  template,
  toastOf,
  upload,
  uploadForm,
  uploadId,
  uploadPage,
  userWithCookie,
  viewOf,
  type TestUser,
  type Upload,
} from "./helpers";

// The import page end to end through its route modules: upload (multipart, bounded), dry-run
// preview, confirmation (once), refusals, downloads — against this file's own database.

const DEMO = path.resolve(import.meta.dirname, "../../db/seeds/demo");
const demo = (name: string) => ({ name, content: readFileSync(path.join(DEMO, name)), type: "application/json" });

const NEEDS_HEADER = "需求编号,需求名称,需求描述,技术领域,合作方式,预算(万元),发布单位";
function needsCsv(rows: string[]) {
  return { name: "需求.csv", content: `\uFEFF${NEEDS_HEADER}\r\n${rows.join("\r\n")}\r\n`, type: "text/csv" };
}

let organizer: TestUser;
let other: TestUser;

beforeAll(async () => {
  organizer = await userWithCookie({ role: "organizer", name: "科技局组织者" });
  other = await userWithCookie({ role: "organizer", name: "另一位组织者" });
  await makeOrg("如皋恒信轴承有限公司", "enterprise");
});

describe("the upload page", () => {
  test("anonymous visitors are sent to log in, for the page and the upload", async () => {
    const page = await uploadPage(null);
    expect(page.status).toBe(302);
    expect(page.location).toBe("/login?redirectTo=%2Fimport");
    const posted = await upload(null, [needsCsv(["T-1,标题,描述,新材料,合作开发,10,如皋恒信轴承有限公司"])]);
    expect(posted.status).toBe(302);
    expect(posted.location).toMatch(/^\/login/);
    expect(await count("import_upload")).toBe(0);
  });

  test("staff are offered every kind, with the limits", async () => {
    const page = await uploadPage(organizer);
    expect(page.data).toMatchObject({
      rights: { allowed: true, kinds: ["needs", "results", "experts", "organizations"] },
      limits: { csv: "50 MB", xlsx: "10 MB", rows: 50_000 },
    });
  });

  test("the page's kinds are the import core's", () => {
    expect([...IMPORT_KIND_VALUES].sort()).toEqual([...IMPORT_KINDS].sort());
  });

  test("no file chosen: a field error, nothing stored", async () => {
    const res = await upload(organizer, [{ name: "", content: "" }]);
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ result: { error: { files: ["import.upload.noFile"] } } });
    const none = await upload(organizer, []);
    expect(none.status).toBe(400);
    expect(await count("import_upload")).toBe(0);
  });

  test("an unknown intent is a 400", async () => {
    const res = await upload(organizer, [needsCsv(["T-1,标题,描述,新材料,合作开发,10,如皋恒信轴承有限公司"])], { intent: "publish" });
    expect(res.status).toBe(400);
  });

  test("a request that is not multipart is a 400, not a 500", async () => {
    const { action } = await import("~/routes/import._index");
    const req = new Request(`${ORIGIN}/import`, {
      method: "POST",
      headers: { Cookie: organizer.cookie, Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
      body: "intent=upload",
    });
    let status = 0;
    try {
      await action({ request: req, params: {}, context: {} });
    } catch (thrown) {
      if (thrown instanceof Response) status = thrown.status;
    }
    expect(status).toBe(400);
  });
});

describe("the demo JSON, previewed then imported once", () => {
  let id = "";

  test("organizations.json + needs.json: the preview counts, nothing written", async () => {
    id = await uploadId(organizer, [demo("organizations.json"), demo("needs.json")]);
    const res = await preview(organizer, id);
    expect(res.status).toBe(200);
    const view = viewOf(res.data);
    expect(view.state).toBe("preview");
    expect(view.ok).toBe(true);
    expect(view.counts).toEqual({ created: 109 + 185, updated: 0, unchanged: 0, rejected: 0 });
    expect(view.byKind).toEqual({
      organizations: { created: 109, updated: 0, unchanged: 0, rejected: 0 },
      needs: { created: 185, updated: 0, unchanged: 0, rejected: 0 },
    });
    expect(view.files.map((f) => f.filename)).toEqual(["organizations.json", "needs.json"]);
    // paged: 294 rows, 50 per page
    expect(view.page).toMatchObject({ filter: "all", number: 1, pages: 6, total: 294 });
    expect(view.page.rows).toHaveLength(50);
    expect(view.page.rows[0]).toMatchObject({ kind: "organizations", action: "created", ref: "O-E001" });
    const last = viewOf((await preview(organizer, id, "?page=6")).data);
    expect(last.page.rows).toHaveLength(44);
    // a page past the end shows the last one
    expect(viewOf((await preview(organizer, id, "?page=99")).data).page.number).toBe(6);
    expect(last.page.rows.at(-1)).toMatchObject({ kind: "needs", ref: "N185" });
    // nothing in the catalog yet
    expect(await count("need")).toBe(0);
    expect(await count("organization")).toBe(1);
  });

  test("confirm writes every row once and says so in a toast", async () => {
    const res = await confirm(organizer, id);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/import/${id}`);
    expect(toastOf(res.headers)).toMatchObject({
      description: "import.toasts.imported",
      values: { created: 294, updated: 0, unchanged: 0 },
    });
    expect(await count("need")).toBe(185);
    expect(await count("organization")).toBe(110);
    const view = viewOf((await preview(organizer, id)).data);
    expect(view.state).toBe("imported");
    expect(view.applied?.counts).toEqual({ created: 294, updated: 0, unchanged: 0, rejected: 0 });
    // the bytes are not kept once imported
    expect((await sql`select 1 from import_upload_file where upload_id = ${id}`).length).toBe(0);
  });

  test("a second confirmation is refused and writes nothing", async () => {
    const again = await confirm(organizer, id);
    expect(again.status).toBe(409);
    expect(again.data).toEqual({ problem: "import.errors.consumed" });
    expect(await count("need")).toBe(185);
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'import.apply'`;
    expect(n).toBe(1);
  });

  test("the same file again previews as all unchanged", async () => {
    const again = await uploadId(organizer, [demo("needs.json")]);
    const view = viewOf((await preview(organizer, again)).data);
    expect(view.counts).toEqual({ created: 0, updated: 0, unchanged: 185, rejected: 0 });
  });
});

describe("two confirmations at the same moment (a double click)", () => {
  test("exactly one imports", async () => {
    const id = await uploadId(organizer, [
      needsCsv(["T-D1,双击测试一,描述,新材料,合作开发,10,如皋恒信轴承有限公司", "T-D2,双击测试二,描述,新材料,技术转让,面议,如皋恒信轴承有限公司"]),
    ]);
    const before = await count("need");
    const results = await Promise.all([confirm(organizer, id), confirm(organizer, id), confirm(organizer, id)]);
    expect(results.map((r) => r.status).sort()).toEqual([302, 409, 409]);
    expect(await count("need")).toBe(before + 2);
  });
});

describe("a CSV of needs with a bad row", () => {
  let id = "";

  test("the rejected row is shown with its column and reason, in the UI language", async () => {
    id = await uploadId(organizer, [
      needsCsv([
        "T-N01,轴承钢球表面缺陷在线检测,人工目检效率低,先进制造与自动化,合作开发,120,如皋恒信轴承有限公司",
        "T-N02,储能电池低温性能提升,低温放电容量不足,先进制造,技术转让,面议,如皋恒信轴承有限公司",
        "T-N03,=HYPERLINK(\"http://evil\"),公式注入测试,新材料,合作开发,-5,如皋恒信轴承有限公司",
      ]),
    ]);
    const view = viewOf((await preview(organizer, id)).data);
    expect(view.ok).toBe(false);
    expect(view.counts).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 2 });
    // rejected rows first
    expect(view.page.filter).toBe("rejected");
    expect(view.page.rows.map((r) => r.row)).toEqual([3, 4]);
    const [field, amount] = view.page.rows;
    expect(field.issues).toContainEqual(
      expect.objectContaining({ severity: "error", column: "技术领域", message: expect.stringContaining("先进制造与自动化") }),
    );
    expect(amount.issues).toContainEqual(expect.objectContaining({ severity: "error", column: "预算(万元)", message: expect.stringContaining("不能为负数") }));

    const english = viewOf((await preview(organizer, id, "", "en")).data);
    expect(english.page.rows[0].issues[0].message).toMatch(/not an allowed value; did you mean "先进制造与自动化"/);

    const all = viewOf((await preview(organizer, id, "?show=all")).data);
    expect(all.page.rows.map((r) => r.action)).toEqual(["created", "rejected", "rejected"]);
  });

  test("the confirmation is refused (all or nothing) and nothing is written", async () => {
    const before = await count("need");
    const res = await confirm(organizer, id);
    expect(res.status).toBe(409);
    expect(res.data).toEqual({ problem: "import.errors.rejected" });
    expect(await count("need")).toBe(before);
    expect(viewOf((await preview(organizer, id)).data).state).toBe("preview");
  });

  test("the rejected rows download as CSV with their reasons, formula-safe", async () => {
    const res = await rejectedCsv(organizer, id);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    // (Response.text() drops the BOM that toCsv writes for Excel)
    const text = String(res.data);
    expect(text.split("\r\n")[0]).toBe("文件,行号,类型,编号,名称,出错的列,拒绝原因");
    expect(text).toContain("储能电池低温性能提升");
    expect(text).toContain("您是否指“先进制造与自动化”");
    // the title that looks like a formula is neutralised
    expect(text).toContain("'=HYPERLINK");
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
    const en = String((await rejectedCsv(organizer, id, "en")).data);
    expect(en).toContain("file,row,kind,ref,title,columns,reasons");
    expect(en).toContain("cannot be negative");
  });
});

describe("file-level problems", () => {
  const cases: [string, Upload, string][] = [
    ["an empty file", { name: "空.csv", content: "" }, "file_empty"],
    ["a file that says .xlsx but is not one", { name: "需求.xlsx", content: "这不是一个工作簿" }, "not_xlsx"],
    ["an undecidable 8-bit CSV", { name: "乱码.csv", content: Buffer.from([0x81, 0x30, 0xff, 0xfe, 0x2c, 0x80, 0x0a, 0xa0, 0xa1, 0x2c, 0xff]) }, "encoding_unknown"],
    ["a legacy .xls", { name: "旧表.xls", content: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]) }, "xls_legacy"],
  ];
  test.each(cases)("%s: the preview says so and the import is blocked", async (_label, file, code) => {
    const id = await uploadId(organizer, [file]);
    const view = viewOf((await preview(organizer, id)).data);
    expect(view.ok).toBe(false);
    expect(view.fileIssues).toContainEqual(expect.objectContaining({ severity: "error", code }));
    const res = await confirm(organizer, id);
    expect(res.status).toBe(409);
  });

  test("too many rows is a file-level error", async () => {
    const rows = Array.from({ length: IMPORT_LIMITS.maxRows + 1 }, (_, i) => `X-${i},标题${i},描述,新材料,合作开发,1,如皋恒信轴承有限公司`);
    const id = await uploadId(organizer, [needsCsv(rows)]);
    const view = viewOf((await preview(organizer, id)).data);
    expect(view.ok).toBe(false);
    expect(view.fileIssues.map((i) => i.message).join(" ")).toContain("超过单次导入上限");
  });
});

describe("an upload that is too large", () => {
  test("is refused with a clear message and nothing is stored", async () => {
    const before = await count("import_upload");
    const big = Buffer.alloc(IMPORT_LIMITS.maxFileBytes + 1024, 0x41);
    const res = await upload(organizer, [{ name: "巨大.csv", content: big, type: "text/csv" }]);
    expect(res.status).toBe(413);
    expect(res.data).toMatchObject({ problem: { key: expect.stringMatching(/^import\.upload\.tooLarge/), values: { limit: "50 MB" } } });
    expect(await count("import_upload")).toBe(before);
  });

  test("is stopped while streaming (no Content-Length), per file and in total", async () => {
    const limits = { maxFileBytes: 1000, maxXlsxBytes: 500, maxTotalBytes: 1500, maxFiles: 3 };
    const streamed = (form: FormData) => {
      const req = multipartRequest("/import", form);
      return new Request(req.url, {
        method: "POST",
        headers: { "Content-Type": req.headers.get("Content-Type") ?? "" },
        body: req.body,
        duplex: "half",
      } as RequestInit);
    };
    const csv = await readUploadForm(streamed(uploadForm([{ name: "a.csv", content: Buffer.alloc(1001) }])), limits);
    expect(csv).toEqual({ ok: false, tooLarge: { file: "a.csv", limitBytes: 1000 } });
    const xlsx = await readUploadForm(streamed(uploadForm([{ name: "b.xlsx", content: Buffer.alloc(501) }])), limits);
    expect(xlsx).toEqual({ ok: false, tooLarge: { file: "b.xlsx", limitBytes: 500 } });
    const total = await readUploadForm(
      streamed(uploadForm([{ name: "1.json", content: Buffer.alloc(900) }, { name: "2.json", content: Buffer.alloc(900) }])),
      limits,
    );
    expect(total).toEqual({ ok: false, tooLarge: { file: "2.json", limitBytes: 1500 } });
    const many = await readUploadForm(
      streamed(uploadForm(["1", "2", "3", "4"].map((n) => ({ name: `${n}.json`, content: "[]" })))),
      limits,
    );
    expect(many).toEqual({ ok: false, tooManyFiles: 3 });
    const fine = await readUploadForm(streamed(uploadForm([{ name: "ok.csv", content: Buffer.alloc(999) }])), limits);
    expect(fine.ok).toBe(true);
  });
});

describe("whose upload it is", () => {
  let id = "";
  beforeAll(async () => {
    id = await uploadId(organizer, [needsCsv(["T-O1,别人的上传,描述,新材料,合作开发,10,如皋恒信轴承有限公司"])]);
  });

  test("another user's upload id is a 404 everywhere, and nothing is written", async () => {
    const before = await count("need");
    expect((await preview(other, id)).status).toBe(404);
    expect((await confirm(other, id)).status).toBe(404);
    expect((await post(other, id, "discard")).status).toBe(404);
    expect((await rejectedCsv(other, id)).status).toBe(404);
    expect(await count("need")).toBe(before);
    expect((await preview(organizer, id)).status).toBe(200);
  });

  test("a made-up or malformed id is a 404; anonymous is sent to log in", async () => {
    expect((await preview(organizer, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await preview(organizer, "not-a-uuid")).status).toBe(404);
    const anon = await preview(null, id);
    expect(anon.status).toBe(302);
    expect(anon.location).toMatch(/^\/login\?redirectTo=/);
    expect((await confirm(null, id)).status).toBe(302);
  });

  test("an unknown intent on the preview is a 400", async () => {
    expect((await post(organizer, id, "apply-anyway")).status).toBe(400);
  });

  test("an expired upload is shown as expired and cannot be confirmed", async () => {
    await sql`update import_upload set created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' where id = ${id}`;
    expect(viewOf((await preview(organizer, id)).data).state).toBe("expired");
    const res = await confirm(organizer, id);
    expect(res.status).toBe(410);
    expect(res.data).toEqual({ problem: "import.errors.expired" });
  });

  test("discarding deletes the upload", async () => {
    const mine = await uploadId(organizer, [needsCsv(["T-X1,放弃的上传,描述,新材料,合作开发,10,如皋恒信轴承有限公司"])]);
    const res = await post(organizer, mine, "discard");
    expect(res.status).toBe(302);
    expect(res.location).toBe("/import");
    expect(toastOf(res.headers)).toMatchObject({ description: "import.toasts.discarded" });
    expect((await preview(organizer, mine)).status).toBe(404);
  });
});

describe("the database changes between the preview and the confirmation", () => {
  test("the confirmation re-plans, writes nothing and shows why", async () => {
    const orgId = await makeOrg("将被删除的企业", "enterprise");
    const id = await uploadId(organizer, [needsCsv(["T-C1,预览后单位被删除,描述,新材料,合作开发,10,将被删除的企业"])]);
    expect(viewOf((await preview(organizer, id)).data).ok).toBe(true);
    await sql`delete from organization where id = ${orgId}`;
    const before = await count("need");
    const res = await confirm(organizer, id);
    expect(res.status).toBe(409);
    expect(res.data).toEqual({ problem: "import.errors.changed" });
    expect(await count("need")).toBe(before);
    const view = viewOf((await preview(organizer, id)).data);
    expect(view).toMatchObject({ state: "preview", ok: false, replanned: true, counts: { rejected: 1 } });
    expect(view.page.rows[0].issues[0].message).toContain("找不到单位");
  });
});

describe("templates", () => {
  test("CSV with the Chinese headers (and a BOM for Excel)", async () => {
    const res = await template(organizer, "kind=needs&format=csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toContain(encodeURIComponent("技术需求导入模板.csv"));
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const header = text.slice(1).split("\r\n")[0].split(",");
    expect(header).toEqual(expect.arrayContaining(["需求编号", "需求名称", "需求描述", "技术领域", "合作方式", "预算(万元)", "发布单位"]));
  });

  test("XLSX with the Chinese headers, for every kind", async () => {
    const expected = { needs: "需求名称", results: "成果名称", experts: "姓名", organizations: "单位名称" };
    for (const [kind, header] of Object.entries(expected)) {
      const res = await template(organizer, `kind=${kind}&format=xlsx`);
      expect(res.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer());
      const values = wb.worksheets[0].getRow(1).values;
      expect(Array.isArray(values) ? values : []).toContain(header);
    }
  });

  test("a bad kind or format is a 400; anonymous is sent to log in", async () => {
    expect((await template(organizer, "kind=events&format=csv")).status).toBe(400);
    expect((await template(organizer, "kind=needs&format=pdf")).status).toBe(400);
    expect((await template(null, "kind=needs&format=csv")).status).toBe(302);
  });
});
