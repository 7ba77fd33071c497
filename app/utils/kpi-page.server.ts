import { kpiView, type KpiView } from "~/models/kpi.server";
import { requireRole } from "~/utils/auth.server";
import { parsePeriod, type Period, type PeriodError } from "~/utils/kpi";
import { STAFF_ROLES } from "~/utils/roles";

// What /dashboard, /dashboard/export and /reports/yearly load: the signed-in staff member (a
// member gets 403, a visitor the login page — decision 062), the period the URL names and the
// whole KPI view for it. A bad period is a message and no figures, never another period's.

export type KpiPage =
  | { ok: true; user: Awaited<ReturnType<typeof requireRole>>; period: Period; view: KpiView; error: null }
  | { ok: false; user: Awaited<ReturnType<typeof requireRole>>; period: Period; view: null; error: PeriodError };

export async function loadKpiPage(request: Request): Promise<KpiPage> {
  const user = await requireRole(request, STAFF_ROLES);
  const parsed = parsePeriod(new URL(request.url).searchParams);
  if (!parsed.ok) return { ok: false, user, period: parsed.fallback, view: null, error: parsed.error };
  return { ok: true, user, period: parsed.period, view: await kpiView(user, parsed.period), error: null };
}
