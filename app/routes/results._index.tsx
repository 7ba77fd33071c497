import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

// The list of results is the search page's (one search, with facets and visibility built in);
// this keeps /results working and carries any query along.
export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  params.set("type", "results");
  return redirect(`/search?${params}`);
}
