import { parseWithZod } from "@conform-to/zod";
import { Alert, Anchor, Badge, Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pager, pageParam } from "~/components/admin/pager";
import { searchOrgs, setOrgKind } from "~/models/admin.server";
import { modelProblem } from "~/models/catalog.server";
import { getOrganization } from "~/models/org.server";
import { getClientIp, requireRole } from "~/utils/auth.server";
import { getT, toMessageKey, type MessageKey } from "~/utils/i18n";
import { getLocale } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { isOrgKind, ORG_KINDS, STAFF_ROLES } from "~/utils/roles";
import { redirectWithToast } from "~/utils/toast.server";

// 机构维护: every organization with what hangs off it (members, needs, results, experts,
// intents), searchable, a page at a time; staff change an organization's kind here (the model
// refuses a kind its records do not allow). Names and details are edited on /orgs/<id>/edit,
// new organizations created on /orgs, duplicates merged on /admin/merge (admins).

const KindSchema = z.object({
  intent: z.literal("kind"),
  orgId: z.coerce.number().int().positive(),
  kind: z.enum(ORG_KINDS, { errorMap: () => ({ message: "validation.invalidChoice" }) }),
  version: z.coerce.number().int().min(1),
});

const INVALID: MessageKey = "validation.invalidChoice";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, STAFF_ROLES);
  const url = new URL(request.url);
  const kind = url.searchParams.get("kind");
  const filter = { q: (url.searchParams.get("q") ?? "").slice(0, 200), kind: isOrgKind(kind) ? kind : null, page: pageParam(url) };
  return { ...(await searchOrgs(user, filter)), filter, isAdmin: user.role === "admin" };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, STAFF_ROLES);
  const formData = await request.formData();
  if (formData.get("intent") !== "kind") throw new Response("Bad request", { status: 400 });
  const s = parseWithZod(formData, { schema: KindSchema });
  if (s.status !== "success") return data({ orgId: Number(formData.get("orgId")), error: INVALID }, { status: 400 });
  try {
    await setOrgKind({ ...user, ip: getClientIp(context) }, s.value);
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    return data({ orgId: s.value.orgId, error: problem.message }, { status: problem.status });
  }
  const t = getT(await getLocale(request));
  const url = new URL(request.url);
  const org = await getOrganization(s.value.orgId);
  return redirectWithToast(`/admin/orgs${url.search}`, {
    description: "admin.orgs.kindSaved",
    values: { name: org?.name ?? "", kind: t(`common.orgKinds.${s.value.kind}`) },
  });
}

export default function AdminOrgsRoute() {
  const { t } = useTranslation();
  const { orgs, total, page, pages, filter, isAdmin } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <Stack maw={1200} mx="auto">
      <Title order={1}>{t("admin.orgs.title")}</Title>
      <Text c="dimmed">{t("admin.orgs.intro")}</Text>
      <Group>
        <Anchor component={Link} to="/orgs">
          {t("admin.orgs.create")}
        </Anchor>
        {isAdmin ? (
          <Anchor component={Link} to="/admin/merge">
            {t("admin.nav.merge")}
          </Anchor>
        ) : null}
      </Group>
      <Form method="get" role="search" aria-label={t("admin.orgs.title")}>
        <Group align="flex-end">
          <TextInput name="q" label={t("admin.orgs.search")} defaultValue={filter.q} style={{ flex: 1 }} />
          <NativeSelect
            name="kind"
            label={t("admin.orgs.kind")}
            defaultValue={filter.kind ?? ""}
            data={[{ value: "", label: t("admin.common.any") }, ...ORG_KINDS.map((k) => ({ value: k, label: t(`common.orgKinds.${k}`) }))]}
          />
          <Button type="submit">{t("admin.common.filter")}</Button>
        </Group>
      </Form>
      {orgs.length === 0 ? (
        <Text>{t("admin.common.none")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={1000}>
          <Table striped data-testid="orgs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("org.list.name")}</Table.Th>
                <Table.Th scope="col">{t("admin.orgs.town")}</Table.Th>
                <Table.Th scope="col">{t("admin.orgs.members")}</Table.Th>
                <Table.Th scope="col">{t("admin.orgs.needs")}</Table.Th>
                <Table.Th scope="col">{t("admin.orgs.results")}</Table.Th>
                <Table.Th scope="col">{t("admin.orgs.experts")}</Table.Th>
                <Table.Th scope="col">{t("admin.orgs.intents")}</Table.Th>
                <Table.Th scope="col">{t("admin.orgs.kind")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {orgs.map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/orgs/${o.id}`}>
                      {o.name}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      #{o.id}
                      {o.ref ? ` · ${o.ref}` : ""} ·{" "}
                      <Anchor component={Link} to={`/orgs/${o.id}/edit`} size="xs" underline="always">
                        {t("admin.orgs.edit")}
                      </Anchor>
                      {isAdmin ? (
                        <>
                          {" · "}
                          <Anchor component={Link} to={`/admin/merge?entity=organization&survivor=${o.id}`} size="xs" underline="always">
                            {t("admin.orgs.merge")}
                          </Anchor>
                        </>
                      ) : null}
                    </Text>
                  </Table.Td>
                  <Table.Td>{o.town ?? ""}</Table.Td>
                  <Table.Td>{o.counts.members}</Table.Td>
                  <Table.Td>{o.counts.needs}</Table.Td>
                  <Table.Td>{o.counts.results}</Table.Td>
                  <Table.Td>{o.counts.experts}</Table.Td>
                  <Table.Td>{o.counts.intents}</Table.Td>
                  <Table.Td>
                    {reply && reply.orgId === o.id ? (
                      <Alert color="red" role="alert" p="xs" mb={4}>
                        {t(toMessageKey(reply.error))}
                      </Alert>
                    ) : null}
                    <Form method="post">
                      <input type="hidden" name="intent" value="kind" />
                      <input type="hidden" name="orgId" value={o.id} />
                      <input type="hidden" name="version" value={o.version} />
                      <Group gap={4} wrap="nowrap">
                        <NativeSelect
                          name="kind"
                          size="xs"
                          aria-label={t("admin.orgs.kindFor", { name: o.name })}
                          defaultValue={o.kind}
                          data={ORG_KINDS.map((k) => ({ value: k, label: t(`common.orgKinds.${k}`) }))}
                        />
                        <Button type="submit" size="xs" variant="default">
                          {t("admin.orgs.changeKind")}
                        </Button>
                      </Group>
                    </Form>
                    <Badge variant="light" mt={4} size="xs">
                      {t(`common.orgKinds.${o.kind}`)}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager page={page} pages={pages} total={total} />
    </Stack>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.orgs.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
