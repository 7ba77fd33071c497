import { parseWithZod } from "@conform-to/zod";
import { Alert, Anchor, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title, VisuallyHidden } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { IconAlertCircle, IconArrowDown, IconArrowUp, IconPrinter, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { modelProblem } from "~/models/catalog.server";
import {
  addSigning,
  canManageSigning,
  canViewSigning,
  findEvent,
  moveSigning,
  removeSigning,
  saveSignatories,
  signingCandidates,
  signingList,
} from "~/models/signing.server";
import { getClientIp, requireUser } from "~/utils/auth.server";
import { toMessageKey } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { intentPath, isStage } from "~/utils/pipeline";
import { redirectWithToast } from "~/utils/toast.server";

// /events/:id/signing (id or ref such as EV14): prepare the signing ceremony's list — add the
// event's intents (or any intent by its number), put them in running order, name who signs for
// each side — then print it (/events/:id/signing/print). The route file ends in `$id_` so the
// page stands on its own whatever the events pages' layout is. Staff may look; the event's
// organizers (and admins) change it — the check is in ~/models/signing.server.ts.

const Version = z.coerce.number({ invalid_type_error: "catalog.validation.version" }).int().positive();
const EntryId = z.coerce.number().int().positive();
const text100 = z.string().trim().max(100, "pipeline.errors.signatoryTooLong").optional();

const AddSchema = z.object({
  intent: z.literal("add"),
  pick: z.string().trim().max(64).optional(),
  intentRef: z.string().trim().max(64).optional(),
  enterpriseSignatory: text100,
  institutionSignatory: text100,
});
const MoveSchema = z.object({ intent: z.enum(["up", "down"]), id: EntryId, version: Version });
const RemoveSchema = z.object({ intent: z.literal("remove"), id: EntryId, version: Version });
const SignatoriesSchema = z.object({
  intent: z.literal("signatories"),
  id: EntryId,
  version: Version,
  enterpriseSignatory: text100,
  institutionSignatory: text100,
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canViewSigning(user)) throw new Response("Forbidden", { status: 403 });
  const event = await findEvent(params.id);
  if (!event) throw new Response("Not found", { status: 404 });
  const [entries, candidates, canManage] = await Promise.all([signingList(event.id), signingCandidates(event.id), canManageSigning(user, event.id)]);
  return { event, entries, candidates, canManage };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const event = await findEvent(params.id);
  if (!event) throw new Response("Not found", { status: 404 });
  const actor = { ...user, ip: getClientIp(context) };
  const path = `/events/${encodeURIComponent(event.ref ?? String(event.id))}/signing`;
  const formData = await request.formData();
  const kind = formData.get("intent");
  const bad = () => data({ error: "pipeline.errors.idInvalid", entry: null as number | null }, { status: 400 });
  try {
    if (kind === "add") {
      const s = parseWithZod(formData, { schema: AddSchema });
      if (s.status !== "success") return data({ error: firstError(s.error), entry: null as number | null }, { status: 400 });
      const which = s.value.intentRef || s.value.pick;
      if (!which) return data({ error: "pipeline.errors.pickIntent", entry: null as number | null }, { status: 400 });
      await addSigning(actor, { eventId: event.id, intent: which, enterpriseSignatory: s.value.enterpriseSignatory, institutionSignatory: s.value.institutionSignatory });
      return redirectWithToast(path, { description: "pipeline.signing.added" });
    }
    if (kind === "up" || kind === "down") {
      const s = parseWithZod(formData, { schema: MoveSchema });
      if (s.status !== "success") return bad();
      await moveSigning(actor, { eventId: event.id, id: s.value.id, version: s.value.version, direction: s.value.intent });
      return redirectWithToast(path, { description: "pipeline.signing.moved" });
    }
    if (kind === "remove") {
      const s = parseWithZod(formData, { schema: RemoveSchema });
      if (s.status !== "success") return bad();
      await removeSigning(actor, { eventId: event.id, id: s.value.id, version: s.value.version });
      return redirectWithToast(path, { description: "pipeline.signing.removed" });
    }
    if (kind === "signatories") {
      const s = parseWithZod(formData, { schema: SignatoriesSchema });
      if (s.status !== "success") return data({ error: firstError(s.error), entry: Number(formData.get("id")) || null }, { status: 400 });
      await saveSignatories(actor, { eventId: event.id, ...s.value });
      return redirectWithToast(path, { description: "pipeline.signing.saved" });
    }
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return data({ error: problem.message as string, entry: Number(formData.get("id")) || null }, { status: problem.status });
  }
  throw new Response("Bad request", { status: 400 });
}

function firstError(error: Record<string, string[] | null> | null | undefined): string {
  for (const list of Object.values(error ?? {})) if (list?.length) return list[0];
  return "pipeline.errors.idInvalid";
}

export default function SigningRoute() {
  const { t } = useTranslation();
  const { event, entries, candidates, canManage } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const base = `/events/${encodeURIComponent(event.ref ?? String(event.id))}`;
  const error = reply?.error ? (
    <Alert color="red" variant="light" icon={<IconAlertCircle aria-hidden />} role="alert">
      {t(toMessageKey(reply.error))}
    </Alert>
  ) : null;

  return (
    <Stack maw={1100} mx="auto" gap="lg">
      <Stack gap={4}>
        <Anchor component={Link} to={base} size="sm">
          ← {t("pipeline.signing.backToEvent")}
        </Anchor>
        <Group justify="space-between" align="flex-end">
          <Title order={1}>
            {t("pipeline.signing.title")} · {event.name}
          </Title>
          <Button component={Link} to={`${base}/signing/print`} leftSection={<IconPrinter size={16} aria-hidden />} variant="default">
            {t("pipeline.signing.print")}
          </Button>
        </Group>
        <Text c="dimmed">{t("pipeline.signing.intro")}</Text>
      </Stack>
      {error}

      <Text size="sm" role="status">
        {t("pipeline.signing.count", { count: entries.length })}
      </Text>
      {entries.length ? (
        <Table.ScrollContainer minWidth={900}>
          <Table striped verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("pipeline.fields.position")}</Table.Th>
                <Table.Th scope="col">{t("pipeline.fields.parties")}</Table.Th>
                <Table.Th scope="col">{t("pipeline.fields.project")}</Table.Th>
                <Table.Th scope="col">
                  {t("pipeline.fields.enterpriseSignatory")} / {t("pipeline.fields.institutionSignatory")}
                </Table.Th>
                {canManage ? <Table.Th scope="col">
                    <VisuallyHidden>{t("pipeline.signing.moved")}</VisuallyHidden>
                  </Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((e, i) => (
                <Table.Tr key={e.id}>
                  <Table.Td fw={700}>{e.position}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={intentPath(e.intent)}>
                      {e.intent.enterprise}
                    </Anchor>
                    <Text size="sm">{e.intent.institution}</Text>
                  </Table.Td>
                  <Table.Td maw={300}>
                    <Text size="sm">{e.intent.project}</Text>
                  </Table.Td>
                  <Table.Td>
                    {canManage ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="signatories" />
                        <input type="hidden" name="id" value={e.id} />
                        <input type="hidden" name="version" value={e.version} />
                        <Group gap="xs" align="flex-end" wrap="nowrap">
                          <TextInput
                            size="xs"
                            name="enterpriseSignatory"
                            label={t("pipeline.fields.enterpriseSignatory")}
                            placeholder={t("pipeline.signing.signatoryPlaceholder")}
                            defaultValue={e.enterpriseSignatory ?? ""}
                          />
                          <TextInput
                            size="xs"
                            name="institutionSignatory"
                            label={t("pipeline.fields.institutionSignatory")}
                            placeholder={t("pipeline.signing.signatoryPlaceholder")}
                            defaultValue={e.institutionSignatory ?? ""}
                          />
                          <Button type="submit" size="xs" variant="light" aria-label={t("pipeline.signing.save")} title={t("pipeline.signing.save")}>
                            {t("common.actions.save")}
                          </Button>
                        </Group>
                      </Form>
                    ) : (
                      <Text size="sm">
                        {e.enterpriseSignatory ?? "—"} / {e.institutionSignatory ?? "—"}
                      </Text>
                    )}
                  </Table.Td>
                  {canManage ? (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <RowButton entry={e} intent="up" disabled={i === 0} label={t("pipeline.signing.up")} icon={<IconArrowUp size={16} aria-hidden />} />
                        <RowButton entry={e} intent="down" disabled={i === entries.length - 1} label={t("pipeline.signing.down")} icon={<IconArrowDown size={16} aria-hidden />} />
                        <RowButton entry={e} intent="remove" label={t("pipeline.signing.remove")} icon={<IconTrash size={16} aria-hidden />} />
                      </Group>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text c="dimmed">{t("pipeline.signing.none")}</Text>
      )}

      {canManage ? (
        <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="signing-add">
          <Title order={2} size="h3" id="signing-add" mb="sm">
            {t("pipeline.signing.addLabel")}
          </Title>
          <Form method="post">
            <input type="hidden" name="intent" value="add" />
            <Stack gap="sm">
              <Group grow align="flex-start">
                <Select
                  name="pick"
                  label={t("pipeline.signing.candidates")}
                  searchable
                  clearable
                  nothingFoundMessage={t("pipeline.intents.noResultsFound")}
                  data={candidates.map((c) => ({
                    value: String(c.id),
                    label: `${c.ref ?? `#${c.id}`} ${c.enterprise} × ${c.institution}（${isStage(c.stage) ? t(`pipeline.stages.${c.stage}`) : c.stage}）`,
                  }))}
                  description={candidates.length ? undefined : t("pipeline.signing.noCandidates")}
                />
                <TextInput name="intentRef" label={t("pipeline.signing.intentRef")} description={t("pipeline.signing.addHelp")} placeholder="I001" />
              </Group>
              <Group grow>
                <TextInput name="enterpriseSignatory" label={t("pipeline.fields.enterpriseSignatory")} placeholder={t("pipeline.signing.signatoryPlaceholder")} />
                <TextInput name="institutionSignatory" label={t("pipeline.fields.institutionSignatory")} placeholder={t("pipeline.signing.signatoryPlaceholder")} />
              </Group>
              <Group>
                <Button type="submit">{t("pipeline.signing.add")}</Button>
              </Group>
            </Stack>
          </Form>
        </Paper>
      ) : null}
    </Stack>
  );
}

function RowButton({
  entry,
  intent,
  label,
  icon,
  disabled,
}: {
  entry: { id: number; version: number };
  intent: "up" | "down" | "remove";
  label: string;
  icon: React.ReactNode;
  disabled?: boolean;
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={entry.id} />
      <input type="hidden" name="version" value={entry.version} />
      <Button type="submit" size="compact-sm" variant="subtle" color={intent === "remove" ? "red" : undefined} disabled={disabled} aria-label={label} title={label}>
        {icon}
      </Button>
    </Form>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, "pipeline.signing.printTitle", { event: data?.event.name ?? "" });

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
