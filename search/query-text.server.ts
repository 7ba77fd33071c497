/**
 * The text side of a search, shared by the Meilisearch path (search/query.server.ts) and the
 * PostgreSQL fallback (search/fallback.server.ts): query normalization, the words a query
 * stands for (jieba parts and synonyms), and highlight snippets that are safe to render.
 * Reasons: docs/decisions/013-search-query.md. (normalizeQuery itself is shared with the
 * browser: app/utils/search-params.ts.)
 */
import { SYNONYM_GROUPS } from "./indexes";
import { jieba } from "./jieba.server";

const WORDFUL = /[\p{L}\p{N}]/u;
const synonymIndex = new Map<string, string[]>();
for (const group of SYNONYM_GROUPS) {
  for (const word of group) synonymIndex.set(word.toLowerCase(), group);
}

/** The synonym group of a word (its abbreviations and long forms), or just the word. */
export function synonymsOf(word: string): string[] {
  return synonymIndex.get(word.toLowerCase()) ?? [word];
}

/**
 * The words of a query as a person means them, for highlighting and the PostgreSQL fallback:
 * jieba's cut (锂电池正极材料 → 锂电池 正极 材料), words of one character dropped unless the
 * query is nothing else, each with its synonyms (锂电 → 锂电 锂电池 锂离子电池). At most 12
 * groups; duplicates removed.
 */
export function queryWordGroups(q: string): string[][] {
  if (!q) return [];
  const words: string[] = [];
  for (const part of q.split(" ")) {
    // an abbreviation jieba does not know (复材 → 复 材) stays whole
    if (synonymIndex.has(part.toLowerCase())) {
      words.push(part);
      continue;
    }
    const cut = jieba()
      .cut(part, true)
      .map((w) => w.trim())
      .filter((w) => WORDFUL.test(w));
    const long = cut.filter((w) => Array.from(w).length >= 2);
    if (long.length) words.push(...long);
    else if (WORDFUL.test(part)) words.push(part);
  }
  const seen = new Set<string>();
  const groups: string[][] = [];
  for (const w of words) {
    const key = w.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    groups.push(synonymsOf(w));
    if (groups.length === 12) break;
  }
  return groups;
}

/** Every word worth marking in a hit: the query's words, their parts (电池 in 锂电池) and synonyms. */
export function highlightTerms(q: string): string[] {
  if (!q) return [];
  const terms = new Set<string>();
  for (const group of queryWordGroups(q)) for (const w of group) terms.add(w);
  for (const token of jieba().cutForSearch(q, true)) {
    const t = token.trim();
    if (Array.from(t).length >= 2 && WORDFUL.test(t)) terms.add(t);
  }
  return [...terms].slice(0, 40);
}

// ---- highlights ----

// Meilisearch is asked to wrap matches in these private-use characters rather than in <mark>:
// the text around them is escaped first, and only then do they become <mark> tags, so nothing
// in a record (a literal "<mark>", "<script>") can ever reach the page as markup.
export const MARK_OPEN = "\uE000";
export const MARK_CLOSE = "\uE001";

function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A matcher for the terms, longest first (锂电池 before 电池), case-insensitive. */
export function termMatcher(terms: readonly string[]): RegExp | null {
  const usable = terms.filter((t) => t.length > 0 && !t.includes(MARK_OPEN) && !t.includes(MARK_CLOSE));
  if (!usable.length) return null;
  const sorted = [...new Set(usable)].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escapeRegExp).join("|"), "giu");
}

const wrap = (m: string) => `${MARK_OPEN}${m}${MARK_CLOSE}`;
const MARKED = /\uE000[^\uE000\uE001]*\uE001/g;

/**
 * Adds marks around the terms in the parts of `text` not marked yet. Meilisearch marks whole
 * words only (锂电池 is one word to it, so 电池 or the synonym 锂电 are not marked in it);
 * this marks them as a person expects. (Native regex work only: this runs for every hit.)
 */
export function markTerms(text: string, matcher: RegExp | null): string {
  if (!matcher || !text) return text;
  if (!text.includes(MARK_OPEN)) return text.replace(matcher, wrap);
  let out = "";
  let last = 0;
  for (const seg of text.matchAll(MARKED)) {
    out += text.slice(last, seg.index).replace(matcher, wrap) + seg[0];
    last = seg.index + seg[0].length;
  }
  return out + text.slice(last).replace(matcher, wrap);
}

/**
 * At most `max` characters of a long text, starting a little before its first mark (or at the
 * start), with … where it was cut.
 */
export function cropAroundMark(text: string, max = 120, before = 24): string {
  // UTF-16 length ≥ characters: most texts are short enough without counting
  if (text.length <= max) return text;
  const chars = Array.from(text);
  let markers = 0;
  for (const c of chars) if (c === MARK_OPEN || c === MARK_CLOSE) markers++;
  if (chars.length - markers <= max) return text;
  const first = chars.indexOf(MARK_OPEN);
  let start = first > before ? first - before : 0;
  // start outside a mark: never split one
  while (start > 0 && chars.lastIndexOf(MARK_OPEN, start - 1) > chars.lastIndexOf(MARK_CLOSE, start - 1)) start--;
  let end = start;
  let shown = 0;
  while (end < chars.length && shown < max) {
    if (chars[end] !== MARK_OPEN && chars[end] !== MARK_CLOSE) shown++;
    end++;
  }
  return `${start > 0 ? "…" : ""}${chars.slice(start, end).join("")}${end < chars.length ? "…" : ""}`;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const SPECIAL = /[&<>"'\uE000\uE001]/g;

/**
 * The marked text as HTML whose only tags are <mark> and </mark>: everything else escaped, marks
 * balanced (a stray open mark is closed at the end, a stray close is dropped).
 */
export function toSafeHighlightHtml(text: string): string {
  let open = false;
  const out = text.replace(SPECIAL, (c) => {
    if (c === MARK_OPEN) {
      if (open) return "";
      open = true;
      return "<mark>";
    }
    if (c === MARK_CLOSE) {
      if (!open) return "";
      open = false;
      return "</mark>";
    }
    return ESCAPES[c] ?? c;
  });
  return open ? `${out}</mark>` : out;
}

/** How a query's hits are highlighted: the words to mark, and whether lone characters may stay marked. */
export type Highlighter = { matcher: RegExp | null; dropLoneHan: boolean };

export function highlighterFor(q: string): Highlighter {
  // Meilisearch marks single characters of a query it had to split (复材 → 复 材, so every 材
  // lights up); noise unless the query is one character
  return { matcher: termMatcher(highlightTerms(q)), dropLoneHan: Array.from(q.replace(/\s/g, "")).length > 1 };
}

const LONE_HAN = /\uE000(\p{Script=Han})\uE001/gu;

/** Meilisearch's marked text (or a plain text) → safe HTML with the query's words marked. */
export function highlightField(
  text: string | null | undefined,
  hl: Highlighter | RegExp | null,
  opts: { crop?: number } = {},
): string {
  if (!text) return "";
  const { matcher, dropLoneHan } = hl instanceof RegExp || hl === null ? { matcher: hl, dropLoneHan: false } : hl;
  let marked = dropLoneHan && text.includes(MARK_OPEN) ? text.replace(LONE_HAN, "$1") : text;
  marked = markTerms(marked, matcher);
  if (opts.crop) marked = cropAroundMark(marked, opts.crop);
  return toSafeHighlightHtml(marked);
}
