import type { FieldMetadata } from "@conform-to/react";
import { Alert } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { toMessageKey } from "~/utils/i18n";

// Conform fields rendered by Mantine inputs. Zod messages are translation keys; Mantine ties
// the error text to the input (aria-invalid, aria-describedby) from the id we pass.

/** The translated first error of a field, for Mantine's `error` prop. */
export function useFieldError() {
  const { t } = useTranslation();
  return (field: { errors?: string[] }) => (field.errors?.length ? t(toMessageKey(field.errors[0])) : undefined);
}

/** id/name/defaultValue/error for a Mantine input from a Conform field. */
export function useInputProps() {
  const errorOf = useFieldError();
  return <T,>(field: FieldMetadata<T>) => {
    const error = errorOf(field);
    return {
      id: field.id,
      name: field.name,
      key: field.key,
      defaultValue: typeof field.initialValue === "string" ? field.initialValue : undefined,
      error,
      // Mantine sets it on most inputs but not on PasswordInput's inner input.
      "aria-invalid": error ? true : undefined,
    };
  };
}

/** Form-level errors (e.g. "incorrect email or password"), announced to screen readers. */
export function FormErrors({ form }: { form: { errors?: string[]; errorId: string } }) {
  const { t } = useTranslation();
  if (!form.errors?.length) return null;
  return (
    <Alert id={form.errorId} color="red" variant="light" icon={<IconAlertCircle aria-hidden />} role="alert">
      {form.errors.map((e) => (
        <div key={e}>{t(toMessageKey(e))}</div>
      ))}
    </Alert>
  );
}
