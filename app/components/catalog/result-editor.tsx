import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { NativeSelect, Paper, SimpleGrid, Stack, Textarea, TextInput } from "@mantine/core";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors } from "~/components/forms";
import { EditResultSchema, joinKeywords, MATURITIES, NewResultSchema } from "~/utils/catalog";
import { useIsPending } from "~/utils/misc";
import { ContactFields, CooperationField, EditorButtons, OrgPicker, useCatalogInputProps, useFieldOptions, useVisibilityOptions } from "./editor-parts";
import { useCatalogLabels } from "./labels";
import { StaleAlert, type WorkflowReply } from "./workflow";

export type ResultDefaults = {
  orgId?: number;
  version?: number;
  title: string;
  summary: string;
  field: string | null;
  keywords: string[];
  maturity: string | null;
  ip: string | null;
  cooperation: string[];
  priceWan: number | null;
  leadExpertId: number | null;
  visibility: string;
  contact: { name: string | null; phone: string | null; email: string | null } | null;
};

export const EMPTY_RESULT: ResultDefaults = {
  title: "",
  summary: "",
  field: null,
  keywords: [],
  maturity: null,
  ip: null,
  cooperation: [],
  priceWan: null,
  leadExpertId: null,
  visibility: "public",
  contact: null,
};

export type ExpertChoice = { id: number; name: string; title: string | null; orgId: number };

/** /results/new and /results/:ref/edit: as the need editor, plus maturity, IP, price and the lead expert. */
export function ResultEditor({
  mode,
  defaults,
  orgs,
  experts,
  reply,
  latestPath,
  isDraft,
  cancelTo,
}: {
  mode: "new" | "edit";
  defaults: ResultDefaults;
  orgs: { id: number; name: string }[];
  experts: ExpertChoice[];
  reply: WorkflowReply;
  latestPath?: string;
  isDraft: boolean;
  cancelTo: string;
}) {
  const { t } = useTranslation();
  const labels = useCatalogLabels();
  const isPending = useIsPending();
  const inputProps = useCatalogInputProps();
  const fieldOptions = useFieldOptions();
  const visibilityOptions = useVisibilityOptions();
  const schema = mode === "new" ? NewResultSchema : EditResultSchema;
  const [form, fields] = useForm({
    id: `result-editor-${mode}-${defaults.version ?? 0}`,
    lastResult: reply?.result,
    defaultValue: {
      orgId: defaults.orgId ? String(defaults.orgId) : undefined,
      version: defaults.version ? String(defaults.version) : undefined,
      title: defaults.title,
      summary: defaults.summary,
      field: defaults.field ?? "",
      keywords: joinKeywords(defaults.keywords),
      maturity: defaults.maturity ?? "",
      ip: defaults.ip ?? "",
      cooperation: defaults.cooperation,
      price: defaults.priceWan === null ? "" : String(defaults.priceWan),
      leadExpertId: defaults.leadExpertId ? String(defaults.leadExpertId) : "",
      visibility: defaults.visibility,
      contactName: defaults.contact?.name ?? "",
      contactPhone: defaults.contact?.phone ?? "",
      contactEmail: defaults.contact?.email ?? "",
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });

  // Experts grouped by organization when the editor belongs to several (no JavaScript needed).
  const expertLabel = (x: ExpertChoice) => (x.title ? `${x.name}（${x.title}）` : x.name);
  const expertOptions =
    orgs.length > 1
      ? [
          { value: "", label: t("catalog.fields.leadExpertNone") },
          ...orgs
            .map((o) => ({
              group: o.name,
              items: experts.filter((x) => x.orgId === o.id).map((x) => ({ value: String(x.id), label: expertLabel(x) })),
            }))
            .filter((g) => g.items.length > 0),
        ]
      : [{ value: "", label: t("catalog.fields.leadExpertNone") }, ...experts.map((x) => ({ value: String(x.id), label: expertLabel(x) }))];

  return (
    <Paper withBorder p="lg" radius="md">
      <Form method="post" {...getFormProps(form)}>
        <Stack gap="md">
          {reply?.stale && latestPath ? <StaleAlert stale={reply.stale} latestPath={latestPath} /> : <FormErrors form={form} />}
          {mode === "new" ? (
            <OrgPicker field={fields.orgId} orgs={orgs} inputProps={inputProps(fields.orgId)} />
          ) : (
            <input type="hidden" name={fields.version.name} value={fields.version.initialValue ?? ""} />
          )}
          <TextInput {...inputProps(fields.title)} key={fields.title.key} label={t("catalog.fields.resultTitle")} withAsterisk />
          <Textarea
            {...inputProps(fields.summary)}
            key={fields.summary.key}
            label={t("catalog.fields.summary")}
            description={t("catalog.fields.summaryHelp")}
            autosize
            minRows={5}
            maxRows={20}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NativeSelect
              {...inputProps(fields.field)}
              key={fields.field.key}
              label={t("catalog.fields.field")}
              description={t("catalog.fields.fieldHelp")}
              data={fieldOptions}
            />
            <TextInput
              {...inputProps(fields.keywords)}
              key={fields.keywords.key}
              label={t("catalog.fields.keywords")}
              description={t("catalog.fields.keywordsHelp")}
            />
            <NativeSelect
              {...inputProps(fields.maturity)}
              key={fields.maturity.key}
              label={t("catalog.fields.maturity")}
              data={[{ value: "", label: t("catalog.fields.maturityPlaceholder") }, ...MATURITIES.map((m) => ({ value: m, label: labels.maturity(m) }))]}
            />
            <NativeSelect
              {...inputProps(fields.leadExpertId)}
              key={fields.leadExpertId.key}
              label={t("catalog.fields.leadExpert")}
              description={t("catalog.fields.leadExpertHelp")}
              data={expertOptions}
            />
          </SimpleGrid>
          <TextInput
            {...inputProps(fields.ip)}
            key={fields.ip.key}
            label={t("catalog.fields.ip")}
            placeholder={t("catalog.fields.ipHelp")}
          />
          <CooperationField field={fields.cooperation} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              {...inputProps(fields.price)}
              key={fields.price.key}
              label={t("catalog.fields.price")}
              description={t("catalog.fields.priceHelp")}
              inputMode="decimal"
            />
            <NativeSelect
              {...inputProps(fields.visibility)}
              key={fields.visibility.key}
              label={t("catalog.fields.visibility")}
              description={t("catalog.visibilityHelp")}
              data={visibilityOptions}
            />
          </SimpleGrid>
          <ContactFields fields={fields} />
          <EditorButtons isDraft={isDraft} isPending={isPending} cancelTo={cancelTo} />
        </Stack>
      </Form>
    </Paper>
  );
}
