import { Badge, Stack, Table, Text, Title } from "@mantine/core";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { listUsers } from "~/models/user.server";
import { requireRole } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";
import { formatDate } from "~/utils/misc";

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireRole(request, ["admin"]);
  const users = await listUsers(admin);
  return {
    users: users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      disabled: u.disabledAt !== null,
      createdAt: u.createdAt,
    })),
  };
}

export default function AdminUsersRoute() {
  const { t, i18n } = useTranslation();
  const { users } = useLoaderData<typeof loader>();
  return (
    <Stack maw={1100} mx="auto">
      <Title order={1}>{t("org.admin.usersTitle")}</Title>
      <Text c="dimmed">
        {t("org.admin.usersIntro")} {t("org.admin.total", { count: users.length })}
      </Text>
      <Table.ScrollContainer minWidth={700}>
        <Table striped highlightOnHover data-testid="users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t("org.admin.name")}</Table.Th>
              <Table.Th scope="col">{t("org.admin.email")}</Table.Th>
              <Table.Th scope="col">{t("org.admin.role")}</Table.Th>
              <Table.Th scope="col">{t("org.admin.status")}</Table.Th>
              <Table.Th scope="col">{t("org.admin.createdAt")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>{u.name}</Table.Td>
                <Table.Td>{u.email}</Table.Td>
                <Table.Td>
                  <Badge variant={u.role === "member" ? "default" : "light"}>{t(`common.roles.${u.role}`)}</Badge>
                </Table.Td>
                <Table.Td>{u.disabled ? t("org.admin.disabled") : t("org.admin.active")}</Table.Td>
                <Table.Td>{formatDate(u.createdAt, i18n.language)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "org.admin.usersTitle");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
