import type { FieldMetadata } from "@conform-to/react";
import { Button, Checkbox, Fieldset, Group, NativeSelect, SimpleGrid, Text, TextInput, Title } from "@mantine/core";
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useFieldError } from "~/components/forms";
import { COOPERATION_MODES, TECH_FIELDS, VISIBILITIES } from "~/utils/catalog";
import { useCatalogLabels } from "./labels";

// Inputs several editors share. Native elements underneath (select, checkbox), so the forms
// work without JavaScript and Conform reads them by name.

function initialList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}

/** One checkbox per option inside a fieldset whose legend names the group; the error is tied to it. */
export function CheckboxGroup<T>({
  field,
  legend,
  options,
}: {
  field: FieldMetadata<T>;
  legend: string;
  options: { value: string; label: string }[];
}) {
  const errorOf = useFieldError();
  const error = errorOf(field);
  const checked = new Set(initialList(field.initialValue));
  return (
    <Fieldset
      legend={legend}
      variant="unstyled"
      aria-describedby={error ? field.errorId : undefined}
      aria-invalid={error ? true : undefined}
      key={field.key}
    >
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs" mt={4}>
        {options.map((o) => (
          <Checkbox key={o.value} name={field.name} value={o.value} label={o.label} defaultChecked={checked.has(o.value)} />
        ))}
      </SimpleGrid>
      {error ? (
        <Text id={field.errorId} c="red" size="sm" mt={4}>
          {error}
        </Text>
      ) : null}
    </Fieldset>
  );
}

export function CooperationField<T>({ field }: { field: FieldMetadata<T> }) {
  const { t } = useTranslation();
  const labels = useCatalogLabels();
  return (
    <CheckboxGroup
      field={field}
      legend={t("catalog.fields.cooperation")}
      options={COOPERATION_MODES.map((m) => ({ value: m, label: labels.cooperation(m) }))}
    />
  );
}

export function useFieldOptions() {
  const { t } = useTranslation();
  const labels = useCatalogLabels();
  return [
    { value: "", label: t("catalog.fields.fieldPlaceholder") },
    ...TECH_FIELDS.map((f) => ({ value: f, label: labels.field(f) })),
  ];
}

export function useVisibilityOptions() {
  const { t } = useTranslation();
  return VISIBILITIES.map((v) => ({ value: v, label: t(`catalog.visibility.${v}`) }));
}

/** The organization picker: a select when there is a choice, a hidden input otherwise. */
export function OrgPicker<T>({
  field,
  orgs,
  inputProps,
}: {
  field: FieldMetadata<T>;
  orgs: { id: number; name: string }[];
  inputProps: InputProps;
}) {
  const { t } = useTranslation();
  if (orgs.length === 1) {
    return (
      <Group gap="xs">
        <input type="hidden" name={field.name} value={orgs[0].id} />
        <Text size="sm" fw={500}>
          {t("catalog.fields.org")}:
        </Text>
        <Text size="sm">{orgs[0].name}</Text>
      </Group>
    );
  }
  return (
    <NativeSelect
      {...inputProps}
      key={field.key}
      label={t("catalog.fields.org")}
      description={t("catalog.fields.orgHelp")}
      data={orgs.map((o) => ({ value: String(o.id), label: o.name }))}
      withAsterisk
    />
  );
}

export type InputProps = {
  id: string;
  name: string;
  defaultValue: string | undefined;
  error: string | undefined;
  "aria-invalid": true | undefined;
};

/** id/name/defaultValue/error for a Mantine input from a Conform field (its key goes on separately). */
export function useCatalogInputProps() {
  const errorOf = useFieldError();
  return <T,>(field: FieldMetadata<T>): InputProps => {
    const error = errorOf(field);
    return {
      id: field.id,
      name: field.name,
      defaultValue: typeof field.initialValue === "string" ? field.initialValue : undefined,
      error,
      "aria-invalid": error ? true : undefined,
    };
  };
}

/** A need's or result's contact person: shown only to those allowed (the models decide). */
export function ContactFields<T>({ fields }: { fields: { contactName: FieldMetadata<T>; contactPhone: FieldMetadata<T>; contactEmail: FieldMetadata<T> } }) {
  const { t } = useTranslation();
  const inputProps = useCatalogInputProps();
  return (
    <>
      <Title order={2} size="h5">
        {t("catalog.fields.contact")}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput {...inputProps(fields.contactName)} key={fields.contactName.key} label={t("catalog.fields.contactName")} autoComplete="off" />
        <TextInput
          {...inputProps(fields.contactPhone)}
          key={fields.contactPhone.key}
          label={t("catalog.fields.contactPhone")}
          type="tel"
          autoComplete="off"
        />
        <TextInput
          {...inputProps(fields.contactEmail)}
          key={fields.contactEmail.key}
          label={t("catalog.fields.contactEmail")}
          type="email"
          autoComplete="off"
        />
      </SimpleGrid>
    </>
  );
}

/** Save (a draft stays a draft), save and submit (drafts only), cancel. */
export function EditorButtons({ isDraft, isPending, cancelTo }: { isDraft: boolean; isPending: boolean; cancelTo: string }) {
  const { t } = useTranslation();
  return (
    <Group>
      <Button type="submit" name="intent" value="save" loading={isPending} variant={isDraft ? "default" : "filled"}>
        {isDraft ? t("catalog.actions.saveDraft") : t("catalog.actions.save")}
      </Button>
      {isDraft ? (
        <Button type="submit" name="intent" value="submit" loading={isPending}>
          {t("catalog.actions.saveAndSubmit")}
        </Button>
      ) : null}
      <Button component={Link} to={cancelTo} variant="subtle">
        {t("catalog.actions.cancel")}
      </Button>
    </Group>
  );
}
