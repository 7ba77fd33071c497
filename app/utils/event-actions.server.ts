import type { SubmissionResult } from "@conform-to/react";
import { data } from "@remix-run/node";
import type { Actor } from "~/models/audit.server";
import { modelProblem, type ModelProblem } from "~/models/catalog.server";
import type { AuthUser } from "./auth.server";
import { getClientIp } from "./auth.server";
import { problemReply } from "./catalog-actions.server";

// What the events pages' actions share: the actor, and a model's refusal (400/409) turned into
// the form's reply so the page shows the localized message; 403/404 and real errors propagate.

export function actorOf(user: AuthUser, context: unknown): Actor {
  return { id: user.id, role: user.role, ip: getClientIp(context) };
}

export type EventActionData = { intent: string; result: SubmissionResult<string[]> };

/** Runs a model call; a 400/409 becomes `{ problem }`, anything else is rethrown. */
export async function attempt<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; problem: ModelProblem }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return { ok: false, problem };
  }
}

/** The reply for a refused model call, on the form that posted `intent`. */
export function refused(
  intent: string,
  submission: { reply: (o?: { formErrors?: string[]; fieldErrors?: Record<string, string[]> }) => SubmissionResult<string[]> },
  problem: ModelProblem,
) {
  return data({ intent, result: submission.reply(problemReply(problem)) } satisfies EventActionData, { status: problem.status });
}

/** The reply for a form that did not parse. */
export function badForm(intent: string, submission: { reply: () => SubmissionResult<string[]> }) {
  return data({ intent, result: submission.reply() } satisfies EventActionData, { status: 400 });
}
