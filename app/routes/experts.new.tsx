import { parseWithZod } from "@conform-to/zod";
import { Alert, Stack, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { EMPTY_EXPERT, ExpertEditor } from "~/components/catalog/expert-editor";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { creatableOrgs, modelProblem } from "~/models/catalog.server";
import { createExpert } from "~/models/expert.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { NewExpertSchema, recordPath } from "~/utils/catalog";
import { problemReply, type StaleInfo } from "~/utils/catalog-actions.server";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// Schema: NewExpertSchema (~/utils/catalog), shared with the browser through ExpertEditor.

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const orgs = await creatableOrgs(user, "expert");
  const wanted = Number(new URL(request.url).searchParams.get("org"));
  const orgId = orgs.find((o) => o.id === wanted)?.id ?? orgs[0]?.id;
  return { orgs, orgId };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent !== "save" && intent !== "submit") throw new Response("Bad request", { status: 400 });
  const submission = parseWithZod(formData, { schema: NewExpertSchema });
  if (submission.status !== "success") {
    return data({ intent, result: submission.reply(), stale: null as StaleInfo }, { status: 400 });
  }
  const { intent: _intent, ...input } = submission.value;
  try {
    const created = await createExpert({ ...user, ip: getClientIp(context) }, { ...input, submit: intent === "submit" });
    return redirectWithToast(recordPath("expert", created), {
      description: intent === "submit" ? "catalog.toasts.createdSubmitted" : "catalog.toasts.created",
    });
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return data({ intent, result: submission.reply(problemReply(problem)), stale: null as StaleInfo }, { status: problem.status });
  }
}

export default function NewExpertRoute() {
  const { t } = useTranslation();
  const { orgs, orgId } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <Stack maw={900} mx="auto" gap="lg">
      <Title order={1}>{t("catalog.expert.newTitle")}</Title>
      {orgs.length === 0 ? (
        <Alert color="gray">{t("catalog.errors.noOrg")}</Alert>
      ) : (
        <ExpertEditor
          mode="new"
          defaults={{ ...EMPTY_EXPERT, orgId }}
          orgs={orgs}
          reply={reply}
          isDraft
          cancelTo={orgId ? `/my?org=${orgId}` : "/my"}
        />
      )}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "catalog.expert.newTitle");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
