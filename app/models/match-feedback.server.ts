import { sql } from "../../db/client.server";
import type { Reason } from "../../search/match/score";
import type { AuthUser } from "~/utils/auth.server";
import { DECISIONS, DISMISS_REASONS, newIdempotencyKey } from "~/components/match/schema";
import { isStaff } from "~/utils/roles";
import { audit, forbidden, type Actor, type Tx } from "./audit.server";
import { createIntent } from "./intent.server";
import { createMeetingRequest, type PartyRef } from "./meeting-request.server";
import { assertCanWrite, canRead, conflict, invalid, isListed, loadViewer, notFound, type Viewer } from "./catalog.server";
import { isSearchOutage, matchesAs, MatchNotFoundError, type MatchSubject } from "./match.server";

// What people do with match suggestions (issue 4): the panel on a need's, result's or expert's
// page (suggestions plus what the owning organization already decided), accepting a suggestion
// (a meeting request or a draft cooperation intent) or dismissing it with a reason, all written
// to match_feedback on behalf of the organization that owns the page's record. How the engine
// uses that feedback: docs/decisions/020-matching.md §5 and 030-match-feedback.md.

export { DECISIONS, DISMISS_REASONS };
export type DismissReason = (typeof DISMISS_REASONS)[number];
export type Decision = (typeof DECISIONS)[number];
export type OtherKind = "need" | "result" | "expert";

/** How many suggestions a detail page shows (the engine never pads: fewer when fewer fit). */
export const PANEL_LIMIT = 8;

// ---------------------------------------------------------------- the panel

export type PanelReason = { code: string; text_zh: string; text_en: string };
export type PanelConcept = {
  id: string;
  zh: string;
  en: string;
  need_terms: string[];
  other_terms: string[];
};
export type Outcome = {
  meetingRequest: { id: number; status: string } | null;
  intent: { id: number; stage: string } | null;
};
export type PanelItem = {
  kind: OtherKind;
  id: number;
  ref: string;
  title: string;
  org: string;
  score: number;
  label: "strong" | "possible" | "weak" | null;
  reasons: PanelReason[];
  concepts: PanelConcept[];
  terms: string[];
  /** the owning organization accepted it: what it became */
  outcome: Outcome | null;
  /** idempotency key for this rendering's accept / dismiss form (made on the server: same markup on hydration) */
  formKey: string;
};
export type Panel =
  | {
      state: "ok";
      subject: MatchSubject;
      subjectId: number;
      /** the viewer may accept or dismiss (member of the owning organization, or staff) */
      canDecide: boolean;
      items: PanelItem[];
      none: PanelReason | null;
      fieldNote: PanelReason | null;
    }
  | { state: "signin" }
  | { state: "unavailable" }
  | { state: "failed" };

const TABLES = { need: "need", result: "result", expert: "expert" } as const;

type SubjectRow = {
  id: number;
  org_id: number;
  status: string;
  visibility: string;
  published_at: Date | null;
  title: string;
  ref: string | null;
  version: number;
};

async function subjectRow(db: typeof sql | Tx, kind: MatchSubject | OtherKind, id: number, lock = false): Promise<SubjectRow | null> {
  const title = kind === "expert" ? sql`name` : sql`title`;
  const [row] = await db<SubjectRow[]>`
    select id, org_id, status, visibility, published_at, ${title} as title, ref, version
    from ${sql(TABLES[kind])} where id = ${id}
    ${lock ? sql`for share` : sql``}`;
  return row ?? null;
}

const accessOf = (r: SubjectRow) => ({
  orgId: r.org_id,
  status: r.status,
  visibility: r.visibility,
  publishedAt: r.published_at,
});

function reasonOf(r: Reason | null): PanelReason | null {
  return r ? { code: r.code, text_zh: r.text_zh, text_en: r.text_en } : null;
}

/** The pair a suggestion names, need-first: (need, result) or (need, expert). */
function pairOf(subject: MatchSubject, subjectId: number, other: OtherKind, otherId: number) {
  if (subject === "need" && (other === "result" || other === "expert")) {
    return {
      needId: subjectId,
      resultId: other === "result" ? otherId : null,
      expertId: other === "expert" ? otherId : null,
    };
  }
  if (subject !== "need" && other === "need") {
    return {
      needId: otherId,
      resultId: subject === "result" ? subjectId : null,
      expertId: subject === "expert" ? subjectId : null,
    };
  }
  return null;
}

type FeedbackRow = {
  id: number;
  need_id: number;
  result_id: number | null;
  expert_id: number | null;
  decision: "accepted" | "dismissed";
  reason: string | null;
  meeting_request_id: number | null;
  mr_status: string | null;
  intent_id: number | null;
  intent_stage: string | null;
};

async function feedbackOf(subject: MatchSubject, subjectId: number, orgId: number): Promise<FeedbackRow[]> {
  const column = sql(subject === "need" ? "need_id" : subject === "result" ? "result_id" : "expert_id");
  return sql<FeedbackRow[]>`
    select f.id, f.need_id, f.result_id, f.expert_id, f.decision, f.reason,
      f.meeting_request_id, mr.status as mr_status, f.intent_id, i.stage as intent_stage
    from match_feedback f
    left join meeting_request mr on mr.id = f.meeting_request_id
    left join intent i on i.id = f.intent_id
    where f.${column} = ${subjectId} and f.org_id = ${orgId}`;
}

function otherKeyOf(subject: MatchSubject, f: Pick<FeedbackRow, "need_id" | "result_id" | "expert_id">): string {
  if (subject !== "need") return `need:${f.need_id}`;
  return f.result_id !== null ? `result:${f.result_id}` : `expert:${f.expert_id}`;
}

/**
 * The suggestions panel of a record's page, for a viewer who may read the record (the page's
 * loader has checked that). Never throws: a search outage is `unavailable`, anything else
 * unexpected is `failed` (logged) — the page around it still renders.
 */
export async function suggestionPanel(user: Pick<AuthUser, "id" | "role"> | null, subject: MatchSubject, subjectId: number): Promise<Panel> {
  if (!user) return { state: "signin" };
  try {
    const row = await subjectRow(sql, subject, subjectId);
    const viewer = await loadViewer(user);
    if (!row || !canRead(viewer, accessOf(row))) return { state: "failed" };
    const canDecide = isStaff(user) || (viewer?.orgIds.includes(row.org_id) ?? false);
    const m = await matchesAs(user, subject, row.ref ?? String(row.id), {
      limit: PANEL_LIMIT,
    });
    // Outcomes are the owning organization's business: shown to it and to staff only.
    const outcomes = new Map<string, Outcome>();
    if (canDecide) {
      for (const f of await feedbackOf(subject, subjectId, row.org_id)) {
        if (f.decision !== "accepted") continue;
        outcomes.set(otherKeyOf(subject, f), {
          meetingRequest: f.meeting_request_id !== null ? { id: f.meeting_request_id, status: f.mr_status ?? "pending" } : null,
          intent: f.intent_id !== null ? { id: f.intent_id, stage: f.intent_stage ?? "intent" } : null,
        });
      }
    }
    const items: PanelItem[] = m.items.map((s) => ({
      kind: s.kind === "need" ? "need" : s.kind === "expert" ? "expert" : "result",
      id: s.id,
      ref: s.ref,
      title: s.title,
      org: s.org.name,
      score: Math.round(s.score * 100) / 100,
      label: s.label,
      reasons: s.reasons.map((r) => ({
        code: r.code,
        text_zh: r.text_zh,
        text_en: r.text_en,
      })),
      concepts: s.shared.concepts.map((c) => ({
        id: c.id,
        zh: c.zh,
        en: c.en,
        need_terms: c.need_terms.slice(0, 4),
        other_terms: c.other_terms.slice(0, 4),
      })),
      terms: s.shared.terms.slice(0, 8),
      outcome: outcomes.get(`${s.kind}:${s.id}`) ?? null,
      formKey: newIdempotencyKey(),
    }));
    return {
      state: "ok",
      subject,
      subjectId,
      canDecide,
      items,
      none: reasonOf(m.none_reason),
      fieldNote: reasonOf(m.field_note),
    };
  } catch (error) {
    if (isSearchOutage(error)) return { state: "unavailable" };
    if (!(error instanceof MatchNotFoundError)) console.error("suggestion panel failed", error);
    return { state: "failed" };
  }
}

// ---------------------------------------------------------------- accept or dismiss

export type DecideInput = {
  subject: MatchSubject;
  subjectId: number;
  otherKind: OtherKind;
  otherId: number;
  decision: Decision;
  reason?: DismissReason | null;
  note?: string | null;
  /** the score the user saw (0–1) */
  score?: number | null;
  /** a random token from the form: a double-clicked accept makes one request */
  idempotencyKey: string;
};

export type DecideOutcome = {
  decision: Decision;
  /** true when this exact decision had already been recorded (double submit): nothing new was written */
  repeated: boolean;
  feedbackId: number;
  meetingRequestId: number | null;
  intentId: number | null;
};

const OPEN_STATUSES = ["published", "matched"];

/**
 * Accepts a suggestion (a meeting request outside any event, or a draft cooperation intent) or
 * dismisses it with a reason, for the organization owning the subject record. Members of that
 * organization and staff only: another organization's record is a 404 when the actor may not
 * read it, a 403 when they may. Everything in one transaction, with audit rows.
 */
export async function decideSuggestion(actor: Actor | null, input: DecideInput): Promise<DecideOutcome> {
  if (!DECISIONS.includes(input.decision)) invalid("match.errors.badDecision", "decision");
  if (input.decision === "dismiss" && (!input.reason || !DISMISS_REASONS.includes(input.reason))) invalid("match.errors.reasonRequired", "reason");
  if (input.note && input.note.length > 2000) invalid("match.errors.noteTooLong", "note");
  if (!/^[A-Za-z0-9_-]{8,100}$/.test(input.idempotencyKey)) invalid("match.errors.badKey");
  const pair = pairOf(input.subject, input.subjectId, input.otherKind, input.otherId);
  if (!pair) invalid("match.errors.badPair");
  const score = typeof input.score === "number" && Number.isFinite(input.score) ? Math.min(1, Math.max(0, input.score)) : null;

  return sql.begin(async (tx) => {
    const subject = await subjectRow(tx, input.subject, input.subjectId, true);
    if (!subject) notFound();
    await assertCanWrite(tx, actor, accessOf(subject));
    const who: Actor = actor ?? forbidden();
    const other = await subjectRow(tx, input.otherKind, input.otherId, true);
    // The other side must be something the actor could have been shown: else it does not exist for them.
    const viewer: Viewer = await loadViewerTx(tx, who);
    if (!other || !canRead(viewer, accessOf(other))) notFound();
    if (!OPEN_STATUSES.includes(subject.status)) conflict("match.errors.closed");
    if (!OPEN_STATUSES.includes(other.status) || !isListed({ status: other.status, publishedAt: other.published_at })) conflict("match.errors.otherClosed");
    if (other.org_id === subject.org_id) invalid("match.errors.sameOrg");
    const orgId = subject.org_id;
    const decision = input.decision === "dismiss" ? "dismissed" : "accepted";

    // One verdict per pair and organization (match_feedback_pair_key). A concurrent second
    // submit waits here on the unique index and then finds the first one's row.
    const [inserted] = await tx<{ id: number }[]>`
      insert into match_feedback (need_id, result_id, expert_id, org_id, decision, reason, note, score, decided_by)
      values (${pair.needId}, ${pair.resultId}, ${pair.expertId}, ${orgId}, ${decision},
        ${decision === "dismissed" ? input.reason ?? null : null}, ${input.note?.trim() || null}, ${score}, ${who.id})
      on conflict (need_id, result_id, expert_id, org_id) do nothing
      returning id`;
    if (!inserted) {
      const [existing] = await tx<
        {
          id: number;
          decision: string;
          meeting_request_id: number | null;
          intent_id: number | null;
        }[]
      >`
        select id, decision, meeting_request_id, intent_id from match_feedback
        where need_id = ${pair.needId} and result_id is not distinct from ${pair.resultId}
          and expert_id is not distinct from ${pair.expertId} and org_id = ${orgId}`;
      const same =
        existing &&
        existing.decision === decision &&
        (input.decision === "dismiss" || (input.decision === "meeting" ? existing.meeting_request_id !== null : existing.intent_id !== null));
      if (!existing || !same) conflict("match.errors.alreadyDecided");
      return {
        decision: input.decision,
        repeated: true,
        feedbackId: existing.id,
        meetingRequestId: existing.meeting_request_id,
        intentId: existing.intent_id,
      };
    }

    const needRow = input.subject === "need" ? subject : other;
    const otherRow = input.subject === "need" ? other : subject;
    let meetingRequestId: number | null = null;
    let intentId: number | null = null;
    if (input.decision === "meeting") {
      meetingRequestId = await insertMeetingRequest(tx, who, {
        needId: pair.needId,
        resultId: pair.resultId,
        requesterOrgId: orgId,
        // the other side of the suggestion is invited: an expert in person, else the organization
        invitee: input.otherKind === "expert" ? { expertId: other.id } : { orgId: other.org_id },
        score,
        message: input.note?.trim() || null,
        idempotencyKey: input.idempotencyKey,
      });
    } else if (input.decision === "intent") {
      intentId = await insertDraftIntent(tx, who, {
        enterpriseOrgId: needRow.org_id,
        institutionOrgId: otherRow.org_id,
        needId: pair.needId,
        resultId: pair.resultId,
        expertId: pair.expertId,
        summary: `匹配建议：${needRow.title} ↔ ${otherRow.title}${input.note?.trim() ? `\n${input.note.trim()}` : ""}`,
        idempotencyKey: input.idempotencyKey,
      });
    }
    if (meetingRequestId !== null || intentId !== null) {
      await tx`update match_feedback set meeting_request_id = ${meetingRequestId}, intent_id = ${intentId} where id = ${inserted.id}`;
    }
    await audit(tx, {
      actor: who,
      action: decision === "dismissed" ? "match_feedback.dismiss" : "match_feedback.accept",
      entity: "match_feedback",
      entityId: inserted.id,
      after: {
        need_id: pair.needId,
        result_id: pair.resultId,
        expert_id: pair.expertId,
        org_id: orgId,
        decision,
        reason: decision === "dismissed" ? input.reason ?? null : null,
        score,
        meeting_request_id: meetingRequestId,
        intent_id: intentId,
      },
    });
    return {
      decision: input.decision,
      repeated: false,
      feedbackId: inserted.id,
      meetingRequestId,
      intentId,
    };
  });
}

async function loadViewerTx(tx: Tx, actor: Actor): Promise<Viewer> {
  const rows = await tx<{ org_id: number }[]>`select org_id from membership where user_id = ${actor.id} order by org_id`;
  return { id: actor.id, role: actor.role, orgIds: rows.map((r) => r.org_id) };
}

// Meeting requests belong to app/models/meeting-request.server.ts and intents to
// app/models/intent.server.ts: both run inside this transaction (their `tx` parameter) and keep
// their own rules, checks and audit rows.

async function insertMeetingRequest(
  tx: Tx,
  actor: Actor,
  v: {
    needId: number;
    resultId: number | null;
    requesterOrgId: number;
    invitee: { orgId: number } | { expertId: number };
    score: number | null;
    message: string | null;
    idempotencyKey: string;
  }
): Promise<number> {
  const invitee: PartyRef = "orgId" in v.invitee ? { kind: "org", id: v.invitee.orgId } : { kind: "expert", id: v.invitee.expertId };
  // One open request between the same two sides covers every suggestion between them (the
  // meeting model refuses a duplicate): accepting a second one points at that request.
  const inviteeCol = invitee.kind === "org" ? sql`org_id` : sql`expert_id`;
  const [open] = await tx<{ id: number }[]>`
    select r.id from meeting_request r
    where r.event_id is null and r.status in ('pending', 'accepted')
      and exists (select 1 from meeting_request_party p where p.request_id = r.id and p.role = 'requester' and p.org_id = ${v.requesterOrgId})
      and exists (select 1 from meeting_request_party p where p.request_id = r.id and p.role = 'invitee' and p.${inviteeCol} = ${invitee.id})
      and (select count(*) from meeting_request_party p where p.request_id = r.id) = 2
    order by r.id limit 1`;
  if (open) return open.id;
  const created = await createMeetingRequest(
    actor,
    {
      eventId: null,
      requester: { kind: "org", id: v.requesterOrgId },
      invitees: [invitee],
      needId: v.needId,
      resultId: v.resultId,
      message: v.message,
      matchScore: v.score,
      source: "suggestion",
      idempotencyKey: v.idempotencyKey,
    },
    tx
  );
  return created.id;
}

async function insertDraftIntent(
  tx: Tx,
  actor: Actor,
  v: {
    enterpriseOrgId: number;
    institutionOrgId: number;
    needId: number;
    resultId: number | null;
    expertId: number | null;
    summary: string;
    idempotencyKey: string;
  }
): Promise<number> {
  // A result's lead expert is who the enterprise will talk to (when still at that institution).
  let expertId = v.expertId;
  if (expertId === null && v.resultId !== null) {
    const [r] = await tx<{ lead_expert_id: number | null }[]>`
      select r.lead_expert_id from result r join expert x on x.id = r.lead_expert_id
      where r.id = ${v.resultId} and x.org_id = ${v.institutionOrgId}`;
    expertId = r?.lead_expert_id ?? null;
  }
  const created = await createIntent(
    actor,
    {
      enterpriseOrgId: v.enterpriseOrgId,
      institutionOrgId: v.institutionOrgId,
      expertId,
      needId: v.needId,
      resultId: v.resultId,
      summary: v.summary.slice(0, 5000),
      idempotencyKey: v.idempotencyKey,
    },
    tx
  );
  return created.id;
}

/** How long a page waits for its panel before streaming it instead (docs/decisions/033-match-panel-loading.md). */
export const PANEL_WAIT_MS = 1500;

/**
 * The panel itself when it is ready within `ms` (the usual case: tens of milliseconds), else the
 * promise, which the page streams behind a Suspense boundary. Rendering a ready panel directly
 * keeps the page free of a still-dehydrated boundary that an early router update would force
 * into client rendering (React error 421).
 */
export async function panelWithin(panel: Promise<Panel>, ms = PANEL_WAIT_MS): Promise<Panel | { state: "pending"; promise: Promise<Panel> }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
  });
  const first = await Promise.race([panel, late]);
  clearTimeout(timer);
  return first === "late" ? { state: "pending", promise: panel } : first;
}
