import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Anchor, Button, Group, Paper, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useCatalogInputProps } from "~/components/catalog/editor-parts";
import { StaleAlert } from "~/components/catalog/workflow";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrors } from "~/components/forms";
import { lastChange, modelProblem } from "~/models/catalog.server";
import { getOrgProfileForEdit, updateOrgProfile } from "~/models/org-profile.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { OrgProfileSchema } from "~/utils/catalog";
import { problemReply, type StaleInfo } from "~/utils/catalog-actions.server";
import { pageTitle } from "~/utils/meta";
import { invariantResponse, useIsPending } from "~/utils/misc";
import { redirectWithToast } from "~/utils/toast.server";

// Schema: OrgProfileSchema (~/utils/catalog). A rename reaches search through the organization's
// sync job, which refreshes its needs', results' and experts' documents as well.

function parseOrgId(value: string | undefined) {
  const id = Number(value);
  invariantResponse(Number.isSafeInteger(id) && id > 0, "Not found", { status: 404 });
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { profile: await getOrgProfileForEdit(user, parseOrgId(params.orgId)) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const orgId = parseOrgId(params.orgId);
  await getOrgProfileForEdit(user, orgId);
  const formData = await request.formData();
  if (formData.get("intent") !== "save") throw new Response("Bad request", { status: 400 });
  const submission = parseWithZod(formData, { schema: OrgProfileSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), stale: null as StaleInfo }, { status: 400 });
  try {
    await updateOrgProfile({ ...user, ip: getClientIp(context) }, { ...submission.value, orgId });
    return redirectWithToast(`/orgs/${orgId}`, { description: "catalog.orgProfile.saved" });
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    const stale: StaleInfo = problem.message === "catalog.errors.stale" ? await lastChange("organization", orgId) : null;
    return data({ result: submission.reply(problemReply(problem)), stale }, { status: problem.status });
  }
}

export default function EditOrgProfileRoute() {
  const { t } = useTranslation();
  const { profile } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const isPending = useIsPending();
  const inputProps = useCatalogInputProps();
  const [form, fields] = useForm({
    id: `org-profile-${profile.version}`,
    lastResult: reply?.result,
    defaultValue: {
      version: String(profile.version),
      name: profile.name,
      shortName: profile.shortName ?? "",
      town: profile.town ?? "",
      city: profile.city ?? "",
      industry: profile.industry ?? "",
      description: profile.description ?? "",
      website: profile.website ?? "",
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OrgProfileSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const orgPath = `/orgs/${profile.id}`;
  return (
    <Stack maw={900} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{t("catalog.orgProfile.title")}</Title>
        <Text c="dimmed">
          <Anchor component={Link} to={orgPath}>
            {profile.name}
          </Anchor>
        </Text>
      </Stack>
      <Paper withBorder p="lg" radius="md">
        <Form method="post" {...getFormProps(form)}>
          <Stack gap="md">
            {reply?.stale ? <StaleAlert stale={reply.stale} latestPath={orgPath} /> : <FormErrors form={form} />}
            <input type="hidden" name={fields.version.name} value={fields.version.initialValue ?? ""} />
            <TextInput {...inputProps(fields.name)} key={fields.name.key} label={t("catalog.orgProfile.name")} withAsterisk />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput {...inputProps(fields.shortName)} key={fields.shortName.key} label={t("catalog.orgProfile.shortName")} />
              <TextInput {...inputProps(fields.industry)} key={fields.industry.key} label={t("catalog.orgProfile.industry")} />
              <TextInput {...inputProps(fields.town)} key={fields.town.key} label={t("catalog.orgProfile.town")} />
              <TextInput {...inputProps(fields.city)} key={fields.city.key} label={t("catalog.orgProfile.city")} />
            </SimpleGrid>
            <Textarea
              {...inputProps(fields.description)}
              key={fields.description.key}
              label={t("catalog.orgProfile.description")}
              autosize
              minRows={3}
              maxRows={12}
            />
            <TextInput {...inputProps(fields.website)} key={fields.website.key} label={t("catalog.orgProfile.website")} type="url" />
            <Group>
              <Button type="submit" name="intent" value="save" loading={isPending}>
                {t("catalog.actions.save")}
              </Button>
              <Button component={Link} to={orgPath} variant="subtle">
                {t("catalog.actions.cancel")}
              </Button>
            </Group>
          </Stack>
        </Form>
      </Paper>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "catalog.orgProfile.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
