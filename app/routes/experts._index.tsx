import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

// The list of experts is the search page's (one search, with facets and visibility built in);
// this keeps /experts working and carries any query along.
export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  params.set("type", "experts");
  return redirect(`/search?${params}`);
}
