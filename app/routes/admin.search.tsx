import { Alert, Badge, Button, Code, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getSearchStatus, startFullReindex } from "~/models/search.server";
import { getClientIp, requireRole } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";
import { formatDateTime, useIsPending } from "~/utils/misc";
import { STAFF_ROLES } from "~/utils/roles";
import { redirectWithToast } from "~/utils/toast.server";

// /admin/search (organizers and admins): each index's Meilisearch count beside PostgreSQL's,
// the sync queue's lag, the engine's health, and a full reindex (swap, no empty moment).

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, STAFF_ROLES);
  return { status: await getSearchStatus(user) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, STAFF_ROLES);
  const formData = await request.formData();
  if (formData.get("intent") !== "reindex") throw new Response("Bad request", { status: 400 });
  const outcome = await startFullReindex({ ...user, ip: getClientIp(context) });
  return redirectWithToast("/admin/search", {
    type: outcome === "started" ? "success" : "info",
    description: outcome === "started" ? "search.admin.reindexStarted" : "search.admin.reindexBusy",
  });
}

export default function AdminSearchRoute() {
  const { t, i18n } = useTranslation();
  const { status } = useLoaderData<typeof loader>();
  const isPending = useIsPending();
  const { health, queue } = status;

  return (
    <Stack maw={1100} mx="auto">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>{t("search.admin.title")}</Title>
          <Text c="dimmed">{t("search.admin.intro")}</Text>
        </div>
        <Button component={Link} to="/admin/search" variant="default" reloadDocument>
          {t("search.admin.refresh")}
        </Button>
      </Group>

      <Alert color={health.ok ? "teal" : "red"} title={t("search.admin.health")} data-testid="search-health">
        {health.ok
          ? t("search.admin.healthy", { version: health.version, ms: Math.round(health.latencyMs) })
          : t("search.admin.down", { error: health.error })}
        <Text size="xs" c="dimmed" mt={4}>
          {t("search.admin.checkedAt", { time: formatDateTime(status.checkedAt, i18n.language) })}
        </Text>
      </Alert>

      <Table.ScrollContainer minWidth={700}>
        <Table striped data-testid="search-indexes">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t("search.admin.entity")}</Table.Th>
              <Table.Th scope="col">{t("search.admin.index")}</Table.Th>
              <Table.Th scope="col" ta="right">
                {t("search.admin.postgres")}
              </Table.Th>
              <Table.Th scope="col" ta="right">
                {t("search.admin.meili")}
              </Table.Th>
              <Table.Th scope="col">{t("search.admin.indexing")}</Table.Th>
              <Table.Th scope="col">{t("search.admin.version")}</Table.Th>
              <Table.Th scope="col">{t("search.admin.state")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {status.indexes.map((ix) => (
              <Table.Tr key={ix.uid} data-entity={ix.entity}>
                <Table.Td>{t(`search.admin.entities.${ix.entity}`)}</Table.Td>
                <Table.Td>
                  <Code>{ix.uid}</Code>
                </Table.Td>
                <Table.Td ta="right">{ix.postgresCount.toLocaleString()}</Table.Td>
                <Table.Td ta="right">{ix.meiliCount === null ? t("search.admin.unknown") : ix.meiliCount.toLocaleString()}</Table.Td>
                <Table.Td>{ix.isIndexing === null ? t("search.admin.unknown") : ix.isIndexing ? t("search.admin.yes") : t("search.admin.no")}</Table.Td>
                <Table.Td>
                  {ix.documentsVersion ?? t("search.admin.unknown")} / {status.schemaVersion}
                </Table.Td>
                <Table.Td>
                  <Badge color={ix.inSync ? "teal" : "orange"} variant="light">
                    {ix.inSync ? t("search.admin.inSync") : t("search.admin.outOfSync")}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="queue-title">
        <Title order={2} size="h3" id="queue-title" mb="sm">
          {t("search.admin.queue")}
        </Title>
        <Table variant="vertical" withTableBorder={false} data-testid="search-queue">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={220}>{t("search.admin.pending")}</Table.Th>
              <Table.Td>{queue.pending}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t("search.admin.oldest")}</Table.Th>
              <Table.Td>
                {queue.oldestPendingSeconds === null ? t("search.admin.none") : t("search.admin.seconds", { count: Math.round(queue.oldestPendingSeconds) })}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t("search.admin.retrying")}</Table.Th>
              <Table.Td>{queue.retrying}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t("search.admin.failed")}</Table.Th>
              <Table.Td>{queue.failed}</Table.Td>
            </Table.Tr>
            {queue.lastError ? (
              <Table.Tr>
                <Table.Th>{t("search.admin.lastError")}</Table.Th>
                <Table.Td>
                  <Code block>{queue.lastError}</Code>
                </Table.Td>
              </Table.Tr>
            ) : null}
            {queue.nextRetryAt ? (
              <Table.Tr>
                <Table.Th>{t("search.admin.nextRetry")}</Table.Th>
                <Table.Td>{formatDateTime(queue.nextRetryAt, i18n.language)}</Table.Td>
              </Table.Tr>
            ) : null}
            {status.reindexing.length ? (
              <Table.Tr>
                <Table.Th>{t("search.admin.reindexing")}</Table.Th>
                <Table.Td>
                  {status.reindexing.map((r) => (
                    <div key={`${r.entity}:${r.startedAt}`}>
                      {t("search.admin.reindexRun", { entity: t(`search.admin.entities.${r.entity}`), time: formatDateTime(r.startedAt, i18n.language) })}
                    </div>
                  ))}
                </Table.Td>
              </Table.Tr>
            ) : null}
          </Table.Tbody>
        </Table>
      </Paper>

      <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="reindex-title">
        <Title order={2} size="h3" id="reindex-title" mb="sm">
          {t("search.admin.reindexTitle")}
        </Title>
        <Text mb="md">{t("search.admin.reindexText")}</Text>
        <Form method="post">
          <input type="hidden" name="intent" value="reindex" />
          <Button type="submit" loading={isPending} disabled={status.reindexing.length > 0 || !health.ok}>
            {t("search.admin.reindexButton")}
          </Button>
        </Form>
        <Text size="sm" c="dimmed" mt="md">
          {t("search.admin.reindexCli")} <Code>npm run qiao -- reindex</Code>
        </Text>
      </Paper>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "search.admin.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
