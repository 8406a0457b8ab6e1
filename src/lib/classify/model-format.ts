// The classifier's file format: versioned JSON with the large arrays as base64 of little-endian typed arrays.
// Logistic-regression weights are dense (every update touches every class) and stored as int8 with one scale per
// feature row: a quarter of float32 at no measurable cost in accuracy (bench/classify.bench.ts). Complement-NB is
// stored as its per-class feature sums (sparse by nature: a feature occurs in few classes) and rebuilt on load.

import type { TextClassifier, TrainingSummary } from './classifier.ts';
import { complementNbModel } from './complement-nb.ts';
import type { FeatureOptions } from './features.ts';
import type { LinearModel } from './softmax-regression.ts';

export const MODEL_FORMAT = 'cbrain-text-classifier';
export const MODEL_VERSION = 1;

export class ModelFormatError extends Error {}

interface SparseMatrixJson {
  rowCounts: string;
  columns: string;
  values: string;
}

export interface ModelFileV1 {
  format: typeof MODEL_FORMAT;
  version: 1;
  labels: string[];
  features: FeatureOptions;
  training: TrainingSummary;
  rowBuckets: string;
  idf: string;
  /** weights: int8 rows × classes; rowScales: float32 per row (weight = int8 × scale). */
  lr: { bias: number[]; temperature: number; weights: string; rowScales: string };
  nb: { temperature: number; mix: number; sums: SparseMatrixJson } | null;
}

function b64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromB64<T>(s: unknown, make: (buffer: ArrayBuffer) => T, what: string): T {
  if (typeof s !== 'string') throw new ModelFormatError(`model file: ${what} is missing`);
  const bytes = Buffer.from(s, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  try {
    return make(copy.buffer);
  } catch {
    throw new ModelFormatError(`model file: ${what} is corrupt`);
  }
}

function encodeInt8Rows(m: Float32Array, rows: number, K: number) {
  const q = new Int8Array(rows * K);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let maxAbs = 0;
    for (let k = 0; k < K; k++) maxAbs = Math.max(maxAbs, Math.abs(m[r * K + k]!));
    const scale = maxAbs > 0 ? maxAbs / 127 : 1;
    scales[r] = scale;
    for (let k = 0; k < K; k++) q[r * K + k] = Math.round(m[r * K + k]! / scale);
  }
  return { weights: b64(q), rowScales: b64(scales) };
}

function decodeInt8Rows(weights: unknown, rowScales: unknown, rows: number, K: number): Float32Array {
  const q = fromB64(weights, (b) => new Int8Array(b), 'lr.weights');
  const scales = fromB64(rowScales, (b) => new Float32Array(b), 'lr.rowScales');
  if (q.length !== rows * K || scales.length !== rows)
    throw new ModelFormatError('model file: lr.weights do not match the feature rows and labels');
  const out = new Float32Array(rows * K);
  for (let r = 0; r < rows; r++) for (let k = 0; k < K; k++) out[r * K + k] = q[r * K + k]! * scales[r]!;
  return out;
}

function encodeSparse(m: Float32Array, rows: number, K: number): SparseMatrixJson {
  const rowCounts = new Uint16Array(rows);
  const columns: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < K; k++) {
      const v = m[r * K + k]!;
      if (v === 0) continue;
      rowCounts[r]! += 1;
      columns.push(k);
      values.push(v);
    }
  }
  return {
    rowCounts: b64(rowCounts),
    columns: b64(Uint16Array.from(columns)),
    values: b64(Float32Array.from(values)),
  };
}

function decodeSparse(j: SparseMatrixJson, rows: number, K: number, what: string): Float32Array {
  const rowCounts = fromB64(j?.rowCounts, (b) => new Uint16Array(b), `${what}.rowCounts`);
  const columns = fromB64(j?.columns, (b) => new Uint16Array(b), `${what}.columns`);
  const values = fromB64(j?.values, (b) => new Float32Array(b), `${what}.values`);
  if (rowCounts.length !== rows || columns.length !== values.length)
    throw new ModelFormatError(`model file: ${what} does not match the feature rows`);
  const out = new Float32Array(rows * K);
  let at = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < rowCounts[r]!; c++, at++) {
      const k = columns[at]!;
      if (k >= K || at >= values.length) throw new ModelFormatError(`model file: ${what} is corrupt`);
      out[r * K + k] = values[at]!;
    }
  }
  return out;
}

/** The model as a JSON string. */
export function serializeClassifier(model: TextClassifier): string {
  const K = model.labels.length;
  const rows = model.rowBuckets.length;
  const file: ModelFileV1 = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    labels: model.labels,
    features: model.features,
    training: model.training,
    rowBuckets: b64(model.rowBuckets),
    idf: b64(model.idf),
    lr: {
      bias: Array.from(model.lr.bias),
      temperature: model.lrTemperature,
      ...encodeInt8Rows(model.lr.weights, rows, K),
    },
    nb:
      model.nbSums && model.nbMix > 0
        ? {
            temperature: model.nbTemperature,
            mix: model.nbMix,
            sums: encodeSparse(model.nbSums, rows, K),
          }
        : null,
  };
  return JSON.stringify(file);
}

/** Parses a model file; a file of another format or version, or a damaged one, is a ModelFormatError. */
export function parseClassifier(json: string): TextClassifier {
  let f: ModelFileV1;
  try {
    f = JSON.parse(json);
  } catch {
    throw new ModelFormatError('model file is not JSON');
  }
  if (!f || typeof f !== 'object' || f.format !== MODEL_FORMAT)
    throw new ModelFormatError(`not a ${MODEL_FORMAT} model file`);
  if (f.version !== MODEL_VERSION)
    throw new ModelFormatError(
      `model file version ${f.version} is not supported (expected ${MODEL_VERSION})`,
    );
  if (!Array.isArray(f.labels) || f.labels.length < 2 || !f.features || !f.lr)
    throw new ModelFormatError('model file: labels, features or weights are missing');
  const K = f.labels.length;
  const rowBuckets = fromB64(f.rowBuckets, (b) => new Uint32Array(b), 'rowBuckets');
  const rows = rowBuckets.length;
  const idf = fromB64(f.idf, (b) => new Float32Array(b), 'idf');
  if (idf.length !== rows) throw new ModelFormatError('model file: idf does not match the feature rows');
  if (!Array.isArray(f.lr.bias) || f.lr.bias.length !== K)
    throw new ModelFormatError('model file: bias does not match the labels');
  const lr: LinearModel = {
    weights: decodeInt8Rows(f.lr.weights, f.lr.rowScales, rows, K),
    bias: Float32Array.from(f.lr.bias),
    classes: K,
  };
  const nbSums = f.nb ? decodeSparse(f.nb.sums, rows, K, 'nb.sums') : undefined;
  const rowOf = new Map<number, number>();
  rowBuckets.forEach((b, r) => {
    rowOf.set(b, r);
  });
  return {
    labels: f.labels,
    features: f.features,
    rowBuckets,
    rowOf,
    idf,
    lr,
    lrTemperature: f.lr.temperature ?? 1,
    nbSums,
    nb: nbSums ? complementNbModel(nbSums, rows, K) : undefined,
    nbTemperature: f.nb?.temperature ?? 1,
    nbMix: f.nb?.mix ?? 0,
    training: f.training,
  };
}
