import { MantineProvider } from "@mantine/core";
import { createElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { beforeAll, describe, expect, test } from "vitest";
import { FigureCards, KpiTableView, ProgressList } from "~/components/kpi/parts";
import { kpiTables, type KpiViewData } from "~/components/kpi/tables";
import { kpiView, saveTargets } from "~/models/kpi.server";
import { createI18n, getT } from "~/utils/i18n";
import { yearPeriod } from "~/utils/kpi";
import { kpiFixture } from "./fixture";

// The dashboard's pieces rendered to HTML as the server sends them, on the fixed fixture: the
// figure cards, the progress bars' accessible names and every table cell a person reads.

let view: KpiViewData;
beforeAll(async () => {
  const w = await kpiFixture();
  await saveTargets({ id: w.admin.id, role: "admin" }, 2018, [
    { indicator: "needs", target: 200, version: null },
    { indicator: "agreement_amount_wan", target: 1000, version: null },
  ]);
  view = JSON.parse(JSON.stringify(await kpiView({ role: "admin" }, yearPeriod(2018)))) as KpiViewData;
});

function html(node: ReactNode) {
  createI18n("zh-CN");
  return renderToString(createElement(MantineProvider, null, node));
}
const text = (s: string) => s.replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").trim();
const all = (s: string, re: RegExp) => [...s.matchAll(re)].map((m) => m[1]);

function tableCells(markup: string) {
  return all(markup, /<tr[^>]*>(.*?)<\/tr>/g).map((row) => all(row, /<t[hd][^>]*>(.*?)<\/t[hd]>/g).map(text));
}

describe("rendered dashboard pieces (2018 fixture)", () => {
  test("figure cards: every indicator with its number and unit", () => {
    const out = html(createElement(FigureCards, { figures: view.figures }));
    const cards = all(out, /<dt[^>]*>(.*?)<\/dt>\s*<dd[^>]*>(.*?)<\/dd>/g);
    const pairs = [...out.matchAll(/<dt[^>]*>(.*?)<\/dt>\s*<dd[^>]*>(.*?)<\/dd>/g)].map((m) => [text(m[1]), text(m[2])]);
    expect(cards).toHaveLength(13);
    expect(pairs).toEqual([
      ["技术需求", "5项"],
      ["发布需求企业", "3家"],
      ["科研成果", "3项"],
      ["发布成果高校院所", "2所"],
      ["新入库专家", "2人"],
      ["校企对接活动", "3次"],
      ["参会单位及专家", "7人次"],
      ["对接洽谈", "1场"],
      ["合作意向", "4项"],
      ["合作协议", "3项"],
      ["合作项目", "3个"],
      ["协议金额", "350.5万元"],
      ["现场集中签约", "1项"],
    ]);
  });

  test("progress: the bars' accessible names and the visible numbers", () => {
    const out = html(createElement(ProgressList, { progress: view.progress }));
    expect(all(out, /aria-label="([^"]*)"/g)).toEqual(["技术需求：目标 200 项，完成 2.5%", "协议金额：目标 1000 万元，完成 35.1%"]);
    expect(text(out)).toContain("5 / 200 项");
    expect(text(out)).toContain("350.5 / 1000 万元");
  });

  test("every table as rendered: caption, headers and cells", () => {
    const t = getT("zh-CN");
    const tables = kpiTables(view, t);
    const rendered = Object.fromEntries(tables.map((tb) => [tb.id, html(createElement(KpiTableView, { table: tb }))]));
    expect(text(all(rendered.towns, /<caption[^>]*>(.*?)<\/caption>/g)[0])).toBe("按镇区（园区）");
    expect(tableCells(rendered.towns)).toEqual([
      ["镇区", "企业数", "技术需求", "合作意向", "合作协议", "协议金额（万元）"],
      ["经济开发区", "1", "2", "2", "0", "0"],
      ["如城街道", "1", "2", "1", "2", "320.5"],
      ["未填写镇区", "1", "1", "1", "1", "30"],
    ]);
    expect(tableCells(rendered.fields)).toEqual([
      ["技术领域", "技术需求", "科研成果", "合作意向", "合作协议", "协议金额（万元）"],
      ["电子信息", "2", "1", "2", "0", "0"],
      ["新材料", "2", "2", "1", "2", "320.5"],
      ["先进制造与自动化", "1", "0", "0", "0", "0"],
      ["未分类", "0", "0", "1", "1", "30"],
    ]);
    expect(tableCells(rendered.institutions)).toEqual([
      ["高校院所", "科研成果", "专家", "合作意向", "合作协议", "协议金额（万元）"],
      ["甲大学", "2", "1", "3", "1", "120.5"],
      ["乙研究院", "1", "1", "1", "2", "230"],
    ]);
    expect(tableCells(rendered.events)).toEqual([
      ["活动", "类型", "日期", "参会单位", "专家", "对接洽谈", "合作意向", "合作项目", "合作协议", "现场签约", "协议金额（万元）"],
      ["线上征集", "线上征集对接", "2018-01-01", "2", "0", "0", "0", "0", "0", "0", "0"],
      ["第十九届科技人才洽谈会", "科技人才洽谈会", "2018-03-31", "2", "1", "1", "1", "1", "1", "0", "200"],
      ["赴甲大学专题对接", "高校院所专题对接", "2018-04-01", "1", "1", "0", "1", "0", "1", "1", "30"],
    ]);
    expect(tableCells(rendered.progress)).toEqual([
      ["指标", "目标", "完成数", "单位", "完成率"],
      ["技术需求", "200", "5", "项", "2.5%"],
      ["协议金额", "1000", "350.5", "万元", "35.1%"],
    ]);
    const months = tableCells(rendered.months);
    expect(months[0]).toEqual(["月份", "技术需求", "科研成果", "对接活动", "合作意向", "合作协议", "合作项目", "协议金额（万元）"]);
    expect(months.slice(1)).toEqual([
      ["2018-01", "1", "0", "1", "0", "1", "1", "200"],
      ["2018-02", "0", "1", "0", "1", "0", "0", "0"],
      ["2018-03", "1", "1", "1", "1", "0", "0", "0"],
      ["2018-04", "1", "0", "1", "1", "1", "1", "120.5"],
      ["2018-05", "1", "0", "0", "0", "0", "0", "0"],
      ["2018-06", "1", "0", "0", "1", "1", "1", "30"],
      ["2018-07", "0", "1", "0", "0", "0", "0", "0"],
      ...["08", "09", "10", "11", "12"].map((m) => [`2018-${m}`, "0", "0", "0", "0", "0", "0", "0"]),
    ]);
    // the figures table (exported, and printed in the report) repeats the cards plus events by kind
    expect(tableCells(rendered.figures).slice(-4)).toEqual([
      ["校企对接活动 · 科技人才洽谈会", "1", "次"],
      ["校企对接活动 · 高校院所专题对接", "1", "次"],
      ["校企对接活动 · 对接服务上海", "0", "次"],
      ["校企对接活动 · 线上征集对接", "1", "次"],
    ]);
  });

  test("an empty period renders a table that says so, not a blank one", async () => {
    const empty = JSON.parse(JSON.stringify(await kpiView({ role: "admin" }, yearPeriod(2030)))) as KpiViewData;
    const tb = kpiTables(empty, getT("zh-CN")).find((x) => x.id === "towns")!;
    expect(tableCells(html(createElement(KpiTableView, { table: tb }))).at(-1)).toEqual(["该期间没有记录。"]);
  });
});
