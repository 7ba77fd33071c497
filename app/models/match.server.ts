import { MeilisearchRequestError, MeilisearchRequestTimeOutError, MeilisearchApiError } from "meilisearch";
import { MatchSearchError } from "../../search/match/meili-http.server";
import { matchesForExpert, matchesForNeed, matchesForResult, MatchNotFoundError, parseLimit, type MatchOptions, type MatchResponse } from "../../search/match/engine.server";
import type { AuthUser } from "~/utils/auth.server";
import { searchViewer } from "./search.server";

// Match suggestions as the app sees them (search/match/engine.server.ts does the work): who is
// asking decides what may be suggested and whether the subject exists at all — another
// organization's draft is "not found", exactly like a ref that does not exist.

export { MatchNotFoundError, parseLimit };
export type { MatchResponse, Suggestion } from "../../search/match/engine.server";

export type MatchSubject = "need" | "result" | "expert";

/** Suggestions for a need (results and experts), a result or an expert (open needs), as `user` may see them. */
export async function matchesAs(user: Pick<AuthUser, "id" | "role"> | null, subject: MatchSubject, ref: string, opts: MatchOptions = {}): Promise<MatchResponse> {
  const viewer = await searchViewer(user);
  if (subject === "need") return matchesForNeed(ref, viewer, opts);
  if (subject === "result") return matchesForResult(ref, viewer, opts);
  return matchesForExpert(ref, viewer, opts);
}

/** Meilisearch unreachable or failing: the suggestions cannot be computed right now. */
export function isSearchOutage(error: unknown): boolean {
  if (error instanceof MatchSearchError) return error.unavailable;
  if (error instanceof MeilisearchRequestError || error instanceof MeilisearchRequestTimeOutError) return true;
  return error instanceof MeilisearchApiError && error.response.status >= 500;
}

/** The JSON answer of the matches API for a subject, with the status codes of issue 4. */
export async function matchesResponse(request: Request, user: Pick<AuthUser, "id" | "role"> | null, subject: MatchSubject, ref: string | undefined): Promise<Response> {
  const headers = { "Cache-Control": "private, no-store", Vary: "Cookie" };
  const url = new URL(request.url);
  const limit = parseLimit(url.searchParams.get("limit"));
  if (!limit.ok) return Response.json({ error: "bad_request", message: limit.message, parameter: "limit" }, { status: 400, headers });
  let kinds: Array<"result" | "expert"> | undefined;
  const rawKinds = url.searchParams.get("kinds");
  if (subject === "need" && rawKinds !== null) {
    const parts = rawKinds.split(",").map((k) => k.trim()).filter(Boolean);
    const bad = parts.filter((k) => k !== "result" && k !== "expert");
    if (!parts.length || bad.length) {
      return Response.json({ error: "bad_request", message: "kinds must be result, expert or result,expert", parameter: "kinds" }, { status: 400, headers });
    }
    kinds = parts.filter((k): k is "result" | "expert" => k === "result" || k === "expert");
  }
  const what = subject === "need" ? "Need" : subject === "result" ? "Result" : "Expert";
  if (!ref) return Response.json({ error: "not_found", message: `${what} not found` }, { status: 404, headers });
  try {
    const m = await matchesAs(user, subject, ref, { limit: limit.value, kinds });
    return Response.json(m, { headers });
  } catch (error) {
    if (error instanceof MatchNotFoundError) return Response.json({ error: "not_found", message: `${what} not found` }, { status: 404, headers });
    if (isSearchOutage(error)) {
      return Response.json({ error: "unavailable", message: "Suggestions need the search engine, which is not reachable right now" }, { status: 503, headers: { ...headers, "Retry-After": "30" } });
    }
    throw error;
  }
}
