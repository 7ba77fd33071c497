/**
 * Every number the matcher uses to rank and label suggestions, in one place. What each one
 * means and why it has its value: docs/decisions/020-matching.md. Tuned on the development half
 * of the labelled set (search/match/eval/labels.json) only; `npm run bench:match-quality`
 * reports the other half. Never tune for one record.
 */

/** Technology fields (need.field, result.field, expert.fields): the 8 national domains. */
export const FIELD_NEIGHBOURS: Readonly<Record<string, readonly string[]>> = {
  电子信息: ["先进制造与自动化", "新能源与节能", "高技术服务", "航空航天"],
  生物与新医药: ["资源与环境", "高技术服务"],
  航空航天: ["新材料", "先进制造与自动化", "电子信息"],
  新材料: ["先进制造与自动化", "新能源与节能", "资源与环境", "航空航天"],
  高技术服务: ["电子信息", "先进制造与自动化", "生物与新医药"],
  新能源与节能: ["电子信息", "新材料", "资源与环境", "先进制造与自动化"],
  资源与环境: ["新材料", "新能源与节能", "生物与新医药"],
  先进制造与自动化: ["新材料", "电子信息", "航空航天", "高技术服务", "新能源与节能"],
};

export const WEIGHTS = {
  // ---- relevance: how much the two texts are about the same thing (0–1) ----
  /** share of relevance from the character-bigram TF-IDF cosine of the two texts */
  text: 0.5,
  /** the cosine at which text similarity counts as complete (cosines of real fits: 0.05–0.2) */
  textSaturation: 0.15,
  /** share from shared PROBLEM concepts (symptom ↔ mechanism, method) */
  problem: 0.5,
  /** problem strength = 1 − exp(−problemK × Σ shared concept weights) */
  problemK: 1.2,
  /** share from a shared OBJECT concept (same product or material): little on purpose */
  object: 0.1,
  /** both name a product or material in title/keywords and they differ: relevance × this */
  objectConflict: 0.85,
  /** share from a shared BROAD concept (轻量化 …) */
  broad: 0.05,
  /** a concept counts fully when it is in a title or keywords, this much in a need's description */
  needBodyConcept: 0.5,
  /** … and this much in a result's summary or an expert's bio */
  candidateBodyConcept: 0.7,
  /** title and keywords count this many times in the text vector (the body once) */
  headRepeat: 2,

  // ---- field: relevance × (1 − field + field × fieldMatch) ----
  field: 0.15,
  /** fieldMatch of neighbouring fields (same field 1, unrelated 0) */
  neighbourField: 0.5,
  /** concept evidence (weighted count) a text needs before its inferred field may override its label */
  inferFieldMin: 2,

  // ---- fit: small multipliers after relevance (they order near-equals, never create a match) ----
  /** no cooperation mode in common (both sides named some) */
  coopMismatch: 0.95,
  /** result maturity: 实验室 / 小试 against a need (a need is a production problem) */
  maturityLab: 0.88,
  maturitySmallScale: 0.97,
  /** asking price above budget × priceTolerance (面议 on either side: no effect) */
  priceTolerance: 2,
  overBudget: 0.93,
  /** the two organizations already worked together (another intent or agreement) */
  pastCooperation: 1.05,

  // ---- feedback (match_feedback) ----
  /** a candidate like one this need's organization dismissed, per the dismissal's reason */
  dismissedSimilar: 0.85,
  /** a result dismissed as not relevant by at least dismissedByOthersMin other organizations */
  dismissedByOthers: 0.95,
  dismissedByOthersMin: 2,
} as const;

/**
 * Labels and the "nothing fits well" verdict, calibrated on the development half (accuracy of
 * the verdict, then nDCG) — see the decision record for the figures.
 */
export const THRESHOLDS = {
  strong: 0.7,
  possible: 0.575,
  /** below this a candidate is not shown at all */
  weak: 0.35,
} as const;

/** Candidate generation in Meilisearch (search/match/candidates.server.ts). */
export const CANDIDATES = {
  /** one query per term (Meilisearch ANDs a query's words); at most this many queries */
  maxQueries: 10,
  /** hits per query */
  perQuery: 12,
  /** expansion terms taken from each concept found in the subject */
  termsPerConcept: 3,
  /** jieba TF-IDF key terms of the description added to the keywords */
  keyTerms: 4,
  /** expert queries (fewer: experts are fewer and shorter) */
  maxExpertQueries: 5,
  perExpertQuery: 8,
} as const;

/** Suggestions per request: default and bounds of `limit`. */
export const LIMITS = { default: 10, max: 50 } as const;
