import { Anchor, Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { isMessageKey } from "~/locales";
import type { SearchHit } from "~/utils/search-params";
import { Highlighted } from "./highlight";

function amount(value: number | null | undefined) {
  return value === null || value === undefined ? null : value.toLocaleString("zh-CN", { maximumFractionDigits: 2 });
}

/** One hit: highlighted title linking to its detail page, facts, a snippet around the match. */
export function HitCard({ hit, showStatus }: { hit: SearchHit; showStatus: boolean }) {
  const { t } = useTranslation();
  const label = (key: string, raw: string) => (isMessageKey(key) ? t(key) : raw);
  const place = hit.town ?? hit.city;
  const money =
    hit.type === "need"
      ? hit.budget_wan === null || hit.budget_wan === undefined
        ? t("search.hit.negotiable")
        : t("search.hit.budget", { amount: amount(hit.budget_wan) })
      : hit.type === "result"
        ? hit.price_wan === null || hit.price_wan === undefined
          ? t("search.hit.negotiable")
          : t("search.hit.price", { amount: amount(hit.price_wan) })
        : null;

  return (
    <Paper component="article" withBorder p="md" radius="md" data-testid="search-hit" data-ref={hit.ref}>
      <Stack gap={6}>
        <Title order={3} size="h4" fw={600}>
          <Anchor component={Link} to={hit.url} prefetch="intent">
            <Highlighted html={hit.highlights.title} />
          </Anchor>
        </Title>
        <Group gap="xs" wrap="wrap">
          <Text size="sm" c="dimmed">
            {[hit.org_name, place, hit.type === "expert" ? hit.job_title : null, hit.type === "result" && hit.lead_name ? t("search.hit.lead", { name: hit.lead_name }) : null]
              .filter(Boolean)
              .join(" · ")}
          </Text>
          {hit.fields.map((f) => (
            <Badge key={f} variant="light" size="sm">
              {f}
            </Badge>
          ))}
          {hit.maturity ? (
            <Badge variant="outline" size="sm" color="teal">
              {hit.maturity}
            </Badge>
          ) : null}
          {hit.honors?.map((h) => (
            <Badge key={h} variant="outline" size="sm" color="grape">
              {h}
            </Badge>
          ))}
          {showStatus && hit.status !== "published" ? (
            <Badge variant="outline" size="sm" color="gray">
              {label(`search.status.${hit.status}`, hit.status)}
            </Badge>
          ) : null}
          {showStatus && hit.visibility !== "public" ? (
            <Badge variant="outline" size="sm" color="orange">
              {label(`search.visibility.${hit.visibility}`, hit.visibility)}
            </Badge>
          ) : null}
        </Group>
        {hit.highlights.text ? (
          <Text size="sm">
            <Highlighted html={hit.highlights.text} />
          </Text>
        ) : null}
        <Group gap="xs" wrap="wrap">
          {hit.highlights.tags.map((tag, i) => (
            <Text key={i} size="xs" c="dimmed" component="span">
              #<Highlighted html={tag} />
            </Text>
          ))}
        </Group>
        {money || hit.cooperation?.length || hit.deadline ? (
          <Text size="sm" c="dimmed">
            {[money, hit.cooperation?.join("、"), hit.deadline ? t("search.hit.deadline", { date: hit.deadline }) : null]
              .filter(Boolean)
              .join(" · ")}
          </Text>
        ) : null}
      </Stack>
    </Paper>
  );
}
