import { sql } from "../../db/client.server";
import type { Actor } from "~/models/audit.server";
import type { World } from "../catalog/helpers";

// Shared by tests/admin/*.test.ts: the five standings of the permission matrix, and helpers to
// read what a model threw.

export const ctx = {};

export type Standing = "anonymous" | "member" | "otherMember" | "organizer" | "admin";
export const STANDINGS: readonly Standing[] = ["anonymous", "member", "otherMember", "organizer", "admin"];

/** The actor of each standing in a catalog world (member = of enterprise A, other = of enterprise B). */
export function actorOf(w: World, s: Standing): Actor | null {
  switch (s) {
    case "anonymous":
      return null;
    case "member":
      return { id: w.memberA.id, role: "member" };
    case "otherMember":
      return { id: w.memberB.id, role: "member" };
    case "organizer":
      return { id: w.organizer.id, role: "organizer" };
    case "admin":
      return { id: w.admin.id, role: "admin" };
  }
}

export function cookieOf(w: World, s: Standing): string | undefined {
  switch (s) {
    case "anonymous":
      return undefined;
    case "member":
      return w.memberA.cookie;
    case "otherMember":
      return w.memberB.cookie;
    case "organizer":
      return w.organizer.cookie;
    case "admin":
      return w.admin.cookie;
  }
}

/** The status and text of the Response a call throws (or 200 and "" when it returns). */
export async function outcome(fn: () => Promise<unknown>): Promise<{ status: number; text: string }> {
  try {
    await fn();
    return { status: 200, text: "" };
  } catch (e) {
    if (e instanceof Response) return { status: e.status, text: await e.text() };
    throw e;
  }
}

/** A checksum of the tables a refused change must leave alone. */
export async function fingerprint(tables: readonly string[]) {
  const out: Record<string, unknown> = {};
  for (const t of tables) {
    const [r] = await sql`select count(*)::int as n, coalesce(sum(hashtext((to_jsonb(x) - 'updated_at')::text)), 0)::text as h from ${sql(t)} x`;
    out[t] = r;
  }
  return out;
}
