// Classification metrics: accuracy, macro-F1 and per-class precision / recall / F1 / support. Labels are
// compared as strings, so a label that appears only in the evaluation data (the model never saw it) is simply
// never predicted right: it counts as wrong and enters macro-F1 with F1 = 0.

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of true examples of this label. */
  support: number;
  /** Number of times the label was predicted. */
  predicted: number;
}

export interface ClassificationReport {
  examples: number;
  accuracy: number;
  /** Unweighted mean F1 over the labels that occur in the truth (labels only ever predicted are listed but not averaged). */
  macroF1: number;
  /** F1 averaged with support as weight. */
  weightedF1: number;
  perClass: ClassMetrics[];
}

function f1Of(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** Macro-F1 over class indices 0..classes-1 that occur in the truth. */
export function macroF1(truth: Int32Array, predicted: Int32Array, classes: number): number {
  const tp = new Float64Array(classes);
  const fp = new Float64Array(classes);
  const fn = new Float64Array(classes);
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (t === p) tp[t]! += 1;
    else {
      fp[p]! += 1;
      fn[t]! += 1;
    }
  }
  let sum = 0;
  let n = 0;
  for (let k = 0; k < classes; k++) {
    if (tp[k]! + fn[k]! === 0) continue;
    const precision = tp[k]! + fp[k]! > 0 ? tp[k]! / (tp[k]! + fp[k]!) : 0;
    const recall = tp[k]! / (tp[k]! + fn[k]!);
    sum += f1Of(precision, recall);
    n++;
  }
  return n > 0 ? sum / n : 0;
}

/** The report for true and predicted string labels (equal length). */
export function classificationReport(
  truth: readonly string[],
  predicted: readonly string[],
): ClassificationReport {
  if (truth.length !== predicted.length) throw new Error('truth and predictions differ in length');
  const labels = [...new Set([...truth, ...predicted])].sort();
  const tp = new Map<string, number>();
  const support = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  let correct = 0;
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    support.set(t, (support.get(t) ?? 0) + 1);
    predictedCount.set(p, (predictedCount.get(p) ?? 0) + 1);
    if (t === p) {
      correct++;
      tp.set(t, (tp.get(t) ?? 0) + 1);
    }
  });
  const perClass = labels.map((label): ClassMetrics => {
    const s = support.get(label) ?? 0;
    const pc = predictedCount.get(label) ?? 0;
    const t = tp.get(label) ?? 0;
    const precision = pc > 0 ? t / pc : 0;
    const recall = s > 0 ? t / s : 0;
    return { label, precision, recall, f1: f1Of(precision, recall), support: s, predicted: pc };
  });
  const inTruth = perClass.filter((c) => c.support > 0);
  const n = truth.length;
  return {
    examples: n,
    accuracy: n > 0 ? correct / n : 0,
    macroF1: inTruth.length > 0 ? inTruth.reduce((s, c) => s + c.f1, 0) / inTruth.length : 0,
    weightedF1: n > 0 ? inTruth.reduce((s, c) => s + c.f1 * c.support, 0) / n : 0,
    perClass,
  };
}
