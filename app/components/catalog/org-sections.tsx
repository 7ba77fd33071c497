import { Button, Group, Stack, Text, Title } from "@mantine/core";
import { Link } from "@remix-run/react";
import { IconPencil, IconPlus } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { OrgCatalog } from "~/models/catalog.server";
import { RecordTable } from "./record-table";

/**
 * An organization's needs, results and experts on its page, as the viewer may see them (the
 * model filters; drafts only reach its members and staff). Empty kinds are left out unless the
 * viewer may add to them.
 */
export function OrgCatalogSections({
  orgId,
  catalog,
  canAdd,
  showStatus,
  canEditProfile = false,
}: {
  orgId: number;
  catalog: OrgCatalog;
  canAdd: { need: boolean; result: boolean; expert: boolean };
  showStatus: boolean;
  /** staff and the organization's managers (orgs/:orgId/edit checks again) */
  canEditProfile?: boolean;
}) {
  const { t } = useTranslation();
  const sections = [
    { kind: "need" as const, key: "needs", title: t("catalog.org.needs"), records: catalog.needs, add: t("catalog.actions.newNeed"), to: "/needs/new" },
    { kind: "result" as const, key: "results", title: t("catalog.org.results"), records: catalog.results, add: t("catalog.actions.newResult"), to: "/results/new" },
    { kind: "expert" as const, key: "experts", title: t("catalog.org.experts"), records: catalog.experts, add: t("catalog.actions.newExpert"), to: "/experts/new" },
  ].filter((s) => s.records.length > 0 || canAdd[s.kind]);

  if (sections.length === 0 && !canEditProfile) return null;
  return (
    <Stack gap="lg" data-testid="org-catalog">
      {canEditProfile ? (
        <Group>
          <Button component={Link} to={`/orgs/${orgId}/edit`} variant="default" size="compact-sm" leftSection={<IconPencil size={14} aria-hidden />}>
            {t("catalog.orgProfile.edit")}
          </Button>
        </Group>
      ) : null}
      {showStatus ? (
        <Text size="sm" c="dimmed">
          {t("catalog.org.draftsNote")}
        </Text>
      ) : null}
      {sections.map((s) => (
        <section key={s.key} aria-labelledby={`org-${s.key}`}>
          <Group justify="space-between" mb="sm">
            <Title order={2} size="h3" id={`org-${s.key}`}>
              {s.title} ({s.records.length})
            </Title>
            {canAdd[s.kind] ? (
              <Button component={Link} to={`${s.to}?org=${orgId}`} size="compact-sm" variant="light" leftSection={<IconPlus size={14} aria-hidden />}>
                {s.add}
              </Button>
            ) : null}
          </Group>
          {s.records.length ? (
            <RecordTable records={s.records} caption={s.title} showStatus={showStatus} testId={`org-${s.key}`} />
          ) : (
            <Text c="dimmed" size="sm">
              {t("catalog.org.none")}
            </Text>
          )}
        </section>
      ))}
    </Stack>
  );
}
