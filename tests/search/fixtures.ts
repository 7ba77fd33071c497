import { sql } from "../../db/client.server";
import { enqueueSync } from "../../search/sync.server";

// Small builders for catalog rows, with contact details filled in so tests can check that
// none of them reaches a search document. Each returns the new row's id.

let n = 0;
const next = () => ++n;

export async function org(values: { name?: string; kind?: string; town?: string | null; city?: string | null } = {}) {
  const [row] = await sql<{ id: number }[]>`
    insert into organization (ref, kind, name, town, city, industry, description, website)
    values (${`T-O${next()}`}, ${values.kind ?? "enterprise"}, ${values.name ?? `测试企业${n}`}, ${values.town ?? "如城街道"},
      ${values.city ?? "如皋"}, '机械制造', '一家做减速机的企业', 'https://example.com')
    returning id
  `;
  return row.id;
}

export async function expert(orgId: number, values: { name?: string; status?: string; visibility?: string } = {}) {
  const status = values.status ?? "published";
  const [row] = await sql<{ id: number }[]>`
    insert into expert (ref, org_id, name, title, areas, honors, fields, bio, email, phone, status, visibility, published_at)
    values (${`T-X${next()}`}, ${orgId}, ${values.name ?? `张教授${n}`}, '教授', ${["动力电池", "储能材料"]}, ${["国家杰出青年科学基金获得者"]},
      ${["新能源与节能"]}, '长期从事锂离子电池正极材料研究。', 'secret-expert@example.com', '13800000001', ${status},
      ${values.visibility ?? "public"}, ${status === "published" ? sql`now()` : null})
    returning id
  `;
  return row.id;
}

export type NeedValues = { title?: string; description?: string; status?: string; visibility?: string; budget?: number | null; ref?: string | null };

export async function need(orgId: number, values: NeedValues = {}) {
  const status = values.status ?? "published";
  const [row] = await sql<{ id: number }[]>`
    insert into need (ref, org_id, title, description, field, keywords, cooperation, budget_wan, deadline, status,
      visibility, published_at, contact_name, contact_phone, contact_email)
    values (${values.ref === undefined ? `T-N${next()}` : values.ref}, ${orgId}, ${values.title ?? `需求${n}`},
      ${values.description ?? "希望提高产品的能量密度。"}, '新能源与节能', ${["锂电池", "正极材料"]}, ${["合作开发", "技术转让"]},
      ${values.budget === undefined ? 120.5 : values.budget}, '2030-12-31', ${status}, ${values.visibility ?? "public"},
      ${status === "published" || status === "matched" ? sql`now()` : null}, '王经理', '13900000002', 'secret-need@example.com')
    returning id
  `;
  return row.id;
}

export async function result(orgId: number, leadExpertId: number | null, values: { title?: string; status?: string; visibility?: string } = {}) {
  const status = values.status ?? "published";
  const [row] = await sql<{ id: number }[]>`
    insert into result (ref, org_id, lead_expert_id, title, summary, field, keywords, maturity, ip, cooperation, price_wan,
      status, visibility, published_at, contact_name, contact_phone, contact_email)
    values (${`T-R${next()}`}, ${orgId}, ${leadExpertId}, ${values.title ?? `成果${n}`}, '一种高镍三元正极材料的制备方法。',
      '新能源与节能', ${["动力电池"]}, '中试', '发明专利2项', ${["技术转让"]}, 300, ${status}, ${values.visibility ?? "public"},
      ${status === "published" ? sql`now()` : null}, '李老师', '13700000003', 'secret-result@example.com')
    returning id
  `;
  return row.id;
}

/** A committed change with its sync job, as a model would write it. */
export async function updateNeedTitle(id: number, title: string) {
  await sql.begin(async (tx) => {
    await tx`update need set title = ${title}, version = version + 1 where id = ${id}`;
    await enqueueSync(tx, "need", [id]);
  });
}

export async function deleteNeed(id: number) {
  await sql.begin(async (tx) => {
    await tx`delete from need where id = ${id}`;
    await enqueueSync(tx, "need", [id]);
  });
}

/** The sync jobs waiting in graphile-worker's queue or running. */
export async function pendingSyncJobs() {
  return sql<{ id: number; attempts: number; last_error: string | null; key: string | null }[]>`
    select id, attempts, last_error, key from graphile_worker.jobs
    where task_identifier = 'search_sync' and (attempts < max_attempts or locked_at is not null)
  `;
}
