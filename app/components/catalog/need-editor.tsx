import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { NativeSelect, Paper, SimpleGrid, Stack, Textarea, TextInput } from "@mantine/core";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors } from "~/components/forms";
import { EditNeedSchema, joinKeywords, NewNeedSchema } from "~/utils/catalog";
import { useIsPending } from "~/utils/misc";
import { ContactFields, CooperationField, EditorButtons, OrgPicker, useCatalogInputProps, useFieldOptions, useVisibilityOptions } from "./editor-parts";
import { StaleAlert, type WorkflowReply } from "./workflow";

/** The need as the form starts: from the record being edited, or empty. */
export type NeedDefaults = {
  orgId?: number;
  version?: number;
  title: string;
  description: string;
  field: string | null;
  keywords: string[];
  cooperation: string[];
  budgetWan: number | null;
  deadline: string | null;
  visibility: string;
  contact: { name: string | null; phone: string | null; email: string | null } | null;
};

export const EMPTY_NEED: NeedDefaults = {
  title: "",
  description: "",
  field: null,
  keywords: [],
  cooperation: [],
  budgetWan: null,
  deadline: null,
  visibility: "public",
  contact: null,
};

/**
 * /needs/new and /needs/:ref/edit. Two buttons: save (a draft stays a draft) and, while it is
 * a draft, save and submit for review. A stale save shows who changed it and keeps the input.
 */
export function NeedEditor({
  mode,
  defaults,
  orgs,
  reply,
  latestPath,
  isDraft,
  cancelTo,
}: {
  mode: "new" | "edit";
  defaults: NeedDefaults;
  orgs: { id: number; name: string }[];
  reply: WorkflowReply;
  latestPath?: string;
  isDraft: boolean;
  cancelTo: string;
}) {
  const { t } = useTranslation();
  const isPending = useIsPending();
  const inputProps = useCatalogInputProps();
  const fieldOptions = useFieldOptions();
  const visibilityOptions = useVisibilityOptions();
  const schema = mode === "new" ? NewNeedSchema : EditNeedSchema;
  const [form, fields] = useForm({
    id: `need-editor-${mode}-${defaults.version ?? 0}`,
    lastResult: reply?.result,
    defaultValue: {
      orgId: defaults.orgId ? String(defaults.orgId) : undefined,
      version: defaults.version ? String(defaults.version) : undefined,
      title: defaults.title,
      description: defaults.description,
      field: defaults.field ?? "",
      keywords: joinKeywords(defaults.keywords),
      cooperation: defaults.cooperation,
      budget: defaults.budgetWan === null ? "" : String(defaults.budgetWan),
      deadline: defaults.deadline ?? "",
      visibility: defaults.visibility,
      contactName: defaults.contact?.name ?? "",
      contactPhone: defaults.contact?.phone ?? "",
      contactEmail: defaults.contact?.email ?? "",
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });

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
          <TextInput {...inputProps(fields.title)} key={fields.title.key} label={t("catalog.fields.needTitle")} withAsterisk />
          <Textarea
            {...inputProps(fields.description)}
            key={fields.description.key}
            label={t("catalog.fields.description")}
            description={t("catalog.fields.descriptionHelp")}
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
          </SimpleGrid>
          <CooperationField field={fields.cooperation} />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput
              {...inputProps(fields.budget)}
              key={fields.budget.key}
              label={t("catalog.fields.budget")}
              description={t("catalog.fields.budgetHelp")}
              inputMode="decimal"
            />
            <TextInput
              {...inputProps(fields.deadline)}
              key={fields.deadline.key}
              type="date"
              label={t("catalog.fields.deadline")}
              min="2000-01-01"
              max="2100-12-31"
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
