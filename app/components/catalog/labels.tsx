import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";
import {
  COOPERATION_KEYS,
  isCooperationMode,
  isMaturity,
  isTechField,
  MATURITY_KEYS,
  TECH_FIELD_KEYS,
  type CatalogStatus,
  type Visibility,
} from "~/utils/catalog";

// Stored values are Chinese (national vocabularies); the UI names them in the reader's language.

export function useCatalogLabels() {
  const { t, i18n } = useTranslation();
  return {
    field: (v: string | null | undefined) => (isTechField(v) ? t(`catalog.techFields.${TECH_FIELD_KEYS[v]}`) : t("catalog.values.noField")),
    cooperation: (v: string) => (isCooperationMode(v) ? t(`catalog.cooperation.${COOPERATION_KEYS[v]}`) : v),
    maturity: (v: string | null | undefined) => (isMaturity(v) ? t(`catalog.maturity.${MATURITY_KEYS[v]}`) : t("catalog.values.none")),
    /** 万元 amount, or 面议 for null */
    wan: (n: number | null | undefined) =>
      n === null || n === undefined
        ? t("catalog.values.negotiable")
        : t("catalog.values.wan", { amount: n.toLocaleString(i18n.language, { maximumFractionDigits: 2 }) }),
  };
}

const STATUS_COLOR: Record<CatalogStatus, string> = {
  draft: "gray",
  pending_review: "yellow",
  published: "teal",
  matched: "indigo",
  closed: "dark",
};

export function StatusBadge({ status, size = "md" }: { status: CatalogStatus; size?: "sm" | "md" | "lg" }) {
  const { t } = useTranslation();
  return (
    // Darker shades than Mantine's defaults: those fail WCAG AA contrast on teal and yellow.
    <Badge
      color={status === "published" ? "teal.9" : STATUS_COLOR[status]}
      c={status === "published" ? undefined : "dark.7"}
      variant={status === "published" ? "filled" : "light"}
      size={size}
      data-testid="status"
    >
      {t(`catalog.status.${status}`)}
    </Badge>
  );
}

export function VisibilityBadge({ visibility }: { visibility: Visibility }) {
  const { t } = useTranslation();
  return (
    <Badge color="gray" variant="outline" size="md">
      {t(`catalog.visibility.${visibility}`)}
    </Badge>
  );
}
