import { Anchor, Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { openInbox } from "~/models/match-overview.server";
import { requireUser } from "~/utils/auth.server";
import { getT } from "~/utils/i18n";
import { rootLocale } from "~/utils/meta";
import { formatDateTime } from "~/utils/misc";

// /inbox — new strong suggestions for the member's organizations' needs, results and experts
// since the last visit (issue 4). Opening the page is the visit: the nav badge (root loader,
// inboxCount) counts what appeared after it. How "since the last visit" works:
// docs/decisions/031-match-inbox.md.

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return openInbox(user);
}

const PATHS = {
  need: "/needs",
  result: "/results",
  expert: "/experts",
} as const;

export default function InboxRoute() {
  const { t, i18n } = useTranslation();
  const { orgs, lastVisit, items } = useLoaderData<typeof loader>();
  return (
    <Stack maw={900} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("match.inbox.title")}</Title>
        <Text c="dimmed">{t("match.inbox.intro")}</Text>
        <Text size="sm" data-testid="inbox-last-visit">
          {lastVisit
            ? t("match.inbox.since", {
                date: formatDateTime(lastVisit, i18n.language),
              })
            : t("match.inbox.firstVisit")}
        </Text>
      </Stack>
      {orgs === 0 ? (
        <Text c="dimmed">{t("match.inbox.noOrg")}</Text>
      ) : items.length === 0 ? (
        <Text c="dimmed" data-testid="inbox-empty">
          {t("match.inbox.empty")}
        </Text>
      ) : (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: "none" }} data-testid="inbox-items">
          {items.map((it) => {
            // The member's own record is where the suggestion can be accepted or dismissed.
            const mine =
              it.side === "need"
                ? {
                    path: `${PATHS.need}/${encodeURIComponent(it.need_ref)}`,
                    title: it.need_title,
                  }
                : {
                    path: `${PATHS[it.other_kind]}/${encodeURIComponent(it.other_ref)}`,
                    title: it.other_title,
                  };
            const suggested = it.side === "need" ? it.other_title : it.need_title;
            return (
              <Paper component="li" withBorder p="sm" key={`${it.need_id}:${it.other_kind}:${it.other_id}`} data-testid="inbox-item">
                <Stack gap={4}>
                  <Group gap="xs">
                    {it.is_new ? (
                      <Badge color="red" size="sm">
                        {t("match.inbox.newBadge")}
                      </Badge>
                    ) : null}
                    <Badge color="teal" variant="light" size="sm">
                      {t("match.panel.labels.strong")} · {it.score.toFixed(2)}
                    </Badge>
                    <Text size="xs" c="dimmed">
                      {formatDateTime(it.first_seen_at, i18n.language)}
                    </Text>
                  </Group>
                  <Text size="sm">
                    {it.side === "need"
                      ? t("match.inbox.forNeed", { title: mine.title })
                      : t("match.inbox.forOther", {
                          kind: t(`match.panel.kinds.${it.other_kind}`),
                          title: mine.title,
                        })}
                  </Text>
                  <Text size="sm" fw={600}>
                    {t("match.inbox.suggested", { title: suggested })}
                  </Text>
                  <Anchor component={Link} to={mine.path} size="sm">
                    {t("match.inbox.open")}
                  </Anchor>
                </Stack>
              </Paper>
            );
          })}
        </Stack>
      )}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => {
  const t = getT(rootLocale(matches));
  return [{ title: `${t("match.inbox.title")} · ${t("common.brand")}` }];
};

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
