// Why the classifier chose a label: the words of the text that pushed its score up the most. Features are hashed,
// so the words are read back from the text itself (the same feature strings training hashed), each weighed by its
// TF-IDF value times how much more its row favours the label than the average class does. Character 1-grams are
// left out: a single character says little to an operator.
import { type TextClassifier, vectorize } from './classifier.ts';
import { forEachFeature } from './features.ts';
import { bucketOf } from './hash.ts';

export interface WeightedTerm {
  text: string;
  /** Contribution to the label's logit relative to the mean class; positive pushes towards the label. */
  weight: number;
}

function displayOf(feature: string): string | null {
  const [kind, body] = feature.split('\u0001') as [string, string];
  if (kind === 'c1') return null;
  return kind === 'b' ? body.replace('\u0002', '') : body;
}

/** The `limit` terms of `text` that weigh most towards `label`, heaviest first (only positive ones). */
export function topTermsFor(model: TextClassifier, text: string, label: string, limit = 5): WeightedTerm[] {
  const k = model.labels.indexOf(label);
  if (k < 0) return [];
  const K = model.labels.length;
  const x = vectorize(model, text);
  const valueOfRow = new Map<number, number>();
  for (let j = 0; j < x.idx.length; j++) valueOfRow.set(x.idx[j]!, x.val[j]!);
  const w = model.lr.weights;
  const byText = new Map<string, number>();
  const seenRows = new Set<number>();
  forEachFeature(text, model.features, (feature) => {
    const shown = displayOf(feature);
    if (shown === null) return;
    const row = model.rowOf.get(bucketOf(feature, model.features.buckets));
    if (row === undefined || seenRows.has(row)) return;
    seenRows.add(row);
    let mean = 0;
    for (let c = 0; c < K; c++) mean += w[row * K + c]!;
    mean /= K;
    const contribution = (valueOfRow.get(row) ?? 0) * (w[row * K + k]! - mean);
    byText.set(shown, (byText.get(shown) ?? 0) + contribution);
  });
  return [...byText]
    .filter(([, weight]) => weight > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([t, weight]) => ({ text: t, weight: Number(weight.toFixed(4)) }));
}
