import { parseWithZod } from "@conform-to/zod";
import { Anchor, Stack, Text, Title } from "@mantine/core";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventForm } from "~/components/events/event-form";
import { requireManagedEvent, updateEvent } from "~/models/event.server";
import { requireUser } from "~/utils/auth.server";
import { actorOf, attempt, badForm, refused } from "~/utils/event-actions.server";
import { EditEventSchema, eventPath } from "~/utils/events";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// Schema: EditEventSchema (~/utils/events). The event's organizers and admins only (403).

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { event: await requireManagedEvent(user, params.id) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireManagedEvent(user, params.id);
  const formData = await request.formData();
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
      <EventForm mode="edit" defaults={event} lastResult={reply?.result} cancelTo={eventPath(event)} />
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "events.form.editTitle");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
