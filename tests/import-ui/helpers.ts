import { sql } from "../../db/client.server";
import type { UploadView } from "~/models/import-upload.server";
import { action as previewAction, loader as previewLoader } from "~/routes/import.$id";
import { loader as rejectedLoader } from "~/routes/import.$id_.rejected";
import { action as uploadAction, loader as uploadLoader } from "~/routes/import._index";
import { loader as templateLoader } from "~/routes/import.template";
import { createUserSession } from "~/utils/auth.server";
import type { Role } from "~/utils/roles";
import { getRequest, makeUser, ORIGIN, postRequest, run } from "../app/helpers";

// Calls the import page's loaders and actions as Remix would, with multipart bodies built from
// File objects, against this test file's own database.

export { getRequest, postRequest, run, ORIGIN };
const ctx = {};

export type TestUser = Awaited<ReturnType<typeof makeUser>> & { cookie: string };

export async function userWithCookie(opts: { role?: Role; name?: string } = {}): Promise<TestUser> {
  const user = await makeUser(opts);
  const headers = await createUserSession(new Request(`${ORIGIN}/login`), user.id);
  return { ...user, cookie: (headers.get("Set-Cookie") ?? "").split(";")[0] };
}

export type Upload = { name: string; content: string | Buffer | Uint8Array; type?: string };

export function uploadForm(files: Upload[], fields: Record<string, string> = { intent: "upload" }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) {
    const bytes = typeof f.content === "string" ? Buffer.from(f.content, "utf8") : f.content;
    form.append("files", new File([new Uint8Array(bytes)], f.name, { type: f.type ?? "application/octet-stream" }));
  }
  return form;
}

export function multipartRequest(path: string, form: FormData, cookie?: string) {
  const headers = new Headers({ Origin: ORIGIN });
  if (cookie) headers.set("Cookie", cookie);
  return new Request(`${ORIGIN}${path}`, { method: "POST", headers, body: form });
}

export function upload(user: { cookie: string } | null, files: Upload[], fields?: Record<string, string>) {
  return run(() => uploadAction({ request: multipartRequest("/import", uploadForm(files, fields), user?.cookie), params: {}, context: ctx }));
}

/** Uploads and returns the new upload's id (the redirect's target). */
export async function uploadId(user: { cookie: string }, files: Upload[], fields?: Record<string, string>) {
  const res = await upload(user, files, fields);
  if (res.status !== 302 || !res.location) throw new Error(`upload refused: ${res.status} ${JSON.stringify(res.data)}`);
  const m = /^\/import\/([0-9a-f-]{36})$/.exec(res.location);
  if (!m) throw new Error(`unexpected redirect ${res.location}`);
  return m[1];
}

export function uploadPage(user: { cookie: string } | null) {
  return run(() => uploadLoader({ request: getRequest("/import", { cookie: user?.cookie }), params: {}, context: ctx }));
}

export function preview(user: { cookie: string } | null, id: string, query = "", locale?: "en") {
  const cookie = [user?.cookie, locale ? `lng=${locale}` : null].filter(Boolean).join("; ");
  return run(() => previewLoader({ request: getRequest(`/import/${id}${query}`, { cookie }), params: { id }, context: ctx }));
}

export function post(user: { cookie: string } | null, id: string, intent: string) {
  return run(() => previewAction({ request: postRequest(`/import/${id}`, { intent }, { cookie: user?.cookie }), params: { id }, context: ctx }));
}

export const confirm = (user: { cookie: string } | null, id: string) => post(user, id, "confirm");

export function rejectedCsv(user: { cookie: string } | null, id: string, locale?: "en") {
  const cookie = [user?.cookie, locale ? `lng=${locale}` : null].filter(Boolean).join("; ");
  return run(() => rejectedLoader({ request: getRequest(`/import/${id}/rejected`, { cookie }), params: { id }, context: ctx }));
}

export async function template(user: { cookie: string } | null, query: string) {
  let value: unknown;
  try {
    value = await templateLoader({ request: getRequest(`/import/template?${query}`, { cookie: user?.cookie }), params: {}, context: ctx });
  } catch (thrown) {
    value = thrown;
  }
  if (!(value instanceof Response)) throw new Error("the template route answers with a Response");
  return value;
}

/** The view the preview loader returned. */
export function viewOf(data: unknown) {
  if (data && typeof data === "object" && "view" in data) {
    return (data as { view: UploadView }).view;
  }
  throw new Error(`not a preview: ${JSON.stringify(data)}`);
}

/** The toast a redirect carries (the cookie is base64 JSON, as createCookie writes it). */
export function toastOf(headers: Headers): { description: string; values?: Record<string, string | number> } | null {
  const line = headers.getSetCookie().find((c) => c.startsWith("qiao_toast="));
  if (!line) return null;
  const raw = decodeURIComponent(line.split(";")[0].slice("qiao_toast=".length));
  return JSON.parse(Buffer.from(raw, "base64").toString("utf8"));
}

export async function count(table: "need" | "result" | "expert" | "organization" | "import_upload" | "import_upload_file") {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)}`;
  return n;
}
