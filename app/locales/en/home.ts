import type { Shape } from "../types";
import type zh from "../zh-CN/home";

export default {
  title: "Qiao · Industry–university matchmaking",
  heroTitle: "Where industry's needs meet research results",
  heroText:
    "Qiao (桥, “bridge”) is the science & technology bureau's matchmaking platform: enterprises post technology needs, universities and institutes list research results and experts, and the bureau runs matchmaking events and follows every intent through to a signed agreement.",
  ctaSignup: "Sign up free",
  ctaLogin: "Log in",
  ctaNeeds: "Browse technology needs",
  stats: {
    title: "On the platform",
    needs: "Published technology needs",
    results: "Published research results",
    experts: "Experts",
    orgs: "Organizations",
  },
  latestNeeds: "Latest technology needs",
  noNeeds: "No technology needs have been published yet.",
  features: {
    title: "What Qiao does",
    needs: "Enterprises post technology needs: the problem, budget and ways to cooperate.",
    results: "Universities and institutes present research results and their experts.",
    match: "Suggested matches between needs and results, each with its reasons.",
    events: "The bureau runs matchmaking events and follows intents to signed agreements.",
  },
} satisfies Shape<typeof zh>;
