import { Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { IconFileSpreadsheet, IconFileTypeCsv } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { ImportKindValue } from "./kinds";

/** Download links for an empty spreadsheet per kind (plain links: they work without JavaScript). */
export function TemplateLinks({ kinds }: { kinds: readonly ImportKindValue[] }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="import-templates-title">
      <Stack gap="sm">
        <Title order={2} size="h3" id="import-templates-title">
          {t("import.templates.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("import.templates.intro")}
        </Text>
        {kinds.map((kind) => (
          <Group key={kind} gap="xs" data-testid={`template-${kind}`}>
            {(["xlsx", "csv"] as const).map((format) => (
              <Button
                key={format}
                component="a"
                href={`/import/template?kind=${kind}&format=${format}`}
                download
                variant="default"
                size="xs"
                leftSection={format === "csv" ? <IconFileTypeCsv size={14} aria-hidden /> : <IconFileSpreadsheet size={14} aria-hidden />}
              >
                {t("import.templates.link", { kind: t(`import.kinds.${kind}`), format: format === "csv" ? "CSV" : "Excel" })}
              </Button>
            ))}
          </Group>
        ))}
        <Text size="xs" c="dimmed">
          {t("import.templates.required")}
        </Text>
      </Stack>
    </Paper>
  );
}
