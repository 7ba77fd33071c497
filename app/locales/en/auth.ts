import type { Shape } from "../types";
import type zh from "../zh-CN/auth";

export default {
  login: {
    title: "Log in",
    intro: "Log in to Qiao to connect technology needs, research results and experts.",
    email: "Email",
    password: "Password",
    submit: "Log in",
    noAccount: "No account yet?",
    signupLink: "Sign up",
    invalidCredentials: "Incorrect email or password",
    lockedOut: "Too many failed attempts: logging in is locked for now. Try again in 15 minutes.",
    success: "Welcome back, {{name}}",
  },
  signup: {
    title: "Sign up",
    intro:
      "Once you have an account, a manager of your organization or the bureau's staff can invite you into it.",
    name: "Name",
    email: "Email",
    password: "Password",
    passwordHint: "At least 10 characters; avoid common passwords",
    confirmPassword: "Confirm password",
    submit: "Sign up",
    haveAccount: "Already have an account?",
    loginLink: "Log in",
    emailTaken: "This email is already registered: log in instead",
    success: "Welcome to Qiao",
  },
  logout: {
    success: "You have logged out",
  },
} satisfies Shape<typeof zh>;
