import { Button } from "@mantine/core";
import { Form, useLocation } from "@remix-run/react";
import { IconLanguage } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { isLocale, type Locale } from "~/utils/i18n";

/**
 * Posts to /set-locale, which remembers the choice (cookie, and the profile when signed in)
 * and redirects back. A real document load (reloadDocument): works without JavaScript and
 * re-renders everything, <html lang> included, in the new language.
 */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const current: Locale = isLocale(i18n.language) ? i18n.language : "zh-CN";
  const next: Locale = current === "en" ? "zh-CN" : "en";
  const label = t(`common.languages.${next}`);
  return (
    <Form method="post" action="/set-locale" reloadDocument>
      <input type="hidden" name="locale" value={next} />
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <Button
        type="submit"
        variant="subtle"
        size="compact-md"
        leftSection={<IconLanguage size={18} aria-hidden />}
        aria-label={t("common.switchTo", { language: label })}
        lang={next}
      >
        {label}
      </Button>
    </Form>
  );
}
