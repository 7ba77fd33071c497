import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Button, Group, NativeSelect, Stack, TextInput, Textarea } from "@mantine/core";
import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, useInputProps } from "~/components/forms";
import { EditEventSchema, EVENT_KINDS, NewEventSchema } from "~/utils/events";
import { useIsPending } from "~/utils/misc";

// The event's details, for /events/new and /events/:id/edit (one schema each, shared with the
// server through Conform).

type Defaults = {
  kind: string;
  name: string;
  startsOn: string;
  endsOn: string;
  city: string | null;
  venue: string | null;
  description: string | null;
  slotMinutes: number | null;
  version?: number;
};

export function EventForm({ mode, defaults, lastResult, cancelTo }: { mode: "new" | "edit"; defaults: Defaults | null; lastResult: SubmissionResult<string[]> | undefined; cancelTo: string }) {
  const { t } = useTranslation();
  const inputProps = useInputProps();
  const isPending = useIsPending();
  const schema = mode === "new" ? NewEventSchema : EditEventSchema;
  const [form, fields] = useForm({
    id: `event-${mode}`,
    lastResult,
    defaultValue: defaults
      ? { ...defaults, city: defaults.city ?? "", venue: defaults.venue ?? "", description: defaults.description ?? "", slotMinutes: defaults.slotMinutes ? String(defaults.slotMinutes) : "" }
      : { kind: "talent_fair", slotMinutes: "20" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <Form method="post" {...getFormProps(form)}>
      <Stack>
        <FormErrors form={form} />
        {mode === "edit" ? (
          <>
            <input type="hidden" name="intent" value="save" />
            <input type="hidden" name="version" value={defaults?.version ?? 0} />
          </>
        ) : null}
        <NativeSelect {...inputProps(fields.kind)} label={t("events.form.kind")} data={EVENT_KINDS.map((k) => ({ value: k, label: t(`events.kinds.${k}`) }))} />
        <TextInput {...inputProps(fields.name)} label={t("events.form.name")} withAsterisk />
        <Group grow align="flex-start">
          <TextInput {...inputProps(fields.startsOn)} type="date" label={t("events.form.startsOn")} description={t("events.form.dateHint")} withAsterisk />
          <TextInput {...inputProps(fields.endsOn)} type="date" label={t("events.form.endsOn")} description={t("events.form.dateHint")} withAsterisk />
        </Group>
        <Group grow align="flex-start">
          <TextInput {...inputProps(fields.city)} label={t("events.form.city")} />
          <TextInput {...inputProps(fields.venue)} label={t("events.form.venue")} />
        </Group>
        <TextInput
          {...inputProps(fields.slotMinutes)}
          inputMode="numeric"
          label={t("events.form.slotMinutes")}
          description={t("events.form.slotMinutesHint")}
          maw={260}
        />
        <Textarea {...inputProps(fields.description)} label={t("events.form.description")} autosize minRows={3} />
        <Group>
          <Button type="submit" loading={isPending}>
            {mode === "new" ? t("events.form.create") : t("events.form.save")}
          </Button>
          <Button component={Link} to={cancelTo} variant="default">
            {t("events.form.cancel")}
          </Button>
        </Group>
      </Stack>
    </Form>
  );
}
