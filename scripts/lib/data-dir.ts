import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The embedded default keeps everything under one folder (./.data unless
 * QIAO_DATA_DIR): pg/ and meili/ for the two servers, secrets.json for their
 * generated passwords, qiao.lock while a Qiao runs on it, runtime.json with
 * the running servers' addresses (for `npm run qiao -- …`).
 */
export type Secrets = { pgPassword: string; meiliMasterKey: string };
export type Runtime = { pid: number; databaseUrl: string; meiliUrl: string; meiliMasterKey: string; appUrl: string };
type LockInfo = { pid: number; childPids: number[] };

export function resolveDataDir(dir = process.env.QIAO_DATA_DIR || ".data") {
  return path.resolve(process.cwd(), dir);
}

export function loadOrCreateSecrets(dataDir: string): Secrets {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (
      parsed &&
      typeof parsed === "object" &&
      "pgPassword" in parsed &&
      typeof parsed.pgPassword === "string" &&
      "meiliMasterKey" in parsed &&
      typeof parsed.meiliMasterKey === "string"
    ) {
      return { pgPassword: parsed.pgPassword, meiliMasterKey: parsed.meiliMasterKey };
    }
    throw new Error(`${file} is damaged. Delete it together with ${dataDir} to start fresh.`);
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets = { pgPassword: randomBytes(18).toString("base64url"), meiliMasterKey: randomBytes(24).toString("base64url") };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function cmdline(pid: number) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

export class DataDirLockedError extends Error {}

/**
 * Takes the data folder for this process. A lock left by a Qiao that died
 * without cleaning up (kill -9) is taken over, and the servers it had started
 * are stopped — but only processes whose command line names this folder.
 */
export function lockDataDir(dataDir: string) {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "qiao.lock");
  const signalled: number[] = [];
  if (existsSync(file)) {
    let info: LockInfo | undefined;
    try {
      const raw: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (raw && typeof raw === "object" && "pid" in raw && typeof raw.pid === "number") {
        const childPids = "childPids" in raw && Array.isArray(raw.childPids) ? raw.childPids.filter((p): p is number => typeof p === "number") : [];
        info = { pid: raw.pid, childPids };
      }
    } catch {
      // an unreadable lock is a stale lock
    }
    if (info && info.pid !== process.pid && isAlive(info.pid)) {
      throw new DataDirLockedError(
        `Another Qiao (pid ${info.pid}) is already running on ${dataDir}. Stop it first (Ctrl-C in its terminal, ` +
          `or \`kill ${info.pid}\`), or point QIAO_DATA_DIR at another folder.`,
      );
    }
    for (const child of info?.childPids ?? []) {
      if (isAlive(child) && cmdline(child).includes(dataDir)) {
        try {
          process.kill(child, "SIGINT");
          signalled.push(child);
        } catch {
          // already gone
        }
      }
    }
  }
  const write = (childPids: number[]) => writeFileSync(file, JSON.stringify({ pid: process.pid, childPids }));
  write([]);
  return {
    /** Servers of a dead Qiao that were told to stop: wait for them before starting ours. */
    signalled,
    setChildren: write,
    release: () => rmSync(file, { force: true }),
  };
}

/** Waits until the given pids are gone (a stale server we just signalled). */
export async function waitForExit(pids: number[], timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

export function writeRuntime(dataDir: string, runtime: Runtime) {
  writeFileSync(path.join(dataDir, "runtime.json"), JSON.stringify(runtime, null, 2), { mode: 0o600 });
}

export function readRuntime(dataDir = resolveDataDir()): Runtime | undefined {
  const file = path.join(dataDir, "runtime.json");
  if (!existsSync(file)) return undefined;
  try {
    const raw: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (raw && typeof raw === "object" && "pid" in raw && typeof raw.pid === "number" && isAlive(raw.pid)) {
      // written by writeRuntime above, in this same process tree
      return raw as Runtime;
    }
  } catch {
    // fall through
  }
  return undefined;
}

export function removeRuntime(dataDir: string) {
  rmSync(path.join(dataDir, "runtime.json"), { force: true });
}
