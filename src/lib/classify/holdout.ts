// Training with a held-out test: the examples come in time order, the latest share is held out (as a new model
// meets requests newer than everything it learnt from), the model learns from the rest, and the held-out figures
// say how it will do. The report keeps what an operator can act on: the weakest classes and the most frequent
// confusions. Pure; runs in a worker thread in the server and directly in tests.
import {
  classifyText,
  type LabelledText,
  type TextClassifier,
  type TrainOptions,
  trainTextClassifier,
} from './classifier.ts';
import { classificationReport } from './metrics.ts';

export interface HoldoutReport {
  trainExamples: number;
  heldOut: number;
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  /** The classes with the lowest held-out F1 (with at least 2 held-out examples). */
  weakest: Array<{ label: string; f1: number; precision: number; recall: number; support: number }>;
  /** The most frequent (true label → predicted label) mistakes. */
  confusions: Array<{ actual: string; predicted: string; count: number }>;
}

export interface HoldoutOptions {
  /** Share of the latest examples held out (default 0.15). */
  holdoutFraction?: number;
  train?: TrainOptions;
  weakest?: number;
  confusions?: number;
}

const round = (v: number) => Number(v.toFixed(4));

/** Trains on the earlier examples and evaluates on the latest `holdoutFraction`; `examples` oldest first. */
export function trainWithHoldout(
  examples: readonly LabelledText[],
  options: HoldoutOptions = {},
): { model: TextClassifier; report: HoldoutReport } {
  const fraction = options.holdoutFraction ?? 0.15;
  const cut = Math.max(1, Math.min(examples.length - 1, Math.round(examples.length * (1 - fraction))));
  const train = examples.slice(0, cut);
  const test = examples.slice(cut);
  const model = trainTextClassifier(train, options.train);
  const predicted = test.map((e) => classifyText(model, e.text, 1).label);
  const report = classificationReport(
    test.map((e) => e.label),
    predicted,
  );
  const pairs = new Map<string, number>();
  test.forEach((e, i) => {
    if (predicted[i] !== e.label) {
      const key = `${e.label}\u0000${predicted[i]}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
  });
  return {
    model,
    report: {
      trainExamples: train.length,
      heldOut: test.length,
      accuracy: round(report.accuracy),
      macroF1: round(report.macroF1),
      weightedF1: round(report.weightedF1),
      weakest: report.perClass
        .filter((c) => c.support >= 2)
        .sort((a, b) => a.f1 - b.f1 || (a.label < b.label ? -1 : 1))
        .slice(0, options.weakest ?? 5)
        .map((c) => ({
          label: c.label,
          f1: round(c.f1),
          precision: round(c.precision),
          recall: round(c.recall),
          support: c.support,
        })),
      confusions: [...pairs]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, options.confusions ?? 8)
        .map(([key, count]) => {
          const [actual, wrong] = key.split('\u0000') as [string, string];
          return { actual, predicted: wrong, count };
        }),
    },
  };
}
