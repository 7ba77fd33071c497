import type { LoaderFunctionArgs } from "@remix-run/node";
import { searchAs } from "~/models/search.server";
import { getUser } from "~/utils/auth.server";
import { parseSearchParams } from "~/utils/search-params";

// GET /api/search?q=…&type=needs|results|experts&sort=…&page=…&perPage=…&facets=true&<facet>=<value>…
// JSON for scripts and other sites. Strict about what it cannot answer (400 with the reasons:
// unknown type or sort, page/perPage not a positive whole number, perPage above 100), lenient
// about the rest (unknown parameters ignored, unknown filter values match nothing). Hits are
// what the caller may read: a session cookie widens that as on the search page.

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const { input, problems } = parseSearchParams(url.searchParams, "strict");
  if (problems.length) {
    return Response.json({ error: "bad_request", message: "Invalid search parameters", problems }, { status: 400 });
  }
  const user = await getUser(request);
  const outcome = await searchAs(user, input);
  return Response.json(
    {
      query: outcome.query,
      type: outcome.type,
      sort: outcome.sort,
      filters: outcome.filters,
      total: outcome.total,
      counts: outcome.counts,
      hits: outcome.hits,
      ...(outcome.facets ? { facets: outcome.facets } : {}),
      page: outcome.page,
      perPage: outcome.perPage,
      pages: outcome.pages,
      degraded: outcome.degraded,
      ...(outcome.unavailable ? { unavailable: true } : {}),
      tookMs: outcome.tookMs,
    },
    // What a signed-in user sees differs from a visitor's: never from a shared cache.
    { headers: { "Cache-Control": "private, no-store", Vary: "Cookie" } },
  );
}
