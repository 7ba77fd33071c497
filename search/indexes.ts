import type { Settings } from "meilisearch";

/**
 * Index definitions: settings live here, in code, and are applied before any
 * document (search/setup.server.ts). Bump SEARCH_SCHEMA_VERSION when a change
 * needs the documents rebuilt, not only the settings re-applied.
 */
export const SEARCH_SCHEMA_VERSION = 1;

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
  rankingRules: ["words", "typo", "proximity", "attribute", "sort", "exactness"],
  synonyms: synonymsMap(),
  typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 4, twoTypos: 8 } },
  faceting: { maxValuesPerFacet: 200 },
  pagination: { maxTotalHits: 10000 },
};

export type IndexDefinition = { base: string; primaryKey: string; settings: Settings };

export const INDEXES: IndexDefinition[] = [
  {
    base: "needs",
    primaryKey: "id",
    settings: {
      ...common,
      // *_seg fields hold jieba cut-for-search tokens so 电池 finds 锂电池 (STACK.md gotcha 4).
      searchableAttributes: ["title", "keywords", "title_seg", "description", "description_seg", "org_name"],
      filterableAttributes: ["status", "field", "cooperation", "org_id", "org_name", "town", "year", "visible_to"],
      sortableAttributes: ["created_ts", "budget_wan"],
      displayedAttributes: ["*"],
    },
  },
  {
    base: "results",
    primaryKey: "id",
    settings: {
      ...common,
      searchableAttributes: ["title", "keywords", "title_seg", "summary", "summary_seg", "org_name", "lead_name"],
      filterableAttributes: ["status", "field", "maturity", "cooperation", "org_id", "org_name", "city", "year", "visible_to"],
      sortableAttributes: ["created_ts", "price_wan"],
      displayedAttributes: ["*"],
    },
  },
  {
    base: "experts",
    primaryKey: "id",
    settings: {
      ...common,
      searchableAttributes: ["name", "areas", "areas_seg", "title", "bio", "bio_seg", "org_name"],
      filterableAttributes: ["status", "org_id", "org_name", "city", "honors", "title", "visible_to"],
      sortableAttributes: ["created_ts"],
      displayedAttributes: ["*"],
    },
  },
  {
    base: "organizations",
    primaryKey: "id",
    settings: {
      ...common,
      searchableAttributes: ["name", "short_name", "name_seg", "industry", "description", "description_seg"],
      filterableAttributes: ["kind", "town", "city", "industry"],
      sortableAttributes: ["created_ts"],
      displayedAttributes: ["*"],
    },
  },
];
