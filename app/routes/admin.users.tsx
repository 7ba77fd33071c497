import { Anchor, Badge, Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pager, pageParam } from "~/components/admin/pager";
import { searchUsers } from "~/models/admin.server";
import { requireRole } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";
import { formatDate } from "~/utils/misc";
import { isRole, ROLES } from "~/utils/roles";

// 用户管理: every account, searchable by name, e-mail or id, filtered by role and status, a
// page at a time. Each row opens /admin/users/<id> (role, disable/enable, memberships).
// Admins only (decision 071); the model checks it again.

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireRole(request, ["admin"]);
  const url = new URL(request.url);
  const role = url.searchParams.get("role");
  const status = url.searchParams.get("status");
  const filter = {
    q: (url.searchParams.get("q") ?? "").slice(0, 254),
    role: isRole(role) ? role : null,
    status: status === "active" ? ("active" as const) : status === "disabled" ? ("disabled" as const) : null,
    page: pageParam(url),
  };
  const result = await searchUsers(admin, filter);
  return { ...result, filter, me: admin.id };
}

export default function AdminUsersRoute() {
  const { t, i18n } = useTranslation();
  const { users, total, page, pages, filter, me } = useLoaderData<typeof loader>();
  return (
    <Stack maw={1100} mx="auto">
      <Title order={1}>{t("admin.users.title")}</Title>
      <Text c="dimmed">{t("admin.users.intro")}</Text>
      <Form method="get" role="search" aria-label={t("admin.users.title")}>
        <Group align="flex-end">
          <TextInput name="q" label={t("admin.users.search")} defaultValue={filter.q} style={{ flex: 1 }} />
          <NativeSelect
            name="role"
            label={t("admin.users.role")}
            defaultValue={filter.role ?? ""}
            data={[{ value: "", label: t("admin.common.any") }, ...ROLES.map((r) => ({ value: r, label: t(`common.roles.${r}`) }))]}
          />
          <NativeSelect
            name="status"
            label={t("admin.users.status")}
            defaultValue={filter.status ?? ""}
            data={[
              { value: "", label: t("admin.common.any") },
              { value: "active", label: t("admin.users.active") },
              { value: "disabled", label: t("admin.users.disabled") },
            ]}
          />
          <Button type="submit">{t("admin.common.filter")}</Button>
          <Anchor component={Link} to="/admin/users">
            {t("admin.common.reset")}
          </Anchor>
        </Group>
      </Form>
      {users.length === 0 ? (
        <Text>{t("admin.common.none")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table striped highlightOnHover data-testid="users">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("org.admin.name")}</Table.Th>
                <Table.Th scope="col">{t("org.admin.email")}</Table.Th>
                <Table.Th scope="col">{t("admin.users.role")}</Table.Th>
                <Table.Th scope="col">{t("admin.users.status")}</Table.Th>
                <Table.Th scope="col">{t("admin.users.orgs")}</Table.Th>
                <Table.Th scope="col">{t("admin.users.lastLogin")}</Table.Th>
                <Table.Th scope="col">{t("admin.users.createdAt")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/users/${u.id}`}>
                      {u.name}
                    </Anchor>
                    {u.id === me ? " ★" : ""}
                  </Table.Td>
                  <Table.Td>{u.email}</Table.Td>
                  <Table.Td>
                    <Badge variant={u.role === "member" ? "default" : "light"}>{t(`common.roles.${u.role}`)}</Badge>
                  </Table.Td>
                  <Table.Td>
                    {u.disabled ? <Badge color="red" variant="light">{t("admin.users.disabled")}</Badge> : t("admin.users.active")}
                  </Table.Td>
                  <Table.Td>{u.orgCount}</Table.Td>
                  <Table.Td>{u.lastSeenAt ? formatDate(u.lastSeenAt, i18n.language) : t("admin.users.never")}</Table.Td>
                  <Table.Td>{formatDate(u.createdAt, i18n.language)}</Table.Td>
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

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.users.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
