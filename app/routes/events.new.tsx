import { parseWithZod } from "@conform-to/zod";
import { Stack, Title } from "@mantine/core";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EventForm } from "~/components/events/event-form";
import { createEvent } from "~/models/event.server";
import { requireRole } from "~/utils/auth.server";
import { actorOf, attempt, badForm, refused } from "~/utils/event-actions.server";
import { eventPath, NewEventSchema } from "~/utils/events";
import { pageTitle } from "~/utils/meta";
import { STAFF_ROLES } from "~/utils/roles";
import { redirectWithToast } from "~/utils/toast.server";

// Schema: NewEventSchema (~/utils/events). Organizers and admins create events; the model checks again.

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, STAFF_ROLES);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, STAFF_ROLES);
  const submission = parseWithZod(await request.formData(), { schema: NewEventSchema });
  if (submission.status !== "success") return badForm("create", submission);
  const done = await attempt(() => createEvent(actorOf(user, context), submission.value));
  if (!done.ok) return refused("create", submission, done.problem);
  return redirectWithToast(eventPath(done.value, "/setup"), { description: "events.form.created" });
}

export default function NewEventRoute() {
  const { t } = useTranslation();
  const reply = useActionData<typeof action>();
  return (
    <Stack maw={800} mx="auto">
      <Title order={1}>{t("events.form.newTitle")}</Title>
      <EventForm mode="new" defaults={null} lastResult={reply?.result} cancelTo="/events" />
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "events.form.newTitle");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
