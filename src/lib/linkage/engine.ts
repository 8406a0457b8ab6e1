// The record-linkage engine: encode columns, block, compare, fit the Fellegi–Sunter model by EM, score every
// candidate pair in one pass, then cluster (dedupe) or pick matches (link). Pure: records in, result out.

import { randomInt, seededRandom } from '../random/seeded.ts';
import { BlockingError, type BlockingRuleStats, candidatePairs } from './blocking.ts';
import { CONFIRMED, clusterPairs, oneToOneMatches, SPLIT } from './cluster.ts';
import { type CompiledComparison, comparePairs, compileComparison, NULL_LEVEL } from './compare.ts';
import {
  type FsParameters,
  fitFellegiSunter,
  initialM,
  initialParameters,
  levelFrequencies,
  patternHistogram,
  patternPosteriors,
} from './em.ts';
import { ColumnEncoder } from './encode.ts';
import { type LinkageSettings, LinkageSettingsError } from './settings.ts';

export { BlockingError };

/** Records to link, column by column. In link mode records [0, leftCount) come from the left file. */
export interface LinkageRecords {
  columns: ReadonlyMap<string, readonly string[]>;
  ids: readonly string[];
  leftCount?: number;
}

export interface ComparisonParameters {
  name: string;
  column: string;
  levels: { label: string; m: number; u: number; weight: number; uRandom: number }[];
  tf: boolean;
}

export interface LinkageResult {
  settings: LinkageSettings;
  records: number;
  candidatePairs: number;
  blocking: BlockingRuleStats[];
  a: Int32Array;
  b: Int32Array;
  /** Levels per pair and comparison, row-major (k = comparisons per pair). */
  levels: Uint8Array;
  matchWeight: Float64Array;
  matchProbability: Float64Array;
  /** Pairs that count as matches (above the match threshold; one-to-one filtered in link mode if asked). */
  isMatch: Uint8Array;
  /** Clerical decision of each pair: 0 none, 1 confirmed, 2 split. */
  decided: Uint8Array;
  matches: number;
  reviews: number;
  /** Dedupe mode: first record index of each record's cluster. */
  clusterOf?: Int32Array;
  clusters?: number;
  refusedMerges?: number;
  comparisons: ComparisonParameters[];
  /** The model's lambda: share of matches among candidate pairs (em.u "candidates") or all pairs ("random"). */
  lambda: number;
  /** Probability that two random records match. */
  prior: number;
  priorEstimated: boolean;
  emIterations: number;
  emConverged: boolean;
  seconds: Record<string, number>;
  /** Per-comparison level label and partial weight (including term-frequency adjustment) of pair p. */
  evidence(p: number): { comparison: string; level: string; weight: number }[];
}

/** A clerical decision on a record pair (record indices), kept across re-runs and outranking the model. */
export interface PairDecision {
  a: number;
  b: number;
  decision: 'confirm' | 'split';
}

export interface LinkageOptions {
  onStage?: (stage: string) => void;
  /** Reviewed pairs: confirmed ones match (probability 1), split ones never match nor join one cluster. */
  decisions?: readonly PairDecision[];
  /** Called while candidate pairs are compared: pairs done so far, of the total. */
  onCompared?: (done: number, total: number) => void;
}

function log2(x: number) {
  return Math.log(x) / Math.LN2;
}

/** Term-frequency adjustment per value at each equality level: log2(u_exact / tf(value)), scaled by tfWeight. */
function tfAdjustments(cmp: CompiledComparison): (Float64Array | null)[] {
  return cmp.tfColumn.map((col) => {
    if (!col) return null;
    let withValue = 0;
    let agreeing = 0;
    for (const c of col.counts) {
      withValue += c;
      agreeing += c * (c - 1);
    }
    if (withValue < 2 || agreeing === 0) return null;
    const uExact = agreeing / (withValue * (withValue - 1));
    const adj = new Float64Array(col.counts.length);
    for (let v = 0; v < adj.length; v++) {
      adj[v] = cmp.spec.tfWeight * log2(uExact / (Math.max(col.counts[v]!, 1) / withValue));
    }
    return adj;
  });
}

/**
 * Adds the decided pairs that blocking did not produce (a reviewer may confirm a pair no rule brings
 * together) and marks each pair's decision. Pairs stay sorted by (a, b) with a < b.
 */
function withDecisions(
  a: Int32Array,
  b: Int32Array,
  n: number,
  leftCount: number | undefined,
  decisions: readonly PairDecision[],
): { a: Int32Array; b: Int32Array; decided: Uint8Array } {
  if (decisions.length === 0) return { a, b, decided: new Uint8Array(a.length) };
  const wanted = new Map<number, number>();
  for (const d of decisions) {
    const x = Math.min(d.a, d.b);
    const y = Math.max(d.a, d.b);
    if (x === y || x < 0 || y >= n)
      throw new RangeError(`decision on records ${d.a} and ${d.b} is not a pair`);
    if (leftCount !== undefined && (x >= leftCount || y < leftCount)) {
      throw new RangeError(`decision on records ${d.a} and ${d.b} does not cross the two files`);
    }
    wanted.set(x * n + y, d.decision === 'confirm' ? CONFIRMED : SPLIT);
  }
  const codes: number[] = [];
  for (let p = 0; p < a.length; p++) codes.push(a[p]! * n + b[p]!);
  const present = new Set(codes);
  for (const code of wanted.keys()) if (!present.has(code)) codes.push(code);
  const sorted = Float64Array.from(codes).sort();
  const outA = new Int32Array(sorted.length);
  const outB = new Int32Array(sorted.length);
  const decided = new Uint8Array(sorted.length);
  for (let p = 0; p < sorted.length; p++) {
    const code = sorted[p]!;
    outA[p] = Math.floor(code / n);
    outB[p] = code - outA[p]! * n;
    decided[p] = wanted.get(code) ?? 0;
  }
  return { a: outA, b: outB, decided };
}

export function runLinkage(records: LinkageRecords, settings: LinkageSettings, options: LinkageOptions = {}) {
  const stage = options.onStage ?? (() => {});
  const seconds: Record<string, number> = {};
  let clock = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    seconds[name] = Math.round(now - clock) / 1000;
    clock = now;
  };
  const n = records.ids.length;
  const leftCount = settings.linkType === 'link' ? records.leftCount : undefined;
  if (settings.linkType === 'link' && leftCount === undefined) {
    throw new LinkageSettingsError('linkType', 'link mode needs a left and a right file');
  }

  stage('encoding columns');
  const enc = new ColumnEncoder(records.columns, n);
  const comparisons = settings.comparisons.map((c) => compileComparison(enc, c));
  const k = comparisons.length;
  const levelCounts = comparisons.map((c) => c.levelCount);
  lap('encode');

  stage('blocking');
  const pairs = candidatePairs({
    encoder: enc,
    leftCount,
    rules: settings.blocking,
    maxBlockSize: settings.maxBlockSize,
    maxPairs: settings.maxPairs,
  });
  const { a, b, decided } = withDecisions(pairs.a, pairs.b, n, leftCount, options.decisions ?? []);
  const pairCount = a.length;
  lap('blocking');

  stage(`comparing ${pairCount} candidate pairs`);
  const onCompared = options.onCompared;
  const levels = comparePairs(
    comparisons,
    a,
    b,
    onCompared ? (done) => onCompared(done, pairCount) : undefined,
  );
  onCompared?.(pairCount, pairCount);
  lap('compare');

  // u from random pairs: in a large file nearly every random pair is a non-match.
  stage('estimating u from random pairs');
  const totalPairs = leftCount === undefined ? (n * (n - 1)) / 2 : leftCount * (n - leftCount);
  const random = seededRandom(settings.seed);
  const sample = Math.min(settings.em.randomPairs, totalPairs);
  const ra = new Int32Array(sample);
  const rb = new Int32Array(sample);
  if (sample === totalPairs) {
    // Small inputs: every pair instead of a sample.
    let s = 0;
    for (let x = 0; x < (leftCount ?? n); x++) {
      for (let y = leftCount ?? x + 1; y < n; y++) {
        ra[s] = x;
        rb[s++] = y;
      }
    }
  } else {
    for (let s = 0; s < sample; s++) {
      if (leftCount === undefined) {
        const x = randomInt(random, n);
        let y = randomInt(random, n - 1);
        if (y >= x) y++;
        ra[s] = x;
        rb[s] = y;
      } else {
        ra[s] = randomInt(random, leftCount);
        rb[s] = leftCount + randomInt(random, n - leftCount);
      }
    }
  }
  const uRandom = levelFrequencies(comparePairs(comparisons, ra, rb), levelCounts);
  lap('random_u');

  stage('fitting the model (EM)');
  const histogram = patternHistogram(levels, k);
  const fixedLambda =
    settings.prior === 'estimate' || pairCount === 0
      ? undefined
      : Math.min(Math.max((settings.prior * totalPairs) / pairCount, 1e-9), 0.999);
  const emOptions = {
    maxIterations: settings.em.maxIterations,
    tolerance: settings.em.tolerance,
    fixU: false,
    fixLambda: fixedLambda !== undefined,
  };
  const base: FsParameters = {
    lambda: fixedLambda ?? 0.1,
    m: initialM(levelCounts),
    u: uRandom.map((u) => u.slice()),
  };
  const fit = fitFellegiSunter(
    histogram,
    initialParameters(histogram, levelCounts, base, emOptions),
    emOptions,
  );
  let params = fit.params;
  if (settings.em.u === 'random') {
    // Score as for random pairs: u from the random sample, and lambda the population match rate, solved as
    // the fixed point "expected matches among the candidates / all pairs".
    const population: FsParameters = { lambda: 0, m: params.m, u: uRandom };
    population.lambda =
      settings.prior === 'estimate'
        ? Math.min(Math.max((params.lambda * pairCount) / totalPairs, 1e-15), 0.5)
        : settings.prior;
    for (let i = 0; i < 200 && settings.prior === 'estimate'; i++) {
      const post = patternPosteriors(histogram, population);
      let matches = 0;
      for (let p = 0; p < post.length; p++) matches += post[p]! * histogram.counts[p]!;
      const next = Math.min(Math.max(matches / totalPairs, 1e-15), 0.5);
      const moved = Math.abs(Math.log(next / population.lambda));
      population.lambda = next;
      if (moved < 1e-6) break;
    }
    params = population;
  }
  lap('em');

  stage('scoring');
  const levelWeight = comparisons.map((_, c) => {
    const w = new Float64Array(levelCounts[c]!);
    for (let l = 1; l < w.length; l++) w[l] = log2(params.m[c]![l]! / params.u[c]![l]!);
    return w;
  });
  const tf = comparisons.map((c) => (c.spec.tf ? tfAdjustments(c) : []));
  const priorWeight = log2(params.lambda / (1 - params.lambda));
  const partialWeight = (p: number, c: number): number => {
    const l = levels[p * k + c]!;
    if (l === NULL_LEVEL) return 0;
    let w = levelWeight[c]![l]!;
    const adj = tf[c]![l];
    if (adj) {
      const v = comparisons[c]!.tfValue[l]![a[p]!]!;
      if (v >= 0) w += adj[v]!;
    }
    return w;
  };
  const matchWeight = new Float64Array(pairCount);
  const matchProbability = new Float64Array(pairCount);
  for (let p = 0; p < pairCount; p++) {
    let w = priorWeight;
    for (let c = 0; c < k; c++) w += partialWeight(p, c);
    matchWeight[p] = w;
    // A reviewer's decision outranks the model; the weight stays as the model's evidence.
    matchProbability[p] = decided[p] === CONFIRMED ? 1 : decided[p] === SPLIT ? 0 : 1 / (1 + 2 ** -w);
  }
  const { match, review } = settings.thresholds;
  let isMatch: Uint8Array;
  if (leftCount !== undefined && settings.oneToOne)
    isMatch = oneToOneMatches(n, a, b, matchProbability, match);
  else {
    isMatch = new Uint8Array(pairCount);
    for (let p = 0; p < pairCount; p++) isMatch[p] = matchProbability[p]! >= match ? 1 : 0;
  }
  let matches = 0;
  let reviews = 0;
  for (let p = 0; p < pairCount; p++) {
    if (isMatch[p]) matches++;
    else if (matchProbability[p]! >= review) reviews++;
  }
  lap('score');

  let clustering: ReturnType<typeof clusterPairs> | undefined;
  if (leftCount === undefined) {
    stage('clustering');
    clustering = clusterPairs(n, a, b, matchProbability, {
      threshold: settings.thresholds.cluster,
      coherence: settings.thresholds.clusterCoherence,
      decided,
    });
    lap('cluster');
  }

  const result: LinkageResult = {
    settings,
    records: n,
    candidatePairs: pairCount,
    blocking: pairs.rules,
    a,
    b,
    levels,
    matchWeight,
    matchProbability,
    isMatch,
    decided,
    matches,
    reviews,
    clusterOf: clustering?.clusterOf,
    clusters: clustering?.clusters,
    refusedMerges: clustering?.refusedMerges,
    comparisons: comparisons.map((cmp, c) => ({
      name: cmp.spec.name,
      column: cmp.spec.column,
      tf: cmp.spec.tf,
      levels: cmp.labels.slice(1).map((label, i) => ({
        label,
        m: params.m[c]![i + 1]!,
        u: params.u[c]![i + 1]!,
        weight: levelWeight[c]![i + 1]!,
        uRandom: uRandom[c]![i + 1]!,
      })),
    })),
    lambda: params.lambda,
    prior:
      settings.em.u === 'random'
        ? params.lambda
        : totalPairs > 0
          ? (params.lambda * pairCount) / totalPairs
          : 0,
    priorEstimated: fixedLambda === undefined,
    emIterations: fit.iterations,
    emConverged: fit.converged,
    seconds,
    evidence: (p) =>
      comparisons.map((cmp, c) => ({
        comparison: cmp.spec.name,
        level: cmp.labels[levels[p * k + c]!]!,
        weight: partialWeight(p, c),
      })),
  };
  return result;
}
