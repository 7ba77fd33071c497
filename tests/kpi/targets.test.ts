import { beforeAll, describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { customCode, listTargets, saveTargets } from "~/models/kpi.server";
import { action as targetsAction, loader as targetsLoader } from "~/routes/dashboard.targets";
import { loader as dashboardLoader } from "~/routes/dashboard._index";
import { loader as exportLoader } from "~/routes/dashboard.export";
import { loader as reportLoader } from "~/routes/reports.yearly";
import { parsePeriod, parseTarget } from "~/utils/kpi";
import { getRequest, makeUser, postRequest, run } from "../app/helpers";
import { kpiFixture, type KpiWorld } from "./fixture";

// Targets (set/edit by staff, version check, audit, bad input), who sees the dashboard, the
// report and the exports, and bad periods.

let w: KpiWorld;
let outsider: { cookie: string };
beforeAll(async () => {
  w = await kpiFixture();
  const { createUserSession } = await import("~/utils/auth.server");
  const u = await makeUser({ name: "无单位用户" });
  const h = await createUserSession(new Request("http://localhost/login"), u.id);
  outsider = { cookie: (h.get("Set-Cookie") ?? "").split(";")[0] };
});

async function snapshot() {
  const rows = await sql`select year, indicator, label, unit, target::float8 as target, version from kpi_target order by year, indicator`;
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where entity = 'kpi_target'`;
  return { rows: [...rows], audits: n };
}

function post(fields: Record<string, string>, cookie: string) {
  return run(() => targetsAction({ request: postRequest("/dashboard/targets", fields, { cookie }), params: {}, context: {} }));
}

/** The form as the page renders it for a year with no targets yet (rows 0..12 are the built-ins). */
function blankForm(year: number, targets: Record<number, string> = {}): Record<string, string> {
  const codes = ["needs", "need_enterprises", "results", "result_institutions", "experts", "events", "participants", "meetings", "intents", "agreements", "projects", "agreement_amount_wan", "signed_on_stage"];
  const f: Record<string, string> = { year: String(year) };
  codes.forEach((c, i) => {
    f[`rows[${i}].indicator`] = c;
    f[`rows[${i}].version`] = "";
    f[`rows[${i}].target`] = targets[i] ?? "";
  });
  return f;
}

describe("permissions: role × action", () => {
  const who = () => ({ anonymous: "", member: w.member.cookie, outsider: outsider.cookie, organizer: w.organizer.cookie, admin: w.admin.cookie });

  test.each([
    ["dashboard", (c: string) => run(() => dashboardLoader({ request: getRequest("/dashboard?year=2018", { cookie: c }), params: {}, context: {} }))],
    ["report", (c: string) => run(() => reportLoader({ request: getRequest("/reports/yearly?year=2018", { cookie: c }), params: {}, context: {} }))],
    ["export", (c: string) => run(() => exportLoader({ request: getRequest("/dashboard/export?year=2018&table=towns&format=csv", { cookie: c }), params: {}, context: {} }))],
    ["targets page", (c: string) => run(() => targetsLoader({ request: getRequest("/dashboard/targets?year=2018", { cookie: c }), params: {}, context: {} }))],
  ])("%s: visitors sign in, members are refused, staff see it", async (_name, load) => {
    const u = who();
    const anon = await load(u.anonymous);
    expect(anon.status).toBe(302);
    expect(anon.location).toMatch(/^\/login/);
    expect((await load(u.member)).status).toBe(403);
    expect((await load(u.outsider)).status).toBe(403);
    expect((await load(u.organizer)).status).toBe(200);
    expect((await load(u.admin)).status).toBe(200);
  });

  test("saving targets: visitors and members are refused and nothing is written; organizer and admin may", async () => {
    const before = await snapshot();
    const anon = await post(blankForm(2030, { 0: "1" }), "");
    expect(anon.status).toBe(302);
    expect((await post(blankForm(2030, { 0: "1" }), w.member.cookie)).status).toBe(403);
    expect((await post(blankForm(2030, { 0: "1" }), outsider.cookie)).status).toBe(403);
    expect(await snapshot()).toEqual(before);
    // the model refuses on its own, whatever route calls it
    await expect(saveTargets(null, 2030, [{ indicator: "needs", target: 1, version: null }])).rejects.toMatchObject({ status: 403 });
    await expect(saveTargets({ id: w.member.id, role: "member" }, 2030, [{ indicator: "needs", target: 1, version: null }])).rejects.toMatchObject({ status: 403 });
    await expect(listTargets({ role: "member" }, 2030)).rejects.toMatchObject({ status: 403 });
    expect(await snapshot()).toEqual(before);
    expect((await post(blankForm(2030, { 0: "1" }), w.organizer.cookie)).status).toBe(302);
    expect((await post(blankForm(2031, { 0: "1" }), w.admin.cookie)).status).toBe(302);
    const rows = (await snapshot()).rows.filter((r) => r.year >= 2030);
    expect(rows.map((r) => [r.year, r.indicator, r.target])).toEqual([
      [2030, "needs", 1],
      [2031, "needs", 1],
    ]);
  });
});

describe("setting targets through the form", () => {
  test("the 2018 page offers the report's targets; saving them creates rows with audit entries", async () => {
    const page = await run(() => targetsLoader({ request: getRequest("/dashboard/targets?year=2018", { cookie: w.organizer.cookie }), params: {}, context: {} }));
    expect(page.status).toBe(200);
    expect((page.data as { targets: unknown[] }).targets).toEqual([]);
    // the form's starting values are REPORT_DEFAULTS_2018: needs 200, results 500, events 20, projects 10
    const res = await post({ ...blankForm(2018, { 0: "200", 2: "500", 5: "20", 10: "10" }), "new.label": "专利申请", "new.unit": "件", "new.target": "６０００" }, w.organizer.cookie);
    expect(res.status).toBe(302);
    expect(res.location).toBe("/dashboard/targets?year=2018");
    const targets = await listTargets({ role: "admin" }, 2018);
    expect(targets.map((t) => [t.indicator, t.target, t.label, t.unit, t.version])).toEqual([
      ["needs", 200, null, null, 1],
      ["results", 500, null, null, 1],
      ["events", 20, null, null, 1],
      ["projects", 10, null, null, 1],
      [customCode("专利申请"), 6000, "专利申请", "件", 1],
    ]);
    const audits = await sql<{ action: string; actor_id: string; after: { indicator: string; target: number } }[]>`
      select action, actor_id, after from audit_log where entity = 'kpi_target' and after->>'year' = '2018' order by id`;
    expect(audits.map((a) => [a.action, a.actor_id, a.after.indicator, a.after.target])).toEqual([
      ["kpi_target.create", w.organizer.id, "needs", 200],
      ["kpi_target.create", w.organizer.id, "results", 500],
      ["kpi_target.create", w.organizer.id, "events", 20],
      ["kpi_target.create", w.organizer.id, "projects", 10],
      ["kpi_target.create", w.organizer.id, customCode("专利申请"), 6000],
    ]);
  });

  test("edit with the right version updates and audits; an empty target removes the row", async () => {
    await saveTargets({ id: w.admin.id, role: "admin" }, 2040, [{ indicator: "needs", target: 100, version: null }, { indicator: "results", target: 50, version: null }]);
    const f = blankForm(2040);
    f["rows[0].version"] = "1";
    f["rows[0].target"] = "１２０"; // full-width digits from a Chinese IME
    f["rows[2].version"] = "1";
    f["rows[2].target"] = "";
    expect((await post(f, w.admin.cookie)).status).toBe(302);
    const t = await listTargets({ role: "admin" }, 2040);
    expect(t.map((x) => [x.indicator, x.target, x.version])).toEqual([["needs", 120, 2]]);
    const audits = await sql<{ action: string }[]>`select action from audit_log where entity = 'kpi_target' and (after->>'year' = '2040' or before->>'year' = '2040' or entity_id = ${String(t[0].id)}) order by id`;
    expect(audits.map((a) => a.action)).toEqual(["kpi_target.create", "kpi_target.create", "kpi_target.update", "kpi_target.delete"]);
  });

  test("a stale version refuses the whole save with a clear message; nothing changes", async () => {
    await saveTargets({ id: w.admin.id, role: "admin" }, 2041, [{ indicator: "needs", target: 100, version: null }]);
    // someone else saves in between
    await saveTargets({ id: w.organizer.id, role: "organizer" }, 2041, [{ indicator: "needs", target: 150, version: 1 }]);
    const before = await snapshot();
    const f = blankForm(2041, { 2: "500" });
    f["rows[0].version"] = "1";
    f["rows[0].target"] = "180";
    const res = await post(f, w.admin.cookie);
    expect(res.status).toBe(409);
    expect((res.data as { formError: string }).formError).toBe("kpi.errors.stale");
    expect(await snapshot()).toEqual(before);
    // a form that saw no row, when one exists now, is stale too
    await expect(saveTargets({ id: w.admin.id, role: "admin" }, 2041, [{ indicator: "needs", target: 1, version: null }])).rejects.toMatchObject({ status: 409 });
  });

  test("a double-submitted new custom indicator makes one row and says it exists", async () => {
    const fields = { ...blankForm(2042), "new.label": "入孵企业", "new.unit": "家", "new.target": "30" };
    expect((await post(fields, w.organizer.cookie)).status).toBe(302);
    const again = await post(fields, w.organizer.cookie);
    expect(again.status).toBe(409);
    expect((again.data as { formError: string }).formError).toBe("kpi.errors.exists");
    const rows = (await snapshot()).rows.filter((r) => r.year === 2042);
    expect(rows).toHaveLength(1);
  });

  test("a custom indicator keeps its code when renamed, and goes away when its target is emptied", async () => {
    await saveTargets({ id: w.admin.id, role: "admin" }, 2043, [{ indicator: customCode("专利申请"), target: 100, version: null, label: "专利申请", unit: "件" }]);
    const code = customCode("专利申请");
    const f = { ...blankForm(2043), "rows[13].indicator": code, "rows[13].version": "1", "rows[13].label": "发明专利申请", "rows[13].unit": "件", "rows[13].target": "120" };
    expect((await post(f, w.organizer.cookie)).status).toBe(302);
    let t = await listTargets({ role: "admin" }, 2043);
    expect(t.map((x) => [x.indicator, x.label, x.unit, x.target, x.version])).toEqual([[code, "发明专利申请", "件", 120, 2]]);
    // an emptied name with a target is refused; emptied target removes it
    const noName = await post({ ...f, "rows[13].version": "2", "rows[13].label": " " }, w.organizer.cookie);
    expect(noName.status).toBe(400);
    expect((noName.data as { errors: Record<string, string> }).errors["rows[13].label"]).toBe("kpi.errors.label");
    expect((await post({ ...f, "rows[13].version": "2", "rows[13].target": "" }, w.organizer.cookie)).status).toBe(302);
    t = await listTargets({ role: "admin" }, 2043);
    expect(t).toEqual([]);
  });

  test("progress is shown against the year the period lies in; a period across two years has none", async () => {
    await saveTargets({ id: w.admin.id, role: "admin" }, 2018, [{ indicator: "intents", target: 8, version: null }]);
    const q = await run(() => dashboardLoader({ request: getRequest("/dashboard?from=2018-02-01&to=2018-04-30", { cookie: w.admin.cookie }), params: {}, context: {} }));
    const qv = (q.data as { view: { targetYear: number | null; progress: { indicator: string; figure: number; percent: number }[] } }).view;
    expect(qv.targetYear).toBe(2018);
    // intents i5 (02-10), i1 (03-31), i2 (04-01): 3 of 8
    expect(qv.progress.find((p) => p.indicator === "intents")).toMatchObject({ figure: 3, percent: 37.5 });
    const span = await run(() => dashboardLoader({ request: getRequest("/dashboard?from=2017-12-01&to=2018-01-31", { cookie: w.admin.cookie }), params: {}, context: {} }));
    const sv = (span.data as { view: { targetYear: number | null; progress: unknown[] } }).view;
    expect(sv.targetYear).toBeNull();
    expect(sv.progress).toEqual([]);
  });

  test.each([
    ["negative", "-5", "kpi.errors.targetNegative"],
    ["full-width negative", "－５", "kpi.errors.targetNegative"],
    ["not a number", "两百", "kpi.errors.targetNumber"],
    ["digits and text", "200项", "kpi.errors.targetNumber"],
    ["too large", "100000001", "kpi.errors.targetTooLarge"],
    ["three decimals", "1.234", "kpi.errors.targetDecimals"],
  ])("bad target (%s): a localized message on the field, nothing written", async (_name, value, message) => {
    const before = await snapshot();
    // a valid row before the bad one must not be saved either
    const res = await post(blankForm(2050, { 0: "200", 2: value }), w.organizer.cookie);
    expect(res.status).toBe(400);
    const d = res.data as { errors: Record<string, string>; formError: string };
    expect(d.errors["rows[2].target"]).toBe(message);
    expect(d.formError).toBe(message);
    expect(await snapshot()).toEqual(before);
  });

  test("a custom indicator needs a name; a bad year is refused", async () => {
    const before = await snapshot();
    const res = await post({ ...blankForm(2051), "new.label": "", "new.target": "5" }, w.organizer.cookie);
    expect(res.status).toBe(400);
    expect((res.data as { errors: Record<string, string> }).errors["new.label"]).toBe("kpi.errors.label");
    const bad = await post({ ...blankForm(2051, { 0: "1" }), year: "1999" }, w.organizer.cookie);
    expect(bad.status).toBe(400);
    expect((bad.data as { formError: string }).formError).toBe("kpi.errors.year");
    expect(await snapshot()).toEqual(before);
  });

  test("the model checks on its own: negative, NaN, unnamed custom, duplicates — nothing written", async () => {
    const before = await snapshot();
    const admin = { id: w.admin.id, role: "admin" as const };
    await expect(saveTargets(admin, 2052, [{ indicator: "needs", target: -1, version: null }])).rejects.toMatchObject({ status: 400 });
    await expect(saveTargets(admin, 2052, [{ indicator: "needs", target: Number.NaN, version: null }])).rejects.toMatchObject({ status: 400 });
    await expect(saveTargets(admin, 2052, [{ indicator: "custom_x", target: 1, version: null, label: " " }])).rejects.toMatchObject({ status: 400 });
    await expect(saveTargets(admin, 2052, [{ indicator: "Bad-Code", target: 1, version: null }])).rejects.toMatchObject({ status: 400 });
    await expect(
      saveTargets(admin, 2052, [
        { indicator: "needs", target: 1, version: null },
        { indicator: "needs", target: 2, version: null },
      ]),
    ).rejects.toMatchObject({ status: 400 });
    await expect(saveTargets(admin, 1999, [{ indicator: "needs", target: 1, version: null }])).rejects.toMatchObject({ status: 400 });
    expect(await snapshot()).toEqual(before);
  });

  test("parseTarget reads what people type", () => {
    expect(parseTarget("200")).toBe(200);
    expect(parseTarget(" 1,000 ")).toBe(1000);
    expect(parseTarget("２００")).toBe(200);
    expect(parseTarget("12.5")).toBe(12.5);
    expect(parseTarget("")).toBeNull();
    expect(parseTarget("abc")).toBeNaN();
    expect(parseTarget("1e3")).toBeNaN();
  });
});

describe("bad periods", () => {
  test.each([
    ["?from=2018-04-01&to=2018-03-31", "kpi.errors.order"],
    ["?from=2018-02-30&to=2018-03-31", "kpi.errors.date"],
    ["?from=2018-01-01", "kpi.errors.date"],
    ["?year=abcd", "kpi.errors.year"],
    ["?year=1999", "kpi.errors.year"],
    ["?year=2018&quarter=5", "kpi.errors.quarter"],
    ["?from=2000-01-01&to=2010-01-01", "kpi.errors.span"],
  ])("%s: a 400 with a message and no figures", async (query, message) => {
    const res = await run(() => dashboardLoader({ request: getRequest(`/dashboard${query}`, { cookie: w.organizer.cookie }), params: {}, context: {} }));
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ error: message, view: null });
    const report = await run(() => reportLoader({ request: getRequest(`/reports/yearly${query}`, { cookie: w.organizer.cookie }), params: {}, context: {} }));
    expect(report.status).toBe(400);
    expect(report.data).toMatchObject({ error: message, view: null });
    const exp = await run(() => exportLoader({ request: getRequest(`/dashboard/export${query}&table=towns&format=csv`, { cookie: w.organizer.cookie }), params: {}, context: {} }));
    expect(exp.status).toBe(400);
  });

  test("no parameters: the current year in Shanghai; ?from=&to= is a custom period", () => {
    // 2018-12-31 17:00 UTC is already 2019-01-01 in Shanghai
    expect(parsePeriod(new URLSearchParams(""), new Date("2018-12-31T17:00:00Z"))).toEqual({
      ok: true,
      period: { kind: "year", year: 2019, quarter: null, from: "2019-01-01", to: "2019-12-31" },
    });
    expect(parsePeriod(new URLSearchParams("year=2018&quarter=1"))).toEqual({
      ok: true,
      period: { kind: "quarter", year: 2018, quarter: 1, from: "2018-01-01", to: "2018-03-31" },
    });
    expect(parsePeriod(new URLSearchParams("from=2018-03-01&to=2019-02-28"))).toMatchObject({ ok: true, period: { kind: "custom", year: null } });
  });
});

describe("exports", () => {
  test("CSV with Chinese headers and the same numbers; a formula-like town name is neutralized", async () => {
    await sql`update organization set town = '=HYPERLINK("http://x")' where id = ${w.E3}`;
    try {
      const res = await run(() => exportLoader({ request: getRequest("/dashboard/export?year=2018&table=towns&format=csv", { cookie: w.organizer.cookie }), params: {}, context: {} }));
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toMatch(/text\/csv/);
      const lines = String(res.data).replace(/^\uFEFF/, "").trim().split("\r\n");
      expect(lines).toEqual([
        "镇区,企业数,技术需求,合作意向,合作协议,协议金额（万元）",
        "经济开发区,1,2,2,0,0",
        "如城街道,1,2,1,2,320.5",
        `"'=HYPERLINK(""http://x"")",1,1,1,1,30`,
      ]);
    } finally {
      await sql`update organization set town = null where id = ${w.E3}`;
    }
  });

  test("XLSX of the figures table; unknown table or format is a 400", async () => {
    const res = await run(() => exportLoader({ request: getRequest("/dashboard/export?year=2018&table=figures&format=xlsx", { cookie: w.admin.cookie }), params: {}, context: {} }));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/spreadsheetml/);
    expect(res.headers.get("Content-Disposition")).toMatch(/qiao-kpi-figures-2018\.xlsx/);
    const bad = await run(() => exportLoader({ request: getRequest("/dashboard/export?year=2018&table=nope&format=csv", { cookie: w.admin.cookie }), params: {}, context: {} }));
    expect(bad.status).toBe(400);
    const badFormat = await run(() => exportLoader({ request: getRequest("/dashboard/export?year=2018&table=towns&format=pdf", { cookie: w.admin.cookie }), params: {}, context: {} }));
    expect(badFormat.status).toBe(400);
  });
});
