import { sql } from "../../db/client.server";
import { enqueueSync } from "../../search/sync.server";

// Small catalogs for the matching tests: rows as the models write them (with their search sync
// job), the texts chosen to fit or not fit each other.

let n = 0;

export async function org(kind: "enterprise" | "university", name: string) {
  n++;
  const [row] = await sql<{ id: number }[]>`
    insert into organization (ref, kind, name, town, city) values (${`TM-O${n}`}, ${kind}, ${name}, '如城街道', '如皋') returning id`;
  return row.id;
}

type NeedInput = { ref: string; title: string; description?: string; field?: string | null; keywords?: string[]; status?: string; visibility?: string; budget?: number | null };

export async function need(orgId: number, v: NeedInput) {
  const status = v.status ?? "published";
  return sql.begin(async (tx) => {
    const [row] = await tx<{ id: number }[]>`
      insert into need (ref, org_id, title, description, field, keywords, cooperation, budget_wan, status, visibility, published_at)
      values (${v.ref}, ${orgId}, ${v.title}, ${v.description ?? ""}, ${v.field === undefined ? "新材料" : v.field}, ${v.keywords ?? []},
        ${["合作开发"]}, ${v.budget === undefined ? 100 : v.budget}, ${status}, ${v.visibility ?? "public"},
        ${status === "published" || status === "matched" ? sql`now()` : null})
      returning id`;
    await enqueueSync(tx, "need", [row.id]);
    return row.id;
  });
}

type ResultInput = { ref: string; title: string; summary: string; field?: string; keywords?: string[]; maturity?: string; price?: number | null; status?: string };

export async function result(orgId: number, v: ResultInput) {
  const status = v.status ?? "published";
  return sql.begin(async (tx) => {
    const [row] = await tx<{ id: number }[]>`
      insert into result (ref, org_id, title, summary, field, keywords, maturity, cooperation, price_wan, status, visibility, published_at)
      values (${v.ref}, ${orgId}, ${v.title}, ${v.summary}, ${v.field ?? "新材料"}, ${v.keywords ?? []}, ${v.maturity ?? "中试"},
        ${["合作开发", "技术转让"]}, ${v.price === undefined ? 80 : v.price}, ${status}, 'public', ${status === "published" ? sql`now()` : null})
      returning id`;
    await enqueueSync(tx, "result", [row.id]);
    return row.id;
  });
}

export async function closeResult(id: number) {
  await sql.begin(async (tx) => {
    await tx`update result set status = 'closed', closed_at = now(), version = version + 1 where id = ${id}`;
    await enqueueSync(tx, "result", [id]);
  });
}

/** A memory-foam need and the result written for it; a steel-ball need with no result yet. */
export async function smallCatalog() {
  const foamCo = await org("enterprise", "测试家居有限公司");
  const ballCo = await org("enterprise", "测试钢球有限公司");
  const uni = await org("university", "测试理工大学");
  const foamNeed = await need(foamCo, {
    ref: "TM-N1",
    title: "记忆绵冬季变硬问题改善",
    description: "公司记忆绵冬天15℃以下明显变硬，回弹时间超过10秒，客户投诉多。希望冷热环境下手感差别小，压缩永久变形≤5%。",
    keywords: ["记忆绵", "冬季变硬", "手感"],
  });
  const ballNeed = await need(ballCo, {
    ref: "TM-N2",
    title: "钢球外观瑕疵自动检测与剔除装置",
    description: "钢球出厂前靠人工复检表面麻点、擦伤和锈斑，漏检多。希望自动看清整个球面并剔除不良品，每秒检测≥8粒。",
    field: "先进制造与自动化",
    keywords: ["钢球", "外观检测", "自动剔除"],
  });
  const foamResult = await result(uni, {
    ref: "TM-R1",
    title: "宽玻璃化转变区黏弹性聚氨酯泡沫的软段设计",
    summary: "复配低Tg聚醚多元醇，拓宽软段玻璃化转变区，削弱黏弹性泡沫回复时间与模量对温度的依赖，10℃/25℃模量比约1.3，压缩永久变形3.5%。",
    keywords: ["黏弹性泡沫", "玻璃化转变", "软段结构"],
  });
  return { foamCo, ballCo, uni, foamNeed, ballNeed, foamResult };
}

/** The flaw-inspection result the steel-ball need is waiting for. */
export function ballResultInput(): ResultInput {
  return {
    ref: "TM-R2",
    title: "球形零件全表面展开成像与卷积网络瑕疵识别",
    summary: "球面展开机构与多角度照明完成整个球面的图像拼接，卷积神经网络识别点蚀坑、划痕和腐蚀斑，最小可识别15μm瑕疵，节拍10件/秒，输出不合格信号。",
    field: "先进制造与自动化",
    keywords: ["球面展开", "图像拼接", "缺陷识别"],
  };
}
