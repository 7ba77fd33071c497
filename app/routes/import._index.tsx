import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Alert, Button, Grid, Input, NativeSelect, Paper, Stack, Text, Title } from "@mantine/core";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { IconAlertCircle, IconUpload } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrors, useFieldError } from "~/components/forms";
import { formatMegabytes, IMPORT_KIND_VALUES } from "~/components/import/kinds";
import { TemplateLinks } from "~/components/import/templates";
import { WorkingNotice } from "~/components/import/working-notice";
import { createUpload, importRights, readUploadForm, UPLOAD_LIMITS } from "~/models/import-upload.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import type { MessageKey } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

// /import: choose files (and, rarely, the kind), upload. The action bounds the upload while it
// streams in, dry-runs it (nothing is written in the catalog) and sends the browser to the
// preview at /import/:id. A plain multipart form: it works without JavaScript.

const UploadSchema = z.object({
  intent: z.literal("upload"),
  files: z
    .array(z.instanceof(File, { message: "import.upload.noFile" }), { required_error: "import.upload.noFile" })
    .min(1, "import.upload.noFile"),
  kind: z.enum(IMPORT_KIND_VALUES, { errorMap: () => ({ message: "validation.invalidChoice" }) }).optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const rights = await importRights(user);
  return {
    rights: { allowed: rights.allowed, kinds: IMPORT_KIND_VALUES.filter((k) => rights.kinds.includes(k)), orgs: rights.orgs },
    limits: {
      csv: formatMegabytes(UPLOAD_LIMITS.maxFileBytes),
      xlsx: formatMegabytes(UPLOAD_LIMITS.maxXlsxBytes),
      rows: UPLOAD_LIMITS.maxRows,
    },
  };
}

type Problem = { key: MessageKey; values: Record<string, string | number> };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const rights = await importRights(user);
  if (!rights.allowed) throw new Response("Forbidden", { status: 403 });

  const read = await readUploadForm(request);
  if (!read.ok) {
    const problem: Problem =
      "tooLarge" in read
        ? read.tooLarge.file
          ? { key: "import.upload.tooLarge", values: { file: read.tooLarge.file, limit: formatMegabytes(read.tooLarge.limitBytes) } }
          : { key: "import.upload.tooLargeTotal", values: { limit: formatMegabytes(read.tooLarge.limitBytes) } }
        : { key: "import.upload.tooManyFiles", values: { max: read.tooManyFiles } };
    return data({ result: null, problem }, { status: 413 });
  }
  const formData = read.formData;
  if (formData.get("intent") !== "upload") throw new Response("Bad request", { status: 400 });

  const submission = parseWithZod(formData, { schema: UploadSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["files"] }), problem: null }, { status: 400 });
  }
  const { files, kind } = submission.value;
  // The model refuses a kind this user may not import (a member and organizations: 403).
  const upload = await createUpload(
    { ...user, ip: getClientIp(context) },
    { files: await Promise.all(files.map(async (f) => ({ filename: f.name, bytes: Buffer.from(await f.arrayBuffer()) }))), kind },
  );
  return redirect(`/import/${upload.id}`);
}

export default function ImportRoute() {
  const { t } = useTranslation();
  const { rights, limits } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errorOf = useFieldError();
  // "loading" too: after the action, the redirect's preview is still being loaded
  const uploading = navigation.state !== "idle" && navigation.formAction === "/import" && navigation.formMethod === "POST";
  const [form, fields] = useForm({
    id: "import-upload",
    lastResult: actionData?.result ?? undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UploadSchema }),
    shouldRevalidate: "onSubmit",
  });
  const filesError = errorOf(fields.files);

  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <div>
        <Title order={1}>{t("import.title")}</Title>
        <Text c="dimmed" mt={4}>
          {t("import.intro")}
        </Text>
      </div>

      {!rights.allowed ? (
        <Alert color="gray" icon={<IconAlertCircle aria-hidden />} data-testid="import-no-org">
          {t("import.noOrg")}
        </Alert>
      ) : (
        <Grid gutter="lg">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="import-upload-title">
              <Title order={2} size="h3" id="import-upload-title" mb="sm">
                {t("import.upload.title")}
              </Title>
              {rights.orgs.length ? (
                <Text size="sm" mb="md">
                  {t("import.introMember", { orgs: rights.orgs.map((o) => o.name).join("、") })}
                </Text>
              ) : null}
              <Form method="post" action="/import" encType="multipart/form-data" {...getFormProps(form)}>
                <Stack>
                  <FormErrors form={form} />
                  {actionData?.problem ? (
                    <Alert color="red" variant="light" icon={<IconAlertCircle aria-hidden />} role="alert" data-testid="import-upload-problem">
                      {t(actionData.problem.key, actionData.problem.values)}
                    </Alert>
                  ) : null}
                  <input type="hidden" name="intent" value="upload" />
                  <Input.Wrapper
                    id={fields.files.id}
                    label={t("import.upload.files")}
                    description={t("import.upload.filesHelp", limits)}
                    error={filesError}
                    withAsterisk
                  >
                    <input
                      id={fields.files.id}
                      name={fields.files.name}
                      type="file"
                      multiple
                      accept=".xlsx,.xlsm,.csv,.tsv,.txt,.json,application/json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                      aria-invalid={filesError ? true : undefined}
                      aria-describedby={[`${fields.files.id}-description`, filesError ? `${fields.files.id}-error` : null].filter(Boolean).join(" ")}
                      style={{ display: "block", marginTop: 6, width: "100%" }}
                    />
                  </Input.Wrapper>
                  <NativeSelect
                    id={fields.kind.id}
                    name={fields.kind.name}
                    label={t("import.upload.kind")}
                    description={t("import.upload.kindHelp")}
                    error={errorOf(fields.kind)}
                    defaultValue=""
                    data={[
                      { value: "", label: t("import.upload.kindAuto") },
                      ...rights.kinds.map((k) => ({ value: k, label: t(`import.kinds.${k}`) })),
                    ]}
                  />
                  <div>
                    <Button type="submit" loading={uploading} leftSection={<IconUpload size={18} aria-hidden />}>
                      {t("import.upload.submit")}
                    </Button>
                  </div>
                  {uploading ? <WorkingNotice title={t("import.upload.pending")} hint={t("import.upload.pendingHint")} /> : null}
                </Stack>
              </Form>
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <TemplateLinks kinds={rights.kinds} />
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "import.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
