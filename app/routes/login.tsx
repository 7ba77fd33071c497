import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Anchor, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrors, useInputProps } from "~/components/forms";
import { getClientIp, getUser, login } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";
import { safeRedirect, useIsPending } from "~/utils/misc";
import { redirectWithToast } from "~/utils/toast.server";
import { LoginFields } from "~/utils/validation";

const LoginSchema = z.object({
  ...LoginFields,
  redirectTo: z.string().optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) {
    const redirectTo = new URL(request.url).searchParams.get("redirectTo");
    throw redirect(safeRedirect(redirectTo));
  }
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: LoginSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  const { email, password, redirectTo } = submission.value;
  const outcome = await login(request, { email, password, ip: getClientIp(context) });
  if (!outcome.ok) {
    if (outcome.reason === "locked") {
      return data(
        { result: submission.reply({ formErrors: ["auth.login.lockedOut"], hideFields: ["password"] }) },
        { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
      );
    }
    return data(
      { result: submission.reply({ formErrors: ["auth.login.invalidCredentials"], hideFields: ["password"] }) },
      { status: 401 },
    );
  }
  return redirectWithToast(
    safeRedirect(redirectTo),
    { description: "auth.login.success", values: { name: outcome.user.name } },
    { headers: outcome.headers },
  );
}

export default function LoginRoute() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo") ?? "";
  const isPending = useIsPending();
  const inputProps = useInputProps();
  const [form, fields] = useForm({
    id: "login",
    lastResult: actionData?.result,
    defaultValue: { redirectTo },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
    shouldRevalidate: "onBlur",
  });

  return (
    <Stack maw={420} mx="auto" mt="xl">
      <Title order={1}>{t("auth.login.title")}</Title>
      <Text c="dimmed">{t("auth.login.intro")}</Text>
      <Paper withBorder p="lg" radius="md">
        <Form method="post" {...getFormProps(form)}>
          <Stack>
            <FormErrors form={form} />
            <input type="hidden" name={fields.redirectTo.name} value={redirectTo} />
            <TextInput
              {...inputProps(fields.email)}
              type="email"
              autoComplete="email"
              label={t("auth.login.email")}
              withAsterisk
              autoFocus
            />
            <PasswordInput
              {...inputProps(fields.password)}
              autoComplete="current-password"
              label={t("auth.login.password")}
              withAsterisk
            />
            <Button type="submit" loading={isPending}>
              {t("auth.login.submit")}
            </Button>
          </Stack>
        </Form>
      </Paper>
      <Text size="sm">
        {t("auth.login.noAccount")}{" "}
        <Anchor component={Link} to={redirectTo ? `/signup?${new URLSearchParams({ redirectTo })}` : "/signup"}>
          {t("auth.login.signupLink")}
        </Anchor>
      </Text>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.login.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
