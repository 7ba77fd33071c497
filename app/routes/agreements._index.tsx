import { Anchor, Badge, Button, Group, NativeSelect, Pagination, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { IconDownload } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { agreementYears, listAgreements, parseAgreementFilters } from "~/models/agreement.server";
import { loadViewer } from "~/models/catalog.server";
import { intentChoices } from "~/models/intent.server";
import { requireUser } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";
import { AGREEMENT_KINDS, intentPath } from "~/utils/pipeline";

// /agreements: the agreements of the intents the user may see, filtered by kind, event, parties,
// year and on-stage signing, with the total amount; a plain GET filter form and CSV/XLSX export
// of the same query (/agreements/export).

const PAGE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const viewer = await loadViewer(user);
  const params = new URL(request.url).searchParams;
  const filters = parseAgreementFilters(params);
  const pageNo = Math.max(1, Math.min(10_000, Number(params.get("page")) || 1));
  const [list, choices, years] = await Promise.all([
    listAgreements(viewer, filters, { limit: PAGE, offset: (pageNo - 1) * PAGE }),
    intentChoices(viewer),
    agreementYears(viewer),
  ]);
  return { ...list, page: pageNo, pages: Math.max(1, Math.ceil(list.total / PAGE)), filters, choices, years };
}

export default function AgreementsRoute() {
  const { t } = useTranslation();
  const { rows, total, amountWan, page, pages, filters, choices, years } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const query = new URLSearchParams(params);
  query.delete("page");
  const pageHref = (p: number) => `/agreements?${new URLSearchParams([...query, ["page", String(p)]])}`;
  const any = { value: "", label: t("pipeline.fields.any") };
  const exportHref = (format: string) => `/agreements/export?${new URLSearchParams([...query, ["format", format]])}`;

  return (
    <Stack maw={1200} mx="auto" gap="lg">
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <Title order={1}>{t("pipeline.agreements.title")}</Title>
          <Text c="dimmed">{t("pipeline.agreements.intro")}</Text>
        </Stack>
        <Button component={Link} to="/intents" variant="default">
          {t("pipeline.nav.intents")}
        </Button>
      </Group>

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="agreement-filters">
        <Title order={2} size="h4" id="agreement-filters" mb="sm">
          {t("pipeline.intents.filter")}
        </Title>
        <Form method="get">
          <SimpleGrid cols={{ base: 1, sm: 3, md: 6 }}>
            <NativeSelect
              name="kind"
              label={t("pipeline.fields.kind")}
              defaultValue={filters.kind ?? ""}
              data={[any, ...AGREEMENT_KINDS.map((k) => ({ value: k, label: t(`pipeline.kinds.${k}`) }))]}
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
              data={[any, ...years.map((y) => ({ value: String(y), label: String(y) }))]}
            />
            <NativeSelect
              name="onStage"
              label={t("pipeline.agreements.onStage")}
              defaultValue={filters.onStage === undefined ? "" : filters.onStage ? "yes" : "no"}
              data={[any, { value: "yes", label: t("pipeline.fields.yes") }, { value: "no", label: t("pipeline.fields.no") }]}
            />
          </SimpleGrid>
          <Group mt="sm" gap="xs">
            <Button type="submit">{t("pipeline.intents.filter")}</Button>
            <Button component={Link} to="/agreements" variant="subtle">
              {t("pipeline.intents.clear")}
            </Button>
            <Button component="a" href={exportHref("csv")} variant="default" leftSection={<IconDownload size={16} aria-hidden />}>
              {t("pipeline.intents.exportCsv")}
            </Button>
            <Button component="a" href={exportHref("xlsx")} variant="default" leftSection={<IconDownload size={16} aria-hidden />}>
              {t("pipeline.intents.exportXlsx")}
            </Button>
          </Group>
        </Form>
      </Paper>

      <Text size="sm" c="dimmed" role="status">
        {t("pipeline.agreements.count", { count: total, amount: amountWan })}
      </Text>
      {rows.length ? (
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("pipeline.fields.title")}</Table.Th>
                <Table.Th scope="col">{t("pipeline.fields.parties")}</Table.Th>
                <Table.Th scope="col">{t("pipeline.fields.kind")}</Table.Th>
                <Table.Th scope="col">{t("pipeline.fields.amount")}</Table.Th>
                <Table.Th scope="col">{t("pipeline.fields.signedOn")}</Table.Th>
                <Table.Th scope="col">{t("pipeline.fields.event")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <Anchor component={Link} to={intentPath({ ref: a.intentRef, id: a.intentId })}>
                      {a.title}
                    </Anchor>
                    {a.signedOnStage ? (
                      <Badge ml="xs" size="sm" variant="filled" color="grape.9" miw="max-content">
                        {t("pipeline.agreements.onStage")}
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{a.enterprise.name}</Text>
                    <Text size="sm" c="dimmed">
                      {a.institution.name}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>{t(`pipeline.kinds.${a.kind}`)}</Table.Td>
                  <Table.Td>{a.amountWan}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>{a.signedOn}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{a.event?.name ?? "—"}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text c="dimmed">{t("pipeline.agreements.none")}</Text>
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

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "pipeline.agreements.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
