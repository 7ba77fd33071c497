import en from "./en";
import type { Leaves, Shape } from "./types";
import zhCN from "./zh-CN";

// Both languages are bundled (a few KB): no HTTP backend, no loading flash.
// The `satisfies` makes a missing or extra English key a type error.
export const resources = {
  "zh-CN": { translation: zhCN },
  en: { translation: en satisfies Shape<typeof zhCN> },
};

export type Translation = typeof zhCN;
export type MessageKey = Leaves<Translation>;

function collect(obj: object, prefix: string, out: Set<string>) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.add(key);
    else if (v && typeof v === "object") collect(v, key, out);
  }
  return out;
}
const keys = collect(zhCN, "", new Set());

/** Narrows a string (a zod message, a toast from a cookie) to a known translation key. */
export function isMessageKey(value: string): value is MessageKey {
  return keys.has(value);
}
