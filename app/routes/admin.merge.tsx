import { parseWithZod } from "@conform-to/zod";
import { Alert, Anchor, Badge, Button, Group, List, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { modelProblem } from "~/models/catalog.server";
import {
  duplicateCandidates,
  findMergeTarget,
  isMergeEntity,
  mergeRecords,
  previewMerge,
  type MergeEntity,
  type MergePreview,
  type MergeSide,
} from "~/models/merge.server";
import { getClientIp, requireRole } from "~/utils/auth.server";
import { toMessageKey, type MessageKey } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { redirectWithToast } from "~/utils/toast.server";

// 合并重复: pick the record to keep and the duplicate (by id or external ref, or from the list of
// likely duplicates), see what moves (GET, nothing written), then merge (POST with the versions
// the preview showed). Admins only; app/models/merge.server.ts does the work and the checks.

const MergeSchema = z.object({
  intent: z.literal("merge"),
  entity: z.enum(["organization", "expert"]),
  survivorId: z.coerce.number().int().positive(),
  duplicateId: z.coerce.number().int().positive(),
  survivorVersion: z.coerce.number().int().min(1),
  duplicateVersion: z.coerce.number().int().min(1),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireRole(request, ["admin"]);
  const url = new URL(request.url);
  const e = url.searchParams.get("entity");
  const entity: MergeEntity = isMergeEntity(e) ? e : "organization";
  const survivorText = (url.searchParams.get("survivor") ?? "").slice(0, 64);
  const duplicateText = (url.searchParams.get("duplicate") ?? "").slice(0, 64);
  let preview: MergePreview | null = null;
  let error: MessageKey | null = null;
  if (url.searchParams.has("preview")) {
    const [s, d] = await Promise.all([findMergeTarget(entity, survivorText), findMergeTarget(entity, duplicateText)]);
    if (!survivorText || !duplicateText) error = "admin.merge.errors.pick";
    else if (s === null || d === null) error = `admin.merge.errors.notFound.${entity}`;
    else preview = await previewMerge(admin, entity, s, d);
  }
  const candidates = await duplicateCandidates(admin, entity);
  return { entity, survivorText, duplicateText, preview, error, candidates };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, ["admin"]);
  const formData = await request.formData();
  if (formData.get("intent") !== "merge") throw new Response("Bad request", { status: 400 });
  const s = parseWithZod(formData, { schema: MergeSchema });
  if (s.status !== "success") throw new Response("Bad request", { status: 400 });
  try {
    const preview = await previewMerge(admin, s.value.entity, s.value.survivorId, s.value.duplicateId);
    await mergeRecords({ ...admin, ip: getClientIp(context) }, s.value);
    const to = s.value.entity === "organization" ? `/orgs/${s.value.survivorId}` : `/experts/${preview.survivor.ref ?? s.value.survivorId}`;
    return redirectWithToast(to, { description: "admin.merge.merged", values: { survivor: preview.survivor.name, duplicate: preview.duplicate.name } });
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return data({ error: problem.message }, { status: problem.status });
  }
}

function SideCard({ side, label, entity }: { side: MergeSide; label: string; entity: MergeEntity }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed" fw={700}>
        {label}
      </Text>
      <Text fw={600}>
        <Anchor component={Link} to={entity === "organization" ? `/orgs/${side.id}` : `/experts/${side.ref ?? side.id}`}>
          {side.name}
        </Anchor>
      </Text>
      <Text size="sm" c="dimmed">
        #{side.id}
        {side.ref ? ` · ${side.ref}` : ""} · {side.kind ? t(`common.orgKinds.${side.kind}`) : side.detail}
      </Text>
    </Paper>
  );
}

export default function AdminMergeRoute() {
  const { t } = useTranslation();
  const { entity, survivorText, duplicateText, preview, error, candidates } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const moved = preview?.moves.filter((m) => m.count > 0) ?? [];
  return (
    <Stack maw={1000} mx="auto" gap="lg">
      <Title order={1}>{t("admin.merge.title")}</Title>
      <Text c="dimmed">{t("admin.merge.intro")}</Text>

      <Form method="get" aria-label={t("admin.merge.title")}>
        <input type="hidden" name="preview" value="1" />
        <Group align="flex-end">
          <NativeSelect
            name="entity"
            label={t("admin.merge.entity")}
            defaultValue={entity}
            data={(["organization", "expert"] as const).map((e) => ({ value: e, label: t(`admin.merge.entities.${e}`) }))}
          />
          <TextInput name="survivor" label={t("admin.merge.survivor")} defaultValue={survivorText} style={{ flex: 1 }} />
          <TextInput name="duplicate" label={t("admin.merge.duplicate")} defaultValue={duplicateText} style={{ flex: 1 }} />
          <Button type="submit">{t("admin.merge.preview")}</Button>
        </Group>
      </Form>
      {error ? (
        <Alert color="red" role="alert">
          {t(error)}
        </Alert>
      ) : null}

      {preview ? (
        <Paper withBorder p="md" component="section" aria-labelledby="preview-title" data-testid="merge-preview">
          <Stack>
            <Title order={2} size="h3" id="preview-title">
              {t("admin.merge.previewTitle")}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <SideCard side={preview.survivor} label={t("admin.merge.survivorSide")} entity={entity} />
              <SideCard side={preview.duplicate} label={t("admin.merge.duplicateSide")} entity={entity} />
            </SimpleGrid>
            <Title order={3} size="h5">
              {t("admin.merge.moves")}
            </Title>
            {moved.length === 0 ? (
              <Text c="dimmed">{t("admin.merge.nothingMoves")}</Text>
            ) : (
              <Table data-testid="merge-moves">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t("admin.merge.reference")}</Table.Th>
                    <Table.Th scope="col">{t("admin.merge.count")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {moved.map((m) => (
                    <Table.Tr key={m.reference}>
                      <Table.Td>{t(toMessageKey(`admin.merge.refs.${m.reference.replace(".", "__")}`))}</Table.Td>
                      <Table.Td>{m.count}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Title order={3} size="h5">
              {t("admin.merge.collisions")}
            </Title>
            <List size="sm">
              {preview.collisions.memberships ? <List.Item>{t("admin.merge.collisionMemberships", { count: preview.collisions.memberships })}</List.Item> : null}
              {preview.collisions.eventParticipants ? <List.Item>{t("admin.merge.collisionParticipants", { count: preview.collisions.eventParticipants })}</List.Item> : null}
              {preview.collisions.meetingRequests ? <List.Item>{t("admin.merge.collisionRequests", { count: preview.collisions.meetingRequests })}</List.Item> : null}
              {preview.collisions.matchFeedback ? <List.Item>{t("admin.merge.collisionFeedback", { count: preview.collisions.matchFeedback })}</List.Item> : null}
              {preview.collisions.userLinkDropped ? <List.Item>{t("admin.merge.userLinkDropped")}</List.Item> : null}
              {preview.filled.length ? <List.Item>{t("admin.merge.filled", { fields: preview.filled.map((f) => t(toMessageKey(`admin.merge.fields.${f}`))).join("、") })}</List.Item> : null}
            </List>
            {reply?.error ? (
              <Alert color="red" role="alert">
                {t(toMessageKey(reply.error))}
              </Alert>
            ) : null}
            {preview.blockers.length ? (
              <Alert color="red" role="alert" title={t("admin.merge.blocked")}>
                {preview.blockers.map((b) => (
                  <div key={b}>{t(b)}</div>
                ))}
              </Alert>
            ) : (
              <Form method="post">
                <input type="hidden" name="intent" value="merge" />
                <input type="hidden" name="entity" value={entity} />
                <input type="hidden" name="survivorId" value={preview.survivor.id} />
                <input type="hidden" name="duplicateId" value={preview.duplicate.id} />
                <input type="hidden" name="survivorVersion" value={preview.survivor.version} />
                <input type="hidden" name="duplicateVersion" value={preview.duplicate.version} />
                {/* red.9: white on Mantine's default red fails WCAG AA contrast */}
                <Button type="submit" color="red.9">
                  {t("admin.merge.confirm")}
                </Button>
              </Form>
            )}
          </Stack>
        </Paper>
      ) : null}

      <Stack component="section" aria-labelledby="candidates-title" gap="xs">
        <Title order={2} size="h4" id="candidates-title">
          {t("admin.merge.candidates")}
        </Title>
        {candidates.length === 0 ? (
          <Text c="dimmed">{t("admin.merge.candidatesNone")}</Text>
        ) : (
          <Table striped data-testid="merge-candidates">
            <Table.Tbody>
              {candidates.map((c) => (
                <Table.Tr key={`${c.a.id}-${c.b.id}`}>
                  <Table.Td>
                    {c.a.name} <Text span size="xs" c="dimmed">#{c.a.id}{entity === "expert" ? ` · ${c.a.detail}` : ""}</Text>
                  </Table.Td>
                  <Table.Td>
                    {c.b.name} <Text span size="xs" c="dimmed">#{c.b.id}{entity === "expert" ? ` · ${c.b.detail}` : ""}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" aria-label={`${t("admin.merge.similarity")} ${c.similarity}`}>
                      {c.similarity}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/merge?entity=${entity}&survivor=${c.a.id}&duplicate=${c.b.id}&preview=1`}>
                      {t("admin.merge.usePair")}
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.merge.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
