import type { MetaFunction } from "@remix-run/node";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { pageTitle } from "~/utils/meta";

// Every URL no other route claims: a localized 404 inside the app shell.

export async function loader() {
  throw new Response("Not found", { status: 404 });
}

export async function action() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return <GeneralErrorBoundary />;
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "common.errors.notFoundTitle");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
