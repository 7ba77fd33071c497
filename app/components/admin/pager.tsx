import { Anchor, Group, Text } from "@mantine/core";
import { Link, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";

// Previous / next links that keep the page's other query parameters (its filters). Plain links:
// they work without JavaScript and are announced as a navigation landmark.
export function Pager({ page, pages, total }: { page: number; pages: number; total: number }) {
  const { t } = useTranslation();
  const location = useLocation();
  const to = (p: number) => {
    const params = new URLSearchParams(location.search);
    params.set("page", String(p));
    return `${location.pathname}?${params}`;
  };
  return (
    <Group component="nav" aria-label={t("admin.common.pagination")} justify="space-between">
      <Text size="sm" c="dimmed" role="status">
        {t("admin.common.pageOf", { page, pages, total })}
      </Text>
      <Group gap="md">
        {page > 1 ? (
          <Anchor component={Link} to={to(page - 1)} rel="prev">
            {t("admin.common.prev")}
          </Anchor>
        ) : null}
        {page < pages ? (
          <Anchor component={Link} to={to(page + 1)} rel="next">
            {t("admin.common.next")}
          </Anchor>
        ) : null}
      </Group>
    </Group>
  );
}

/** A positive page number from the query, 1 otherwise. */
export function pageParam(url: URL): number {
  const n = Number(url.searchParams.get("page"));
  return Number.isSafeInteger(n) && n > 0 ? n : 1;
}
