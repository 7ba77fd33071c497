import { parseWithZod } from "@conform-to/zod";
import { Anchor, Badge, Button, Group, NativeSelect, Paper, Stack, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ActionAlert } from "~/components/events/action-alert";
import { requireEvent } from "~/models/event.server";
import { meetableParticipants, myParticipations } from "~/models/event-participant.server";
import { cancelMeetingRequest, createMeetingRequest, listMeetingRequests, requestPrefill, respondToMeetingRequest } from "~/models/meeting-request.server";
import { requireUser } from "~/utils/auth.server";
import { actorOf, attempt, badForm, refused } from "~/utils/event-actions.server";
import { ArrangeMeetingSchema, CancelRequestSchema, eventPath, RequestMeetingSchema, RespondSchema } from "~/utils/events";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// Meeting requests of an event: participants see and answer only their own (the model filters),
// ask to meet another participant (by hand, or prefilled from a suggestion: ?need=&result=), and
// withdraw what they asked; the event's organizers see all and arrange meetings, including
// group meetings. Schemas: RequestMeetingSchema, ArrangeMeetingSchema, RespondSchema,
// CancelRequestSchema (~/utils/events). A random key per rendered form makes a double click one request.

const ACTIVE = ["invited", "registered", "approved", "checked_in"];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireEvent(user, params.id);
  const url = new URL(request.url);
  const num = (k: string) => (/^\d{1,15}$/.test(url.searchParams.get(k) ?? "") ? Number(url.searchParams.get(k)) : null);
  const [requests, mine, meetable, pre] = await Promise.all([
    listMeetingRequests(user, { eventId: event.id }),
    myParticipations(user, event.id),
    meetableParticipants(event.id),
    requestPrefill(event.id, num("need"), num("result")),
  ]);
  return {
    event,
    requests,
    requesters: mine.filter((p) => ACTIVE.includes(p.status)).map((p) => ({ value: `${p.kind}:${p.refId}`, label: p.kind === "expert" ? `${p.name}（${p.orgName}）` : p.name })),
    meetable: meetable.map((p) => ({ value: p.value, label: p.kind === "expert" ? `${p.name}（${p.orgName}）` : p.name })),
    pre,
    key: crypto.randomUUID(),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireEvent(user, params.id);
  const actor = actorOf(user, context);
  const raw = await request.formData();
  // the arrange form has three invitee selects; the empty ones are not choices
  const formData = new FormData();
  for (const [k, v] of raw.entries()) if (!(k === "invitees" && v === "")) formData.append(k, v);
  const intent = String(formData.get("intent") ?? "");
  const here = eventPath(event, "/requests");
  if (intent === "request") {
    const s = parseWithZod(formData, { schema: RequestMeetingSchema });
    if (s.status !== "success") return badForm(intent, s);
    const v = s.value;
    const done = await attempt(() =>
      createMeetingRequest(actor, {
        eventId: event.id,
        requester: v.requester,
        invitees: [v.invitee],
        needId: v.needId ?? null,
        resultId: v.resultId ?? null,
        message: v.message,
        source: v.needId || v.resultId ? "suggestion" : "manual",
        idempotencyKey: v.idempotencyKey ?? null,
      }),
    );
    if (!done.ok) return refused(intent, s, done.problem);
    return redirectWithToast(here, { description: "events.requests.sent" });
  }
  if (intent === "arrange") {
    const s = parseWithZod(formData, { schema: ArrangeMeetingSchema });
    if (s.status !== "success") return badForm(intent, s);
    const v = s.value;
    const done = await attempt(() =>
      createMeetingRequest(actor, {
        eventId: event.id,
        requester: v.requester,
        invitees: v.invitees,
        message: v.message,
        priority: v.priority ?? 0,
        source: "organizer",
        idempotencyKey: v.idempotencyKey ?? null,
      }),
    );
    if (!done.ok) return refused(intent, s, done.problem);
    return redirectWithToast(here, { description: "events.requests.arranged" });
  }
  if (intent === "accept" || intent === "decline") {
    const s = parseWithZod(formData, { schema: RespondSchema });
    if (s.status !== "success") return badForm("respond", s);
    const done = await attempt(() => respondToMeetingRequest(actor, { id: s.value.requestId, version: s.value.version, response: intent === "accept" ? "accepted" : "declined" }));
    if (!done.ok) return refused("respond", s, done.problem);
    return redirectWithToast(here, { description: intent === "accept" ? "events.requests.accepted" : "events.requests.declined" });
  }
  if (intent === "cancelRequest") {
    const s = parseWithZod(formData, { schema: CancelRequestSchema });
    if (s.status !== "success") return badForm(intent, s);
    const done = await attempt(() => cancelMeetingRequest(actor, { id: s.value.requestId, version: s.value.version }));
    if (!done.ok) return refused(intent, s, done.problem);
    return redirectWithToast(here, { description: "events.requests.cancelled" });
  }
  throw new Response("Bad request", { status: 400 });
}

export default function RequestsRoute() {
  const { t } = useTranslation();
  const { event, requests, requesters, meetable, pre, key } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const manage = event.access.manage;
  const blank = { value: "", label: "—" };
  return (
    <Stack maw={1100} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("events.requests.title")}</Title>
        <Text c="dimmed">
          <Anchor component={Link} to={eventPath(event)}>
            {event.name}
          </Anchor>
        </Text>
      </Stack>

      {requesters.length ? (
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="new-request">
          <Title order={2} size="h3" id="new-request" mb="sm">
            {t("events.requests.new")}
          </Title>
          <Form method="post">
            <input type="hidden" name="intent" value="request" />
            <input type="hidden" name="idempotencyKey" value={key} />
            {pre.need ? <input type="hidden" name="needId" value={pre.need.id} /> : null}
            {pre.result ? <input type="hidden" name="resultId" value={pre.result.id} /> : null}
            <Stack gap="sm">
              <ActionAlert reply={reply} intent="request" />
              {pre.need || pre.result ? (
                <Text size="sm">
                  {t("events.requests.fromSuggestion")}:{" "}
                  {[pre.need ? `${t("events.requests.need")}「${pre.need.title}」` : null, pre.result ? `${t("events.requests.result")}「${pre.result.title}」` : null].filter(Boolean).join("，")}
                </Text>
              ) : null}
              <Group grow align="flex-start">
                <NativeSelect name="requester" label={t("events.requests.requester")} data={requesters} />
                <NativeSelect
                  name="invitee"
                  label={t("events.requests.invitee")}
                  description={t("events.requests.inviteeHint")}
                  defaultValue={pre.invitee ?? ""}
                  data={[blank, ...meetable]}
                />
              </Group>
              <Textarea name="message" label={t("events.requests.message")} autosize minRows={2} />
              <Group>
                <Button type="submit">{t("events.requests.send")}</Button>
              </Group>
            </Stack>
          </Form>
        </Paper>
      ) : !manage ? (
        <Text>{t("events.requests.notParticipant")}</Text>
      ) : null}

      {manage ? (
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="arrange">
          <Title order={2} size="h3" id="arrange" mb="xs">
            {t("events.requests.arrange")}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {t("events.requests.arrangeHint")}
          </Text>
          <Form method="post">
            <input type="hidden" name="intent" value="arrange" />
            <input type="hidden" name="idempotencyKey" value={`o-${key}`} />
            <Stack gap="sm">
              <ActionAlert reply={reply} intent="arrange" />
              <NativeSelect name="requester" label={t("events.requests.requester")} data={[blank, ...meetable]} />
              <Group grow>
                {[1, 2, 3].map((i) => (
                  <NativeSelect key={i} name="invitees" label={`${t("events.requests.invitees")} ${i}`} data={[blank, ...meetable]} />
                ))}
              </Group>
              <Group grow align="flex-start">
                <Textarea name="message" label={t("events.requests.message")} autosize minRows={1} />
                <TextInput name="priority" label={t("events.requests.priority")} defaultValue="0" inputMode="numeric" />
              </Group>
              <Group>
                <Button type="submit">{t("events.requests.arrange")}</Button>
              </Group>
            </Stack>
          </Form>
        </Paper>
      ) : null}

      <section aria-labelledby="list-title">
        <Title order={2} size="h3" id="list-title" mb="sm">
          {event.access.staff ? t("events.requests.all") : t("events.requests.mine")}
        </Title>
        <ActionAlert reply={reply} intent="respond" />
        <ActionAlert reply={reply} intent="cancelRequest" />
        {requests.length ? (
          <Table.ScrollContainer minWidth={800}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("events.requests.from")}</Table.Th>
                  <Table.Th scope="col">{t("events.requests.to")}</Table.Th>
                  <Table.Th scope="col">{t("events.requests.about")}</Table.Th>
                  <Table.Th scope="col">{t("events.requests.status")}</Table.Th>
                  <Table.Th scope="col" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {requests.map((r) => {
                  const from = r.parties.find((p) => p.role === "requester");
                  return (
                    <Table.Tr key={r.id}>
                      <Table.Td>
                        {from?.name}
                        <Text size="xs" c="dimmed">
                          {t(`events.requests.source.${r.source}`)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {r.parties
                          .filter((p) => p.role === "invitee")
                          .map((p) => (
                            <div key={p.id}>
                              {p.name}
                              {p.kind === "expert" ? `（${p.orgName}）` : ""} · {t(`events.responses.${p.response}`)}
                            </div>
                          ))}
                      </Table.Td>
                      <Table.Td maw={280}>
                        <Text size="sm" lineClamp={3}>
                          {[r.needTitle, r.resultTitle, r.message].filter(Boolean).join(" · ")}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="filled" color={r.status === "accepted" ? "teal.9" : r.status === "pending" ? "grape.9" : "gray.7"} miw="max-content">
                          {t(`events.requestStatuses.${r.status}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          {r.canRespond
                            ? (["accept", "decline"] as const).map((i) => (
                                <Form method="post" key={i}>
                                  <input type="hidden" name="intent" value={i} />
                                  <input type="hidden" name="requestId" value={r.id} />
                                  <input type="hidden" name="version" value={r.version} />
                                  <Button
                                    type="submit"
                                    size="compact-xs"
                                    variant={i === "accept" ? "filled" : "default"}
                                    aria-label={t(i === "accept" ? "events.requests.acceptLabel" : "events.requests.declineLabel", { name: from?.name ?? "" })}
                                  >
                                    {t(i === "accept" ? "events.requests.accept" : "events.requests.decline")}
                                  </Button>
                                </Form>
                              ))
                            : null}
                          {r.canCancel ? (
                            <Form method="post">
                              <input type="hidden" name="intent" value="cancelRequest" />
                              <input type="hidden" name="requestId" value={r.id} />
                              <input type="hidden" name="version" value={r.version} />
                              <Button type="submit" size="compact-xs" variant="subtle" color="red">
                                {t("events.requests.cancel")}
                              </Button>
                            </Form>
                          ) : null}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : (
          <Text c="dimmed">{t("events.requests.none")}</Text>
        )}
      </section>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "events.requests.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
