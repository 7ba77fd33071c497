import { Anchor, Badge, Button, Group, NativeSelect, Pagination, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { IconDownload, IconPlus } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { loadViewer } from "~/models/catalog.server";
import { intentChoices, listIntents, parseIntentFilters } from "~/models/intent.server";
import { requireUser } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";
import { formatDate } from "~/utils/misc";
import { intentPath, STAGE_COLORS, STAGES } from "~/utils/pipeline";

// /intents: the cooperation intents the user may see (staff: all; members: their organizations'),
// filtered by stage, event, enterprise, institution, year and "stuck in a stage for more than N
// days". The filter form is a plain GET form (works without JavaScript); the export links carry
// the same query to /intents/export.

const PAGE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const viewer = await loadViewer(user);
  const params = new URL(request.url).searchParams;
  const filters = parseIntentFilters(params);
  const pageNo = Math.max(1, Math.min(10_000, Number(params.get("page")) || 1));
  const [list, choices] = await Promise.all([
    listIntents(viewer, filters, { limit: PAGE, offset: (pageNo - 1) * PAGE }),
    intentChoices(viewer),
  ]);
  return { ...list, page: pageNo, pages: Math.max(1, Math.ceil(list.total / PAGE)), filters, choices };
}

export default function IntentsRoute() {
  const { t, i18n } = useTranslation();
  const { rows, total, page, pages, filters, choices } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const query = new URLSearchParams(params);
  query.delete("page");
  const pageHref = (p: number) => `/intents?${new URLSearchParams([...query, ["page", String(p)]])}`;
  const any = { value: "", label: t("pipeline.fields.any") };

  return (
    <Stack maw={1200} mx="auto" gap="lg">
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <Title order={1}>{t("pipeline.intents.title")}</Title>
          <Text c="dimmed">{t("pipeline.intents.intro")}</Text>
        </Stack>
        <Group gap="xs">
          <Button component={Link} to="/intents/new" leftSection={<IconPlus size={16} aria-hidden />}>
            {t("pipeline.intents.record")}
          </Button>
          <Button component={Link} to="/agreements" variant="default">
            {t("pipeline.nav.agreements")}
          </Button>
        </Group>
      </Group>

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="intent-filters">
        <Title order={2} size="h4" id="intent-filters" mb="sm">
          {t("pipeline.intents.filter")}
        </Title>
        <Form method="get">
          <SimpleGrid cols={{ base: 1, sm: 3, md: 6 }}>
            <NativeSelect
              name="stage"
              label={t("pipeline.fields.stage")}
              defaultValue={filters.stage ?? ""}
              data={[any, ...STAGES.map((s) => ({ value: s, label: t(`pipeline.stages.${s}`) }))]}
            />
            <NativeSelect
              name="event"
              label={t("pipeline.fields.event")}
              defaultValue={filters.eventId ? String(filters.eventId) : ""}
              data={[any, ...choices.events.map((e) => ({ value: String(e.id), label: `${e.starts_on.slice(0, 4)} ${e.name}` }))]}
            />
            <NativeSelect
              name="enterprise"
              label={t("pipeline.fields.enterprise")}
              defaultValue={filters.enterpriseOrgId ? String(filters.enterpriseOrgId) : ""}
              data={[any, ...choices.enterprises.map((o) => ({ value: String(o.id), label: o.name }))]}
            />
            <NativeSelect
              name="institution"
              label={t("pipeline.fields.institution")}
              defaultValue={filters.institutionOrgId ? String(filters.institutionOrgId) : ""}
              data={[any, ...choices.institutions.map((o) => ({ value: String(o.id), label: o.name }))]}
            />
            <NativeSelect
              name="year"
              label={t("pipeline.fields.year")}
              defaultValue={filters.year ? String(filters.year) : ""}
              data={[any, ...choices.years.map((y) => ({ value: String(y), label: String(y) }))]}
            />
            <TextInput
              name="stuck"
              label={t("pipeline.fields.stuckDays")}
              title={t("pipeline.intents.stuckHint")}
              inputMode="numeric"
              defaultValue={filters.stuckDays ? String(filters.stuckDays) : ""}
            />
          </SimpleGrid>
          <Group mt="sm" gap="xs">
            <Button type="submit">{t("pipeline.intents.filter")}</Button>
            <Button component={Link} to="/intents" variant="subtle">
              {t("pipeline.intents.clear")}
            </Button>
            <Button
              component="a"
              href={`/intents/export?${new URLSearchParams([...query, ["format", "csv"]])}`}
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
            >
              {t("pipeline.intents.exportCsv")}
            </Button>
            <Button
              component="a"
              href={`/intents/export?${new URLSearchParams([...query, ["format", "xlsx"]])}`}
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
            >
              {t("pipeline.intents.exportXlsx")}
            </Button>
          </Group>
        </Form>
      </Paper>

      <Text size="sm" c="dimmed" role="status">
        {t("pipeline.intents.count", { count: total })}
      </Text>
      {rows.length ? (
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("pipeline.fields.parties")}</Table.Th>
                <Table.Th scope="col">{t("pipeline.fields.project")}</Table.Th>
                <Table.Th scope="col">{t("pipeline.fields.event")}</Table.Th>
                <Table.Th scope="col">{t("pipeline.fields.stage")}</Table.Th>
                <Table.Th scope="col">{t("pipeline.fields.stageSince")}</Table.Th>
                <Table.Th scope="col">{t("pipeline.nav.agreements")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Anchor component={Link} to={intentPath(r)} fw={500}>
                      {r.ref ?? `#${r.id}`} {r.enterprise.name}
                    </Anchor>
                    <Text size="sm" c="dimmed">
                      {r.institution.name}
                      {r.expert ? ` · ${r.expert.name}` : ""}
                    </Text>
                  </Table.Td>
                  <Table.Td maw={360}>
                    <Text size="sm" lineClamp={2}>
                      {r.need?.title ?? r.result?.title ?? r.summary}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{r.event?.name ?? "—"}</Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <Badge color={STAGE_COLORS[r.stage]} variant="filled" miw="max-content">
                      {t(`pipeline.stages.${r.stage}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <Text size="sm">{formatDate(r.stageChangedAt, i18n.language)}</Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {r.agreementCount ? t("pipeline.agreements.wan", { amount: r.agreementAmount }) : "—"}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text c="dimmed">{t("pipeline.intents.none")}</Text>
      )}
      {pages > 1 ? (
        // links, so paging works without JavaScript too
        <Pagination
          total={pages}
          value={page}
          getItemProps={(p) => ({ component: Link, to: pageHref(p) })}
          getControlProps={(control) => ({
            component: Link,
            to: pageHref({ first: 1, previous: Math.max(1, page - 1), next: Math.min(pages, page + 1), last: pages }[control]),
            "aria-label": t(`pipeline.fields.${control}Page`),
          })}
        />
      ) : null}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "pipeline.intents.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
