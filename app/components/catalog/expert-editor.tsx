import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { NativeSelect, Paper, SimpleGrid, Stack, Textarea, TextInput, Title } from "@mantine/core";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors } from "~/components/forms";
import { EditExpertSchema, joinKeywords, NewExpertSchema, TECH_FIELDS } from "~/utils/catalog";
import { useIsPending } from "~/utils/misc";
import { CheckboxGroup, OrgPicker, useCatalogInputProps, useVisibilityOptions , EditorButtons } from "./editor-parts";
import { useCatalogLabels } from "./labels";
import { StaleAlert, type WorkflowReply } from "./workflow";

export type ExpertDefaults = {
  orgId?: number;
  version?: number;
  name: string;
  title: string | null;
  areas: string[];
  honors: string[];
  fields: string[];
  bio: string | null;
  visibility: string;
  contact: { email: string | null; phone: string | null } | null;
};

export const EMPTY_EXPERT: ExpertDefaults = {
  name: "",
  title: null,
  areas: [],
  honors: [],
  fields: [],
  bio: null,
  visibility: "public",
  contact: null,
};

/** /experts/new and /experts/:ref/edit. */
export function ExpertEditor({
  mode,
  defaults,
  orgs,
  reply,
  latestPath,
  isDraft,
  cancelTo,
}: {
  mode: "new" | "edit";
  defaults: ExpertDefaults;
  orgs: { id: number; name: string }[];
  reply: WorkflowReply;
  latestPath?: string;
  isDraft: boolean;
  cancelTo: string;
}) {
  const { t } = useTranslation();
  const labels = useCatalogLabels();
  const isPending = useIsPending();
  const inputProps = useCatalogInputProps();
  const visibilityOptions = useVisibilityOptions();
  const schema = mode === "new" ? NewExpertSchema : EditExpertSchema;
  const [form, fields] = useForm({
    id: `expert-editor-${mode}-${defaults.version ?? 0}`,
    lastResult: reply?.result,
    defaultValue: {
      orgId: defaults.orgId ? String(defaults.orgId) : undefined,
      version: defaults.version ? String(defaults.version) : undefined,
      name: defaults.name,
      title: defaults.title ?? "",
      areas: joinKeywords(defaults.areas),
      honors: joinKeywords(defaults.honors),
      fields: defaults.fields,
      bio: defaults.bio ?? "",
      email: defaults.contact?.email ?? "",
      phone: defaults.contact?.phone ?? "",
      visibility: defaults.visibility,
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
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput {...inputProps(fields.name)} key={fields.name.key} label={t("catalog.fields.name")} withAsterisk autoComplete="off" />
            <TextInput {...inputProps(fields.title)} key={fields.title.key} label={t("catalog.fields.jobTitle")} />
          </SimpleGrid>
          <TextInput
            {...inputProps(fields.areas)}
            key={fields.areas.key}
            label={t("catalog.fields.areas")}
            description={t("catalog.fields.areasHelp")}
          />
          <TextInput
            {...inputProps(fields.honors)}
            key={fields.honors.key}
            label={t("catalog.fields.honors")}
            description={t("catalog.fields.honorsHelp")}
          />
          <CheckboxGroup
            field={fields.fields}
            legend={t("catalog.fields.expertFields")}
            options={TECH_FIELDS.map((f) => ({ value: f, label: labels.field(f) }))}
          />
          <Textarea {...inputProps(fields.bio)} key={fields.bio.key} label={t("catalog.fields.bio")} autosize minRows={4} maxRows={16} />
          <Title order={2} size="h5">
            {t("catalog.expert.contact")}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput {...inputProps(fields.email)} key={fields.email.key} label={t("catalog.fields.email")} type="email" autoComplete="off" />
            <TextInput {...inputProps(fields.phone)} key={fields.phone.key} label={t("catalog.fields.phone")} type="tel" autoComplete="off" />
            <NativeSelect
              {...inputProps(fields.visibility)}
              key={fields.visibility.key}
              label={t("catalog.fields.visibility")}
              data={visibilityOptions}
            />
          </SimpleGrid>
          <EditorButtons isDraft={isDraft} isPending={isPending} cancelTo={cancelTo} />
        </Stack>
      </Form>
    </Paper>
  );
}
