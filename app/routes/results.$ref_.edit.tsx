import { parseWithZod } from "@conform-to/zod";
import { Anchor, Stack, Text, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ResultEditor } from "~/components/catalog/result-editor";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { loadViewer, modelProblem } from "~/models/catalog.server";
import { getResultForEdit, leadExpertChoices, updateResult } from "~/models/result.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { EditResultSchema, recordPath } from "~/utils/catalog";
import { problemReply, staleInfo, type StaleInfo } from "~/utils/catalog-actions.server";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// Schema: EditResultSchema (~/utils/catalog), shared with the browser through ResultEditor.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const result = await getResultForEdit(await loadViewer(user), params.ref);
  const experts = await leadExpertChoices([result.org.id], result.leadExpertId);
  return { result, experts };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const result = await getResultForEdit(await loadViewer(user), params.ref);
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent !== "save" && intent !== "submit") throw new Response("Bad request", { status: 400 });
  const submission = parseWithZod(formData, { schema: EditResultSchema });
  if (submission.status !== "success") {
    return data({ intent, result: submission.reply(), stale: null as StaleInfo }, { status: 400 });
  }
  const { intent: _intent, version, ...input } = submission.value;
  try {
    const saved = await updateResult({ ...user, ip: getClientIp(context) }, { ...input, id: result.id, version, submit: intent === "submit" });
    return redirectWithToast(recordPath("result", saved), {
      description: intent === "submit" ? "catalog.toasts.submitted" : "catalog.toasts.saved",
    });
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return data(
      { intent, result: submission.reply(problemReply(problem)), stale: await staleInfo(problem, "result", result.id) },
      { status: problem.status },
    );
  }
}

export default function EditResultRoute() {
  const { t } = useTranslation();
  const { result, experts } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const path = recordPath("result", result);
  return (
    <Stack maw={900} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("catalog.result.editTitle")}</Title>
        <Text c="dimmed">
          <Anchor component={Link} to={path}>
            {result.title}
          </Anchor>
          {" · "}
          {result.org.name}
        </Text>
      </Stack>
      <ResultEditor
        mode="edit"
        defaults={result}
        orgs={[result.org]}
        experts={experts}
        reply={reply}
        latestPath={path}
        isDraft={result.status === "draft"}
        cancelTo={path}
      />
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "catalog.result.editTitle");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
