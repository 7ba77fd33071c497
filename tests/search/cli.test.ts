import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getMeili, indexUid } from "../../search/client.server";
import { need, org } from "./fixtures";

// `npm run qiao -- reindex` as an operator runs it: a child process on this file's database and
// Meilisearch index prefix (both passed through the environment).

const root = path.resolve(import.meta.dirname, "../..");

function qiao(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/qiao.ts", ...args], { cwd: root, env: process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run qiao -- reindex", () => {
  it("rebuilds the chosen indexes and reports them", async () => {
    const o = await org();
    for (let i = 0; i < 3; i++) await need(o, { title: `锂电池隔膜需求${i}` });
    const r = await qiao(["reindex", "--only", "needs", "--only", "organizations"]);
    expect(r.stderr).toContain("swapped in");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/needs: 3 documents/);
    expect(r.stdout).toMatch(/organizations: 1 documents/);
    expect(r.stdout).not.toMatch(/results:/);
    expect((await getMeili().index(indexUid("needs")).getStats()).numberOfDocuments).toBe(3);
  }, 60_000);

  it("refuses an unknown index with a usage error", async () => {
    const r = await qiao(["reindex", "--only", "patents"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown index "patents"');
  }, 60_000);

  it("says so when Meilisearch is not reachable", async () => {
    const saved = process.env.MEILI_URL;
    process.env.MEILI_URL = "http://127.0.0.1:1";
    try {
      const r = await qiao(["reindex"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("not reachable");
    } finally {
      process.env.MEILI_URL = saved;
    }
  }, 60_000);
});
