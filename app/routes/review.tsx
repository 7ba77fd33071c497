import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { StatusBadge, useCatalogLabels } from "~/components/catalog/labels";
import { StaleAlert } from "~/components/catalog/workflow";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useFieldError } from "~/components/forms";
import type { RecordSummary } from "~/models/catalog.server";
import { listPendingReview } from "~/models/catalog.server";
import { getClientIp, requireRole } from "~/utils/auth.server";
import { ReviewSendBackSchema, ReviewTarget } from "~/utils/catalog";
import { workflowAction } from "~/utils/catalog-actions.server";
import { toMessageKey } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/misc";
import { STAFF_ROLES } from "~/utils/roles";

// The organizers' review queue: every pending submission of every kind, oldest first, each with
// "publish" and "send back with a comment". Schemas: ReviewPublishSchema / ReviewSendBackSchema
// (~/utils/catalog); the record is named by kind and id, the model checks the rest.

const TargetSchema = z.object(ReviewTarget);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, STAFF_ROLES);
  return { items: await listPendingReview(user) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, STAFF_ROLES);
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent !== "publish" && intent !== "sendBack") throw new Response("Bad request", { status: 400 });
  const target = parseWithZod(formData, { schema: TargetSchema });
  if (target.status !== "success") throw new Response("Bad request", { status: 400 });
  return workflowAction({ ...user, ip: getClientIp(context) }, target.value.kind, target.value.id, formData, {
    redirectTo: "/review",
  });
}

export default function ReviewRoute() {
  const { t } = useTranslation();
  const { items } = useLoaderData<typeof loader>();
  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("catalog.review.title")}</Title>
        <Text c="dimmed">{t("catalog.review.intro")}</Text>
        {/* the second tab: needs that lack what reviewers ask for (app/routes/review_.quality.tsx) */}
        <Anchor component={Link} to="/review/quality" size="sm">
          {t("admin.quality.tab")} →
        </Anchor>
      </Stack>
      {items.length === 0 ? (
        <Alert color="teal">{t("catalog.review.empty")}</Alert>
      ) : (
        <>
          <Text fw={500} role="status">
            {t("catalog.review.count", { count: items.length })}
          </Text>
          <Stack gap="md" component="ol" style={{ listStyle: "none", padding: 0, margin: 0 }} data-testid="review-queue">
            {items.map((item) => (
              <li key={`${item.kind}-${item.id}`}>
                <ReviewItem item={item} />
              </li>
            ))}
          </Stack>
        </>
      )}
    </Stack>
  );
}

function ReviewItem({ item }: { item: RecordSummary }) {
  const { t, i18n } = useTranslation();
  const labels = useCatalogLabels();
  const errorOf = useFieldError();
  const reply = useActionData<typeof action>();
  const mine = reply && reply.kind === item.kind && reply.id === item.id ? reply : undefined;
  const sendBackResult: SubmissionResult<string[]> | undefined = mine?.intent === "sendBack" && !mine.stale ? mine.result : undefined;
  const [form, fields] = useForm({
    id: `review-${item.kind}-${item.id}-${item.version}`,
    lastResult: sendBackResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ReviewSendBackSchema }),
    shouldRevalidate: "onInput",
  });
  const headingId = `review-${item.kind}-${item.id}`;
  const formError = mine && !mine.stale ? mine.result.error?.[""]?.[0] : undefined;

  return (
    <Paper withBorder p="md" radius="md" component="article" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={4}>
            <Group gap="xs">
              <Badge variant="light">{t(`catalog.kinds.${item.kind}`)}</Badge>
              <StatusBadge status={item.status} size="sm" />
              {item.field ? <Badge variant="outline">{labels.field(item.field)}</Badge> : null}
            </Group>
            <Title order={2} size="h4" id={headingId}>
              <Anchor component={Link} to={item.path}>
                {item.title}
              </Anchor>
            </Title>
            <Text size="sm" c="dimmed">
              <Anchor component={Link} to={`/orgs/${item.orgId}`} c="dimmed">
                {item.orgName}
              </Anchor>
              {item.submittedAt ? ` · ${t("catalog.list.submitted")} ${formatDateTime(item.submittedAt, i18n.language)}` : ""}
            </Text>
            {item.subtitle ? (
              <Text size="sm" lineClamp={2}>
                {item.kind === "result" ? labels.maturity(item.subtitle) : item.subtitle}
              </Text>
            ) : null}
          </Stack>
          <Form method="post">
            <input type="hidden" name="intent" value="publish" />
            <input type="hidden" name="kind" value={item.kind} />
            <input type="hidden" name="id" value={item.id} />
            <input type="hidden" name="version" value={item.version} />
            <Button type="submit" color="teal.9" aria-describedby={headingId}>
              {t("catalog.actions.publish")}
            </Button>
          </Form>
        </Group>
        {mine?.stale ? <StaleAlert stale={mine.stale} latestPath={item.path} /> : null}
        {formError ? (
          <Alert color="red" role="alert">
            {t(toMessageKey(formError))}
          </Alert>
        ) : null}
        <Form method="post" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="sendBack" />
          <input type="hidden" name="kind" value={item.kind} />
          <input type="hidden" name="id" value={item.id} />
          <input type="hidden" name="version" value={item.version} />
          <Group align="flex-end" gap="sm">
            <Textarea
              {...getTextareaProps(fields.comment)}
              key={fields.comment.key}
              label={t("catalog.actions.sendBackComment")}
              error={errorOf(fields.comment)}
              autosize
              minRows={1}
              maxRows={6}
              style={{ flex: 1 }}
            />
            <Button type="submit" variant="default" aria-describedby={headingId}>
              {t("catalog.actions.sendBack")}
            </Button>
          </Group>
        </Form>
      </Stack>
    </Paper>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "catalog.review.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
