import type { LoaderFunctionArgs } from "@remix-run/node";
import { matchesResponse } from "~/models/match.server";
import { getUser } from "~/utils/auth.server";

// GET /api/results/:ref/matches?limit=10
// The open needs (and so the enterprises) a result could serve, best first, in the same form as
// /api/needs/:ref/matches. 400 for a bad limit, 404 for an unknown or unreadable ref, 503 while
// search is down.

export async function loader({ request, params }: LoaderFunctionArgs) {
  return matchesResponse(request, await getUser(request), "result", params.ref);
}
