import { Anchor, Button, Group, NativeSelect, Stack, Text, Title } from "@mantine/core";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import scheduleCss from "~/components/schedule/schedule.css";
import { ParticipantSheet, TableSheet } from "~/components/schedule/sheets";
import { getParticipantSchedule, getScheduleBoard, getTableSchedule } from "~/models/schedule.server";
import { requireUser } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";

// Printable schedules (print CSS in schedule.css): ?participant=ID — one participant's meetings
// with the check-in code; ?table=ID — one table's meetings, to lay on the table; ?all=tables or
// ?all=participants — every sheet, one per page. Without a parameter, managers choose.
// A participant may print only their own, once published (the model decides).

export const links: LinksFunction = () => [{ rel: "stylesheet", href: scheduleCss }];

function positiveId(raw: string | null): number | null {
  if (raw === null) return null;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Response("Bad request", { status: 400 });
  return n;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const sp = new URL(request.url).searchParams;
  const participant = positiveId(sp.get("participant"));
  const table = positiveId(sp.get("table"));
  const all = sp.get("all");
  if (participant !== null) {
    const { event, schedule } = await getParticipantSchedule(user, params.id, participant);
    return { mode: "participants" as const, event, participants: [schedule], tables: [], choose: null };
  }
  if (table !== null) {
    const { event, schedule } = await getTableSchedule(user, params.id, table);
    return { mode: "tables" as const, event, participants: [], tables: [schedule], choose: null };
  }
  const board = await getScheduleBoard(user, params.id); // staff only
  if (all === "tables") {
    const sheets = [];
    for (const tb of board.tables) sheets.push((await getTableSchedule(user, params.id, tb.id)).schedule);
    return { mode: "tables" as const, event: board.event, participants: [], tables: sheets, choose: null };
  }
  if (all === "participants") {
    const sheets = [];
    for (const p of board.participants) sheets.push((await getParticipantSchedule(user, params.id, p.id)).schedule);
    return { mode: "participants" as const, event: board.event, participants: sheets, tables: [], choose: null };
  }
  return { mode: "choose" as const, event: board.event, participants: [], tables: [], choose: { participants: board.participants, tables: board.tables } };
}

export default function PrintRoute() {
  const { t } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const eventPath = `/events/${d.event.ref ?? d.event.id}`;
  return (
    <Stack gap="lg">
      <Group className="no-print" gap="md">
        <Title order={1}>{t("schedule.printTitle", { event: d.event.name })}</Title>
        {d.mode !== "choose" ? (
          <Button variant="light" onClick={() => window.print()}>
            {t("schedule.print.printButton")}
          </Button>
        ) : null}
        <Anchor component={Link} to={eventPath}>
          {t("schedule.backToEvent")}
        </Anchor>
      </Group>
      {d.mode === "choose" && d.choose ? (
        <Stack gap="md" className="no-print">
          <Text>{t("schedule.print.choose")}</Text>
          <Form method="get">
            <Group align="flex-end">
              <NativeSelect name="participant" label={t("schedule.print.byParticipant")} data={d.choose.participants.map((p) => ({ value: String(p.id), label: p.name }))} />
              <Button type="submit">{t("schedule.print.open")}</Button>
              <Anchor href="?all=participants">{t("schedule.print.byParticipant")} · ALL</Anchor>
            </Group>
          </Form>
          <Form method="get">
            <Group align="flex-end">
              <NativeSelect
                name="table"
                label={t("schedule.print.byTable")}
                data={d.choose.tables.map((tb) => ({ value: String(tb.id), label: t("schedule.grid.table", { label: tb.label, capacity: tb.capacity }) }))}
              />
              <Button type="submit">{t("schedule.print.open")}</Button>
              <Anchor href="?all=tables">{t("schedule.print.byTable")} · ALL</Anchor>
            </Group>
          </Form>
        </Stack>
      ) : null}
      {d.participants.map((s) => (
        <ParticipantSheet key={s.participantId} schedule={s} eventName={d.event.name} />
      ))}
      {d.tables.map((s) => (
        <TableSheet key={s.table.id} schedule={s} eventName={d.event.name} />
      ))}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "schedule.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
