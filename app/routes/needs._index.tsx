import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

// The list of needs is the search page's (one search, with facets and visibility built in);
// this keeps /needs working and carries any query along.
export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  params.set("type", "needs");
  return redirect(`/search?${params}`);
}
