import type { Settings } from "meilisearch";

/**
 * Index definitions: settings live here, in code, and are applied before any
 * document (search/setup.server.ts). Bump SEARCH_SCHEMA_VERSION when a change
 * needs the documents rebuilt (a field added to or changed in
 * search/documents.server.ts), not only the settings re-applied: the next start
 * then rebuilds every index with a swap (search/reindex.server.ts), because
 * search_index_meta.documents_version no longer matches.
 */
// 2: documents gained `pinyin` (docs/decisions/015-pinyin-search.md)
export const SEARCH_SCHEMA_VERSION = 2;

export const TECH_FIELDS = [
  "电子信息",
  "生物与新医药",
  "航空航天",
  "新材料",
  "高技术服务",
  "新能源与节能",
  "资源与环境",
  "先进制造与自动化",
] as const;

/** Abbreviations people type for the field's terms (both directions). */
export const SYNONYM_GROUPS: string[][] = [
  ["锂电", "锂电池", "锂离子电池"],
  ["光伏", "太阳能电池", "太阳能光伏"],
  ["复材", "复合材料"],
  ["PLC", "可编程控制器", "可编程逻辑控制器"],
  ["新能源车", "新能源汽车", "电动汽车", "电动车"],
  ["BMS", "电池管理系统"],
  ["MES", "制造执行系统"],
  ["LED", "发光二极管"],
  ["AI", "人工智能"],
  ["IoT", "物联网"],
  ["CNC", "数控机床", "数控"],
  ["特高压", "UHV"],
  ["玻纤", "玻璃纤维"],
  ["碳纤", "碳纤维"],
];

export function synonymsMap(groups = SYNONYM_GROUPS): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const group of groups) {
    for (const word of group) map[word] = group.filter((w) => w !== word);
  }
  return map;
}

const common: Settings = {
  // "sort" first: an explicit sort (newest, budget, price) orders every hit strictly; without
  // one the rule is skipped and relevance ranks as before (docs/decisions/013-search-query.md).
  rankingRules: ["sort", "words", "typo", "proximity", "attribute", "exactness"],
  synonyms: synonymsMap(),
  typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 4, twoTypos: 8 } },
  // the most frequent values, not the first 200 in alphabetical order (organizations: thousands)
  faceting: { maxValuesPerFacet: 200, sortFacetValuesBy: { "*": "count" } },
  pagination: { maxTotalHits: 10000 },
};

/**
 * Filter fields every index has, so one visibility filter (search/documents.server.ts
 * visibilityFilter) works on all four: audience, status, visibility, org_id.
 */
const VISIBILITY_FIELDS = ["audience", "status", "visibility", "org_id"];

/** Shown in hits: everything but the *_seg and pinyin token fields, which exist only to be matched. */
const COMMON_DISPLAYED = [
  "id", "type", "ref", "title", "org_id", "org_name", "org_kind", "town", "city",
  "status", "visibility", "audience", "year", "created_ts", "published_ts", "updated_ts",
];

export type IndexDefinition = { base: string; primaryKey: string; settings: Settings };

// The document shapes are described at the top of search/documents.server.ts.
// Searchable attributes are in ranking order ("attribute" rule): the title first, its jieba
// tokens right after it, long texts last.
export const INDEXES: IndexDefinition[] = [
  {
    base: "needs",
    primaryKey: "id",
    settings: {
      ...common,
      // *_seg fields hold jieba cut-for-search tokens so 电池 finds 锂电池 (STACK.md gotcha 4).
      searchableAttributes: [
        "title", "title_seg", "keywords", "keywords_seg", "description", "description_seg", "org_name", "field", "pinyin",
      ],
      filterableAttributes: [...VISIBILITY_FIELDS, "field", "cooperation", "org_name", "town", "city", "year", "budget_wan"],
      sortableAttributes: ["published_ts", "created_ts", "budget_wan"],
      displayedAttributes: [...COMMON_DISPLAYED, "description", "field", "keywords", "cooperation", "budget_wan", "deadline"],
    },
  },
  {
    base: "results",
    primaryKey: "id",
    settings: {
      ...common,
      searchableAttributes: [
        "title", "title_seg", "keywords", "keywords_seg", "summary", "summary_seg", "lead_name", "org_name", "field", "pinyin",
      ],
      filterableAttributes: [
        ...VISIBILITY_FIELDS, "field", "maturity", "cooperation", "org_name", "town", "city", "year", "price_wan", "lead_expert_id",
      ],
      sortableAttributes: ["published_ts", "created_ts", "price_wan"],
      displayedAttributes: [
        ...COMMON_DISPLAYED, "summary", "field", "keywords", "maturity", "ip", "cooperation", "price_wan", "lead_expert_id", "lead_name",
      ],
    },
  },
  {
    base: "experts",
    primaryKey: "id",
    settings: {
      ...common,
      // title = the expert's name; job_title = 职称 (教授, 研究员 …)
      searchableAttributes: ["title", "areas", "areas_seg", "job_title", "bio", "bio_seg", "org_name", "field", "pinyin"],
      filterableAttributes: [...VISIBILITY_FIELDS, "field", "honors", "job_title", "org_name", "town", "city", "year"],
      sortableAttributes: ["published_ts", "created_ts"],
      displayedAttributes: [...COMMON_DISPLAYED, "job_title", "areas", "honors", "field", "bio"],
    },
  },
  {
    base: "organizations",
    primaryKey: "id",
    settings: {
      ...common,
      // title = the organization's name
      searchableAttributes: ["title", "short_name", "title_seg", "industry", "description", "description_seg", "pinyin"],
      filterableAttributes: [...VISIBILITY_FIELDS, "kind", "town", "city", "industry"],
      sortableAttributes: ["created_ts"],
      displayedAttributes: [...COMMON_DISPLAYED, "kind", "short_name", "industry", "description"],
    },
  },
];

/** The index of each synced entity (the `type` of its documents). */
export const ENTITY_INDEX = {
  need: "needs",
  result: "results",
  expert: "experts",
  organization: "organizations",
} as const;

export type SearchEntity = keyof typeof ENTITY_INDEX;
export const SEARCH_ENTITIES: readonly SearchEntity[] = ["need", "result", "expert", "organization"];

export function isSearchEntity(value: unknown): value is SearchEntity {
  return typeof value === "string" && Object.hasOwn(ENTITY_INDEX, value);
}

export function indexDefinition(entity: SearchEntity): IndexDefinition {
  const def = INDEXES.find((d) => d.base === ENTITY_INDEX[entity]);
  if (!def) throw new Error(`no index definition for ${entity}`);
  return def;
}
