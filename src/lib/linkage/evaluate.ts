// Pairwise precision, recall and F1 of a linkage against ground truth, the usual measures of record-linkage
// benchmarks. Counting pairs through cluster-size contingencies avoids listing the pairs.

export interface PairwiseScores {
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

function scores(truePairs: number, predictedPairs: number, correctPairs: number): PairwiseScores {
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePairs, predictedPairs, correctPairs, precision, recall, f1 };
}

const choose2 = (x: number) => (x * (x - 1)) / 2;

function groupSizes(keys: Iterable<number | string>): Map<number | string, number> {
  const m = new Map<number | string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** Clusters (one cluster label per record) against true entities (one label per record). */
export function clusterPairScores(
  clusterOf: ArrayLike<number>,
  truth: ArrayLike<number | string>,
): PairwiseScores {
  const n = clusterOf.length;
  const predicted = groupSizes(Array.from(clusterOf));
  const actual = groupSizes(Array.from(truth));
  const both = groupSizes(Array.from({ length: n }, (_, i) => `${clusterOf[i]}\u0000${truth[i]}`));
  const sum = (m: Map<unknown, number>) => {
    let s = 0;
    for (const c of m.values()) s += choose2(c);
    return s;
  };
  return scores(sum(actual), sum(predicted), sum(both));
}

/**
 * Predicted matching pairs (record indices) against truth, for link mode: `truePairs` is the number of true
 * matching pairs in the whole input (across the two files).
 */
export function linkPairScores(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  isMatch: ArrayLike<number>,
  truth: ArrayLike<number | string>,
  truePairs: number,
): PairwiseScores {
  let predicted = 0;
  let correct = 0;
  for (let p = 0; p < a.length; p++) {
    if (!isMatch[p]) continue;
    predicted++;
    if (truth[a[p]!] === truth[b[p]!]) correct++;
  }
  return scores(truePairs, predicted, correct);
}
