// The four things industry reviewers ask of a technology need (decision 070). Shared by the
// server (app/models/need-quality.server.ts, which implements the checks) and the pages that
// list them: a value imported from a .server module is empty in the browser build.

export const QUALITY_CHECKS = ["benefit", "targets", "budget", "deadline"] as const;
export type QualityCheck = (typeof QUALITY_CHECKS)[number];
export function isQualityCheck(v: unknown): v is QualityCheck {
  return typeof v === "string" && (QUALITY_CHECKS as readonly string[]).includes(v);
}
