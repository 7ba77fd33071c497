import { parseWithZod } from "@conform-to/zod";
import { Anchor, Badge, Button, Checkbox, Group, NativeSelect, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ActionAlert } from "~/components/events/action-alert";
import { requireEvent, requireManagedEvent } from "~/models/event.server";
import { decideRegistration, inviteParticipants, listParticipants, searchParties } from "~/models/event-participant.server";
import { requireUser } from "~/utils/auth.server";
import { actorOf, attempt, badForm, refused } from "~/utils/event-actions.server";
import { DecideSchema, eventPath, InviteSchema, PARTICIPANT_STATUSES, type ParticipantStatus } from "~/utils/events";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// The participant list (staff read it; the event's organizers act on it): filter by status,
// kind and text; approve or reject registrations; invite organizations and experts found by
// name. Schemas: DecideSchema, InviteSchema (~/utils/events).

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireEvent(user, params.id);
  const url = new URL(request.url);
  const status = PARTICIPANT_STATUSES.find((s) => s === url.searchParams.get("status")) ?? null;
  const k = url.searchParams.get("kind");
  const kind = k === "org" || k === "expert" ? k : null;
  const q = (url.searchParams.get("q") ?? "").slice(0, 100);
  const invite = (url.searchParams.get("invite") ?? "").slice(0, 100);
  const participants = await listParticipants(user, event.id, { status, kind, q });
  const candidates = event.access.manage && invite.trim() ? await searchParties(user, event.id, invite) : [];
  return { event, participants, filters: { status, kind, q }, invite, candidates };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireManagedEvent(user, params.id);
  const actor = actorOf(user, context);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const back = `${eventPath(event, "/participants")}${new URL(request.url).search}`;
  if (intent === "decide") {
    const s = parseWithZod(formData, { schema: DecideSchema });
    if (s.status !== "success") return badForm(intent, s);
    const done = await attempt(() => decideRegistration(actor, { eventId: event.id, participantId: s.value.participantId, version: s.value.version, decision: s.value.decision }));
    if (!done.ok) return refused(intent, s, done.problem);
    return redirectWithToast(back, { description: s.value.decision === "approve" ? "events.participants.approved" : "events.participants.rejected" });
  }
  if (intent === "invite") {
    const s = parseWithZod(formData, { schema: InviteSchema });
    if (s.status !== "success") return badForm(intent, s);
    const done = await attempt(() => inviteParticipants(actor, { eventId: event.id, parties: s.value.parties }));
    if (!done.ok) return refused(intent, s, done.problem);
    return redirectWithToast(eventPath(event, "/participants"), { description: "events.participants.invited", values: done.value });
  }
  throw new Response("Bad request", { status: 400 });
}

// dark shades on filled badges: axe's AA contrast for small text
const COLOR: Partial<Record<ParticipantStatus, string>> = { registered: "grape.9", approved: "teal.9", checked_in: "indigo.9", rejected: "gray.7", withdrawn: "gray.7" };

export default function ParticipantsRoute() {
  const { t } = useTranslation();
  const { event, participants, filters, invite, candidates } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const manage = event.access.manage;
  return (
    <Stack maw={1100} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("events.participants.title")}</Title>
        <Text c="dimmed">
          <Anchor component={Link} to={eventPath(event)}>
            {event.name}
          </Anchor>
        </Text>
      </Stack>
      <Form method="get" role="search" aria-label={t("events.participants.search")}>
        <Group align="flex-end" wrap="wrap">
          <TextInput name="q" label={t("events.participants.search")} defaultValue={filters.q} style={{ flex: 1, minWidth: 200 }} />
          <NativeSelect
            name="status"
            label={t("events.participants.filterStatus")}
            defaultValue={filters.status ?? ""}
            data={[{ value: "", label: t("events.list.all") }, ...PARTICIPANT_STATUSES.map((s) => ({ value: s, label: t(`events.participantStatuses.${s}`) }))]}
          />
          <NativeSelect
            name="kind"
            label={t("events.participants.filterKind")}
            defaultValue={filters.kind ?? ""}
            data={[
              { value: "", label: t("events.list.all") },
              { value: "org", label: t("events.partyKinds.org") },
              { value: "expert", label: t("events.partyKinds.expert") },
            ]}
          />
          <Button type="submit">{t("events.list.filter")}</Button>
        </Group>
      </Form>
      <ActionAlert reply={reply} intent="decide" />
      <Text size="sm" c="dimmed" aria-live="polite">
        {t("events.participants.total", { count: participants.length })}
      </Text>
      {participants.length ? (
        <Table.ScrollContainer minWidth={800}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("events.participants.name")}</Table.Th>
                <Table.Th scope="col">{t("events.participants.org")}</Table.Th>
                <Table.Th scope="col">{t("events.participants.contact")}</Table.Th>
                <Table.Th scope="col">{t("events.page.lookingFor")}</Table.Th>
                <Table.Th scope="col">{t("events.participants.status")}</Table.Th>
                <Table.Th scope="col">{t("events.participants.code")}</Table.Th>
                {manage ? <Table.Th scope="col">{t("events.participants.actions")}</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {participants.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>
                    {p.name}
                    {p.walkIn ? (
                      <Badge ml={4} size="xs" variant="outline">
                        {t("events.participants.walkIn")}
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{p.kind === "expert" ? p.orgName : t(`common.orgKinds.${p.orgKind === "university" || p.orgKind === "institute" || p.orgKind === "government" || p.orgKind === "agency" ? p.orgKind : "enterprise"}`)}</Table.Td>
                  <Table.Td>{[p.contactName, p.contactPhone].filter(Boolean).join(" ")}</Table.Td>
                  <Table.Td maw={260}>
                    <Text size="sm" lineClamp={2}>
                      {p.lookingFor ?? ""}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="filled" color={COLOR[p.status] ?? "blue.8"} miw="max-content">
                      {t(`events.participantStatuses.${p.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td ff="monospace">{p.checkinCode}</Table.Td>
                  {manage ? (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        {(["approve", "reject"] as const)
                          .filter((d) => (d === "approve" ? ["invited", "registered", "rejected"] : ["invited", "registered", "approved"]).includes(p.status))
                          .map((d) => (
                            <Form method="post" key={d}>
                              <input type="hidden" name="intent" value="decide" />
                              <input type="hidden" name="participantId" value={p.id} />
                              <input type="hidden" name="version" value={p.version} />
                              <input type="hidden" name="decision" value={d} />
                              <Button
                                type="submit"
                                size="compact-xs"
                                variant={d === "approve" ? "filled" : "default"}
                                color={d === "approve" ? "teal.9" : undefined}
                                aria-label={t(d === "approve" ? "events.participants.approveLabel" : "events.participants.rejectLabel", { name: p.name })}
                              >
                                {t(d === "approve" ? "events.participants.approve" : "events.participants.reject")}
                              </Button>
                            </Form>
                          ))}
                      </Group>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text c="dimmed">{t("events.participants.none")}</Text>
      )}

      {manage ? (
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="invite-title">
          <Title order={2} size="h3" id="invite-title" mb="sm">
            {t("events.participants.invite")}
          </Title>
          <Form method="get">
            <Group align="flex-end">
              <TextInput name="invite" label={t("events.participants.inviteSearch")} defaultValue={invite} style={{ flex: 1 }} />
              <Button type="submit" variant="default">
                {t("events.participants.findToInvite")}
              </Button>
            </Group>
          </Form>
          <ActionAlert reply={reply} intent="invite" />
          {invite && candidates.length === 0 ? (
            <Text c="dimmed" mt="sm">
              {t("events.participants.noMatches")}
            </Text>
          ) : null}
          {candidates.length ? (
            <Form method="post" style={{ marginTop: 12 }}>
              <input type="hidden" name="intent" value="invite" />
              <Stack gap={6}>
                {candidates.map((c) => (
                  <Checkbox
                    key={c.value}
                    name="parties"
                    value={c.value}
                    disabled={!!c.status}
                    label={`${t(`events.partyKinds.${c.kind}`)} · ${c.kind === "expert" ? `${c.name}（${c.orgName}）` : c.name}${c.status ? ` — ${t("events.participants.alreadyListed", { status: t(`events.participantStatuses.${PARTICIPANT_STATUSES.find((s) => s === c.status) ?? "registered"}`) })}` : ""}`}
                  />
                ))}
                <Group>
                  <Button type="submit">{t("events.participants.inviteSelected")}</Button>
                </Group>
              </Stack>
            </Form>
          ) : null}
        </Paper>
      ) : null}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "events.participants.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
