import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Alert, Anchor, Button, Group, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { Form } from "@remix-run/react";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { useFieldError } from "~/components/forms";
import { SendBackSchema } from "~/utils/catalog";
import { toMessageKey } from "~/utils/i18n";
import { formatDateTime, useIsPending } from "~/utils/misc";

export type StaleInfo = { by: string | null; at: Date | string | null; version: number } | null;

/** What workflowAction / the editors return when a write was refused. */
export type WorkflowReply = { intent: unknown; kind?: string; id?: number; result: SubmissionResult<string[]>; stale: StaleInfo } | undefined;

type Access = {
  canSubmit: boolean;
  canWithdraw: boolean;
  canClose: boolean;
  canPublish: boolean;
  canSendBack: boolean;
};

/**
 * "Someone else changed this": who and when, and a link to the latest version (a new window, so
 * what the user typed stays on this page).
 */
export function StaleAlert({ stale, latestPath }: { stale: NonNullable<StaleInfo>; latestPath: string }) {
  const { t, i18n } = useTranslation();
  return (
    <Alert color="orange" icon={<IconAlertTriangle aria-hidden />} title={t("catalog.errors.stale")} role="alert" data-testid="stale-alert">
      <Stack gap="xs">
        <Text size="sm">
          {t("catalog.errors.staleDetail", {
            who: stale.by ?? t("catalog.errors.staleSomeone"),
            when: stale.at ? formatDateTime(stale.at, i18n.language) : "—",
            version: stale.version,
          })}
        </Text>
        <Anchor href={latestPath} target="_blank" rel="noopener" size="sm">
          {t("catalog.errors.openLatest")}
        </Anchor>
      </Stack>
    </Alert>
  );
}

function SimpleAction({
  intent,
  version,
  label,
  color,
  variant = "filled",
  confirm,
}: {
  intent: "submit" | "withdraw" | "close" | "publish";
  version: number;
  label: string;
  color?: string;
  variant?: "filled" | "light" | "default" | "outline";
  confirm?: string;
}) {
  const isPending = useIsPending();
  return (
    <Form
      method="post"
      onSubmit={(e) => {
        // Without JavaScript the button simply submits; with it, closing asks first.
        if (confirm && !window.confirm(confirm)) e.preventDefault();
      }}
    >
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="version" value={version} />
      <Button type="submit" color={color} variant={variant} loading={isPending}>
        {label}
      </Button>
    </Form>
  );
}

function SendBackForm({ id, version, lastResult }: { id: string; version: number; lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation();
  const errorOf = useFieldError();
  const [form, fields] = useForm({
    id: `send-back-${id}-${version}`,
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SendBackSchema }),
    shouldRevalidate: "onInput",
  });
  return (
    <Form method="post" {...getFormProps(form)}>
      <Stack gap="xs">
        <input type="hidden" name="intent" value="sendBack" />
        <input type="hidden" name="version" value={version} />
        <Textarea
          {...getTextareaProps(fields.comment)}
          key={fields.comment.key}
          label={t("catalog.actions.sendBackComment")}
          description={t("catalog.actions.sendBackCommentHelp")}
          error={errorOf(fields.comment)}
          autosize
          minRows={2}
          maxRows={8}
          withAsterisk
        />
        <Group>
          <Button type="submit" variant="default">
            {t("catalog.actions.sendBack")}
          </Button>
        </Group>
      </Stack>
    </Form>
  );
}

/**
 * The buttons the viewer may use on a record (the model decides; this only mirrors it), and
 * the message when the last attempt was refused.
 */
export function WorkflowPanel({
  recordKey,
  access,
  version,
  reply,
  latestPath,
}: {
  recordKey: string;
  access: Access;
  version: number;
  reply: WorkflowReply;
  latestPath: string;
}) {
  const { t } = useTranslation();
  const any = access.canSubmit || access.canWithdraw || access.canClose || access.canPublish || access.canSendBack;
  if (!any && !reply) return null;
  const formErrors = reply && reply.intent !== "sendBack" ? reply.result.error?.[""] ?? [] : [];
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={`${recordKey}-actions`}>
      <Title order={2} size="h4" id={`${recordKey}-actions`} mb="sm">
        {t("catalog.detail.actionsTitle")}
      </Title>
      <Stack gap="sm">
        {reply?.stale ? <StaleAlert stale={reply.stale} latestPath={latestPath} /> : null}
        {!reply?.stale && formErrors.length ? (
          <Alert color="red" role="alert">
            {formErrors.map((e) => (
              <div key={e}>{t(toMessageKey(e))}</div>
            ))}
          </Alert>
        ) : null}
        {!reply?.stale && reply && reply.intent !== "sendBack" && reply.result.error?.field ? (
          <Alert color="red" role="alert">
            {t(toMessageKey(reply.result.error.field[0]))}
          </Alert>
        ) : null}
        <Group gap="sm">
          {access.canSubmit ? <SimpleAction intent="submit" version={version} label={t("catalog.actions.submit")} /> : null}
          {access.canPublish ? <SimpleAction intent="publish" version={version} label={t("catalog.actions.publish")} color="teal.9" /> : null}
          {access.canWithdraw ? (
            <SimpleAction intent="withdraw" version={version} label={t("catalog.actions.withdraw")} variant="default" />
          ) : null}
          {access.canClose ? (
            <SimpleAction
              intent="close"
              version={version}
              label={t("catalog.actions.close")}
              variant="light"
              color="red"
              confirm={t("catalog.actions.closeConfirm")}
            />
          ) : null}
        </Group>
        {access.canSendBack ? (
          <SendBackForm
            id={recordKey}
            version={version}
            lastResult={reply?.intent === "sendBack" && !reply.stale ? reply.result : undefined}
          />
        ) : null}
      </Stack>
    </Paper>
  );
}

