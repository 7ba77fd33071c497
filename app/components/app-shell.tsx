import { Anchor, AppShell, Badge, Burger, Button, Group, NavLink, ScrollArea, Text, UnstyledButton } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Form, Link, useLocation } from "@remix-run/react";
import {
  IconArrowMerge,
  IconArrowsExchange,
  IconBell,
  IconBuilding,
  IconBulb,
  IconCalendarEvent,
  IconBriefcase,
  IconChartBar,
  IconChecklist,
  IconReportAnalytics,
  IconFileCertificate,
  IconFileImport,
  IconFlask,
  IconHeartHandshake,
  IconHome,
  IconSchool,
  IconSearch,
  IconUserCircle,
  IconUsers,
  IconBuildingCommunity,
  IconBuildingCog,
  IconDatabaseSearch,
  IconDownload,
  IconHistory,
  IconListCheck,
} from "@tabler/icons-react";
import { useEffect, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { MessageKey } from "~/utils/i18n";
import type { Role } from "~/utils/roles";
import { LanguageSwitch } from "./language-switch";

export type ShellUser = { id: string; name: string; email: string; role: Role };
export type ShellOrg = { id: number; name: string };

type Item = { to: string; label: MessageKey | { text: string }; icon: ReactNode; badge?: number };

// Links are shown only for pages that exist, except the public catalog (needs, results,
// experts, search) whose pages arrive with the next issue. The organizer's 活动管理 (/events),
// 对接意向 (/intents) and 数据看板 (/dashboard) are added here by the issues that build them.
function navSections(user: ShellUser | null, orgs: ShellOrg[], inboxCount: number) {
  const sections: { title: MessageKey; items: Item[] }[] = [
    {
      title: "common.nav.sectionPublic",
      items: [
        { to: "/", label: "common.nav.home", icon: <IconHome size={18} aria-hidden /> },
        { to: "/needs", label: "common.nav.needs", icon: <IconBulb size={18} aria-hidden /> },
        { to: "/results", label: "common.nav.results", icon: <IconFlask size={18} aria-hidden /> },
        { to: "/experts", label: "common.nav.experts", icon: <IconSchool size={18} aria-hidden /> },
        { to: "/search", label: "common.nav.search", icon: <IconSearch size={18} aria-hidden /> },
        // 对接活动: listed to everybody (drafts only to staff); organizers manage from each event's page
        { to: "/events", label: "events.nav", icon: <IconCalendarEvent size={18} aria-hidden /> },
      ],
    },
  ];
  if (user && orgs.length) {
    sections.push({
      title: "common.nav.myOrg",
      items: [
        // every record of the member's organizations, drafts and sent-back ones included (app/routes/my.tsx)
        { to: "/my", label: "catalog.actions.workspace", icon: <IconBriefcase size={18} aria-hidden /> },
        // new strong match suggestions since the last visit (app/routes/inbox.tsx)
        { to: "/inbox", label: "match.nav.inbox", icon: <IconBell size={18} aria-hidden />, badge: inboxCount },
        // the organization's cooperation intents and agreements (app/routes/intents.*, agreements.*); staff find them under 管理
        ...(user.role === "member" ? pipelineItems() : []),
        ...orgs.map((o) => ({
          to: `/orgs/${o.id}`,
          label: { text: o.name },
          icon: <IconBuilding size={18} aria-hidden />,
        })),
      ],
    });
  }
  if (user && (user.role === "admin" || user.role === "organizer")) {
    const manage: Item[] = [
      { to: "/review", label: "catalog.actions.review", icon: <IconChecklist size={18} aria-hidden /> },
      { to: "/orgs", label: "common.nav.orgs", icon: <IconBuildingCommunity size={18} aria-hidden /> },
      // bulk import (app/routes/import.*); members may use /import for their own organizations too
      { to: "/import", label: "import.nav", icon: <IconFileImport size={18} aria-hidden /> },
      // open needs with and without good suggestions (app/routes/matching._index.tsx)
      { to: "/matching", label: "match.nav.overview", icon: <IconArrowsExchange size={18} aria-hidden /> },
      ...pipelineItems(),
      // the bureau's figures and its printable report (app/routes/dashboard._index.tsx, reports.yearly.tsx)
      { to: "/dashboard", label: "kpi.nav.dashboard", icon: <IconChartBar size={18} aria-hidden /> },
      { to: "/reports/yearly", label: "kpi.nav.report", icon: <IconReportAnalytics size={18} aria-hidden /> },
      // need-quality triage, every export, organization upkeep (app/routes/review_.quality.tsx, exports.*, admin.orgs.tsx)
      { to: "/review/quality", label: "admin.nav.quality", icon: <IconListCheck size={18} aria-hidden /> },
      { to: "/exports", label: "admin.nav.exports", icon: <IconDownload size={18} aria-hidden /> },
      { to: "/admin/orgs", label: "admin.nav.orgs", icon: <IconBuildingCog size={18} aria-hidden /> },
    ];
    if (user.role === "admin") {
      manage.push({ to: "/admin/users", label: "common.nav.users", icon: <IconUsers size={18} aria-hidden /> });
      // merging duplicates, the audit log and the search index status (app/routes/admin.*)
      manage.push({ to: "/admin/merge", label: "admin.nav.merge", icon: <IconArrowMerge size={18} aria-hidden /> });
      manage.push({ to: "/admin/audit", label: "admin.nav.audit", icon: <IconHistory size={18} aria-hidden /> });
      manage.push({ to: "/admin/search", label: "admin.nav.search", icon: <IconDatabaseSearch size={18} aria-hidden /> });
    }
    sections.push({ title: "common.nav.sectionManage", items: manage });
  }
  return sections;
}

/** 合作意向 and, under it, 合作协议 (the collaboration pipeline). */
function pipelineItems(): Item[] {
  return [
    { to: "/intents", label: "pipeline.nav.intents", icon: <IconHeartHandshake size={18} aria-hidden /> },
    { to: "/agreements", label: "pipeline.nav.agreements", icon: <IconFileCertificate size={18} aria-hidden /> },
  ];
}

function isActive(pathname: string, to: string) {
  return to === "/" ? pathname === "/" : pathname === to || pathname.startsWith(`${to}/`);
}

export function Shell({ user, orgs, inboxCount = 0, children }: { user: ShellUser | null; orgs: ShellOrg[]; inboxCount?: number; children: ReactNode }) {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  useEffect(() => close(), [location.pathname, close]);

  return (
    <>
      <a href="#main" className="skip-link">
        {t("common.skipToContent")}
      </a>
      <AppShell
        header={{ height: 60 }}
        navbar={{ width: 240, breakpoint: "sm", collapsed: { mobile: !opened } }}
        padding="md"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={t("common.nav.openMenu")}
                aria-expanded={opened}
                aria-controls="main-nav"
              />
              <Anchor component={Link} to="/" underline="never" c="inherit" aria-label={t("common.brand")}>
                <Group gap={6} wrap="nowrap">
                  <Text component="span" fw={800} fz={26} c="indigo.7" lh={1} lang="zh-CN">
                    桥
                  </Text>
                  <Text component="span" fw={700} fz="lg" lh={1}>
                    Qiao
                  </Text>
                  <Text component="span" c="dimmed" size="sm" visibleFrom="md">
                    {t("common.tagline")}
                  </Text>
                </Group>
              </Anchor>
            </Group>
            <Group gap="xs" wrap="nowrap">
              <LanguageSwitch />
              {user ? (
                <Group gap="xs" wrap="nowrap">
                  <UnstyledButton component={Link} to="/me" aria-label={`${t("common.user.profile")}: ${user.name}`}>
                    <Group gap={4} wrap="nowrap">
                      <IconUserCircle size={20} aria-hidden />
                      <Text size="sm" fw={500} truncate maw={140}>
                        {user.name}
                      </Text>
                    </Group>
                  </UnstyledButton>
                  <Form method="post" action="/logout">
                    <Button type="submit" variant="default" size="compact-md">
                      {t("common.user.logout")}
                    </Button>
                  </Form>
                </Group>
              ) : (
                <Group gap="xs" wrap="nowrap">
                  <Button component={Link} to="/login" variant="default" size="compact-md">
                    {t("common.user.login")}
                  </Button>
                  <Button component={Link} to="/signup" size="compact-md">
                    {t("common.user.signup")}
                  </Button>
                </Group>
              )}
            </Group>
          </Group>
        </AppShell.Header>

        <AppShell.Navbar id="main-nav" p="xs" aria-label={t("common.nav.label")}>
          <ScrollArea type="auto">
            {navSections(user, orgs, inboxCount).map((section) => (
              <div key={section.title}>
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="sm" pb={4}>
                  {t(section.title)}
                </Text>
                {section.items.map((item) => {
                  const active = isActive(location.pathname, item.to);
                  return (
                    <NavLink
                      key={item.to}
                      component={Link}
                      to={item.to}
                      label={typeof item.label === "string" ? t(item.label) : item.label.text}
                      leftSection={item.icon}
                      rightSection={
                        // not on the page itself: opening it is the visit that clears the count
                        item.badge && !active ? (
                          <Badge size="sm" color="red" circle={item.badge < 10} aria-label={t("match.inbox.badge", { count: item.badge })}>
                            {item.badge > 99 ? "99+" : item.badge}
                          </Badge>
                        ) : undefined
                      }
                      active={active}
                      aria-current={active ? "page" : undefined}
                    />
                  );
                })}
              </div>
            ))}
          </ScrollArea>
        </AppShell.Navbar>

        <AppShell.Main id="main" tabIndex={-1}>
          {children}
          <Text component="footer" c="dimmed" size="xs" ta="center" mt="xl" pt="xl">
            {t("common.footer")}
          </Text>
        </AppShell.Main>
      </AppShell>
    </>
  );
}
