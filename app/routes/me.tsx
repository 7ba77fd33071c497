import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Anchor, Badge, Button, Group, List, NativeSelect, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrors, useInputProps } from "~/components/forms";
import { getMemberships, getUserById, updateProfile } from "~/models/user.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { LOCALES } from "~/utils/i18n";
import { serializeLocaleCookie } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { combineHeaders, invariantResponse, useIsPending } from "~/utils/misc";
import { redirectWithToast } from "~/utils/toast.server";
import { LocaleSchema, NameSchema } from "~/utils/validation";

const ProfileSchema = z.object({
  name: NameSchema,
  locale: LocaleSchema,
  // the row's version when the form was rendered: a stale save is refused, not merged
  version: z.coerce.number().int().positive(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireUser(request);
  const [user, memberships] = await Promise.all([getUserById(auth.id), getMemberships(auth.id)]);
  invariantResponse(user, "Not found", { status: 404 });
  return {
    profile: { name: user.name, email: user.email, role: user.role, locale: user.locale, version: user.version },
    memberships,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: ProfileSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  try {
    const updated = await updateProfile({ ...user, ip: getClientIp(context) }, submission.value);
    // The saved language takes effect now: the cookie outranks the profile setting.
    return redirectWithToast(
      "/me",
      { description: "org.me.saved" },
      { headers: combineHeaders({ "Set-Cookie": serializeLocaleCookie(updated.locale) }) },
    );
  } catch (error) {
    if (error instanceof Response && error.status === 409) {
      return data({ result: submission.reply({ formErrors: ["common.errors.stale"] }) }, { status: 409 });
    }
    throw error;
  }
}

export default function ProfileRoute() {
  const { t } = useTranslation();
  const { profile, memberships } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const isPending = useIsPending();
  const inputProps = useInputProps();
  const [form, fields] = useForm({
    id: `profile-${profile.version}`,
    lastResult: actionData?.result,
    defaultValue: { name: profile.name, locale: profile.locale, version: String(profile.version) },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ProfileSchema }),
    shouldRevalidate: "onBlur",
  });

  return (
    <Stack maw={720} mx="auto" gap="lg">
      <Title order={1}>{t("org.me.title")}</Title>
      <Paper withBorder p="lg" radius="md">
        <Form method="post" {...getFormProps(form)}>
          <Stack>
            <FormErrors form={form} />
            <input type="hidden" name={fields.version.name} value={profile.version} />
            <TextInput label={t("org.me.email")} value={profile.email} readOnly variant="filled" />
            <Group gap="xs">
              <Text size="sm" fw={500}>
                {t("org.me.role")}:
              </Text>
              <Badge variant="light">{t(`common.roles.${profile.role}`)}</Badge>
            </Group>
            <TextInput {...inputProps(fields.name)} autoComplete="name" label={t("org.me.name")} withAsterisk />
            <NativeSelect
              {...inputProps(fields.locale)}
              label={t("org.me.locale")}
              data={LOCALES.map((l) => ({ value: l, label: t(`common.languages.${l}`) }))}
            />
            <Group>
              <Button type="submit" loading={isPending}>
                {t("org.me.save")}
              </Button>
            </Group>
          </Stack>
        </Form>
      </Paper>

      <section aria-labelledby="memberships-title">
        <Title order={2} size="h3" id="memberships-title" mb="sm">
          {t("org.me.memberships")}
        </Title>
        {memberships.length ? (
          <List spacing="xs">
            {memberships.map((m) => (
              <List.Item key={m.orgId}>
                <Anchor component={Link} to={`/orgs/${m.orgId}`}>
                  {m.orgName}
                </Anchor>{" "}
                <Badge variant="light" size="sm">
                  {t(`common.orgKinds.${m.orgKind}`)}
                </Badge>{" "}
                <Badge variant="outline" size="sm">
                  {t(`common.orgRoles.${m.role}`)}
                </Badge>
              </List.Item>
            ))}
          </List>
        ) : (
          <Text c="dimmed">{t("org.me.noMemberships")}</Text>
        )}
      </section>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "org.me.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
