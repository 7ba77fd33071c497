import { z } from "zod";
import { parseIsoDate } from "./catalog";

// Events' vocabularies, form schemas and time helpers, shared by the server and the browser
// (Conform runs the same zod code on both sides). Messages are translation keys
// (app/locales/*/events.ts, catalog.ts, validation.ts); the models re-check what the forms can
// not know (slots inside the event, overlaps, who is a participant).

export const EVENT_KINDS = ["talent_fair", "university_visit", "shanghai_program", "online"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const EVENT_STATUSES = ["draft", "open", "closed", "finished", "cancelled"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export const PARTICIPANT_STATUSES = ["invited", "registered", "approved", "rejected", "withdrawn", "checked_in", "no_show"] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];
export const REQUEST_STATUSES = ["pending", "accepted", "declined", "cancelled"] as const;

export const isEventKind = (v: unknown): v is EventKind => typeof v === "string" && (EVENT_KINDS as readonly string[]).includes(v);
export const isEventStatus = (v: unknown): v is EventStatus => typeof v === "string" && (EVENT_STATUSES as readonly string[]).includes(v);
export const isParticipantStatus = (v: unknown): v is ParticipantStatus =>
  typeof v === "string" && (PARTICIPANT_STATUSES as readonly string[]).includes(v);

/**
 * Which status an organizer may move an event to from each status: registration opens and
 * closes (and may reopen), an event is finished once held, and anything not yet held can be
 * called off.
 */
export const EVENT_MOVES: Record<EventStatus, readonly EventStatus[]> = {
  draft: ["open", "cancelled"],
  open: ["closed", "cancelled"],
  closed: ["open", "finished", "cancelled"],
  finished: [],
  cancelled: [],
};

/** /events/EV13 when the event has a ref, else /events/17. */
export function eventPath(e: { ref: string | null; id: number }, tail = "") {
  return `/events/${encodeURIComponent(e.ref ?? String(e.id))}${tail}`;
}

// ---------------------------------------------------------------- time

/** Event times are the bureau's local time (Asia/Shanghai, UTC+8 all year: no daylight saving). */
export const EVENT_TZ = "Asia/Shanghai";
const OFFSET = "+08:00";

/** "9:00", "09：30", "０９:００" → "09:00"; null when not a time of day. */
export function parseHhmm(text: string): string | null {
  const m = /^(\d{1,2})[:：.](\d{2})$/.exec(text.normalize("NFKC").trim());
  if (!m) return null;
  const [h, mi] = [Number(m[1]), Number(m[2])];
  if (h > 24 || mi > 59 || (h === 24 && mi > 0)) return null;
  return `${String(h).padStart(2, "0")}:${m[2]}`;
}

/** A local day and time → the instant. "24:00" is the end of the day. */
export function localInstant(day: string, hhmm: string): Date {
  if (hhmm === "24:00") return new Date(new Date(`${day}T00:00:00${OFFSET}`).getTime() + 86_400_000);
  return new Date(`${day}T${hhmm}:00${OFFSET}`);
}

/** The local day (YYYY-MM-DD) and time (HH:MM) of an instant. */
export function localParts(at: Date | string): { day: string; time: string } {
  const d = new Date(new Date(at).getTime() + 8 * 3_600_000);
  const iso = d.toISOString();
  return { day: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** "05-20 09:00–09:30" for a slot or range. */
export function rangeLabel(from: Date | string, to: Date | string): string {
  const a = localParts(from);
  const b = localParts(to);
  return `${a.day.slice(5)} ${a.time}–${b.day === a.day ? "" : `${b.day.slice(5)} `}${b.time}`;
}

/** Every day of an event, first to last. */
export function eventDays(startsOn: string, endsOn: string): string[] {
  const days: string[] = [];
  let t = Date.parse(`${startsOn}T00:00:00Z`);
  const end = Date.parse(`${endsOn}T00:00:00Z`);
  while (t <= end && days.length < 400) {
    days.push(new Date(t).toISOString().slice(0, 10));
    t += 86_400_000;
  }
  return days;
}

// ---------------------------------------------------------------- field schemas

const choice = (message: string) => ({ errorMap: () => ({ message }) });
const chars = (s: string) => [...s].length;
const text = { required_error: "validation.required", invalid_type_error: "catalog.validation.notText" };

function requiredText(max: 50 | 200) {
  return z
    .string(text)
    .trim()
    .min(1, "validation.required")
    .refine((s) => chars(s) <= max, `catalog.validation.max${max}`);
}
function optionalText(max: 50 | 100 | 200 | 2000 | 10000) {
  return z
    .string(text)
    .trim()
    .refine((s) => chars(s) <= max, `catalog.validation.max${max}`)
    .optional()
    .transform((s) => (s ? s : null));
}

const DaySchema = z.string(text).transform((s, ctx) => {
  const d = parseIsoDate(s);
  if (!d) {
    ctx.addIssue({ code: "custom", message: "catalog.validation.dateInvalid" });
    return z.NEVER;
  }
  if (d < "2000-01-01" || d > "2100-12-31") {
    ctx.addIssue({ code: "custom", message: "events.errors.dateOutOfRange" });
    return z.NEVER;
  }
  return d;
});

const TimeSchema = z.string(text).transform((s, ctx) => {
  const t = parseHhmm(s);
  if (!t) {
    ctx.addIssue({ code: "custom", message: "events.errors.badTime" });
    return z.NEVER;
  }
  return t;
});

const Version = z.number({ required_error: "catalog.validation.version", invalid_type_error: "catalog.validation.version" }).int().positive();
const Id = z.number({ required_error: "validation.required", invalid_type_error: "validation.invalidChoice" }).int().positive().max(Number.MAX_SAFE_INTEGER);

export const EventFields = {
  kind: z.enum(EVENT_KINDS, choice("validation.invalidChoice")),
  name: requiredText(200),
  startsOn: DaySchema,
  endsOn: DaySchema,
  city: optionalText(100),
  venue: optionalText(200),
  description: optionalText(10000),
  slotMinutes: z
    .number({ invalid_type_error: "events.form.slotMinutesRange" })
    .int("events.form.slotMinutesRange")
    .min(5, "events.form.slotMinutesRange")
    .max(240, "events.form.slotMinutesRange")
    .optional()
    .transform((v) => v ?? null),
};

function datesInOrder(v: { startsOn: string; endsOn: string }, ctx: z.RefinementCtx) {
  if (v.endsOn < v.startsOn) ctx.addIssue({ code: "custom", path: ["endsOn"], message: "events.errors.endsBeforeStart" });
  else if ((Date.parse(v.endsOn) - Date.parse(v.startsOn)) / 86_400_000 > 366) {
    ctx.addIssue({ code: "custom", path: ["endsOn"], message: "events.errors.tooLong" });
  }
}

export const NewEventSchema = z.object(EventFields).superRefine(datesInOrder);
export const EditEventSchema = z.object({ intent: z.literal("save"), version: Version, ...EventFields }).superRefine(datesInOrder);
export type EventInput = z.output<z.ZodObject<typeof EventFields>>;

export const EventStatusSchema = z.object({ intent: z.literal("status"), version: Version, status: z.enum(EVENT_STATUSES, choice("validation.invalidChoice")) });

export const GenerateSlotsSchema = z
  .object({
    intent: z.literal("generateSlots"),
    day: DaySchema,
    from: TimeSchema,
    to: TimeSchema,
    minutes: z.number({ invalid_type_error: "events.form.slotMinutesRange" }).int().min(5, "events.form.slotMinutesRange").max(240, "events.form.slotMinutesRange").optional(),
    // an optional break inside the range (lunch): no slot overlaps it
    breakFrom: TimeSchema.optional(),
    breakTo: TimeSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.to <= v.from) ctx.addIssue({ code: "custom", path: ["to"], message: "events.errors.slotHoursInvalid" });
    if ((v.breakFrom && !v.breakTo) || (!v.breakFrom && v.breakTo) || (v.breakFrom && v.breakTo && v.breakTo <= v.breakFrom)) {
      ctx.addIssue({ code: "custom", path: ["breakTo"], message: "events.errors.slotHoursInvalid" });
    }
  });
export const AddSlotSchema = z
  .object({ intent: z.literal("addSlot"), day: DaySchema, from: TimeSchema, to: TimeSchema, label: optionalText(50) })
  .superRefine((v, ctx) => {
    if (v.to <= v.from) ctx.addIssue({ code: "custom", path: ["to"], message: "events.errors.slotEndBeforeStart" });
  });
export const DeleteSlotSchema = z.object({ intent: z.literal("deleteSlot"), slotId: Id, version: Version });
export const AddTablesSchema = z.object({
  intent: z.literal("addTables"),
  label: requiredText(50),
  capacity: z.number({ required_error: "validation.required", invalid_type_error: "events.form.capacityRange" }).int().min(2, "events.form.capacityRange").max(100, "events.form.capacityRange"),
  // "桌" with count 20 → 桌1 … 桌20; count 1 (or empty) → the label as typed
  count: z.number({ invalid_type_error: "events.form.countRange" }).int().min(1, "events.form.countRange").max(200, "events.form.countRange").optional(),
});
export const UpdateTableSchema = z.object({
  intent: z.literal("updateTable"),
  tableId: Id,
  version: Version,
  label: requiredText(50),
  capacity: z.number({ required_error: "validation.required", invalid_type_error: "events.form.capacityRange" }).int().min(2, "events.form.capacityRange").max(100, "events.form.capacityRange"),
});
export const DeleteTableSchema = z.object({ intent: z.literal("deleteTable"), tableId: Id, version: Version });

/** A party picked in a form: "org:12" or "expert:34". */
export const PartySchema = z.string(text).transform((s, ctx) => {
  const m = /^(org|expert):(\d{1,15})$/.exec(s.trim());
  if (!m) {
    ctx.addIssue({ code: "custom", message: "validation.invalidChoice" });
    return z.NEVER;
  }
  return { kind: m[1] === "org" ? ("org" as const) : ("expert" as const), id: Number(m[2]) };
});

export const AvailabilityRow = z.object({
  day: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});

export const RegistrationFields = {
  lookingFor: optionalText(2000),
  contactName: optionalText(50),
  contactPhone: z
    .string(text)
    .trim()
    .max(50, "catalog.validation.max50")
    .regex(/^[0-9０-９+＋\-－()（）\s转#,，/]+$/, "catalog.validation.phone")
    .optional()
    .transform((s) => (s ? s : null)),
  avail: z.array(AvailabilityRow).default([]),
};
export const RegisterSchema = z.object({ intent: z.literal("register"), party: PartySchema, ...RegistrationFields });
export const UpdateRegistrationSchema = z.object({ intent: z.literal("updateRegistration"), participantId: Id, version: Version, ...RegistrationFields });
export const WithdrawSchema = z.object({ intent: z.literal("withdraw"), participantId: Id, version: Version });

export const InviteSchema = z.object({ intent: z.literal("invite"), parties: z.array(PartySchema, choice("validation.invalidChoice")).min(1, "validation.required") });
export const DecideSchema = z.object({
  intent: z.literal("decide"),
  participantId: Id,
  version: Version,
  decision: z.enum(["approve", "reject"], choice("validation.invalidChoice")),
});
export const PrioritySchema = z.object({
  intent: z.literal("priority"),
  participantId: Id,
  version: Version,
  priority: z.number({ invalid_type_error: "validation.invalidChoice" }).int().min(-10, "validation.invalidChoice").max(10, "validation.invalidChoice"),
});

export const RequestMeetingSchema = z.object({
  intent: z.literal("request"),
  requester: PartySchema,
  invitee: PartySchema,
  needId: Id.optional(),
  resultId: Id.optional(),
  message: optionalText(2000),
  idempotencyKey: z.string().trim().min(8).max(100).optional(),
});
export const ArrangeMeetingSchema = z.object({
  intent: z.literal("arrange"),
  requester: PartySchema,
  invitees: z.array(PartySchema, choice("validation.invalidChoice")).min(1, "events.errors.inviteeRequired").max(3, "events.errors.tooManyInvitees"),
  message: optionalText(2000),
  priority: z.number({ invalid_type_error: "validation.invalidChoice" }).int().min(-10).max(10).optional(),
  idempotencyKey: z.string().trim().min(8).max(100).optional(),
});
export const RespondSchema = z.object({
  intent: z.enum(["accept", "decline"], choice("validation.invalidChoice")),
  requestId: Id,
  version: Version,
});
export const CancelRequestSchema = z.object({ intent: z.literal("cancelRequest"), requestId: Id, version: Version });

export const CheckinCodeSchema = z.object({ intent: z.literal("checkinCode"), code: z.string(text).trim().min(1, "validation.required").max(40, "events.errors.codeNotFound") });
export const CheckinIdSchema = z.object({ intent: z.literal("checkin"), participantId: Id });
export const WalkInSchema = z.object({
  intent: z.literal("walkIn"),
  party: PartySchema,
  contactName: optionalText(50),
  contactPhone: z.string(text).trim().max(50, "catalog.validation.max50").optional().transform((s) => (s ? s : null)),
});
export const MarkMeetingSchema = z.object({
  intent: z.literal("markMeeting"),
  meetingId: Id,
  version: Version,
  status: z.enum(["held", "no_show"], choice("validation.invalidChoice")),
  // participant ids of a group meeting who did not come (others present)
  absent: z.array(Id).default([]),
});

/** Check-in codes are typed by hand: full-width characters, spaces and case do not matter. */
export function normalizeCode(code: string): string {
  return code.normalize("NFKC").replace(/[\s-]/g, "").toUpperCase();
}

export const AddOrganizerSchema = z.object({
  intent: z.literal("addOrganizer"),
  email: z.string(text).trim().min(1, "validation.required").max(254, "validation.emailTooLong").email("validation.email"),
});
