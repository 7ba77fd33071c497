import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Anchor, Badge, Button, Group, NativeSelect, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrors, useInputProps } from "~/components/forms";
import { createOrganization, listOrganizations } from "~/models/org.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";
import { useIsPending } from "~/utils/misc";
import { isStaff, ORG_KINDS } from "~/utils/roles";
import { redirectWithToast } from "~/utils/toast.server";

const CreateOrgSchema = z.object({
  intent: z.literal("create"),
  name: z
    .string({ required_error: "validation.required" })
    .trim()
    .min(1, "validation.required")
    .max(200, "validation.orgNameTooLong"),
  kind: z.enum(ORG_KINDS, { errorMap: () => ({ message: "validation.invalidChoice" }) }),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { orgs: await listOrganizations(user), canCreate: isStaff(user) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const formData = await request.formData();
  if (formData.get("intent") !== "create") throw new Response("Bad request", { status: 400 });
  const submission = parseWithZod(formData, { schema: CreateOrgSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const org = await createOrganization({ ...user, ip: getClientIp(context) }, submission.value);
  return redirectWithToast(`/orgs/${org.id}`, { description: "org.list.created", values: { name: org.name } });
}

export default function OrganizationsRoute() {
  const { t } = useTranslation();
  const { orgs, canCreate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const isPending = useIsPending();
  const inputProps = useInputProps();
  const [form, fields] = useForm({
    id: "create-org",
    lastResult: actionData?.result,
    defaultValue: { kind: "enterprise" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateOrgSchema }),
    shouldRevalidate: "onBlur",
  });

  return (
    <Stack maw={1000} mx="auto">
      <Title order={1}>{canCreate ? t("org.list.title") : t("org.list.mine")}</Title>
      {canCreate ? <Text c="dimmed">{t("org.list.intro")}</Text> : null}

      {orgs.length ? (
        <Table.ScrollContainer minWidth={500}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("org.list.name")}</Table.Th>
                <Table.Th scope="col">{t("org.list.kind")}</Table.Th>
                <Table.Th scope="col">{t("org.list.members")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {orgs.map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/orgs/${o.id}`}>
                      {o.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light">{t(`common.orgKinds.${o.kind}`)}</Badge>
                  </Table.Td>
                  <Table.Td>{o.memberCount}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text c="dimmed">{t("org.list.none")}</Text>
      )}

      {canCreate ? (
        <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="create-org-title">
          <Title order={2} size="h3" id="create-org-title" mb="md">
            {t("org.list.createTitle")}
          </Title>
          <Form method="post" {...getFormProps(form)}>
            <Stack>
              <FormErrors form={form} />
              <input type="hidden" name="intent" value="create" />
              <Group align="flex-start" grow>
                <TextInput {...inputProps(fields.name)} label={t("org.list.createName")} withAsterisk />
                <NativeSelect
                  {...inputProps(fields.kind)}
                  label={t("org.list.createKind")}
                  data={ORG_KINDS.map((k) => ({ value: k, label: t(`common.orgKinds.${k}`) }))}
                />
              </Group>
              <Group>
                <Button type="submit" loading={isPending}>
                  {t("org.list.createSubmit")}
                </Button>
              </Group>
            </Stack>
          </Form>
        </Paper>
      ) : null}
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "org.list.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
