import { Alert, Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "~/utils/misc";

/** Label / value pairs as a description list (read as pairs by screen readers). */
export function Facts({ items }: { items: { label: string; value: ReactNode }[] }) {
  return (
    <Stack component="dl" gap="xs" m={0}>
      {items.map((item) => (
        <Group key={item.label} gap="sm" align="flex-start" wrap="nowrap">
          <Text component="dt" c="dimmed" size="sm" w={110} style={{ flexShrink: 0 }}>
            {item.label}
          </Text>
          <Text component="dd" size="sm" m={0} style={{ minWidth: 0 }}>
            {item.value}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

export function Tags({ items, color = "indigo" }: { items: string[]; color?: string }) {
  const { t } = useTranslation();
  if (items.length === 0) return <>{t("common.emptyValue")}</>;
  return (
    <Group gap={6} component="span">
      {items.map((k) => (
        <Badge key={k} variant="light" color={color} c="dark.7" radius="sm" tt="none" fw={500}>
          {k}
        </Badge>
      ))}
    </Group>
  );
}

/** Long text as typed: line breaks kept, everything escaped by React (never set as HTML). */
export function LongText({ text }: { text: string | null }) {
  const { t } = useTranslation();
  if (!text) return <Text c="dimmed">{t("catalog.values.none")}</Text>;
  return (
    <Text style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} data-testid="long-text">
      {text}
    </Text>
  );
}

/** Where the record stands in the workflow, for its owner and staff, with the reviewer's comment. */
export function StatusNotice({
  status,
  review,
}: {
  status: string;
  review: { comment: string | null; at: Date | string | null; by: string | null } | null;
}) {
  const { t, i18n } = useTranslation();
  if (review?.comment && status === "draft") {
    return (
      <Alert color="orange" title={t("catalog.detail.reviewComment")} role="note" data-testid="review-comment">
        <Stack gap={4}>
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {review.comment}
          </Text>
          {review.at ? (
            <Text size="xs" c="dimmed">
              {t("catalog.detail.reviewCommentBy", {
                who: review.by ?? t("catalog.errors.staleSomeone"),
                when: formatDateTime(review.at, i18n.language),
              })}
            </Text>
          ) : null}
        </Stack>
      </Alert>
    );
  }
  if (!review) return null;
  if (status === "draft") return <Alert color="gray">{t("catalog.detail.draftNotice")}</Alert>;
  if (status === "pending_review") return <Alert color="yellow">{t("catalog.detail.pendingNotice")}</Alert>;
  return null;
}

/** A titled box in the side column. */
export function SideBox({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}
