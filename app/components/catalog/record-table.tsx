import { Anchor, Stack, Table, Text } from "@mantine/core";
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { RecordSummary } from "~/models/catalog.server";
import { formatDate } from "~/utils/misc";
import { StatusBadge, useCatalogLabels } from "./labels";

/**
 * Records as a table: title (a link), status, field, and optionally the organization and the
 * reviewer's comment (workspace). `caption` names the table for screen readers.
 */
export function RecordTable({
  records,
  caption,
  showOrg = false,
  showComment = false,
  showStatus = true,
  testId,
}: {
  records: RecordSummary[];
  caption: string;
  showOrg?: boolean;
  showComment?: boolean;
  showStatus?: boolean;
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  const labels = useCatalogLabels();
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped highlightOnHover data-testid={testId} aria-label={caption}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t("catalog.list.title")}</Table.Th>
            {showOrg ? <Table.Th scope="col">{t("catalog.list.org")}</Table.Th> : null}
            <Table.Th scope="col">{t("catalog.list.field")}</Table.Th>
            {showStatus ? <Table.Th scope="col">{t("catalog.list.status")}</Table.Th> : null}
            {showComment ? <Table.Th scope="col">{t("catalog.list.comment")}</Table.Th> : null}
            <Table.Th scope="col">{t("catalog.list.updated")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {records.map((r) => (
            <Table.Tr key={`${r.kind}-${r.id}`}>
              <Table.Td>
                <Stack gap={2}>
                  <Anchor component={Link} to={r.path} fw={500}>
                    {r.title}
                  </Anchor>
                  {r.subtitle && r.kind !== "need" ? (
                    <Text size="xs" c="dimmed">
                      {r.kind === "result" ? labels.maturity(r.subtitle) : r.subtitle}
                    </Text>
                  ) : null}
                </Stack>
              </Table.Td>
              {showOrg ? <Table.Td>{r.orgName}</Table.Td> : null}
              <Table.Td>{r.field ? labels.field(r.field) : t("common.emptyValue")}</Table.Td>
              {showStatus ? (
                <Table.Td>
                  <StatusBadge status={r.status} size="sm" />
                </Table.Td>
              ) : null}
              {showComment ? (
                <Table.Td>
                  {r.reviewComment ? (
                    <Text size="sm" c={r.status === "draft" ? "red.8" : "dimmed"} style={{ whiteSpace: "pre-wrap" }}>
                      {r.reviewComment}
                    </Text>
                  ) : (
                    t("common.emptyValue")
                  )}
                </Table.Td>
              ) : null}
              <Table.Td>{formatDate(r.updatedAt, i18n.language)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A short list of related records (a heading, links, or "none yet"). */
export function RelatedList({ title, records, id }: { title: string; records: RecordSummary[]; id: string }) {
  const { t } = useTranslation();
  const labels = useCatalogLabels();
  return (
    <section aria-labelledby={id}>
      <Text component="h2" fw={700} size="lg" id={id} mb="xs">
        {title}
      </Text>
      {records.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t("catalog.detail.noRelated")}
        </Text>
      ) : (
        <Stack gap={6} component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {records.map((r) => (
            <li key={`${r.kind}-${r.id}`}>
              <Anchor component={Link} to={r.path}>
                {r.title}
              </Anchor>
              <Text span size="xs" c="dimmed">
                {" · "}
                {r.orgName}
                {r.field ? ` · ${labels.field(r.field)}` : ""}
              </Text>
            </li>
          ))}
        </Stack>
      )}
    </section>
  );
}
