import { sql } from "../../db/client.server";
import { parsePayload } from "../../search/sync.server";
import { createUserSession } from "~/utils/auth.server";
import type { OrgKind } from "~/utils/roles";
import { addMember, getRequest, makeOrg, makeUser, postRequest, run } from "../app/helpers";

// A small world for the catalog tests: two enterprises, a university, their members, staff and
// an outsider, plus builders for records in any state.

export { getRequest, postRequest, run };

export type TestUser = Awaited<ReturnType<typeof makeUser>> & { cookie: string };

async function withCookie(user: Awaited<ReturnType<typeof makeUser>>): Promise<TestUser> {
  const headers = await createUserSession(new Request("http://localhost/login"), user.id);
  const line = headers.get("Set-Cookie") ?? "";
  return { ...user, cookie: line.split(";")[0] };
}

export async function world() {
  const entA = await makeOrg("甲企业有限公司", "enterprise");
  const entB = await makeOrg("乙企业有限公司", "enterprise");
  const uni = await makeOrg("丙大学", "university");
  const uni2 = await makeOrg("丁研究院", "institute");
  const memberA = await withCookie(await makeUser({ name: "甲企业成员" }));
  const managerA = await withCookie(await makeUser({ name: "甲企业管理员" }));
  const memberB = await withCookie(await makeUser({ name: "乙企业成员" }));
  const uniMember = await withCookie(await makeUser({ name: "丙大学成员" }));
  const uni2Member = await withCookie(await makeUser({ name: "丁研究院成员" }));
  const multi = await withCookie(await makeUser({ name: "两家企业的成员" }));
  const outsider = await withCookie(await makeUser({ name: "无单位用户" }));
  const organizer = await withCookie(await makeUser({ role: "organizer", name: "科技局组织者" }));
  const admin = await withCookie(await makeUser({ role: "admin", name: "管理员" }));
  await addMember(entA, memberA.id, "member");
  await addMember(entA, managerA.id, "manager");
  await addMember(entB, memberB.id, "member");
  await addMember(uni, uniMember.id, "member");
  await addMember(uni2, uni2Member.id, "member");
  await addMember(entA, multi.id, "member");
  await addMember(entB, multi.id, "member");
  return { entA, entB, uni, uni2, memberA, managerA, memberB, uniMember, uni2Member, multi, outsider, organizer, admin };
}
export type World = Awaited<ReturnType<typeof world>>;

let n = 0;

type RecordOpts = { status?: string; visibility?: string; title?: string; field?: string | null; ref?: string | null };

function publishedAt(status: string) {
  return status === "published" || status === "matched" ? sql`now()` : null;
}

export async function need(orgId: number, o: RecordOpts = {}) {
  n += 1;
  const status = o.status ?? "published";
  const [row] = await sql<{ id: number; ref: string | null; version: number }[]>`
    insert into need (ref, org_id, title, description, field, keywords, cooperation, budget_wan, deadline, status,
      visibility, published_at, closed_at, contact_name, contact_phone, contact_email)
    values (${o.ref === undefined ? `TN${n}` : o.ref}, ${orgId}, ${o.title ?? `测试需求${n}`}, '需要提高电池能量密度。',
      ${o.field === undefined ? "新能源与节能" : o.field}, ${["锂电池"]}, ${["合作开发"]}, 100, '2030-06-30', ${status},
      ${o.visibility ?? "public"}, ${publishedAt(status)}, ${status === "closed" ? sql`now()` : null},
      '王经理', '13900000002', 'contact-need@example.com')
    returning id, ref, version`;
  return row;
}

export async function expert(orgId: number, o: RecordOpts & { name?: string } = {}) {
  n += 1;
  const status = o.status ?? "published";
  const [row] = await sql<{ id: number; ref: string | null; version: number }[]>`
    insert into expert (ref, org_id, name, title, areas, honors, fields, bio, email, phone, status, visibility, published_at)
    values (${o.ref === undefined ? `TX${n}` : o.ref}, ${orgId}, ${o.name ?? `专家${n}`}, '教授', ${["储能"]}, ${[]},
      ${["新能源与节能"]}, '研究储能材料。', 'contact-expert@example.com', '13800000001', ${status},
      ${o.visibility ?? "public"}, ${publishedAt(status)})
    returning id, ref, version`;
  return row;
}

export async function result(orgId: number, leadExpertId: number | null, o: RecordOpts = {}) {
  n += 1;
  const status = o.status ?? "published";
  const [row] = await sql<{ id: number; ref: string | null; version: number }[]>`
    insert into result (ref, org_id, lead_expert_id, title, summary, field, keywords, maturity, ip, cooperation,
      price_wan, status, visibility, published_at, closed_at, contact_name, contact_phone, contact_email)
    values (${o.ref === undefined ? `TR${n}` : o.ref}, ${orgId}, ${leadExpertId}, ${o.title ?? `测试成果${n}`},
      '一种高镍正极材料。', ${o.field === undefined ? "新能源与节能" : o.field}, ${["正极材料"]}, '中试', '发明专利2项',
      ${["技术转让"]}, 300, ${status}, ${o.visibility ?? "public"}, ${publishedAt(status)},
      ${status === "closed" ? sql`now()` : null}, '李老师', '13700000003', 'contact-result@example.com')
    returning id, ref, version`;
  return row;
}

/** Marks every queued job done, so a test sees only the jobs its own change enqueues. */
export async function clearJobs() {
  await sql`select graphile_worker.complete_jobs(array(select id from graphile_worker.jobs))`;
}

/** Pending search_sync jobs and the ids they carry per entity. */
export async function syncJobs() {
  const rows = await sql<{ id: number; payload: string }[]>`
    select j.id, p.payload::text as payload
    from graphile_worker.jobs j join graphile_worker._private_jobs p on p.id = j.id
    where j.task_identifier = 'search_sync'`;
  return rows.map((r) => ({ id: r.id, work: parsePayload(JSON.parse(r.payload)) }));
}

export async function auditRows(entity: string, id: number) {
  return sql<{ action: string; actor_id: string | null; before: unknown; after: unknown }[]>`
    select action, actor_id, before, after from audit_log where entity = ${entity} and entity_id = ${String(id)} order by id`;
}

/** Everything about a row that a refused write must leave unchanged. */
export async function snapshotRow(table: "need" | "result" | "expert", id: number) {
  const [row] = await sql`select to_jsonb(t) - 'updated_at' as j from ${sql(table)} t where id = ${id}`;
  const audits = await sql`select count(*)::int as n from audit_log where entity = ${table} and entity_id = ${String(id)}`;
  return { row: row?.j ?? null, audits: audits[0].n };
}

export async function countRows(table: "need" | "result" | "expert") {
  const [{ c }] = await sql<{ c: number }[]>`select count(*)::int as c from ${sql(table)}`;
  return c;
}

export async function orgKind(id: number): Promise<OrgKind> {
  const [row] = await sql<{ kind: OrgKind }[]>`select kind from organization where id = ${id}`;
  return row.kind;
}

/** Form fields of a valid need, overridable. */
export function needForm(over: Record<string, string> = {}): Record<string, string> {
  return {
    intent: "save",
    title: "高导热浇注材料",
    description: "导热系数≥1.0W/(m·K)。",
    field: "新材料",
    keywords: "浇注材料、导热",
    budget: "100",
    deadline: "2030-04-30",
    visibility: "public",
    contactName: "张工",
    contactPhone: "0513-87654321",
    contactEmail: "zhang@example.com",
    ...over,
  };
}

/** A form POST with repeated fields (checkbox groups). */
export function postForm(path: string, fields: [string, string][], cookie?: string) {
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" });
  if (cookie) headers.set("Cookie", cookie);
  return new Request(`http://localhost${path}`, { method: "POST", headers, body: new URLSearchParams(fields) });
}
