import { Alert, Anchor, Button, Group, NativeSelect, Paper, Stack, Text, Title } from "@mantine/core";
import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { IconPlus } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { RecordTable } from "~/components/catalog/record-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { listWorkspace, memberOrgs, OWNER_ORG_KINDS, orgBrief } from "~/models/catalog.server";
import { requireUser } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";
import { invariantResponse } from "~/utils/misc";
import { isStaff } from "~/utils/roles";

// 我的工作台: every record of one of the user's organizations, in every status, with the
// reviewers' comments on the ones sent back. ?org= picks the organization (staff may open any).

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const orgs = await memberOrgs(user.id);
  const wanted = Number(new URL(request.url).searchParams.get("org"));
  let org = orgs.find((o) => o.id === wanted) ?? null;
  if (!org && isStaff(user) && Number.isSafeInteger(wanted) && wanted > 0) {
    org = await orgBrief(wanted);
    invariantResponse(org, "Not found", { status: 404 });
  }
  org ??= orgs[0] ?? null;
  if (!org) return { orgs, org: null, records: null, staff: isStaff(user), canCreate: null };
  const records = await listWorkspace(user, org.id);
  const canCreate = {
    need: OWNER_ORG_KINDS.need.includes(org.kind),
    result: OWNER_ORG_KINDS.result.includes(org.kind),
    expert: OWNER_ORG_KINDS.expert.includes(org.kind),
  };
  return { orgs, org, records, staff: isStaff(user), canCreate };
}

export default function WorkspaceRoute() {
  const { t } = useTranslation();
  const { orgs, org, records, staff, canCreate } = useLoaderData<typeof loader>();

  if (!org || !records || !canCreate) {
    return (
      <Stack maw={1100} mx="auto" gap="lg">
        <Title order={1}>{t("catalog.workspace.title")}</Title>
        <Alert color="gray">{t("catalog.workspace.noOrgs")}</Alert>
        {staff ? (
          <Text>
            <Anchor component={Link} to="/review">
              {t("catalog.workspace.staffHint")}
            </Anchor>
          </Text>
        ) : null}
      </Stack>
    );
  }

  const all = [...records.needs, ...records.results, ...records.experts];
  const sentBack = all.filter((r) => r.status === "draft" && r.reviewComment).length;
  const sections = [
    { kind: "needs", label: t("catalog.org.needs"), records: records.needs, show: canCreate.need },
    { kind: "results", label: t("catalog.org.results"), records: records.results, show: canCreate.result },
    { kind: "experts", label: t("catalog.org.experts"), records: records.experts, show: canCreate.expert },
  ].filter((section) => section.show || section.records.length > 0);

  return (
    <Stack maw={1100} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("catalog.workspace.title")}</Title>
        <Text c="dimmed">{t("catalog.workspace.intro")}</Text>
      </Stack>

      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" align="flex-end">
          {orgs.length > 1 ? (
            <Form method="get">
              <Group align="flex-end" gap="xs">
                <NativeSelect
                  name="org"
                  label={t("catalog.workspace.pickOrg")}
                  defaultValue={String(org.id)}
                  data={orgs.map((o) => ({ value: String(o.id), label: o.name }))}
                />
                <Button type="submit" variant="default">
                  {t("catalog.workspace.show")}
                </Button>
              </Group>
            </Form>
          ) : (
            <Title order={2} size="h3">
              <Anchor component={Link} to={`/orgs/${org.id}`} inherit>
                {org.name}
              </Anchor>
            </Title>
          )}
          <Group gap="xs">
            {canCreate.need ? (
              <Button component={Link} to={`/needs/new?org=${org.id}`} leftSection={<IconPlus size={16} aria-hidden />}>
                {t("catalog.actions.newNeed")}
              </Button>
            ) : null}
            {canCreate.result ? (
              <Button component={Link} to={`/results/new?org=${org.id}`} leftSection={<IconPlus size={16} aria-hidden />}>
                {t("catalog.actions.newResult")}
              </Button>
            ) : null}
            {canCreate.expert ? (
              <Button component={Link} to={`/experts/new?org=${org.id}`} variant="light" leftSection={<IconPlus size={16} aria-hidden />}>
                {t("catalog.actions.newExpert")}
              </Button>
            ) : null}
          </Group>
        </Group>
      </Paper>

      {sentBack > 0 ? (
        <Alert color="orange" role="status">
          {t("catalog.workspace.sentBack", { count: sentBack })}
        </Alert>
      ) : null}
      {staff ? (
        <Text size="sm">
          <Anchor component={Link} to="/review">
            {t("catalog.workspace.staffHint")}
          </Anchor>
        </Text>
      ) : null}

      {/* Sections, not tabs: all of it readable without JavaScript. */}
      {sections.map((section) => (
        <section key={section.kind} aria-labelledby={`workspace-${section.kind}`}>
          <Title order={2} size="h3" id={`workspace-${section.kind}`} mb="sm">
            {section.label} ({section.records.length})
          </Title>
          {section.records.length ? (
            <RecordTable records={section.records} caption={section.label} showComment testId={`workspace-${section.kind}`} />
          ) : (
            <Text c="dimmed">{t("catalog.org.none")}</Text>
          )}
        </section>
      ))}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "catalog.workspace.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
