import { Alert, Anchor, Badge, Button, Group, Highlight, Loader, Paper, Radio, Stack, Text, Textarea, Title } from "@mantine/core";
import { Link, useFetcher, useLocation } from "@remix-run/react";
import { IconAlertTriangle, IconCalendarPlus, IconCircleCheck, IconFileDescription, IconX } from "@tabler/icons-react";
import { useEffect, useId, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Panel, PanelItem, PanelReason } from "~/models/match-feedback.server";
import type { FeedbackReply } from "~/routes/matching.feedback";
import type { MessageKey } from "~/utils/i18n";
import { DISMISS_REASONS } from "./schema";

// The suggestions panel of a need's, result's or expert's page (issue 4). The loader hands it
// the panel itself (ready within 1.5 s, the usual case) or a promise that streams in with the
// page's data and is shown once it resolves (docs/decisions/033-match-panel-loading.md). Accept / dismiss are plain forms to /matching/feedback: with JavaScript a
// fetcher posts them and the page's loaders revalidate; without, the post redirects back.

type Subject = "need" | "result" | "expert";

const LABEL_COLOR = {
  strong: "teal",
  possible: "indigo",
  weak: "gray",
} as const;

const TITLE_KEY = {
  need: "match.panel.titleNeed",
  result: "match.panel.titleResult",
  expert: "match.panel.titleExpert",
} as const satisfies Record<Subject, MessageKey>;

const PATHS = {
  need: "/needs",
  result: "/results",
  expert: "/experts",
} as const;

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

function useReasonText() {
  const { i18n } = useTranslation();
  return (r: PanelReason) => (i18n.language === "en" ? r.text_en : r.text_zh);
}

export function SuggestionsSection({ subject, panel }: { subject: Subject; panel: Panel | { state: "pending"; promise: Promise<Panel> } }) {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <Paper component="section" withBorder p="md" radius="md" aria-labelledby={headingId} data-testid="suggestions">
      <Stack gap="sm">
        <Title order={2} size="h4" id={headingId}>
          {t(TITLE_KEY[subject])}
        </Title>
        {panel.state === "pending" ? <LatePanel promise={panel.promise} /> : <PanelBody panel={panel} />}
      </Stack>
    </Paper>
  );
}

/**
 * A panel the engine was slow to compute: the page came without it and the promise streams in
 * with the page's data. No Suspense boundary on purpose: Mantine's AppShell updates its state
 * right after hydration, and a boundary still dehydrated at that moment would throw React error
 * 421 (mantinedev/mantine#6883). Without JavaScript the page says to reload.
 */
function LatePanel({ promise }: { promise: Promise<Panel> }) {
  const { t } = useTranslation();
  const [panel, setPanel] = useState<Panel | null>(null);
  useEffect(() => {
    let live = true;
    promise.then(
      (p) => live && setPanel(p),
      () => live && setPanel({ state: "failed" })
    );
    return () => {
      live = false;
    };
  }, [promise]);
  if (panel) return <PanelBody panel={panel} />;
  return (
    <>
      <Group gap="xs" role="status" aria-live="polite">
        <Loader size="xs" aria-hidden />
        <Text size="sm" c="dimmed">
          {t("match.panel.loading")}
        </Text>
      </Group>
      <noscript>
        <Text size="sm">{t("match.panel.failed")}</Text>
      </noscript>
    </>
  );
}

function PanelBody({ panel }: { panel: Panel }) {
  const { t } = useTranslation();
  const reasonText = useReasonText();
  const location = useLocation();
  if (panel.state === "signin") {
    return (
      <Text size="sm">
        {t("match.panel.signIn")}{" "}
        <Anchor component={Link} to={`/login?redirectTo=${encodeURIComponent(location.pathname)}`}>
          {t("match.panel.signInLink")}
        </Anchor>
      </Text>
    );
  }
  if (panel.state === "unavailable" || panel.state === "failed") {
    return (
      <Alert color="orange" icon={<IconAlertTriangle size={18} aria-hidden />} data-testid="suggestions-unavailable">
        {t(panel.state === "unavailable" ? "match.panel.unavailable" : "match.panel.failed")}
      </Alert>
    );
  }
  const fits = panel.items.filter((i) => i.label === "strong" || i.label === "possible");
  const weak = panel.items.filter((i) => i.label !== "strong" && i.label !== "possible");
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t("match.panel.intro")}
      </Text>
      {panel.fieldNote ? (
        <Alert color="yellow" title={t("match.panel.fieldNote")}>
          {reasonText(panel.fieldNote)}
        </Alert>
      ) : null}
      {panel.none ? (
        <Alert color="gray" title={t("match.panel.noneTitle")} data-testid="suggestions-none">
          {/* the engine's reason already names the follow-up (expert diagnosis or a university visit) */}
          <Text size="sm">{reasonText(panel.none)}</Text>
        </Alert>
      ) : null}
      {fits.length ? (
        <Stack component="ol" gap="sm" p={0} m={0} style={{ listStyle: "none" }} aria-label={t("match.panel.count", { count: fits.length })}>
          {fits.map((item) => (
            <SuggestionCard key={`${item.kind}:${item.id}`} item={item} panel={panel} />
          ))}
        </Stack>
      ) : null}
      {weak.length ? (
        <>
          <Text size="sm" c="dimmed">
            {t("match.panel.weakNote")}
          </Text>
          <Stack component="ol" gap="sm" p={0} m={0} style={{ listStyle: "none" }}>
            {weak.map((item) => (
              <SuggestionCard key={`${item.kind}:${item.id}`} item={item} panel={panel} />
            ))}
          </Stack>
        </>
      ) : null}
    </Stack>
  );
}

function SuggestionCard({ item, panel }: { item: PanelItem; panel: Extract<Panel, { state: "ok" }> }) {
  const { t, i18n } = useTranslation();
  const reasonText = useReasonText();
  const en = i18n.language === "en";
  const headingId = useId();
  // What to mark in the suggestion's title: the other side's words for the shared concepts, and shared plain words.
  const marks = [...new Set([...item.concepts.flatMap((c) => (panel.subject === "need" ? c.other_terms : c.need_terms)), ...item.terms])].filter(
    (w) => w.length > 1
  );
  const label = item.label ?? "weak";
  return (
    <Paper component="li" withBorder p="sm" radius="sm" aria-labelledby={headingId} data-testid="suggestion" data-kind={item.kind} data-ref={item.ref}>
      <Stack gap={6}>
        <Group gap="xs" wrap="nowrap" align="flex-start" justify="space-between">
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Group gap={6}>
              <Badge color={LABEL_COLOR[label]} variant={label === "strong" ? "filled" : "light"} data-testid="suggestion-label">
                {t(`match.panel.labels.${label}`)}
              </Badge>
              <Text size="xs" c="dimmed">
                {t(`match.panel.kinds.${item.kind}`)} · {item.org}
              </Text>
            </Group>
            <Anchor component={Link} to={`${PATHS[item.kind]}/${encodeURIComponent(item.ref)}`} fw={600} id={headingId} style={{ overflowWrap: "anywhere" }}>
              <Highlight component="span" highlight={marks} inherit>
                {item.title}
              </Highlight>
            </Anchor>
          </Stack>
          <Text
            size="sm"
            fw={700}
            style={{ whiteSpace: "nowrap" }}
            aria-label={`${t("match.panel.scoreLabel")} ${item.score.toFixed(2)}`}
            data-testid="suggestion-score"
          >
            {item.score.toFixed(2)}
          </Text>
        </Group>

        {item.concepts.length ? (
          <Stack gap={2} data-testid="suggestion-concepts">
            <Text size="xs" fw={600}>
              {t("match.panel.shared")}
            </Text>
            {item.concepts.map((c) => (
              <Text size="sm" key={c.id}>
                <Text component="span" fw={600}>
                  {en ? c.en : c.zh}
                </Text>
                {en ? ": " : "："}
                <span aria-label={t("match.panel.needSide")}>
                  <Terms words={c.need_terms} />
                </span>
                {" ↔ "}
                <span aria-label={t("match.panel.otherSide")}>
                  <Terms words={c.other_terms} />
                </span>
              </Text>
            ))}
          </Stack>
        ) : null}

        <Stack component="ul" gap={2} m={0} pl="md" aria-label={t("match.panel.reasons")} data-testid="suggestion-reasons">
          {item.reasons
            .filter((r) => r.code !== "shared_concepts" || !item.concepts.length)
            .map((r, i) => (
              <Text component="li" size="sm" key={`${r.code}-${i}`}>
                {reasonText(r)}
              </Text>
            ))}
        </Stack>

        {item.outcome ? <OutcomeNote outcome={item.outcome} /> : panel.canDecide ? <DecideForms item={item} panel={panel} /> : null}
      </Stack>
    </Paper>
  );
}

function Terms({ words }: { words: string[] }) {
  const { i18n } = useTranslation();
  const sep = i18n.language === "en" ? ", " : "、";
  return (
    <>
      {words.map((w, i) => (
        <span key={`${w}-${i}`}>
          {i ? sep : ""}
          <mark>{w}</mark>
        </span>
      ))}
    </>
  );
}

function OutcomeNote({ outcome }: { outcome: NonNullable<PanelItem["outcome"]> }) {
  const { t } = useTranslation();
  const status = (s: string) => (s === "pending" || s === "accepted" || s === "declined" || s === "cancelled" ? t(`match.outcome.requestStatus.${s}`) : s);
  return (
    <Alert color="teal" icon={<IconCircleCheck size={18} aria-hidden />} p="xs" data-testid="suggestion-outcome">
      <Stack gap={2}>
        {outcome.meetingRequest ? (
          <Text size="sm">
            {t("match.outcome.meeting", {
              id: outcome.meetingRequest.id,
              status: status(outcome.meetingRequest.status),
            })}
          </Text>
        ) : null}
        {outcome.intent ? (
          <Text size="sm">
            {t("match.outcome.intent", {
              id: outcome.intent.id,
              stage: outcome.intent.stage,
            })}
          </Text>
        ) : null}
        {!outcome.meetingRequest && !outcome.intent ? <Text size="sm">{t("match.outcome.accepted")}</Text> : null}
      </Stack>
    </Alert>
  );
}

function Hidden({ name, value }: { name: string; value: string | number }) {
  return <input type="hidden" name={name} value={value} />;
}

function DecideForms({ item, panel }: { item: PanelItem; panel: Extract<Panel, { state: "ok" }> }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<FeedbackReply>();
  const hydrated = useHydrated();
  const location = useLocation();
  const [dismissing, setDismissing] = useState(false);
  const busy = fetcher.state !== "idle";
  const reply = fetcher.data;
  const formId = useId();
  const common: ReactNode = (
    <>
      <Hidden name="subject" value={panel.subject} />
      <Hidden name="subjectId" value={panel.subjectId} />
      <Hidden name="otherKind" value={item.kind} />
      <Hidden name="otherId" value={item.id} />
      <Hidden name="score" value={item.score} />
      <Hidden name="idempotencyKey" value={item.formKey} />
      <Hidden name="redirectTo" value={`${location.pathname}${location.search}`} />
      {hydrated ? <Hidden name="_fetch" value="1" /> : null}
    </>
  );
  const reasonError = reply && !reply.ok ? reply.fieldErrors.reason?.[0] : undefined;
  return (
    <Stack gap={6}>
      {reply && !reply.ok ? (
        <Alert color="red" p="xs" role="alert" data-testid="suggestion-error">
          {t(reply.message)}
        </Alert>
      ) : null}
      <fetcher.Form method="post" action="/matching/feedback" aria-label={t("match.actions.acceptTitle")}>
        {common}
        <Group gap="xs">
          <Button type="submit" name="decision" value="meeting" size="compact-sm" leftSection={<IconCalendarPlus size={16} aria-hidden />} disabled={busy}>
            {t("match.actions.meeting")}
          </Button>
          <Button
            type="submit"
            name="decision"
            value="intent"
            size="compact-sm"
            variant="light"
            leftSection={<IconFileDescription size={16} aria-hidden />}
            disabled={busy}
          >
            {t("match.actions.intent")}
          </Button>
          {hydrated && !dismissing ? (
            <Button
              type="button"
              size="compact-sm"
              variant="subtle"
              color="gray"
              leftSection={<IconX size={16} aria-hidden />}
              onClick={() => setDismissing(true)}
              aria-expanded={false}
              aria-controls={formId}
            >
              {t("match.actions.dismiss")}
            </Button>
          ) : null}
        </Group>
      </fetcher.Form>
      {/* Without JavaScript the dismiss form is always there; with it, it opens on demand. */}
      {!hydrated || dismissing ? (
        <fetcher.Form method="post" action="/matching/feedback" id={formId} data-testid="dismiss-form">
          {common}
          <Hidden name="decision" value="dismiss" />
          <Stack gap={6}>
            <Radio.Group name="reason" label={t("match.actions.dismissTitle")} error={reasonError ? t(reasonError as MessageKey) : undefined} size="sm">
              <Group gap="md" mt={4}>
                {DISMISS_REASONS.map((r) => (
                  <Radio key={r} value={r} label={t(`match.actions.reasons.${r}`)} />
                ))}
              </Group>
            </Radio.Group>
            <Textarea name="note" label={t("match.actions.note")} autosize minRows={1} maxRows={4} maxLength={2000} size="sm" />
            <Group gap="xs">
              <Button type="submit" size="compact-sm" color="gray" disabled={busy}>
                {t("match.actions.dismissSubmit")}
              </Button>
              {hydrated ? (
                <Button type="button" size="compact-sm" variant="subtle" onClick={() => setDismissing(false)}>
                  {t("match.actions.cancel")}
                </Button>
              ) : null}
            </Group>
          </Stack>
        </fetcher.Form>
      ) : null}
    </Stack>
  );
}
