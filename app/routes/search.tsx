import {
  Alert,
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  List,
  Loader,
  NativeSelect,
  Pagination,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { IconAlertTriangle, IconDownload, IconSearch } from "@tabler/icons-react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ActiveFilters, FacetPanel, HitCard } from "~/components/search";
import { searchAs } from "~/models/search.server";
import { getUser } from "~/utils/auth.server";
import { getT } from "~/utils/i18n";
import { rootLocale } from "~/utils/meta";
import { isStaff } from "~/utils/roles";
import {
  EXPORT_MAX_ROWS,
  MAX_TOTAL_HITS,
  SEARCH_TYPES,
  TYPE_SORTS,
  parseSearchParams,
  searchParamsOf,
  sortForType,
  type FacetName,
  type SearchInput,
} from "~/utils/search-params";

// The search page: one box over needs, results and experts. The whole state is in the URL
// (q, type, sort, page and the ticked facet values), so a link reproduces the page. It is a
// plain GET form: without JavaScript the button submits it; with JavaScript typing submits it
// (debounced, replacing the history entry) and a ticked box or another sort submits it at once.

const EXAMPLES = ["锂电池", "光伏", "PLC", "复材", "传感器"];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  // Lenient: a hand-edited URL (page=abc, an unknown type) is corrected, never an error page.
  const { input } = parseSearchParams(url.searchParams, "lenient");
  const user = await getUser(request);
  const outcome = await searchAs(user, { ...input, facets: true });
  return data(
    { outcome, input: { ...input, facets: true }, staff: isStaff(user) },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export default function SearchRoute() {
  const { t } = useTranslation();
  const { outcome, input, staff } = useLoaderData<typeof loader>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const { type, q, filters } = input;
  const searching = navigation.state !== "idle" && navigation.location?.pathname === "/search";

  // Typing: a debounced submit that replaces the history entry (one entry per search, not per key).
  const submitTyping = useDebouncedCallback(() => {
    if (formRef.current) submit(formRef.current, { replace: true, preventScrollReset: true });
  }, 250);
  const submitNow = () => {
    if (formRef.current) submit(formRef.current, { preventScrollReset: true });
  };

  // Back/forward or a link changed q under an uncontrolled input: show it, unless the user is typing there.
  useEffect(() => {
    const el = inputRef.current;
    if (el && document.activeElement !== el && el.value !== q) el.value = q;
  }, [q]);

  const href = (over: Partial<SearchInput>) => `/search?${searchParamsOf({ ...input, page: 1, ...over })}`;
  const hrefWithout = (name: FacetName, value: string) =>
    href({ filters: { ...filters, [name]: (filters[name] ?? []).filter((v) => v !== value) } });
  const hasFilters = Object.values(filters).some((v) => v?.length);
  const exportHref = (format: "csv" | "xlsx") => `/search/export?${searchParamsOf({ ...input, page: 1 }, { format })}`;

  return (
    <Stack maw={1200} mx="auto" gap="lg">
      <div>
        <Title order={1}>{q ? t("search.titleWithQuery", { q }) : t("search.title")}</Title>
        <Text c="dimmed" size="sm" mt={4}>
          {t("search.intro")}
        </Text>
      </div>

      <Form method="get" action="/search" ref={formRef} role="search" aria-label={t("search.title")}>
        <input type="hidden" name="type" value={type} />
        <Grid gutter="lg">
          <Grid.Col span={12}>
            <Group align="flex-end" gap="sm" wrap="nowrap">
              <TextInput
                ref={inputRef}
                name="q"
                type="search"
                defaultValue={q}
                label={t("search.label")}
                placeholder={t("search.placeholder")}
                leftSection={<IconSearch size={18} aria-hidden />}
                rightSection={searching ? <Loader size="xs" aria-hidden /> : null}
                onChange={submitTyping}
                autoComplete="off"
                maxLength={1000}
                style={{ flex: 1 }}
                size="md"
              />
              <Button type="submit" size="md">
                {t("search.submit")}
              </Button>
            </Group>
          </Grid.Col>

          <Grid.Col span={12}>
            <Group component="nav" aria-label={t("search.typesLabel")} gap="xs" data-testid="search-tabs">
              {SEARCH_TYPES.map((tp) => (
                <Button
                  key={tp}
                  component={Link}
                  to={`/search?${searchParamsOf({ q, type: tp, sort: sortForType(input.sort, tp) })}`}
                  variant={tp === type ? "filled" : "light"}
                  aria-current={tp === type ? "page" : undefined}
                  rightSection={
                    <Badge size="sm" variant={tp === type ? "white" : "light"} data-testid={`count-${tp}`}>
                      {outcome.counts[tp]}
                    </Badge>
                  }
                >
                  {t(`search.types.${tp}`)}
                </Button>
              ))}
            </Group>
          </Grid.Col>

          <Grid.Col span={{ base: 12, md: 3 }}>
            <Paper withBorder p="md" radius="md" component="aside">
              <FacetPanel type={type} facets={outcome.facets} filters={filters} onToggle={submitNow} />
              <noscript>
                <Button type="submit" variant="light" mt="md" fullWidth>
                  {t("search.applyFilters")}
                </Button>
              </noscript>
            </Paper>
          </Grid.Col>

          <Grid.Col span={{ base: 12, md: 9 }}>
            <Stack gap="md" aria-busy={searching}>
              {outcome.degraded ? (
                <Alert color="yellow" icon={<IconAlertTriangle aria-hidden />} title={t("search.degraded.title")} role="status" data-testid="degraded">
                  {outcome.unavailable ? t("search.degraded.unavailable") : t("search.degraded.text")}
                </Alert>
              ) : null}

              <Group justify="space-between" align="flex-end" wrap="wrap">
                <Text aria-live="polite" data-testid="search-total">
                  {outcome.total >= MAX_TOTAL_HITS
                    ? t("search.totalCapped", { count: MAX_TOTAL_HITS })
                    : t("search.total", { count: outcome.total })}
                </Text>
                <Group gap="sm" align="flex-end">
                  <NativeSelect
                    name="sort"
                    label={t("search.sort.label")}
                    key={`sort:${type}:${input.sort}`}
                    defaultValue={input.sort}
                    onChange={submitNow}
                    data={TYPE_SORTS[type].map((s) => ({ value: s, label: t(`search.sort.${s}`) }))}
                    size="sm"
                  />
                  <noscript>
                    <Button type="submit" variant="default" size="sm">
                      {t("search.submit")}
                    </Button>
                  </noscript>
                </Group>
              </Group>

              <ActiveFilters filters={filters} hrefWithout={hrefWithout} clearHref={href({ filters: {} })} />
              {!q && outcome.total > 0 ? (
                <Text size="sm" c="dimmed">
                  {t("search.browsing")}
                </Text>
              ) : null}

              {outcome.hits.length ? (
                <Stack gap="sm" data-testid="search-hits">
                  {outcome.hits.map((hit) => (
                    <HitCard key={`${hit.type}:${hit.id}`} hit={hit} showStatus={staff || hit.status !== "published"} />
                  ))}
                </Stack>
              ) : outcome.total > 0 ? (
                <Text>
                  <Anchor component={Link} to={href({})}>
                    {t("search.pagination.page", { page: 1 })}
                  </Anchor>
                </Text>
              ) : (
                noResults()
              )}

              {outcome.pages > 1 ? (
                <Pagination
                  aria-label={t("search.pagination.label")}
                  total={outcome.pages}
                  value={Math.min(input.page, outcome.pages)}
                  getItemProps={(page) => ({ component: Link, to: `/search?${searchParamsOf({ ...input, page })}`})}
                  getControlProps={(control) => {
                    const page = { first: 1, previous: input.page - 1, next: input.page + 1, last: outcome.pages }[control];
                    const disabled = page < 1 || page > outcome.pages || page === input.page;
                    return disabled ? {} : { component: Link, to: `/search?${searchParamsOf({ ...input, page })}` };
                  }}
                />
              ) : null}

              {outcome.total > 0 ? (
                <Group gap="xs">
                  <Text size="sm" c="dimmed">
                    {t("search.export.label")}
                    {t("search.export.limit", { count: EXPORT_MAX_ROWS })}
                  </Text>
                  <Button component="a" href={exportHref("csv")} variant="default" size="xs" leftSection={<IconDownload size={14} aria-hidden />}>
                    {t("search.export.csv")}
                  </Button>
                  <Button component="a" href={exportHref("xlsx")} variant="default" size="xs" leftSection={<IconDownload size={14} aria-hidden />}>
                    {t("search.export.xlsx")}
                  </Button>
                </Group>
              ) : null}
            </Stack>
          </Grid.Col>
        </Grid>
      </Form>
    </Stack>
  );

  function noResults() {
    const others = SEARCH_TYPES.filter((tp) => tp !== type && outcome.counts[tp] > 0);
    const typeName = t(`search.types.${type}`);
    return (
      <Paper withBorder p="lg" radius="md" data-testid="no-results">
        <Stack gap="sm">
          <Text fw={600}>{q ? t("search.empty.title", { q, type: typeName }) : t("search.empty.titleNoQuery", { type: typeName })}</Text>
          {others.length && q ? (
            <div>
              <Text size="sm">{t("search.empty.otherTypes")}</Text>
              <List size="sm">
                {others.map((tp) => (
                  <List.Item key={tp}>
                    <Anchor component={Link} to={`/search?${searchParamsOf({ q, type: tp })}`}>
                      {t("search.empty.otherType", { type: t(`search.types.${tp}`), count: outcome.counts[tp] })}
                    </Anchor>
                  </List.Item>
                ))}
              </List>
            </div>
          ) : null}
          {hasFilters ? (
            <Anchor component={Link} to={href({ filters: {} })} size="sm">
              {t("search.empty.clearFilters")}
            </Anchor>
          ) : null}
          {q ? (
            <>
              <Text size="sm" c="dimmed">
                {t("search.empty.tips")}
              </Text>
              <Group gap="xs">
                <Text size="sm" c="dimmed">
                  {t("search.empty.examples")}
                </Text>
                {EXAMPLES.map((ex) => (
                  <Anchor key={ex} component={Link} to={`/search?${searchParamsOf({ q: ex, type })}`} size="sm">
                    {ex}
                  </Anchor>
                ))}
              </Group>
            </>
          ) : null}
        </Stack>
      </Paper>
    );
  }
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = getT(rootLocale(matches));
  const q = data?.input.q;
  return [{ title: `${q ? t("search.titleWithQuery", { q }) : t("search.title")} · ${t("common.brand")}` }];
};

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
