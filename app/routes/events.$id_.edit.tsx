import { parseWithZod } from "@conform-to/zod";
import { Anchor, Button, Group, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ActionAlert } from "~/components/events/action-alert";
import { EventForm } from "~/components/events/event-form";
import { addEventOrganizer, requireManagedEvent, updateEvent } from "~/models/event.server";
import { requireUser } from "~/utils/auth.server";
import { actorOf, attempt, badForm, refused } from "~/utils/event-actions.server";
import { AddOrganizerSchema, EditEventSchema, eventPath } from "~/utils/events";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// Schemas: EditEventSchema, AddOrganizerSchema (~/utils/events). The event's organizers and admins only (403).

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { event: await requireManagedEvent(user, params.id) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireManagedEvent(user, params.id);
  const formData = await request.formData();
  if (formData.get("intent") === "addOrganizer") {
    const s = parseWithZod(formData, { schema: AddOrganizerSchema });
    if (s.status !== "success") return badForm("addOrganizer", s);
    const added = await attempt(() => addEventOrganizer(actorOf(user, context), { eventId: event.id, email: s.value.email }));
    if (!added.ok) return refused("addOrganizer", s, added.problem);
    return redirectWithToast(eventPath(event, "/edit"), { description: "events.form.organizerAdded" });
  }
  if (formData.get("intent") !== "save") throw new Response("Bad request", { status: 400 });
  const submission = parseWithZod(formData, { schema: EditEventSchema });
  if (submission.status !== "success") return badForm("save", submission);
  const { intent: _intent, ...input } = submission.value;
  const done = await attempt(() => updateEvent(actorOf(user, context), { ...input, id: event.id }));
  if (!done.ok) return refused("save", submission, done.problem);
  return redirectWithToast(eventPath(event), { description: "events.form.saved" });
}

export default function EditEventRoute() {
  const { t } = useTranslation();
  const { event } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <Stack maw={800} mx="auto">
      <Stack gap={4}>
        <Title order={1}>{t("events.form.editTitle")}</Title>
        <Text c="dimmed">
          <Anchor component={Link} to={eventPath(event)}>
            {event.name}
          </Anchor>
        </Text>
      </Stack>
      <EventForm mode="edit" defaults={event} lastResult={reply?.intent === "save" ? reply.result : undefined} cancelTo={eventPath(event)} />
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="organizers-title">
        <Title order={2} size="h3" id="organizers-title" mb="xs">
          {t("events.form.organizersTitle")}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t("events.form.organizersHint")}
        </Text>
        <Text mb="sm">{event.organizers.map((o) => o.name).join("、")}</Text>
        <Form method="post">
          <input type="hidden" name="intent" value="addOrganizer" />
          <Stack gap="xs">
            <ActionAlert reply={reply} intent="addOrganizer" />
            <Group align="flex-end">
              <TextInput name="email" type="email" label={t("events.form.organizerEmail")} style={{ flex: 1 }} />
              <Button type="submit" variant="default">
                {t("events.form.addOrganizer")}
              </Button>
            </Group>
          </Stack>
        </Form>
      </Paper>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "events.form.editTitle");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
