import { z } from "zod";
import { LOCALES } from "./i18n";
import { ORG_ROLES } from "./roles";

// Field schemas shared by the forms (browser and server run the same zod code through
// Conform). Every message is a translation key from app/locales/*/validation.ts.

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;
export const NAME_MAX = 100;

const required = { required_error: "validation.required", invalid_type_error: "validation.required" };

export const EmailSchema = z
  .string(required)
  .trim()
  .min(1, "validation.required")
  .max(254, "validation.emailTooLong")
  .email("validation.email")
  .transform((v) => v.toLowerCase());

export const NameSchema = z.string(required).trim().min(1, "validation.required").max(NAME_MAX, "validation.nameTooLong");

// The few passwords and patterns every guessing list starts with. Not a breach database:
// the length minimum and the login lock-out do most of the work (docs/decisions/003-auth.md).
const COMMON = new Set([
  "password", "passw0rd", "p@ssword", "p@ssw0rd", "qwerty", "iloveyou", "woaini", "woaini1314",
  "admin", "administrator", "welcome", "letmein", "qiao", "abc", "abcd", "test", "root", "user",
  "china", "zhongguo", "baidu", "taobao", "qq", "wechat", "weixin", "changeme", "secret",
]);
const RUNS = [
  "0123456789012345678901234567890123456789",
  "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
  "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
  "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
  "1q2w3e4r5t6y7u8i9o0p",
];

export function isWeakPassword(password: string): boolean {
  const p = password.toLowerCase();
  if (new Set(p).size < 4) return true;
  for (const run of RUNS) {
    if (run.includes(p) || [...run].reverse().join("").includes(p)) return true;
  }
  // A common word padded with digits or symbols: "password123!", "qiao12345678".
  const core = p.replace(/^[\d\p{P}\p{S}\s]+|[\d\p{P}\p{S}\s]+$/gu, "");
  if (COMMON.has(core)) return true;
  // A digit run with a word: "abc1234567890" → the digits alone are a run.
  const digits = p.replace(/\D/g, "");
  return digits.length >= p.length - 3 && RUNS[0].includes(digits);
}

export const PasswordSchema = z
  .string(required)
  .min(PASSWORD_MIN, "validation.passwordTooShort")
  .max(PASSWORD_MAX, "validation.passwordTooLong")
  .refine((p) => !isWeakPassword(p), "validation.passwordWeak");

export const LocaleSchema = z.enum(LOCALES, { errorMap: () => ({ message: "validation.invalidChoice" }) });
export const OrgRoleSchema = z.enum(ORG_ROLES, { errorMap: () => ({ message: "validation.invalidChoice" }) });

/** Sign-up fields, also used by the invitation page's "sign up and accept". */
export const SignupFields = {
  name: NameSchema,
  email: EmailSchema,
  password: PasswordSchema,
  confirmPassword: z.string(required),
};

export function passwordsMatch(value: { password: string; confirmPassword: string }, ctx: z.RefinementCtx) {
  if (value.password !== value.confirmPassword) {
    ctx.addIssue({ code: "custom", path: ["confirmPassword"], message: "validation.passwordMismatch" });
  }
}

/** Login fields: no strength rules (existing passwords), a bound against huge inputs. */
export const LoginFields = {
  email: EmailSchema,
  password: z.string(required).min(1, "validation.required").max(1024, "validation.passwordTooLong"),
};
