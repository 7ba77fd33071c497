import { parseWithZod } from "@conform-to/zod";
import { Anchor, Badge, Button, Checkbox, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ActionAlert } from "~/components/events/action-alert";
import { checkIn, listDayMeetings, liveCounts, markMeeting, searchCheckin, walkIn, type LiveCounts } from "~/models/checkin.server";
import { requireManagedEvent } from "~/models/event.server";
import { searchParties } from "~/models/event-participant.server";
import { requireUser } from "~/utils/auth.server";
import { actorOf, attempt, badForm, refused } from "~/utils/event-actions.server";
import { CheckinCodeSchema, CheckinIdSchema, eventPath, MarkMeetingSchema, rangeLabel, WalkInSchema } from "~/utils/events";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// The check-in desk on the day: by code (typed from the printed schedule) or by name search,
// walk-ins, meetings marked held / no-show (per person for group meetings), and live counts
// that refresh by revalidating every 10 s (no full reload). The event's organizers and admins.

const COUNT_KEYS = ["registered", "approved", "checkedIn", "walkIns", "requestsPending", "requestsAccepted", "meetingsScheduled", "meetingsHeld", "meetingsNoShow"] as const satisfies readonly (keyof LiveCounts)[];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireManagedEvent(user, params.id);
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").slice(0, 100);
  const w = (url.searchParams.get("walkin") ?? "").slice(0, 100);
  const [counts, hits, meetings, walkCandidates] = await Promise.all([
    liveCounts(user, event.id),
    q ? searchCheckin(user, event.id, q) : Promise.resolve([]),
    listDayMeetings(user, event.id),
    w ? searchParties(user, event.id, w, 15) : Promise.resolve([]),
  ]);
  return { event, counts, q, hits, meetings, w, walkCandidates };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireManagedEvent(user, params.id);
  const actor = actorOf(user, context);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const here = `${eventPath(event, "/checkin")}${new URL(request.url).search}`;
  if (intent === "checkinCode" || intent === "checkin") {
    const s = intent === "checkinCode" ? parseWithZod(formData, { schema: CheckinCodeSchema }) : parseWithZod(formData, { schema: CheckinIdSchema });
    if (s.status !== "success") return badForm(intent, s);
    const v = s.value;
    const done = await attempt(() => checkIn(actor, "code" in v ? { eventId: event.id, code: v.code } : { eventId: event.id, participantId: v.participantId }));
    if (!done.ok) return refused(intent, s, done.problem);
    return redirectWithToast(here, { description: "events.checkin.checkedIn", values: { name: done.value.name } });
  }
  if (intent === "walkIn") {
    const s = parseWithZod(formData, { schema: WalkInSchema });
    if (s.status !== "success") return badForm(intent, s);
    const done = await attempt(() => walkIn(actor, { eventId: event.id, party: s.value.party, contactName: s.value.contactName, contactPhone: s.value.contactPhone }));
    if (!done.ok) return refused(intent, s, done.problem);
    return redirectWithToast(eventPath(event, "/checkin"), { description: "events.checkin.walkInDone", values: { code: done.value.checkinCode } });
  }
  if (intent === "markMeeting") {
    const s = parseWithZod(formData, { schema: MarkMeetingSchema });
    if (s.status !== "success") return badForm(intent, s);
    const done = await attempt(() => markMeeting(actor, { eventId: event.id, ...s.value }));
    if (!done.ok) return refused(intent, s, done.problem);
    return redirectWithToast(here, { description: "events.checkin.marked" });
  }
  throw new Response("Bad request", { status: 400 });
}

/** Revalidates the page's loaders every `ms` while the tab is visible: live counts without a reload. */
function usePolling(ms: number) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    const id = window.setInterval(() => {
      if (document.visibilityState === "visible" && state === "idle") revalidate();
    }, ms);
    return () => window.clearInterval(id);
  }, [ms, revalidate, state]);
}

export default function CheckinRoute() {
  const { t } = useTranslation();
  const { event, counts, q, hits, meetings, w, walkCandidates } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  usePolling(10_000);
  return (
    <Stack maw={1100} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("events.checkin.title")}</Title>
        <Text c="dimmed">
          <Anchor component={Link} to={eventPath(event)}>
            {event.name}
          </Anchor>
        </Text>
      </Stack>

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="live-title">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h3" id="live-title">
            {t("events.checkin.live")}
          </Title>
          <Text size="xs" c="dimmed">
            {t("events.checkin.refresh")}
          </Text>
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 3, md: 5 }} aria-live="polite" data-testid="live-counts">
          {COUNT_KEYS.map((k) => (
            <Stack key={k} gap={0}>
              <Text size="xs" c="dimmed">
                {t(`events.checkin.counts.${k}`)}
              </Text>
              <Text fw={700} fz="xl" data-count={k}>
                {counts[k]}
              </Text>
            </Stack>
          ))}
        </SimpleGrid>
      </Paper>

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="code-title">
          <Title order={2} size="h3" id="code-title" mb="sm">
            {t("events.checkin.byCode")}
          </Title>
          <Form method="post">
            <input type="hidden" name="intent" value="checkinCode" />
            <Stack gap="xs">
              <ActionAlert reply={reply} intent="checkinCode" />
              <Group align="flex-end">
                <TextInput name="code" label={t("events.checkin.code")} autoComplete="off" autoCapitalize="characters" style={{ flex: 1 }} />
                <Button type="submit">{t("events.checkin.checkIn")}</Button>
              </Group>
            </Stack>
          </Form>
        </Paper>
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="search-title">
          <Title order={2} size="h3" id="search-title" mb="sm">
            {t("events.checkin.find")}
          </Title>
          <Form method="get" role="search">
            <Group align="flex-end">
              <TextInput name="q" label={t("events.checkin.search")} defaultValue={q} style={{ flex: 1 }} />
              <Button type="submit" variant="default">
                {t("events.checkin.find")}
              </Button>
            </Group>
          </Form>
          <ActionAlert reply={reply} intent="checkin" />
          {q && hits.length === 0 ? (
            <Text c="dimmed" mt="sm">
              {t("events.checkin.noHits")}
            </Text>
          ) : null}
          <Stack gap={6} mt="sm">
            {hits.map((h) => (
              <Group key={h.id} justify="space-between" wrap="nowrap">
                <Stack gap={0}>
                  <Text fw={600}>{h.name}</Text>
                  <Text size="xs" c="dimmed">
                    {[h.orgName !== h.name ? h.orgName : null, h.contactName, h.checkinCode].filter(Boolean).join(" · ")}
                  </Text>
                </Stack>
                {h.status === "checked_in" ? (
                  <Badge color="teal.9" variant="filled">
                    {t("events.participantStatuses.checked_in")}
                  </Badge>
                ) : (
                  <Form method="post">
                    <input type="hidden" name="intent" value="checkin" />
                    <input type="hidden" name="participantId" value={h.id} />
                    <Button type="submit" size="compact-sm" aria-label={t("events.checkin.checkInLabel", { name: h.name })}>
                      {t("events.checkin.checkIn")}
                    </Button>
                  </Form>
                )}
              </Group>
            ))}
          </Stack>
        </Paper>
      </SimpleGrid>

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="walkin-title">
        <Title order={2} size="h3" id="walkin-title" mb="sm">
          {t("events.checkin.walkIn")}
        </Title>
        <Form method="get">
          <input type="hidden" name="q" value={q} />
          <Group align="flex-end">
            <TextInput name="walkin" label={t("events.checkin.walkInSearch")} defaultValue={w} style={{ flex: 1 }} />
            <Button type="submit" variant="default">
              {t("events.checkin.find")}
            </Button>
          </Group>
        </Form>
        <ActionAlert reply={reply} intent="walkIn" />
        <Stack gap={6} mt="sm">
          {walkCandidates.map((c) => (
            <Form method="post" key={c.value}>
              <input type="hidden" name="intent" value="walkIn" />
              <input type="hidden" name="party" value={c.value} />
              <Group wrap="wrap" align="flex-end">
                <Text style={{ flex: 1, minWidth: 200 }}>
                  {c.kind === "expert" ? `${c.name}（${c.orgName}）` : c.name}
                  {c.status ? ` · ${t(`events.participantStatuses.${c.status === "checked_in" ? "checked_in" : c.status === "invited" ? "invited" : "registered"}`)}` : ""}
                </Text>
                <TextInput name="contactName" aria-label={`${t("events.checkin.contactName")}: ${c.name}`} placeholder={t("events.checkin.contactName")} size="xs" w={120} />
                <TextInput name="contactPhone" aria-label={`${t("events.checkin.contactPhone")}: ${c.name}`} placeholder={t("events.checkin.contactPhone")} size="xs" w={140} />
                <Button type="submit" size="compact-sm" disabled={c.status === "checked_in"}>
                  {t("events.checkin.checkIn")}
                </Button>
              </Group>
            </Form>
          ))}
        </Stack>
      </Paper>

      <section aria-labelledby="meetings-title">
        <Title order={2} size="h3" id="meetings-title" mb="sm">
          {t("events.checkin.meetings")}
        </Title>
        <ActionAlert reply={reply} intent="markMeeting" />
        {meetings.length ? (
          <Table.ScrollContainer minWidth={700}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("events.checkin.slot")}</Table.Th>
                  <Table.Th scope="col">{t("events.checkin.table")}</Table.Th>
                  <Table.Th scope="col">{t("events.checkin.parties")}</Table.Th>
                  <Table.Th scope="col">{t("events.requests.status")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {meetings.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>{m.slotStartsAt && m.slotEndsAt ? rangeLabel(m.slotStartsAt, m.slotEndsAt) : ""}</Table.Td>
                    <Table.Td>{m.tableLabel}</Table.Td>
                    <Table.Td colSpan={2}>
                      <Form method="post">
                        <input type="hidden" name="intent" value="markMeeting" />
                        <input type="hidden" name="meetingId" value={m.id} />
                        <input type="hidden" name="version" value={m.version} />
                        <Group justify="space-between" wrap="wrap">
                          <Stack gap={2}>
                            {m.parties.map((p) =>
                              m.parties.length > 2 ? (
                                <Checkbox
                                  key={p.participantId}
                                  name="absent"
                                  value={p.participantId}
                                  defaultChecked={p.attendance === "absent"}
                                  label={`${p.name} — ${t("events.checkin.absent")}`}
                                  size="xs"
                                />
                              ) : (
                                <Text key={p.participantId} size="sm">
                                  {p.name}
                                </Text>
                              ),
                            )}
                          </Stack>
                          <Group gap={4} wrap="nowrap">
                            <Badge variant="filled" color={m.status === "held" ? "teal.9" : m.status === "no_show" ? "red.9" : "blue.8"}>
                              {t(`events.meetingStatuses.${m.status}`)}
                            </Badge>
                            <Button type="submit" name="status" value="held" size="compact-xs" variant="light" aria-label={t("events.checkin.markHeldLabel", { id: m.id })}>
                              {t("events.checkin.held")}
                            </Button>
                            <Button type="submit" name="status" value="no_show" size="compact-xs" variant="subtle" color="red" aria-label={t("events.checkin.markNoShowLabel", { id: m.id })}>
                              {t("events.checkin.noShow")}
                            </Button>
                          </Group>
                        </Group>
                      </Form>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : (
          <Text c="dimmed">{t("events.checkin.noMeetings")}</Text>
        )}
      </section>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "events.checkin.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
