import { Anchor, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { IconDownload } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { eventOutcome } from "~/models/checkin.server";
import { requireEvent } from "~/models/event.server";
import { requireUser } from "~/utils/auth.server";
import { STAGES } from "~/utils/event-outcome";
import { eventPath } from "~/utils/events";
import { pageTitle } from "~/utils/meta";

// The event outcome (issue 5 §6): registered, approved and checked in; meetings scheduled and
// held with the no-show rate; intents by stage, agreements and amounts (intent and agreement
// rows with this event_id). Staff only (the model says 403). Exported by ./outcome/export.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireEvent(user, params.id);
  return { event, outcome: await eventOutcome(user, event.id) };
}

function Figure({ label, value }: { label: string; value: string | number }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} fz="xl">
        {value}
      </Text>
    </Stack>
  );
}

export default function OutcomeRoute() {
  const { t } = useTranslation();
  const { event, outcome: o } = useLoaderData<typeof loader>();
  const rate = o.noShowRate === null ? t("events.outcome.none") : `${(o.noShowRate * 100).toFixed(1)}%`;
  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <Title order={1}>{t("events.outcome.title", { name: event.name })}</Title>
          <Text c="dimmed">
            <Anchor component={Link} to={eventPath(event)}>
              {event.name}
            </Anchor>
          </Text>
        </Stack>
        <Button component="a" href={eventPath(event, "/outcome/export")} variant="default" leftSection={<IconDownload size={16} aria-hidden />}>
          {t("events.outcome.export")}
        </Button>
      </Group>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="o-part">
        <Title order={2} size="h3" id="o-part" mb="sm">
          {t("events.outcome.participation")}
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Figure label={t("events.checkin.counts.registered")} value={o.registered} />
          <Figure label={t("events.checkin.counts.approved")} value={o.approved} />
          <Figure label={t("events.checkin.counts.checkedIn")} value={o.checkedIn} />
          <Figure label={t("events.checkin.counts.walkIns")} value={o.walkIns} />
        </SimpleGrid>
      </Paper>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="o-meet">
        <Title order={2} size="h3" id="o-meet" mb="sm">
          {t("events.outcome.meetingsTitle")}
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Figure label={t("events.checkin.counts.meetingsScheduled")} value={o.meetingsScheduled} />
          <Figure label={t("events.checkin.counts.meetingsHeld")} value={o.meetingsHeld} />
          <Figure label={t("events.checkin.counts.meetingsNoShow")} value={o.meetingsNoShow} />
          <Figure label={t("events.outcome.noShowRate")} value={rate} />
        </SimpleGrid>
      </Paper>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="o-pipe">
        <Title order={2} size="h3" id="o-pipe" mb="sm">
          {t("events.outcome.pipeline")}
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 4 }} mb="md">
          <Figure label={t("events.outcome.intents")} value={o.intents} />
          <Figure label={t("events.outcome.agreements")} value={o.agreements} />
          <Figure label={t("events.outcome.amount")} value={o.agreementAmountWan} />
          <Figure label={t("events.outcome.onStage")} value={`${o.signedOnStage}（${o.signedOnStageAmountWan}）`} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Table>
            <Table.Caption>{t("events.outcome.byStage")}</Table.Caption>
            <Table.Tbody>
              {STAGES.map((s) => (
                <Table.Tr key={s}>
                  <Table.Th scope="row">{t(`events.outcome.stages.${s}`)}</Table.Th>
                  <Table.Td ta="right">{o.intentsByStage[s] ?? 0}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Table>
            <Table.Caption>{t("events.outcome.byKind")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("events.outcome.kind")}</Table.Th>
                <Table.Th scope="col" ta="right">{t("events.outcome.count")}</Table.Th>
                <Table.Th scope="col" ta="right">{t("events.outcome.amount")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {o.agreementsByKind.map((k) => (
                <Table.Tr key={k.kind}>
                  <Table.Th scope="row">{k.kind}</Table.Th>
                  <Table.Td ta="right">{k.count}</Table.Td>
                  <Table.Td ta="right">{k.amountWan}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </SimpleGrid>
      </Paper>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "events.page.outcome");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
