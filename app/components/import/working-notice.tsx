import { Alert, Group, Loader, Progress, Stack, Text } from "@mantine/core";

/**
 * Shown while an upload is checked or an import runs (Remix's navigation state): the server
 * sends nothing until it is done, so this says that work is happening. An indeterminate bar —
 * the request has no progress to report. Announced politely to screen readers.
 */
export function WorkingNotice({ title, hint }: { title: string; hint: string }) {
  return (
    <Alert color="indigo" variant="light" role="status" aria-live="polite" data-testid="import-working">
      <Stack gap="xs">
        <Group gap="sm" wrap="nowrap">
          <Loader size="sm" aria-hidden />
          <Text fw={600}>{title}</Text>
        </Group>
        <Progress value={100} animated striped aria-hidden />
        <Text size="sm">{hint}</Text>
      </Stack>
    </Alert>
  );
}
