import { sql } from "../../db/client.server";
import { forbidden, type Actor } from "./audit.server";
import { QUALITY_CHECKS, type QualityCheck } from "~/utils/need-quality";
import { invalid, notFound, transition } from "./catalog.server";

// Need-quality triage. Industry reviewers ask four things of a technology need before they
// look for a partner; a need that lacks one usually goes nowhere. The checks below are explicit,
// documented heuristics on Chinese text (docs/decisions/070-need-quality.md), tested on the demo
// needs and on crafted input (tests/admin/need-quality.test.ts). They flag, they never block: the
// organizer reads the need and decides whether to send it back (the existing 退回修改 workflow,
// catalog.server.ts transition) with the missing items named in the comment.

export { isQualityCheck, QUALITY_CHECKS, type QualityCheck } from "~/utils/need-quality";

export type NeedText = { title: string; description: string; budgetWan: number | null; deadline: string | null };

/** Full-width digits, letters and punctuation as their ASCII forms (％ → %, ２０ → 20, ℃ → °C). */
function normalize(text: string) {
  return text.normalize("NFKC");
}

// 1. Benefit over the current solution: the need says what it improves on — a comparison
// (相比/优于/替代 …) or an improvement verb with a direction (提高/降低/缩短/节约 …), or names
// the shortcoming it wants gone (依赖进口, 效率低, 成本高 …).
// Or it describes the current solution (现有/目前/传统/人工 …) together with what is wrong with it
// (只能/无法/偏高/依赖/报废 …): the benefit is then implied and a reviewer can judge it.
const CURRENT = /(现有|现用|现行|现产品|现工艺|目前|当前|现阶段|现状|传统|原有|原来|以往|人工|手工|进口|国外)/;
const SHORTCOMING = /(不足|只能|无法|不能|不够|偏高|偏低|偏大|偏小|过高|过低|过大|过长|较高|较低|较大|较长|太高|太低|难以|缺乏|依赖|报废|超标|不稳定|反映|瓶颈|短板|受制|垄断|卡脖子|浪费|滞后|达不到|不达标|频繁|困难|不理想|失效|开裂|变形|渗漏|下降|增大|不良|返修|投诉|拖延|缺少|超过|贵)/;
const BENEFIT =
  /(相比|相较|对比|比现有|较现有|较传统|较目前|优于|好于|超过现有|低于|高于|不高于|不低于|替代|取代|代替|国产化|进口替代|提高|提升|增加|增强|降低|降到|降至|减少|减小|减重|缩短|延长|加快|节约|节省|减轻|改善|改进|改良|改用|换用|升级|优化|突破|克服|解决.{0,12}(问题|难题|瓶颈|不足)|依赖进口|效率低|成本高|能耗高|污染大|良率低|寿命短|不稳定)/;

// 2. Target figures: a number with a unit or a relation, not a year or a date. Checked after NFKC,
// so ２０％ and ≥ count. Chinese numerals with 倍 / 百分之 count too.
// Units are case-sensitive (5G is a network, not five grams) and must not run on into a word.
// Days, weeks, months and money are left out: they are deadlines and budgets (checks 3 and 4).
const UNIT =
  "(%|‰|倍|°C|℃|度|小时|分钟|秒|mm|cm|km|nm|μm|um|m|微米|纳米|毫米|厘米|米|公里|kg|g|t|吨|公斤|千克|克|毫克|mg|kW|MW|GW|W|瓦|千瓦|kV|V|伏|mA|A|安|Hz|kHz|MHz|GHz|kWh|Wh|mAh|Ah|MPa|GPa|kPa|Pa|帕|kN|N|牛|rpm|转|次|件|台|套|只|片|层|位|级|dB|分贝|ppm|ppb|L|升|ml|毫升|m3|m2|平方米|立方米|GB|TB|MB|Mbps|Gbps|fps|帧|lux|mol|目|线|通道|人|户|项|种)";
const FIGURE = new RegExp(`(?<![\\d.])(\\d+(?:\\.\\d+)?)\\s*(?:万|亿|千|百)?\\s*${UNIT}(?![A-Za-z])`);
const RELATION = /[≥≤><±]\s*\d|\d\s*[~～-]\s*\d+\s*\S|(不低于|不少于|不超过|不高于|达到|小于|大于|低于|高于|以上|以内)\s*\d/;
const CHINESE_FIGURE = /(百分之[零一二两三四五六七八九十百]+|[一二两三四五六七八九十百]+倍)/;

function hasTargetFigure(text: string): boolean {
  return CHINESE_FIGURE.test(text) || FIGURE.test(text) || RELATION.test(text);
}

// 3. Budget: the budget field (万元), or an amount in the text (预算 50 万元, 投入 200 万).
const BUDGET_TEXT = /(预算|经费|投入|资金|费用|报价|金额)[^。；;\n]{0,12}\d+(?:\.\d+)?\s*(万元|万|亿元|亿|元)|\d+(?:\.\d+)?\s*(万元|亿元)/;

// 4. Deadline: the deadline field, or a time limit in the text (2019年6月前, 12个月内, 年底前).
const DEADLINE_TEXT =
  /((19|20)\d\d\s*年\s*\d{1,2}\s*月|(19|20)\d\d\s*年(底|内|前|年底)|\d+\s*(个)?月内|\d+\s*年内|\d+\s*(天|周)内|年底前|年内|月底前|季度内|上半年|下半年)/;

/** Which of the four things a need lacks (in QUALITY_CHECKS order; empty = nothing to ask). */
export function checkNeedQuality(need: NeedText): QualityCheck[] {
  const text = normalize(`${need.title}\n${need.description}`);
  const missing: QualityCheck[] = [];
  if (!BENEFIT.test(text) && !(CURRENT.test(text) && SHORTCOMING.test(text))) missing.push("benefit");
  if (!hasTargetFigure(text)) missing.push("targets");
  if (need.budgetWan === null && !BUDGET_TEXT.test(text)) missing.push("budget");
  if (need.deadline === null && !DEADLINE_TEXT.test(text)) missing.push("deadline");
  return missing;
}

// ---------------------------------------------------------------- the organizer's queue

export type QualityItem = {
  id: number;
  ref: string | null;
  title: string;
  orgId: number;
  orgName: string;
  status: "pending_review" | "published";
  version: number;
  submittedAt: Date | null;
  missing: QualityCheck[];
};

/**
 * Needs under review or published that lack at least one item (or the given one), those under
 * review first, then oldest first. Staff only (403).
 */
export async function listQualityQueue(
  actor: Actor | null,
  filter: { check?: QualityCheck | null; status?: "pending_review" | "published" | null } = {},
): Promise<{ items: QualityItem[]; checked: number; counts: Record<QualityCheck, number> }> {
  if (!actor || (actor.role !== "admin" && actor.role !== "organizer")) forbidden();
  const statuses = filter.status ? [filter.status] : ["pending_review", "published"];
  const rows = await sql<{ id: number; ref: string | null; title: string; description: string; budget_wan: number | null; deadline: string | null; org_id: number; org_name: string; status: string; version: number; submitted_at: Date | null }[]>`
    select n.id, n.ref, n.title, n.description, n.budget_wan::float8 as budget_wan, to_char(n.deadline, 'YYYY-MM-DD') as deadline,
      n.org_id, coalesce(o.short_name, o.name) as org_name, n.status, n.version, n.submitted_at
    from need n join organization o on o.id = n.org_id
    where n.status = any(${statuses}::text[])
    order by (n.status = 'pending_review') desc, n.submitted_at asc nulls last, n.id`;
  const counts: Record<QualityCheck, number> = { benefit: 0, targets: 0, budget: 0, deadline: 0 };
  const items: QualityItem[] = [];
  for (const r of rows) {
    const missing = checkNeedQuality({ title: r.title, description: r.description, budgetWan: r.budget_wan, deadline: r.deadline });
    for (const m of missing) counts[m] += 1;
    if (missing.length === 0 || (filter.check && !missing.includes(filter.check))) continue;
    items.push({
      id: r.id,
      ref: r.ref,
      title: r.title,
      orgId: r.org_id,
      orgName: r.org_name,
      status: r.status === "published" ? "published" : "pending_review",
      version: r.version,
      submittedAt: r.submitted_at,
      missing,
    });
  }
  return { items, checked: rows.length, counts };
}

/** The comment that names the missing items, in the enterprise's language (zh-CN first). */
export function qualityComment(missing: readonly QualityCheck[], note: string, labels: Record<QualityCheck, string>, lead: string): string {
  const list = missing.map((m) => `· ${labels[m]}`).join("\n");
  return [lead, list, note.trim()].filter((s) => s !== "").join("\n");
}

/**
 * Sends a need back to its enterprise (退回修改, through the shared workflow: staff only, from
 * the version the organizer saw) with a comment naming what is missing. At least one item or a
 * note is required (400). The enterprise sees the comment on its need page and in /my, and the
 * page re-runs the checks so they tick off as the need is edited.
 */
export async function sendBackForQuality(
  actor: Actor | null,
  input: { id: number; version: number; missing: QualityCheck[]; note: string; labels: Record<QualityCheck, string>; lead: string },
) {
  if (!actor || (actor.role !== "admin" && actor.role !== "organizer")) forbidden();
  const missing = QUALITY_CHECKS.filter((c) => input.missing.includes(c));
  if (missing.length === 0 && input.note.trim() === "") invalid("admin.quality.errors.nothing", "missing");
  const [exists] = await sql<{ id: number }[]>`select id from need where id = ${input.id}`;
  if (!exists) notFound();
  const comment = qualityComment(missing, input.note, input.labels, missing.length ? input.lead : "");
  return transition(actor, "need", { id: input.id, version: input.version, action: "sendBack", comment });
}
