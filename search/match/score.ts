/**
 * From features to a suggestion: the score (0–1), its label and the reasons in plain language,
 * in Chinese and English. The weights are in ./weights.ts; the reasoning behind them in
 * docs/decisions/020-matching.md.
 */
import { cooperationFit, relevance, sharedWords, type Features, type MatchDoc, type Profile } from "./features";
import { THRESHOLDS, WEIGHTS } from "./weights";

export type Label = "strong" | "possible" | "weak";
export type DismissReason = "not_relevant" | "too_early" | "too_expensive" | "already_in_contact";

/** What PostgreSQL knows about the pair beyond the two texts. */
export type PairContext = {
  /** intents between the two organizations about anything but this need (agreements among them) */
  pastCooperation?: { intents: number; agreements: number };
  /** an intent already links this need and this result or expert (its stage) */
  intentStage?: string | null;
  /** this pair was accepted by the need's organization */
  accepted?: boolean;
  /** the need's organization dismissed a similar suggestion, for this reason */
  similarDismissed?: DismissReason | null;
  /** other organizations that dismissed this result as not relevant (for their needs) */
  dismissedByOthers?: number;
};

export type Reason = { code: string; params: Record<string, unknown>; text_zh: string; text_en: string };

export type Scored = {
  score: number;
  label: Label | null;
  reasons: Reason[];
  features: Features;
  /** words both texts use (only when explained) */
  words: string[];
};

const MATURITY_ORDER = ["实验室", "小试", "中试", "产业化"] as const;
export const MATURITY_EN: Record<string, string> = { 实验室: "lab", 小试: "bench scale", 中试: "pilot scale", 产业化: "in production" };

export function labelOf(score: number): Label | null {
  if (score >= THRESHOLDS.strong) return "strong";
  if (score >= THRESHOLDS.possible) return "possible";
  if (score >= THRESHOLDS.weak) return "weak";
  return null;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const listZh = (xs: readonly string[]) => xs.join("、");
const listEn = (xs: readonly string[]) => xs.join(", ");

/**
 * Scores `other` (a result or an expert) for `need`. Relevance decides; the fit multipliers
 * (cooperation mode, maturity, price, past cooperation, feedback) only reorder near-equals.
 */
export function scorePair(need: Profile, other: Profile, ctx: PairContext = {}, opts: { explainWords?: boolean } = {}): Scored {
  const f = relevance(need, other);
  const words = opts.explainWords === false ? [] : sharedWords(need, other);
  const reasons: Reason[] = [];
  let score = f.relevance;

  // ---- what they share ----
  const problems = f.shared.filter((s) => s.kind === "problem");
  const objects = f.shared.filter((s) => s.kind === "object");
  if (problems.length) {
    const pairs = problems.slice(0, 3);
    reasons.push({
      code: "shared_concepts",
      params: { concepts: pairs.map((s) => ({ id: s.id, zh: s.zh, en: s.en, need_terms: s.needTerms, other_terms: s.otherTerms })) },
      text_zh: `共同关注：${pairs.map((s) => `${s.zh}（${listZh(s.needTerms.slice(0, 2))} ↔ ${listZh(s.otherTerms.slice(0, 2))}）`).join("；")}`,
      text_en: `Same problem: ${pairs.map((s) => `${s.en} (${listEn(s.needTerms.slice(0, 2))} ↔ ${listEn(s.otherTerms.slice(0, 2))})`).join("; ")}`,
    });
  }
  if (objects.length) {
    const o = objects.slice(0, 2);
    reasons.push(
      problems.length
        ? {
            code: "shared_object",
            params: { objects: o.map((s) => ({ id: s.id, zh: s.zh, en: s.en })) },
            text_zh: `同一对象：${listZh(o.map((s) => s.zh))}`,
            text_en: `Same product or material: ${listEn(o.map((s) => s.en))}`,
          }
        : {
            // the classic near-miss: same product, a different problem
            code: "object_only",
            params: { objects: o.map((s) => ({ id: s.id, zh: s.zh, en: s.en })) },
            text_zh: `仅对象相同（${listZh(o.map((s) => s.zh))}），要解决的问题未必相同`,
            text_en: `Only the product or material is the same (${listEn(o.map((s) => s.en))}); the problem may differ`,
          },
    );
  }
  if (f.objectConflict) {
    const c = f.objectConflict;
    reasons.push({
      code: "different_object",
      params: { need: c.need, other: c.other },
      text_zh: `对象不同（需求：${listZh(c.need)}；对方：${listZh(c.other)}）`,
      text_en: `Different product or material (need: ${listEn(c.need)}; other: ${listEn(c.other)})`,
    });
  }
  if (words.length) {
    const w = words.slice(0, 5);
    reasons.push({ code: "shared_terms", params: { terms: w }, text_zh: `共同用词：${listZh(w)}`, text_en: `Shared terms: ${listEn(w)}` });
  }

  // ---- field ----
  const fd = f.field;
  if (fd.kind === "same") {
    const field = fd.need.find((x) => fd.other.includes(x)) ?? "";
    reasons.push({ code: "same_field", params: { field }, text_zh: `同属${field}领域`, text_en: `Same technology field (${field})` });
  } else if (fd.kind === "inferred") {
    reasons.push({
      code: "field_from_text",
      params: { labelled: fd.need[0] ?? null, inferred: fd.inferred },
      text_zh: `需求标注为${fd.need[0] ?? "—"}，但内容属于${fd.inferred}领域，与之相同`,
      text_en: `The need is labelled ${fd.need[0] ?? "—"} but its text is about ${fd.inferred}, the same field`,
    });
  } else if (fd.kind === "neighbour") {
    reasons.push({
      code: "neighbour_field",
      params: { need: fd.need, other: fd.other },
      text_zh: `相邻领域：${listZh(fd.need)} — ${listZh(fd.other)}`,
      text_en: `Neighbouring fields: ${listEn(fd.need)} — ${listEn(fd.other)}`,
    });
  }

  // ---- fit (results only: experts have no modes, maturity or price) ----
  const n = need.doc;
  const o = other.doc;
  if (o.type === "result") {
    const coop = cooperationFit(n, o);
    if (coop.common.length) {
      reasons.push({ code: "cooperation_fit", params: { modes: coop.common }, text_zh: `合作方式一致：${listZh(coop.common)}`, text_en: `Cooperation mode fits: ${listEn(coop.common)}` });
    } else if (coop.mismatch) {
      score *= WEIGHTS.coopMismatch;
      reasons.push({
        code: "cooperation_mismatch",
        params: { need: n.cooperation ?? [], other: o.cooperation ?? [] },
        text_zh: `合作方式不一致（需求：${listZh(n.cooperation ?? [])}；成果：${listZh(o.cooperation ?? [])}）`,
        text_en: `Cooperation modes differ (need: ${listEn(n.cooperation ?? [])}; result: ${listEn(o.cooperation ?? [])})`,
      });
    }
    const m = o.maturity ?? null;
    const level = m ? MATURITY_ORDER.indexOf(m as (typeof MATURITY_ORDER)[number]) : -1;
    if (level >= 2) {
      reasons.push({
        code: "maturity_fit",
        params: { maturity: m },
        text_zh: `成熟度${m}，可用于解决生产问题`,
        text_en: `Maturity: ${MATURITY_EN[m ?? ""] ?? m}, ready for a production problem`,
      });
    } else if (level >= 0) {
      score *= level === 0 ? WEIGHTS.maturityLab : WEIGHTS.maturitySmallScale;
      reasons.push({
        code: "maturity_early",
        params: { maturity: m },
        text_zh: `成熟度仅为${m}，距离生产应用尚需时间`,
        text_en: `Maturity only ${MATURITY_EN[m ?? ""] ?? m}: further from production`,
      });
    }
    const price = o.price_wan ?? null;
    const budget = n.budget_wan ?? null;
    if (price !== null && budget !== null) {
      if (price <= budget) {
        reasons.push({
          code: "price_within_budget",
          params: { price, budget },
          text_zh: `报价${fmt(price)}万元，在预算${fmt(budget)}万元以内`,
          text_en: `Asking price ${fmt(price)} (10k CNY) within the budget of ${fmt(budget)}`,
        });
      } else {
        if (price > budget * WEIGHTS.priceTolerance) score *= WEIGHTS.overBudget;
        reasons.push({
          code: "price_over_budget",
          params: { price, budget },
          text_zh: `报价${fmt(price)}万元，高于预算${fmt(budget)}万元`,
          text_en: `Asking price ${fmt(price)} (10k CNY) above the budget of ${fmt(budget)}`,
        });
      }
    }
  }

  // ---- the two organizations, and feedback ----
  const past = ctx.pastCooperation;
  if (past && past.intents > 0) {
    score *= WEIGHTS.pastCooperation;
    reasons.push({
      code: "past_cooperation",
      params: { intents: past.intents, agreements: past.agreements },
      text_zh: `双方曾有${past.intents}项合作意向${past.agreements ? `（已签约${past.agreements}项）` : ""}`,
      text_en: `The two organizations have ${past.intents} earlier cooperation intent(s)${past.agreements ? ` (${past.agreements} signed)` : ""}`,
    });
  }
  if (ctx.intentStage) {
    // Shown, never scored: an intent about this very pair is the outcome, not evidence of fit.
    reasons.push({
      code: "in_intent",
      params: { stage: ctx.intentStage },
      text_zh: "双方已就此建立合作意向",
      text_en: "An intent about this pair already exists",
    });
  }
  if (ctx.accepted) {
    reasons.push({ code: "accepted", params: {}, text_zh: "已被需求方接受", text_en: "Accepted by the need's organization" });
  }
  if (ctx.similarDismissed) {
    score *= WEIGHTS.dismissedSimilar;
    const why = DISMISS_TEXT[ctx.similarDismissed];
    reasons.push({
      code: "similar_dismissed",
      params: { reason: ctx.similarDismissed },
      text_zh: `与已忽略的建议相似（原因：${why.zh}）`,
      text_en: `Similar to a dismissed suggestion (reason: ${why.en})`,
    });
  }
  if ((ctx.dismissedByOthers ?? 0) >= WEIGHTS.dismissedByOthersMin) {
    score *= WEIGHTS.dismissedByOthers;
    reasons.push({
      code: "dismissed_by_others",
      params: { organizations: ctx.dismissedByOthers },
      text_zh: `已被${ctx.dismissedByOthers}家其他单位认为不相关`,
      text_en: `Dismissed as not relevant by ${ctx.dismissedByOthers} other organizations`,
    });
  }
  if (o.type === "expert" && (o.honors?.length ?? 0) > 0) {
    reasons.push({ code: "expert_honors", params: { honors: o.honors }, text_zh: `专家荣誉：${listZh(o.honors ?? [])}`, text_en: `Honours: ${listEn(o.honors ?? [])}` });
  }

  score = Math.max(0, Math.min(1, score));
  return { score, label: labelOf(score), reasons, features: f, words };
}

export const DISMISS_TEXT: Record<DismissReason, { zh: string; en: string }> = {
  not_relevant: { zh: "不相关", en: "not relevant" },
  too_early: { zh: "太早期", en: "too early" },
  too_expensive: { zh: "太贵", en: "too expensive" },
  already_in_contact: { zh: "已在联系", en: "already in contact" },
};

/** Why the list is empty or has only weak items, in plain language. */
export function noneReason(best: Scored | undefined, candidates: number): Reason {
  if (candidates === 0) {
    return {
      code: "no_candidates",
      params: {},
      text_zh: "目前没有与此相关的已发布记录。建议请专家诊断或组织高校走访。",
      text_en: "No published record relates to this yet. Consider an expert diagnosis or a university visit.",
    };
  }
  const near = best?.features.shared.some((s) => s.kind === "object") && !best.features.shared.some((s) => s.kind === "problem");
  return near
    ? {
        code: "only_near_misses",
        params: { best_score: best ? Number(best.score.toFixed(3)) : null },
        text_zh: "没有合适的匹配：相近的记录只是对象相同，解决的问题不同。建议请专家诊断或组织高校走访。",
        text_en: "Nothing fits well: the closest records share the product, not the problem. Consider an expert diagnosis or a university visit.",
      }
    : {
        code: "nothing_fits",
        params: { best_score: best ? Number(best.score.toFixed(3)) : null },
        text_zh: "没有合适的匹配。建议请专家诊断或组织高校走访。",
        text_en: "Nothing fits well. Consider an expert diagnosis or a university visit.",
      };
}

/** Attach a similarity check for dismissal reasons: is `candidate` like the dismissed `other`? */
export function resemblesDismissed(reason: DismissReason, dismissed: MatchDoc, candidate: MatchDoc, sharedWithNeed: (d: MatchDoc) => string[]): boolean {
  switch (reason) {
    case "already_in_contact":
      return dismissed.org_id === candidate.org_id;
    case "too_expensive":
      return dismissed.price_wan != null && candidate.price_wan != null && candidate.price_wan >= dismissed.price_wan;
    case "too_early": {
      const a = MATURITY_ORDER.indexOf((dismissed.maturity ?? "") as (typeof MATURITY_ORDER)[number]);
      const b = MATURITY_ORDER.indexOf((candidate.maturity ?? "") as (typeof MATURITY_ORDER)[number]);
      return a >= 0 && b >= 0 && b <= a;
    }
    case "not_relevant": {
      // matched on the same grounds: the concepts it shares with the need are the dismissed one's
      const a = sharedWithNeed(dismissed);
      const b = sharedWithNeed(candidate);
      return a.length > 0 && b.length > 0 && b.every((x) => a.includes(x));
    }
  }
}
