import { Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ParticipantSchedule, TableSchedule } from "~/models/schedule.server";
import { slotLabel } from "./time";

// One participant's or one table's schedule as a plain table: the same markup on screen, on
// paper (schedule.css) and for screen readers (caption, scoped headers).


export function ParticipantSheet({ schedule, eventName, headingLevel = 2 }: { schedule: ParticipantSchedule; eventName: string; headingLevel?: 2 | 3 }) {
  const { t, i18n } = useTranslation();
  return (
    <Stack className="schedule-sheet" gap="xs" component="section" aria-label={schedule.name}>
      <Title order={headingLevel}>{t("schedule.print.participant", { name: schedule.name })}</Title>
      <Text size="sm">{eventName}</Text>
      <Text>
        {t("schedule.print.code")}: <span className="schedule-code">{schedule.code}</span>
      </Text>
      {schedule.entries.length === 0 ? (
        <Text>{t("schedule.print.none")}</Text>
      ) : (
        <Table withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t("schedule.columns.slot")}</Table.Th>
              <Table.Th scope="col">{t("schedule.columns.table")}</Table.Th>
              <Table.Th scope="col">{t("schedule.columns.with")}</Table.Th>
              <Table.Th scope="col">{t("schedule.columns.status")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {schedule.entries.map((e) => (
              <Table.Tr key={e.meetingId}>
                <Table.Th scope="row" style={{ whiteSpace: "nowrap" }}>
                  {slotLabel(e.slot, i18n.language, true)}
                </Table.Th>
                <Table.Td>{e.table.label}</Table.Td>
                <Table.Td>{e.with.join("、")}</Table.Td>
                <Table.Td>{t(`schedule.status.${e.status as "scheduled"}`)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="xs">{t("schedule.print.footer")}</Text>
    </Stack>
  );
}

export function TableSheet({ schedule, eventName }: { schedule: TableSchedule; eventName: string }) {
  const { t, i18n } = useTranslation();
  return (
    <Stack className="schedule-sheet" gap="xs" component="section" aria-label={schedule.table.label}>
      <Title order={2}>{t("schedule.print.table", { label: schedule.table.label, capacity: schedule.table.capacity })}</Title>
      <Text size="sm">{eventName}</Text>
      {schedule.entries.length === 0 ? (
        <Text>{t("schedule.print.none")}</Text>
      ) : (
        <Table withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t("schedule.columns.slot")}</Table.Th>
              <Table.Th scope="col">{t("schedule.columns.parties")}</Table.Th>
              <Table.Th scope="col">{t("schedule.columns.code")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {schedule.entries.map((e) => (
              <Table.Tr key={e.meetingId}>
                <Table.Th scope="row" style={{ whiteSpace: "nowrap" }}>
                  {slotLabel(e.slot, i18n.language, true)}
                </Table.Th>
                <Table.Td>{e.parties.map((p) => p.name).join("、")}</Table.Td>
                <Table.Td>{e.parties.map((p) => p.code).join("、")}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
