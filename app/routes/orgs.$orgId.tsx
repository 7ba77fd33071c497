import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  CopyButton,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { IconCheck, IconCopy } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { OrgCatalogSections } from "~/components/catalog/org-sections";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrors, useInputProps } from "~/components/forms";
import { orgCatalogView } from "~/models/catalog.server";
import { createInvite, listPendingInvites, revokeInvite } from "~/models/invite.server";
import { mergedInto } from "~/models/merge.server";
import { canManageOrg, canSeeMembers, getOrganization, getOrgRole, listMembers } from "~/models/org.server";
import { getClientIp, getUser, requireUser } from "~/utils/auth.server";
import { getT } from "~/utils/i18n";
import { rootLocale } from "~/utils/meta";
import { formatDate, formatDateTime, invariantResponse, useIsPending } from "~/utils/misc";
import { ORG_ROLES } from "~/utils/roles";
import { createToastHeaders, redirectWithToast } from "~/utils/toast.server";
import { EmailSchema, OrgRoleSchema } from "~/utils/validation";

const InviteSchema = z.object({
  intent: z.literal("invite"),
  email: EmailSchema,
  role: OrgRoleSchema,
});

const RevokeSchema = z.object({
  intent: z.literal("revoke"),
  inviteId: z.coerce.number().int().positive(),
});

function parseOrgId(value: string | undefined) {
  const id = Number(value);
  invariantResponse(Number.isSafeInteger(id) && id > 0, "Not found", { status: 404 });
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  // Public: search links organizations for visitors too; what they see is decided below
  // (members list and invitations need rights, the catalog is filtered by the model).
  const user = await getUser(request);
  const orgId = parseOrgId(params.orgId);
  const org = await getOrganization(orgId);
  if (!org) {
    // merged into another organization (app/models/merge.server.ts): follow it
    const target = await mergedInto("organization", { id: orgId, ref: null });
    if (target) throw redirect(`/orgs/${target.id}`);
  }
  invariantResponse(org, "Not found", { status: 404 });
  const [myRole, mayManage, maySeeMembers] = await Promise.all([
    getOrgRole(user, orgId),
    canManageOrg(user, orgId),
    canSeeMembers(user, orgId),
  ]);
  return {
    org,
    myRole,
    canManage: mayManage,
    members: maySeeMembers ? await listMembers(user, orgId) : null,
    pendingInvites: mayManage ? await listPendingInvites(user, orgId) : [],
    ...(await orgCatalogView(user, org)),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const orgId = parseOrgId(params.orgId);
  const actor = { ...user, ip: getClientIp(context) };
  const formData = await request.formData();
  const intent = formData.get("intent");

  if (intent === "invite") {
    const submission = parseWithZod(formData, { schema: InviteSchema });
    if (submission.status !== "success") {
      return data({ intent, result: submission.reply(), inviteLink: null }, { status: 400 });
    }
    const created = await createInvite(actor, { orgId, ...submission.value });
    if ("error" in created) {
      return data(
        { intent, result: submission.reply({ fieldErrors: { email: ["org.invite.alreadyMember"] } }), inviteLink: null },
        { status: 400 },
      );
    }
    // The token exists only now (the database keeps its hash), so this response shows the
    // link instead of redirecting.
    const inviteLink = new URL(`/invites/${created.token}`, request.url).toString();
    return data(
      { intent, result: submission.reply({ resetForm: true }), inviteLink },
      { headers: await createToastHeaders({ description: "org.invite.created" }) },
    );
  }

  if (intent === "revoke") {
    const submission = parseWithZod(formData, { schema: RevokeSchema });
    if (submission.status !== "success") throw new Response("Bad request", { status: 400 });
    await revokeInvite(actor, { orgId, inviteId: submission.value.inviteId });
    return redirectWithToast(`/orgs/${orgId}`, { description: "org.invite.revoked" });
  }

  throw new Response("Bad request", { status: 400 });
}

export default function OrganizationRoute() {
  const { t, i18n } = useTranslation();
  const { org, members, canManage, pendingInvites, myRole, catalog, canAdd, showStatus } = useLoaderData<typeof loader>();
  const where = [org.town, org.city].filter(Boolean).join(" · ");

  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <Stack gap={4}>
        <Group gap="sm">
          <Title order={1}>{org.name}</Title>
          <Badge variant="light" size="lg">
            {t(`common.orgKinds.${org.kind}`)}
          </Badge>
          {myRole ? (
            <Badge variant="outline" size="lg">
              {t(`common.orgRoles.${myRole}`)}
            </Badge>
          ) : null}
        </Group>
        {where ? (
          <Text c="dimmed">
            {t("org.page.location")}: {where}
          </Text>
        ) : null}
        {org.industry ? (
          <Text c="dimmed">
            {t("org.page.industry")}: {org.industry}
          </Text>
        ) : null}
        {org.description ? <Text mt="xs">{org.description}</Text> : null}
      </Stack>

      <OrgCatalogSections orgId={org.id} catalog={catalog} canAdd={canAdd} showStatus={showStatus} canEditProfile={canManage} />

      <section aria-labelledby="members-title">
        <Title order={2} size="h3" id="members-title" mb="sm">
          {t("org.page.members")}
        </Title>
        {members === null ? (
          <Text c="dimmed">{t("org.page.membersHidden")}</Text>
        ) : members.length === 0 ? (
          <Text c="dimmed">{t("org.page.noMembers")}</Text>
        ) : (
          <Table.ScrollContainer minWidth={500}>
            <Table striped data-testid="members">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("org.page.memberName")}</Table.Th>
                  <Table.Th scope="col">{t("org.page.memberEmail")}</Table.Th>
                  <Table.Th scope="col">{t("org.page.memberRole")}</Table.Th>
                  <Table.Th scope="col">{t("org.page.joined")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {members.map((m) => (
                  <Table.Tr key={m.userId}>
                    <Table.Td>{m.name}</Table.Td>
                    <Table.Td>{m.email}</Table.Td>
                    <Table.Td>{t(`common.orgRoles.${m.role}`)}</Table.Td>
                    <Table.Td>{formatDate(m.joinedAt, i18n.language)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </section>

      {canManage ? (
        <>
          <InviteForm />
          <section aria-labelledby="pending-title">
            <Title order={2} size="h3" id="pending-title" mb="sm">
              {t("org.invite.pending")}
            </Title>
            {pendingInvites.length === 0 ? (
              <Text c="dimmed">{t("org.invite.noPending")}</Text>
            ) : (
              <Table.ScrollContainer minWidth={600}>
                <Table data-testid="pending-invites">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t("org.page.memberEmail")}</Table.Th>
                      <Table.Th scope="col">{t("org.invite.role")}</Table.Th>
                      <Table.Th scope="col">{t("org.invite.invitedBy")}</Table.Th>
                      <Table.Th scope="col">{t("org.invite.expires")}</Table.Th>
                      <Table.Th scope="col">
                        <VisuallyHidden>{t("org.invite.revoke")}</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {pendingInvites.map((inv) => (
                      <Table.Tr key={inv.id}>
                        <Table.Td>{inv.email}</Table.Td>
                        <Table.Td>{t(`common.orgRoles.${inv.role}`)}</Table.Td>
                        <Table.Td>{inv.invitedByName ?? t("common.emptyValue")}</Table.Td>
                        <Table.Td>{formatDateTime(inv.expiresAt, i18n.language)}</Table.Td>
                        <Table.Td>
                          <Form method="post">
                            <input type="hidden" name="intent" value="revoke" />
                            <input type="hidden" name="inviteId" value={inv.id} />
                            <Button
                              type="submit"
                              size="compact-sm"
                              variant="light"
                              color="red"
                              aria-label={`${t("org.invite.revoke")}: ${inv.email}`}
                            >
                              {t("org.invite.revoke")}
                            </Button>
                          </Form>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </section>
        </>
      ) : null}
    </Stack>
  );
}

function InviteForm() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const isPending = useIsPending();
  const inputProps = useInputProps();
  const [form, fields] = useForm({
    id: "invite",
    lastResult: actionData?.intent === "invite" ? actionData.result : undefined,
    defaultValue: { role: "member" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InviteSchema }),
    shouldRevalidate: "onBlur",
  });
  const inviteLink = actionData?.intent === "invite" ? actionData.inviteLink : null;

  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="invite-title">
      <Title order={2} size="h3" id="invite-title" mb="xs">
        {t("org.invite.title")}
      </Title>
      <Text c="dimmed" size="sm" mb="md">
        {t("org.invite.intro")}
      </Text>
      <Form method="post" {...getFormProps(form)}>
        <Stack>
          <FormErrors form={form} />
          <input type="hidden" name="intent" value="invite" />
          <Group align="flex-start" grow>
            <TextInput {...inputProps(fields.email)} type="email" label={t("org.invite.email")} withAsterisk />
            <NativeSelect
              {...inputProps(fields.role)}
              label={t("org.invite.role")}
              data={ORG_ROLES.map((r) => ({ value: r, label: t(`common.orgRoles.${r}`) }))}
            />
          </Group>
          <Group>
            <Button type="submit" loading={isPending}>
              {t("org.invite.submit")}
            </Button>
          </Group>
        </Stack>
      </Form>
      {inviteLink ? (
        <Alert color="teal" mt="md" title={t("org.invite.created")} role="status">
          <TextInput
            label={t("org.invite.linkLabel")}
            value={inviteLink}
            readOnly
            onFocus={(e) => e.currentTarget.select()}
            data-testid="invite-link"
            rightSection={
              <CopyButton value={inviteLink}>
                {({ copied, copy }) => (
                  <Tooltip label={copied ? t("common.actions.copied") : t("common.actions.copy")} withArrow>
                    <ActionIcon
                      variant="subtle"
                      onClick={copy}
                      aria-label={copied ? t("common.actions.copied") : t("common.actions.copy")}
                    >
                      {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
                    </ActionIcon>
                  </Tooltip>
                )}
              </CopyButton>
            }
          />
        </Alert>
      ) : null}
    </Paper>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = getT(rootLocale(matches));
  return [{ title: `${data?.org.name ?? t("common.errors.notFoundTitle")} · ${t("common.brand")}` }];
};

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
