import { z } from "zod";

// The catalog's vocabularies and form schemas, shared by the server and the browser (Conform runs
// the same zod code on both sides). The lists mirror the SQL functions tech_fields() and
// cooperation_modes() of db/migrations/0002_catalog.sql, in the same order; the database's CHECKs
// stay the last word. Messages are translation keys (app/locales/*/catalog.ts, validation.ts).

export const CATALOG_KINDS = ["need", "result", "expert"] as const;
export type CatalogKind = (typeof CATALOG_KINDS)[number];

export const TECH_FIELDS = [
  "电子信息",
  "生物与新医药",
  "航空航天",
  "新材料",
  "高技术服务",
  "新能源与节能",
  "资源与环境",
  "先进制造与自动化",
] as const;
export type TechField = (typeof TECH_FIELDS)[number];

/** Translation-key slugs: the stored values are Chinese, the English UI needs names for them. */
export const TECH_FIELD_KEYS = {
  电子信息: "electronics",
  生物与新医药: "biomedicine",
  航空航天: "aerospace",
  新材料: "materials",
  高技术服务: "hightechServices",
  新能源与节能: "energy",
  资源与环境: "environment",
  先进制造与自动化: "manufacturing",
} as const satisfies Record<TechField, string>;

export const COOPERATION_MODES = ["技术转让", "技术许可", "合作开发", "委托开发", "技术咨询", "技术服务", "人才引进", "共建研发平台"] as const;
export type CooperationMode = (typeof COOPERATION_MODES)[number];

export const COOPERATION_KEYS = {
  技术转让: "transfer",
  技术许可: "license",
  合作开发: "jointDevelopment",
  委托开发: "commissionedDevelopment",
  技术咨询: "consulting",
  技术服务: "service",
  人才引进: "talent",
  共建研发平台: "jointPlatform",
} as const satisfies Record<CooperationMode, string>;

/** 成熟度, in order (matching compares positions). */
export const MATURITIES = ["实验室", "小试", "中试", "产业化"] as const;
export type Maturity = (typeof MATURITIES)[number];
export const MATURITY_KEYS = {
  实验室: "lab",
  小试: "bench",
  中试: "pilot",
  产业化: "industrial",
} as const satisfies Record<Maturity, string>;

export const VISIBILITIES = ["public", "members", "private"] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** need.status; results and experts use the same words without "matched". */
export const STATUSES = ["draft", "pending_review", "published", "matched", "closed"] as const;
export type CatalogStatus = (typeof STATUSES)[number];

/** 万元. The database's bound: 100 亿元, far above any real need, and catches 元 typed as 万元. */
export const MAX_WAN = 1_000_000;

export const LIMITS = {
  title: 200,
  description: 10_000,
  summary: 10_000,
  listItems: 20,
  listItemLength: 50,
  ip: 500,
  contactName: 50,
  phone: 50,
  email: 254,
  expertName: 50,
  jobTitle: 50,
  bio: 5000,
  reviewComment: 2000,
} as const;

export function isTechField(v: unknown): v is TechField {
  return typeof v === "string" && (TECH_FIELDS as readonly string[]).includes(v);
}
export function isCooperationMode(v: unknown): v is CooperationMode {
  return typeof v === "string" && (COOPERATION_MODES as readonly string[]).includes(v);
}
export function isMaturity(v: unknown): v is Maturity {
  return typeof v === "string" && (MATURITIES as readonly string[]).includes(v);
}
export function isVisibility(v: unknown): v is Visibility {
  return typeof v === "string" && (VISIBILITIES as readonly string[]).includes(v);
}
export function isCatalogStatus(v: unknown): v is CatalogStatus {
  return typeof v === "string" && (STATUSES as readonly string[]).includes(v);
}
export function isCatalogKind(v: unknown): v is CatalogKind {
  return typeof v === "string" && (CATALOG_KINDS as readonly string[]).includes(v);
}

/** Where each kind's pages live: /needs/N001, /results/R0001, /experts/X001. */
export const KIND_PATH = { need: "needs", result: "results", expert: "experts" } as const satisfies Record<CatalogKind, string>;

/** The URL of a record: its external ref when it has one, else its id. */
export function recordPath(kind: CatalogKind, record: { ref: string | null; id: number }) {
  return `/${KIND_PATH[kind]}/${encodeURIComponent(record.ref ?? String(record.id))}`;
}

// ---------------------------------------------------------------- parsing what people type

/** 锂电池、正极材料, 锂电池，光伏; 储能 → ["锂电池", "正极材料", ...]: commas, 、 and semicolons; no repeats. */
export function splitKeywords(text: string): string[] {
  const items = text
    .split(/[,，、;；\n\r]+/)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter((s) => s !== "");
  return [...new Set(items)];
}

/** The form's text for a list: what splitKeywords reads back unchanged. */
export function joinKeywords(list: readonly string[]): string {
  return list.join("、");
}

const AMOUNT = /^\d+(\.\d+)?$/;
const NEGOTIABLE = /^(面议|面谈|待定|协商|negotiable|tbd)$/i;

/** "120", "1,200.5", "１２０", "面议" or "" → number | null (面议), or the problem's message key. */
export function parseWan(text: string): { ok: true; value: number | null } | { ok: false; message: string } {
  const s = text.normalize("NFKC").replace(/[\s,]/g, "").replace(/万元?$/, "");
  if (s === "" || NEGOTIABLE.test(s)) return { ok: true, value: null };
  if (/^-\d/.test(s)) return { ok: false, message: "catalog.validation.amountNegative" };
  if (!AMOUNT.test(s)) return { ok: false, message: "catalog.validation.amountInvalid" };
  const n = Number(s);
  if (!Number.isFinite(n)) return { ok: false, message: "catalog.validation.amountInvalid" };
  if (n > MAX_WAN) return { ok: false, message: "catalog.validation.amountTooLarge" };
  return { ok: true, value: Math.round(n * 100) / 100 };
}

export const MIN_DATE = "2000-01-01";
export const MAX_DATE = "2100-12-31";

/** "2018-04-30" → itself; "2018-02-30", "2018-13-01", "tomorrow" → null. */
export function parseIsoDate(text: string): string | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text.normalize("NFKC").trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

// ---------------------------------------------------------------- field schemas

const required = { required_error: "validation.required", invalid_type_error: "catalog.validation.notText" };
const optionalText = { invalid_type_error: "catalog.validation.notText" };

/** A max-length message that exists in the catalog's validation keys. */
const maxMessage = {
  50: "catalog.validation.max50",
  100: "catalog.validation.max100",
  200: "catalog.validation.max200",
  254: "catalog.validation.max254",
  500: "catalog.validation.max500",
  2000: "catalog.validation.max2000",
  5000: "catalog.validation.max5000",
  10000: "catalog.validation.max10000",
} as const;
type MaxLength = keyof typeof maxMessage;

// Length as people count it (characters, not UTF-16 units): the database's length() agrees.
const chars = (s: string) => [...s].length;

function requiredText(max: MaxLength) {
  return z
    .string(required)
    .trim()
    .min(1, "validation.required")
    .refine((s) => chars(s) <= max, maxMessage[max]);
}

/** Optional text: blank → null. */
function optionalTextField(max: MaxLength) {
  return z
    .string(optionalText)
    .trim()
    .refine((s) => chars(s) <= max, maxMessage[max])
    .optional()
    .transform((s) => (s ? s : null));
}

/** Long optional text stored as '' when blank (need.description, result.summary). */
function longText(max: MaxLength) {
  return z
    .string(optionalText)
    .refine((s) => chars(s) <= max, maxMessage[max])
    .optional()
    .transform((s) => (s ?? "").replace(/\r\n?/g, "\n").trim());
}

/** Keywords / areas / honours typed as one line: 锂电池、正极材料, 储能. */
function wordList() {
  return z
    .string(optionalText)
    .optional()
    .transform((s) => splitKeywords(s ?? ""))
    .superRefine((list, ctx) => {
      if (list.length > LIMITS.listItems) ctx.addIssue({ code: "custom", message: "catalog.validation.tooManyItems" });
      if (list.some((x) => chars(x) > LIMITS.listItemLength)) ctx.addIssue({ code: "custom", message: "catalog.validation.itemTooLong" });
    });
}

const choice = (message: string) => ({ errorMap: () => ({ message }) });

export const TechFieldSchema = z.enum(TECH_FIELDS, choice("catalog.validation.unknownField"));
const OptionalField = TechFieldSchema.optional().transform((v) => v ?? null);

/** Checkbox groups: errors on the group (not on "cooperation[3]"), known values only, no repeats. */
function choiceList<T extends string>(isValue: (v: unknown) => v is T, message: string) {
  return z
    .array(z.string({ invalid_type_error: message }), choice(message))
    .default([])
    .superRefine((list, ctx) => {
      if (!list.every(isValue)) ctx.addIssue({ code: "custom", message });
    })
    .transform((list) => [...new Set(list.filter(isValue))]);
}

const CooperationSchema = choiceList(isCooperationMode, "catalog.validation.unknownCooperation");

const VisibilitySchema = z.enum(VISIBILITIES, choice("validation.invalidChoice")).default("public");

const MaturitySchema = z
  .enum(MATURITIES, choice("catalog.validation.unknownMaturity"))
  .optional()
  .transform((v) => v ?? null);

const AmountSchema = z
  .string({ invalid_type_error: "catalog.validation.amountInvalid" })
  .optional()
  .transform((s, ctx) => {
    const parsed = parseWan(s ?? "");
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    }
    return parsed.value;
  });

const DateSchema = z
  .string({ invalid_type_error: "catalog.validation.dateInvalid" })
  .optional()
  .transform((s, ctx) => {
    if (!s || !s.trim()) return null;
    const date = parseIsoDate(s);
    if (!date) {
      ctx.addIssue({ code: "custom", message: "catalog.validation.dateInvalid" });
      return z.NEVER;
    }
    if (date < MIN_DATE || date > MAX_DATE) {
      ctx.addIssue({ code: "custom", message: "catalog.validation.dateRange" });
      return z.NEVER;
    }
    return date;
  });

const OptionalEmail = z
  .string(optionalText)
  .trim()
  .max(LIMITS.email, "validation.emailTooLong")
  .email("validation.email")
  .optional()
  .transform((s) => (s ? s.toLowerCase() : null));

const OptionalPhone = z
  .string(optionalText)
  .trim()
  .max(LIMITS.phone, "catalog.validation.max50")
  // digits, +, -, brackets, spaces, 转 (extension), commas or slashes between numbers
  .regex(/^[0-9０-９+＋\-－()（）\s转#,，/]+$/, "catalog.validation.phone")
  .optional()
  .transform((s) => (s ? s : null));

const Version = z.number({ required_error: "catalog.validation.version", invalid_type_error: "catalog.validation.version" }).int().positive();
const Id = z.number({ required_error: "validation.required", invalid_type_error: "validation.invalidChoice" }).int().positive().max(Number.MAX_SAFE_INTEGER);

/** The editors' two buttons: save (as it is) or save and send to review. */
export const SAVE_INTENTS = ["save", "submit"] as const;
export type SaveIntent = (typeof SAVE_INTENTS)[number];
const SaveIntentSchema = z.enum(SAVE_INTENTS, choice("validation.invalidChoice"));

// ---------------------------------------------------------------- the forms

export const NeedFields = {
  title: requiredText(200),
  description: longText(10000),
  field: OptionalField,
  keywords: wordList(),
  cooperation: CooperationSchema,
  budget: AmountSchema,
  deadline: DateSchema,
  visibility: VisibilitySchema,
  contactName: optionalTextField(50),
  contactPhone: OptionalPhone,
  contactEmail: OptionalEmail,
};

export const ResultFields = {
  title: requiredText(200),
  summary: longText(10000),
  field: OptionalField,
  keywords: wordList(),
  maturity: MaturitySchema,
  ip: optionalTextField(500),
  cooperation: CooperationSchema,
  price: AmountSchema,
  leadExpertId: Id.optional().transform((v) => v ?? null),
  visibility: VisibilitySchema,
  contactName: optionalTextField(50),
  contactPhone: OptionalPhone,
  contactEmail: OptionalEmail,
};

export const ExpertFields = {
  name: requiredText(50),
  title: optionalTextField(50),
  areas: wordList(),
  honors: wordList(),
  fields: choiceList(isTechField, "catalog.validation.unknownField"),
  bio: optionalTextField(5000),
  email: OptionalEmail,
  phone: OptionalPhone,
  visibility: VisibilitySchema,
};

/** A technology field is optional in a draft and required from submission on (the database agrees). */
function fieldOnSubmit(value: { intent: SaveIntent; field: string | null }, ctx: z.RefinementCtx) {
  if (value.intent === "submit" && !value.field) {
    ctx.addIssue({ code: "custom", path: ["field"], message: "catalog.validation.fieldRequiredOnSubmit" });
  }
}

export const NewNeedSchema = z.object({ intent: SaveIntentSchema, orgId: Id, ...NeedFields }).superRefine(fieldOnSubmit);
export const EditNeedSchema = z.object({ intent: SaveIntentSchema, version: Version, ...NeedFields }).superRefine(fieldOnSubmit);
export const NewResultSchema = z.object({ intent: SaveIntentSchema, orgId: Id, ...ResultFields }).superRefine(fieldOnSubmit);
export const EditResultSchema = z.object({ intent: SaveIntentSchema, version: Version, ...ResultFields }).superRefine(fieldOnSubmit);
export const NewExpertSchema = z.object({ intent: SaveIntentSchema, orgId: Id, ...ExpertFields });
export const EditExpertSchema = z.object({ intent: SaveIntentSchema, version: Version, ...ExpertFields });

export type NeedInput = z.output<z.ZodObject<typeof NeedFields>>;
export type ResultInput = z.output<z.ZodObject<typeof ResultFields>>;
export type ExpertInput = z.output<z.ZodObject<typeof ExpertFields>>;

/** An organization's public profile (orgs/:orgId/edit); limits as in 0001_accounts.sql. */
export const OrgProfileSchema = z.object({
  version: Version,
  name: requiredText(200),
  shortName: optionalTextField(100),
  town: optionalTextField(100),
  city: optionalTextField(100),
  industry: optionalTextField(100),
  description: optionalTextField(5000),
  website: z
    .string(optionalText)
    .trim()
    .max(LIMITS.ip, "catalog.validation.max500")
    .regex(/^https?:\/\/[^\s<>"]+$/i, "catalog.validation.website")
    .optional()
    .transform((s) => (s ? s : null)),
});

// ---- the workflow buttons of a record (detail page, review queue) ----

export const WORKFLOW_ACTIONS = ["submit", "withdraw", "close", "publish", "sendBack"] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** submit / withdraw / close / publish: the record's version is all they carry. */
export const WorkflowSchema = z.object({
  intent: z.enum(["submit", "withdraw", "close", "publish"], choice("validation.invalidChoice")),
  version: Version,
});

/** 退回修改: the comment is what the submitter reads, so it is required. */
export const SendBackSchema = z.object({
  intent: z.literal("sendBack"),
  version: Version,
  comment: requiredText(2000),
});

/** The review queue names the record as well (several records on one page). */
export const ReviewTarget = { kind: z.enum(CATALOG_KINDS, choice("validation.invalidChoice")), id: Id };
export const ReviewPublishSchema = z.object({ intent: z.literal("publish"), version: Version, ...ReviewTarget });
export const ReviewSendBackSchema = z.object({ intent: z.literal("sendBack"), version: Version, comment: requiredText(2000), ...ReviewTarget });
