// Multinomial logistic regression over sparse TF-IDF vectors, trained by per-example AdaGrad with L2
// regularisation, class weights against imbalance and early stopping on a validation split. Pure: the same
// data, options and seed give the same weights.
import { type Random, seededRandom } from '../random/seeded.ts';
import type { SparseVector } from './features.ts';
import { macroF1 } from './metrics.ts';

export interface SoftmaxOptions {
  /** L2 strength per update of a touched weight (lazy L2: rare features are shrunk less often). */
  l2: number;
  /** AdaGrad base learning rate. */
  learningRate: number;
  /**
   * Starting value of AdaGrad's squared-gradient sums. Plain AdaGrad (0) takes a full `learningRate` step on every
   * coordinate the first time it is touched, which throws the logits of a long text (thousands of features) far
   * off; a small start makes the first steps SGD-like (proportional to the gradient).
   */
  initialAccumulator: number;
  maxEpochs: number;
  /** Stop after this many epochs without a better validation macro-F1. */
  patience: number;
  /** Class weight = (n / (K · n_k))^power: 0 = none, 1 = fully balanced. */
  classWeightPower: number;
  seed: number;
}

export const DEFAULT_SOFTMAX_OPTIONS: SoftmaxOptions = {
  l2: 1e-6,
  learningRate: 0.4,
  initialAccumulator: 1,
  maxEpochs: 20,
  patience: 3,
  classWeightPower: 0.5,
  seed: 1,
};

export interface LinearModel {
  /** rows × classes, row-major. */
  weights: Float32Array;
  bias: Float32Array;
  classes: number;
}

export interface SoftmaxTraining {
  model: LinearModel;
  /** Epochs run on the best model (the best validation epoch, or maxEpochs without validation). */
  epochs: number;
  /** Validation macro-F1 per epoch (empty without validation). */
  history: number[];
}

/** Raw class scores (logits) of one vector. */
export function linearScores(
  m: LinearModel,
  x: SparseVector,
  out = new Float64Array(m.classes),
): Float64Array {
  const K = m.classes;
  for (let k = 0; k < K; k++) out[k] = m.bias[k]!;
  for (let j = 0; j < x.idx.length; j++) {
    const base = x.idx[j]! * K;
    const v = x.val[j]!;
    for (let k = 0; k < K; k++) out[k]! += v * m.weights[base + k]!;
  }
  return out;
}

/** In-place softmax of scores / temperature. */
export function softmaxInPlace(s: Float64Array, temperature = 1): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of s) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < s.length; k++) {
    s[k] = Math.exp((s[k]! - max) / temperature);
    sum += s[k]!;
  }
  for (let k = 0; k < s.length; k++) s[k]! /= sum;
  return s;
}

export function argmax(s: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < s.length; k++) if (s[k]! > s[best]!) best = k;
  return best;
}

export function classWeights(y: Int32Array, classes: number, power: number): Float64Array {
  const n = new Float64Array(classes);
  for (const c of y) n[c]! += 1;
  const w = new Float64Array(classes);
  for (let k = 0; k < classes; k++) w[k] = n[k]! > 0 ? (y.length / (classes * n[k]!)) ** power : 0;
  return w;
}

function shuffle(order: Int32Array, random: Random) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}

export function predictLabels(m: LinearModel, xs: readonly SparseVector[]): Int32Array {
  const out = new Int32Array(xs.length);
  const s = new Float64Array(m.classes);
  xs.forEach((x, i) => {
    out[i] = argmax(linearScores(m, x, s));
  });
  return out;
}

/**
 * Trains on (x, y); with a validation set, keeps the weights of the epoch with the best validation macro-F1
 * and stops after `patience` epochs without improvement.
 */
export function trainSoftmax(
  x: readonly SparseVector[],
  y: Int32Array,
  rows: number,
  classes: number,
  options: SoftmaxOptions,
  validation?: { x: readonly SparseVector[]; y: Int32Array },
  onEpoch?: (epoch: number, score: number | undefined) => void,
): SoftmaxTraining {
  const K = classes;
  const m: LinearModel = { weights: new Float32Array(rows * K), bias: new Float32Array(K), classes: K };
  const g2 = new Float32Array(rows * K).fill(options.initialAccumulator);
  const b2 = new Float64Array(K).fill(options.initialAccumulator);
  const cw = classWeights(y, K, options.classWeightPower);
  const random = seededRandom(options.seed);
  const order = Int32Array.from({ length: x.length }, (_, i) => i);
  const p = new Float64Array(K);
  const g = new Float64Array(K);
  const eta = options.learningRate;
  const l2 = options.l2;
  const eps = 1e-8;
  let best: LinearModel | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestEpoch = 0;
  const history: number[] = [];
  for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
    shuffle(order, random);
    for (const i of order) {
      const xi = x[i]!;
      const yi = y[i]!;
      softmaxInPlace(linearScores(m, xi, p));
      const w = cw[yi]!;
      for (let k = 0; k < K; k++) g[k] = (p[k]! - (k === yi ? 1 : 0)) * w;
      for (let k = 0; k < K; k++) {
        const gk = g[k]!;
        b2[k]! += gk * gk;
        m.bias[k]! -= (eta * gk) / (Math.sqrt(b2[k]!) + eps);
      }
      for (let j = 0; j < xi.idx.length; j++) {
        const base = xi.idx[j]! * K;
        const v = xi.val[j]!;
        for (let k = 0; k < K; k++) {
          const at = base + k;
          const grad = g[k]! * v + l2 * m.weights[at]!;
          g2[at]! += grad * grad;
          m.weights[at]! -= (eta * grad) / (Math.sqrt(g2[at]!) + eps);
        }
      }
    }
    if (!validation || validation.x.length === 0) {
      onEpoch?.(epoch, undefined);
      bestEpoch = epoch;
      continue;
    }
    const score = macroF1(validation.y, predictLabels(m, validation.x), K);
    history.push(score);
    onEpoch?.(epoch, score);
    if (score > bestScore + 1e-9) {
      bestScore = score;
      bestEpoch = epoch;
      best = { weights: m.weights.slice(), bias: m.bias.slice(), classes: K };
    } else if (epoch - bestEpoch >= options.patience) {
      break;
    }
  }
  return { model: best ?? m, epochs: bestEpoch, history };
}
