import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatNumber } from "~/components/kpi/tables";
import { modelProblem } from "~/models/catalog.server";
import { computeFigures, customCode, listTargets, saveTargets, type TargetChange } from "~/models/kpi.server";
import { getClientIp, requireRole } from "~/utils/auth.server";
import { toMessageKey, type MessageKey } from "~/utils/i18n";
import { BUILTIN_INDICATORS, currentYear, isBuiltinIndicator, parseTarget, REPORT_DEFAULTS_2018, yearPeriod } from "~/utils/kpi";
import { pageTitle } from "~/utils/meta";
import { useIsPending } from "~/utils/misc";
import { STAFF_ROLES } from "~/utils/roles";
import { redirectWithToast } from "~/utils/toast.server";

// /dashboard/targets?year=YYYY: the year's target per indicator — the built-in ones the
// platform counts, and custom ones (label + unit) it cannot. One plain form (works without
// JavaScript); an empty target removes it. Every row carries the version it was rendered with:
// if anyone saved in between, nothing is saved (saveTargets runs in one transaction). For 2018
// the targets of the bureau's 2017 report are offered as the inputs' starting values.

function parseYear(value: string | null): number | null {
  if (value === null || value.trim() === "") return currentYear();
  const s = value.normalize("NFKC").trim();
  if (!/^\d{4}$/.test(s)) return null;
  const y = Number(s);
  return y >= 2000 && y <= 2100 ? y : null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, STAFF_ROLES);
  const year = parseYear(new URL(request.url).searchParams.get("year"));
  if (year === null) return data({ year: null, targets: [], figures: null, error: "kpi.errors.year" as MessageKey }, { status: 400 });
  const [targets, figures] = await Promise.all([listTargets(user, year), computeFigures(user, yearPeriod(year))]);
  return { year, targets, figures, error: null as MessageKey | null };
}

type RowInput = { indicator: string; version: string; target: string; label?: string; unit?: string };
type Errors = Record<string, MessageKey>;

function readRows(form: FormData): RowInput[] {
  const rows: RowInput[] = [];
  for (const [key, value] of form) {
    const m = /^rows\[(\d{1,3})\]\.(indicator|version|target|label|unit)$/.exec(key);
    if (!m || typeof value !== "string") continue;
    const i = Number(m[1]);
    rows[i] ??= { indicator: "", version: "", target: "" };
    rows[i][m[2] as keyof RowInput] = value;
  }
  return rows.filter(Boolean);
}

function checkTarget(n: number | null): MessageKey | null {
  if (n === null) return null;
  if (Number.isNaN(n)) return "kpi.errors.targetNumber";
  if (n < 0) return "kpi.errors.targetNegative";
  if (n > 100_000_000) return "kpi.errors.targetTooLarge";
  if (Math.round(n * 100) !== n * 100) return "kpi.errors.targetDecimals";
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, STAFF_ROLES);
  const form = await request.formData();
  const year = parseYear(String(form.get("year") ?? ""));
  const values = Object.fromEntries([...form].filter((e): e is [string, string] => typeof e[1] === "string"));
  if (year === null) return data({ errors: { year: "kpi.errors.year" } as Errors, formError: "kpi.errors.year" as MessageKey, values }, { status: 400 });
  const errors: Errors = {};
  const changes: TargetChange[] = [];
  readRows(form).forEach((r, i) => {
    const target = parseTarget(r.target);
    const problem = checkTarget(target);
    if (problem) errors[`rows[${i}].target`] = problem;
    const builtin = isBuiltinIndicator(r.indicator);
    if (!builtin && target !== null && (r.label ?? "").trim() === "") errors[`rows[${i}].label`] = "kpi.errors.label";
    const version = r.version === "" ? null : Number(r.version);
    changes.push({ indicator: r.indicator, target, version: Number.isInteger(version) ? version : null, label: r.label ?? null, unit: r.unit ?? null });
  });
  // the new custom indicator, if one was typed
  const newLabel = String(form.get("new.label") ?? "").trim();
  const newUnit = String(form.get("new.unit") ?? "").trim();
  const newTarget = parseTarget(String(form.get("new.target") ?? ""));
  if (newLabel !== "" || newTarget !== null) {
    const problem = checkTarget(newTarget) ?? (newTarget === null ? "kpi.errors.targetNumber" : null);
    if (problem) errors["new.target"] = problem;
    if (newLabel === "" || newLabel.length > 100) errors["new.label"] = "kpi.errors.label";
    if (newUnit.length > 20) errors["new.unit"] = "kpi.errors.unit";
    if (newLabel !== "") {
      const code = customCode(newLabel);
      if (changes.some((c) => c.indicator === code)) errors["new.label"] = "kpi.errors.exists";
      else changes.push({ indicator: code, target: newTarget, version: null, label: newLabel, unit: newUnit });
    }
  }
  if (Object.keys(errors).length > 0) {
    return data({ errors, formError: Object.values(errors)[0], values }, { status: 400 });
  }
  try {
    const count = await saveTargets({ ...user, ip: getClientIp(context) }, year, changes);
    return redirectWithToast(`/dashboard/targets?year=${year}`, count > 0 ? { description: "kpi.targets.saved", values: { count } } : { description: "kpi.targets.unchanged" });
  } catch (error) {
    const problem = await modelProblem(error);
    if (!problem) throw error;
    const field = problem.message === "kpi.errors.exists" ? "new.label" : problem.field;
    return data({ errors: field ? ({ [field]: problem.message } as Errors) : ({} as Errors), formError: toMessageKey(problem.message), values }, { status: problem.status });
  }
}

export default function TargetsRoute() {
  const { t, i18n } = useTranslation();
  const { year, targets, figures, error } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const isPending = useIsPending();
  const errors: Errors = reply?.errors ?? {};
  const values: Record<string, string> = reply?.values ?? {};
  const byCode = new Map(targets.map((x) => [x.indicator, x]));
  const custom = targets.filter((x) => !x.builtin);
  // a re-render after a refused save keeps what was typed (new key → inputs take new defaults)
  const formKey = reply ? JSON.stringify(values).length : 0;
  const fieldError = (name: string) => (errors[name] ? t(errors[name]) : undefined);
  const value = (name: string, fallback: string) => values[name] ?? fallback;
  let i = -1;
  return (
    <Stack maw={900} mx="auto" gap="lg">
      <Stack gap={4}>
        <Title order={1}>{year ? t("kpi.targets.title", { year }) : t("kpi.dashboard.title")}</Title>
        <Text c="dimmed">{t("kpi.targets.intro")}</Text>
        <Anchor component={Link} to={year ? `/dashboard?year=${year}` : "/dashboard"}>
          {t("kpi.targets.back")}
        </Anchor>
      </Stack>
      <Form method="get">
        <Group align="flex-end" gap="xs">
          <TextInput name="year" label={t("kpi.targets.yearLabel")} defaultValue={year ? String(year) : ""} inputMode="numeric" w={110} />
          <Button type="submit" variant="default">
            {t("kpi.targets.go")}
          </Button>
        </Group>
      </Form>
      {error ? (
        <Alert color="red" role="alert">
          {t(error)}
        </Alert>
      ) : null}
      {year && figures ? (
        <Paper withBorder p="lg" radius="md">
          <Form method="post" key={formKey} noValidate>
            <input type="hidden" name="year" value={year} />
            <Stack gap="md">
              {reply?.formError ? (
                <Alert color="red" role="alert">
                  {t(reply.formError)}
                </Alert>
              ) : null}
              {year === 2018 ? <Text size="sm">{t("kpi.targets.defaultsHint")}</Text> : null}
              <Title order={2} size="h4">
                {t("kpi.targets.builtinHeading")}
              </Title>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t("kpi.columns.indicator")}</Table.Th>
                    <Table.Th scope="col" ta="right">
                      {t("kpi.columns.figure")}
                    </Table.Th>
                    <Table.Th scope="col">{t("kpi.columns.target")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {BUILTIN_INDICATORS.map((code) => {
                    i += 1;
                    const row = byCode.get(code);
                    const offered = year === 2018 && !row ? REPORT_DEFAULTS_2018[code] : undefined;
                    const name = `rows[${i}].target`;
                    const label = `${t(`kpi.indicators.${code}`)}（${t(`kpi.units.${code}`) || "—"}）`;
                    return (
                      <Table.Tr key={code}>
                        <Table.Th scope="row" fw={500}>
                          {t(`kpi.indicators.${code}`)}
                        </Table.Th>
                        <Table.Td ta="right">
                          {formatNumber(figures[code], i18n.language)} {t(`kpi.units.${code}`)}
                        </Table.Td>
                        <Table.Td>
                          <input type="hidden" name={`rows[${i}].indicator`} value={code} />
                          <input type="hidden" name={`rows[${i}].version`} value={row ? String(row.version) : ""} />
                          <TextInput
                            name={name}
                            aria-label={`${t("kpi.targets.target")}：${label}`}
                            defaultValue={value(name, row ? String(row.target) : offered !== undefined ? String(offered) : "")}
                            inputMode="decimal"
                            error={fieldError(name)}
                            w={160}
                          />
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
              <Title order={2} size="h4">
                {t("kpi.targets.customHeading")}
              </Title>
              <Text size="sm" c="dimmed">
                {t("kpi.targets.customHint")}
              </Text>
              {custom.map((c) => {
                i += 1;
                const p = `rows[${i}]`;
                return (
                  <Group key={c.indicator} align="flex-start" gap="sm" data-custom={c.indicator}>
                    <input type="hidden" name={`${p}.indicator`} value={c.indicator} />
                    <input type="hidden" name={`${p}.version`} value={String(c.version)} />
                    <TextInput name={`${p}.label`} label={t("kpi.targets.label")} defaultValue={value(`${p}.label`, c.label ?? "")} error={fieldError(`${p}.label`)} />
                    <TextInput name={`${p}.unit`} label={t("kpi.targets.unit")} defaultValue={value(`${p}.unit`, c.unit ?? "")} w={100} error={fieldError(`${p}.unit`)} />
                    <TextInput
                      name={`${p}.target`}
                      label={t("kpi.targets.target")}
                      defaultValue={value(`${p}.target`, String(c.target))}
                      inputMode="decimal"
                      w={140}
                      error={fieldError(`${p}.target`)}
                    />
                  </Group>
                );
              })}
              <Title order={3} size="h5">
                {t("kpi.targets.newCustom")}
              </Title>
              <Group align="flex-start" gap="sm">
                <TextInput name="new.label" label={t("kpi.targets.label")} defaultValue={value("new.label", "")} error={fieldError("new.label")} />
                <TextInput name="new.unit" label={t("kpi.targets.unit")} defaultValue={value("new.unit", "")} w={100} error={fieldError("new.unit")} />
                <TextInput name="new.target" label={t("kpi.targets.target")} defaultValue={value("new.target", "")} inputMode="decimal" w={140} error={fieldError("new.target")} />
              </Group>
              <Group>
                <Button type="submit" loading={isPending}>
                  {t("kpi.targets.save")}
                </Button>
              </Group>
            </Stack>
          </Form>
        </Paper>
      ) : null}
    </Stack>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data: d }) =>
  d?.year ? pageTitle(matches, "kpi.targets.title", { year: d.year }) : pageTitle(matches, "kpi.dashboard.title");

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
