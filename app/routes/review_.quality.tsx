import { parseWithZod } from "@conform-to/zod";
import { Alert, Anchor, Badge, Button, Checkbox, Fieldset, Group, NativeSelect, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { StatusBadge } from "~/components/catalog/labels";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { modelProblem } from "~/models/catalog.server";
import { listQualityQueue, sendBackForQuality } from "~/models/need-quality.server";
import { getClientIp, requireRole } from "~/utils/auth.server";
import { getT, toMessageKey } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/misc";
import { isQualityCheck, QUALITY_CHECKS, type QualityCheck } from "~/utils/need-quality";
import { STAFF_ROLES } from "~/utils/roles";
import { redirectWithToast } from "~/utils/toast.server";

// 需求质量检查 (a tab of the review queue): needs under review or published that lack what
// industry reviewers ask for (app/models/need-quality.server.ts, decision 070), each with a
// send-back form whose boxes start ticked for what is missing. Sending back goes through the
// shared workflow (退回修改); the comment is written in Chinese, the enterprise's language.

const SendBackSchema = z.object({
  intent: z.literal("sendBack"),
  id: z.coerce.number().int().positive(),
  version: z.coerce.number().int().min(1),
  missing: z.array(z.enum(QUALITY_CHECKS)).default([]),
  note: z.string().max(1500, "catalog.validation.max2000").default(""),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, STAFF_ROLES);
  const url = new URL(request.url);
  const check = url.searchParams.get("check");
  const status = url.searchParams.get("status");
  const filter = {
    check: isQualityCheck(check) ? check : null,
    status: status === "pending_review" || status === "published" ? (status as "pending_review" | "published") : null,
  };
  return { ...(await listQualityQueue(user, filter)), filter };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, STAFF_ROLES);
  const formData = await request.formData();
  if (formData.get("intent") !== "sendBack") throw new Response("Bad request", { status: 400 });
  const s = parseWithZod(formData, { schema: SendBackSchema });
  if (s.status !== "success") {
    return data({ id: Number(formData.get("id")), error: toMessageKey(Object.values(s.error ?? {}).flat()[0] ?? "validation.invalidChoice") }, { status: 400 });
  }
  const zh = getT("zh-CN");
  const labels: Record<QualityCheck, string> = {
    benefit: zh("admin.quality.checks.benefit"),
    targets: zh("admin.quality.checks.targets"),
    budget: zh("admin.quality.checks.budget"),
    deadline: zh("admin.quality.checks.deadline"),
  };
  try {
    const out = await sendBackForQuality(
      { ...user, ip: getClientIp(context) },
      { id: s.value.id, version: s.value.version, missing: s.value.missing, note: s.value.note, labels, lead: zh("admin.quality.lead") },
    );
    const url = new URL(request.url);
    return redirectWithToast(`/review/quality${url.search}`, { description: "admin.quality.sentBack", values: { title: out.ref ?? String(out.id) } });
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return data({ id: s.value.id, error: problem.message }, { status: problem.status });
  }
}

export default function QualityRoute() {
  const { t, i18n } = useTranslation();
  const { items, checked, counts, filter } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <Stack gap={4}>
        <Group gap="md">
          <Anchor component={Link} to="/review">
            {t("catalog.review.title")}
          </Anchor>
          <Text fw={700} aria-current="page">
            {t("admin.quality.tab")}
          </Text>
        </Group>
        <Title order={1}>{t("admin.quality.title")}</Title>
        <Text c="dimmed">{t("admin.quality.intro")}</Text>
      </Stack>
      <Form method="get" aria-label={t("admin.quality.title")}>
        <Group align="flex-end">
          <NativeSelect
            name="check"
            label={t("admin.quality.check")}
            defaultValue={filter.check ?? ""}
            data={[
              { value: "", label: t("admin.common.any") },
              ...QUALITY_CHECKS.map((c) => ({ value: c, label: `${t(`admin.quality.checks.${c}`)} (${counts[c]})` })),
            ]}
          />
          <NativeSelect
            name="status"
            label={t("admin.quality.status")}
            defaultValue={filter.status ?? ""}
            data={[
              { value: "", label: t("admin.common.any") },
              { value: "pending_review", label: t("catalog.status.pending_review") },
              { value: "published", label: t("catalog.status.published") },
            ]}
          />
          <Button type="submit">{t("admin.common.filter")}</Button>
        </Group>
      </Form>
      <Text fw={500} role="status">
        {t("admin.quality.checked", { checked, count: items.length })}
      </Text>
      {items.length === 0 ? (
        <Alert color="teal">{t("admin.quality.none")}</Alert>
      ) : (
        <Stack component="ol" gap="md" style={{ listStyle: "none", padding: 0, margin: 0 }} data-testid="quality-queue">
          {items.map((item) => {
            const headingId = `quality-${item.id}`;
            const error = reply && reply.id === item.id ? reply.error : null;
            return (
              <li key={item.id}>
                <Paper withBorder p="md" component="article" aria-labelledby={headingId}>
                  <Stack gap="xs">
                    <Group gap="xs">
                      <StatusBadge status={item.status} size="sm" />
                      <Text size="sm" c="dimmed">
                        {t("admin.quality.missing")}:
                      </Text>
                      {item.missing.map((m) => (
                        <Badge key={m} color="orange" c="dark.7" variant="light">
                          {t(`admin.quality.checks.${m}`)}
                        </Badge>
                      ))}
                    </Group>
                    <Title order={2} size="h4" id={headingId}>
                      <Anchor component={Link} to={`/needs/${item.ref ?? item.id}`}>
                        {item.title}
                      </Anchor>
                    </Title>
                    <Text size="sm" c="dimmed">
                      <Anchor component={Link} to={`/orgs/${item.orgId}`} c="dimmed" underline="always">
                        {item.orgName}
                      </Anchor>
                      {item.submittedAt ? ` · ${t("catalog.list.submitted")} ${formatDateTime(item.submittedAt, i18n.language)}` : ""}
                    </Text>
                    {error ? (
                      <Alert color="red" role="alert">
                        {t(toMessageKey(error))}
                      </Alert>
                    ) : null}
                    <Form method="post">
                      <input type="hidden" name="intent" value="sendBack" />
                      <input type="hidden" name="id" value={item.id} />
                      <input type="hidden" name="version" value={item.version} />
                      <Stack gap="xs">
                        {/* plain checkboxes in a fieldset: Checkbox.Group is controlled and would ignore defaultChecked */}
                        <Fieldset legend={t("admin.quality.lead")} variant="unstyled">
                          <Group gap="md" mt={4}>
                            {QUALITY_CHECKS.map((c) => (
                              <Checkbox key={c} name="missing" value={c} defaultChecked={item.missing.includes(c)} label={t(`admin.quality.checks.${c}`)} />
                            ))}
                          </Group>
                        </Fieldset>
                        <Group align="flex-end">
                          <Textarea name="note" label={t("admin.quality.note")} autosize minRows={1} maxRows={5} style={{ flex: 1 }} maxLength={1500} />
                          <Button type="submit" variant="default" aria-describedby={headingId}>
                            {t("admin.quality.sendBack")}
                          </Button>
                        </Group>
                      </Stack>
                    </Form>
                  </Stack>
                </Paper>
              </li>
            );
          })}
        </Stack>
      )}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.quality.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
