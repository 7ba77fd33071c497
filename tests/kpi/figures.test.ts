import { beforeAll, describe, expect, test } from "vitest";
import { sql } from "../../db/client.server";
import { reportText } from "~/components/kpi/report-text";
import { formatCell, kpiTables } from "~/components/kpi/tables";
import { computeFigures, kpiView, saveTargets } from "~/models/kpi.server";
import { loader as dashboardLoader } from "~/routes/dashboard._index";
import { loader as reportLoader } from "~/routes/reports.yearly";
import { getT } from "~/utils/i18n";
import { quarterPeriod, yearPeriod } from "~/utils/kpi";
import { getRequest, run } from "../app/helpers";
import { kpiFixture, type KpiWorld } from "./fixture";

// Every number the dashboard and the report show, on the fixed fixture (fixture.ts), counted by
// hand. The loader's output is compared whole (toEqual), so a figure added to the view without
// a check here fails.

let w: KpiWorld;
beforeAll(async () => {
  w = await kpiFixture();
  const organizer = { id: w.organizer.id, role: "organizer" as const };
  await saveTargets(organizer, 2018, [
    { indicator: "needs", target: 200, version: null },
    { indicator: "results", target: 500, version: null },
    { indicator: "events", target: 20, version: null },
    { indicator: "projects", target: 10, version: null },
    { indicator: "custom_patents", target: 6000, version: null, label: "专利申请", unit: "件" },
  ]);
});

const FIGURES_2018 = {
  needs: 5,
  need_enterprises: 3,
  results: 3,
  result_institutions: 2,
  experts: 2,
  events: 3,
  participants: 7,
  meetings: 1,
  intents: 4,
  agreements: 3,
  projects: 3,
  agreement_amount_wan: 350.5,
  signed_on_stage: 1,
  eventsByKind: { talent_fair: 1, university_visit: 1, shanghai_program: 0, online: 1 },
  intentEnterprises: 3,
  intentInstitutions: 2,
  participantEnterprises: 3,
  participantInstitutions: 2,
  participantExperts: 1,
};

const zero = { needs: 0, results: 0, events: 0, intents: 0, agreements: 0, projects: 0, amountWan: 0 };
const MONTHS_2018 = [
  { month: "2018-01", ...zero, needs: 1, events: 1, agreements: 1, projects: 1, amountWan: 200 },
  { month: "2018-02", ...zero, results: 1, intents: 1 },
  { month: "2018-03", ...zero, needs: 1, results: 1, events: 1, intents: 1 },
  { month: "2018-04", ...zero, needs: 1, events: 1, intents: 1, agreements: 1, projects: 1, amountWan: 120.5 },
  { month: "2018-05", ...zero, needs: 1 },
  { month: "2018-06", ...zero, needs: 1, intents: 1, agreements: 1, projects: 1, amountWan: 30 },
  { month: "2018-07", ...zero, results: 1 },
  ...["08", "09", "10", "11", "12"].map((m) => ({ month: `2018-${m}`, ...zero })),
];

function breakdowns2018(x: KpiWorld) {
  return {
    towns: [
      { town: "经济开发区", enterprises: 1, needs: 2, intents: 2, agreements: 0, amountWan: 0 },
      { town: "如城街道", enterprises: 1, needs: 2, intents: 1, agreements: 2, amountWan: 320.5 },
      { town: null, enterprises: 1, needs: 1, intents: 1, agreements: 1, amountWan: 30 },
    ],
    fields: [
      { field: "电子信息", needs: 2, results: 1, intents: 2, agreements: 0, amountWan: 0 },
      { field: "新材料", needs: 2, results: 2, intents: 1, agreements: 2, amountWan: 320.5 },
      { field: "先进制造与自动化", needs: 1, results: 0, intents: 0, agreements: 0, amountWan: 0 },
      { field: null, needs: 0, results: 0, intents: 1, agreements: 1, amountWan: 30 },
    ],
    institutions: [
      { orgId: x.U1, name: "甲大学", results: 2, experts: 1, intents: 3, agreements: 1, amountWan: 120.5 },
      { orgId: x.I1, name: "乙研究院", results: 1, experts: 1, intents: 1, agreements: 2, amountWan: 230 },
    ],
    events: [
      { eventId: x.ev3, name: "线上征集", kind: "online", startsOn: "2018-01-01", orgs: 2, experts: 0, meetings: 0, intents: 0, projects: 0, agreements: 0, signedOnStage: 0, amountWan: 0 },
      { eventId: x.ev1, name: "第十九届科技人才洽谈会", kind: "talent_fair", startsOn: "2018-03-31", orgs: 2, experts: 1, meetings: 1, intents: 1, projects: 1, agreements: 1, signedOnStage: 0, amountWan: 200 },
      { eventId: x.ev2, name: "赴甲大学专题对接", kind: "university_visit", startsOn: "2018-04-01", orgs: 1, experts: 1, meetings: 0, intents: 1, projects: 0, agreements: 1, signedOnStage: 1, amountWan: 30 },
    ],
  };
}

const PROGRESS_2018 = [
  { indicator: "needs", builtin: true, label: null, unit: null, figure: 5, target: 200, percent: 2.5 },
  { indicator: "results", builtin: true, label: null, unit: null, figure: 3, target: 500, percent: 0.6 },
  { indicator: "events", builtin: true, label: null, unit: null, figure: 3, target: 20, percent: 15 },
  { indicator: "projects", builtin: true, label: null, unit: null, figure: 3, target: 10, percent: 30 },
  { indicator: "custom_patents", builtin: false, label: "专利申请", unit: "件", figure: null, target: 6000, percent: null },
];

type Loaded = { period: unknown; view: Awaited<ReturnType<typeof kpiView>> | null; error: string | null };

async function loadDashboard(query: string, cookie = w.organizer.cookie) {
  return run(() => dashboardLoader({ request: getRequest(`/dashboard${query}`, { cookie }), params: {}, context: {} }));
}

describe("the dashboard's loader on the fixture, 2018", () => {
  test("every figure, the monthly trend, every breakdown row and the progress against targets", async () => {
    const res = await loadDashboard("?year=2018");
    expect(res.status).toBe(200);
    const { view, error } = res.data as Loaded;
    expect(error).toBeNull();
    expect(view).toEqual({
      period: { kind: "year", year: 2018, quarter: null, from: "2018-01-01", to: "2018-12-31" },
      figures: FIGURES_2018,
      months: MONTHS_2018,
      breakdowns: breakdowns2018(w),
      progress: PROGRESS_2018,
      targetYear: 2018,
    });
  });

  test("an empty period points to the latest year with records; a period with records does not", async () => {
    const empty = await loadDashboard("?year=2030");
    expect(empty.status).toBe(200);
    expect(empty.data).toMatchObject({ latestYear: 2018 });
    expect((await loadDashboard("?year=2018")).data).toMatchObject({ latestYear: null });
  });

  test("the tables beside the charts (and in the exports) show the same numbers, formatted as the page shows them", async () => {
    const { view } = (await loadDashboard("?year=2018")).data as Loaded;
    const t = getT("zh-CN");
    const tables = kpiTables(view!, t);
    const shown = (id: string) => {
      const tb = tables.find((x) => x.id === id)!;
      return tb.rows.map((r) => tb.columns.map((c) => formatCell(r[c.key] ?? null, c.kind, "zh-CN")));
    };
    expect(shown("figures")).toEqual([
      ["技术需求", "5", "项"],
      ["发布需求企业", "3", "家"],
      ["科研成果", "3", "项"],
      ["发布成果高校院所", "2", "所"],
      ["新入库专家", "2", "人"],
      ["校企对接活动", "3", "次"],
      ["参会单位及专家", "7", "人次"],
      ["对接洽谈", "1", "场"],
      ["合作意向", "4", "项"],
      ["合作协议", "3", "项"],
      ["合作项目", "3", "个"],
      ["协议金额", "350.5", "万元"],
      ["现场集中签约", "1", "项"],
      ["校企对接活动 · 科技人才洽谈会", "1", "次"],
      ["校企对接活动 · 高校院所专题对接", "1", "次"],
      ["校企对接活动 · 对接服务上海", "0", "次"],
      ["校企对接活动 · 线上征集对接", "1", "次"],
    ]);
    expect(shown("progress")).toEqual([
      ["技术需求", "200", "5", "项", "2.5%"],
      ["科研成果", "500", "3", "项", "0.6%"],
      ["校企对接活动", "20", "3", "次", "15.0%"],
      ["合作项目", "10", "3", "个", "30.0%"],
      ["专利申请", "6000", "—", "件", "—"],
    ]);
    expect(shown("towns")).toEqual([
      ["经济开发区", "1", "2", "2", "0", "0"],
      ["如城街道", "1", "2", "1", "2", "320.5"],
      ["未填写镇区", "1", "1", "1", "1", "30"],
    ]);
    expect(shown("fields")).toEqual([
      ["电子信息", "2", "1", "2", "0", "0"],
      ["新材料", "2", "2", "1", "2", "320.5"],
      ["先进制造与自动化", "1", "0", "0", "0", "0"],
      ["未分类", "0", "0", "1", "1", "30"],
    ]);
    expect(shown("institutions")).toEqual([
      ["甲大学", "2", "1", "3", "1", "120.5"],
      ["乙研究院", "1", "1", "1", "2", "230"],
    ]);
    expect(shown("events")).toEqual([
      ["线上征集", "线上征集对接", "2018-01-01", "2", "0", "0", "0", "0", "0", "0", "0"],
      ["第十九届科技人才洽谈会", "科技人才洽谈会", "2018-03-31", "2", "1", "1", "1", "1", "1", "0", "200"],
      ["赴甲大学专题对接", "高校院所专题对接", "2018-04-01", "1", "1", "0", "1", "0", "1", "1", "30"],
    ]);
    expect(shown("months")[3]).toEqual(["2018-04", "1", "0", "1", "1", "1", "1", "120.5"]);
    expect(shown("months")).toHaveLength(12);
  });
});

describe("the report's loader and sentences on the fixture", () => {
  test("2018 in Chinese: every sentence, word for word", async () => {
    const res = await run(() => reportLoader({ request: getRequest("/reports/yearly?year=2018", { cookie: w.admin.cookie }), params: {}, context: {} }));
    expect(res.status).toBe(200);
    const { view } = res.data as Loaded;
    expect(view?.figures).toEqual(FIGURES_2018);
    expect(view?.progress).toEqual(PROGRESS_2018);
    expect(reportText(view!, getT("zh-CN"), "zh-CN")).toEqual({
      lead: "2018 年，我们坚持以企业技术需求为出发点，立足精准对接，务求实效，产学研合作各项工作有序推进。",
      collect: "通过广泛发动、细致摸排、深入对接、认真筛选，共征集 3 家企业有效技术需求 5 项，收集 2 所高校院所科研成果 3 项，新入库专家 2 人，为产学研活动开展夯实了基础。",
      events: "共组织各类校企对接活动 3 次，其中科技人才洽谈会 1 次、高校院所专题对接 1 次、线上征集对接 1 次；参会企业 3 家、高校院所 2 所、专家 1 人，开展对接洽谈 1 场。",
      eventLines: [
        "第十九届科技人才洽谈会（2018-03-31）：达成合作意向 1 项，签订合作协议 1 项，其中现场签约 0 项。",
        "赴甲大学专题对接（2018-04-01）：达成合作意向 1 项，签订合作协议 1 项，其中现场签约 1 项。",
      ],
      outcomes: "3 家企业与 2 家高校院所达成合作意向 4 项，签订合作协议 3 项，协议金额 350.5 万元，建成合作项目 3 个，其中 1 项在活动现场集中签约。",
      targets: [
        "技术需求目标 200项，完成 5项，完成率 2.5%。",
        "科研成果目标 500项，完成 3项，完成率 0.6%。",
        "校企对接活动目标 20次，完成 3次，完成率 15.0%。",
        "合作项目目标 10个，完成 3个，完成率 30.0%。",
        "专利申请目标 6000件（平台不统计，需另行核实）。",
      ],
    });
  });

  test("a quarter: Q2 2018 in the report, and in English", async () => {
    const res = await run(() => reportLoader({ request: getRequest("/reports/yearly?year=2018&quarter=2", { cookie: w.admin.cookie }), params: {}, context: {} }));
    const { view } = res.data as Loaded;
    const zh = reportText(view!, getT("zh-CN"), "zh-CN");
    expect(zh.lead).toBe("2018 年第2季度，我们坚持以企业技术需求为出发点，立足精准对接，务求实效，产学研合作各项工作有序推进。");
    expect(zh.collect).toBe("通过广泛发动、细致摸排、深入对接、认真筛选，共征集 2 家企业有效技术需求 3 项，收集 0 所高校院所科研成果 0 项，新入库专家 0 人，为产学研活动开展夯实了基础。");
    expect(zh.events).toBe("共组织各类校企对接活动 1 次，其中高校院所专题对接 1 次；参会企业 1 家、高校院所 1 所、专家 1 人，开展对接洽谈 0 场。");
    expect(zh.outcomes).toBe("2 家企业与 2 家高校院所达成合作意向 2 项，签订合作协议 2 项，协议金额 150.5 万元，建成合作项目 2 个，其中 1 项在活动现场集中签约。");
    // the quarter is judged against the year's targets
    expect(zh.targets[0]).toBe("技术需求目标 200项，完成 3项，完成率 1.5%。");
    const en = reportText(view!, getT("en"), "en");
    expect(en.outcomes).toBe("2 enterprises and 2 institutions reached 2 cooperation intents and signed 2 agreements worth 150.5 (10k CNY); 2 cooperation projects started; agreements signed on stage: 1.");
  });

  test("a period without events says so instead of listing zeros", async () => {
    const view = await kpiView({ role: "admin" }, yearPeriod(2019));
    const zh = reportText(view, getT("zh-CN"), "zh-CN");
    expect(zh.events).toBe("本期间未举办校企对接活动。");
    expect(zh.eventLines).toEqual([]);
    expect(zh.targets).toEqual(["2019 年未设定目标。"]);
  });
});

describe("period edges (Asia/Shanghai calendar days)", () => {
  const admin = { role: "admin" as const };
  test("03-31 23:59 in Shanghai is Q1, 04-01 00:30 in Shanghai (still 03-31 in UTC) is Q2", async () => {
    const q1 = await computeFigures(admin, quarterPeriod(2018, 1));
    const q2 = await computeFigures(admin, quarterPeriod(2018, 2));
    expect(q1).toMatchObject({ needs: 2, need_enterprises: 1, results: 2, result_institutions: 1, experts: 1, events: 2, participants: 5, meetings: 1, intents: 2, agreements: 1, projects: 1, agreement_amount_wan: 200, signed_on_stage: 0 });
    expect(q2).toMatchObject({ needs: 3, need_enterprises: 2, results: 0, result_institutions: 0, experts: 0, events: 1, participants: 2, meetings: 0, intents: 2, agreements: 2, projects: 2, agreement_amount_wan: 150.5, signed_on_stage: 1 });
    // the quarters of a year add up to the year
    const q3 = await computeFigures(admin, quarterPeriod(2018, 3));
    const q4 = await computeFigures(admin, quarterPeriod(2018, 4));
    for (const k of ["needs", "results", "experts", "events", "participants", "meetings", "intents", "agreements", "projects", "agreement_amount_wan"] as const) {
      expect(q1[k] + q2[k] + q3[k] + q4[k], k).toBe(FIGURES_2018[k]);
    }
  });

  test("a custom two-day period 03-31..04-01 takes both days whole", async () => {
    const f = await computeFigures(admin, { from: "2018-03-31", to: "2018-04-01" });
    expect(f).toMatchObject({ needs: 2, results: 1, events: 2, intents: 2, meetings: 1, agreements: 0, projects: 0 });
  });

  test("2017 holds only what was before 2018-01-01 00:00 in Shanghai", async () => {
    const f = await computeFigures(admin, yearPeriod(2017));
    expect(f).toMatchObject({ needs: 1, need_enterprises: 1, results: 0, events: 0, intents: 1, agreements: 1, agreement_amount_wan: 50, projects: 0 });
  });

  test("a held meeting counts on its slot's Shanghai day; an unfinished event is not held", async () => {
    await sql`insert into event (kind, name, starts_on, ends_on, status) values ('talent_fair', '未来的洽谈会', (now() at time zone 'Asia/Shanghai')::date + 30, (now() at time zone 'Asia/Shanghai')::date + 30, 'open')`;
    const year = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));
    const f = await computeFigures(admin, { from: `${year}-01-01`, to: `${year + 1}-12-31` });
    expect(f.events).toBe(0);
  });
});
