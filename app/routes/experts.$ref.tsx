import { Anchor, Button, Grid, Group, Stack, Text, Title } from "@mantine/core";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { IconPencil } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Facts, LongText, SideBox, StatusNotice, Tags } from "~/components/catalog/facts";
import { StatusBadge, useCatalogLabels, VisibilityBadge } from "~/components/catalog/labels";
import { RecordTable } from "~/components/catalog/record-table";
import { WorkflowPanel } from "~/components/catalog/workflow";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SuggestionsSection } from "~/components/match/suggestions";
import { loadViewer, needsSignIn, parseRef, resolveRef } from "~/models/catalog.server";
import { panelWithin, suggestionPanel } from "~/models/match-feedback.server";
import { expertRelated, getExpert } from "~/models/expert.server";
import { mergedInto } from "~/models/merge.server";
import { getClientIp, getUser, requireUser } from "~/utils/auth.server";
import { recordPath } from "~/utils/catalog";
import { workflowAction } from "~/utils/catalog-actions.server";
import { getT } from "~/utils/i18n";
import { rootLocale } from "~/utils/meta";
import { formatDate, invariantResponse } from "~/utils/misc";

// An expert profile with the results they lead (schemas: WorkflowSchema and SendBackSchema in
// ~/utils/catalog, run by workflowAction).

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const viewer = await loadViewer(user);
  const expert = await getExpert(viewer, params.ref);
  if (!expert) {
    if (!user && (await needsSignIn("expert", params.ref))) await requireUser(request);
    // merged into another expert (app/models/merge.server.ts): follow it
    const parsed = parseRef(params.ref);
    const target = parsed ? await mergedInto("expert", { id: parsed.id, ref: parsed.ref }) : null;
    if (target) throw redirect(`/experts/${target.ref ?? target.id}`);
    throw new Response("Not found", { status: 404 });
  }
  // The match panel, computed alongside: rendered with the page when ready within 1.5 s, else streamed in.
  const suggestions = panelWithin(suggestionPanel(user, "expert", expert.id));
  return { expert, related: await expertRelated(viewer, expert), signedIn: !!user, suggestions: await suggestions };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = await resolveRef("expert", params.ref);
  invariantResponse(id, "Not found", { status: 404 });
  return workflowAction({ ...user, ip: getClientIp(context) }, "expert", id, await request.formData());
}

export default function ExpertRoute() {
  const { t, i18n } = useTranslation();
  const { expert, related, signedIn, suggestions } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const labels = useCatalogLabels();
  const path = recordPath("expert", expert);

  return (
    <Stack maw={1100} mx="auto" gap="lg">
      <Stack gap={6}>
        <Text size="sm" c="dimmed">
          {t("catalog.kinds.expert")}
          {expert.ref ? ` · ${expert.ref}` : ""}
        </Text>
        <Group gap="sm" align="center">
          <Title order={1}>
            {expert.name}
            {expert.title ? (
              <Text span c="dimmed" fz="h3" ml="sm">
                {expert.title}
              </Text>
            ) : null}
          </Title>
          <StatusBadge status={expert.status} size="lg" />
          {expert.access.canSeeReview ? <VisibilityBadge visibility={expert.visibility} /> : null}
        </Group>
        <Group gap="xs">
          <Text size="sm">{t("catalog.expert.org")}:</Text>
          <Anchor component={Link} to={`/orgs/${expert.org.id}`} size="sm">
            {expert.org.name}
          </Anchor>
        </Group>
        {expert.honors.length ? <Tags items={expert.honors} color="orange" /> : null}
      </Stack>

      <StatusNotice status={expert.status} review={expert.review} />

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            <section aria-labelledby="expert-bio">
              <Title order={2} size="h4" id="expert-bio" mb="xs">
                {t("catalog.fields.bio")}
              </Title>
              <LongText text={expert.bio} />
            </section>
            <SideBox id="expert-facts" title={t("catalog.detail.facts")}>
              <Facts
                items={[
                  { label: t("catalog.fields.areas"), value: <Tags items={expert.areas} /> },
                  { label: t("catalog.fields.expertFields"), value: <Tags items={expert.fields.map((f) => labels.field(f))} color="teal" /> },
                  {
                    label: t("catalog.fields.publishedAt"),
                    value: expert.publishedAt ? formatDate(expert.publishedAt, i18n.language) : t("common.emptyValue"),
                  },
                  { label: t("catalog.fields.updatedAt"), value: formatDate(expert.updatedAt, i18n.language) },
                ]}
              />
            </SideBox>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
            {expert.access.canEdit ? (
              <Button component={Link} to={`${path}/edit`} leftSection={<IconPencil size={16} aria-hidden />} variant="light">
                {t("catalog.actions.edit")}
              </Button>
            ) : null}
            <WorkflowPanel recordKey="expert" access={expert.access} version={expert.version} reply={reply} latestPath={path} />
            <SideBox id="expert-contact" title={t("catalog.expert.contact")}>
              {expert.contact ? (
                <Facts
                  items={[
                    { label: t("catalog.fields.email"), value: expert.contact.email ?? t("common.emptyValue") },
                    { label: t("catalog.fields.phone"), value: expert.contact.phone ?? t("common.emptyValue") },
                  ]}
                />
              ) : (
                <Text size="sm" c="dimmed" data-testid="contact-hidden">
                  {signedIn ? t("catalog.contact.hiddenMember") : t("catalog.contact.hiddenPublic")}
                </Text>
              )}
            </SideBox>
          </Stack>
        </Grid.Col>
      </Grid>

      <SuggestionsSection subject="expert" panel={suggestions} />

      <section aria-labelledby="expert-results">
        <Title order={2} size="h4" id="expert-results" mb="xs">
          {t("catalog.expert.results")}
        </Title>
        {related.results.length ? (
          <RecordTable records={related.results} caption={t("catalog.expert.results")} showStatus={expert.access.canSeeReview} />
        ) : (
          <Text c="dimmed" size="sm">
            {t("catalog.detail.noRelated")}
          </Text>
        )}
      </section>
    </Stack>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = getT(rootLocale(matches));
  return [{ title: `${data?.expert.name ?? t("common.errors.notFoundTitle")} · ${t("common.brand")}` }];
};

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
