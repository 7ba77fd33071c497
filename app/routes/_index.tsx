import { Anchor, Badge, Button, Card, Group, List, Paper, SimpleGrid, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { IconBuildingFactory2, IconCalendarEvent, IconFlask, IconSparkles } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getLandingStats } from "~/models/home.server";
import type { loader as rootLoader } from "~/root";
import { getT } from "~/utils/i18n";
import { rootLocale } from "~/utils/meta";

export async function loader() {
  return { stats: await getLandingStats() };
}

export default function Index() {
  const { t } = useTranslation();
  const { stats } = useLoaderData<typeof loader>();
  const user = useRouteLoaderData<typeof rootLoader>("root")?.user;

  const figures = [
    { key: "needs", label: t("home.stats.needs"), value: stats.needs },
    { key: "results", label: t("home.stats.results"), value: stats.results },
    { key: "experts", label: t("home.stats.experts"), value: stats.experts },
    { key: "orgs", label: t("home.stats.orgs"), value: stats.orgs },
  ];
  const features = [
    { icon: <IconBuildingFactory2 aria-hidden />, text: t("home.features.needs") },
    { icon: <IconFlask aria-hidden />, text: t("home.features.results") },
    { icon: <IconSparkles aria-hidden />, text: t("home.features.match") },
    { icon: <IconCalendarEvent aria-hidden />, text: t("home.features.events") },
  ];

  return (
    <Stack gap="xl" maw={1100} mx="auto">
      <Paper p="xl" radius="md" bg="indigo.0">
        <Stack gap="md" maw={720}>
          <Title order={1}>{t("home.heroTitle")}</Title>
          <Text size="lg">{t("home.heroText")}</Text>
          <Group>
            {user ? null : (
              <>
                <Button component={Link} to="/signup" size="md">
                  {t("home.ctaSignup")}
                </Button>
                <Button component={Link} to="/login" size="md" variant="default">
                  {t("home.ctaLogin")}
                </Button>
              </>
            )}
            <Button component={Link} to="/needs" size="md" variant="subtle">
              {t("home.ctaNeeds")}
            </Button>
          </Group>
        </Stack>
      </Paper>

      <section aria-labelledby="stats-title">
        <Title order={2} id="stats-title" mb="md">
          {t("home.stats.title")}
        </Title>
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          {figures.map((f) => (
            <Card key={f.key} withBorder radius="md" data-testid={`stat-${f.key}`}>
              <Text fz={32} fw={700} c="indigo.7">
                {f.value.toLocaleString()}
              </Text>
              <Text c="dimmed">{f.label}</Text>
            </Card>
          ))}
        </SimpleGrid>
      </section>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
        <section aria-labelledby="latest-needs-title">
          <Title order={2} id="latest-needs-title" mb="md">
            {t("home.latestNeeds")}
          </Title>
          {stats.latestNeeds.length ? (
            <Stack gap="sm" component="ol" p={0} style={{ listStyle: "none" }}>
              {stats.latestNeeds.map((n) => (
                <Card key={n.id} component="li" withBorder radius="md" padding="sm">
                  <Anchor component={Link} to={`/needs/${n.id}`} fw={600}>
                    {n.title}
                  </Anchor>
                  <Group gap="xs" mt={4}>
                    <Text size="sm" c="dimmed">
                      {n.orgName}
                    </Text>
                    {n.field ? (
                      <Badge variant="light" size="sm">
                        {n.field}
                      </Badge>
                    ) : null}
                  </Group>
                </Card>
              ))}
            </Stack>
          ) : (
            <Text c="dimmed">{t("home.noNeeds")}</Text>
          )}
        </section>
        <section aria-labelledby="features-title">
          <Title order={2} id="features-title" mb="md">
            {t("home.features.title")}
          </Title>
          <List spacing="md" center>
            {features.map((f) => (
              <List.Item
                key={f.text}
                icon={
                  <ThemeIcon variant="light" radius="xl" size="lg">
                    {f.icon}
                  </ThemeIcon>
                }
              >
                {f.text}
              </List.Item>
            ))}
          </List>
        </section>
      </SimpleGrid>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => {
  const t = getT(rootLocale(matches));
  return [{ title: t("home.title") }, { name: "description", content: t("home.heroText") }];
};

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
