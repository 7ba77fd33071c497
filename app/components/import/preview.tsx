import { Alert, Badge, Button, Group, List, Pagination, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "@remix-run/react";
import { IconAlertCircle, IconInfoCircle } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { ACTION_COLORS, ROW_ACTIONS, type ImportKindValue, type RowAction } from "./kinds";

// The dry run's figures, file-level problems and the row table of /import/:id. Filters and
// pages are links (?show=rejected&page=2): they work without JavaScript.

export type Counts = Record<RowAction, number>;
export type Issue = { severity: "error" | "warning"; file: string | null; row: number | null; column: string | null; message: string };
export type Row = {
  n: number;
  file: string;
  row: number;
  kind: ImportKindValue;
  ref: string | null;
  title: string | null;
  action: RowAction;
  changes: string[];
  issues: Issue[];
};
export type Filter = "all" | RowAction;

const NOWRAP = { whiteSpace: "nowrap" } as const;

export function CountsGrid({ counts }: { counts: Counts }) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" role="list" aria-label={t("import.preview.countsLabel")} data-testid="import-counts">
      {ROW_ACTIONS.map((a) => (
        <Paper key={a} withBorder p="md" radius="md" role="listitem" data-testid={`count-${a}`}>
          <Text size="sm" c="dimmed">
            {t(`import.preview.counts.${a}`)}
          </Text>
          <Text fz={28} fw={700} c={counts[a] > 0 ? `${ACTION_COLORS[a]}.8` : undefined} lh={1.2}>
            {counts[a].toLocaleString()}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

export function ByKindTable({ byKind }: { byKind: Partial<Record<ImportKindValue, Counts>> }) {
  const { t } = useTranslation();
  const kinds = Object.entries(byKind);
  if (kinds.length < 2) return null;
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table withTableBorder captionSide="top" data-testid="import-by-kind">
        <Table.Caption>{t("import.preview.byKind")}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t("import.preview.kind")}</Table.Th>
            {ROW_ACTIONS.map((a) => (
              <Table.Th key={a} scope="col" ta="right">
                {t(`import.preview.counts.${a}`)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {kinds.map(([kind, c]) => (
            <Table.Tr key={kind}>
              <Table.Th scope="row">{isKind(kind) ? t(`import.kinds.${kind}`) : kind}</Table.Th>
              {ROW_ACTIONS.map((a) => (
                <Table.Td key={a} ta="right">
                  {(c?.[a] ?? 0).toLocaleString()}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function isKind(k: string): k is ImportKindValue {
  return k === "needs" || k === "results" || k === "experts" || k === "organizations";
}

function where(i: Issue) {
  return [i.file, i.row ? `#${i.row}` : null].filter(Boolean).join(" ");
}

/** Problems of whole files: errors block the import; warnings are notes. */
export function FileIssues({ issues }: { issues: Issue[] }) {
  const { t } = useTranslation();
  const errors = issues.filter((i) => i.severity === "error");
  const warnings = issues.filter((i) => i.severity === "warning");
  return (
    <>
      {errors.length ? (
        <Alert color="red" title={t("import.preview.fileErrors")} icon={<IconAlertCircle aria-hidden />} role="alert" data-testid="import-file-errors">
          <List size="sm" spacing={4}>
            {errors.map((i, k) => (
              <List.Item key={k}>
                {where(i) ? <Text span fw={600}>{where(i)}：</Text> : null}
                {i.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
      {warnings.length ? (
        <Alert color="yellow" title={t("import.preview.fileWarnings")} icon={<IconInfoCircle aria-hidden />} data-testid="import-file-warnings">
          <List size="sm" spacing={4}>
            {warnings.map((i, k) => (
              <List.Item key={k}>
                {where(i) ? <Text span fw={600}>{where(i)}：</Text> : null}
                {i.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
    </>
  );
}

export function RowsTable({
  rows,
  counts,
  filter,
  page,
  pages,
  total,
  multipleFiles,
  href,
}: {
  rows: Row[];
  counts: Counts;
  filter: Filter;
  page: number;
  pages: number;
  total: number;
  multipleFiles: boolean;
  href: (filter: Filter, page: number) => string;
}) {
  const { t } = useTranslation();
  const all = ROW_ACTIONS.reduce((s, a) => s + counts[a], 0);
  const filters: { value: Filter; label: string; count: number }[] = [
    { value: "all", label: t("import.preview.all"), count: all },
    ...ROW_ACTIONS.filter((a) => counts[a] > 0).map((a) => ({ value: a, label: t(`import.preview.counts.${a}`), count: counts[a] })),
  ];
  return (
    <Stack gap="sm" component="section" aria-labelledby="import-rows-title">
      <Title order={2} size="h3" id="import-rows-title">
        {t("import.preview.rowsTitle")}
      </Title>
      <Group gap="xs" component="nav" aria-label={t("import.preview.filter")} data-testid="import-filters">
        {filters.map((f) => (
          <Button
            key={f.value}
            component={Link}
            to={href(f.value, 1)}
            preventScrollReset
            size="xs"
            variant={f.value === filter ? "filled" : "light"}
            color={f.value === "all" ? undefined : ACTION_COLORS[f.value]}
            aria-current={f.value === filter ? "page" : undefined}
          >
            {f.label} ({f.count.toLocaleString()})
          </Button>
        ))}
      </Group>
      {rows.length === 0 ? (
        <Text c="dimmed">{t("import.preview.noRows")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped verticalSpacing="xs" aria-labelledby="import-rows-title" data-testid="import-rows">
            <Table.Thead>
              <Table.Tr>
                {multipleFiles ? <Table.Th scope="col" style={NOWRAP}>{t("import.preview.table.file")}</Table.Th> : null}
                <Table.Th scope="col" style={NOWRAP}>{t("import.preview.table.row")}</Table.Th>
                <Table.Th scope="col" style={NOWRAP}>{t("import.preview.table.kind")}</Table.Th>
                <Table.Th scope="col" style={NOWRAP}>{t("import.preview.table.ref")}</Table.Th>
                <Table.Th scope="col">{t("import.preview.table.title")}</Table.Th>
                <Table.Th scope="col" style={NOWRAP}>{t("import.preview.table.action")}</Table.Th>
                <Table.Th scope="col">{t("import.preview.table.details")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.n} data-action={r.action}>
                  {multipleFiles ? <Table.Td style={NOWRAP}>{r.file}</Table.Td> : null}
                  <Table.Td style={NOWRAP}>{r.row}</Table.Td>
                  <Table.Td style={NOWRAP}>{t(`import.kinds.${r.kind}`)}</Table.Td>
                  <Table.Td style={NOWRAP}>
                    <Text size="sm" ff="monospace">
                      {r.ref ?? t("common.emptyValue")}
                    </Text>
                  </Table.Td>
                  <Table.Td miw={160} maw={280}>
                    <Text size="sm" lineClamp={2}>
                      {r.title ?? t("common.emptyValue")}
                    </Text>
                  </Table.Td>
                  <Table.Td style={NOWRAP}>
                    <Badge color={ACTION_COLORS[r.action]} variant="light" tt="none" style={{ minWidth: "max-content" }}>
                      {t(`import.preview.counts.${r.action}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <RowDetails row={r} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="space-between" gap="sm">
        <Text size="sm" c="dimmed">
          {t("import.preview.page", { page, pages, total: total.toLocaleString() })}
        </Text>
        {pages > 1 ? (
          <Pagination
            total={pages}
            value={page}
            size="sm"
            getItemProps={(p) => ({ component: Link, to: href(filter, p), preventScrollReset: true })}
            getControlProps={(control) => {
              const p = { first: 1, previous: page - 1, next: page + 1, last: pages }[control];
              const disabled = p < 1 || p > pages || p === page;
              return disabled ? {} : { component: Link, to: href(filter, p), preventScrollReset: true };
            }}
          />
        ) : null}
      </Group>
    </Stack>
  );
}

function RowDetails({ row }: { row: Row }) {
  const { t } = useTranslation();
  const errors = row.issues.filter((i) => i.severity === "error");
  const warnings = row.issues.filter((i) => i.severity === "warning");
  return (
    <Stack gap={2}>
      {errors.map((i, k) => (
        <Text key={`e${k}`} size="sm" c="red.8">
          {i.column && !i.message.includes(i.column) ? (
            <Text span fw={600}>
              {t("import.preview.column", { column: i.column })}：
            </Text>
          ) : null}
          {i.message}
        </Text>
      ))}
      {row.action === "updated" && row.changes.length ? (
        <Text size="sm">{t("import.preview.changed", { fields: row.changes.join("、") })}</Text>
      ) : null}
      {warnings.map((i, k) => (
        <Text key={`w${k}`} size="sm" c="dimmed">
          {i.message}
        </Text>
      ))}
    </Stack>
  );
}
