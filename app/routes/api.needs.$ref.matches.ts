import type { LoaderFunctionArgs } from "@remix-run/node";
import { matchesResponse } from "~/models/match.server";
import { getUser } from "~/utils/auth.server";

// GET /api/needs/:ref/matches?limit=10[&kinds=result,expert]
// The results (and experts) that could solve a need, best first, each with score (0–1), label
// (strong / possible / weak), reasons (zh and en) and the concepts shared on both sides;
// `none_reason` says so when nothing fits well. `ref` is the need's external ref or its id.
// 400 for a bad limit (a whole number 1–50) or kinds; 404 for an unknown ref or a need the
// caller may not read (another organization's draft: nothing leaks); 503 while search is down.

export async function loader({ request, params }: LoaderFunctionArgs) {
  return matchesResponse(request, await getUser(request), "need", params.ref);
}
