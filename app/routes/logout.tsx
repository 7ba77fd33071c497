import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { logout } from "~/utils/auth.server";
import { redirectWithToast } from "~/utils/toast.server";

// POST only: a link or an <img src="/logout"> on another site must not sign anyone out.

export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const headers = await logout(request);
  return redirectWithToast("/", { type: "info", description: "auth.logout.success" }, { headers });
}
