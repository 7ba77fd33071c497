import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Alert, Button, Paper, PasswordInput, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ErrorText, GeneralErrorBoundary } from "~/components/error-boundary";
import { FormErrors, useInputProps } from "~/components/forms";
import { acceptInvite, getInvite, inviteProblem, type InviteView } from "~/models/invite.server";
import { createUser } from "~/models/user.server";
import { createUserSession, getClientIp, getUser, login, requireUser, type AuthUser } from "~/utils/auth.server";
import { isMessageKey } from "~/locales";
import { getLocale } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { combineHeaders, useIsPending } from "~/utils/misc";
import { redirectWithToast } from "~/utils/toast.server";
import { LoginFields, passwordsMatch, SignupFields } from "~/utils/validation";

const LoginAcceptSchema = z.object({ intent: z.literal("login"), ...LoginFields });
const SignupAcceptSchema = z
  .object({ intent: z.literal("signup"), ...SignupFields })
  .superRefine(passwordsMatch);

/** The invitation, or the thrown 404/410 that explains why it cannot be used. */
async function requireUsableInvite(token: string | undefined): Promise<InviteView> {
  const invite = token ? await getInvite(token) : null;
  if (!invite) {
    const p = inviteProblem("unknown");
    throw new Response(p.message, { status: p.status });
  }
  if (invite.state !== "valid") {
    const p = inviteProblem(invite.state);
    throw new Response(p.message, { status: p.status });
  }
  return invite;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const invite = await requireUsableInvite(params.token);
  const user = await getUser(request);
  return {
    invite: { orgName: invite.orgName, role: invite.role, email: invite.email },
    currentEmail: user?.email ?? null,
  };
}

/** Accepts for a user who just signed in or up; the new session cookie goes with the redirect. */
async function acceptAndRedirect(user: Pick<AuthUser, "id" | "role">, token: string, ip: string | null, headers?: Headers) {
  try {
    const accepted = await acceptInvite({ ...user, ip }, token);
    return redirectWithToast(
      `/orgs/${accepted.orgId}`,
      { description: "org.accept.accepted", values: { org: accepted.orgName } },
      { headers },
    );
  } catch (error) {
    // Signed in, but the invitation could not be used (raced with a revoke, say): keep the
    // session and let the page explain.
    if (error instanceof Response && headers) throw redirect(`/invites/${token}`, { headers });
    throw error;
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const invite = await requireUsableInvite(token);
  const ip = getClientIp(context);
  const formData = await request.formData();
  const intent = formData.get("intent");

  // The accept form has no fields: a signed-in invitee only confirms.
  if (intent === "accept") {
    const user = await requireUser(request);
    return acceptAndRedirect(user, token, ip);
  }

  if (intent === "login") {
    // The invited address, whatever the form says: this page only signs in the invitee.
    formData.set("email", invite.email);
    const submission = parseWithZod(formData, { schema: LoginAcceptSchema });
    if (submission.status !== "success") {
      return data({ intent, result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
    }
    const outcome = await login(request, { email: invite.email, password: submission.value.password, ip });
    if (!outcome.ok) {
      const message = outcome.reason === "locked" ? "auth.login.lockedOut" : "auth.login.invalidCredentials";
      return data(
        { intent, result: submission.reply({ formErrors: [message], hideFields: ["password"] }) },
        { status: outcome.reason === "locked" ? 429 : 401 },
      );
    }
    return acceptAndRedirect(outcome.user, token, ip, outcome.headers);
  }

  if (intent === "signup") {
    formData.set("email", invite.email);
    const submission = parseWithZod(formData, { schema: SignupAcceptSchema });
    const hideFields = ["password", "confirmPassword"];
    if (submission.status !== "success") {
      return data({ intent, result: submission.reply({ hideFields }) }, { status: 400 });
    }
    const created = await createUser({
      name: submission.value.name,
      email: invite.email,
      password: submission.value.password,
      locale: await getLocale(request),
      ip,
    });
    if (!created.ok) {
      return data(
        { intent, result: submission.reply({ formErrors: ["auth.signup.emailTaken"], hideFields }) },
        { status: 400 },
      );
    }
    const headers = await createUserSession(request, created.user.id);
    return acceptAndRedirect(created.user, token, ip, combineHeaders(headers));
  }

  throw new Response("Bad request", { status: 400 });
}

export default function InviteRoute() {
  const { t } = useTranslation();
  const { invite, currentEmail } = useLoaderData<typeof loader>();
  const roleLabel = t(`common.orgRoles.${invite.role}`);

  return (
    <Stack maw={860} mx="auto" mt="lg" gap="lg">
      <Stack gap="xs">
        <Title order={1}>{t("org.accept.title")}</Title>
        <Text size="lg">{t("org.accept.text", { org: invite.orgName, role: roleLabel })}</Text>
        <Text c="dimmed">{t("org.accept.forEmail", { email: invite.email })}</Text>
      </Stack>

      {currentEmail === invite.email ? (
        <Form method="post">
          <input type="hidden" name="intent" value="accept" />
          <Button type="submit" size="md">
            {t("org.accept.accept")}
          </Button>
        </Form>
      ) : currentEmail ? (
        <Alert color="orange" role="alert">
          <Stack gap="sm" align="flex-start">
            <Text>{t("org.accept.wrongUser", { current: currentEmail, email: invite.email })}</Text>
            <Form method="post" action="/logout">
              <Button type="submit" variant="default">
                {t("common.user.logout")}
              </Button>
            </Form>
          </Stack>
        </Alert>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
          <LoginAndAccept email={invite.email} />
          <SignupAndAccept email={invite.email} />
        </SimpleGrid>
      )}
    </Stack>
  );
}

function LoginAndAccept({ email }: { email: string }) {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const isPending = useIsPending();
  const inputProps = useInputProps();
  const [form, fields] = useForm({
    id: "invite-login",
    lastResult: actionData?.intent === "login" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginAcceptSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="invite-login-title">
      <Title order={2} size="h4" id="invite-login-title" mb="md">
        {t("org.accept.haveAccount")}
      </Title>
      <Form method="post" {...getFormProps(form)}>
        <Stack>
          <FormErrors form={form} />
          <input type="hidden" name="intent" value="login" />
          <TextInput id={fields.email.id} name={fields.email.name} value={email} readOnly variant="filled" label={t("auth.login.email")} />
          <PasswordInput
            {...inputProps(fields.password)}
            autoComplete="current-password"
            label={t("auth.login.password")}
            withAsterisk
          />
          <Button type="submit" loading={isPending}>
            {t("org.accept.loginAndAccept")}
          </Button>
        </Stack>
      </Form>
    </Paper>
  );
}

function SignupAndAccept({ email }: { email: string }) {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const isPending = useIsPending();
  const inputProps = useInputProps();
  const [form, fields] = useForm({
    id: "invite-signup",
    lastResult: actionData?.intent === "signup" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignupAcceptSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="invite-signup-title">
      <Title order={2} size="h4" id="invite-signup-title" mb="md">
        {t("org.accept.newAccount")}
      </Title>
      <Form method="post" {...getFormProps(form)}>
        <Stack>
          <FormErrors form={form} />
          <input type="hidden" name="intent" value="signup" />
          <TextInput {...inputProps(fields.name)} autoComplete="name" label={t("auth.signup.name")} withAsterisk />
          <TextInput id={fields.email.id} name={fields.email.name} value={email} readOnly variant="filled" label={t("auth.signup.email")} />
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
            {t("org.accept.signupAndAccept")}
          </Button>
        </Stack>
      </Form>
    </Paper>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "org.accept.title");

export function ErrorBoundary() {
  const { t } = useTranslation();
  const explain = ({ error }: { error: { status: number; data: unknown } }) => (
    <ErrorText
      title={t(error.status === 404 ? "org.accept.notFoundTitle" : "org.accept.goneTitle")}
      text={t(typeof error.data === "string" && isMessageKey(error.data) ? error.data : "org.accept.notFound")}
      status={error.status}
    />
  );
  return <GeneralErrorBoundary statusHandlers={{ 404: explain, 410: explain }} />;
}
