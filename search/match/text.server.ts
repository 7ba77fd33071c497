/**
 * Text side of matching: Chinese tokens with weights, key-term extraction (TF-IDF) and concept
 * detection (search/match/concepts.ts).
 *
 * The matcher has its own jieba instance: the bundled dictionary plus every concept term, so a
 * field's compound (记忆绵, 玻璃化转变, 上浆剂) is one token next to its parts. Word weights are
 * jieba's bundled IDF table (a large general corpus): rare domain words weigh more than everyday
 * ones without a statistic of our own catalog, so a pair's score never depends on which other
 * records happen to be indexed — the cached and the on-demand score of a pair agree.
 */
import { Jieba, TfIdf } from "@node-rs/jieba";
import { dict, idf } from "@node-rs/jieba/dict";
import { CONCEPTS, type Concept } from "./concepts";
import { SYNONYM_GROUPS } from "../indexes";

let jiebaInstance: Jieba | undefined;
let idfTable: Map<string, number> | undefined;
let tfidf: TfIdf | undefined;

/** Latin words of a concept or synonym table, kept whole by jieba only if in its dictionary. */
function userDictionary(): string {
  const words = new Set<string>();
  for (const c of CONCEPTS) for (const t of c.terms) if (/\p{Script=Han}/u.test(t) && !/\s/.test(t)) words.add(normalize(t));
  for (const g of SYNONYM_GROUPS) for (const t of g) if (/\p{Script=Han}/u.test(t)) words.add(normalize(t));
  return [...words].map((w) => `${w} 3000 n`).join("\n");
}

export function matchJieba(): Jieba {
  if (!jiebaInstance) {
    const j = Jieba.withDict(dict);
    j.loadDict(Buffer.from(userDictionary()));
    jiebaInstance = j;
  }
  return jiebaInstance;
}

function idfMap(): Map<string, number> {
  if (!idfTable) {
    const map = new Map<string, number>();
    for (const line of Buffer.from(idf).toString("utf8").split("\n")) {
      const sp = line.lastIndexOf(" ");
      if (sp > 0) map.set(line.slice(0, sp), Number(line.slice(sp + 1)));
    }
    idfTable = map;
  }
  return idfTable;
}

/** IDF of a word missing from jieba's table: a domain compound, rare by definition. */
export const UNKNOWN_IDF = 11.5;
/** The weight of the commonest words: below this IDF a token carries nearly nothing. */
const FLOOR_IDF = 4;

export function idfOf(token: string): number {
  return idfMap().get(token) ?? UNKNOWN_IDF;
}

/** Full-width to half-width, Latin lower-cased, whitespace collapsed. */
export function normalize(text: string | null | undefined): string {
  if (!text) return "";
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * Words that say nothing about the technology: the way enterprises and institutions write
 * requests and results (希望, 开发, 提高, 技术, 要求 …). General function words are already cheap
 * through their IDF; these are domain-frequent, so they get their own list.
 */
const STOP = new Set(
  `希望 公司 企业 我们 目前 现有 现在 需要 要求 问题 开发 研发 研制 研究 提高 提升 改善 改进 优化 降低 减少 增加 实现 满足 达到 保持 采用 利用 通过
  建立 形成 提供 具有 具备 可以 能够 用于 应用 适用 适用于 相关 以及 同时 其中 方面 方法 技术 工艺 方案 系统 装置 设备 产品 材料 性能 质量 效率 成本 能力 情况
  客户 用户 主机厂 市场 生产 批量 量产 产业化 中试 小试 实验室 样机 合作 项目 团队 专家 高校 指标 目标 现场 影响 以上 以下 左右 不超过 不低于 不高于 超过
  基于 一种 一套 一体化 新型 高效 关键 核心 综合 分析 设计 控制 处理 检测 监测 测试 评价 评估 试验 验证 规模 已在 已经 显著 明显 较好 良好 稳定 大幅 进一步
  每年 每月 每班 每人 单线 单件 约 万元 元 年 月 日 小时 分钟 秒 个 项 套 台 件 次 种 类 级 倍 吨 以内 之间 不到 不足 偏高 偏低 偏大 偏小 较高 较低
  问题 投诉 改造 升级 替代 代替 开展 进行 完成 解决 提出 给出 判断 依据 考虑 不同 各种 多种 主要 一般 部分 全部 整体 单位 范围 条件 环境 过程 阶段 周期 时间`.split(/\s+/),
);

const WORDLESS = /^[^\p{L}\p{N}]+$/u;
/** numbers with or without a unit or a decimal: 15℃, 0.8mm, 1.5, 10^6, 60kg/m³ */
const NUMERIC = /^[\d.%‰^×x~～\-–—]+[a-zμΩ℃°%‰/²³·]*$/u;

function keep(token: string): boolean {
  if (token.length < 2) return false;
  if (WORDLESS.test(token) || NUMERIC.test(token)) return false;
  return !STOP.has(token);
}

/** The document's words (jieba search mode: compounds and their parts), filtered. */
export function tokenize(text: string | null | undefined): string[] {
  const t = normalize(text);
  if (!t) return [];
  const out: string[] = [];
  for (const raw of matchJieba().cutForSearch(t, true)) {
    const token = raw.trim();
    if (keep(token)) out.push(token);
  }
  return out;
}

/** A weighted bag of words: sublinear term frequency × IDF, over weighted text parts. */
export type TermVector = Map<string, number>;

export function termVector(parts: ReadonlyArray<{ text: string | null | undefined; weight: number }>): TermVector {
  const tf = new Map<string, number>();
  for (const part of parts) {
    for (const token of tokenize(part.text)) tf.set(token, (tf.get(token) ?? 0) + part.weight);
  }
  const v: TermVector = new Map();
  for (const [token, f] of tf) {
    const w = (1 + Math.log(f)) * Math.max(0, idfOf(token) - FLOOR_IDF);
    if (w > 0) v.set(token, w);
  }
  return v;
}

export function norm(v: TermVector): number {
  let s = 0;
  for (const w of v.values()) s += w * w;
  return Math.sqrt(s);
}

/** Cosine similarity and the shared words, heaviest first. */
export function cosine(a: TermVector, b: TermVector): { sim: number; shared: Array<{ term: string; weight: number }> } {
  const na = norm(a);
  const nb = norm(b);
  if (!na || !nb) return { sim: 0, shared: [] };
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  const shared: Array<{ term: string; weight: number }> = [];
  for (const [t, w] of small) {
    const o = large.get(t);
    if (o === undefined) continue;
    dot += w * o;
    shared.push({ term: t, weight: w * o });
  }
  shared.sort((x, y) => y.weight - x.weight);
  return { sim: dot / (na * nb), shared };
}

/**
 * The need's (or result's) key terms by jieba TF-IDF, with the bundled IDF table; the domain
 * dictionary keeps field compounds whole. Stop words and numbers are dropped.
 */
export function keyTerms(text: string, topK = 12): Array<{ term: string; weight: number }> {
  tfidf ??= TfIdf.withDict(idf);
  const t = normalize(text);
  if (!t) return [];
  return tfidf
    .extractKeywords(matchJieba(), t, topK * 3)
    .filter((k) => keep(k.keyword))
    .slice(0, topK)
    .map((k) => ({ term: k.keyword, weight: k.weight }));
}

// ---- concepts ----

type CompiledTerm = { concept: Concept; term: string; latin: boolean };
let termsByFirstChar: Map<string, CompiledTerm[]> | undefined;

function compiledTerms(): Map<string, CompiledTerm[]> {
  if (!termsByFirstChar) {
    const index = new Map<string, CompiledTerm[]>();
    for (const concept of CONCEPTS) {
      for (const raw of concept.terms) {
        const term = normalize(raw);
        if (!term) continue;
        const entry = { concept, term, latin: /[a-z]/.test(term) };
        const list = index.get(term[0]);
        if (list) list.push(entry);
        else index.set(term[0], [entry]);
      }
    }
    termsByFirstChar = index;
  }
  return termsByFirstChar;
}

const isLatin = (ch: string | undefined) => ch !== undefined && ch >= "a" && ch <= "z";

/** A concept found in a text, with the words that showed it (to highlight). */
export type ConceptHit = { concept: Concept; terms: string[] };

/**
 * The concepts whose terms occur in a text. One pass over the text, looking up the terms that
 * start with each character; a Latin term must stand alone (PP is not part of PPS).
 */
export function conceptsIn(text: string | null | undefined): Map<string, ConceptHit> {
  const t = normalize(text);
  const hits = new Map<string, ConceptHit>();
  if (!t) return hits;
  const index = compiledTerms();
  for (let i = 0; i < t.length; i++) {
    const candidates = index.get(t[i]);
    if (!candidates) continue;
    for (const { concept, term, latin } of candidates) {
      if (!t.startsWith(term, i)) continue;
      if (latin && (isLatin(t[i - 1]) || isLatin(t[i + term.length]))) continue;
      const hit = hits.get(concept.id);
      if (!hit) hits.set(concept.id, { concept, terms: [term] });
      else if (!hit.terms.includes(term)) hit.terms.push(term);
    }
  }
  return hits;
}

/** Every term of a concept (for expanding a query), the longest first. */
export function conceptTerms(id: string): string[] {
  const c = CONCEPTS.find((x) => x.id === id);
  return c ? [...c.terms].sort((a, b) => b.length - a.length) : [];
}

/** The synonyms (search/indexes.ts SYNONYM_GROUPS) of a word, itself excluded. */
export function synonymsOf(word: string): string[] {
  const w = normalize(word);
  for (const g of SYNONYM_GROUPS) if (g.some((x) => normalize(x) === w)) return g.filter((x) => normalize(x) !== w);
  return [];
}

// ---- character bigrams: the text similarity the score uses ----

/**
 * Overlapping character bigrams of the Han and Latin/digit runs of a text, with counts. Chinese
 * technical vocabulary shares characters where it shares meaning (导热系数 / 热导率 share 导热/热导
 * partly, 压缩永久变形 is the same string on both sides), and bigrams need no dictionary.
 */
export function bigrams(text: string | null | undefined): Map<string, number> {
  const out = new Map<string, number>();
  const t = normalize(text).replace(/[^\p{Script=Han}a-z0-9]+/gu, " ");
  for (let i = 0; i + 1 < t.length; i++) {
    const a = t[i];
    const b = t[i + 1];
    if (a === " " || b === " ") continue;
    const g = a + b;
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** IDF of a bigram, from corpus statistics (search/match/stats.server.ts). */
export type IdfLookup = (bigram: string) => number;

/** Sublinear TF × IDF over weighted text parts. */
export function bigramVector(parts: ReadonlyArray<{ text: string | null | undefined; weight: number }>, idfOfBigram: IdfLookup): TermVector {
  const tf = new Map<string, number>();
  for (const part of parts) {
    for (const [g, f] of bigrams(part.text)) tf.set(g, (tf.get(g) ?? 0) + f * part.weight);
  }
  const v: TermVector = new Map();
  for (const [g, f] of tf) {
    const w = (1 + Math.log(f)) * idfOfBigram(g);
    if (w > 0) v.set(g, w);
  }
  return v;
}
