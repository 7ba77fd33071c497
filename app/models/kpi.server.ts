import { createHash } from "node:crypto";
import { sql } from "../../db/client.server";
import { isStaff } from "~/utils/roles";
import {
  BUILTIN_INDICATORS,
  EVENT_KINDS,
  isBuiltinIndicator,
  KPI_TIME_ZONE,
  periodMonths,
  type BuiltinIndicator,
  type EventKind,
  type Period,
} from "~/utils/kpi";
import { audit, forbidden, type Actor } from "./audit.server";
import { conflict, invalid } from "./catalog.server";

// The bureau's yearly indicators (issue 6). Every figure is computed by SQL from the records
// for a period; only targets are typed in (kpi_target). What each figure counts, and why, is in
// docs/decisions/060-kpi-definitions.md — keep the two in step.
//
// Periods are inclusive calendar days in Asia/Shanghai: a timestamp (published_at, created_at,
// a meeting slot) counts on the bureau's local day, a date column (signed_on, starts_on) as is.

const TZ = KPI_TIME_ZONE;

/** Staff only: the figures break down by enterprise and institution (decision 062). */
function assertStaff(actor: Pick<Actor, "role"> | null) {
  if (!isStaff(actor)) forbidden();
}

// ---------------------------------------------------------------- figures

export type Figures = Record<BuiltinIndicator, number> & {
  eventsByKind: Record<EventKind, number>;
  /** distinct enterprises / institutions on either side of the period's intents */
  intentEnterprises: number;
  intentInstitutions: number;
  /** participants of the period's held events: organizations by kind and experts */
  participantEnterprises: number;
  participantInstitutions: number;
  participantExperts: number;
};

type Bounds = { from: string; to: string };

// The period as one CTE row: the day bounds and the same bounds as instants in Shanghai.
function periodCte(p: Bounds) {
  return sql`p as (
    select ${p.from}::date as d0, ${p.to}::date as d1,
      (${p.from}::date::timestamp at time zone ${TZ}) as t0,
      ((${p.to}::date + 1)::timestamp at time zone ${TZ}) as t1,
      (now() at time zone ${TZ})::date as today
  )`;
}

// Shared definitions, as CTEs over p (decision 060).
function definitions(p: Bounds) {
  return sql`
    with ${periodCte(p)},
    needs as (
      select n.id, n.org_id, n.field, n.published_at as at from need n, p
      where n.status in ('published', 'matched', 'closed') and n.published_at >= p.t0 and n.published_at < p.t1
    ),
    results as (
      select r.id, r.org_id, r.field, r.published_at as at from result r, p
      where r.status in ('published', 'closed') and r.published_at >= p.t0 and r.published_at < p.t1
    ),
    experts as (
      select x.id, x.org_id, x.published_at as at from expert x, p
      where x.status in ('published', 'closed') and x.published_at >= p.t0 and x.published_at < p.t1
    ),
    events as (
      select e.id, e.kind, e.name, e.starts_on, e.ends_on from event e, p
      where e.starts_on between p.d0 and p.d1
        and (e.status = 'finished' or (e.status in ('open', 'closed') and e.ends_on < p.today))
    ),
    participants as (
      select ep.id, ep.event_id, ep.org_id, ep.expert_id, coalesce(o.kind, xo.kind) as org_kind,
        coalesce(ep.org_id, x.org_id) as any_org_id
      from event_participant ep
      join events e on e.id = ep.event_id
      left join organization o on o.id = ep.org_id
      left join expert x on x.id = ep.expert_id
      left join organization xo on xo.id = x.org_id
      where ep.status = 'checked_in' or (ep.status = 'approved' and e.kind = 'online')
    ),
    meetings as (
      select m.id, m.event_id, s.starts_at as at from meeting m join event_slot s on s.id = m.slot_id, p
      where m.status = 'held' and s.starts_at >= p.t0 and s.starts_at < p.t1
    ),
    intents as (
      select i.id, i.enterprise_org_id, i.institution_org_id, i.event_id, i.created_at as at,
        coalesce(nd.field, rs.field) as field
      from intent i
      left join need nd on nd.id = i.need_id
      left join result rs on rs.id = i.result_id, p
      where i.created_at >= p.t0 and i.created_at < p.t1
    ),
    agreements as (
      select a.id, a.intent_id, a.amount_wan, a.signed_on_stage, a.event_id, a.signed_on,
        i.enterprise_org_id, i.institution_org_id, coalesce(nd.field, rs.field) as field
      from agreement a
      join intent i on i.id = a.intent_id
      left join need nd on nd.id = i.need_id
      left join result rs on rs.id = i.result_id, p
      where a.signed_on between p.d0 and p.d1
    ),
    projects as (
      select f.intent_id as id, f.at, i.event_id from (
        select h.intent_id, min(h.changed_at) as at from intent_stage_history h
        where h.to_stage in ('signed', 'in_progress', 'completed')
        group by h.intent_id
      ) f join intent i on i.id = f.intent_id, p
      where f.at >= p.t0 and f.at < p.t1
    )`;
}

type FigureRow = Record<string, number>;

export async function computeFigures(actor: Pick<Actor, "role"> | null, p: Bounds): Promise<Figures> {
  assertStaff(actor);
  const [r] = await sql<FigureRow[]>`
    ${definitions(p)}
    select
      (select count(*) from needs)::int as needs,
      (select count(distinct org_id) from needs)::int as need_enterprises,
      (select count(*) from results)::int as results,
      (select count(distinct org_id) from results)::int as result_institutions,
      (select count(*) from experts)::int as experts,
      (select count(*) from events)::int as events,
      (select count(*) from events where kind = 'talent_fair')::int as ev_talent_fair,
      (select count(*) from events where kind = 'university_visit')::int as ev_university_visit,
      (select count(*) from events where kind = 'shanghai_program')::int as ev_shanghai_program,
      (select count(*) from events where kind = 'online')::int as ev_online,
      (select count(*) from participants)::int as participants,
      (select count(distinct any_org_id) from participants where org_id is not null and org_kind = 'enterprise')::int as participant_enterprises,
      (select count(distinct any_org_id) from participants where org_kind in ('university', 'institute'))::int as participant_institutions,
      (select count(distinct expert_id) from participants)::int as participant_experts,
      (select count(*) from meetings)::int as meetings,
      (select count(*) from intents)::int as intents,
      (select count(distinct enterprise_org_id) from intents)::int as intent_enterprises,
      (select count(distinct institution_org_id) from intents)::int as intent_institutions,
      (select count(*) from agreements)::int as agreements,
      (select count(*) from projects)::int as projects,
      (select coalesce(sum(amount_wan), 0)::float8 from agreements) as agreement_amount_wan,
      (select count(*) from agreements where signed_on_stage)::int as signed_on_stage`;
  return {
    needs: r.needs,
    need_enterprises: r.need_enterprises,
    results: r.results,
    result_institutions: r.result_institutions,
    experts: r.experts,
    events: r.events,
    participants: r.participants,
    meetings: r.meetings,
    intents: r.intents,
    agreements: r.agreements,
    projects: r.projects,
    agreement_amount_wan: r.agreement_amount_wan,
    signed_on_stage: r.signed_on_stage,
    eventsByKind: Object.fromEntries(EVENT_KINDS.map((k) => [k, r[`ev_${k}`]])) as Record<EventKind, number>,
    intentEnterprises: r.intent_enterprises,
    intentInstitutions: r.intent_institutions,
    participantEnterprises: r.participant_enterprises,
    participantInstitutions: r.participant_institutions,
    participantExperts: r.participant_experts,
  };
}

// ---------------------------------------------------------------- trend and breakdowns

export type MonthRow = { month: string; needs: number; results: number; events: number; intents: number; agreements: number; projects: number; amountWan: number };

export async function monthlyTrend(actor: Pick<Actor, "role"> | null, p: Bounds): Promise<MonthRow[]> {
  assertStaff(actor);
  const rows = await sql<{ measure: string; month: string; n: number }[]>`
    ${definitions(p)},
    facts as (
      select 'needs' as measure, (at at time zone ${TZ})::date as day, 1::float8 as v from needs
      union all select 'results', (at at time zone ${TZ})::date, 1 from results
      union all select 'events', starts_on, 1 from events
      union all select 'intents', (at at time zone ${TZ})::date, 1 from intents
      union all select 'agreements', signed_on, 1 from agreements
      union all select 'projects', (at at time zone ${TZ})::date, 1 from projects
      union all select 'amountWan', signed_on, amount_wan::float8 from agreements
    )
    select measure, to_char(day, 'YYYY-MM') as month, sum(v)::float8 as n from facts group by 1, 2`;
  const byMonth = new Map(periodMonths(p).map((m) => [m, { month: m, needs: 0, results: 0, events: 0, intents: 0, agreements: 0, projects: 0, amountWan: 0 }]));
  for (const r of rows) {
    const row = byMonth.get(r.month);
    if (row) row[r.measure as Exclude<keyof MonthRow, "month">] = r.n;
  }
  return [...byMonth.values()];
}

export type TownRow = { town: string | null; enterprises: number; needs: number; intents: number; agreements: number; amountWan: number };
export type FieldRow = { field: string | null; needs: number; results: number; intents: number; agreements: number; amountWan: number };
export type InstitutionRow = { orgId: number; name: string; results: number; experts: number; intents: number; agreements: number; amountWan: number };
export type EventRow = {
  eventId: number;
  name: string;
  kind: EventKind;
  startsOn: string;
  orgs: number;
  experts: number;
  meetings: number;
  intents: number;
  projects: number;
  agreements: number;
  signedOnStage: number;
  amountWan: number;
};
export type Breakdowns = { towns: TownRow[]; fields: FieldRow[]; institutions: InstitutionRow[]; events: EventRow[] };

export async function breakdowns(actor: Pick<Actor, "role"> | null, p: Bounds): Promise<Breakdowns> {
  assertStaff(actor);
  // 镇区 of the enterprise behind each need, intent and agreement; blank towns are one group (null)
  const townsQ = sql<TownRow[]>`
    ${definitions(p)},
    facts as (
      select org_id, 1 as need, 0 as intent, 0 as agreement, 0::numeric as amount from needs
      union all select enterprise_org_id, 0, 1, 0, 0 from intents
      union all select enterprise_org_id, 0, 0, 1, amount_wan from agreements
    )
    select nullif(btrim(o.town), '') as town,
      count(distinct f.org_id) filter (where f.need = 1)::int as enterprises,
      sum(f.need)::int as needs, sum(f.intent)::int as intents, sum(f.agreement)::int as agreements,
      sum(f.amount)::float8 as "amountWan"
    from facts f join organization o on o.id = f.org_id
    group by 1
    order by needs desc, intents desc, agreements desc, town nulls last`;
  // technology fields in the national order (tech_fields()), unclassified last
  const fieldsQ = sql<FieldRow[]>`
    ${definitions(p)},
    facts as (
      select field, 1 as need, 0 as result, 0 as intent, 0 as agreement, 0::numeric as amount from needs
      union all select field, 0, 1, 0, 0, 0 from results
      union all select field, 0, 0, 1, 0, 0 from intents
      union all select field, 0, 0, 0, 1, amount_wan from agreements
    )
    select f.field, sum(f.need)::int as needs, sum(f.result)::int as results, sum(f.intent)::int as intents,
      sum(f.agreement)::int as agreements, sum(f.amount)::float8 as "amountWan"
    from facts f
    left join unnest(tech_fields()) with ordinality as tf(name, pos) on tf.name = f.field
    group by f.field, tf.pos
    order by tf.pos nulls last`;
  const institutionsQ = sql<InstitutionRow[]>`
    ${definitions(p)},
    facts as (
      select org_id, 1 as result, 0 as expert, 0 as intent, 0 as agreement, 0::numeric as amount from results
      union all select org_id, 0, 1, 0, 0, 0 from experts
      union all select institution_org_id, 0, 0, 1, 0, 0 from intents
      union all select institution_org_id, 0, 0, 0, 1, amount_wan from agreements
    )
    select o.id as "orgId", o.name, sum(f.result)::int as results, sum(f.expert)::int as experts,
      sum(f.intent)::int as intents, sum(f.agreement)::int as agreements, sum(f.amount)::float8 as "amountWan"
    from facts f join organization o on o.id = f.org_id
    group by o.id, o.name
    order by intents desc, agreements desc, results desc, o.name`;
  const eventsQ = sql<EventRow[]>`
    ${definitions(p)}
    select e.id as "eventId", e.name, e.kind, to_char(e.starts_on, 'YYYY-MM-DD') as "startsOn",
      (select count(*) from participants pa where pa.event_id = e.id and pa.org_id is not null)::int as orgs,
      (select count(*) from participants pa where pa.event_id = e.id and pa.expert_id is not null)::int as experts,
      (select count(*) from meetings m where m.event_id = e.id)::int as meetings,
      (select count(*) from intents i where i.event_id = e.id)::int as intents,
      (select count(*) from projects j where j.event_id = e.id)::int as projects,
      (select count(*) from agreements a where a.event_id = e.id)::int as agreements,
      (select count(*) from agreements a where a.event_id = e.id and a.signed_on_stage)::int as "signedOnStage",
      (select coalesce(sum(a.amount_wan), 0) from agreements a where a.event_id = e.id)::float8 as "amountWan"
    from events e
    order by e.starts_on, e.id`;
  const [towns, fields, institutions, events] = await Promise.all([townsQ, fieldsQ, institutionsQ, eventsQ]);
  return { towns: [...towns], fields: [...fields], institutions: [...institutions], events: [...events] };
}

// ---------------------------------------------------------------- targets

export type Target = {
  id: number;
  year: number;
  indicator: string;
  builtin: boolean;
  label: string | null;
  unit: string | null;
  target: number;
  note: string | null;
  version: number;
  updatedAt: Date;
};

type TargetRow = { id: number; year: number; indicator: string; label: string | null; unit: string | null; target: number; note: string | null; version: number; updated_at: Date };

function toTarget(r: TargetRow): Target {
  return {
    id: r.id,
    year: r.year,
    indicator: r.indicator,
    builtin: isBuiltinIndicator(r.indicator),
    label: r.label,
    unit: r.unit,
    target: r.target,
    note: r.note,
    version: r.version,
    updatedAt: r.updated_at,
  };
}

function assertYear(year: number) {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) invalid("kpi.errors.year", "year");
}

export async function listTargets(actor: Pick<Actor, "role"> | null, year: number): Promise<Target[]> {
  assertStaff(actor);
  assertYear(year);
  const rows = await sql<TargetRow[]>`
    select id, year, indicator, label, unit, target::float8 as target, note, version, updated_at
    from kpi_target where year = ${year} order by id`;
  const order = (t: Target) => (t.builtin ? BUILTIN_INDICATORS.indexOf(t.indicator as BuiltinIndicator) : 1000 + t.id);
  return rows.map(toTarget).sort((a, b) => order(a) - order(b));
}

/** A custom indicator's stable code, derived from its label so a double submit names the same row. */
export function customCode(label: string): string {
  const norm = label.normalize("NFKC").trim().replace(/\s+/g, " ");
  return `custom_${createHash("sha256").update(norm).digest("hex").slice(0, 12)}`;
}

export type TargetChange = {
  indicator: string;
  /** null removes the target */
  target: number | null;
  /** the row's version the form was rendered with; null = the form saw no row */
  version: number | null;
  label?: string | null;
  unit?: string | null;
};

const MAX_TARGET = 100_000_000;

function checkChange(c: TargetChange, i: number) {
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(c.indicator)) invalid("kpi.errors.indicator", `rows[${i}].indicator`);
  if (c.target !== null) {
    if (typeof c.target !== "number" || !Number.isFinite(c.target)) invalid("kpi.errors.targetNumber", `rows[${i}].target`);
    if (c.target < 0) invalid("kpi.errors.targetNegative", `rows[${i}].target`);
    if (c.target > MAX_TARGET) invalid("kpi.errors.targetTooLarge", `rows[${i}].target`);
    if (Math.round(c.target * 100) !== c.target * 100) invalid("kpi.errors.targetDecimals", `rows[${i}].target`);
  }
  if (!isBuiltinIndicator(c.indicator) && c.target !== null) {
    const label = c.label?.trim() ?? "";
    if (label.length < 1 || label.length > 100) invalid("kpi.errors.label", `rows[${i}].label`);
    if ((c.unit ?? "").length > 20) invalid("kpi.errors.unit", `rows[${i}].unit`);
  }
}

/**
 * Sets, changes or removes a year's targets in one transaction: every row is checked first,
 * a row changed by someone else since the form was rendered (version) refuses the whole save,
 * and every change writes an audit entry. Returns how many rows changed.
 */
export async function saveTargets(actor: Actor | null, year: number, changes: TargetChange[]): Promise<number> {
  assertStaff(actor);
  assertYear(year);
  changes.forEach(checkChange);
  const seen = new Set<string>();
  for (const c of changes) {
    if (seen.has(c.indicator)) invalid("kpi.errors.duplicate");
    seen.add(c.indicator);
  }
  return sql.begin(async (tx) => {
    let changed = 0;
    for (const c of changes) {
      const [row] = await tx<TargetRow[]>`
        select id, year, indicator, label, unit, target::float8 as target, note, version, updated_at
        from kpi_target where year = ${year} and indicator = ${c.indicator} for update`;
      const builtin = isBuiltinIndicator(c.indicator);
      // a new custom indicator whose row exists: a double submit or a second person, same label
      if (row && c.version === null && !builtin) conflict("kpi.errors.exists");
      if (row ? row.version !== c.version : c.version !== null) conflict("kpi.errors.stale");
      const label = builtin ? null : (c.label?.trim() ?? null) || null;
      const unit = builtin ? null : (c.unit?.trim() ?? null) || null;
      const before = row ? { target: row.target, label: row.label, unit: row.unit } : null;
      if (c.target === null) {
        if (!row) continue;
        await tx`delete from kpi_target where id = ${row.id}`;
        await audit(tx, { actor, action: "kpi_target.delete", entity: "kpi_target", entityId: row.id, before: { year, indicator: c.indicator, ...before } });
        changed++;
        continue;
      }
      if (row && row.target === c.target && row.label === label && row.unit === unit) continue;
      if (row) {
        await tx`
          update kpi_target set target = ${c.target}, label = ${label}, unit = ${unit}, updated_by = ${actor!.id},
            version = version + 1
          where id = ${row.id}`;
        await audit(tx, { actor, action: "kpi_target.update", entity: "kpi_target", entityId: row.id, before, after: { target: c.target, label, unit } });
      } else {
        const [ins] = await tx<{ id: number }[]>`
          insert into kpi_target (year, indicator, label, unit, target, updated_by)
          values (${year}, ${c.indicator}, ${label}, ${unit}, ${c.target}, ${actor!.id})
          returning id`;
        await audit(tx, { actor, action: "kpi_target.create", entity: "kpi_target", entityId: ins.id, after: { year, indicator: c.indicator, target: c.target, label, unit } });
      }
      changed++;
    }
    return changed;
  });
}

// ---------------------------------------------------------------- the dashboard's whole view

export type Progress = { indicator: string; builtin: boolean; label: string | null; unit: string | null; figure: number | null; target: number; percent: number | null };

/** figure / target as a whole percent (one decimal); null when there is no figure or the target is 0. */
export function percentOf(figure: number | null, target: number): number | null {
  if (figure === null || target <= 0) return null;
  return Math.round((figure / target) * 1000) / 10;
}

export type KpiView = {
  period: Period;
  figures: Figures;
  months: MonthRow[];
  breakdowns: Breakdowns;
  /** the year's targets against the period's figures; empty when the period spans two years */
  progress: Progress[];
  targetYear: number | null;
};

export async function kpiView(actor: Pick<Actor, "role"> | null, period: Period): Promise<KpiView> {
  assertStaff(actor);
  const [figures, months, bd] = await Promise.all([computeFigures(actor, period), monthlyTrend(actor, period), breakdowns(actor, period)]);
  const targetYear = period.from.slice(0, 4) === period.to.slice(0, 4) ? Number(period.from.slice(0, 4)) : null;
  const targets = targetYear === null ? [] : await listTargets(actor, targetYear);
  const progress = targets.map((t) => {
    const figure = t.builtin ? figures[t.indicator as BuiltinIndicator] : null;
    return { indicator: t.indicator, builtin: t.builtin, label: t.label, unit: t.unit, figure, target: t.target, percent: percentOf(figure, t.target) };
  });
  return { period, figures, months, breakdowns: bd, progress, targetYear };
}

/**
 * The latest year (Shanghai) in which anything the dashboard counts happened, or null: an empty
 * current year then links to it instead of showing a page of zeros.
 */
export async function latestYearWithRecords(actor: Pick<Actor, "role"> | null): Promise<number | null> {
  assertStaff(actor);
  const [r] = await sql<{ y: number | null }[]>`
    select extract(year from greatest(
      (select max(published_at at time zone ${TZ}) from need where status in ('published', 'matched', 'closed')),
      (select max(published_at at time zone ${TZ}) from result where status in ('published', 'closed')),
      (select max(created_at at time zone ${TZ}) from intent),
      (select max(signed_on)::timestamp from agreement),
      (select max(starts_on)::timestamp from event where status not in ('draft', 'cancelled'))
    ))::int as y`;
  return r?.y ?? null;
}
