import { Alert, Anchor, Button, Group, Stack, Text, Title } from "@mantine/core";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import scheduleCss from "~/components/schedule/schedule.css";
import { ParticipantSheet } from "~/components/schedule/sheets";
import { getMySchedule } from "~/models/schedule.server";
import { requireUser } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";

// A participant's own schedule (their organization's, or an expert's own): only once the
// organizers published it, and only their own (the model decides, getMySchedule).

export const links: LinksFunction = () => [{ rel: "stylesheet", href: scheduleCss }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { mine: await getMySchedule(user, params.id) };
}

export default function MyScheduleRoute() {
  const { t } = useTranslation();
  const { mine } = useLoaderData<typeof loader>();
  const eventPath = `/events/${mine.event.ref ?? mine.event.id}`;
  return (
    <Stack gap="lg" maw={960}>
      <Stack gap={4} className="no-print">
        <Title order={1}>{t("schedule.myTitle", { event: mine.event.name })}</Title>
        <Anchor component={Link} to={eventPath}>
          {t("schedule.backToEvent")}
        </Anchor>
      </Stack>
      {mine.state === "not_participant" ? <Alert color="gray">{t("schedule.my.notParticipant")}</Alert> : null}
      {mine.state === "unpublished" ? <Alert color="yellow">{t("schedule.my.notPublished")}</Alert> : null}
      {mine.state === "published"
        ? mine.schedules.map((s) => (
            <Stack key={s.participantId} gap="sm">
              <Group className="no-print" gap="sm">
                <Button component={Link} variant="light" to={`${eventPath}/print?participant=${s.participantId}`}>
                  {t("schedule.my.print")}
                </Button>
                <Button component="a" variant="light" href={`${eventPath}/ics?participant=${s.participantId}`}>
                  {t("schedule.my.ics")}
                </Button>
              </Group>
              {s.entries.length === 0 ? <Text>{t("schedule.my.none")}</Text> : null}
              <ParticipantSheet schedule={s} eventName={mine.event.name} />
            </Stack>
          ))
        : null}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "schedule.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
