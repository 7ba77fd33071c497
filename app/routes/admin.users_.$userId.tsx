import { parseWithZod } from "@conform-to/zod";
import { Alert, Anchor, Badge, Button, Group, NativeSelect, Paper, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import {
  addMembership,
  getUserForAdmin,
  orgChoices,
  removeMembership,
  setMembershipRole,
  setUserDisabled,
  setUserRole,
} from "~/models/admin.server";
import { modelProblem } from "~/models/catalog.server";
import { getClientIp, requireRole } from "~/utils/auth.server";
import { toMessageKey, type MessageKey } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { formatDate } from "~/utils/misc";
import { ORG_ROLES, ROLES } from "~/utils/roles";
import { redirectWithToast } from "~/utils/toast.server";

// One user, for admins: platform role, disable/enable (ends every session at once) and the
// organizations they belong to (add, change role, remove). Each form is one zod schema and an
// `intent`; the model (app/models/admin.server.ts) checks rights, versions and the last-admin rule.

const version = z.coerce.number({ invalid_type_error: "validation.required" }).int().min(1);
const RoleSchema = z.object({ intent: z.literal("role"), role: z.enum(ROLES), version });
const DisableSchema = z.object({ intent: z.enum(["disable", "enable"]), version });
const AddSchema = z.object({
  intent: z.literal("addMembership"),
  orgId: z.coerce.number({ invalid_type_error: "validation.required" }).int().positive(),
  role: z.enum(ORG_ROLES),
});
const MembershipRoleSchema = z.object({ intent: z.literal("membershipRole"), membershipId: z.coerce.number().int().positive(), role: z.enum(ORG_ROLES), version });
const RemoveSchema = z.object({ intent: z.literal("removeMembership"), membershipId: z.coerce.number().int().positive(), version });

const SCHEMAS = {
  role: RoleSchema,
  disable: DisableSchema,
  enable: DisableSchema,
  addMembership: AddSchema,
  membershipRole: MembershipRoleSchema,
  removeMembership: RemoveSchema,
} as const;
type Intent = keyof typeof SCHEMAS;
const isIntent = (v: unknown): v is Intent => typeof v === "string" && v in SCHEMAS;

function userIdParam(v: string | undefined) {
  if (!v || v.length > 64) throw new Response("Not found", { status: 404 });
  return v;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const admin = await requireRole(request, ["admin"]);
  const detail = await getUserForAdmin(admin, userIdParam(params.userId));
  return { ...detail, orgs: await orgChoices(admin), self: detail.user.id === admin.id };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, ["admin"]);
  const actor = { ...admin, ip: getClientIp(context) };
  const userId = userIdParam(params.userId);
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (!isIntent(intent)) throw new Response("Bad request", { status: 400 });
  const here = `/admin/users/${userId}`;
  const { user, memberships } = await getUserForAdmin(actor, userId);
  const fail = (message: MessageKey, status: number) => data({ intent, error: message }, { status });
  try {
    switch (intent) {
      case "role": {
        const s = parseWithZod(formData, { schema: RoleSchema });
        if (s.status !== "success") return fail("validation.invalidChoice", 400);
        await setUserRole(actor, { userId, role: s.value.role, version: s.value.version });
        return redirectWithToast(here, { description: "admin.users.roleSaved", values: { name: user.name } });
      }
      case "disable":
      case "enable": {
        const s = parseWithZod(formData, { schema: DisableSchema });
        if (s.status !== "success") return fail("validation.invalidChoice", 400);
        const out = await setUserDisabled(actor, { userId, disabled: intent === "disable", version: s.value.version });
        return redirectWithToast(here, {
          description: intent === "disable" ? "admin.users.disabledDone" : "admin.users.enabledDone",
          values: { name: user.name, count: out.sessionsEnded },
        });
      }
      case "addMembership": {
        const s = parseWithZod(formData, { schema: AddSchema });
        if (s.status !== "success") return fail("admin.memberships.errors.orgNotFound", 400);
        await addMembership(actor, { userId, orgId: s.value.orgId, role: s.value.role });
        return redirectWithToast(here, { description: "admin.memberships.added" });
      }
      case "membershipRole": {
        const s = parseWithZod(formData, { schema: MembershipRoleSchema });
        if (s.status !== "success") return fail("validation.invalidChoice", 400);
        const m = memberships.find((x) => x.id === s.value.membershipId);
        if (!m) throw new Response("Not found", { status: 404 });
        await setMembershipRole(actor, s.value);
        return redirectWithToast(here, { description: "admin.memberships.saved", values: { org: m.orgName } });
      }
      case "removeMembership": {
        const s = parseWithZod(formData, { schema: RemoveSchema });
        if (s.status !== "success") return fail("validation.invalidChoice", 400);
        const m = memberships.find((x) => x.id === s.value.membershipId);
        if (!m) throw new Response("Not found", { status: 404 });
        await removeMembership(actor, s.value);
        return redirectWithToast(here, { description: "admin.memberships.removed", values: { org: m.orgName } });
      }
    }
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return fail(problem.message, problem.status);
  }
}

export default function AdminUserRoute() {
  const { t, i18n } = useTranslation();
  const { user, memberships, sessions, orgs, self } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const errorFor = (...intents: Intent[]) =>
    reply && "error" in reply && intents.includes(reply.intent) ? (
      <Alert color="red" role="alert">
        {t(toMessageKey(reply.error))}
      </Alert>
    ) : null;
  const memberOf = new Set(memberships.map((m) => m.orgId));

  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <Stack gap={4}>
        <Anchor component={Link} to="/admin/users" size="sm">
          ← {t("admin.users.title")}
        </Anchor>
        <Title order={1}>{t("admin.users.detailTitle", { name: user.name })}</Title>
        <Group gap="xs">
          <Text c="dimmed">{user.email}</Text>
          <Badge variant="light">{t(`common.roles.${user.role}`)}</Badge>
          {user.disabled ? <Badge color="red">{t("admin.users.disabled")}</Badge> : null}
          <Text size="sm" c="dimmed">
            {t("admin.users.createdAt")} {formatDate(user.createdAt, i18n.language)} · {t("admin.users.sessions", { count: sessions })}
          </Text>
        </Group>
      </Stack>
      {self ? <Alert color="blue">{t("admin.users.self")}</Alert> : null}

      <Paper withBorder p="md" component="section" aria-labelledby="role-title">
        <Title order={2} size="h4" id="role-title" mb="sm">
          {t("admin.users.roleTitle")}
        </Title>
        {errorFor("role")}
        <Form method="post">
          <input type="hidden" name="intent" value="role" />
          <input type="hidden" name="version" value={user.version} />
          <Group align="flex-end">
            <NativeSelect
              name="role"
              label={t("admin.users.role")}
              description={t("admin.users.roleHint")}
              defaultValue={user.role}
              disabled={self}
              data={ROLES.map((r) => ({ value: r, label: t(`common.roles.${r}`) }))}
            />
            <Button type="submit" disabled={self}>
              {t("admin.users.roleSave")}
            </Button>
          </Group>
        </Form>
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="account-title">
        <Title order={2} size="h4" id="account-title" mb="sm">
          {t("admin.users.accountTitle")}
        </Title>
        {errorFor("disable", "enable")}
        <Form method="post">
          <input type="hidden" name="version" value={user.version} />
          <Stack gap="xs" align="flex-start">
            {user.disabled ? null : <Text size="sm">{t("admin.users.disableHint")}</Text>}
            <Button type="submit" name="intent" value={user.disabled ? "enable" : "disable"} color={user.disabled ? "teal.9" : "red.9"} disabled={self}>
              {user.disabled ? t("admin.users.enable") : t("admin.users.disable")}
            </Button>
          </Stack>
        </Form>
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="memberships-title">
        <Title order={2} size="h4" id="memberships-title" mb="sm">
          {t("admin.memberships.title")}
        </Title>
        {errorFor("membershipRole", "removeMembership")}
        {memberships.length === 0 ? (
          <Text c="dimmed">{t("admin.memberships.none")}</Text>
        ) : (
          <Table data-testid="memberships">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("admin.memberships.org")}</Table.Th>
                <Table.Th scope="col">{t("admin.memberships.role")}</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>{t("admin.memberships.remove")}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {memberships.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/orgs/${m.orgId}`}>
                      {m.orgName}
                    </Anchor>{" "}
                    <Badge size="xs" variant="outline">
                      {t(`common.orgKinds.${m.orgKind}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="membershipRole" />
                      <input type="hidden" name="membershipId" value={m.id} />
                      <input type="hidden" name="version" value={m.version} />
                      <Group gap="xs">
                        <NativeSelect
                          name="role"
                          aria-label={`${t("admin.memberships.role")}: ${m.orgName}`}
                          defaultValue={m.role}
                          data={ORG_ROLES.map((r) => ({ value: r, label: t(`common.orgRoles.${r}`) }))}
                        />
                        <Button type="submit" variant="default" size="xs">
                          {t("admin.common.save")}
                        </Button>
                      </Group>
                    </Form>
                  </Table.Td>
                  <Table.Td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="removeMembership" />
                      <input type="hidden" name="membershipId" value={m.id} />
                      <input type="hidden" name="version" value={m.version} />
                      <Button type="submit" variant="subtle" color="red.9" size="xs" aria-label={`${t("admin.memberships.remove")}: ${m.orgName}`}>
                        {t("admin.memberships.remove")}
                      </Button>
                    </Form>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Title order={3} size="h5" mt="md" mb="xs">
          {t("admin.memberships.addTitle")}
        </Title>
        {errorFor("addMembership")}
        <Form method="post">
          <input type="hidden" name="intent" value="addMembership" />
          <Group align="flex-end">
            <NativeSelect
              name="orgId"
              label={t("admin.memberships.org")}
              style={{ flex: 1 }}
              data={orgs
                .filter((o) => !memberOf.has(o.id))
                .map((o) => ({ value: String(o.id), label: `${o.name}（${t(`common.orgKinds.${o.kind}`)}）` }))}
            />
            <NativeSelect name="role" label={t("admin.memberships.role")} data={ORG_ROLES.map((r) => ({ value: r, label: t(`common.orgRoles.${r}`) }))} />
            <Button type="submit">{t("admin.memberships.add")}</Button>
          </Group>
        </Form>
      </Paper>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.users.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
