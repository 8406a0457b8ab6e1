// Complement naive Bayes (Rennie et al. 2003) over the same TF-IDF vectors: each class is scored by how unlike
// the *other* classes the text is, which copes with unbalanced classes better than plain multinomial NB. It is
// the second opinion mixed into the logistic-regression probabilities when that helps on validation data.
import type { SparseVector } from './features.ts';
import type { LinearModel } from './softmax-regression.ts';

/** Per-class sums of feature weights: rows × classes, row-major (the sufficient statistics of the model). */
export function classFeatureSums(
  x: readonly SparseVector[],
  y: Int32Array,
  rows: number,
  classes: number,
): Float32Array {
  const sums = new Float32Array(rows * classes);
  x.forEach((xi, i) => {
    const k = y[i]!;
    for (let j = 0; j < xi.idx.length; j++) sums[xi.idx[j]! * classes + k]! += xi.val[j]!;
  });
  return sums;
}

/** The linear model score_c(x) = Σ_f x_f · −log θ̃_cf, θ̃ from the complement counts with smoothing alpha. */
export function complementNbModel(
  sums: Float32Array,
  rows: number,
  classes: number,
  alpha = 0.3,
): LinearModel {
  const K = classes;
  const rowTotal = new Float64Array(rows);
  const classTotal = new Float64Array(K);
  let all = 0;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < K; k++) {
      const v = sums[r * K + k]!;
      rowTotal[r]! += v;
      classTotal[k]! += v;
    }
    all += rowTotal[r]!;
  }
  const weights = new Float32Array(rows * K);
  for (let k = 0; k < K; k++) {
    // Σ_f (complement count + alpha) for class k.
    const denominator = all - classTotal[k]! + alpha * rows;
    for (let r = 0; r < rows; r++) {
      const comp = rowTotal[r]! - sums[r * K + k]! + alpha;
      weights[r * K + k] = -Math.log(comp / denominator);
    }
  }
  return { weights, bias: new Float32Array(K), classes: K };
}
