import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { setUserLocale } from "~/models/user.server";
import { getClientIp, getUser } from "~/utils/auth.server";
import { isLocale } from "~/utils/i18n";
import { serializeLocaleCookie } from "~/utils/locale.server";
import { safeRedirect } from "~/utils/misc";

// The language switch posts here (a plain form: works without JavaScript). The choice is kept
// in the `lng` cookie and, for a signed-in user, in app_user.locale so it follows them.

export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const locale = formData.get("locale");
  if (!isLocale(locale)) throw new Response("validation.invalidChoice", { status: 400 });
  const user = await getUser(request);
  if (user) await setUserLocale({ id: user.id, role: user.role, ip: getClientIp(context) }, locale);
  return redirect(safeRedirect(formData.get("redirectTo")), {
    headers: { "Set-Cookie": serializeLocaleCookie(locale) },
  });
}
