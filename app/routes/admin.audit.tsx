import { Alert, Anchor, Button, Code, Group, NativeSelect, Spoiler, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pager, pageParam } from "~/components/admin/pager";
import { modelProblem } from "~/models/catalog.server";
import { auditFilterFrom, searchAuditLog } from "~/models/audit-log.server";
import { requireRole } from "~/utils/auth.server";
import type { MessageKey } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/misc";

// 操作日志: the audit log, newest first, filtered by actor, record (entity + id or ref), action
// prefix and date range (China days), a page at a time, exportable as CSV with the same filter
// (/admin/audit/export). Admins only: app/models/audit-log.server.ts.

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireRole(request, ["admin"]);
  const url = new URL(request.url);
  const filter = { ...auditFilterFrom(url), page: pageParam(url) };
  try {
    return { ...(await searchAuditLog(admin, filter)), filter, error: null };
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    const message: MessageKey = problem.message;
    return { entries: [], total: 0, page: 1, pages: 1, entities: [], filter, error: message };
  }
}

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return null;
  return (
    <Spoiler maxHeight={60} showLabel="…" hideLabel="↑">
      <Code block style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
        {JSON.stringify(value, null, 1)}
      </Code>
    </Spoiler>
  );
}

export default function AdminAuditRoute() {
  const { t, i18n } = useTranslation();
  const { entries, total, page, pages, entities, filter, error } = useLoaderData<typeof loader>();
  const location = useLocation();
  const exportParams = new URLSearchParams(location.search);
  exportParams.delete("page");
  return (
    <Stack maw={1300} mx="auto">
      <Title order={1}>{t("admin.audit.title")}</Title>
      <Text c="dimmed">{t("admin.audit.intro")}</Text>
      <Form method="get" role="search" aria-label={t("admin.audit.title")}>
        <Group align="flex-end">
          <TextInput name="actor" label={t("admin.audit.actor")} defaultValue={filter.actor} />
          <NativeSelect
            name="entity"
            label={t("admin.audit.entity")}
            defaultValue={filter.entity}
            data={[{ value: "", label: t("admin.common.any") }, ...entities.map((e) => ({ value: e, label: e }))]}
          />
          <TextInput name="record" label={t("admin.audit.record")} defaultValue={filter.record} w={160} />
          <TextInput name="action" label={t("admin.audit.action")} defaultValue={filter.action} w={160} />
          <TextInput name="from" type="date" label={t("admin.audit.from")} defaultValue={filter.from ?? ""} error={error === "admin.audit.errors.date" ? t(error) : undefined} />
          <TextInput name="to" type="date" label={t("admin.audit.to")} defaultValue={filter.to ?? ""} error={error === "admin.audit.errors.range" ? t(error) : undefined} />
          <Button type="submit">{t("admin.common.filter")}</Button>
          <Anchor component={Link} to="/admin/audit">
            {t("admin.common.reset")}
          </Anchor>
        </Group>
      </Form>
      {error ? (
        <Alert color="red" role="alert">
          {t(error)}
        </Alert>
      ) : null}
      <Group justify="flex-end">
        <Button component="a" href={`/admin/audit/export?${exportParams}`} variant="default" download>
          {t("admin.audit.exportCsv")}
        </Button>
      </Group>
      {entries.length === 0 ? (
        <Text>{t("admin.common.none")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={1000}>
          <Table striped data-testid="audit-log" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("admin.audit.at")}</Table.Th>
                <Table.Th scope="col">{t("admin.audit.actor")}</Table.Th>
                <Table.Th scope="col">{t("admin.audit.action")}</Table.Th>
                <Table.Th scope="col">{t("admin.audit.record")}</Table.Th>
                <Table.Th scope="col">{t("admin.audit.before")}</Table.Th>
                <Table.Th scope="col">{t("admin.audit.after")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>{formatDateTime(e.at, i18n.language)}</Table.Td>
                  <Table.Td>
                    {e.actorId ? (
                      <Anchor component={Link} to={`/admin/users/${e.actorId}`}>
                        {e.actorName ?? e.actorId}
                      </Anchor>
                    ) : (
                      t("admin.audit.system")
                    )}
                    {e.ip ? (
                      <Text size="xs" c="dimmed">
                        {e.ip}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Code>{e.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    {e.entity} {e.entityId ? `#${e.entityId}` : ""}
                  </Table.Td>
                  <Table.Td maw={300}>
                    <Json value={e.before} />
                  </Table.Td>
                  <Table.Td maw={300}>
                    <Json value={e.after} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager page={page} pages={pages} total={total} />
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.audit.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
