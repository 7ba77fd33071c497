import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict";

// Meilisearch's own Chinese tokenizer keeps compounds whole (锂电池 is one word, so 电池 misses
// it: STACK.md gotcha 4). Documents therefore carry *_seg fields with jieba's search-mode cut,
// which emits the compound and its parts (锂电 电池 锂电池).

let instance: Jieba | undefined;

/** The process's one jieba, with the bundled dictionary (loading it takes ≈ 120 ms, so once). */
export function jieba(): Jieba {
  instance ??= Jieba.withDict(dict);
  return instance;
}

// Tokens that carry no word: spaces, punctuation, symbols.
const WORDLESS = /^[^\p{L}\p{N}]+$/u;

/** jieba.cutForSearch(text, HMM on) as one space-separated string, without punctuation tokens. */
export function segment(text: string | null | undefined): string {
  if (!text) return "";
  const out: string[] = [];
  for (const token of jieba().cutForSearch(text, true)) {
    const t = token.trim();
    if (t && !WORDLESS.test(t)) out.push(t);
  }
  return out.join(" ");
}

/** segment() of a list of short texts (keywords, research areas), joined. */
export function segmentList(items: readonly string[] | null | undefined): string {
  if (!items?.length) return "";
  return segment(items.join(" "));
}
