import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Anchor, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrors, useInputProps } from "~/components/forms";
import { createUser } from "~/models/user.server";
import { createUserSession, getClientIp, getUser } from "~/utils/auth.server";
import { getLocale } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { safeRedirect, useIsPending } from "~/utils/misc";
import { redirectWithToast } from "~/utils/toast.server";
import { passwordsMatch, SignupFields } from "~/utils/validation";

const SignupSchema = z
  .object({ ...SignupFields, redirectTo: z.string().optional() })
  .superRefine(passwordsMatch);

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) {
    throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  }
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: SignupSchema });
  const hideFields = ["password", "confirmPassword"];
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields }) }, { status: 400 });
  }
  const { name, email, password, redirectTo } = submission.value;
  const created = await createUser({ name, email, password, locale: await getLocale(request), ip: getClientIp(context) });
  if (!created.ok) {
    return data(
      { result: submission.reply({ fieldErrors: { email: ["auth.signup.emailTaken"] }, hideFields }) },
      { status: 400 },
    );
  }
  const headers = await createUserSession(request, created.user.id);
  return redirectWithToast(safeRedirect(redirectTo), { description: "auth.signup.success" }, { headers });
}

export default function SignupRoute() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo") ?? "";
  const isPending = useIsPending();
  const inputProps = useInputProps();
  const [form, fields] = useForm({
    id: "signup",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignupSchema }),
    shouldRevalidate: "onBlur",
  });

  return (
    <Stack maw={420} mx="auto" mt="xl">
      <Title order={1}>{t("auth.signup.title")}</Title>
      <Text c="dimmed">{t("auth.signup.intro")}</Text>
      <Paper withBorder p="lg" radius="md">
        <Form method="post" {...getFormProps(form)}>
          <Stack>
            <FormErrors form={form} />
            <input type="hidden" name={fields.redirectTo.name} value={redirectTo} />
            <TextInput {...inputProps(fields.name)} autoComplete="name" label={t("auth.signup.name")} withAsterisk />
            <TextInput
              {...inputProps(fields.email)}
              type="email"
              autoComplete="email"
              label={t("auth.signup.email")}
              withAsterisk
            />
            <PasswordInput
              {...inputProps(fields.password)}
              autoComplete="new-password"
              label={t("auth.signup.password")}
              description={t("auth.signup.passwordHint")}
              withAsterisk
            />
            <PasswordInput
              {...inputProps(fields.confirmPassword)}
              autoComplete="new-password"
              label={t("auth.signup.confirmPassword")}
              withAsterisk
            />
            <Button type="submit" loading={isPending}>
              {t("auth.signup.submit")}
            </Button>
          </Stack>
        </Form>
      </Paper>
      <Text size="sm">
        {t("auth.signup.haveAccount")}{" "}
        <Anchor component={Link} to={redirectTo ? `/login?${new URLSearchParams({ redirectTo })}` : "/login"}>
          {t("auth.signup.loginLink")}
        </Anchor>
      </Text>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.signup.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
