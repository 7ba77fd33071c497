import { spawn } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../app/utils/password.server";
import { sql } from "../../db/client.server";

// The command line as an operator runs it: a child process, the password on stdin, the test
// file's own database in DATABASE_URL.

const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");

function qiao(args: string[], opts: { input?: string; env?: Record<string, string | undefined> } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(tsx, ["scripts/qiao.ts", ...args], {
      cwd: root,
      env: { ...process.env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? "");
  });
}

const userCount = async () => (await sql<{ n: number }[]>`select count(*) as n from app_user`)[0].n;

beforeAll(async () => {
  await sql`insert into organization (ref, kind, name) values ('O-G001', 'government', '如皋市科技局')`;
});

describe("npm run qiao", () => {
  it("lists its commands on help, and refuses an unknown command", async () => {
    const help = await qiao(["help"]);
    expect(help.code).toBe(0);
    for (const c of ["migrate", "seed", "user", "help"]) expect(help.stdout).toContain(c);

    const unknown = await qiao(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it("migrate reports an up-to-date database", async () => {
    const r = await qiao(["migrate"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("up to date");
  });

  it("says clearly when DATABASE_URL is missing", async () => {
    // a data folder that does not exist: no embedded database to fall back on
    const r = await qiao(["migrate"], { env: { DATABASE_URL: "", QIAO_DATA_DIR: "/nonexistent/qiao-data" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("DATABASE_URL is not set");
  });
});

describe("npm run qiao -- user create", () => {
  it("creates a user with an argon2id hash of the password read from stdin, and its membership", async () => {
    const r = await qiao(
      ["user", "create", "--email", "Chief@Bureau.example", "--name", "陈局长", "--role", "organizer", "--org", "O-G001", "--org-role", "manager"],
      { input: "correct horse battery\n" },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("chief@bureau.example");

    const [user] = await sql<{ id: string; name: string; role: string; password_hash: string }[]>`
      select id, name, role, password_hash from app_user where email = 'chief@bureau.example'`;
    expect(user).toMatchObject({ name: "陈局长", role: "organizer" });
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(user.password_hash, "correct horse battery")).toBe(true);
    const [m] = await sql`select m.role, o.ref from membership m join organization o on o.id = m.org_id where m.user_id = ${user.id}`;
    expect(m).toEqual({ role: "manager", ref: "O-G001" });
    const [audit] = await sql`select action, entity from audit_log where entity_id = ${user.id}`;
    expect(audit).toEqual({ action: "user.create", entity: "app_user" });
  });

  it("refuses an email that already exists, writing nothing", async () => {
    const before = await userCount();
    const r = await qiao(["user", "create", "--email", "chief@bureau.example", "--name", "重复", "--role", "admin"], {
      input: "another good password\n",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("already exists");
    expect(await userCount()).toBe(before);
  });

  it("refuses bad input with a clear message and exit code 2, writing nothing", async () => {
    const before = await userCount();
    const good = ["--email", "new@bureau.example", "--name", "新用户"];
    const cases: { args: string[]; input?: string; message: string }[] = [
      { args: [...good, "--role", "superuser"], message: "role must be one of admin, organizer, member" },
      { args: ["--name", "x", "--role", "admin"], message: "--email is required" },
      { args: ["--email", "new@bureau.example", "--role", "admin"], message: "--name is required" },
      { args: good, message: "--role is required" },
      { args: ["--email", "not-an-email", "--name", "x", "--role", "admin"], message: "not a valid email" },
      { args: [...good, "--role", "member", "--org-role", "manager"], message: "--org-role needs --org" },
      { args: [...good, "--role", "member", "--org", "O-G001", "--org-role", "owner"], message: "organization role must be one of" },
      { args: [...good, "--role", "admin", "--colour", "red"], message: "Unknown option '--colour'" },
      { args: [...good, "--role", "admin"], input: "short\n", message: "at least 10 characters" },
      { args: [...good, "--role", "admin"], input: "", message: "no password on stdin" },
    ];
    // independent processes: run them side by side
    const runs = await Promise.all(cases.map((c) => qiao(["user", "create", ...c.args], { input: c.input ?? "a long enough password\n" })));
    for (const [i, c] of cases.entries()) {
      const r = runs[i];
      expect(r.code, c.message).toBe(2);
      expect(r.stderr).toContain(c.message);
      expect(r.stderr).toContain("Usage: npm run qiao -- user create");
    }
    expect(await userCount()).toBe(before);
  });

  it("refuses an unknown organization ref", async () => {
    const r = await qiao(["user", "create", "--email", "x@bureau.example", "--name", "x", "--role", "member", "--org", "O-E999"], {
      input: "a long enough password\n",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no organization with ref O-E999");
    const [u] = await sql`select 1 from app_user where email = 'x@bureau.example'`;
    expect(u).toBeUndefined();
  });
});
