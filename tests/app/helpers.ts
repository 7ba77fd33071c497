import { sql } from "../../db/client.server";
import { createUser } from "~/models/user.server";
import type { OrgKind, OrgRole, Role } from "~/utils/roles";

// Shared by tests/app/*.test.ts: build rows, call route modules as Remix would, read the result.

export const ORIGIN = "http://localhost";
let counter = 0;

export function uniqueEmail(prefix = "user") {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export const GOOD_PASSWORD = "bridge-over-the-yangtze-42";

export async function makeUser(opts: { role?: Role; email?: string; password?: string; name?: string } = {}) {
  const email = opts.email ?? uniqueEmail(opts.role ?? "member");
  const created = await createUser({
    name: opts.name ?? "测试用户",
    email,
    password: opts.password ?? GOOD_PASSWORD,
    role: opts.role ?? "member",
  });
  if (!created.ok) throw new Error(`could not create ${email}`);
  return { ...created.user, password: opts.password ?? GOOD_PASSWORD };
}

export async function makeOrg(name = "测试机构", kind: OrgKind = "enterprise") {
  const [row] = await sql<{ id: number }[]>`insert into organization (kind, name) values (${kind}, ${name}) returning id`;
  return row.id;
}

export async function addMember(orgId: number, userId: string, role: OrgRole) {
  await sql`insert into membership (org_id, user_id, role) values (${orgId}, ${userId}, ${role})`;
}

/** A form POST as the browser sends it. */
export function postRequest(path: string, fields: Record<string, string>, opts: { cookie?: string } = {}) {
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN });
  if (opts.cookie) headers.set("Cookie", opts.cookie);
  return new Request(`${ORIGIN}${path}`, { method: "POST", headers, body: new URLSearchParams(fields) });
}

export function getRequest(path: string, opts: { cookie?: string } = {}) {
  const headers = new Headers();
  if (opts.cookie) headers.set("Cookie", opts.cookie);
  return new Request(`${ORIGIN}${path}`, { headers });
}

type Outcome = { status: number; headers: Headers; data: unknown; location: string | null };

/**
 * What a loader or action produced — a Response, data() (single fetch's DataWithResponseInit)
 * or a plain object — or threw (a Response), as one shape.
 */
export async function run(fn: () => Promise<unknown>): Promise<Outcome> {
  let value: unknown;
  try {
    value = await fn();
  } catch (thrown) {
    if (thrown instanceof Response) value = thrown;
    else throw thrown;
  }
  if (value instanceof Response) {
    const text = await value.text();
    return { status: value.status, headers: value.headers, data: text, location: value.headers.get("Location") };
  }
  if (value && typeof value === "object" && "type" in value && value.type === "DataWithResponseInit" && "init" in value && "data" in value) {
    const init = (value.init ?? {}) as ResponseInit;
    return { status: init.status ?? 200, headers: new Headers(init.headers), data: value.data, location: null };
  }
  return { status: 200, headers: new Headers(), data: value, location: null };
}

/** Set-Cookie lines of a response. */
export function setCookies(headers: Headers): string[] {
  return headers.getSetCookie();
}

/** The cookie header a browser would send next, from a response's Set-Cookie lines. */
export function cookieFrom(headers: Headers, previous = ""): string {
  const jar = new Map<string, string>();
  for (const part of previous.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k) jar.set(k, v.join("="));
  }
  for (const line of setCookies(headers)) {
    const [pair, ...attrs] = line.split(";");
    const [k, ...v] = pair.trim().split("=");
    const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
    if (expired || v.join("=") === "") jar.delete(k);
    else jar.set(k, v.join("="));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

export function sessionIdFrom(cookie: string): string | null {
  const m = /(?:^|;\s*)qiao_session=([^;]*)/.exec(cookie);
  return m ? m[1] : null;
}

/** Conform's reply, as the action returned it. */
export function replyOf(data: unknown): { error?: Record<string, string[] | null> | null } {
  if (data && typeof data === "object" && "result" in data && data.result && typeof data.result === "object") {
    return data.result as { error?: Record<string, string[] | null> | null };
  }
  throw new Error(`not a Conform reply: ${JSON.stringify(data)}`);
}

export async function countUsers() {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from app_user`;
  return n;
}
