import type { Shape } from "../types";
import type zh from "../zh-CN/validation";

export default {
  required: "This field is required",
  email: "Enter a valid email address",
  emailTooLong: "The email address is too long",
  nameTooLong: "The name must be at most 100 characters",
  passwordTooShort: "The password must be at least 10 characters",
  passwordTooLong: "The password must be at most 128 characters",
  passwordWeak: "This password is too easy to guess: avoid common passwords and repeated or sequential characters",
  passwordMismatch: "The passwords do not match",
  invalidChoice: "Choose a valid option",
  orgNameTooLong: "The organization name must be at most 200 characters",
} satisfies Shape<typeof zh>;
