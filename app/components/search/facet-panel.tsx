import { Anchor, Box, Checkbox, Group, Stack, Text, Title } from "@mantine/core";
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { isMessageKey } from "~/locales";
import { TYPE_FACETS, type FacetName, type FacetValue, type SearchFacets, type SearchFilters, type SearchType } from "~/utils/search-params";

const SHOWN = 8;

/** A facet value's label: statuses are translated, everything else is data. */
export function useFacetLabel() {
  const { t } = useTranslation();
  return (name: FacetName, value: string) => {
    if (name === "status") {
      const key = `search.status.${value}`;
      return isMessageKey(key) ? t(key) : value;
    }
    return value;
  };
}

/**
 * Checkbox groups inside the search form: ticking one submits the form (with JavaScript; without
 * it the form's button does). Values past the first few sit in a <details>, which opens without
 * JavaScript too. In degraded mode there are no counts: only the ticked values are shown, so they
 * can be unticked.
 */
export function FacetPanel({
  type,
  facets,
  filters,
  onToggle,
}: {
  type: SearchType;
  facets: SearchFacets | undefined;
  filters: SearchFilters;
  onToggle: (event: React.ChangeEvent<HTMLInputElement>) => void;
}) {
  const { t } = useTranslation();
  const labelOf = useFacetLabel();

  return (
    <Stack gap="md" data-testid="facets">
      <Title order={2} size="h4">
        {t("search.facets.title")}
      </Title>
      {!facets ? (
        <Text size="sm" c="dimmed">
          {t("search.facets.unavailable")}
        </Text>
      ) : null}
      {TYPE_FACETS[type].map((name) => {
        const values: FacetValue[] = facets?.[name] ?? (filters[name] ?? []).map((value) => ({ value, count: -1, selected: true }));
        if (!values.length) return null;
        // ticked values first among the shown ones, so they are never hidden in "more"
        const ordered = [...values.filter((v) => v.selected), ...values.filter((v) => !v.selected)];
        const visible = ordered.length > SHOWN + 2 ? ordered.slice(0, SHOWN) : ordered;
        const rest = ordered.slice(visible.length);
        const box = (v: FacetValue) => (
          <Checkbox
            // remount when the server's answer changes the tick (back/forward, a link)
            key={`${name}:${v.value}:${v.selected}`}
            name={name}
            value={v.value}
            defaultChecked={v.selected}
            onChange={onToggle}
            size="sm"
            label={
              <Group gap={6} wrap="nowrap" component="span">
                <span>{labelOf(name, v.value)}</span>
                {v.count >= 0 ? (
                  <Text span size="xs" c="dimmed">
                    {v.count}
                  </Text>
                ) : null}
              </Group>
            }
          />
        );
        return (
          <Box component="fieldset" key={name} m={0} p={0} style={{ border: 0 }} data-facet={name}>
            <Text component="legend" fw={600} size="sm" mb={6}>
              {t(`search.facets.${name}`)}
            </Text>
            <Stack gap={6}>
              {visible.map(box)}
              {rest.length ? (
                <details>
                  <summary>
                    <Text span size="sm" c="indigo.7" style={{ cursor: "pointer" }}>
                      {t("search.facets.more", { count: rest.length })}
                    </Text>
                  </summary>
                  <Stack gap={6} mt={6}>
                    {rest.map(box)}
                  </Stack>
                </details>
              ) : null}
            </Stack>
          </Box>
        );
      })}
    </Stack>
  );
}

/** The ticked filters as removable links (each link is the page without that one value). */
export function ActiveFilters({ filters, hrefWithout, clearHref }: {
  filters: SearchFilters;
  hrefWithout: (name: FacetName, value: string) => string;
  clearHref: string;
}) {
  const { t } = useTranslation();
  const labelOf = useFacetLabel();
  const entries = (Object.entries(filters) as [FacetName, string[]][]).flatMap(([name, values]) => values.map((value) => ({ name, value })));
  if (!entries.length) return null;
  return (
    <Group gap="xs" aria-label={t("search.facets.active")} role="group">
      {entries.map(({ name, value }) => (
        <Anchor
          key={`${name}:${value}`}
          component={Link}
          to={hrefWithout(name, value)}
          size="sm"
          aria-label={t("search.facets.remove", { value: labelOf(name, value) })}
          px={8}
          py={2}
          style={{ border: "1px solid var(--mantine-color-indigo-3)", borderRadius: 12 }}
        >
          {t(`search.facets.${name}`)}：{labelOf(name, value)} ✕
        </Anchor>
      ))}
      <Anchor component={Link} to={clearHref} size="sm">
        {t("search.facets.clear")}
      </Anchor>
    </Group>
  );
}
