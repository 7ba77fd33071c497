import { Button, Group, Radio, Stack, Table, Text, Title } from "@mantine/core";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EXPORT_KINDS } from "~/models/exports.server";
import { requireRole } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";
import { STAFF_ROLES } from "~/utils/roles";

// 数据导出: every list the bureau exports, each a plain GET form with a format choice, so it
// works without JavaScript. The catalog lists are /exports/<kind> (app/routes/exports.$kind.ts);
// events, intents and agreements are exported by their own modules at /events/export,
// /intents/export and /agreements/export with the same format parameter. Staff only: members
// export their own lists from the search page.

const OTHER = [
  { kind: "events", action: "/events/export" },
  { kind: "intents", action: "/intents/export" },
  { kind: "agreements", action: "/agreements/export" },
] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, STAFF_ROLES);
  return {
    lists: [...EXPORT_KINDS.map((kind) => ({ kind, action: `/exports/${kind}` })), ...OTHER],
  };
}

export default function ExportsRoute() {
  const { t } = useTranslation();
  const { lists } = useLoaderData<typeof loader>();
  return (
    <Stack maw={1000} mx="auto">
      <Title order={1}>{t("admin.exports.title")}</Title>
      <Text c="dimmed">{t("admin.exports.intro")}</Text>
      <Table.ScrollContainer minWidth={700}>
        <Table data-testid="exports">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t("admin.exports.list")}</Table.Th>
              <Table.Th scope="col">{t("admin.exports.format")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {lists.map((l) => (
              <Table.Tr key={l.kind}>
                <Table.Td>
                  <Text fw={600} id={`export-${l.kind}`}>
                    {t(`admin.exports.kinds.${l.kind}`)}
                  </Text>
                  <Text size="sm" c="dimmed">
                    {t(`admin.exports.describe.${l.kind}`)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {/* a plain form (not Remix's): the browser downloads the file */}
                  <form method="get" action={l.action} aria-labelledby={`export-${l.kind}`}>
                    <Group gap="md" wrap="nowrap">
                      <Radio.Group name="format" defaultValue="xlsx" aria-label={t("admin.exports.format")}>
                        <Group gap="sm" wrap="nowrap">
                          <Radio value="xlsx" label="Excel (XLSX)" />
                          <Radio value="csv" label="CSV" />
                        </Group>
                      </Radio.Group>
                      <Button type="submit" variant="default" size="xs" aria-label={t("admin.exports.downloadOf", { kind: t(`admin.exports.kinds.${l.kind}`) })}>
                        {t("admin.exports.download")}
                      </Button>
                    </Group>
                  </form>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.exports.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
