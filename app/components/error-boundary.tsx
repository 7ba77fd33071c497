import { Button, Container, Stack, Text, Title } from "@mantine/core";
import { isRouteErrorResponse, Link, useRouteError, type ErrorResponse } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { isMessageKey } from "~/locales";
import type { MessageKey } from "~/utils/i18n";

type StatusHandler = (info: { error: ErrorResponse }) => ReactNode;

const byStatus: Record<number, { title: MessageKey; text: MessageKey }> = {
  400: { title: "common.errors.badRequestTitle", text: "common.errors.badRequestText" },
  403: { title: "common.errors.forbiddenTitle", text: "common.errors.forbiddenText" },
  404: { title: "common.errors.notFoundTitle", text: "common.errors.notFoundText" },
  409: { title: "common.errors.staleTitle", text: "common.errors.stale" },
  410: { title: "common.errors.goneTitle", text: "common.errors.goneText" },
  429: { title: "common.errors.tooManyTitle", text: "common.errors.tooManyText" },
};

/**
 * Renders what a loader or action threw: a Response (404, 403, 400, 410 …) as a localized
 * explanation — a translation key as the response body replaces the generic text — and any
 * other error as a generic "something went wrong". Route modules export it as their
 * ErrorBoundary; `statusHandlers` customises one status.
 */
export function GeneralErrorBoundary({
  statusHandlers,
  unexpectedErrorHandler,
}: {
  statusHandlers?: Record<number, StatusHandler>;
  unexpectedErrorHandler?: (error: unknown) => ReactNode;
}) {
  const error = useRouteError();
  const { t } = useTranslation();

  if (typeof document !== "undefined") {
    // Visible in the browser console while developing; the server logs its own side.
    if (!isRouteErrorResponse(error)) console.warn(error);
  }

  let content: ReactNode;
  if (isRouteErrorResponse(error)) {
    const custom = statusHandlers?.[error.status];
    if (custom) {
      content = custom({ error });
    } else {
      const known = byStatus[error.status];
      const detail = typeof error.data === "string" && isMessageKey(error.data) ? error.data : null;
      content = (
        <ErrorText
          title={t(known?.title ?? "common.errors.unexpectedTitle")}
          text={t(detail ?? known?.text ?? "common.errors.unexpectedText")}
          status={error.status}
        />
      );
    }
  } else {
    content = unexpectedErrorHandler?.(error) ?? (
      <ErrorText title={t("common.errors.unexpectedTitle")} text={t("common.errors.unexpectedText")} status={500} />
    );
  }
  return (
    <Container size="sm" py="xl">
      {content}
    </Container>
  );
}

export function ErrorText({ title, text, status }: { title: string; text: string; status?: number }) {
  const { t } = useTranslation();
  return (
    <Stack gap="md" align="flex-start">
      <Title order={1}>{title}</Title>
      <Text size="lg">{text}</Text>
      {status ? (
        <Text c="dimmed" size="sm">
          {t("common.errors.statusCode", { status })}
        </Text>
      ) : null}
      <Button component={Link} to="/" variant="light">
        {t("common.actions.backHome")}
      </Button>
    </Stack>
  );
}
