import { sql } from "../../db/client.server";
import type { Actor } from "~/models/audit.server";
import { expert, world } from "../catalog/helpers";

// A small event world on top of the catalog world: one open event run by `organizer` (its
// event organizer), a second organizer who does NOT run it, the two enterprises and the
// university registered (approved), one university expert registered, the institute not.

export { getRequest, postRequest, run, postForm, auditRows } from "../catalog/helpers";

export async function eventWorld() {
  const w = await world();
  const { makeUser } = await import("../app/helpers");
  const { createUserSession } = await import("~/utils/auth.server");
  const other = await makeUser({ role: "organizer", name: "另一位组织者" });
  const headers = await createUserSession(new Request("http://localhost/login"), other.id);
  const otherOrganizer = { ...other, cookie: (headers.get("Set-Cookie") ?? "").split(";")[0] };
  const prof = await expert(w.uni, { name: "王教授" });
  const prof2 = await expert(w.uni, { name: "李教授" });
  const prof3 = await expert(w.uni2, { name: "赵研究员" });
  const event = await makeEvent(w.organizer.id, { ref: "EVT1", name: "测试人才洽谈会" });
  const pA = await participant(event.id, { orgId: w.entA, status: "approved", contact: "张三" });
  const pB = await participant(event.id, { orgId: w.entB, status: "registered", contact: "李四" });
  const pU = await participant(event.id, { orgId: w.uni, status: "approved", contact: "王五" });
  const pX = await participant(event.id, { expertId: prof.id, status: "approved" });
  const pX2 = await participant(event.id, { expertId: prof2.id, status: "approved" });
  return { ...w, otherOrganizer, prof, prof2, prof3, event, pA, pB, pU, pX, pX2 };
}
export type EventWorld = Awaited<ReturnType<typeof eventWorld>>;

export function actor(u: { id: string; role: Actor["role"] }): Actor {
  return { id: u.id, role: u.role };
}

let n = 0;
export async function makeEvent(
  organizerId: string | null,
  o: { ref?: string; name?: string; status?: string; startsOn?: string; endsOn?: string; slotMinutes?: number } = {},
) {
  n += 1;
  const [row] = await sql<{ id: number; ref: string | null; version: number }[]>`
    insert into event (ref, kind, name, city, venue, starts_on, ends_on, status, slot_minutes, created_by)
    values (${o.ref ?? `EVT-${n}-${Math.random().toString(36).slice(2, 6)}`}, 'talent_fair', ${o.name ?? `活动${n}`}, '南通', '国际会议中心',
      ${o.startsOn ?? "2030-05-20"}, ${o.endsOn ?? "2030-05-21"}, ${o.status ?? "open"}, ${o.slotMinutes ?? 30}, ${organizerId})
    returning id, ref, version`;
  if (organizerId) await sql`insert into event_organizer (event_id, user_id) values (${row.id}, ${organizerId})`;
  return row;
}

export async function participant(eventId: number, o: { orgId?: number; expertId?: number; status?: string; contact?: string }) {
  const status = o.status ?? "registered";
  const [row] = await sql<{ id: number; version: number; checkin_code: string }[]>`
    insert into event_participant (event_id, org_id, expert_id, status, contact_name, checked_in_at)
    values (${eventId}, ${o.orgId ?? null}, ${o.expertId ?? null}, ${status}, ${o.contact ?? null}, ${status === "checked_in" ? sql`now()` : null})
    returning id, version, checkin_code`;
  return row;
}

export async function count(table: string, where = sql`true`) {
  const [{ c }] = await sql<{ c: number }[]>`select count(*)::int as c from ${sql(table)} where ${where}`;
  return c;
}

/** The text of a thrown Response (a model's refusal), or "ok". */
export async function refusal(p: Promise<unknown>): Promise<{ status: number; message: string } | "ok"> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof Response) return { status: e.status, message: await e.text() };
    throw e;
  }
}
