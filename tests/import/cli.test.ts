import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sql } from "../../db/client.server";

// import, export and generate as an operator runs them: a child process on this test file's
// own database.

const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");
const DEMO = path.join(root, "db/seeds/demo");
const tmp = mkdtempSync(path.join(tmpdir(), "qiao-import-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function qiao(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(tsx, ["scripts/qiao.ts", ...args], { cwd: root, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
const count = async (table: "need" | "result" | "expert" | "organization") =>
  (await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)}`)[0].n;

describe("npm run qiao -- import", () => {
  it("dry-runs the demo folder without writing, then imports it, then finds it unchanged", async () => {
    const dry = await qiao(["import", DEMO, "--dry-run"]);
    expect(dry.stderr).toBe("");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("needs: 新建 185，更新 0，不变 0，拒绝 0");
    expect(dry.stdout).toContain("试运行：未写入任何数据。");
    expect(await count("need")).toBe(0);

    const real = await qiao(["import", DEMO, "--lang", "en"]);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain("total: 865 created, 0 updated, 0 unchanged, 0 rejected");
    expect(real.stdout).toMatch(/Imported in one transaction in \d+ ms/);
    expect(await count("result")).toBe(420);

    const again = await qiao(["import", DEMO, "--json"]);
    expect(again.code).toBe(0);
    const out = JSON.parse(again.stdout);
    expect(out.report.counts).toEqual({ created: 0, updated: 0, unchanged: 865, rejected: 0 });
  });

  it("refuses a file with a rejected row: prints row, column and reason, writes nothing, exits 1", async () => {
    const bad = path.join(tmp, "needs-bad.csv");
    writeFileSync(
      bad,
      "需求名称,技术领域,预算（万元）,截止日期,发布单位,编号\n好需求,新材料,10,2018-05-01,O-E001,C-1\n坏需求,先进制造,-3,2018-02-30,O-E001,C-2\n",
    );
    const before = await count("need");
    const r = await qiao(["import", bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("未写入任何数据");
    const lines = r.stdout.split("\n");
    const row3 = lines.filter((l) => /needs-bad\.csv\s+3\s+C-2\s+拒绝/.test(l) || /^\s+(预算|截止)/.test(l));
    expect(row3.join("\n")).toContain("您是否指“先进制造与自动化”");
    expect(r.stdout).toMatch(/预算（万元）\s+“预算（万元）”不能为负数/);
    expect(r.stdout).toMatch(/截止日期\s+“截止日期”的值“2018-02-30”不是有效日期/);
    expect(await count("need")).toBe(before);
  });

  it("says what is wrong with the command line", async () => {
    expect((await qiao(["import"])).code).toBe(2);
    const kind = await qiao(["import", DEMO, "--kind", "events"]);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain("--kind must be one of");
    const missing = await qiao(["import", path.join(tmp, "nope.csv")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no such file or folder");
  });
});

describe("npm run qiao -- export", () => {
  it("writes CSV and XLSX that import back unchanged", async () => {
    const csv = path.join(tmp, "needs.csv");
    const r = await qiao(["export", "needs", "--out", csv]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Exported 185 needs to .*needs\.csv/);
    const text = readFileSync(csv, "utf8");
    expect(text.startsWith("\uFEFF需求编号,需求名称,需求描述,技术领域")).toBe(true);

    const xlsx = path.join(tmp, "results.xlsx");
    expect((await qiao(["export", "results", "--format", "xlsx", "--out", xlsx])).code).toBe(0);
    for (const f of [csv, xlsx]) {
      const back = await qiao(["import", f, "--dry-run", "--json"]);
      expect(back.code).toBe(0);
      expect(JSON.parse(back.stdout).plan.counts.unchanged).toBe(f.endsWith(".csv") ? 185 : 420);
    }
  });
});

describe("npm run qiao -- generate", () => {
  it("generates deterministic records with G- refs and says to reindex", async () => {
    const r = await qiao(["generate", "--needs", "200", "--results", "300", "--experts", "50", "--seed", "5"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("npm run qiao -- reindex");
    expect(r.stdout).toMatch(/Generated 560 rows in [\d.]+ s \([\d,]+ rows\/s\)/);
    const [n] = await sql`select count(*)::int as n from need where ref like 'G-N%'`;
    expect(n.n).toBe(200);
    expect((await qiao(["generate"])).code).toBe(2);
  });
});
