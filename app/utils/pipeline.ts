import { z } from "zod";
import { MAX_WAN, parseIsoDate } from "./catalog";

// The collaboration pipeline's vocabularies, stage rules and form schemas, shared by the server and
// the browser (Conform runs the same zod code on both sides). The lists mirror the CHECKs of
// db/migrations/0004_pipeline.sql; the database stays the last word. Messages are translation keys
// (app/locales/*/pipeline.ts). Why the rules are what they are: docs/decisions/050–054.

export const STAGES = ["intent", "negotiating", "signed", "in_progress", "completed", "dropped"] as const;
export type Stage = (typeof STAGES)[number];
export function isStage(value: unknown): value is Stage {
  return typeof value === "string" && (STAGES as readonly string[]).includes(value);
}

/** The forward path; dropped sits beside it. */
export const PATH: readonly Stage[] = ["intent", "negotiating", "signed", "in_progress", "completed"];

/**
 * Moves a person may make with "change stage" (docs/decisions/051-intent-stages.md): forward one
 * step, intent → signed directly (a deal closed at the fair table), or drop from any open stage.
 * completed is final; dropped only leaves through reopen (REOPEN_TO).
 */
export const MOVES: Record<Stage, readonly Stage[]> = {
  intent: ["negotiating", "signed", "dropped"],
  negotiating: ["signed", "dropped"],
  signed: ["in_progress", "dropped"],
  in_progress: ["completed", "dropped"],
  completed: [],
  dropped: [],
};
export const REOPEN_TO: readonly Stage[] = ["intent", "negotiating"];
/** Stages in which an intent is still moving (the "stuck for N days" filter looks only at these). */
export const OPEN_STAGES: readonly Stage[] = ["intent", "negotiating", "signed", "in_progress"];

export type MoveProblem =
  | "pipeline.errors.sameStage"
  | "pipeline.errors.reopenFirst"
  | "pipeline.errors.completedFinal"
  | "pipeline.errors.backwards"
  | "pipeline.errors.skip";

/** null when from → to is a move "change stage" allows; otherwise why not, as a message key. */
export function moveProblem(from: Stage, to: Stage): MoveProblem | null {
  if (from === to) return "pipeline.errors.sameStage";
  if (from === "dropped") return "pipeline.errors.reopenFirst";
  if (from === "completed") return "pipeline.errors.completedFinal";
  if (MOVES[from].includes(to)) return null;
  return PATH.indexOf(to) < PATH.indexOf(from) ? "pipeline.errors.backwards" : "pipeline.errors.skip";
}

/** Badge colours of the stages (filled badges; shades dark enough for white text at WCAG AA). */
export const STAGE_COLORS: Record<Stage, string> = {
  intent: "gray.7",
  negotiating: "blue.8",
  signed: "teal.9",
  in_progress: "indigo.8",
  completed: "green.9",
  dropped: "red.8",
};

export const AGREEMENT_KINDS = ["技术转让", "技术许可", "合作开发", "委托开发", "技术服务", "共建研发平台"] as const;
export type AgreementKind = (typeof AGREEMENT_KINDS)[number];
export function isAgreementKind(value: unknown): value is AgreementKind {
  return typeof value === "string" && (AGREEMENT_KINDS as readonly string[]).includes(value);
}

export const INSTITUTION_KINDS = ["university", "institute"] as const;

export function intentPath(i: { ref: string | null; id: number }) {
  return `/intents/${encodeURIComponent(i.ref ?? String(i.id))}`;
}

// ---------------------------------------------------------------- parsing what people type

export type AmountProblem =
  | "pipeline.errors.amountRequired"
  | "pipeline.errors.amountInvalid"
  | "pipeline.errors.amountNegative"
  | "pipeline.errors.amountTooLarge"
  | "pipeline.errors.amountDecimals";

/**
 * An agreement's amount in 万元: "12.5", "１２．５" (full-width, NFKC), "1,200", "12.5万元" → a
 * number with at most two decimals. Unlike a need's budget there is no 面议: a signed contract
 * has a value (0 for a free one). More than two decimals is refused rather than rounded —
 * money typed wrong should be retyped, not silently changed.
 */
export function parseAmount(text: string): { ok: true; value: number } | { ok: false; message: AmountProblem } {
  const s = text.normalize("NFKC").replace(/[\s,]/g, "").replace(/万元?$/, "");
  if (s === "") return { ok: false, message: "pipeline.errors.amountRequired" };
  if (/^-\d/.test(s)) return { ok: false, message: "pipeline.errors.amountNegative" };
  if (!/^\d+(\.\d+)?$/.test(s)) return { ok: false, message: "pipeline.errors.amountInvalid" };
  if (/\.\d{3,}$/.test(s)) return { ok: false, message: "pipeline.errors.amountDecimals" };
  const n = Number(s);
  if (!Number.isFinite(n)) return { ok: false, message: "pipeline.errors.amountInvalid" };
  if (n > MAX_WAN) return { ok: false, message: "pipeline.errors.amountTooLarge" };
  return { ok: true, value: n };
}

/** Today's date where the bureau is (Asia/Shanghai, UTC+8 without DST), as YYYY-MM-DD. */
export function todayInChina(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- form schemas

const text = { required_error: "validation.required", invalid_type_error: "pipeline.errors.notText" };
const Id = z.coerce
  .number({ invalid_type_error: "pipeline.errors.idInvalid" })
  .int("pipeline.errors.idInvalid")
  .positive("pipeline.errors.idInvalid")
  .max(Number.MAX_SAFE_INTEGER, "pipeline.errors.idInvalid");
const OptionalId = z.preprocess((v) => (v === "" || v === null ? undefined : v), Id.optional());
const Version = z.coerce.number({ invalid_type_error: "catalog.validation.version" }).int().positive("catalog.validation.version");
const optionalText = (max: number, message: string) =>
  z
    .string({ invalid_type_error: "pipeline.errors.notText" })
    .trim()
    .max(max, message)
    .optional()
    .transform((s) => (s ? s : null));
const IdempotencyKey = z.string().trim().min(8).max(100).optional();

export const NewIntentSchema = z.object({
  enterpriseOrgId: Id,
  institutionOrgId: Id,
  expertId: OptionalId,
  needId: OptionalId,
  resultId: OptionalId,
  eventId: OptionalId,
  meetingId: OptionalId,
  summary: z.string(text).trim().max(5000, "pipeline.errors.summaryTooLong").default(""),
  idempotencyKey: IdempotencyKey,
});
export type NewIntentForm = z.infer<typeof NewIntentSchema>;

export const EditIntentSchema = z.object({
  intent: z.literal("edit"),
  version: Version,
  summary: z.string(text).trim().max(5000, "pipeline.errors.summaryTooLong").default(""),
  eventId: OptionalId,
});

export const MoveSchema = z
  .object({
    intent: z.literal("move"),
    version: Version,
    to: z.enum(STAGES, { errorMap: () => ({ message: "pipeline.errors.unknownStage" }) }),
    note: optionalText(2000, "pipeline.errors.noteTooLong"),
    reason: optionalText(2000, "pipeline.errors.noteTooLong"),
  })
  .superRefine((v, ctx) => {
    if (v.to === "dropped" && !v.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "pipeline.errors.reasonRequired" });
  });

export const ReopenSchema = z.object({
  intent: z.literal("reopen"),
  version: Version,
  to: z.enum(["intent", "negotiating"], { errorMap: () => ({ message: "pipeline.errors.reopenTarget" }) }),
  note: optionalText(2000, "pipeline.errors.noteTooLong"),
});

const AmountField = z.string({ required_error: "pipeline.errors.amountRequired", invalid_type_error: "pipeline.errors.amountInvalid" }).transform((s, ctx) => {
  const parsed = parseAmount(s);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  }
  return parsed.value;
});

const SignedOnField = z.string({ required_error: "pipeline.errors.dateInvalid", invalid_type_error: "pipeline.errors.dateInvalid" }).transform((s, ctx) => {
  const date = parseIsoDate(s);
  if (!date) {
    ctx.addIssue({ code: "custom", message: "pipeline.errors.dateInvalid" });
    return z.NEVER;
  }
  return date;
});

export const AgreementSchema = z.object({
  intent: z.literal("agreement"),
  title: z.string({ required_error: "pipeline.errors.titleRequired", invalid_type_error: "pipeline.errors.notText" }).trim().min(1, "pipeline.errors.titleRequired").max(200, "pipeline.errors.titleTooLong"),
  kind: z.enum(AGREEMENT_KINDS, { errorMap: () => ({ message: "pipeline.errors.kindInvalid" }) }),
  amount: AmountField,
  signedOn: SignedOnField,
  signedOnStage: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
  eventId: OptionalId,
  documentRef: optionalText(200, "pipeline.errors.documentRefTooLong"),
  idempotencyKey: IdempotencyKey,
});
