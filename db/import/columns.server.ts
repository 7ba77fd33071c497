import { nfkc, type EnumOption } from "./values.server";

// What each kind of record is made of, the column names people use for each field (Chinese and
// English, as in the bureau's and the towns' spreadsheets, and the demo JSON keys), and how a
// header row tells which kind a file holds. The export uses the first Chinese and English header
// of each field, so an export imports back unchanged.

export const IMPORT_KINDS = ["organizations", "experts", "needs", "results"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export function isImportKind(v: unknown): v is ImportKind {
  return typeof v === "string" && (IMPORT_KINDS as readonly string[]).includes(v);
}

export const KIND_LABELS: Record<ImportKind, { zh: string; en: string }> = {
  organizations: { zh: "单位", en: "organizations" },
  experts: { zh: "专家", en: "experts" },
  needs: { zh: "技术需求", en: "technology needs" },
  results: { zh: "科研成果", en: "research results" },
};

/** The table each kind is stored in; also the entity name of its audit rows and sync jobs. */
export const KIND_TABLE = { organizations: "organization", experts: "expert", needs: "need", results: "result" } as const;
export type KindTable = (typeof KIND_TABLE)[ImportKind];

// ---- controlled vocabularies (the SQL functions tech_fields() and cooperation_modes() are the
// authority; tests/import check that these lists equal them) ----

export const TECH_FIELDS: readonly EnumOption<string>[] = [
  { value: "电子信息", aliases: ["electronic information", "electronics", "information technology"] },
  { value: "生物与新医药", aliases: ["biology and new medicine", "biotechnology and new medicine", "biomedicine"] },
  { value: "航空航天", aliases: ["aerospace", "aviation and aerospace"] },
  { value: "新材料", aliases: ["new materials", "advanced materials"] },
  { value: "高技术服务", aliases: ["high-tech services", "high technology services"] },
  { value: "新能源与节能", aliases: ["new energy and energy saving", "new energy and energy conservation"] },
  { value: "资源与环境", aliases: ["resources and environment"] },
  { value: "先进制造与自动化", aliases: ["advanced manufacturing and automation"] },
];

export const COOPERATION_MODES: readonly EnumOption<string>[] = [
  { value: "技术转让", aliases: ["转让", "technology transfer"] },
  { value: "技术许可", aliases: ["许可", "专利许可", "licensing", "technology licensing"] },
  { value: "合作开发", aliases: ["联合开发", "joint development", "cooperative development"] },
  { value: "委托开发", aliases: ["commissioned development", "contract development"] },
  { value: "技术咨询", aliases: ["咨询", "technical consulting", "consulting"] },
  { value: "技术服务", aliases: ["technical service", "technical services"] },
  { value: "人才引进", aliases: ["talent introduction", "talent recruitment"] },
  { value: "共建研发平台", aliases: ["共建平台", "共建研发中心", "joint r&d platform", "joint platform"] },
];

export const MATURITIES: readonly EnumOption<string>[] = [
  { value: "实验室", aliases: ["实验室阶段", "研发阶段", "lab", "laboratory"] },
  { value: "小试", aliases: ["小试阶段", "bench", "bench scale", "small scale"] },
  { value: "中试", aliases: ["中试阶段", "pilot", "pilot scale"] },
  { value: "产业化", aliases: ["产业化阶段", "已产业化", "批量生产", "industrialized", "industrialised", "commercial"] },
];

export const ORG_KIND_OPTIONS: readonly EnumOption<string>[] = [
  { value: "enterprise", aliases: ["企业", "公司", "民营企业", "国有企业"] },
  { value: "university", aliases: ["高校", "大学", "高等院校", "学院"] },
  { value: "institute", aliases: ["科研院所", "院所", "研究院", "研究所", "research institute"] },
  { value: "government", aliases: ["政府部门", "政府", "government agency"] },
  { value: "agency", aliases: ["服务机构", "中介机构", "科技服务机构", "service agency"] },
];
export const ORG_KIND_ZH: Record<string, string> = {
  enterprise: "企业",
  university: "高校",
  institute: "科研院所",
  government: "政府部门",
  agency: "服务机构",
};

export const NEED_STATUSES: readonly EnumOption<string>[] = [
  { value: "draft", aliases: ["草稿"] },
  { value: "pending_review", aliases: ["待审核", "审核中", "待审", "pending", "pending review"] },
  { value: "published", aliases: ["已发布", "发布", "公开", "open"] },
  { value: "matched", aliases: ["已对接", "对接中", "已匹配"] },
  { value: "closed", aliases: ["已关闭", "关闭", "已完成", "已解决", "已撤回"] },
];
export const CATALOG_STATUSES = NEED_STATUSES.filter((s) => s.value !== "matched");
export const STATUS_ZH: Record<string, string> = {
  draft: "草稿",
  pending_review: "待审核",
  published: "已发布",
  matched: "已对接",
  closed: "已关闭",
};

export const VISIBILITIES: readonly EnumOption<string>[] = [
  { value: "public", aliases: ["公开", "所有人", "public"] },
  { value: "members", aliases: ["登录可见", "会员可见", "注册用户"] },
  { value: "private", aliases: ["仅本单位", "不公开", "保密"] },
];
export const VISIBILITY_ZH: Record<string, string> = { public: "公开", members: "登录可见", private: "仅本单位" };

// ---- fields ----

export type FieldType =
  | { t: "ref" }
  | { t: "text"; max: number; multiline?: boolean }
  | { t: "list"; maxItems: number; maxLen: number }
  | { t: "enum"; options: readonly EnumOption<string>[] }
  | { t: "enumList"; options: readonly EnumOption<string>[] }
  | { t: "amount" }
  | { t: "date" }
  | { t: "email" }
  | { t: "phone" };

export type FieldSpec = {
  key: string;
  zh: string;
  en: string;
  type: FieldType;
  /** true: always; "unlessDraft": when the row's status is not draft (a need's field) */
  required?: true | "unlessDraft";
  /** column names, in the order the export prefers (first zh, first en) */
  headers: readonly string[];
};

const TEXT_SHORT = { t: "text", max: 100 } as const;
const KEYWORDS = { t: "list", maxItems: 20, maxLen: 50 } as const;

const refField = (zh: string, more: string[] = []): FieldSpec => ({
  key: "ref",
  zh,
  en: "ref",
  type: { t: "ref" },
  headers: [zh, "ref", "编号", "外部编号", "id", "code", ...more],
});
const orgFields = (zh: string, more: string[]): FieldSpec[] => [
  { key: "org", zh, en: "org", type: { t: "text", max: 200 }, required: true, headers: [zh, "org", "organization", ...more] },
  {
    key: "org_ref",
    zh: `${zh}编号`,
    en: "org ref",
    type: { t: "ref" },
    headers: [`${zh}编号`, "org ref", "org_ref", "organization ref", "单位编号"],
  },
];
const contactFields: FieldSpec[] = [
  { key: "contact_name", zh: "联系人", en: "contact name", type: { t: "text", max: 50 }, headers: ["联系人", "contact name", "contact", "联系人姓名"] },
  {
    key: "contact_phone",
    zh: "联系电话",
    en: "contact phone",
    type: { t: "phone" },
    headers: ["联系电话", "contact phone", "phone", "电话", "手机", "手机号码", "联系方式"],
  },
  { key: "contact_email", zh: "联系邮箱", en: "contact email", type: { t: "email" }, headers: ["联系邮箱", "contact email", "email", "邮箱", "电子邮箱"] },
];
const statusField = (options: readonly EnumOption<string>[]): FieldSpec => ({
  key: "status",
  zh: "状态",
  en: "status",
  type: { t: "enum", options },
  headers: ["状态", "status", "发布状态"],
});
const visibilityField: FieldSpec = {
  key: "visibility",
  zh: "公开范围",
  en: "visibility",
  type: { t: "enum", options: VISIBILITIES },
  headers: ["公开范围", "visibility", "可见范围"],
};
const fieldField: FieldSpec = {
  key: "field",
  zh: "技术领域",
  en: "field",
  type: { t: "enum", options: TECH_FIELDS },
  required: "unlessDraft",
  headers: ["技术领域", "field", "technology field", "tech field", "领域", "所属领域", "所属技术领域"],
};
const keywordsField: FieldSpec = {
  key: "keywords",
  zh: "关键词",
  en: "keywords",
  type: KEYWORDS,
  headers: ["关键词", "keywords", "关键字", "keyword"],
};
const cooperationField: FieldSpec = {
  key: "cooperation",
  zh: "合作方式",
  en: "cooperation",
  type: { t: "enumList", options: COOPERATION_MODES },
  headers: ["合作方式", "cooperation", "cooperation modes", "cooperation mode", "合作模式", "合作形式"],
};

export const KIND_FIELDS: Record<ImportKind, readonly FieldSpec[]> = {
  organizations: [
    refField("单位编号"),
    { key: "name", zh: "单位名称", en: "name", type: { t: "text", max: 200 }, required: true, headers: ["单位名称", "name", "名称", "企业名称", "机构名称", "organization name", "organization"] },
    { key: "short_name", zh: "简称", en: "short name", type: TEXT_SHORT, headers: ["简称", "short name", "short_name", "单位简称", "企业简称"] },
    { key: "kind", zh: "类型", en: "kind", type: { t: "enum", options: ORG_KIND_OPTIONS }, required: true, headers: ["类型", "kind", "type", "单位类型", "机构类型", "单位性质"] },
    { key: "town", zh: "镇区", en: "town", type: TEXT_SHORT, headers: ["镇区", "town", "所在镇区", "镇(街道)", "镇街", "所属镇区", "区镇"] },
    { key: "city", zh: "城市", en: "city", type: TEXT_SHORT, headers: ["城市", "city", "所在城市", "所在地"] },
    { key: "industry", zh: "行业", en: "industry", type: TEXT_SHORT, headers: ["行业", "industry", "所属行业", "产业", "所属产业"] },
    { key: "description", zh: "简介", en: "description", type: { t: "text", max: 5000, multiline: true }, headers: ["简介", "description", "单位简介", "企业简介", "机构简介"] },
    { key: "website", zh: "网站", en: "website", type: { t: "text", max: 500 }, headers: ["网站", "website", "网址", "url"] },
  ],
  experts: [
    refField("专家编号"),
    { key: "name", zh: "姓名", en: "name", type: { t: "text", max: 50 }, required: true, headers: ["姓名", "name", "专家姓名"] },
    ...orgFields("单位", ["所在单位", "工作单位", "所属单位", "institution"]),
    { key: "title", zh: "职称", en: "title", type: { t: "text", max: 50 }, headers: ["职称", "title", "职务"] },
    { key: "areas", zh: "研究方向", en: "areas", type: { t: "list", maxItems: 20, maxLen: 50 }, headers: ["研究方向", "areas", "research areas", "研究领域", "专业方向"] },
    { key: "honors", zh: "荣誉", en: "honors", type: { t: "list", maxItems: 20, maxLen: 50 }, headers: ["荣誉", "honors", "honours", "人才称号", "荣誉称号"] },
    { key: "fields", zh: "技术领域", en: "fields", type: { t: "enumList", options: TECH_FIELDS }, headers: ["技术领域", "fields", "field", "所属领域"] },
    { key: "bio", zh: "简介", en: "bio", type: { t: "text", max: 5000, multiline: true }, headers: ["简介", "bio", "个人简介", "专家简介", "biography"] },
    { key: "email", zh: "邮箱", en: "email", type: { t: "email" }, headers: ["邮箱", "email", "电子邮箱"] },
    { key: "phone", zh: "电话", en: "phone", type: { t: "phone" }, headers: ["电话", "phone", "联系电话", "手机"] },
    statusField(CATALOG_STATUSES),
    visibilityField,
  ],
  needs: [
    refField("需求编号"),
    { key: "title", zh: "需求名称", en: "title", type: { t: "text", max: 200 }, required: true, headers: ["需求名称", "title", "需求标题", "标题", "名称", "项目名称", "技术需求名称"] },
    {
      key: "description",
      zh: "需求描述",
      en: "description",
      type: { t: "text", max: 10000, multiline: true },
      headers: ["需求描述", "description", "需求内容", "需求详情", "需求简介", "具体需求", "描述", "内容", "技术需求描述"],
    },
    fieldField,
    keywordsField,
    cooperationField,
    { key: "budget_wan", zh: "预算(万元)", en: "budget", type: { t: "amount" }, headers: ["预算(万元)", "budget", "budget_wan", "预算", "预算金额", "拟投入资金", "投入资金", "拟投入金额"] },
    { key: "deadline", zh: "截止日期", en: "deadline", type: { t: "date" }, headers: ["截止日期", "deadline", "截止时间", "截至日期", "期限", "完成期限"] },
    ...orgFields("发布单位", ["企业名称", "需求单位", "企业", "公司名称", "需求企业", "company"]),
    statusField(NEED_STATUSES),
    visibilityField,
    ...contactFields,
    { key: "posted", zh: "发布日期", en: "posted", type: { t: "date" }, headers: ["发布日期", "posted", "发布时间", "published on"] },
  ],
  results: [
    refField("成果编号"),
    { key: "title", zh: "成果名称", en: "title", type: { t: "text", max: 200 }, required: true, headers: ["成果名称", "title", "成果标题", "项目名称", "名称", "标题"] },
    {
      key: "summary",
      zh: "成果简介",
      en: "summary",
      type: { t: "text", max: 10000, multiline: true },
      headers: ["成果简介", "summary", "成果介绍", "成果描述", "简介", "摘要", "description", "内容"],
    },
    fieldField,
    keywordsField,
    { key: "maturity", zh: "成熟度", en: "maturity", type: { t: "enum", options: MATURITIES }, headers: ["成熟度", "maturity", "技术成熟度", "成果阶段", "所处阶段", "成熟程度"] },
    { key: "ip", zh: "知识产权", en: "ip", type: { t: "text", max: 500 }, headers: ["知识产权", "ip", "intellectual property", "知识产权情况", "专利情况"] },
    cooperationField,
    { key: "price_wan", zh: "价格(万元)", en: "price", type: { t: "amount" }, headers: ["价格(万元)", "price", "price_wan", "价格", "转让价格", "参考价格", "意向价格", "报价"] },
    ...orgFields("单位", ["所属单位", "完成单位", "成果单位", "高校院所", "发布单位", "institution"]),
    { key: "lead", zh: "负责人", en: "lead", type: { t: "text", max: 50 }, headers: ["负责人", "lead", "lead expert", "成果负责人", "项目负责人", "专家"] },
    { key: "lead_ref", zh: "负责人编号", en: "lead ref", type: { t: "ref" }, headers: ["负责人编号", "lead ref", "lead_ref", "专家编号"] },
    statusField(CATALOG_STATUSES),
    visibilityField,
    ...contactFields,
    { key: "posted", zh: "发布日期", en: "posted", type: { t: "date" }, headers: ["发布日期", "posted", "published", "发布时间", "published on"] },
  ],
};

/**
 * A header as compared: NFKC (full-width brackets become ASCII), lower case, without spaces,
 * required-markers (*), trailing colons, and a unit in brackets or after a slash — 预算（万元）,
 * 预算(万元), 预算/万元 and 预算 are the same column. The unit itself is read by headerUnit().
 */
export function headerKey(h: string): string {
  return nfkc(h)
    .toLowerCase()
    .replace(/[(（[【][^)）\]】]*[)）\]】]/g, "")
    .replace(/\/(万元|元|万|rmb|cny)$/, "")
    .replace(/[\s*＊:：_\-.]/g, "")
    .replace(/^(\d+|[一二三四五六七八九十]+)[、.]/, "");
}

/** The unit an amount column states in its header: 元 (not 万元) means yuan. */
export function headerUnit(h: string): "wan" | "yuan" {
  const s = nfkc(h);
  if (/万元|万/.test(s) || /10k|wan/i.test(s)) return "wan";
  return /元|yuan|cny|rmb/i.test(s) ? "yuan" : "wan";
}

const LOOKUP = new Map<ImportKind, Map<string, FieldSpec>>(
  IMPORT_KINDS.map((k) => {
    const m = new Map<string, FieldSpec>();
    for (const f of KIND_FIELDS[k]) for (const h of f.headers) if (!m.has(headerKey(h))) m.set(headerKey(h), f);
    return [k, m];
  }),
);

export function fieldFor(kind: ImportKind, header: string): FieldSpec | null {
  const k = headerKey(header);
  if (k === "") return null;
  return LOOKUP.get(kind)?.get(k) ?? null;
}

/** 序号 is a row counter, never a record's identity: it is ignored without a warning. */
export function isRowNumberHeader(header: string) {
  return ["序号", "no", "#", "行号"].includes(headerKey(header));
}

function requiredKeys(kind: ImportKind) {
  return KIND_FIELDS[kind].filter((f) => f.required).map((f) => f.key);
}

/** How many kinds know a header: one means it is distinctive (预算 is a need's, 成熟度 a result's). */
function kindsKnowing(header: string) {
  return IMPORT_KINDS.filter((k) => fieldFor(k, header) !== null).length;
}

/**
 * Which kind a header row describes: among the kinds whose required columns are all there, the
 * one that recognises the most headers, distinctive headers counting extra; null when no kind
 * fits or two fit equally well.
 */
export function inferKind(headers: readonly string[]): ImportKind | null {
  let best: { kind: ImportKind; score: number } | null = null;
  let tie = false;
  for (const kind of IMPORT_KINDS) {
    const known = headers.filter((h) => fieldFor(kind, h) !== null);
    const keys = new Set(known.map((h) => fieldFor(kind, h)?.key));
    if (!requiredKeys(kind).every((k) => keys.has(k))) continue;
    const score = keys.size + 0.5 * known.filter((h) => kindsKnowing(h) === 1).length;
    if (best === null || score > best.score) {
      best = { kind, score };
      tie = false;
    } else if (score === best.score) {
      tie = true;
    }
  }
  return best && !tie ? best.kind : null;
}

/** Kind from a file name: needs.json, 2018-results.csv, 专家.xlsx … */
export function kindFromFilename(name: string): ImportKind | null {
  const base = name.toLowerCase().replace(/\.[^.]+$/, "");
  const hits = IMPORT_KINDS.filter((k) => new RegExp(`(^|[^a-z])${k}([^a-z]|$)`).test(base));
  if (hits.length === 1) return hits[0];
  const zh: [RegExp, ImportKind][] = [
    [/需求/, "needs"],
    [/成果/, "results"],
    [/专家|人才/, "experts"],
    [/单位|企业名录|机构/, "organizations"],
  ];
  const zhHits = zh.filter(([re]) => re.test(base)).map(([, k]) => k);
  return zhHits.length === 1 ? zhHits[0] : null;
}

/** Files of the demo dataset that are not catalog records: skipped when a folder is imported. */
export const NON_CATALOG_FILES = new Set(["events.json", "intents.json", "agreements.json"]);
