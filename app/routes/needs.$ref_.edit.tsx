import { parseWithZod } from "@conform-to/zod";
import { Anchor, Stack, Text, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { NeedEditor } from "~/components/catalog/need-editor";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { loadViewer, modelProblem } from "~/models/catalog.server";
import { getNeedForEdit, updateNeed } from "~/models/need.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { EditNeedSchema, recordPath } from "~/utils/catalog";
import { problemReply, staleInfo, type StaleInfo } from "~/utils/catalog-actions.server";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// Schema: EditNeedSchema (~/utils/catalog), shared with the browser through NeedEditor.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const need = await getNeedForEdit(await loadViewer(user), params.ref);
  return { need };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  // 404 / 403 before looking at the form: another organization's need stays untouched.
  const need = await getNeedForEdit(await loadViewer(user), params.ref);
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent !== "save" && intent !== "submit") throw new Response("Bad request", { status: 400 });
  const submission = parseWithZod(formData, { schema: EditNeedSchema });
  if (submission.status !== "success") {
    return data({ intent, result: submission.reply(), stale: null as StaleInfo }, { status: 400 });
  }
  const { intent: _intent, version, ...input } = submission.value;
  try {
    const saved = await updateNeed({ ...user, ip: getClientIp(context) }, { ...input, id: need.id, version, submit: intent === "submit" });
    return redirectWithToast(recordPath("need", saved), {
      description: intent === "submit" ? "catalog.toasts.submitted" : "catalog.toasts.saved",
    });
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return data(
      { intent, result: submission.reply(problemReply(problem)), stale: await staleInfo(problem, "need", need.id) },
      { status: problem.status },
    );
  }
}

export default function EditNeedRoute() {
  const { t } = useTranslation();
  const { need } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const path = recordPath("need", need);
  return (
    <Stack maw={900} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("catalog.need.editTitle")}</Title>
        <Text c="dimmed">
          <Anchor component={Link} to={path}>
            {need.title}
          </Anchor>
          {" · "}
          {need.org.name}
        </Text>
      </Stack>
      <NeedEditor
        mode="edit"
        defaults={need}
        orgs={[need.org]}
        reply={reply}
        latestPath={path}
        isDraft={need.status === "draft"}
        cancelTo={path}
      />
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "catalog.need.editTitle");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
