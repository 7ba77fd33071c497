import { parseWithZod } from "@conform-to/zod";
import { Alert, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { IconAlertCircle, IconCheck, IconClockExclamation, IconDownload, IconInfoCircle, IconUpload } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ByKindTable, CountsGrid, FileIssues, RowsTable, type Filter } from "~/components/import/preview";
import { ROW_ACTIONS } from "~/components/import/kinds";
import { WorkingNotice } from "~/components/import/working-notice";
import { confirmUpload, discardUpload, getUploadView, type ConfirmResult } from "~/models/import-upload.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import type { MessageKey } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { formatDateTime } from "~/utils/misc";
import { isStaff } from "~/utils/roles";
import { redirectWithToast } from "~/utils/toast.server";

// /import/:id: the dry run of one upload (figures, file problems, every row with its outcome
// and reasons, paged) and the confirmation, which re-plans from the stored bytes and writes
// all rows or none. Only the uploader sees it; another user's id is a 404.

const ConfirmSchema = z.object({ intent: z.literal("confirm") });
const DiscardSchema = z.object({ intent: z.literal("discard") });

function parseFilter(value: string | null): Filter | undefined {
  if (value === "all") return "all";
  return ROW_ACTIONS.find((a) => a === value);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const view = await getUploadView(user, params.id ?? "", {
    locale: await getLocale(request),
    filter: parseFilter(url.searchParams.get("show")),
    page: Number(url.searchParams.get("page")) || 1,
  });
  return data({ view, member: !isStaff(user) }, { headers: { "Cache-Control": "private, no-store" } });
}

const REFUSALS: Record<Extract<ConfirmResult, { ok: false }>["reason"], { key: MessageKey; status: number }> = {
  consumed: { key: "import.errors.consumed", status: 409 },
  rejected: { key: "import.errors.rejected", status: 409 },
  changed: { key: "import.errors.changed", status: 409 },
  expired: { key: "import.errors.expired", status: 410 },
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = params.id ?? "";
  const formData = await request.formData();
  const intent = formData.get("intent");

  if (intent === "confirm") {
    const submission = parseWithZod(formData, { schema: ConfirmSchema });
    if (submission.status !== "success") throw new Response("Bad request", { status: 400 });
    const result = await confirmUpload({ ...user, ip: getClientIp(context) }, id);
    if (!result.ok) {
      const refusal = REFUSALS[result.reason];
      return data({ problem: refusal.key }, { status: refusal.status });
    }
    const { created, updated, unchanged } = result.counts;
    return redirectWithToast(`/import/${id}`, { description: "import.toasts.imported", values: { created, updated, unchanged } });
  }

  if (intent === "discard") {
    const submission = parseWithZod(formData, { schema: DiscardSchema });
    if (submission.status !== "success") throw new Response("Bad request", { status: 400 });
    await discardUpload(user, id);
    return redirectWithToast("/import", { type: "info", description: "import.toasts.discarded" });
  }

  throw new Response("Bad request", { status: 400 });
}

export default function ImportPreviewRoute() {
  const { t, i18n } = useTranslation();
  const { view, member } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const confirming = navigation.state !== "idle" && navigation.formData?.get("intent") === "confirm";
  const { counts, page } = view;
  const fileErrors = view.fileIssues.some((i) => i.severity === "error");
  const hasRows = counts.created + counts.updated + counts.unchanged + counts.rejected > 0;
  const href = (filter: Filter, p: number) => `/import/${view.id}?${new URLSearchParams({ show: filter, page: String(p) })}`;

  return (
    <Stack maw={1200} mx="auto" gap="lg">
      <div>
        <Title order={1}>{view.state === "imported" ? t("import.preview.titleDone") : t("import.preview.title")}</Title>
        <Text c="dimmed" mt={4} data-testid="import-files">
          {t("import.preview.files", { files: view.files.map((f) => f.filename).join("、") })}
        </Text>
      </div>

      {view.state === "preview" ? (
        <Alert color="blue" variant="light" icon={<IconInfoCircle aria-hidden />} data-testid="import-dry-run">
          {t("import.preview.dryRun")} {t("import.preview.expires", { time: formatDateTime(view.expiresAt, i18n.language) })}
          {member ? ` ${t("import.preview.memberNote")}` : null}
        </Alert>
      ) : null}
      {view.state === "imported" && view.applied ? (
        <Alert color="teal" variant="light" icon={<IconCheck aria-hidden />} role="status" data-testid="import-imported">
          {t("import.preview.imported", { time: formatDateTime(view.applied.at, i18n.language), ...view.applied.counts })}
        </Alert>
      ) : null}
      {view.state === "importing" ? (
        <Alert color="yellow" variant="light" icon={<IconInfoCircle aria-hidden />} data-testid="import-importing">
          {t("import.preview.importing")}
        </Alert>
      ) : null}
      {view.state === "expired" ? (
        <Alert color="orange" variant="light" icon={<IconClockExclamation aria-hidden />} data-testid="import-expired">
          {t("import.preview.expired")}
        </Alert>
      ) : null}
      {view.replanned && view.state === "preview" ? (
        <Alert color="orange" variant="light" icon={<IconAlertCircle aria-hidden />}>
          {t("import.preview.replanned")}
        </Alert>
      ) : null}
      {actionData?.problem ? (
        <Alert color="red" variant="light" icon={<IconAlertCircle aria-hidden />} role="alert" data-testid="import-problem">
          {t(actionData.problem)}
        </Alert>
      ) : null}

      <CountsGrid counts={view.applied?.counts ?? counts} />
      <ByKindTable byKind={view.applied?.byKind ?? view.byKind} />
      <FileIssues issues={view.fileIssues} />

      {view.state === "preview" ? (
        <Paper withBorder p="lg" radius="md" component="section" aria-label={t("import.preview.confirm")}>
          <Stack gap="sm">
            {view.ok ? (
              <Text id="import-confirm-hint">
                {counts.created + counts.updated === 0 ? t("import.preview.nothingToDo") : t("import.preview.confirmHint", {
                      created: counts.created.toLocaleString(),
                      updated: counts.updated.toLocaleString(),
                      unchanged: counts.unchanged.toLocaleString(),
                    })}
              </Text>
            ) : (
              <Alert color="red" variant="light" icon={<IconAlertCircle aria-hidden />} id="import-confirm-hint" data-testid="import-blocked">
                {counts.rejected > 0 ? t("import.preview.blocked", { count: counts.rejected }) : t("import.preview.blockedFile")}
              </Alert>
            )}
            <Group gap="sm">
              <Form method="post">
                <input type="hidden" name="intent" value="confirm" />
                <Button
                  type="submit"
                  disabled={!view.ok}
                  loading={confirming}
                  aria-describedby="import-confirm-hint"
                  leftSection={<IconCheck size={18} aria-hidden />}
                >
                  {t("import.preview.confirm")}
                </Button>
              </Form>
              {counts.rejected > 0 || fileErrors ? (
                <Button
                  component="a"
                  href={`/import/${view.id}/rejected`}
                  download
                  variant="default"
                  leftSection={<IconDownload size={18} aria-hidden />}
                >
                  {t("import.preview.downloadRejected")}
                </Button>
              ) : null}
              <Button component={Link} to="/import" variant="default" leftSection={<IconUpload size={18} aria-hidden />}>
                {t("import.preview.uploadAgain")}
              </Button>
              <Form method="post">
                <input type="hidden" name="intent" value="discard" />
                <Button type="submit" variant="subtle" color="red" disabled={confirming}>
                  {t("import.preview.discard")}
                </Button>
              </Form>
            </Group>
            {confirming ? <WorkingNotice title={t("import.preview.confirmPending")} hint={t("import.preview.confirmPendingHint")} /> : null}
          </Stack>
        </Paper>
      ) : (
        <Group>
          <Button component={Link} to="/import" variant="default" leftSection={<IconUpload size={18} aria-hidden />}>
            {t("import.preview.uploadAgain")}
          </Button>
        </Group>
      )}

      {hasRows ? (
        <RowsTable
          rows={page.rows}
          counts={counts}
          filter={page.filter}
          page={page.number}
          pages={page.pages}
          total={page.total}
          multipleFiles={view.files.length > 1}
          href={href}
        />
      ) : null}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "import.preview.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
