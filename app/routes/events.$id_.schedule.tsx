import { parseWithZod } from "@conform-to/zod";
import { Alert, Anchor, Badge, Button, Group, Loader, NativeSelect, ScrollArea, Stack, Table, Text, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { dateTime, slotLabel } from "~/components/schedule/time";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { modelProblem } from "~/models/catalog.server";
import { resolveEventId } from "~/models/event-access.server";
import { cancelMeeting, getScheduleBoard, moveMeeting, placeRequest, publishSchedule, runScheduler } from "~/models/schedule.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import type { MessageKey } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// The organizer's schedule board: slots × tables, the last run's unplaced requests with their
// reasons, run / re-run, move and cancel one meeting, publish. Works without JavaScript (plain
// forms; the meeting to change is chosen by a link, ?meeting=ID). Permission checks are in the
// model: other staff see the board read-only, everyone else gets 403.

const Id = z.number({ required_error: "validation.required", invalid_type_error: "validation.invalidChoice" }).int().positive().max(Number.MAX_SAFE_INTEGER);
const Version = z.number({ required_error: "schedule.errors.stale", invalid_type_error: "schedule.errors.stale" }).int().positive();
const RunSchema = z.object({ intent: z.literal("run") });
const MoveSchema = z.object({ intent: z.literal("move"), meetingId: Id, version: Version, slotId: Id, tableId: Id });
const CancelSchema = z.object({ intent: z.literal("cancel"), meetingId: Id, version: Version });
const PublishSchema = z.object({ intent: z.literal("publish"), version: Version });
const PlaceSchema = z.object({ intent: z.literal("place"), requestId: Id, slotId: Id, tableId: Id });
const ActionSchema = z.discriminatedUnion("intent", [RunSchema, MoveSchema, CancelSchema, PublishSchema, PlaceSchema]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const board = await getScheduleBoard(user, params.id);
  const sp = new URL(request.url).searchParams;
  const selected = Number(sp.get("meeting")) || null;
  const place = Number(sp.get("place")) || null;
  return {
    board,
    selected: board.meetings.find((m) => m.id === selected) ?? null,
    placing: board.lastRun?.unplaced.find((u) => u.requestId === place) ?? null,
  };
}

type ActionData = { intent: string; error: MessageKey; field: string | null };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const eventId = await resolveEventId(params.id);
  if (eventId === null) throw new Response("Not found", { status: 404 });
  const actor = { ...user, ip: getClientIp(context) };
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: ActionSchema });
  const here = `/events/${params.id}/schedule`;
  if (submission.status !== "success") {
    const errors = submission.error ?? {};
    const [field, messages] = Object.entries(errors).find(([, v]) => v && v.length) ?? ["", ["validation.invalidChoice"]];
    return data<ActionData>({ intent: String(formData.get("intent") ?? ""), error: (messages?.[0] ?? "validation.invalidChoice") as MessageKey, field: field || null }, { status: 400 });
  }
  const v = submission.value;
  try {
    switch (v.intent) {
      case "run": {
        const r = await runScheduler(actor, eventId);
        return redirectWithToast(here, { description: "schedule.run.done", values: { placed: r.placed, kept: r.kept, unplaced: r.unplaced.length } });
      }
      case "move":
        await moveMeeting(actor, { eventId, meetingId: v.meetingId, version: v.version, slotId: v.slotId, tableId: v.tableId });
        return redirectWithToast(here, { description: "schedule.move.done" });
      case "cancel":
        await cancelMeeting(actor, { eventId, meetingId: v.meetingId, version: v.version });
        return redirectWithToast(here, { description: "schedule.cancel.done" });
      case "place":
        await placeRequest(actor, { eventId, requestId: v.requestId, slotId: v.slotId, tableId: v.tableId });
        return redirectWithToast(here, { description: "schedule.place.done" });
      case "publish":
        await publishSchedule(actor, { eventId, version: v.version });
        return redirectWithToast(here, { description: "schedule.publish.done" });
    }
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return data<ActionData>({ intent: v.intent, error: problem.message, field: problem.field }, { status: problem.status });
  }
}

export default function ScheduleBoardRoute() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const { board, selected, placing } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as ActionData | undefined;
  const nav = useNavigation();
  const busyIntent = nav.state === "submitting" ? String(nav.formData?.get("intent") ?? "") : null;
  const { event, slots, tables, meetings, lastRun, canManage } = board;
  const cell = new Map(meetings.map((m) => [`${m.slotId}:${m.tableId}`, m]));
  const eventPath = `/events/${event.ref ?? event.id}`;
  const here = `${eventPath}/schedule`;
  const tableById = new Map(tables.map((x) => [x.id, x]));
  const slotById = new Map(slots.map((x) => [x.id, x]));

  return (
    <Stack gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("schedule.boardTitle", { event: event.name })}</Title>
        <Group gap="md">
          <Anchor component={Link} to={eventPath}>
            {t("schedule.backToEvent")}
          </Anchor>
          <Anchor component={Link} to={`${eventPath}/print`}>
            {t("schedule.print.choose")}
          </Anchor>
          <Anchor href={`${here}/export`}>{t("schedule.export")}</Anchor>
        </Group>
      </Stack>

      {reply?.error ? (
        <Alert color="red" role="alert" title={t(reply.error)}>
          {null}
        </Alert>
      ) : null}

      <Text>{t("schedule.stats", { meetings: meetings.length, slots: slots.length, tables: tables.length, pending: board.pending })}</Text>
      <Text c={event.publishedAt ? "teal" : "dimmed"}>
        {event.publishedAt ? t("schedule.publish.published", { at: dateTime(event.publishedAt, locale) }) : t("schedule.publish.notPublished")}
      </Text>

      {canManage ? (
        <Group align="flex-end" gap="md">
          <Form method="post">
            <input type="hidden" name="intent" value="run" />
            <Button type="submit" disabled={busyIntent === "run"} leftSection={busyIntent === "run" ? <Loader size="xs" /> : null} aria-describedby="run-help">
              {busyIntent === "run" ? t("schedule.run.running") : meetings.length ? t("schedule.run.rerun") : t("schedule.run.button")}
            </Button>
          </Form>
          <Form method="post">
            <input type="hidden" name="intent" value="publish" />
            <input type="hidden" name="version" value={event.version} />
            <Button type="submit" variant="light" disabled={busyIntent === "publish" || meetings.length === 0}>
              {event.publishedAt ? t("schedule.publish.republish") : t("schedule.publish.button")}
            </Button>
          </Form>
        </Group>
      ) : null}
      {canManage ? (
        <Text id="run-help" size="sm" c="dimmed">
          {t("schedule.run.help")}
        </Text>
      ) : null}
      {busyIntent === "run" ? (
        <Text role="status" aria-live="polite">
          {t("schedule.run.running")}
        </Text>
      ) : null}

      {slots.length === 0 || tables.length === 0 ? (
        <Alert color="yellow">{t("schedule.noSlots")}</Alert>
      ) : (
        <ScrollArea type="auto" offsetScrollbars>
          <Table withTableBorder withColumnBorders striped captionSide="top" miw={Math.max(600, 140 + tables.length * 150)}>
            <Table.Caption>{t("schedule.grid.caption")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("schedule.grid.slot")}</Table.Th>
                {tables.map((tb) => (
                  <Table.Th key={tb.id} scope="col">
                    {t("schedule.grid.table", { label: tb.label, capacity: tb.capacity })}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {slots.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Th scope="row" style={{ whiteSpace: "nowrap" }}>
                    {slotLabel(s, locale, true)}
                  </Table.Th>
                  {tables.map((tb) => {
                    const m = cell.get(`${s.id}:${tb.id}`);
                    if (!m)
                      return (
                        <Table.Td key={tb.id}>
                          <Text size="xs" c="dimmed">
                            {t("schedule.grid.empty")}
                          </Text>
                        </Table.Td>
                      );
                    return (
                      <Table.Td key={tb.id} bg={selected?.id === m.id ? "yellow.1" : undefined}>
                        <Stack gap={2}>
                          <Text size="sm">{m.parties.map((p) => p.name).join(" · ")}</Text>
                          <Group gap={4}>
                            {m.placedBy === "manual" ? (
                              <Badge size="xs" variant="light">
                                {t("schedule.grid.manual")}
                              </Badge>
                            ) : null}
                            {m.status !== "scheduled" ? (
                              <Badge size="xs" color="gray">
                                {t(`schedule.status.${m.status as "held" | "no_show"}`)}
                              </Badge>
                            ) : null}
                            {canManage && m.status === "scheduled" ? (
                              <Anchor component={Link} size="xs" to={`${here}?meeting=${m.id}#move`} aria-label={`${t("schedule.move.title")} · ${t("schedule.move.legend", { id: m.id })}`}>
                                {t("schedule.move.title")}
                              </Anchor>
                            ) : null}
                          </Group>
                        </Stack>
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}

      {canManage && selected ? (
        <Stack id="move" gap="sm" component="section" aria-labelledby="move-title">
          <Title order={2} id="move-title" size="h3">
            {t("schedule.move.legend", { id: selected.id })}
          </Title>
          <Text>
            {selected.parties.map((p) => p.name).join(" · ")} — {slotById.get(selected.slotId) ? slotLabel(slotById.get(selected.slotId)!, locale, true) : ""} ·{" "}
            {tableById.get(selected.tableId)?.label}
          </Text>
          <Form method="post">
            <input type="hidden" name="intent" value="move" />
            <input type="hidden" name="meetingId" value={selected.id} />
            <input type="hidden" name="version" value={selected.version} />
            <Group align="flex-end">
              <NativeSelect
                name="slotId"
                label={t("schedule.move.slot")}
                defaultValue={String(selected.slotId)}
                data={slots.map((s) => ({ value: String(s.id), label: slotLabel(s, locale, true) }))}
                error={reply?.intent === "move" && reply.field === "slotId" ? t(reply.error) : undefined}
              />
              <NativeSelect
                name="tableId"
                label={t("schedule.move.table")}
                defaultValue={String(selected.tableId)}
                data={tables.map((tb) => ({ value: String(tb.id), label: t("schedule.grid.table", { label: tb.label, capacity: tb.capacity }) }))}
                error={reply?.intent === "move" && reply.field === "tableId" ? t(reply.error) : undefined}
              />
              <Button type="submit" disabled={busyIntent === "move"}>
                {t("schedule.move.submit")}
              </Button>
            </Group>
          </Form>
          <Form
            method="post"
            onSubmit={(e) => {
              if (!window.confirm(t("schedule.cancel.confirm"))) e.preventDefault();
            }}
          >
            <input type="hidden" name="intent" value="cancel" />
            <input type="hidden" name="meetingId" value={selected.id} />
            <input type="hidden" name="version" value={selected.version} />
            <Button type="submit" color="red" variant="light" disabled={busyIntent === "cancel"}>
              {t("schedule.cancel.submit")}
            </Button>
          </Form>
        </Stack>
      ) : null}

      {canManage && placing ? (
        <Stack id="place" gap="sm" component="section" aria-labelledby="place-title">
          <Title order={2} id="place-title" size="h3">
            {t("schedule.place.legend", { id: placing.requestId })}
          </Title>
          <Text>
            {placing.parties.join(" · ")} — {t(`schedule.reasons.${placing.reason}`)}
          </Text>
          <Form method="post">
            <input type="hidden" name="intent" value="place" />
            <input type="hidden" name="requestId" value={placing.requestId} />
            <Group align="flex-end">
              <NativeSelect
                name="slotId"
                label={t("schedule.move.slot")}
                data={slots.map((s) => ({ value: String(s.id), label: slotLabel(s, locale, true) }))}
                error={reply?.intent === "place" && reply.field === "slotId" ? t(reply.error) : undefined}
              />
              <NativeSelect
                name="tableId"
                label={t("schedule.move.table")}
                data={tables.map((tb) => ({ value: String(tb.id), label: t("schedule.grid.table", { label: tb.label, capacity: tb.capacity }) }))}
                error={reply?.intent === "place" && reply.field === "tableId" ? t(reply.error) : undefined}
              />
              <Button type="submit" disabled={busyIntent === "place"}>
                {t("schedule.place.submit")}
              </Button>
            </Group>
          </Form>
        </Stack>
      ) : null}

      <Stack gap="sm" component="section" aria-labelledby="unplaced-title">
        <Title order={2} id="unplaced-title" size="h3">
          {t("schedule.unplaced.title")}
        </Title>
        {lastRun ? (
          <Text size="sm" c="dimmed">
            {t("schedule.run.last", { at: dateTime(lastRun.at, locale), by: lastRun.by ?? "—", placed: lastRun.placed, unplaced: lastRun.unplaced.length, seconds: lastRun.seconds.toFixed(2) })}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            {t("schedule.run.never")}
          </Text>
        )}
        {lastRun && lastRun.unplaced.length === 0 ? <Text>{t("schedule.unplaced.none")}</Text> : null}
        {lastRun && lastRun.unplaced.length > 0 ? (
          <Table withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("schedule.unplaced.request")}</Table.Th>
                <Table.Th scope="col">{t("schedule.unplaced.parties")}</Table.Th>
                <Table.Th scope="col">{t("schedule.unplaced.reason")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lastRun.unplaced.map((u) => (
                <Table.Tr key={u.requestId}>
                  <Table.Td>#{u.requestId}</Table.Td>
                  <Table.Td>{u.parties.join(" · ")}</Table.Td>
                  <Table.Td>
                    {t(`schedule.reasons.${u.reason}`)}
                    {u.concerns.length ? (
                      <Text size="xs" c="dimmed">
                        {t("schedule.unplaced.who", { names: u.concerns.join("、") })}
                      </Text>
                    ) : null}
                    {canManage && u.reason !== "invalid_request" && u.reason !== "party_not_participant" ? (
                      <Anchor component={Link} size="xs" to={`${here}?place=${u.requestId}#place`} aria-label={`${t("schedule.place.link")} · ${t("schedule.place.legend", { id: u.requestId })}`}>
                        {t("schedule.place.link")}
                      </Anchor>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
      </Stack>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "schedule.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
