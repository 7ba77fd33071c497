import { Alert, Anchor, Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { IconDownload, IconRefresh } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { useCatalogLabels } from "~/components/catalog/labels";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { VERDICTS, type Verdict } from "~/components/match/schema";
import { matchingOverview, parseOverviewFilters, queueFullRefresh } from "~/models/match-overview.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { TECH_FIELDS } from "~/utils/catalog";
import { getT } from "~/utils/i18n";
import { rootLocale } from "~/utils/meta";
import { formatDateTime } from "~/utils/misc";
import { redirectWithToast } from "~/utils/toast.server";

// /matching — the organizers' matching overview (issue 4): every open need with its verdict
// from the suggestion cache (strong / possible only / nothing fits / not computed), filterable,
// exportable (matching.export.ts). Needs with nothing that fits are the candidates for an
// expert diagnosis (专家诊断) or a university visit. Staff only; the model refuses others (403).

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const filters = parseOverviewFilters(new URL(request.url).searchParams);
  const overview = await matchingOverview(user, filters);
  return { ...overview, filters };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await request.formData();
  if (form.get("intent") !== "refresh") throw new Response("Bad request", { status: 400 });
  await queueFullRefresh({ ...user, ip: getClientIp(context) });
  return redirectWithToast("/matching", {
    type: "info",
    description: "match.overview.refreshQueued",
  });
}

const VERDICT_COLOR: Record<Verdict, string> = {
  strong: "teal",
  possible: "indigo",
  none: "red",
  not_computed: "gray",
};

export default function MatchingOverviewRoute() {
  const { t, i18n } = useTranslation();
  const { rows, counts, built, filters } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const labels = useCatalogLabels();
  const exportQuery = (format: "csv" | "xlsx") => {
    const p = new URLSearchParams(params);
    p.set("format", format);
    return `/matching/export?${p.toString()}`;
  };
  return (
    <Stack maw={1200} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("match.overview.title")}</Title>
        <Text c="dimmed">{t("match.overview.intro")}</Text>
        <Text size="sm" data-testid="overview-counts">
          {t("match.overview.counts", {
            total: counts.total,
            strong: counts.strong,
            possible: counts.possible,
            none: counts.none,
            notComputed: counts.not_computed,
          })}
        </Text>
      </Stack>

      {!built ? (
        <Alert color="yellow">
          <Group justify="space-between">
            <Text size="sm">{t("match.overview.notBuilt")}</Text>
          </Group>
        </Alert>
      ) : null}

      <Paper withBorder p="md" component="section" aria-labelledby="overview-filters">
        <Title order={2} size="h5" id="overview-filters" mb="xs">
          {t("match.overview.filters")}
        </Title>
        <Form method="get">
          <Group align="flex-end" gap="sm">
            <Select
              name="verdict"
              label={t("match.overview.verdict")}
              defaultValue={filters.verdict ?? ""}
              data={[
                { value: "", label: t("match.overview.verdicts.all") },
                ...VERDICTS.map((v) => ({
                  value: v,
                  label: t(`match.overview.verdicts.${v}`),
                })),
              ]}
              allowDeselect={false}
              w={180}
            />
            <Select
              name="field"
              label={t("match.overview.field")}
              defaultValue={filters.field ?? ""}
              data={[
                { value: "", label: t("match.overview.anyField") },
                ...TECH_FIELDS.map((f) => ({
                  value: f,
                  label: labels.field(f),
                })),
              ]}
              allowDeselect={false}
              w={200}
            />
            <TextInput name="q" label={t("match.overview.search")} defaultValue={filters.q ?? ""} w={240} />
            <Button type="submit">{t("match.overview.apply")}</Button>
          </Group>
        </Form>
      </Paper>

      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t("match.overview.shown", { count: rows.length })}
        </Text>
        <Group gap="xs">
          <Button component="a" href={exportQuery("csv")} variant="default" leftSection={<IconDownload size={16} aria-hidden />} size="compact-md">
            {t("match.overview.exportCsv")}
          </Button>
          <Button component="a" href={exportQuery("xlsx")} variant="default" leftSection={<IconDownload size={16} aria-hidden />} size="compact-md">
            {t("match.overview.exportXlsx")}
          </Button>
          <Form method="post">
            <Button type="submit" name="intent" value="refresh" variant="light" leftSection={<IconRefresh size={16} aria-hidden />} size="compact-md">
              {t("match.overview.refresh")}
            </Button>
          </Form>
        </Group>
      </Group>

      {rows.length ? (
        <Table.ScrollContainer minWidth={800}>
          <Table striped highlightOnHover data-testid="overview-table">
            <Table.Caption>{t("match.overview.title")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("match.overview.cols.ref")}</Table.Th>
                <Table.Th scope="col">{t("match.overview.cols.title")}</Table.Th>
                <Table.Th scope="col">{t("match.overview.cols.org")}</Table.Th>
                <Table.Th scope="col">{t("match.overview.cols.field")}</Table.Th>
                <Table.Th scope="col">{t("match.overview.cols.verdict")}</Table.Th>
                <Table.Th scope="col">{t("match.overview.cols.best")}</Table.Th>
                <Table.Th scope="col">{t("match.overview.cols.suggestions")}</Table.Th>
                <Table.Th scope="col">{t("match.overview.cols.computed")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.need_id}>
                  <Table.Td>{r.ref}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/needs/${encodeURIComponent(r.ref)}`}>
                      {r.title}
                    </Anchor>
                    {r.verdict === "none" ? (
                      // the engine's reason names the follow-up (an expert diagnosis or a university visit)
                      <Text size="xs" c="red.9">
                        {(i18n.language === "en" ? r.none_en : r.none_zh) ?? t("match.overview.followUp")}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{r.org_name}</Table.Td>
                  <Table.Td>{r.field ? labels.field(r.field) : t("common.emptyValue")}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <Badge color={VERDICT_COLOR[r.verdict]} variant="light" styles={{ root: { overflow: "visible" }, label: { overflow: "visible" } }}>
                      {t(`match.overview.verdicts.${r.verdict}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{r.best_score === null ? t("common.emptyValue") : r.best_score.toFixed(2)}</Table.Td>
                  <Table.Td>{r.suggestions}</Table.Td>
                  <Table.Td>{r.computed_at ? formatDateTime(r.computed_at, i18n.language) : t("common.emptyValue")}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text c="dimmed">{t("match.overview.empty")}</Text>
      )}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => {
  const t = getT(rootLocale(matches));
  return [{ title: `${t("match.overview.title")} · ${t("common.brand")}` }];
};

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
