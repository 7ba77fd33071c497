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
import { loadViewer, needsSignIn, resolveRef } from "~/models/catalog.server";
import { panelWithin, suggestionPanel } from "~/models/match-feedback.server";
import { getResult, resultRelated } from "~/models/result.server";
import { getClientIp, getUser, requireUser } from "~/utils/auth.server";
import { recordPath } from "~/utils/catalog";
import { workflowAction } from "~/utils/catalog-actions.server";
import { getT } from "~/utils/i18n";
import { rootLocale } from "~/utils/meta";
import { formatDate, invariantResponse } from "~/utils/misc";

// A research result with its lead expert and institution (schemas: WorkflowSchema and
// SendBackSchema in ~/utils/catalog, run by workflowAction).

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const viewer = await loadViewer(user);
  const result = await getResult(viewer, params.ref);
  if (!result) {
    if (!user && (await needsSignIn("result", params.ref))) await requireUser(request);
    throw new Response("Not found", { status: 404 });
  }
  // The match panel, computed alongside: rendered with the page when ready within 1.5 s, else streamed in.
  const suggestions = panelWithin(suggestionPanel(user, "result", result.id));
  return { result, related: await resultRelated(viewer, result), signedIn: !!user, suggestions: await suggestions };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = await resolveRef("result", params.ref);
  invariantResponse(id, "Not found", { status: 404 });
  return workflowAction({ ...user, ip: getClientIp(context) }, "result", id, await request.formData());
}

export default function ResultRoute() {
  const { t, i18n } = useTranslation();
  const { result, related, signedIn, suggestions } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const labels = useCatalogLabels();
  const path = recordPath("result", result);

  return (
    <Stack maw={1100} mx="auto" gap="lg">
      <Stack gap={6}>
        <Text size="sm" c="dimmed">
          {t("catalog.kinds.result")}
          {result.ref ? ` · ${result.ref}` : ""}
        </Text>
        <Group gap="sm" align="center">
          <Title order={1} style={{ overflowWrap: "anywhere" }}>
            {result.title}
          </Title>
          <StatusBadge status={result.status} size="lg" />
          {result.access.canSeeReview ? <VisibilityBadge visibility={result.visibility} /> : null}
        </Group>
        <Group gap="lg">
          <Group gap="xs">
            <Text size="sm">{t("catalog.result.ownedBy")}:</Text>
            <Anchor component={Link} to={`/orgs/${result.org.id}`} size="sm">
              {result.org.name}
            </Anchor>
          </Group>
          {result.leadExpert ? (
            <Group gap="xs">
              <Text size="sm">{t("catalog.result.lead")}:</Text>
              <Anchor component={Link} to={recordPath("expert", result.leadExpert)} size="sm">
                {result.leadExpert.name}
                {result.leadExpert.title ? `（${result.leadExpert.title}）` : ""}
              </Anchor>
            </Group>
          ) : null}
        </Group>
      </Stack>

      <StatusNotice status={result.status} review={result.review} />

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            <section aria-labelledby="result-summary">
              <Title order={2} size="h4" id="result-summary" mb="xs">
                {t("catalog.fields.summary")}
              </Title>
              <LongText text={result.summary} />
            </section>
            <SideBox id="result-facts" title={t("catalog.detail.facts")}>
              <Facts
                items={[
                  { label: t("catalog.fields.field"), value: labels.field(result.field) },
                  { label: t("catalog.fields.keywords"), value: <Tags items={result.keywords} /> },
                  { label: t("catalog.fields.maturity"), value: labels.maturity(result.maturity) },
                  { label: t("catalog.fields.ip"), value: result.ip ?? t("common.emptyValue") },
                  { label: t("catalog.fields.cooperation"), value: <Tags items={result.cooperation.map(labels.cooperation)} color="teal" /> },
                  { label: t("catalog.fields.price"), value: labels.wan(result.priceWan) },
                  {
                    label: t("catalog.fields.publishedAt"),
                    value: result.publishedAt ? formatDate(result.publishedAt, i18n.language) : t("common.emptyValue"),
                  },
                  { label: t("catalog.fields.updatedAt"), value: formatDate(result.updatedAt, i18n.language) },
                ]}
              />
            </SideBox>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
            {result.access.canEdit ? (
              <Button component={Link} to={`${path}/edit`} leftSection={<IconPencil size={16} aria-hidden />} variant="light">
                {t("catalog.actions.edit")}
              </Button>
            ) : null}
            <WorkflowPanel recordKey="result" access={result.access} version={result.version} reply={reply} latestPath={path} />
            <SideBox id="result-contact" title={t("catalog.fields.contact")}>
              {result.contact ? (
                <Facts
                  items={[
                    { label: t("catalog.fields.contactName"), value: result.contact.name ?? t("common.emptyValue") },
                    { label: t("catalog.fields.contactPhone"), value: result.contact.phone ?? t("common.emptyValue") },
                    { label: t("catalog.fields.contactEmail"), value: result.contact.email ?? t("common.emptyValue") },
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

      <SuggestionsSection subject="result" panel={suggestions} />

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <RelatedList id="related-results" title={t("catalog.result.otherResults")} records={related.otherResults} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <RelatedList id="related-needs" title={t("catalog.result.needsInField")} records={related.needsInField} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = getT(rootLocale(matches));
  return [{ title: `${data?.result.title ?? t("common.errors.notFoundTitle")} · ${t("common.brand")}` }];
};

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
