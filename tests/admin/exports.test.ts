import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";
import { loader as exportLoader } from "~/routes/exports.$kind";
import { loader as exportsPage } from "~/routes/exports._index";
import { getRequest, need, run, world, type World } from "../catalog/helpers";
import { cookieOf, ctx, STANDINGS } from "./helpers";

// Exports of the catalog lists: Chinese headers (the importer's), Chinese content, CSV as UTF-8
// with a BOM (as the search export), cells a spreadsheet would run as formulas neutralized, and
// only what the reader may read — contact details only for staff and the owning organization.

let w: World;
let published: { id: number };
let draft: { id: number };
let dangerous: { id: number };
beforeAll(async () => {
  w = await world();
  published = await need(w.entA, { title: "高镍正极材料烧结工艺优化", ref: "EXP-PUB" });
  draft = await need(w.entA, { status: "draft", title: "甲企业的草稿需求", ref: "EXP-DRAFT" });
  await need(w.entB, { status: "draft", title: "乙企业的草稿需求", ref: "EXP-B-DRAFT" });
  await need(w.entB, { visibility: "members", title: "乙企业登录可见需求", ref: "EXP-B-MEM" });
  dangerous = await need(w.entB, { title: "=HYPERLINK(\"http://evil\")", ref: "EXP-DANGER" });
  // every leading character a spreadsheet may treat as a formula, in cells of several columns
  await sql`update need set description = '+1+1', contact_name = '@SUM(A1)', contact_phone = '-2+3', keywords = ${["\tTAB", "正常"]} where id = ${dangerous.id}`;
  const second = await need(w.entB, { title: "＝1+1", ref: "EXP-DANGER-2" });
  await sql`update need set contact_email = ${"\r=cmd|' /C calc'!A0"}, description = '-5' where id = ${second.id}`;
});

async function download(kind: string, format: "csv" | "xlsx", cookie?: string) {
  let res: Response;
  try {
    res = await exportLoader({ request: getRequest(`/exports/${kind}?format=${format}`, { cookie }), params: { kind }, context: ctx });
  } catch (e) {
    if (e instanceof Response) return { status: e.status, headers: e.headers, body: Buffer.alloc(0) };
    throw e;
  }
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

function csvRows(body: Buffer): string[][] {
  const text = body.toString("utf8");
  expect(text.startsWith("\uFEFF")).toBe(true);
  // simple parser: the fixture has no quoted commas in the columns read here except keywords
  const out: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      out.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return out;
}

describe("the needs list as CSV", () => {
  it("has the importer's Chinese headers, Chinese content and a BOM", async () => {
    const r = await download("needs", "csv", w.organizer.cookie);
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(r.headers.get("Content-Disposition")).toContain(`filename*=UTF-8''${encodeURIComponent("技术需求")}`);
    const rows = csvRows(r.body);
    expect(rows[0].slice(0, 4)).toEqual(["需求编号", "需求名称", "需求描述", "技术领域"]);
    expect(rows[0]).toContain("联系人");
    const titles = rows.map((x) => x[1]);
    expect(titles).toContain("高镍正极材料烧结工艺优化");
  });

  it("neutralizes =, +, -, @, tab, CR and full-width ＝ leading cells", async () => {
    const rows = csvRows((await download("needs", "csv", w.organizer.cookie)).body);
    const header = rows[0];
    const row = rows.find((x) => x[0] === "EXP-DANGER");
    if (!row) throw new Error("row missing");
    const col = (h: string) => row[header.indexOf(h)];
    expect(col("需求名称")).toBe(`'=HYPERLINK("http://evil")`);
    expect(col("需求描述")).toBe("'+1+1");
    expect(col("联系人")).toBe("'@SUM(A1)");
    expect(col("联系电话")).toBe("'-2+3");
    // keywords are joined with 、: the first one leads the cell
    expect(col("关键词")).toBe("'\tTAB、正常");
    const second = rows.find((x) => x[0] === "EXP-DANGER-2");
    if (!second) throw new Error("row missing");
    expect(second[header.indexOf("需求名称")]).toBe("'＝1+1");
    expect(second[header.indexOf("联系邮箱")]).toBe("'\r=cmd|' /C calc'!A0");
    expect(second[header.indexOf("需求描述")]).toBe("'-5");
  });
});

describe("the needs list as XLSX", () => {
  it("writes strings, never formulas, with Chinese headers", async () => {
    const r = await download("needs", "xlsx", w.organizer.cookie);
    expect(r.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.name).toBe("技术需求");
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 2)).toEqual(["需求编号", "需求名称"]);
    let found = false;
    ws.eachRow((row, n) => {
      if (n === 1) return;
      for (let c = 1; c <= ws.columnCount; c++) expect(row.getCell(c).formula).toBeUndefined();
      if (row.getCell(1).value === "EXP-DANGER") {
        found = true;
        expect(row.getCell(2).value).toBe('=HYPERLINK("http://evil")');
        expect(row.getCell(2).numFmt).toBe("@");
      }
    });
    expect(found).toBe(true);
  });
});

describe("who gets what", () => {
  const refs = async (cookie: string | undefined) => {
    const rows = csvRows((await download("needs", "csv", cookie)).body);
    const header = rows[0];
    return new Map(rows.slice(1).map((r) => [r[0], r[header.indexOf("联系电话")]]));
  };

  it("a member of enterprise A: everything of A (contacts included), what others listed, no contacts of others, no other drafts", async () => {
    const m = await refs(w.memberA.cookie);
    expect(m.has("EXP-PUB")).toBe(true);
    expect(m.has("EXP-DRAFT")).toBe(true);
    expect(m.get("EXP-DRAFT")).toBe("13900000002");
    expect(m.has("EXP-B-DRAFT")).toBe(false);
    expect(m.has("EXP-B-MEM")).toBe(true);
    expect(m.get("EXP-B-MEM")).toBe("");
    expect(m.get("EXP-DANGER")).toBe("");
  });

  it("a member of enterprise B: not A's draft; organizers: everything with contacts", async () => {
    const b = await refs(w.memberB.cookie);
    expect(b.has("EXP-DRAFT")).toBe(false);
    expect(b.get("EXP-PUB")).toBe("");
    expect(b.get("EXP-B-DRAFT")).toBe("13900000002");
    const staff = await refs(w.organizer.cookie);
    for (const ref of ["EXP-PUB", "EXP-DRAFT", "EXP-B-DRAFT", "EXP-B-MEM"]) expect(staff.get(ref)).toBe("13900000002");
    void draft;
    void published;
  });

  it.each(STANDINGS)("downloads and the /exports page as %s", async (s) => {
    const cookie = cookieOf(w, s);
    for (const kind of ["needs", "results", "experts", "organizations"]) {
      const r = await download(kind, "csv", cookie);
      expect(r.status).toBe(s === "anonymous" ? 302 : 200);
    }
    const page = await run(() => exportsPage({ request: getRequest("/exports", { cookie }), params: {}, context: ctx }));
    expect(page.status).toBe(s === "anonymous" ? 302 : s === "organizer" || s === "admin" ? 200 : 403);
    if (page.status === 200) {
      const actions = (page.data as { lists: { action: string }[] }).lists.map((l) => l.action);
      expect(actions).toEqual(["/exports/needs", "/exports/results", "/exports/experts", "/exports/organizations", "/events/export", "/intents/export", "/agreements/export"]);
    }
  });

  it("records each download in the audit log; refuses an unknown list or format", async () => {
    const before = (await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'export.download'`)[0].n;
    await download("experts", "xlsx", w.memberA.cookie);
    const [a] = await sql`select actor_id, entity_id, after from audit_log where action = 'export.download' order by id desc limit 1`;
    expect(a).toMatchObject({ actor_id: w.memberA.id, entity_id: "experts", after: { format: "xlsx" } });
    expect((await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'export.download'`)[0].n).toBe(before + 1);
    expect((await download("passwords", "csv", w.admin.cookie)).status).toBe(404);
    expect((await download("needs", "pdf" as "csv", w.admin.cookie)).status).toBe(400);
  });
});
