import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../setup/pg-server";

const root = path.resolve(import.meta.dirname, "../..");
const tmp = mkdtempSync(path.join(os.tmpdir(), "qiao-start-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `tsx scripts/start.ts` and returns its exit code and output. */
function runStart(env: Record<string, string | undefined>, timeoutMs = 60_000) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: undefined, MEILI_URL: undefined, MEILI_MASTER_KEY: undefined, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function listen(): Promise<net.Server> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, "0.0.0.0", () => resolve(srv));
  });
}

describe("npm start refuses clearly", () => {
  it("when the port is taken: says so and exits 1 without starting anything", async () => {
    const srv = await listen();
    const address = srv.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const dataDir = path.join(tmp, "port");
    const { code, output } = await runStart({ PORT: String(port), QIAO_DATA_DIR: dataDir });
    srv.close();
    expect(code).toBe(1);
    expect(output).toContain(`Port ${port} is already in use`);
    expect(output).toContain("PORT=");
  });

  it("when another Qiao holds the data folder: says so and exits 1", async () => {
    const dataDir = path.join(tmp, "locked");
    mkdirSync(dataDir, { recursive: true });
    // This test process plays the other, still running Qiao.
    writeFileSync(path.join(dataDir, "qiao.lock"), JSON.stringify({ pid: process.pid, childPids: [] }));
    const { code, output } = await runStart({ PORT: String(await freePort()), QIAO_DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(output).toContain(`Another Qiao (pid ${process.pid}) is already running`);
  });

  it("when the PostgreSQL data folder is damaged: says what to do and exits 1", async () => {
    const dataDir = path.join(tmp, "damaged");
    mkdirSync(path.join(dataDir, "pg"), { recursive: true });
    writeFileSync(path.join(dataDir, "pg", "garbage"), "not a database");
    const { code, output } = await runStart({ PORT: String(await freePort()), QIAO_DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(output).toMatch(/damaged.*Move it away or delete it/s);
  });

  it("when the environment is invalid: names the variable and exits 1", async () => {
    const { code, output } = await runStart({ PORT: "not-a-port", QIAO_DATA_DIR: path.join(tmp, "env") });
    expect(code).toBe(1);
    expect(output).toContain("PORT");
  });
});

describe("npm start in configured mode", () => {
  it("uses DATABASE_URL and MEILI_URL, starts neither server, answers 503 while starting and stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const dataDir = path.join(tmp, "configured");
    const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", QIAO_DATA_DIR: dataDir, QIAO_DEMO: "off", NODE_ENV: "production", QIAO_LOG: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

    const statuses = new Set<number>();
    const deadline = Date.now() + 150_000;
    // Poll the port the whole time, as a load balancer would: it must never hold start-up up.
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        statuses.add(res.status);
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(statuses.has(200), output).toBe(true);
    const home = await fetch(`http://127.0.0.1:${port}/`);
    expect(home.status).toBe(200);
    expect(output).not.toMatch(/embedded/i);
    expect(output).toContain("is running at");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("Stopped.");
  }, 180_000);
});
