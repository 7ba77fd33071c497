import { Alert, List, Text } from "@mantine/core";
import { IconListCheck } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { QualityCheck } from "~/utils/need-quality";

// On a need's page, for its enterprise and staff while it is a draft or under review: what
// industry reviewers will ask for that the need does not say yet (app/models/need-quality.server.ts,
// decision 070), each with a hint. Re-computed on every view, so items disappear as the need is
// edited; the organizer's send-back comment names the same items.

export function NeedQualityNotice({ missing }: { missing: readonly QualityCheck[] }) {
  const { t } = useTranslation();
  if (missing.length === 0) return null;
  return (
    <Alert color="orange.9" variant="light" icon={<IconListCheck aria-hidden />} title={t("admin.quality.ownerTitle")} data-testid="need-quality">
      <Text size="sm" mb={4}>
        {t("admin.quality.ownerIntro")}
      </Text>
      <List size="sm" spacing={2}>
        {missing.map((m) => (
          <List.Item key={m}>
            <Text span fw={600} size="sm">
              {t(`admin.quality.checks.${m}`)}
            </Text>
            {" — "}
            {t(`admin.quality.hints.${m}`)}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
