import { sql } from "../../db/client.server";
import type { Actor } from "~/models/audit.server";
import { createIntent, type CreateIntentInput } from "~/models/intent.server";
import { world as catalogWorld, type TestUser } from "../catalog/helpers";

// A small world for the pipeline tests: the catalog's (two enterprises 甲/乙, a university 丙 and
// an institute 丁, their members, an outsider, an organizer and an admin) plus a government
// agency, events, a need of 甲 and a result and an expert of 丙.

export { getRequest, postRequest, run, need, result, expert } from "../catalog/helpers";

export const actor = (u: TestUser): Actor => ({ id: u.id, role: u.role });

let n = 0;
export async function makeEvent(o: { ref?: string; status?: string; name?: string } = {}) {
  n += 1;
  const [row] = await sql<{ id: number; ref: string | null }[]>`
    insert into event (ref, kind, name, starts_on, ends_on, status, venue)
    values (${o.ref ?? `TEV${n}`}, 'talent_fair', ${o.name ?? `测试洽谈会${n}`}, '2017-09-20', '2017-09-21', ${o.status ?? "open"}, '如皋市会议中心')
    returning id, ref`;
  return row;
}

export async function world() {
  const w = await catalogWorld();
  const [gov] = await sql<{ id: number }[]>`insert into organization (kind, name) values ('government', '测试市科技局') returning id`;
  return { ...w, gov: gov.id };
}
export type World = Awaited<ReturnType<typeof world>>;

/** An intent between 甲 (entA) and 丙 (uni) recorded by the organizer, unless told otherwise. */
export async function makeIntent(w: World, input: Partial<CreateIntentInput> = {}, by: TestUser = w.organizer) {
  return createIntent(actor(by), { enterpriseOrgId: w.entA, institutionOrgId: w.uni, summary: "双方商定开展锂电池正极材料中试合作。", ...input });
}

export async function intentRow(id: number) {
  const [row] = await sql<{ stage: string; version: number; dropped_reason: string | null; stage_changed_at: Date }[]>`
    select stage, version, dropped_reason, stage_changed_at from intent where id = ${id}`;
  return row;
}

export async function historyOf(id: number) {
  return sql<{ from_stage: string | null; to_stage: string; changed_by: string | null; note: string | null }[]>`
    select from_stage, to_stage, changed_by, note from intent_stage_history where intent_id = ${id} order by id`;
}

export async function auditActions(entity: string, id: number) {
  const rows = await sql<{ action: string }[]>`select action from audit_log where entity = ${entity} and entity_id = ${String(id)} order by id`;
  return rows.map((r) => r.action);
}

/** Everything a refused write must leave as it was: the pipeline's tables and the audit log. */
export async function pipelineCounts() {
  const [c] = await sql<{ intents: number; history: number; agreements: number; signing: number; audits: number; versions: number }[]>`
    select (select count(*)::int from intent) as intents, (select count(*)::int from intent_stage_history) as history,
      (select count(*)::int from agreement) as agreements, (select count(*)::int from event_signing) as signing,
      (select count(*)::int from audit_log) as audits, (select coalesce(sum(version), 0)::int from intent) as versions`;
  return c;
}

/** The message key a model threw (400/409), or the status of anything else it threw. */
export async function refusal(p: Promise<unknown>): Promise<{ status: number; message: string; field: string | null }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Response) return { status: e.status, message: await e.text(), field: e.headers.get("X-Qiao-Field") };
    throw e;
  }
  throw new Error("expected the model to refuse, but it succeeded");
}
