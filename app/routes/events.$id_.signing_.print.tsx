import { Button, Group, Stack, Text, Title } from "@mantine/core";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { IconPrinter } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import signingCss from "~/components/pipeline/signing.css";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { canViewSigning, findEvent, signingList } from "~/models/signing.server";
import { requireUser } from "~/utils/auth.server";
import { pageTitle } from "~/utils/meta";

// /events/:id/signing/print (id or ref such as EV14): the signing ceremony's running order on A4
// for the host and the stage manager — number, parties, project, signatories. Print CSS in
// ~/components/pipeline/signing.css hides the navigation and the buttons.

export const links: LinksFunction = () => [{ rel: "stylesheet", href: signingCss }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canViewSigning(user)) throw new Response("Forbidden", { status: 403 });
  const event = await findEvent(params.id);
  if (!event) throw new Response("Not found", { status: 404 });
  return { event, entries: await signingList(event.id) };
}

export default function SigningPrintRoute() {
  const { t } = useTranslation();
  const { event, entries } = useLoaderData<typeof loader>();
  return (
    <Stack className="signing-sheet" gap="md">
      <Group className="no-print" justify="space-between">
        <Button component={Link} to={`/events/${event.ref ?? event.id}/signing`} variant="subtle">
          ← {t("pipeline.signing.title")}
        </Button>
        <Button leftSection={<IconPrinter size={16} aria-hidden />} onClick={() => window.print()}>
          {t("pipeline.signing.print")}
        </Button>
      </Group>
      <Stack gap={2} ta="center">
        <Title order={1} size="h2">
          {t("pipeline.signing.printTitle", { event: event.name })}
        </Title>
        <Text>
          {event.startsOn}
          {event.venue ? ` · ${event.venue}` : ""}
        </Text>
        <Text size="sm">{t("pipeline.signing.count", { count: entries.length })}</Text>
      </Stack>
      {entries.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col" className="signing-no">
                {t("pipeline.fields.position")}
              </th>
              <th scope="col">{t("pipeline.fields.parties")}</th>
              <th scope="col">{t("pipeline.fields.project")}</th>
              <th scope="col">{t("pipeline.fields.enterpriseSignatory")}</th>
              <th scope="col">{t("pipeline.fields.institutionSignatory")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td className="signing-no">{e.position}</td>
                <td>
                  <div>{e.intent.enterprise}</div>
                  <div>{e.intent.institution}</div>
                </td>
                <td>{e.intent.project}</td>
                <td>{e.enterpriseSignatory ?? ""}</td>
                <td>{e.institutionSignatory ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Text>{t("pipeline.signing.none")}</Text>
      )}
    </Stack>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, "pipeline.signing.printTitle", { event: data?.event.name ?? "" });

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
