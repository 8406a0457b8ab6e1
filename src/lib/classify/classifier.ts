// Training and prediction of the request-text classifier: hashed TF-IDF features (features.ts), a multinomial
// logistic regression (softmax-regression.ts) with temperature-calibrated probabilities (calibrate.ts), and a
// complement naive Bayes second opinion (complement-nb.ts) mixed in with a weight chosen on validation data.
// Everything here is pure and deterministic given the seed.
import { seededRandom } from '../random/seeded.ts';
import { fitTemperature } from './calibrate.ts';
import { classFeatureSums, complementNbModel } from './complement-nb.ts';
import {
  DEFAULT_FEATURE_OPTIONS,
  type FeatureOptions,
  featureCounts,
  type SparseVector,
  tfidfVector,
} from './features.ts';
import { type ClassificationReport, classificationReport, macroF1 } from './metrics.ts';
import {
  argmax,
  DEFAULT_SOFTMAX_OPTIONS,
  type LinearModel,
  linearScores,
  type SoftmaxOptions,
  softmaxInPlace,
  trainSoftmax,
} from './softmax-regression.ts';

export interface LabelledText {
  text: string;
  label: string;
}

export interface TrainOptions {
  features?: Partial<FeatureOptions>;
  softmax?: Partial<SoftmaxOptions>;
  /** Share of each class held out for early stopping and calibration (default 0.1). */
  validationFraction?: number;
  /** Retrain on all data for the chosen number of epochs after validation (default true). */
  refit?: boolean;
  /** Mix in complement naive Bayes when it improves validation macro-F1 (default true). */
  complementNb?: boolean;
  /** Hashed features must occur in at least this many training texts to be kept (default 2). */
  minDocumentFrequency?: number;
  seed?: number;
  /** Progress messages (for a CLI's stderr). */
  onProgress?: (message: string) => void;
}

/** A trained classifier, in memory. Serialise with `serializeClassifier` (model-format.ts). */
export interface TextClassifier {
  labels: string[];
  features: FeatureOptions;
  /** Hash bucket of each feature row. */
  rowBuckets: Uint32Array;
  rowOf: Map<number, number>;
  idf: Float32Array;
  lr: LinearModel;
  lrTemperature: number;
  /** Complement-NB per-class feature sums (kept so the model can be rebuilt from a compact file). */
  nbSums?: Float32Array;
  nb?: LinearModel;
  nbTemperature: number;
  /** Weight of the NB probabilities in the mix, 0 = logistic regression only. */
  nbMix: number;
  training: TrainingSummary;
}

export interface TrainingSummary {
  examples: number;
  classes: number;
  featureRows: number;
  seed: number;
  epochs: number;
  validationExamples: number;
  /** Validation macro-F1 of the logistic regression alone, and of the final mix. */
  validationMacroF1Lr?: number;
  validationMacroF1?: number;
  validationAccuracy?: number;
}

export interface Prediction {
  label: string;
  /** Calibrated probability of `label`. */
  confidence: number;
  /** The top-k labels with probabilities, best first (includes `label`). */
  alternatives: { label: string; probability: number }[];
}

export class ClassifyDataError extends Error {}

function stratifiedSplit(y: Int32Array, classes: number, fraction: number, seed: number) {
  const random = seededRandom(seed ^ 0x5bd1e995);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  y.forEach((k, i) => {
    byClass[k]!.push(i);
  });
  const train: number[] = [];
  const validation: number[] = [];
  for (const members of byClass) {
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    // A class too small to spare an example keeps all of them for training.
    const take = members.length >= 4 ? Math.max(1, Math.round(members.length * fraction)) : 0;
    validation.push(...members.slice(0, take));
    train.push(...members.slice(take));
  }
  return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}

function probabilities(model: TextClassifier, x: SparseVector): Float64Array {
  const K = model.labels.length;
  const p = softmaxInPlace(linearScores(model.lr, x, new Float64Array(K)), model.lrTemperature);
  if (model.nb && model.nbMix > 0) {
    const q = softmaxInPlace(linearScores(model.nb, x, new Float64Array(K)), model.nbTemperature);
    for (let k = 0; k < K; k++) p[k] = (1 - model.nbMix) * p[k]! + model.nbMix * q[k]!;
  }
  return p;
}

/** The TF-IDF vector of a text under a trained model's features. */
export function vectorize(
  model: Pick<TextClassifier, 'features' | 'rowOf' | 'idf'>,
  text: string,
): SparseVector {
  return tfidfVector(featureCounts(text, model.features), model.rowOf, model.idf);
}

export function trainTextClassifier(
  examples: readonly LabelledText[],
  options: TrainOptions = {},
): TextClassifier {
  const seed = options.seed ?? 1;
  const features: FeatureOptions = { ...DEFAULT_FEATURE_OPTIONS, ...options.features };
  const softmax: SoftmaxOptions = { ...DEFAULT_SOFTMAX_OPTIONS, seed, ...options.softmax };
  const log = options.onProgress ?? (() => {});
  if (!Number.isInteger(features.buckets) || features.buckets < 16 || features.buckets > 1 << 26)
    throw new ClassifyDataError(`buckets must be an integer in [16, 2^26], got ${features.buckets}`);
  if (examples.length === 0) throw new ClassifyDataError('no training examples');
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  if (labels.length < 2)
    throw new ClassifyDataError(
      `training needs at least 2 distinct labels, got ${labels.length} (${labels[0]})`,
    );
  const K = labels.length;
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const y = Int32Array.from(examples, (e) => labelIndex.get(e.label)!);

  log(`features of ${examples.length} texts`);
  const counts = examples.map((e) => featureCounts(e.text, features));
  const df = new Map<number, number>();
  for (const c of counts) for (const b of c.buckets) df.set(b, (df.get(b) ?? 0) + 1);
  const minDf = options.minDocumentFrequency ?? 2;
  const rowBuckets = Uint32Array.from([...df].filter(([, d]) => d >= minDf).map(([b]) => b)).sort();
  const rowOf = new Map<number, number>();
  rowBuckets.forEach((b, r) => {
    rowOf.set(b, r);
  });
  const n = examples.length;
  const idf = Float32Array.from(rowBuckets, (b) => Math.log((1 + n) / (1 + df.get(b)!)) + 1);
  const x = counts.map((c) => tfidfVector(c, rowOf, idf));
  const rows = rowBuckets.length;
  log(`${rows} feature rows, ${K} classes`);

  const fraction = options.validationFraction ?? 0.1;
  const split = fraction > 0 && n >= 30 ? stratifiedSplit(y, K, fraction, seed) : undefined;
  const useValidation = split !== undefined && split.validation.length > 0;
  const pick = (idx: number[]) => ({ x: idx.map((i) => x[i]!), y: Int32Array.from(idx, (i) => y[i]!) });
  const train = useValidation ? pick(split.train) : { x, y };
  const validation = useValidation ? pick(split.validation) : undefined;

  const first = trainSoftmax(train.x, train.y, rows, K, softmax, validation, (epoch, score) =>
    log(`epoch ${epoch}${score !== undefined ? ` validation macro-F1 ${score.toFixed(4)}` : ''}`),
  );
  const summary: TrainingSummary = {
    examples: n,
    classes: K,
    featureRows: rows,
    seed,
    epochs: first.epochs,
    validationExamples: validation?.x.length ?? 0,
  };
  let lrTemperature = 1;
  let nbTemperature = 1;
  let nbMix = 0;
  const wantNb = options.complementNb ?? true;
  if (validation) {
    const lrLogits = validation.x.map((v) => linearScores(first.model, v));
    lrTemperature = fitTemperature(lrLogits, validation.y);
    summary.validationMacroF1Lr = first.history[first.epochs - 1];
    let mixed = lrLogits.map((s) => softmaxInPlace(Float64Array.from(s), lrTemperature));
    if (wantNb) {
      const nb = complementNbModel(classFeatureSums(train.x, train.y, rows, K), rows, K);
      const nbLogits = validation.x.map((v) => linearScores(nb, v));
      nbTemperature = fitTemperature(nbLogits, validation.y);
      const p = mixed;
      const q = nbLogits.map((s) => softmaxInPlace(Float64Array.from(s), nbTemperature));
      let bestScore = Number.NEGATIVE_INFINITY;
      for (const beta of [0, 0.15, 0.3, 0.45, 0.6]) {
        const mix = p.map((pi, i) => pi.map((v, k) => (1 - beta) * v + beta * q[i]![k]!));
        const score = macroF1(validation.y, Int32Array.from(mix, argmax), K);
        // A mix must beat the plain model clearly to be kept: validation sets are small.
        if (score > bestScore + 0.002) {
          bestScore = score;
          nbMix = beta;
          mixed = mix;
        }
      }
      log(`complement NB mix weight ${nbMix}`);
    }
    const predicted = Int32Array.from(mixed, argmax);
    summary.validationMacroF1 = macroF1(validation.y, predicted, K);
    summary.validationAccuracy = predicted.filter((k, i) => k === validation.y[i]).length / predicted.length;
  }

  let lr = first.model;
  if (validation && (options.refit ?? true)) {
    log(`refit on all ${n} texts for ${first.epochs} epochs`);
    lr = trainSoftmax(x, y, rows, K, { ...softmax, maxEpochs: first.epochs }).model;
  }
  const nbSums = nbMix > 0 ? classFeatureSums(x, y, rows, K) : undefined;
  return {
    labels,
    features,
    rowBuckets,
    rowOf,
    idf,
    lr,
    lrTemperature,
    nbSums,
    nb: nbSums ? complementNbModel(nbSums, rows, K) : undefined,
    nbTemperature,
    nbMix,
    training: summary,
  };
}

/** The best label of a text with its calibrated confidence and the top-k alternatives. */
export function classifyText(model: TextClassifier, text: string, topK = 3): Prediction {
  const p = probabilities(model, vectorize(model, text));
  const order = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]! || a - b);
  const alternatives = order
    .slice(0, Math.max(1, topK))
    .map((k) => ({ label: model.labels[k]!, probability: p[k]! }));
  return { label: alternatives[0]!.label, confidence: alternatives[0]!.probability, alternatives };
}

/** Accuracy, macro-F1 and per-class figures of the model on labelled texts. */
export function evaluateTextClassifier(
  model: TextClassifier,
  examples: readonly LabelledText[],
): ClassificationReport {
  const predicted = examples.map((e) => classifyText(model, e.text, 1).label);
  return classificationReport(
    examples.map((e) => e.label),
    predicted,
  );
}
