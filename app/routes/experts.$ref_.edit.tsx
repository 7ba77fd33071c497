import { parseWithZod } from "@conform-to/zod";
import { Anchor, Stack, Text, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ExpertEditor } from "~/components/catalog/expert-editor";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { loadViewer, modelProblem } from "~/models/catalog.server";
import { getExpertForEdit, updateExpert } from "~/models/expert.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { EditExpertSchema, recordPath } from "~/utils/catalog";
import { problemReply, staleInfo, type StaleInfo } from "~/utils/catalog-actions.server";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// Schema: EditExpertSchema (~/utils/catalog), shared with the browser through ExpertEditor.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const expert = await getExpertForEdit(await loadViewer(user), params.ref);
  return { expert };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const expert = await getExpertForEdit(await loadViewer(user), params.ref);
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent !== "save" && intent !== "submit") throw new Response("Bad request", { status: 400 });
  const submission = parseWithZod(formData, { schema: EditExpertSchema });
  if (submission.status !== "success") {
    return data({ intent, result: submission.reply(), stale: null as StaleInfo }, { status: 400 });
  }
  const { intent: _intent, version, ...input } = submission.value;
  try {
    const saved = await updateExpert({ ...user, ip: getClientIp(context) }, { ...input, id: expert.id, version, submit: intent === "submit" });
    return redirectWithToast(recordPath("expert", saved), {
      description: intent === "submit" ? "catalog.toasts.submitted" : "catalog.toasts.saved",
    });
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return data(
      { intent, result: submission.reply(problemReply(problem)), stale: await staleInfo(problem, "expert", expert.id) },
      { status: problem.status },
    );
  }
}

export default function EditExpertRoute() {
  const { t } = useTranslation();
  const { expert } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const path = recordPath("expert", expert);
  return (
    <Stack maw={900} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("catalog.expert.editTitle")}</Title>
        <Text c="dimmed">
          <Anchor component={Link} to={path}>
            {expert.name}
          </Anchor>
          {" · "}
          {expert.org.name}
        </Text>
      </Stack>
      <ExpertEditor
        mode="edit"
        defaults={expert}
        orgs={[expert.org]}
        reply={reply}
        latestPath={path}
        isDraft={expert.status === "draft"}
        cancelTo={path}
      />
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "catalog.expert.editTitle");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
