import { spawn } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runSyncOnce } from "../../search/worker.server";
import { smallCatalog } from "./fixtures";

// `npm run qiao -- match …` as an operator runs it: a child process on this file's database and
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

beforeAll(async () => {
  await smallCatalog();
  await runSyncOnce();
}, 120_000);

describe("npm run qiao -- match", () => {
  it("need <ref> --json --limit: ranked items with ref, kind, score, label and reasons", async () => {
    const r = await qiao(["match", "need", "TM-N1", "--json", "--limit", "3"]);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { subject: { ref: string }; items: Array<{ ref: string; kind: string; score: number; label: string; reasons: unknown[] }> };
    expect(body.subject.ref).toBe("TM-N1");
    expect(body.items.length).toBeLessThanOrEqual(3);
    expect(body.items[0]).toMatchObject({ ref: "TM-R1", kind: "result" });
    expect(body.items[0].reasons.length).toBeGreaterThan(0);
  }, 60_000);

  it("result <ref>: the needs it could serve, in plain text", async () => {
    const r = await qiao(["match", "result", "TM-R1", "--limit", "2"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("TM-N1");
    expect(r.stdout).toContain("·");
  }, 60_000);

  it("refresh, then overview", async () => {
    const refreshed = await qiao(["match", "refresh"]);
    expect(refreshed.code).toBe(0);
    expect(refreshed.stdout).toMatch(/refreshed for 2 open needs/);
    const overview = await qiao(["match", "overview", "--json"]);
    expect(overview.code).toBe(0);
    const verdicts = Object.fromEntries((JSON.parse(overview.stdout) as Array<{ ref: string; verdict: string }>).map((o) => [o.ref, o.verdict]));
    expect(verdicts["TM-N2"]).toBe("none");
    expect(verdicts["TM-N1"]).toMatch(/strong|possible/);
  }, 60_000);

  it("bad input: a usage error (2); an unknown ref: a failure (1) that says so", async () => {
    for (const args of [["match", "need", "TM-N1", "--limit", "abc"], ["match", "need", "TM-N1", "--limit", "0"], ["match", "need"], ["match", "patent", "x"], ["match", "result", "TM-R1", "--kinds", "expert"]]) {
      const r = await qiao(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("Usage:");
    }
    const missing = await qiao(["match", "need", "N404"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('need "N404" not found');
  }, 120_000);
});
