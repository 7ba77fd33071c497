import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../db/embedded.server";
import { loadOrCreateSecrets } from "../../scripts/lib/data-dir";
import { freePort } from "../setup/pg-server";

const root = path.resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(path.join(os.tmpdir(), "qiao-cli-embedded-"));
// As root the embedded PostgreSQL runs as the `postgres` user, which must be able to reach it.
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it("with an embedded data folder and no Qiao running, the CLI starts its PostgreSQL, works, stops it and exits", async () => {
  // An embedded data folder as `npm start` leaves it.
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, "pg"),
    port: await freePort(),
    password: loadOrCreateSecrets(dataDir).pgPassword,
    dbName: "qiao",
  });
  await pg.stop();

  const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/qiao.ts", "migrate"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: "", QIAO_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    // A CLI that forgets its server never exits: fail instead of hanging.
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
  expect(result.code, result.out).toBe(0);
  expect(result.out).toMatch(/Applied \d+ migration/);
  expect(existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(false);
  expect(existsSync(path.join(dataDir, "qiao.lock"))).toBe(false);
}, 120_000);
