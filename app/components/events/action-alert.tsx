import { Alert } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { toMessageKey } from "~/utils/i18n";

// A refused action's messages (form-level and per-field) as one alert, for the small forms of
// the events pages that do not lay out errors next to each input. role="alert" announces it.

type Reply = { intent?: unknown; result?: { error?: Record<string, string[] | null> | null } | null } | null | undefined;

export function messagesOf(reply: Reply, intent?: string): string[] {
  if (!reply || (intent !== undefined && reply.intent !== intent)) return [];
  const error = reply.result?.error ?? {};
  return [...new Set(Object.values(error).flatMap((m) => m ?? []))];
}

export function ActionAlert({ reply, intent }: { reply: Reply; intent?: string }) {
  const { t } = useTranslation();
  const messages = messagesOf(reply, intent);
  if (!messages.length) return null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle aria-hidden />} role="alert">
      {messages.map((m) => (
        <div key={m}>{t(toMessageKey(m))}</div>
      ))}
    </Alert>
  );
}
