import { parseWithZod } from "@conform-to/zod";
import { Anchor, Button, Group, NativeSelect, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ActionAlert } from "~/components/events/action-alert";
import { addSlot, addTables, deleteSlot, deleteTable, generateSlots, listSlots, listTables, requireManagedEvent, updateTable } from "~/models/event.server";
import { requireUser } from "~/utils/auth.server";
import { actorOf, attempt, badForm, refused } from "~/utils/event-actions.server";
import {
  AddSlotSchema,
  AddTablesSchema,
  DeleteSlotSchema,
  DeleteTableSchema,
  eventDays,
  eventPath,
  GenerateSlotsSchema,
  rangeLabel,
  UpdateTableSchema,
} from "~/utils/events";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// Schemas: GenerateSlotsSchema, AddSlotSchema, DeleteSlotSchema, AddTablesSchema,
// UpdateTableSchema, DeleteTableSchema (~/utils/events), dispatched on `intent`.
// The event's organizers and admins only.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireManagedEvent(user, params.id);
  const [slots, tables] = await Promise.all([listSlots(event.id), listTables(event.id)]);
  return { event, slots, tables, days: eventDays(event.startsOn, event.endsOn) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const event = await requireManagedEvent(user, params.id);
  const actor = actorOf(user, context);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const here = eventPath(event, "/setup");
  switch (intent) {
    case "generateSlots": {
      const s = parseWithZod(formData, { schema: GenerateSlotsSchema });
      if (s.status !== "success") return badForm(intent, s);
      const done = await attempt(() => generateSlots(actor, { eventId: event.id, ...s.value }));
      if (!done.ok) return refused(intent, s, done.problem);
      return redirectWithToast(here, { description: "events.setup.generated", values: { count: done.value.created } });
    }
    case "addSlot": {
      const s = parseWithZod(formData, { schema: AddSlotSchema });
      if (s.status !== "success") return badForm(intent, s);
      const done = await attempt(() => addSlot(actor, { eventId: event.id, ...s.value }));
      if (!done.ok) return refused(intent, s, done.problem);
      return redirectWithToast(here, { description: "events.setup.slotAdded" });
    }
    case "deleteSlot": {
      const s = parseWithZod(formData, { schema: DeleteSlotSchema });
      if (s.status !== "success") return badForm(intent, s);
      const done = await attempt(() => deleteSlot(actor, { eventId: event.id, ...s.value }));
      if (!done.ok) return refused(intent, s, done.problem);
      return redirectWithToast(here, { description: "events.setup.slotDeleted" });
    }
    case "addTables": {
      const s = parseWithZod(formData, { schema: AddTablesSchema });
      if (s.status !== "success") return badForm(intent, s);
      const done = await attempt(() => addTables(actor, { eventId: event.id, ...s.value }));
      if (!done.ok) return refused(intent, s, done.problem);
      return redirectWithToast(here, { description: "events.setup.tablesAdded", values: { count: done.value.created } });
    }
    case "updateTable": {
      const s = parseWithZod(formData, { schema: UpdateTableSchema });
      if (s.status !== "success") return badForm(intent, s);
      const done = await attempt(() => updateTable(actor, { eventId: event.id, ...s.value }));
      if (!done.ok) return refused(intent, s, done.problem);
      return redirectWithToast(here, { description: "events.setup.tableSaved" });
    }
    case "deleteTable": {
      const s = parseWithZod(formData, { schema: DeleteTableSchema });
      if (s.status !== "success") return badForm(intent, s);
      const done = await attempt(() => deleteTable(actor, { eventId: event.id, ...s.value }));
      if (!done.ok) return refused(intent, s, done.problem);
      return redirectWithToast(here, { description: "events.setup.tableDeleted" });
    }
    default:
      throw new Response("Bad request", { status: 400 });
  }
}

export default function EventSetupRoute() {
  const { t } = useTranslation();
  const { event, slots, tables, days } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const dayOptions = days.map((d) => ({ value: d, label: d }));
  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("events.setup.title")}</Title>
        <Text c="dimmed">
          <Anchor component={Link} to={eventPath(event)}>
            {event.name}
          </Anchor>
        </Text>
      </Stack>

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="slots-title">
        <Title order={2} size="h3" id="slots-title" mb="sm">
          {t("events.setup.slots")}
        </Title>
        <Form method="post" aria-labelledby="generate-title">
          <input type="hidden" name="intent" value="generateSlots" />
          <Title order={3} size="h5" id="generate-title" mb="xs">
            {t("events.setup.generate")}
          </Title>
          <Stack gap="xs">
            <ActionAlert reply={reply} intent="generateSlots" />
            <Group align="flex-end" wrap="wrap">
              <NativeSelect name="day" label={t("events.setup.day")} data={dayOptions} />
              <TextInput name="from" label={t("events.setup.from")} defaultValue="09:00" w={110} />
              <TextInput name="to" label={t("events.setup.to")} defaultValue="17:00" w={110} />
              <TextInput name="minutes" label={t("events.setup.minutes")} placeholder={event.slotMinutes ? String(event.slotMinutes) : ""} w={130} inputMode="numeric" />
              <TextInput name="breakFrom" label={t("events.setup.breakFrom")} placeholder="12:00" w={150} />
              <TextInput name="breakTo" label={t("events.setup.breakTo")} placeholder="13:30" w={150} />
              <Button type="submit">{t("events.setup.generate")}</Button>
            </Group>
            <Text size="xs" c="dimmed">
              {t("events.setup.minutesHint")}
            </Text>
          </Stack>
        </Form>
        <Form method="post" aria-labelledby="addslot-title" style={{ marginTop: 16 }}>
          <input type="hidden" name="intent" value="addSlot" />
          <Title order={3} size="h5" id="addslot-title" mb="xs">
            {t("events.setup.addSlot")}
          </Title>
          <Stack gap="xs">
            <ActionAlert reply={reply} intent="addSlot" />
            <Group align="flex-end" wrap="wrap">
              <NativeSelect name="day" label={t("events.setup.day")} data={dayOptions} />
              <TextInput name="from" label={t("events.setup.from")} w={110} />
              <TextInput name="to" label={t("events.setup.to")} w={110} />
              <TextInput name="label" label={t("events.setup.label")} w={180} />
              <Button type="submit" variant="default">
                {t("events.setup.add")}
              </Button>
            </Group>
          </Stack>
        </Form>
        <ActionAlert reply={reply} intent="deleteSlot" />
        {slots.length ? (
          <Table mt="md" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("events.setup.time")}</Table.Th>
                <Table.Th scope="col">{t("events.setup.label")}</Table.Th>
                <Table.Th scope="col">{t("events.setup.meetings")}</Table.Th>
                <Table.Th scope="col" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {slots.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{rangeLabel(s.startsAt, s.endsAt)}</Table.Td>
                  <Table.Td>{s.label ?? ""}</Table.Td>
                  <Table.Td>{s.meetings}</Table.Td>
                  <Table.Td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="deleteSlot" />
                      <input type="hidden" name="slotId" value={s.id} />
                      <input type="hidden" name="version" value={s.version} />
                      <Button type="submit" variant="subtle" color="red" size="compact-sm" aria-label={t("events.setup.deleteSlotLabel", { range: rangeLabel(s.startsAt, s.endsAt) })}>
                        {t("events.setup.deleteSlot")}
                      </Button>
                    </Form>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text c="dimmed" mt="md">
            {t("events.setup.noSlots")}
          </Text>
        )}
      </Paper>

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="tables-title">
        <Title order={2} size="h3" id="tables-title" mb="sm">
          {t("events.setup.tables")}
        </Title>
        <Form method="post">
          <input type="hidden" name="intent" value="addTables" />
          <Stack gap="xs">
            <ActionAlert reply={reply} intent="addTables" />
            <Group align="flex-end" wrap="wrap">
              <TextInput name="label" label={t("events.setup.tableLabel")} description={t("events.setup.tableLabelHint")} defaultValue="洽谈桌" w={260} />
              <TextInput name="capacity" label={t("events.setup.capacity")} defaultValue="4" w={100} inputMode="numeric" />
              <TextInput name="count" label={t("events.setup.count")} defaultValue="1" w={100} inputMode="numeric" />
              <Button type="submit">{t("events.setup.addTables")}</Button>
            </Group>
          </Stack>
        </Form>
        <ActionAlert reply={reply} intent="updateTable" />
        <ActionAlert reply={reply} intent="deleteTable" />
        {tables.length ? (
          <Table mt="md" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("events.setup.tableLabel")}</Table.Th>
                <Table.Th scope="col">{t("events.setup.capacity")}</Table.Th>
                <Table.Th scope="col">{t("events.setup.meetings")}</Table.Th>
                <Table.Th scope="col" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tables.map((tb) => (
                <Table.Tr key={tb.id}>
                  <Table.Td colSpan={2}>
                    <Form method="post">
                      <input type="hidden" name="intent" value="updateTable" />
                      <input type="hidden" name="tableId" value={tb.id} />
                      <input type="hidden" name="version" value={tb.version} />
                      <Group gap="xs" wrap="nowrap">
                        <TextInput name="label" defaultValue={tb.label} aria-label={t("events.setup.tableLabel")} size="xs" w={160} />
                        <TextInput name="capacity" defaultValue={String(tb.capacity)} aria-label={t("events.setup.capacity")} size="xs" w={70} inputMode="numeric" />
                        <Button type="submit" size="compact-xs" variant="default">
                          {t("events.setup.saveTable")}
                        </Button>
                      </Group>
                    </Form>
                  </Table.Td>
                  <Table.Td>{tb.meetings}</Table.Td>
                  <Table.Td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="deleteTable" />
                      <input type="hidden" name="tableId" value={tb.id} />
                      <input type="hidden" name="version" value={tb.version} />
                      <Button type="submit" variant="subtle" color="red" size="compact-sm" aria-label={t("events.setup.deleteTableLabel", { label: tb.label })}>
                        {t("events.setup.deleteTable")}
                      </Button>
                    </Form>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text c="dimmed" mt="md">
            {t("events.setup.noTables")}
          </Text>
        )}
      </Paper>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "events.setup.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
