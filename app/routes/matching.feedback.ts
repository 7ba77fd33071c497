import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { FeedbackSchema } from "~/components/match/schema";
import type { MessageKey } from "~/locales";
import { modelProblem } from "~/models/catalog.server";
import { decideSuggestion } from "~/models/match-feedback.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { safeRedirect } from "~/utils/misc";
import { createToastHeaders, redirectWithToast } from "~/utils/toast.server";

// POST /matching/feedback: accept a suggestion (meeting request or draft intent) or dismiss it
// with a reason, from the suggestions panel of a need's, result's or expert's page. The panel
// posts with a fetcher (`_fetch=1`) and gets JSON back; without JavaScript the plain form post
// is redirected back to the page with a toast, success or not. Permission checks are in the
// model (app/models/match-feedback.server.ts).

export type FeedbackReply =
  | {
      ok: true;
      message: MessageKey;
      decision: string;
      repeated: boolean;
      meetingRequestId: number | null;
      intentId: number | null;
    }
  | { ok: false; message: MessageKey; fieldErrors: Record<string, string[]> };

const TOASTS = {
  meeting: "match.toasts.meeting",
  intent: "match.toasts.intent",
  dismiss: "match.toasts.dismissed",
} as const;

export async function loader(_: LoaderFunctionArgs) {
  throw new Response("Not found", { status: 404 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const formData = await request.formData();
  const viaFetch = formData.get("_fetch") === "1";
  const back = safeRedirect(formData.get("redirectTo"), "/");
  const submission = parseWithZod(formData, { schema: FeedbackSchema });

  const fail = async (status: number, message: MessageKey, fieldErrors: Record<string, string[]> = {}) => {
    if (viaFetch) return data<FeedbackReply>({ ok: false, message, fieldErrors }, { status });
    return redirectWithToast(back, { type: "error", description: message });
  };

  if (submission.status !== "success") {
    const errors = Object.fromEntries(Object.entries(submission.error ?? {}).map(([k, v]) => [k, v ?? []]));
    const first = Object.values(errors).flat()[0];
    const message: MessageKey =
      first === "match.errors.reasonRequired" || first === "match.errors.badKey" || first === "match.errors.noteTooLong" ? first : "match.errors.badDecision";
    return fail(400, message, errors);
  }
  const v = submission.value;
  try {
    const done = await decideSuggestion(
      { ...user, ip: getClientIp(context) },
      {
        subject: v.subject,
        subjectId: v.subjectId,
        otherKind: v.otherKind,
        otherId: v.otherId,
        decision: v.decision,
        reason: v.reason ?? null,
        note: v.note ?? null,
        score: v.score ?? null,
        idempotencyKey: v.idempotencyKey,
      }
    );
    const message: MessageKey = done.repeated ? "match.toasts.already" : TOASTS[v.decision];
    if (viaFetch) {
      return data<FeedbackReply>(
        {
          ok: true,
          message,
          decision: done.decision,
          repeated: done.repeated,
          meetingRequestId: done.meetingRequestId,
          intentId: done.intentId,
        },
        { headers: await createToastHeaders({ description: message }) }
      );
    }
    return redirectWithToast(back, { description: message });
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return fail(problem.status, problem.message, problem.field ? { [problem.field]: [problem.message] } : {});
  }
}
