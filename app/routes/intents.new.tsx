import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Anchor, Button, Group, Paper, Select, SimpleGrid, Stack, Text, Textarea, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrors, useFieldError } from "~/components/forms";
import { loadViewer, modelProblem } from "~/models/catalog.server";
import { createIntent, intentChoices, intentPrefill, ownSides, partyRecords } from "~/models/intent.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { problemReply } from "~/utils/catalog-actions.server";
import { pageTitle } from "~/utils/meta";
import { useIsPending } from "~/utils/misc";
import { intentPath, NewIntentSchema } from "~/utils/pipeline";
import { redirectWithToast } from "~/utils/toast.server";

// /intents/new: record a cooperation intent in a few fields, during or after a meeting.
// ?meeting=ID prefills the parties, event, need and result from the meeting; ?need=&result=&event=
// from those records. Schema: NewIntentSchema (~/utils/pipeline). The organization pickers search
// by name as you type (Mantine Select); the need/result/expert lists follow the chosen parties
// through a GET of this same loader (?enterprise=&institution=).

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const viewer = await loadViewer(user);
  const params = new URL(request.url).searchParams;
  const [choices, prefill, sides] = await Promise.all([intentChoices(viewer), intentPrefill(viewer, params), ownSides(user)]);
  // A member records intents of their own organization: when they belong to one side only, that
  // side's picker offers just their organizations (the model checks it either way).
  let enterprises: { id: number; name: string }[] = [...choices.enterprises];
  let institutions: { id: number; name: string }[] = [...choices.institutions];
  if (sides && sides.enterpriseIds.length && !sides.institutionIds.length) {
    enterprises = enterprises.filter((o) => sides.enterpriseIds.includes(o.id));
    prefill.enterpriseOrgId ??= sides.enterpriseIds.length === 1 ? sides.enterpriseIds[0] : undefined;
  } else if (sides && sides.institutionIds.length && !sides.enterpriseIds.length) {
    institutions = institutions.filter((o) => sides.institutionIds.includes(o.id));
    prefill.institutionOrgId ??= sides.institutionIds.length === 1 ? sides.institutionIds[0] : undefined;
  }
  const num = (name: string) => {
    const raw = params.get(name);
    return raw && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
  };
  const ent = num("enterprise") ?? prefill.enterpriseOrgId ?? null;
  const inst = num("institution") ?? prefill.institutionOrgId ?? null;
  const records = await partyRecords(viewer, ent, inst);
  return {
    enterprises,
    institutions,
    events: choices.events,
    prefill,
    records,
    fromMeeting: prefill.meetingId !== undefined,
    idempotencyKey: crypto.randomUUID(),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: NewIntentSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  try {
    const made = await createIntent({ ...user, ip: getClientIp(context) }, submission.value);
    return redirectWithToast(intentPath(made), { description: "pipeline.intents.created" });
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return data({ result: submission.reply(problemReply(problem)) }, { status: problem.status });
  }
}

const str = (v: number | undefined | null) => (v ? String(v) : null);

export default function NewIntentRoute() {
  const { t } = useTranslation();
  const loaded = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const fetcher = useFetcher<typeof loader>();
  const isPending = useIsPending();
  const errorOf = useFieldError();
  const { prefill } = loaded;
  const records = fetcher.data?.records ?? loaded.records;
  const [enterprise, setEnterprise] = useState<string | null>(str(prefill.enterpriseOrgId));
  const [institution, setInstitution] = useState<string | null>(str(prefill.institutionOrgId));

  const [form, fields] = useForm({
    id: "new-intent",
    lastResult: reply?.result,
    defaultValue: {
      enterpriseOrgId: str(prefill.enterpriseOrgId) ?? "",
      institutionOrgId: str(prefill.institutionOrgId) ?? "",
      needId: str(prefill.needId) ?? "",
      resultId: str(prefill.resultId) ?? "",
      expertId: str(prefill.expertId) ?? "",
      eventId: str(prefill.eventId) ?? "",
      meetingId: str(prefill.meetingId) ?? "",
      summary: "",
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewIntentSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });

  function reload(ent: string | null, inst: string | null) {
    const q = new URLSearchParams();
    if (ent) q.set("enterprise", ent);
    if (inst) q.set("institution", inst);
    fetcher.load(`/intents/new?${q}`);
  }

  const common = { searchable: true, nothingFoundMessage: t("pipeline.intents.noResultsFound"), comboboxProps: { withinPortal: true } };

  return (
    <Stack maw={900} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("pipeline.intents.newTitle")}</Title>
        <Text c="dimmed">{t("pipeline.intents.newIntro")}</Text>
        {loaded.fromMeeting ? <Text size="sm">{t("pipeline.intents.prefilledFrom")}</Text> : null}
      </Stack>
      <Paper withBorder p="lg" radius="md">
        <Form method="post" {...getFormProps(form)}>
          <Stack gap="md">
            <FormErrors form={form} />
            <input type="hidden" name="idempotencyKey" value={loaded.idempotencyKey} />
            <input type="hidden" name={fields.meetingId.name} value={str(prefill.meetingId) ?? ""} />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                {...common}
                id={fields.enterpriseOrgId.id}
                name={fields.enterpriseOrgId.name}
                label={t("pipeline.fields.enterprise")}
                description={t("pipeline.fields.enterpriseHelp")}
                placeholder={t("pipeline.intents.pickOrg")}
                withAsterisk
                data={loaded.enterprises.map((o) => ({ value: String(o.id), label: o.name }))}
                value={enterprise}
                onChange={(v) => {
                  setEnterprise(v);
                  reload(v, institution);
                }}
                error={errorOf(fields.enterpriseOrgId)}
              />
              <Select
                {...common}
                id={fields.institutionOrgId.id}
                name={fields.institutionOrgId.name}
                label={t("pipeline.fields.institution")}
                description={t("pipeline.fields.institutionHelp")}
                placeholder={t("pipeline.intents.pickOrg")}
                withAsterisk
                data={loaded.institutions.map((o) => ({ value: String(o.id), label: o.name }))}
                value={institution}
                onChange={(v) => {
                  setInstitution(v);
                  reload(enterprise, v);
                }}
                error={errorOf(fields.institutionOrgId)}
              />
              <Select
                {...common}
                key={`need-${enterprise}`}
                id={fields.needId.id}
                name={fields.needId.name}
                label={t("pipeline.fields.need")}
                clearable
                defaultValue={enterprise === str(prefill.enterpriseOrgId) ? str(prefill.needId) : null}
                data={records.needs.map((n) => ({ value: String(n.id), label: n.ref ? `${n.ref} ${n.title}` : n.title }))}
                error={errorOf(fields.needId)}
              />
              <Select
                {...common}
                key={`result-${institution}`}
                id={fields.resultId.id}
                name={fields.resultId.name}
                label={t("pipeline.fields.result")}
                clearable
                defaultValue={institution === str(prefill.institutionOrgId) ? str(prefill.resultId) : null}
                data={records.results.map((r) => ({ value: String(r.id), label: r.ref ? `${r.ref} ${r.title}` : r.title }))}
                error={errorOf(fields.resultId)}
              />
              <Select
                {...common}
                key={`expert-${institution}`}
                id={fields.expertId.id}
                name={fields.expertId.name}
                label={t("pipeline.fields.expert")}
                clearable
                defaultValue={institution === str(prefill.institutionOrgId) ? str(prefill.expertId) : null}
                data={records.experts.map((x) => ({ value: String(x.id), label: x.name }))}
                error={errorOf(fields.expertId)}
              />
              <Select
                {...common}
                id={fields.eventId.id}
                name={fields.eventId.name}
                label={t("pipeline.fields.event")}
                clearable
                defaultValue={str(prefill.eventId)}
                data={loaded.events.map((e) => ({ value: String(e.id), label: `${e.starts_on.slice(0, 4)} ${e.name}` }))}
                error={errorOf(fields.eventId)}
              />
            </SimpleGrid>
            <Textarea
              id={fields.summary.id}
              name={fields.summary.name}
              key={fields.summary.key}
              defaultValue={fields.summary.initialValue ?? ""}
              label={t("pipeline.fields.summary")}
              description={t("pipeline.fields.summaryHelp")}
              error={errorOf(fields.summary)}
              aria-invalid={fields.summary.errors?.length ? true : undefined}
              autosize
              minRows={3}
              maxRows={12}
            />
            <Group>
              <Button type="submit" loading={isPending}>
                {t("pipeline.intents.create")}
              </Button>
              <Anchor component={Link} to="/intents">
                {t("common.actions.cancel")}
              </Anchor>
            </Group>
          </Stack>
        </Form>
      </Paper>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "pipeline.intents.newTitle");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
