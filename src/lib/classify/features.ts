// Feature extraction for Chinese request text: jieba words (unigrams and bigrams) plus character 1–3-grams, each
// family in its own namespace, hashed into a fixed number of buckets. Words carry meaning ("暖气", "不热");
// character n-grams survive segmentation errors, typos and unseen words ("暖器", "物业费"). Counts get sublinear
// tf (1 + ln tf) and a smoothed idf learnt from the training texts, then the vector is L2-normalised so long and
// short texts weigh the same.
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { bucketOf } from './hash.ts';
import { normalizeText } from './normalize.ts';

export interface FeatureOptions {
  /** Hash buckets (default 2^20). Only buckets that occur in training become model rows, so more buckets mean fewer collisions and a model only somewhat larger. */
  buckets: number;
  wordUnigrams: boolean;
  wordBigrams: boolean;
  /** Character n-gram lengths, e.g. [1, 2, 3]; [] for none. */
  charNgrams: number[];
  /** Texts longer than this are clipped to their head and tail (normalize.ts). */
  maxChars: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  buckets: 1 << 20,
  wordUnigrams: true,
  wordBigrams: true,
  charNgrams: [1, 2, 3],
  maxChars: 3000,
};

let jieba: Jieba | undefined;
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const CONTENT = /[\p{Script=Han}\p{L}\p{N}]/u;

/** jieba words of a normalised text, punctuation and spaces dropped. */
export function words(normalized: string): string[] {
  if (normalized === '') return [];
  return segmenter()
    .cut(normalized, true)
    .filter((w) => CONTENT.test(w));
}

/** Hashed feature counts of one text, compact: buckets ascending with their raw counts. */
export interface FeatureCounts {
  buckets: Uint32Array;
  counts: Uint16Array;
}

/** Hashed feature counts of one text. Typed arrays, not a Map: training holds these for every text at once. */
export function featureCounts(text: string, options: FeatureOptions): FeatureCounts {
  const map = featureCountMap(text, options);
  const buckets = Uint32Array.from(map.keys()).sort();
  const counts = Uint16Array.from(buckets, (b) => Math.min(65535, map.get(b)!));
  return { buckets, counts };
}

/** Hashed feature counts of one text: bucket → raw count. */
export function featureCountMap(text: string, options: FeatureOptions): Map<number, number> {
  const counts = new Map<number, number>();
  forEachFeature(text, options, (f) => {
    const b = bucketOf(f, options.buckets);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  });
  return counts;
}

/**
 * Every feature string of a text, in order, with repeats: `w\u0001word`, `b\u0001w1\u0002w2`, `c{n}\u0001chars`.
 * Counting hashes them; explaining a prediction reads them back as words.
 */
export function forEachFeature(text: string, options: FeatureOptions, add: (feature: string) => void): void {
  const s = normalizeText(text, options.maxChars);
  if (s === '') return;
  if (options.wordUnigrams || options.wordBigrams) {
    const ws = words(s);
    for (let i = 0; i < ws.length; i++) {
      if (options.wordUnigrams) add(`w\u0001${ws[i]}`);
      if (options.wordBigrams && i > 0) add(`b\u0001${ws[i - 1]}\u0002${ws[i]}`);
    }
  }
  if (options.charNgrams.length > 0) {
    // Punctuation splits the text into runs; n-grams never cross a run boundary.
    for (const run of s.split(/[^\p{Script=Han}\p{L}\p{N}]+/u)) {
      if (run === '') continue;
      const chars = Array.from(run);
      for (const n of options.charNgrams) {
        for (let i = 0; i + n <= chars.length; i++) add(`c${n}\u0001${chars.slice(i, i + n).join('')}`);
      }
    }
  }
}

/** A sparse vector over feature rows: parallel arrays, rows ascending. */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

export const EMPTY_VECTOR: SparseVector = { idx: new Int32Array(0), val: new Float32Array(0) };

/**
 * TF-IDF vector of hashed counts: buckets not in `rowOf` (never seen in training) are dropped; tf is sublinear;
 * the result is L2-normalised (an empty text gives the empty vector).
 */
export function tfidfVector(
  counts: FeatureCounts,
  rowOf: Map<number, number>,
  idf: Float32Array,
): SparseVector {
  const rows: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < counts.buckets.length; i++) {
    const c = counts.counts[i]!;
    const r = rowOf.get(counts.buckets[i]!);
    if (r === undefined) continue;
    rows.push(r);
    vals.push((1 + Math.log(c)) * idf[r]!);
  }
  if (rows.length === 0) return EMPTY_VECTOR;
  const order = rows.map((_, i) => i).sort((a, b) => rows[a]! - rows[b]!);
  let norm = 0;
  for (const v of vals) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  const idx = new Int32Array(rows.length);
  const val = new Float32Array(rows.length);
  order.forEach((o, i) => {
    idx[i] = rows[o]!;
    val[i] = vals[o]! / norm;
  });
  return { idx, val };
}
