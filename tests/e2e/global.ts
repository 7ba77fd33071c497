import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { startMeili } from "../../search/meili-process.server";
import { acquireTestPostgres, freePort } from "../setup/pg-server";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    e2eDatabaseUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, "../..");

/**
 * Starts Qiao the way a person does (`tsx scripts/start.ts`, which builds the
 * app when needed), in configured mode against a fresh database with the demo
 * data and a real Meilisearch, once for the whole e2e run.
 */
export default async function setup(project: TestProject) {
  const pg = await acquireTestPostgres(root);
  const dbName = `qiao_e2e_${randomBytes(4).toString("hex")}`;
  const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  await admin`create database ${admin(dbName)}`;
  const dbUrl = new URL(pg.adminUrl);
  dbUrl.pathname = `/${dbName}`;

  const meiliDir = path.join(root, ".test-data", `meili-e2e-${randomBytes(3).toString("hex")}`);
  const meili = await startMeili({ dbPath: meiliDir, port: await freePort(), masterKey: randomBytes(16).toString("hex") });

  const port = await freePort();
  const child: ChildProcess = spawn(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/start.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      QIAO_SECURE_COOKIES: "off",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: dbUrl.toString(),
      MEILI_URL: meili.url,
      MEILI_MASTER_KEY: meili.masterKey,
      MEILI_INDEX_PREFIX: `e2e${randomBytes(3).toString("hex")}_`,
      QIAO_DEMO: "on",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 170_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Qiao exited during start-up:\n${output}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`Qiao did not start in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }

  project.provide("baseUrl", baseUrl);
  project.provide("e2eDatabaseUrl", dbUrl.toString());

  return async () => {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await meili.stop();
    rmSync(meiliDir, { recursive: true, force: true });
    await admin`drop database if exists ${admin(dbName)} with (force)`;
    await admin.end();
    await pg.stop();
  };
}
