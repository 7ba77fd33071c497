import { Anchor, Badge, Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { IconDownload, IconPlus } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { listEvents } from "~/models/event.server";
import { getUser } from "~/utils/auth.server";
import { parseEventListParams } from "~/utils/event-list";
import { EVENT_KINDS, EVENT_STATUSES, eventPath } from "~/utils/events";
import { pageTitle } from "~/utils/meta";
import { isStaff } from "~/utils/roles";

// 对接活动 list: every event the viewer may see (drafts only for staff), filtered by text, kind,
// status and year; exported with the same filters by /events/export.

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const params = parseEventListParams(new URL(request.url).searchParams);
  const events = await listEvents(user, params);
  return { events, params, canCreate: isStaff(user) };
}

export default function EventsRoute() {
  const { t } = useTranslation();
  const { events, params, canCreate } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const query = new URLSearchParams(search);
  const exportHref = (format: string) => {
    const q = new URLSearchParams(query);
    q.set("format", format);
    return `/events/export?${q.toString()}`;
  };
  const thisYear = new Date().getFullYear();
  const years = Array.from({ length: thisYear - 2015 + 3 }, (_, i) => String(thisYear + 2 - i));
  return (
    <Stack maw={1100} mx="auto">
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <Title order={1}>{t("events.list.title")}</Title>
          <Text c="dimmed">{t("events.list.intro")}</Text>
        </Stack>
        {canCreate ? (
          <Button component={Link} to="/events/new" leftSection={<IconPlus size={16} aria-hidden />}>
            {t("events.list.new")}
          </Button>
        ) : null}
      </Group>
      <Form method="get" role="search" aria-label={t("events.list.filter")}>
        <Group align="flex-end" wrap="wrap">
          <TextInput name="q" label={t("events.list.search")} defaultValue={params.q} style={{ flex: 1, minWidth: 200 }} />
          <NativeSelect
            name="kind"
            label={t("events.list.kind")}
            defaultValue={params.kind ?? ""}
            data={[{ value: "", label: t("events.list.all") }, ...EVENT_KINDS.map((k) => ({ value: k, label: t(`events.kinds.${k}`) }))]}
          />
          <NativeSelect
            name="status"
            label={t("events.list.status")}
            defaultValue={params.status ?? ""}
            data={[{ value: "", label: t("events.list.all") }, ...EVENT_STATUSES.map((s) => ({ value: s, label: t(`events.statuses.${s}`) }))]}
          />
          <NativeSelect
            name="year"
            label={t("events.list.year")}
            defaultValue={params.year ? String(params.year) : ""}
            data={[{ value: "", label: t("events.list.all") }, ...years]}
          />
          <Button type="submit">{t("events.list.filter")}</Button>
          <Button component={Link} to="/events" variant="default">
            {t("events.list.reset")}
          </Button>
        </Group>
      </Form>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" aria-live="polite">
          {t("events.list.count", { count: events.length })}
        </Text>
        <Group gap="xs">
          <Button component="a" href={exportHref("csv")} variant="default" size="compact-sm" leftSection={<IconDownload size={14} aria-hidden />}>
            {t("events.list.exportCsv")}
          </Button>
          <Button component="a" href={exportHref("xlsx")} variant="default" size="compact-sm" leftSection={<IconDownload size={14} aria-hidden />}>
            {t("events.list.exportXlsx")}
          </Button>
        </Group>
      </Group>
      {events.length ? (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("events.list.name")}</Table.Th>
                <Table.Th scope="col">{t("events.list.kind")}</Table.Th>
                <Table.Th scope="col">{t("events.list.dates")}</Table.Th>
                <Table.Th scope="col">{t("events.list.place")}</Table.Th>
                <Table.Th scope="col">{t("events.list.status")}</Table.Th>
                <Table.Th scope="col" ta="right">{t("events.list.participants")}</Table.Th>
                <Table.Th scope="col" ta="right">{t("events.list.checkedIn")}</Table.Th>
                <Table.Th scope="col" ta="right">{t("events.list.meetings")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {events.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>
                    <Anchor component={Link} to={eventPath(e)}>
                      {e.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{t(`events.kinds.${e.kind}`)}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>{e.startsOn === e.endsOn ? e.startsOn : `${e.startsOn} – ${e.endsOn}`}</Table.Td>
                  <Table.Td>{[e.city, e.venue].filter(Boolean).join(" · ")}</Table.Td>
                  <Table.Td>
                    <Badge variant="filled" color={e.status === "open" ? "teal.9" : e.status === "cancelled" ? "gray.7" : "blue.8"} miw="max-content">
                      {t(`events.statuses.${e.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td ta="right">{e.participants}</Table.Td>
                  <Table.Td ta="right">{e.checkedIn}</Table.Td>
                  <Table.Td ta="right">{e.meetings}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text c="dimmed">{t("events.list.none")}</Text>
      )}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "events.list.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
