/**
 * `npm run bench:match-quality`: how well the matcher ranks results for the labelled demo needs
 * (search/match/eval/labels.json), side by side with the baseline — the need's title and
 * description sent as one plain Meilisearch query to the same index. nDCG@10, Recall@10 and MRR
 * on the needs that have a good match, on the development half (where weights and thresholds
 * were tuned), the test half (reported, never tuned on) and both; plus how often a need with no
 * good match is told "nothing fits well". Ends with one JSON line.
 *
 *   npm run bench:match-quality                 scratch database + private Meilisearch, demo data
 *   npm run bench:match-quality -- --verbose    one line per need
 *   npm run bench:match-quality -- --reuse      use DATABASE_URL / MEILI_URL as they are (demo loaded)
 */
import { parseArgs } from "node:util";
import { scratchEnvironment } from "../search/match/eval/scratch.server";

const { values } = parseArgs({
  options: { verbose: { type: "boolean", default: false }, reuse: { type: "boolean", default: false } },
  strict: true,
});
process.env.QIAO_LOG ??= "silent";

const log = (line: string) => process.stderr.write(`${line}\n`);
const env = await scratchEnvironment({ reuse: values.reuse, log });
try {
  const { sql } = await import("../db/client.server");
  const { seedDemo } = await import("../db/seed.server");
  const { reindex } = await import("../search/reindex.server");
  const { answerKeyCheck, loadLabels, report, runNeeds, sweepVerdict } = await import("../search/match/eval/run.server");
  const { THRESHOLDS } = await import("../search/match/weights");
  if (!values.reuse) {
    log("• loading the demo data and indexing it…");
    await seedDemo(sql);
    await reindex();
  }
  const labels = loadLabels();
  const started = performance.now();
  const runs = await runNeeds(labels, (r) => {
    if (!values.verbose) return;
    const fit = [...r.judged].filter(([, g]) => g >= 2).map(([id]) => id);
    const rank = (list: string[]) => fit.map((f) => list.indexOf(f) + 1 || "–").join(",");
    log(
      `${r.split} ${r.need} ${r.hasGoodMatch ? "fit " : "none"} said=${r.saidHasMatch ? "match" : "none "} ` +
        `matcher top3 ${r.shown.slice(0, 3).join(",") || "—"} (fit at ${rank(r.shown) || "—"}; best ${r.scored[0]?.score.toFixed(3) ?? "—"}) ` +
        `baseline fit at ${rank(r.baseline) || "—"}  ${r.ms.toFixed(0)} ms`,
    );
  });
  const seconds = (performance.now() - started) / 1000;
  const min = labels.good_match_min_grade;
  const reports = (["dev", "test", "all"] as const).map((s) => report(runs, s, min));

  const f = (x: number | null) => (x === null ? "  —  " : x.toFixed(3));
  console.log(`\nMatching quality on ${labels.needs.length} labelled demo needs (${runs.filter((r) => r.hasGoodMatch).length} with a good match)`);
  console.log(`thresholds: strong ≥ ${THRESHOLDS.strong}, possible ≥ ${THRESHOLDS.possible}, weak ≥ ${THRESHOLDS.weak}\n`);
  console.log("half   needs  | nDCG@10  matcher baseline  Δ     | Recall@10 matcher baseline | MRR matcher baseline | no-good-match told so  | verdict accuracy");
  for (const r of reports) {
    const d = r.matcher.ndcg10 !== null && r.baseline.ndcg10 !== null ? r.matcher.ndcg10 - r.baseline.ndcg10 : null;
    const none = runs.filter((x) => (r.split === "all" || x.split === r.split) && !x.hasGoodMatch);
    console.log(
      `${r.split.padEnd(5)}  ${String(r.matcher.needs).padStart(5)}  |         ${f(r.matcher.ndcg10)}   ${f(r.baseline.ndcg10)}  ${d === null ? "—" : `${d >= 0 ? "+" : ""}${d.toFixed(3)}`} |           ${f(r.matcher.recall10)}   ${f(r.baseline.recall10)} |     ${f(r.matcher.mrr)}   ${f(r.baseline.mrr)} | ` +
        `${f(r.verdict.noneRecall)} (${none.filter((x) => !x.saidHasMatch).length}/${none.length})      | ${f(r.verdict.accuracy)} (matches found ${f(r.verdict.matchRecall)})`,
    );
  }
  const anyRel = reports.map((r) => `${r.split} ${f(r.matcher.ndcg10AnyRelevant)} vs ${f(r.baseline.ndcg10AnyRelevant)}`).join("; ");
  console.log(`\nnDCG@10 over every need with any relevant label (incl. partial matches of needs without a fit): ${anyRel}`);
  const sweep = sweepVerdict(runs, "dev");
  const bestDev = sweep.rows.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  console.log(`dev-half verdict sweep: best threshold ${bestDev.threshold} (accuracy ${bestDev.accuracy.toFixed(3)}); in use ${sweep.current}`);
  // Ablation: the demo's intents pair most needs with their intended fits, so "past cooperation"
  // between the two organizations could flatter the matcher. The same run without any history:
  const plain = await runNeeds(labels, undefined, { history: false });
  const plainReports = (["dev", "test", "all"] as const).map((s) => report(plain, s, min));
  console.log(
    `without the organizations' history (past cooperation, feedback): ` +
      plainReports.map((r) => `${r.split} nDCG@10 ${f(r.matcher.ndcg10)}, verdict ${f(r.verdict.accuracy)}`).join("; "),
  );
  const key = await answerKeyCheck(labels);
  console.log(
    `answer key only, the ${key.needs} needs with an intended fit outside the labelled set: intended fit first ${f(key.top1)}, ` +
      `in top 3 ${f(key.top3)}, in top 10 ${f(key.top10)}, MRR ${f(key.mrr)}; told "something fits" ${f(key.saidMatch)}`,
  );
  const times = runs.map((r) => r.ms).sort((a, b) => a - b);
  console.log(`matcher time per need (demo size, incl. first-call warm-up): p50 ${times[Math.floor(times.length / 2)].toFixed(0)} ms; total ${seconds.toFixed(1)} s`);

  const pick = (r: (typeof reports)[number]) => ({
    needs: r.matcher.needs,
    ndcg10: r.matcher.ndcg10,
    baseline_ndcg10: r.baseline.ndcg10,
    recall10: r.matcher.recall10,
    baseline_recall10: r.baseline.recall10,
    mrr: r.matcher.mrr,
    baseline_mrr: r.baseline.mrr,
    no_good_match_told: r.verdict.noneRecall,
    verdict_accuracy: r.verdict.accuracy,
  });
  console.log(
    JSON.stringify({
      bench: "match-quality",
      labelled_needs: labels.needs.length,
      thresholds: THRESHOLDS,
      dev: pick(reports[0]),
      test: pick(reports[1]),
      all: pick(reports[2]),
      answer_key_outside_labels: key,
      without_history: { dev: pick(plainReports[0]), test: pick(plainReports[1]), all: pick(plainReports[2]) },
    }),
  );
} finally {
  await env.close();
}
