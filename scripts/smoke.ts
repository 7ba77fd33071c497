/**
 * Smoke test of the embedded default, as a newcomer meets it: `npm start` with
 * no configuration in this checkout. Cold start (fresh .data), GET / shows the
 * demo data, a second Qiao on the same data is refused, Ctrl-C stops
 * everything; then a warm start and SIGTERM. Fails (exit 1) on any deviation.
 * Prints the timings and ends with one JSON line.
 *
 *   npm run smoke            (uses ./.data; refuses to run if it exists unless --fresh)
 */
import { spawn, execSync, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";

const root = process.cwd();
const dataDir = path.resolve(root, process.env.QIAO_DATA_DIR || ".data");
const fresh = process.argv.includes("--fresh");

function check(cond: unknown, message: string): asserts cond {
  if (!cond) {
    console.error(`✖ smoke: ${message}`);
    process.exit(1);
  }
  console.log(`✓ ${message}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

function cleanEnv(port: number) {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  for (const k of ["DATABASE_URL", "MEILI_URL", "MEILI_MASTER_KEY", "QIAO_DEMO", "NODE_ENV", "MEILI_INDEX_PREFIX"]) delete env[k];
  return env;
}

function start(port: number) {
  const child = spawn("npm", ["start"], { cwd: root, env: cleanEnv(port), stdio: ["ignore", "pipe", "pipe"], detached: true });
  const out = { text: "" };
  child.stdout?.on("data", (c: Buffer) => (out.text += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out.text += c.toString()));
  return { child, out };
}

async function waitUp(child: ChildProcess, out: { text: string }, port: number, timeoutMs = 240_000) {
  const t0 = performance.now();
  for (;;) {
    if (child.exitCode !== null) {
      console.error(out.text);
      check(false, `Qiao exited during start-up with code ${child.exitCode}`);
    }
    if (out.text.includes("is running at")) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) return (performance.now() - t0) / 1000;
      } catch {
        // not yet
      }
    }
    if (performance.now() - t0 > timeoutMs) {
      console.error(out.text);
      check(false, "Qiao did not start in time");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** "0" for a clean exit, else the code or the signal that ended the process. */
function exitOf(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(String(child.exitCode ?? child.signalCode));
  return new Promise((r) => child.once("exit", (code, signal) => r(String(code ?? signal))));
}

/** Processes whose command line mentions our data folder (PostgreSQL, Meilisearch). */
function leftovers(): string[] {
  try {
    return execSync(`ps -eo pid,args`, { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.includes(dataDir) && !l.includes("ps -eo"));
  } catch {
    return [];
  }
}

/** Processes still in the started npm's process group (npm, tsx, node: Qiao itself). */
function groupProcesses(pgid: number | undefined): string[] {
  if (!pgid) return [];
  try {
    return execSync(`ps -eo pid,pgid,args`, { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.trim().split(/\s+/)[1] === String(pgid));
  } catch {
    return [];
  }
}

async function stopAndCheck(child: ChildProcess, out: { text: string }, signal: NodeJS.Signals) {
  const t0 = performance.now();
  // Ctrl-C in a terminal signals the whole foreground process group (npm, tsx,
  // node and the servers); a service manager's SIGTERM reaches npm alone.
  if (signal === "SIGINT" && child.pid) process.kill(-child.pid, signal);
  else {
    // A service manager signals Qiao's own process (the pid it prints), not npm: npm 11 does not
    // pass SIGTERM on to its script.
    const pid = Number(/pid (\d+)\)/.exec(out.text)?.[1]);
    check(pid > 0, "Qiao prints its pid");
    process.kill(pid, signal);
  }
  const code = await exitOf(child);
  // npm may end before Qiao has finished stopping its servers (it got the SIGINT too): give the
  // shutdown its few seconds, then nothing of ours may remain.
  let left = leftovers();
  for (let i = 0; i < 200 && (left.length || groupProcesses(child.pid).length); i++) {
    await new Promise((r) => setTimeout(r, 100));
    left = leftovers();
  }
  left = [...left, ...groupProcesses(child.pid)];
  check(left.length === 0, `after ${signal} no PostgreSQL/Meilisearch process is left${left.length ? `: ${left.join("; ")}` : ""}`);
  return { code, seconds: (performance.now() - t0) / 1000 };
}

async function main() {
  if (existsSync(dataDir)) {
    if (!fresh) check(false, `${dataDir} exists; run with --fresh to delete it first`);
    rmSync(dataDir, { recursive: true, force: true });
  }
  check(leftovers().length === 0, `no server of an earlier run still uses ${dataDir}`);
  const port = await freePort();

  const cold = start(port);
  const coldSeconds = await waitUp(cold.child, cold.out, port);
  check(true, `cold start in ${coldSeconds.toFixed(1)} s`);
  for (const needle of ["Demo logins", "admin@", "organizer@"]) check(cold.out.text.includes(needle), `start-up prints "${needle}"`);

  const home = await fetch(`http://127.0.0.1:${port}/`);
  const html = await home.text();
  check(home.status === 200, "GET / answers 200");
  const demo = ["梦百合", "力星钢球", "技术需求", "如皋"];
  check(demo.some((d) => html.includes(d)), "GET / shows demo data");

  const second = start(await freePort());
  const secondCode = await exitOf(second.child);
  check(secondCode !== "0" && /already running/i.test(second.out.text), "a second Qiao on the same data folder is refused with a clear message");

  const stopped = await stopAndCheck(cold.child, cold.out, "SIGINT");
  // npm itself receives the terminal's SIGINT too and ends by it; Qiao's own exit is clean.
  check(
    stopped.code === "0" || stopped.code === "SIGINT",
    `Ctrl-C stops Qiao (npm ended by ${stopped.code}) in ${stopped.seconds.toFixed(1)} s`,
  );
  check(/Stopped\./.test(cold.out.text), `Qiao reports a clean stop after Ctrl-C${/Stopped\./.test(cold.out.text) ? "" : `; its output ended:\n${cold.out.text.slice(-600)}`}`);

  const warm = start(port);
  const warmSeconds = await waitUp(warm.child, warm.out, port);
  check(!warm.out.text.includes("Loading the demo data"), "the warm start reuses the data (no reseed)");
  check(true, `warm start in ${warmSeconds.toFixed(1)} s`);
  const stopped2 = await stopAndCheck(warm.child, warm.out, "SIGTERM");
  check(stopped2.code === "0", `SIGTERM to Qiao stops it, and npm, with exit code 0 (got ${stopped2.code})`);
  check(/Stopped\./.test(warm.out.text), "Qiao reports a clean stop after SIGTERM");

  console.log(JSON.stringify({ smoke: "ok", cold_start_s: +coldSeconds.toFixed(2), warm_start_s: +warmSeconds.toFixed(2), stop_s: +stopped.seconds.toFixed(2) }));
}

void main();
