import { z } from "zod";

// The accept / dismiss form of a suggestion (app/routes/matching.feedback.ts), shared by the
// browser and the server. Messages are translation keys.

export const DISMISS_REASONS = ["not_relevant", "too_early", "too_expensive", "already_in_contact"] as const;
export const DECISIONS = ["meeting", "intent", "dismiss"] as const;
export const SUBJECTS = ["need", "result", "expert"] as const;
/** The organizers' overview: a need's verdict from the suggestion cache. */
export const VERDICTS = ["strong", "possible", "none", "not_computed"] as const;
export type Verdict = (typeof VERDICTS)[number];

const choice = { errorMap: () => ({ message: "match.errors.badDecision" }) };

export const FeedbackSchema = z
  .object({
    subject: z.enum(SUBJECTS, choice),
    subjectId: z.coerce.number(choice).int().positive(),
    otherKind: z.enum(SUBJECTS, choice),
    otherId: z.coerce.number(choice).int().positive(),
    decision: z.enum(DECISIONS, choice),
    reason: z
      .enum(DISMISS_REASONS, {
        errorMap: () => ({ message: "match.errors.reasonRequired" }),
      })
      .optional(),
    note: z.string().trim().max(2000, "match.errors.noteTooLong").optional(),
    score: z.coerce.number().min(0).max(1).optional(),
    idempotencyKey: z.string({ required_error: "match.errors.badKey" }).regex(/^[A-Za-z0-9_-]{8,100}$/, "match.errors.badKey"),
    /** the page to return to when JavaScript is off */
    redirectTo: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === "dismiss" && !v.reason)
      ctx.addIssue({
        code: "custom",
        path: ["reason"],
        message: "match.errors.reasonRequired",
      });
  });

export type FeedbackValues = z.infer<typeof FeedbackSchema>;

/** A fresh idempotency key for one rendering of a suggestion's forms. */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
