import { parseWithZod } from "@conform-to/zod";
import { Anchor, Badge, Button, Group, NativeSelect, Paper, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ActionAlert } from "~/components/events/action-alert";
import { requireEvent } from "~/models/event.server";
import {
  myParticipations,
  registerParticipant,
  registrableParties,
  updateRegistration,
  withdrawRegistration,
  type Participant,
} from "~/models/event-participant.server";
import { requireUser } from "~/utils/auth.server";
import { actorOf, attempt, badForm, refused } from "~/utils/event-actions.server";
import { eventDays, eventPath, localParts, RegisterSchema, UpdateRegistrationSchema, WithdrawSchema } from "~/utils/events";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// Registration: members register their organization or its experts, say what they are looking
// for and when they can meet; they edit or withdraw it later. Schemas: RegisterSchema,
// UpdateRegistrationSchema, WithdrawSchema (~/utils/events). The model decides who may.

const AVAIL_ROWS = 3;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireEvent(user, params.id);
  const [mine, parties] = await Promise.all([myParticipations(user, event.id), registrableParties(user, event.id)]);
  return { event, mine, parties, days: eventDays(event.startsOn, event.endsOn) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireEvent(user, params.id);
  const actor = actorOf(user, context);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  if (intent === "register") {
    const s = parseWithZod(formData, { schema: RegisterSchema });
    if (s.status !== "success") return badForm(intent, s);
    const { intent: _i, ...input } = s.value;
    const done = await attempt(() => registerParticipant(actor, { ...input, eventId: event.id }));
    if (!done.ok) return refused(intent, s, done.problem);
    return redirectWithToast(eventPath(event), { description: done.value.status === "approved" ? "events.register.registeredApproved" : "events.register.registered" });
  }
  if (intent === "updateRegistration") {
    const s = parseWithZod(formData, { schema: UpdateRegistrationSchema });
    if (s.status !== "success") return badForm(`${intent}:${String(formData.get("participantId"))}`, s);
    const { intent: _i, ...input } = s.value;
    const done = await attempt(() => updateRegistration(actor, { ...input, eventId: event.id }));
    if (!done.ok) return refused(`${intent}:${input.participantId}`, s, done.problem);
    return redirectWithToast(eventPath(event), { description: "events.register.saved" });
  }
  if (intent === "withdraw") {
    const s = parseWithZod(formData, { schema: WithdrawSchema });
    if (s.status !== "success") return badForm(intent, s);
    const done = await attempt(() => withdrawRegistration(actor, { eventId: event.id, participantId: s.value.participantId, version: s.value.version }));
    if (!done.ok) return refused(intent, s, done.problem);
    return redirectWithToast(eventPath(event), { description: "events.register.withdrawn" });
  }
  throw new Response("Bad request", { status: 400 });
}

function RegistrationFields({ days, p }: { days: string[]; p: Participant | null }) {
  const { t } = useTranslation();
  const rows = Array.from({ length: Math.max(AVAIL_ROWS, p?.availability.length ?? 0) }, (_, i) => {
    const a = p?.availability[i];
    return a ? { day: localParts(a.startsAt).day, from: localParts(a.startsAt).time, to: localParts(a.endsAt).time } : { day: "", from: "", to: "" };
  });
  return (
    <>
      <Textarea name="lookingFor" label={t("events.register.lookingFor")} placeholder={t("events.register.lookingForHint")} defaultValue={p?.lookingFor ?? ""} autosize minRows={2} />
      <Group grow>
        <TextInput name="contactName" label={t("events.register.contactName")} defaultValue={p?.contactName ?? ""} />
        <TextInput name="contactPhone" label={t("events.register.contactPhone")} defaultValue={p?.contactPhone ?? ""} />
      </Group>
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend>
          <Text fw={500} size="sm">
            {t("events.register.availability")}
          </Text>
        </legend>
        <Text size="xs" c="dimmed" mb={4}>
          {t("events.register.availabilityHint")}
        </Text>
        <Stack gap={4}>
          {rows.map((r, i) => (
            <Group key={i} gap="xs" wrap="nowrap">
              <NativeSelect
                name={`avail[${i}].day`}
                aria-label={`${t("events.register.day")} ${i + 1}`}
                defaultValue={r.day}
                data={[{ value: "", label: "—" }, ...days.map((d) => ({ value: d, label: d }))]}
              />
              <TextInput name={`avail[${i}].from`} aria-label={`${t("events.register.from")} ${i + 1}`} placeholder="09:00" defaultValue={r.from} w={90} />
              <Text aria-hidden>–</Text>
              <TextInput name={`avail[${i}].to`} aria-label={`${t("events.register.to")} ${i + 1}`} placeholder="12:00" defaultValue={r.to} w={90} />
            </Group>
          ))}
        </Stack>
      </fieldset>
    </>
  );
}

export default function RegisterRoute() {
  const { t } = useTranslation();
  const { event, mine, parties, days } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const open = parties.filter((p) => p.participantId === null || p.status === "invited" || p.status === "withdrawn");
  return (
    <Stack maw={800} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("events.register.title", { name: event.name })}</Title>
        <Text c="dimmed">
          <Anchor component={Link} to={eventPath(event)}>
            {event.name}
          </Anchor>
        </Text>
      </Stack>
      {mine
        .filter((p) => p.status !== "withdrawn" && p.status !== "rejected")
        .map((p) => (
          <Paper key={p.id} withBorder p="md" radius="md" component="section" aria-labelledby={`reg-${p.id}`}>
            <Group justify="space-between" mb="sm">
              <Title order={2} size="h4" id={`reg-${p.id}`}>
                {p.name}
              </Title>
              <Badge variant="light">{t(`events.participantStatuses.${p.status}`)}</Badge>
            </Group>
            <Form method="post">
              <input type="hidden" name="intent" value="updateRegistration" />
              <input type="hidden" name="participantId" value={p.id} />
              <input type="hidden" name="version" value={p.version} />
              <Stack gap="sm">
                <ActionAlert reply={reply} intent={`updateRegistration:${p.id}`} />
                <RegistrationFields days={days} p={p} />
                <Group>
                  <Button type="submit">{t("events.register.save")}</Button>
                </Group>
              </Stack>
            </Form>
            {p.status === "registered" || p.status === "approved" || p.status === "invited" ? (
              <Form method="post" style={{ marginTop: 8 }}>
                <input type="hidden" name="intent" value="withdraw" />
                <input type="hidden" name="participantId" value={p.id} />
                <input type="hidden" name="version" value={p.version} />
                <Button type="submit" variant="subtle" color="red" size="compact-sm">
                  {t("events.register.withdraw")}
                </Button>
              </Form>
            ) : null}
          </Paper>
        ))}
      <ActionAlert reply={reply} intent="withdraw" />
      {parties.length === 0 ? (
        <Text>{t("events.register.noParties")}</Text>
      ) : open.length ? (
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="new-reg">
          <Title order={2} size="h4" id="new-reg" mb="sm">
            {t("events.page.register")}
          </Title>
          <Form method="post">
            <input type="hidden" name="intent" value="register" />
            <Stack gap="sm">
              <ActionAlert reply={reply} intent="register" />
              <NativeSelect
                name="party"
                label={t("events.register.party")}
                description={t("events.register.partyHint")}
                data={open.map((p) => ({ value: p.value, label: p.kind === "expert" ? `${p.name}（${p.orgName}）` : p.name }))}
              />
              <RegistrationFields days={days} p={null} />
              <Group>
                <Button type="submit">{t("events.register.submit")}</Button>
              </Group>
            </Stack>
          </Form>
        </Paper>
      ) : null}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "events.page.register");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
