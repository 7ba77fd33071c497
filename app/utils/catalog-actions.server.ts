import { parseWithZod } from "@conform-to/zod";
import { data } from "@remix-run/node";
import type { Actor } from "~/models/audit.server";
import { lastChange, modelProblem, transition, type ModelProblem } from "~/models/catalog.server";
import { recordPath, SendBackSchema, WorkflowSchema, type CatalogKind, type WorkflowAction } from "./catalog";
import { redirectWithToast } from "./toast.server";

// The workflow buttons (submit, withdraw, close, publish, send back) post the same fields from a
// record's page and from the review queue; both routes hand the form to workflowAction after
// requireUser. The permission checks are in the model (catalog.server.ts transition()).

const TOASTS = {
  submit: "catalog.toasts.submitted",
  withdraw: "catalog.toasts.withdrawn",
  close: "catalog.toasts.closed",
  publish: "catalog.toasts.published",
  sendBack: "catalog.toasts.sentBack",
} as const satisfies Record<WorkflowAction, string>;

export type StaleInfo = { by: string | null; at: Date | null; version: number } | null;

/** Conform reply options for a problem a model threw: on its field when it names one. */
export function problemReply(problem: ModelProblem) {
  return problem.field
    ? { fieldErrors: { [problem.field]: [problem.message] } }
    : { formErrors: [problem.message] };
}

/** Who changed the record, for the "someone else changed it" alert (only for a stale write). */
export async function staleInfo(problem: ModelProblem, kind: CatalogKind, id: number): Promise<StaleInfo> {
  return problem.message === "catalog.errors.stale" ? lastChange(kind, id) : null;
}

/**
 * Runs the workflow form of record `id`: 400 for an unknown intent or bad fields, the model's
 * 403/404 thrown, its 400/409 returned for the page to show; success redirects with a toast
 * (to `redirectTo`, else the record's page).
 */
export async function workflowAction(
  actor: Actor,
  kind: CatalogKind,
  id: number,
  formData: FormData,
  { redirectTo }: { redirectTo?: string } = {},
) {
  const intent = formData.get("intent");
  if (intent === "sendBack") {
    const submission = parseWithZod(formData, { schema: SendBackSchema });
    if (submission.status !== "success") {
      return data({ intent, kind, id, result: submission.reply(), stale: null as StaleInfo }, { status: 400 });
    }
    try {
      const done = await transition(actor, kind, { id, version: submission.value.version, action: "sendBack", comment: submission.value.comment });
      return redirectWithToast(redirectTo ?? recordPath(kind, done), { description: TOASTS.sendBack });
    } catch (error) {
      const problem = await modelProblem(error);
      if (!problem) throw error;
      return data(
        { intent, kind, id, result: submission.reply(problemReply(problem)), stale: await staleInfo(problem, kind, id) },
        { status: problem.status },
      );
    }
  }
  if (intent === "submit" || intent === "withdraw" || intent === "close" || intent === "publish") {
    const submission = parseWithZod(formData, { schema: WorkflowSchema });
    if (submission.status !== "success") {
      return data({ intent, kind, id, result: submission.reply(), stale: null as StaleInfo }, { status: 400 });
    }
    try {
      const done = await transition(actor, kind, { id, version: submission.value.version, action: intent });
      return redirectWithToast(redirectTo ?? recordPath(kind, done), { description: TOASTS[intent] });
    } catch (error) {
      const problem = await modelProblem(error);
      if (!problem) throw error;
      return data(
        { intent, kind, id, result: submission.reply(problemReply(problem)), stale: await staleInfo(problem, kind, id) },
        { status: problem.status },
      );
    }
  }
  throw new Response("Bad request", { status: 400 });
}
