import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Timeline,
  Title,
} from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { IconAlertCircle } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrors, useFieldError } from "~/components/forms";
import { agreementsOfIntent, recordAgreement } from "~/models/agreement.server";
import { loadViewer, modelProblem } from "~/models/catalog.server";
import { getIntent, intentChoices, moveIntent, reopenIntent, updateIntent } from "~/models/intent.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { problemReply } from "~/utils/catalog-actions.server";
import { pageTitle } from "~/utils/meta";
import { formatDate, useIsPending } from "~/utils/misc";
import { AGREEMENT_KINDS, AgreementSchema, EditIntentSchema, intentPath, MOVES, MoveSchema, REOPEN_TO, ReopenSchema, STAGE_COLORS, todayInChina } from "~/utils/pipeline";
import { isStaff } from "~/utils/roles";
import { redirectWithToast } from "~/utils/toast.server";

// /intents/:ref (ref or numeric id): one intent with its stage history, the stage-change form
// (or reopen, when dropped), its agreements and the form to record one. Three forms dispatch on
// `intent` (move | reopen | agreement); the schemas are in ~/utils/pipeline. Permission checks
// are in the models: a member of neither party gets a 404 here and from the model.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const viewer = await loadViewer(user);
  const intent = await getIntent(viewer, params.ref);
  if (!intent) throw new Response("Not found", { status: 404 });
  const [agreements, choices] = await Promise.all([agreementsOfIntent(intent.id), intentChoices(viewer)]);
  return {
    intent,
    agreements,
    events: choices.events,
    staff: isStaff(user),
    today: todayInChina(),
    agreementKey: crypto.randomUUID(),
  };
}

type Reply = { form: "move" | "reopen" | "agreement" | "edit"; result: SubmissionResult<string[]> };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const viewer = await loadViewer(user);
  const intent = await getIntent(viewer, params.ref);
  if (!intent) throw new Response("Not found", { status: 404 });
  const actor = { ...user, ip: getClientIp(context) };
  const formData = await request.formData();
  const kind = formData.get("intent");
  const path = intentPath(intent);

  async function attempt<T>(form: Reply["form"], submission: { reply: (o?: object) => SubmissionResult<string[]> }, run: () => Promise<T>, toast: "pipeline.intents.moved" | "pipeline.intents.reopened" | "pipeline.agreements.created" | "pipeline.intents.edited") {
    try {
      await run();
      return redirectWithToast(path, { description: toast });
    } catch (error) {
      const problem = await modelProblem(error);
      if (!problem) throw error;
      return data({ form, result: submission.reply(problemReply(problem)) } satisfies Reply, { status: problem.status });
    }
  }

  if (kind === "move") {
    const submission = parseWithZod(formData, { schema: MoveSchema });
    if (submission.status !== "success") return data({ form: "move", result: submission.reply() } satisfies Reply, { status: 400 });
    const v = submission.value;
    return attempt("move", submission, () => moveIntent(actor, { id: intent.id, version: v.version, to: v.to, note: v.note, reason: v.reason }), "pipeline.intents.moved");
  }
  if (kind === "reopen") {
    const submission = parseWithZod(formData, { schema: ReopenSchema });
    if (submission.status !== "success") return data({ form: "reopen", result: submission.reply() } satisfies Reply, { status: 400 });
    const v = submission.value;
    return attempt("reopen", submission, () => reopenIntent(actor, { id: intent.id, version: v.version, to: v.to, note: v.note }), "pipeline.intents.reopened");
  }
  if (kind === "edit") {
    const submission = parseWithZod(formData, { schema: EditIntentSchema });
    if (submission.status !== "success") return data({ form: "edit", result: submission.reply() } satisfies Reply, { status: 400 });
    const v = submission.value;
    return attempt("edit", submission, () => updateIntent(actor, { id: intent.id, version: v.version, summary: v.summary, eventId: v.eventId ?? null }), "pipeline.intents.edited");
  }
  if (kind === "agreement") {
    const submission = parseWithZod(formData, { schema: AgreementSchema });
    if (submission.status !== "success") return data({ form: "agreement", result: submission.reply() } satisfies Reply, { status: 400 });
    const v = submission.value;
    return attempt(
      "agreement",
      submission,
      () =>
        recordAgreement(actor, {
          intentId: intent.id,
          title: v.title,
          kind: v.kind,
          amountWan: v.amount,
          signedOn: v.signedOn,
          signedOnStage: v.signedOnStage,
          eventId: v.eventId ?? null,
          documentRef: v.documentRef,
          idempotencyKey: v.idempotencyKey,
        }),
      "pipeline.agreements.created",
    );
  }
  throw new Response("Bad request", { status: 400 });
}

export default function IntentRoute() {
  const { t, i18n } = useTranslation();
  const { intent, agreements, events, staff, today, agreementKey } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const when = (d: string | Date) => new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(d));
  const title = t("pipeline.intents.detailTitle", { ref: intent.ref ?? `#${intent.id}` });

  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <Stack gap={4}>
        <Anchor component={Link} to="/intents" size="sm">
          ← {t("pipeline.intents.title")}
        </Anchor>
        <Group gap="sm" align="center">
          <Title order={1}>{title}</Title>
          <Badge size="lg" color={STAGE_COLORS[intent.stage]} variant="filled">
            {t(`pipeline.stages.${intent.stage}`)}
          </Badge>
        </Group>
        <Text size="lg">
          <Anchor component={Link} to={`/orgs/${intent.enterprise.id}`}>
            {intent.enterprise.name}
          </Anchor>
          {" × "}
          <Anchor component={Link} to={`/orgs/${intent.institution.id}`}>
            {intent.institution.name}
          </Anchor>
        </Text>
      </Stack>

      <Paper withBorder p="lg" radius="md" component="section" aria-label={t("pipeline.fields.summary")}>
        <Stack gap="sm">
          {intent.summary ? <Text style={{ whiteSpace: "pre-wrap" }}>{intent.summary}</Text> : null}
          {intent.stage === "dropped" && intent.droppedReason ? (
            <Alert color="red" variant="light" icon={<IconAlertCircle aria-hidden />}>
              {t("pipeline.intents.droppedBecause", { reason: intent.droppedReason })}
            </Alert>
          ) : null}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" component="dl" m={0}>
            <Fact label={t("pipeline.fields.expert")}>
              {intent.expert ? <Anchor component={Link} to={`/experts/${intent.expert.id}`}>{intent.expert.name}</Anchor> : t("pipeline.fields.none")}
            </Fact>
            <Fact label={t("pipeline.fields.event")}>
              {intent.event ? <Anchor component={Link} to={`/events/${intent.event.ref ?? intent.event.id}`}>{intent.event.name}</Anchor> : t("pipeline.fields.none")}
            </Fact>
            <Fact label={t("pipeline.fields.need")}>
              {intent.need ? <Anchor component={Link} to={`/needs/${intent.need.ref ?? intent.need.id}`}>{intent.need.title}</Anchor> : t("pipeline.fields.none")}
            </Fact>
            <Fact label={t("pipeline.fields.result")}>
              {intent.result ? <Anchor component={Link} to={`/results/${intent.result.ref ?? intent.result.id}`}>{intent.result.title}</Anchor> : t("pipeline.fields.none")}
            </Fact>
            <Fact label={t("pipeline.fields.createdAt")}>{formatDate(intent.createdAt, i18n.language)}</Fact>
            <Fact label={t("pipeline.fields.createdBy")}>{intent.createdBy ?? t("pipeline.intents.someone")}</Fact>
          </SimpleGrid>
        </Stack>
      </Paper>

      {intent.canChange ? <EditForm intent={intent} events={events} reply={reply?.form === "edit" ? reply.result : undefined} /> : null}
      {intent.canChange ? <StageForms intent={intent} reply={reply} /> : <Text c="dimmed">{t("pipeline.intents.readOnly")}</Text>}

      <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="history-title">
        <Title order={2} size="h3" id="history-title" mb="md">
          {t("pipeline.intents.history")}
        </Title>
        <Timeline active={intent.history.length - 1} bulletSize={18} lineWidth={2}>
          {intent.history.map((h) => (
            <Timeline.Item
              key={h.id}
              title={h.from ? t("pipeline.intents.historyMove", { from: t(`pipeline.stages.${h.from}`), to: t(`pipeline.stages.${h.to}`) }) : t("pipeline.intents.historyCreated", { to: t(`pipeline.stages.${h.to}`) })}
            >
              <Text size="sm" c="dimmed">
                {t("pipeline.intents.historyBy", { who: h.by ?? t("pipeline.intents.someone"), when: when(h.at) })}
              </Text>
              {h.note ? <Text size="sm">{h.note}</Text> : null}
            </Timeline.Item>
          ))}
        </Timeline>
      </Paper>

      <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="agreements-title">
        <Title order={2} size="h3" id="agreements-title" mb="md">
          {t("pipeline.intents.agreements")}
        </Title>
        {agreements.length ? (
          <Table.ScrollContainer minWidth={600}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("pipeline.fields.title")}</Table.Th>
                  <Table.Th scope="col">{t("pipeline.fields.kind")}</Table.Th>
                  <Table.Th scope="col">{t("pipeline.fields.amount")}</Table.Th>
                  <Table.Th scope="col">{t("pipeline.fields.signedOn")}</Table.Th>
                  <Table.Th scope="col">{t("pipeline.fields.documentRef")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {agreements.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>
                      {a.title}
                      {a.signedOnStage ? (
                        <Badge ml="xs" size="sm" variant="filled" color="grape.9" miw="max-content">
                          {t("pipeline.agreements.onStage")}
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>{t(`pipeline.kinds.${a.kind}`)}</Table.Td>
                    <Table.Td>{a.amountWan}</Table.Td>
                    <Table.Td>{a.signedOn}</Table.Td>
                    <Table.Td>{a.documentRef ?? "—"}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : (
          <Text c="dimmed">{t("pipeline.intents.noAgreements")}</Text>
        )}
        {intent.canChange && intent.stage !== "dropped" ? (
          <AgreementForm
            reply={reply?.form === "agreement" ? reply.result : undefined}
            events={events}
            defaultEventId={intent.event?.id ?? null}
            staff={staff}
            today={today}
            idempotencyKey={agreementKey}
          />
        ) : null}
      </Paper>
    </Stack>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text component="dt" size="xs" c="dimmed">
        {label}
      </Text>
      <Text component="dd" m={0}>
        {children}
      </Text>
    </div>
  );
}

type LoadedIntent = ReturnType<typeof useLoaderData<typeof loader>>["intent"];

function StageForms({ intent, reply }: { intent: LoadedIntent; reply: Reply | undefined }) {
  const { t } = useTranslation();
  const isPending = useIsPending();
  const errorOf = useFieldError();
  const moves = MOVES[intent.stage];
  // After a refused submission (also without JavaScript) the form shows the stage that was chosen,
  // so a drop without a reason keeps its reason field and the message on it.
  const submitted = reply?.form === "move" ? reply.result.initialValue?.to : undefined;
  const [to, setTo] = useState<string>(typeof submitted === "string" && (moves as readonly string[]).includes(submitted) ? submitted : (moves[0] ?? ""));
  const [moveForm, moveFields] = useForm({
    id: `move-${intent.version}`,
    lastResult: reply?.form === "move" ? reply.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MoveSchema }),
    shouldValidate: "onSubmit",
  });
  const [reopenForm, reopenFields] = useForm({
    id: `reopen-${intent.version}`,
    lastResult: reply?.form === "reopen" ? reply.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ReopenSchema }),
    shouldValidate: "onSubmit",
  });

  if (intent.stage === "completed") return <Text c="dimmed">{t("pipeline.intents.final")}</Text>;
  if (intent.stage === "dropped") {
    return (
      <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="reopen-title">
        <Title order={2} size="h3" id="reopen-title" mb="md">
          {t("pipeline.intents.reopen")}
        </Title>
        <Form method="post" {...getFormProps(reopenForm)}>
          <Stack gap="sm">
            <FormErrors form={reopenForm} />
            <input type="hidden" name="intent" value="reopen" />
            <input type="hidden" name="version" value={intent.version} />
            <NativeSelect
              id={reopenFields.to.id}
              name={reopenFields.to.name}
              label={t("pipeline.intents.reopenTo")}
              data={REOPEN_TO.map((s) => ({ value: s, label: t(`pipeline.stages.${s}`) }))}
              error={errorOf(reopenFields.to)}
            />
            <Textarea id={reopenFields.note.id} name={reopenFields.note.name} label={t("pipeline.fields.note")} error={errorOf(reopenFields.note)} autosize minRows={2} />
            <Group>
              <Button type="submit" loading={isPending}>
                {t("pipeline.intents.reopen")}
              </Button>
            </Group>
          </Stack>
        </Form>
      </Paper>
    );
  }
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="move-title">
      <Title order={2} size="h3" id="move-title" mb="md">
        {t("pipeline.intents.changeStage")}
      </Title>
      <Form method="post" {...getFormProps(moveForm)}>
        <Stack gap="sm">
          <FormErrors form={moveForm} />
          <input type="hidden" name="intent" value="move" />
          <input type="hidden" name="version" value={intent.version} />
          <NativeSelect
            id={moveFields.to.id}
            name={moveFields.to.name}
            label={t("pipeline.intents.moveTo")}
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            data={moves.map((s) => ({ value: s, label: t(`pipeline.stages.${s}`) }))}
            error={errorOf(moveFields.to)}
          />
          {to === "dropped" ? (
            <Textarea
              id={moveFields.reason.id}
              name={moveFields.reason.name}
              label={t("pipeline.fields.reason")}
              withAsterisk
              error={errorOf(moveFields.reason)}
              aria-invalid={moveFields.reason.errors?.length ? true : undefined}
              autosize
              minRows={2}
            />
          ) : (
            <Textarea id={moveFields.note.id} name={moveFields.note.name} label={t("pipeline.fields.note")} error={errorOf(moveFields.note)} autosize minRows={2} />
          )}
          <Group>
            <Button type="submit" loading={isPending}>
              {t("pipeline.intents.move")}
            </Button>
          </Group>
        </Stack>
      </Form>
    </Paper>
  );
}

/** Corrections to the summary and the event, folded away (a plain <details>: no JavaScript needed). */
function EditForm({
  intent,
  events,
  reply,
}: {
  intent: LoadedIntent;
  events: { id: number; name: string; starts_on: string }[];
  reply: SubmissionResult<string[]> | undefined;
}) {
  const { t } = useTranslation();
  const isPending = useIsPending();
  const errorOf = useFieldError();
  const [form, fields] = useForm({
    id: `edit-${intent.version}`,
    lastResult: reply,
    defaultValue: { summary: intent.summary, eventId: intent.event ? String(intent.event.id) : "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: EditIntentSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <Paper withBorder p="lg" radius="md" component="details" open={reply !== undefined}>
      <Text component="summary" fw={600} style={{ cursor: "pointer" }}>
        {t("pipeline.intents.edit")}
      </Text>
      <Form method="post" {...getFormProps(form)}>
        <Stack gap="sm" mt="md">
          <FormErrors form={form} />
          <input type="hidden" name="intent" value="edit" />
          <input type="hidden" name="version" value={intent.version} />
          <Textarea
            id={fields.summary.id}
            name={fields.summary.name}
            defaultValue={intent.summary}
            label={t("pipeline.fields.summary")}
            error={errorOf(fields.summary)}
            aria-invalid={fields.summary.errors?.length ? true : undefined}
            autosize
            minRows={3}
          />
          <NativeSelect
            id={fields.eventId.id}
            name={fields.eventId.name}
            defaultValue={intent.event ? String(intent.event.id) : ""}
            label={t("pipeline.fields.event")}
            error={errorOf(fields.eventId)}
            data={[{ value: "", label: t("pipeline.fields.none") }, ...events.map((e) => ({ value: String(e.id), label: `${e.starts_on.slice(0, 4)} ${e.name}` }))]}
          />
          <Group>
            <Button type="submit" variant="light" loading={isPending}>
              {t("pipeline.intents.saveEdit")}
            </Button>
          </Group>
        </Stack>
      </Form>
    </Paper>
  );
}

function AgreementForm({
  reply,
  events,
  defaultEventId,
  staff,
  today,
  idempotencyKey,
}: {
  reply: SubmissionResult<string[]> | undefined;
  events: { id: number; name: string; starts_on: string }[];
  defaultEventId: number | null;
  staff: boolean;
  today: string;
  idempotencyKey: string;
}) {
  const { t } = useTranslation();
  const isPending = useIsPending();
  const errorOf = useFieldError();
  const [form, fields] = useForm({
    id: "agreement",
    lastResult: reply,
    defaultValue: { kind: "技术服务", eventId: defaultEventId ? String(defaultEventId) : "", signedOn: today },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AgreementSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const text = (f: { id: string; name: string; key?: string; initialValue?: unknown; errors?: string[] }) => ({
    id: f.id,
    name: f.name,
    key: f.key,
    defaultValue: typeof f.initialValue === "string" ? f.initialValue : undefined,
    error: errorOf(f),
    "aria-invalid": f.errors?.length ? true : undefined,
  });
  return (
    <Stack mt="lg" gap="sm">
      <Title order={3} size="h4" id="agreement-form-title">
        {t("pipeline.agreements.record")}
      </Title>
      <Text size="sm" c="dimmed">
        {t("pipeline.agreements.recordIntro")}
      </Text>
      <Form method="post" {...getFormProps(form)} aria-labelledby="agreement-form-title">
        <Stack gap="sm">
          <FormErrors form={form} />
          <input type="hidden" name="intent" value="agreement" />
          <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
          <TextInput {...text(fields.title)} label={t("pipeline.fields.title")} withAsterisk />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NativeSelect {...text(fields.kind)} label={t("pipeline.fields.kind")} data={AGREEMENT_KINDS.map((k) => ({ value: k, label: t(`pipeline.kinds.${k}`) }))} />
            <TextInput {...text(fields.amount)} label={t("pipeline.fields.amount")} description={t("pipeline.fields.amountHelp")} inputMode="decimal" withAsterisk />
            <TextInput {...text(fields.signedOn)} type="date" max={today} min="2000-01-01" label={t("pipeline.fields.signedOn")} withAsterisk />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NativeSelect
              {...text(fields.eventId)}
              label={t("pipeline.fields.event")}
              data={[{ value: "", label: t("pipeline.fields.none") }, ...events.map((e) => ({ value: String(e.id), label: `${e.starts_on.slice(0, 4)} ${e.name}` }))]}
            />
            <TextInput {...text(fields.documentRef)} label={t("pipeline.fields.documentRef")} />
          </SimpleGrid>
          {staff ? (
            <Checkbox
              id={fields.signedOnStage.id}
              name={fields.signedOnStage.name}
              label={t("pipeline.fields.signedOnStage")}
              error={errorOf(fields.signedOnStage)}
            />
          ) : null}
          <Group>
            <Button type="submit" loading={isPending}>
              {t("pipeline.agreements.save")}
            </Button>
          </Group>
        </Stack>
      </Form>
    </Stack>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, "pipeline.intents.detailTitle", { ref: data?.intent.ref ?? `#${data?.intent.id ?? ""}` });

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
