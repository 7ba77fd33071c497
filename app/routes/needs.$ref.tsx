import { Anchor, Button, Grid, Group, Stack, Text, Title } from "@mantine/core";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { IconPencil } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Facts, LongText, SideBox, StatusNotice, Tags } from "~/components/catalog/facts";
import { StatusBadge, useCatalogLabels, VisibilityBadge } from "~/components/catalog/labels";
import { RelatedList } from "~/components/catalog/record-table";
import { WorkflowPanel } from "~/components/catalog/workflow";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SuggestionsSection } from "~/components/match/suggestions";
import { NeedQualityNotice } from "~/components/need-quality-notice";
import { loadViewer, needsSignIn, resolveRef } from "~/models/catalog.server";
import { panelWithin, suggestionPanel } from "~/models/match-feedback.server";
import { getNeed, needRelated } from "~/models/need.server";
import { checkNeedQuality } from "~/models/need-quality.server";
import { getClientIp, getUser, requireUser } from "~/utils/auth.server";
import { recordPath } from "~/utils/catalog";
import { workflowAction } from "~/utils/catalog-actions.server";
import { getT } from "~/utils/i18n";
import { rootLocale } from "~/utils/meta";
import { formatDate, invariantResponse } from "~/utils/misc";

// A technology need: public visitors read published ones without contact details; its
// enterprise and staff see every status and act on it (schemas: WorkflowSchema and
// SendBackSchema in ~/utils/catalog, run by workflowAction).

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const viewer = await loadViewer(user);
  const need = await getNeed(viewer, params.ref);
  if (!need) {
    // A members-only need: signing in would show it.
    if (!user && (await needsSignIn("need", params.ref))) await requireUser(request);
    throw new Response("Not found", { status: 404 });
  }
  // The match panel, computed alongside: rendered with the page when ready within 1.5 s, else streamed in.
  const suggestions = panelWithin(suggestionPanel(user, "need", need.id));
  // what reviewers will ask for, for the enterprise and staff while the need is being written or reviewed (decision 070)
  const quality = need.access.canSeeReview && (need.status === "draft" || need.status === "pending_review") ? checkNeedQuality(need) : [];
  return { need, related: await needRelated(viewer, need), signedIn: !!user, suggestions: await suggestions, quality };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = await resolveRef("need", params.ref);
  invariantResponse(id, "Not found", { status: 404 });
  return workflowAction({ ...user, ip: getClientIp(context) }, "need", id, await request.formData());
}

export default function NeedRoute() {
  const { t, i18n } = useTranslation();
  const { need, related, signedIn, suggestions, quality } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const labels = useCatalogLabels();
  const path = recordPath("need", need);

  return (
    <Stack maw={1100} mx="auto" gap="lg">
      <Stack gap={6}>
        <Text size="sm" c="dimmed">
          {t("catalog.kinds.need")}
          {need.ref ? ` · ${need.ref}` : ""}
        </Text>
        <Group gap="sm" align="center">
          <Title order={1} style={{ overflowWrap: "anywhere" }}>
            {need.title}
          </Title>
          <StatusBadge status={need.status} size="lg" />
          {need.access.canSeeReview ? <VisibilityBadge visibility={need.visibility} /> : null}
        </Group>
        <Group gap="xs">
          <Text size="sm">{t("catalog.need.postedBy")}:</Text>
          <Anchor component={Link} to={`/orgs/${need.org.id}`} size="sm">
            {need.org.name}
          </Anchor>
        </Group>
      </Stack>

      <StatusNotice status={need.status} review={need.review} />
      <NeedQualityNotice missing={quality} />

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            <section aria-labelledby="need-description">
              <Title order={2} size="h4" id="need-description" mb="xs">
                {t("catalog.fields.description")}
              </Title>
              <LongText text={need.description} />
            </section>
            <SideBox id="need-facts" title={t("catalog.detail.facts")}>
              <Facts
                items={[
                  { label: t("catalog.fields.field"), value: labels.field(need.field) },
                  { label: t("catalog.fields.keywords"), value: <Tags items={need.keywords} /> },
                  { label: t("catalog.fields.cooperation"), value: <Tags items={need.cooperation.map(labels.cooperation)} color="teal" /> },
                  { label: t("catalog.fields.budget"), value: labels.wan(need.budgetWan) },
                  { label: t("catalog.fields.deadline"), value: need.deadline ?? t("common.emptyValue") },
                  {
                    label: t("catalog.fields.publishedAt"),
                    value: need.publishedAt ? formatDate(need.publishedAt, i18n.language) : t("common.emptyValue"),
                  },
                  { label: t("catalog.fields.updatedAt"), value: formatDate(need.updatedAt, i18n.language) },
                ]}
              />
            </SideBox>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
            {need.access.canEdit ? (
              <Button component={Link} to={`${path}/edit`} leftSection={<IconPencil size={16} aria-hidden />} variant="light">
                {t("catalog.actions.edit")}
              </Button>
            ) : null}
            <WorkflowPanel recordKey="need" access={need.access} version={need.version} reply={reply} latestPath={path} />
            <SideBox id="need-contact" title={t("catalog.fields.contact")}>
              {need.contact ? (
                <Facts
                  items={[
                    { label: t("catalog.fields.contactName"), value: need.contact.name ?? t("common.emptyValue") },
                    { label: t("catalog.fields.contactPhone"), value: need.contact.phone ?? t("common.emptyValue") },
                    { label: t("catalog.fields.contactEmail"), value: need.contact.email ?? t("common.emptyValue") },
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

      <SuggestionsSection subject="need" panel={suggestions} />

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <RelatedList id="related-needs" title={t("catalog.need.otherNeeds")} records={related.otherNeeds} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <RelatedList id="related-results" title={t("catalog.need.resultsInField")} records={related.resultsInField} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = getT(rootLocale(matches));
  return [{ title: `${data?.need.title ?? t("common.errors.notFoundTitle")} · ${t("common.brand")}` }];
};

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
