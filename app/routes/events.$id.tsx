import { parseWithZod } from "@conform-to/zod";
import { Anchor, Badge, Button, Card, Group, List, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ActionAlert } from "~/components/events/action-alert";
import { liveCounts } from "~/models/checkin.server";
import { requireEvent, setEventStatus } from "~/models/event.server";
import { myParticipations } from "~/models/event-participant.server";
import { getUser, requireUser } from "~/utils/auth.server";
import { actorOf, attempt, badForm, refused } from "~/utils/event-actions.server";
import { EVENT_MOVES, eventPath, EventStatusSchema, rangeLabel, type EventStatus } from "~/utils/events";
import { rootLocale } from "~/utils/meta";
import { getT } from "~/utils/i18n";
import { isStaff } from "~/utils/roles";
import { redirectWithToast } from "~/utils/toast.server";

// An event's page: what it is, the viewer's own registration (members), and for its organizers
// the management links, registration open/close and live figures. The schedule pages
// (events.$id_.schedule, my-schedule, print, ics) belong to the scheduler and are linked here.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const event = await requireEvent(user, params.id);
  const mine = user ? await myParticipations(user, event.id) : [];
  const counts = isStaff(user) ? await liveCounts(user, event.id) : null;
  return { event, mine, counts, signedIn: !!user };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireEvent(user, params.id);
  const formData = await request.formData();
  if (formData.get("intent") !== "status") throw new Response("Bad request", { status: 400 });
  const submission = parseWithZod(formData, { schema: EventStatusSchema });
  if (submission.status !== "success") return badForm("status", submission);
  const done = await attempt(() => setEventStatus(actorOf(user, context), { id: event.id, ...submission.value }));
  if (!done.ok) return refused("status", submission, done.problem);
  return redirectWithToast(eventPath(event), { description: "events.page.statusChanged" });
}

const MOVE_LABEL: Record<EventStatus, "events.page.open" | "events.page.close" | "events.page.finish" | "events.page.cancelEvent" | "events.page.reopen"> = {
  open: "events.page.open",
  closed: "events.page.close",
  finished: "events.page.finish",
  cancelled: "events.page.cancelEvent",
  draft: "events.page.reopen",
};

export default function EventRoute() {
  const { t } = useTranslation();
  const { event, mine, counts, signedIn } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const manage = event.access.manage;
  const links: { to: string; label: string }[] = manage
    ? [
        { to: eventPath(event, "/edit"), label: t("events.page.edit") },
        { to: eventPath(event, "/setup"), label: t("events.page.setup") },
        { to: eventPath(event, "/participants"), label: t("events.page.participants") },
        { to: eventPath(event, "/requests"), label: t("events.page.requests") },
        { to: eventPath(event, "/schedule"), label: t("events.page.schedule") },
        { to: eventPath(event, "/checkin"), label: t("events.page.checkin") },
        { to: eventPath(event, "/signing"), label: t("events.page.signing") },
        { to: eventPath(event, "/outcome"), label: t("events.page.outcome") },
      ]
    : event.access.staff
      ? [
          { to: eventPath(event, "/participants"), label: t("events.page.participants") },
          { to: eventPath(event, "/requests"), label: t("events.page.requests") },
          { to: eventPath(event, "/outcome"), label: t("events.page.outcome") },
        ]
      : [];
  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <Stack gap={6}>
        <Group gap="xs">
          <Badge variant="light">{t(`events.kinds.${event.kind}`)}</Badge>
          <Badge variant="filled" color={event.status === "open" ? "teal.9" : "blue.8"}>
            {t(`events.statuses.${event.status}`)}
          </Badge>
        </Group>
        <Title order={1}>{event.name}</Title>
        <Text c="dimmed">
          {t("events.page.dates")}: {event.startsOn === event.endsOn ? event.startsOn : `${event.startsOn} – ${event.endsOn}`}
          {event.city || event.venue ? ` · ${t("events.page.place")}: ${[event.city, event.venue].filter(Boolean).join(" ")}` : ""}
        </Text>
        {event.organizers.length ? (
          <Text size="sm" c="dimmed">
            {t("events.page.organizers")}: {event.organizers.map((o) => o.name).join("、")}
          </Text>
        ) : null}
        {event.description ? <Text style={{ whiteSpace: "pre-wrap" }}>{event.description}</Text> : null}
      </Stack>

      {links.length ? (
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="manage-title">
          <Title order={2} size="h3" id="manage-title" mb="sm">
            {t("events.page.manage")}
          </Title>
          <Group gap="xs" component="nav" aria-label={t("events.page.manage")}>
            {links.map((l) => (
              <Button key={l.to} component={Link} to={l.to} variant="light" size="compact-md">
                {l.label}
              </Button>
            ))}
          </Group>
          {counts ? (
            <Text size="sm" mt="sm">
              {t("events.page.counts", counts)}
            </Text>
          ) : null}
          {manage && EVENT_MOVES[event.status].length ? (
            <Stack mt="md" gap="xs">
              <ActionAlert reply={reply} intent="status" />
              <Group gap="xs">
                {EVENT_MOVES[event.status].map((s) => (
                  <Form method="post" key={s}>
                    <input type="hidden" name="intent" value="status" />
                    <input type="hidden" name="version" value={event.version} />
                    <input type="hidden" name="status" value={s} />
                    <Button type="submit" variant={s === "cancelled" ? "subtle" : "default"} color={s === "cancelled" ? "red" : undefined} size="compact-md">
                      {t(event.status === "closed" && s === "open" ? "events.page.reopen" : MOVE_LABEL[s])}
                    </Button>
                  </Form>
                ))}
              </Group>
            </Stack>
          ) : null}
        </Paper>
      ) : null}

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="mine-title">
        <Title order={2} size="h3" id="mine-title" mb="sm">
          {t("events.page.mine")}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {event.status === "open" ? t("events.page.registrationOpen") : t("events.page.registrationNotOpen")}
        </Text>
        {!signedIn ? (
          <Text>
            <Anchor component={Link} to={`/login?redirectTo=${encodeURIComponent(eventPath(event))}`}>
              {t("events.page.signIn")}
            </Anchor>
          </Text>
        ) : (
          <Stack>
            {mine.length === 0 ? <Text>{t("events.page.notRegistered")}</Text> : null}
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {mine.map((p) => (
                <Card key={p.id} withBorder padding="sm">
                  <Group justify="space-between" wrap="nowrap">
                    <Text fw={600}>{p.name}</Text>
                    <Badge variant="light">{t(`events.participantStatuses.${p.status}`)}</Badge>
                  </Group>
                  {p.kind === "expert" ? <Text size="sm" c="dimmed">{p.orgName}</Text> : null}
                  <List size="sm" mt="xs" spacing={2}>
                    <List.Item>
                      {t("events.page.code")}: <Text span ff="monospace" fw={700}>{p.checkinCode}</Text>
                    </List.Item>
                    {p.lookingFor ? <List.Item>{t("events.page.lookingFor")}: {p.lookingFor}</List.Item> : null}
                    <List.Item>
                      {t("events.page.availability")}:{" "}
                      {p.availability.length ? p.availability.map((a) => rangeLabel(a.startsAt, a.endsAt)).join("，") : t("events.page.wholeEvent")}
                    </List.Item>
                  </List>
                </Card>
              ))}
            </SimpleGrid>
            <Group gap="xs">
              {event.status === "open" || mine.length ? (
                <Button component={Link} to={eventPath(event, "/register")} variant={mine.length ? "default" : "filled"}>
                  {mine.length ? t("events.page.editRegistration") : t("events.page.register")}
                </Button>
              ) : null}
              {mine.length ? (
                <>
                  <Button component={Link} to={eventPath(event, "/requests")} variant="default">
                    {t("events.page.requests")}
                  </Button>
                  {event.schedulePublishedAt ? (
                    <Button component={Link} to={eventPath(event, "/my-schedule")} variant="default">
                      {t("events.page.mySchedule")}
                    </Button>
                  ) : null}
                </>
              ) : null}
            </Group>
          </Stack>
        )}
      </Paper>
    </Stack>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = getT(rootLocale(matches));
  return [{ title: `${data?.event.name ?? t("events.list.title")} · ${t("common.brand")}` }];
};

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
