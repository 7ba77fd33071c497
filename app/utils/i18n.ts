import { createInstance, type i18n as I18n, type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";
import { isMessageKey, resources, type MessageKey, type Translation } from "~/locales";

// Shared by the server (one instance per request) and the browser (one instance).
// How the language is chosen lives in locale.server.ts; why, in docs/decisions/004-i18n.md.

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: Translation };
  }
}

/** A ready i18next instance for React (resources are bundled, so init is synchronous). */
export function createI18n(locale: Locale): I18n {
  const instance = createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng: locale,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: LOCALES,
    defaultNS: "translation",
    initAsync: false,
    // React escapes what it renders; escaping here would double-escape.
    interpolation: { escapeValue: false },
    react: { useSuspense: false },
    returnNull: false,
    showSupportNotice: false,
  });
  return instance;
}

// One instance per language for code outside React (meta functions, server messages).
const fixed = new Map<Locale, I18n>();
/** A t() bound to a locale, usable outside components (meta, server code). */
export function getT(locale: Locale): TFunction {
  let instance = fixed.get(locale);
  if (!instance) {
    instance = createInstance();
    void instance.init({
      resources,
      lng: locale,
      fallbackLng: DEFAULT_LOCALE,
      supportedLngs: LOCALES,
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    showSupportNotice: false,
    });
    fixed.set(locale, instance);
  }
  return instance.t;
}

/** Messages from zod schemas and the server are translation keys; anything else is shown as a generic error. */
export function toMessageKey(value: string): MessageKey {
  return isMessageKey(value) ? value : "common.errors.unexpectedTitle";
}

export type { MessageKey };
