// Request-text classification on the generated demo history: two years of requests (89 leaf categories,
// seasonal, with vague texts, second problems, typos and ~6 % operator slips), a time-based split (the last two
// months are held out, as a model trained on the past is used on the future), then accuracy and macro-F1 of
// the final model (logistic regression + complement-NB mix) and of the logistic regression alone, training
// time, prediction latency p50/p99 (one text at a time, features included) and the model file size.
// Reference: the majority-class baseline in the same run. No external reference: real-data figures come from
// `cbrain classify eval` on labelled public data.
import { generateRequestHistory } from '../src/domains/demo/request-history.ts';
import {
  classifyText,
  evaluateTextClassifier,
  parseClassifier,
  serializeClassifier,
  trainTextClassifier,
} from '../src/lib/classify/index.ts';

const AREAS = ['幸福', '和平', '桃源', '青莲', '春晖', '明珠', '锦绣', '文澜'].map((name, i) => ({
  street: ['东湖街道', '西岭街道', '南山街道'][i % 3]!,
  community: `${name}社区`,
}));

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  const perDay = opts.size === 'large' ? 60 : 20;
  const start = new Date('2024-01-01T00:00:00Z');
  const rows = generateRequestHistory({ seed: 2024, start, days: 731, perDay, areas: AREAS });
  const cut = Date.UTC(2025, 10, 1); // last two months: Nov and Dec 2025
  const train = rows
    .filter((r) => r.receivedAt.getTime() < cut)
    .map((r) => ({ text: r.text, label: r.categoryCode }));
  const test = rows
    .filter((r) => r.receivedAt.getTime() >= cut)
    .map((r) => ({ text: r.text, label: r.categoryCode }));
  const meanChars = rows.reduce((s, r) => s + r.text.length, 0) / rows.length;
  console.log(
    `data: ${rows.length} generated requests (${train.length} train to 2025-10-31, ${test.length} test Nov–Dec 2025), ` +
      `${new Set(train.map((t) => t.label)).size} labels, mean ${meanChars.toFixed(0)} characters`,
  );

  const counts = new Map<string, number>();
  for (const t of train) counts.set(t.label, (counts.get(t.label) ?? 0) + 1);
  const majority = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const majorityAccuracy = test.filter((t) => t.label === majority).length / test.length;

  let t0 = performance.now();
  const model = trainTextClassifier(train, { seed: 1 });
  const trainSeconds = (performance.now() - t0) / 1000;
  const json = serializeClassifier(model);
  const loaded = parseClassifier(json);

  const full = evaluateTextClassifier(loaded, test);
  const lrOnly = evaluateTextClassifier({ ...loaded, nbMix: 0 }, test);
  const latencies: number[] = [];
  for (const t of test.slice(0, 2000)) {
    t0 = performance.now();
    classifyText(loaded, t.text, 3);
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  const worst = full.perClass
    .filter((c) => c.support >= 10)
    .sort((a, b) => a.f1 - b.f1)
    .slice(0, 3)
    .map((c) => `${c.label} ${c.f1.toFixed(2)}`);

  console.log(
    `training: ${trainSeconds.toFixed(1)} s, ${model.training.epochs} epochs, ${model.training.featureRows} feature rows, ` +
      `complement-NB mix ${model.nbMix}, validation macro-F1 ${model.training.validationMacroF1?.toFixed(3)}`,
  );
  console.log(
    `held-out (time split): accuracy ${full.accuracy.toFixed(3)}, macro-F1 ${full.macroF1.toFixed(3)}; ` +
      `logistic regression alone: accuracy ${lrOnly.accuracy.toFixed(3)}, macro-F1 ${lrOnly.macroF1.toFixed(3)}; ` +
      `majority-class baseline accuracy ${majorityAccuracy.toFixed(3)}`,
  );
  console.log(`weakest classes (F1): ${worst.join(', ')}`);
  console.log(
    `prediction latency (one text, features included): p50 ${quantile(latencies, 0.5).toFixed(2)} ms, ` +
      `p99 ${quantile(latencies, 0.99).toFixed(2)} ms; model file ${(Buffer.byteLength(json) / 1e6).toFixed(2)} MB`,
  );
}
