// Fellegi–Sunter model fitted by expectation–maximisation without labels (as in fastLink and Splink).
// Pairs are first reduced to a histogram of comparison patterns (vectors of levels), usually a few thousand,
// so every EM iteration costs (patterns × comparisons), whatever the number of pairs.
//
// Null levels (a value missing on either side) are treated as missing at random: they carry no evidence and
// are left out of the m and u estimates.
import { NULL_LEVEL } from './compare.ts';

export interface PatternHistogram {
  /** Comparison count. */
  k: number;
  /** Levels of each pattern, row-major: levels[p * k + c]. */
  levels: Uint8Array;
  counts: Float64Array;
}

/** Counts the distinct level vectors among the pairs (`levels` row-major, k per pair). */
export function patternHistogram(levels: Uint8Array, k: number): PatternHistogram {
  const pairs = k === 0 ? 0 : levels.length / k;
  const index = new Map<string | number, number>();
  const rows: number[] = [];
  const counts: number[] = [];
  // A numeric key while the mixed-radix code fits in a double exactly; a string otherwise.
  const numeric = 256 ** k < 2 ** 52;
  for (let p = 0; p < pairs; p++) {
    let key: string | number;
    if (numeric) {
      key = 0;
      for (let c = 0; c < k; c++) key = key * 256 + levels[p * k + c]!;
    } else {
      key = String.fromCharCode(...levels.subarray(p * k, p * k + k));
    }
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, counts.length);
      counts.push(1);
      for (let c = 0; c < k; c++) rows.push(levels[p * k + c]!);
    } else counts[at]!++;
  }
  return { k, levels: Uint8Array.from(rows), counts: Float64Array.from(counts) };
}

export interface FsParameters {
  /** Proportion of matches among the pairs the model was fitted on. */
  lambda: number;
  /** m[c][l]: probability of level l of comparison c among matches (index 0, null, unused). */
  m: Float64Array[];
  /** u[c][l]: the same among non-matches. */
  u: Float64Array[];
}

export interface EmOptions {
  maxIterations: number;
  tolerance: number;
  /** Keep u as given. */
  fixU: boolean;
  /** Keep lambda as given. */
  fixLambda?: boolean;
}

export interface EmResult {
  params: FsParameters;
  iterations: number;
  converged: boolean;
}

/**
 * Probabilities are kept away from 0 so that no level gets an unbounded weight. m has the higher floor: EM on
 * data where, say, birth dates of matches never differ would otherwise make one date typo rule a match out
 * completely (−30 bits); with 1e-5 the strongest negative evidence of one level is about −17 bits.
 */
const M_FLOOR = 1e-5;
const U_FLOOR = 1e-8;

/** Scales counts to probabilities over levels 1… (index 0, null, is ignored), then applies the floor. */
function normalise(v: Float64Array, floor = U_FLOOR) {
  for (let pass = 0; pass < 2; pass++) {
    let s = 0;
    for (let l = 1; l < v.length; l++) s += v[l]!;
    for (let l = 1; l < v.length; l++)
      v[l] = Math.max(s > 0 ? v[l]! / s : 1 / (v.length - 1), pass === 0 ? floor : 0);
  }
}

export function copyParameters(p: FsParameters): FsParameters {
  return { lambda: p.lambda, m: p.m.map((x) => x.slice()), u: p.u.map((x) => x.slice()) };
}

/** Posterior match probability of each pattern under the given parameters. */
export function patternPosteriors(h: PatternHistogram, params: FsParameters): Float64Array {
  const patterns = h.counts.length;
  const out = new Float64Array(patterns);
  const logPrior = Math.log(params.lambda / (1 - params.lambda));
  for (let p = 0; p < patterns; p++) {
    let w = logPrior;
    for (let c = 0; c < h.k; c++) {
      const l = h.levels[p * h.k + c]!;
      if (l !== NULL_LEVEL) w += Math.log(params.m[c]![l]! / params.u[c]![l]!);
    }
    out[p] = 1 / (1 + Math.exp(-w));
  }
  return out;
}

/** The M step: parameters from pattern posteriors (u and lambda kept where the options fix them). */
function maximise(
  h: PatternHistogram,
  post: Float64Array,
  params: FsParameters,
  options: EmOptions,
): FsParameters {
  const { k } = h;
  const m = params.m.map((x) => new Float64Array(x.length));
  const u = params.u.map((x) => new Float64Array(x.length));
  let matches = 0;
  let total = 0;
  for (let p = 0; p < h.counts.length; p++) {
    const n = h.counts[p]!;
    const pm = post[p]! * n;
    matches += pm;
    total += n;
    for (let c = 0; c < k; c++) {
      const l = h.levels[p * k + c]!;
      if (l === NULL_LEVEL) continue;
      m[c]![l]! += pm;
      u[c]![l]! += n - pm;
    }
  }
  for (let c = 0; c < k; c++) {
    normalise(m[c]!, M_FLOOR);
    normalise(u[c]!);
  }
  return {
    lambda: options.fixLambda ? params.lambda : Math.min(Math.max(matches / total, 1e-12), 1 - 1e-12),
    m,
    u: options.fixU ? params.u.map((x) => x.slice()) : u,
  };
}

/**
 * Starting parameters from a rule of thumb rather than from guesses of m: a pair that agrees (in the upper
 * half of a comparison's levels) on most of its non-null comparisons starts as a match, any other as a
 * non-match. Starting from m guesses instead, EM can settle on "same household" (same address and phone,
 * different people) as its match class, since such pairs are as common among candidates as true matches.
 */
export function initialParameters(
  h: PatternHistogram,
  levelCounts: readonly number[],
  base: FsParameters,
  options: EmOptions,
): FsParameters {
  const { k } = h;
  const post = new Float64Array(h.counts.length);
  for (let p = 0; p < post.length; p++) {
    let present = 0;
    let agree = 0;
    for (let c = 0; c < k; c++) {
      const l = h.levels[p * k + c]!;
      if (l === NULL_LEVEL) continue;
      present++;
      if (l <= Math.ceil((levelCounts[c]! - 2) / 2)) agree++;
    }
    post[p] = present > 0 && agree / present > 0.6 ? 0.95 : 0.05;
  }
  return maximise(h, post, base, options);
}

/** Runs EM from `init` until no parameter moves by more than the tolerance. */
export function fitFellegiSunter(h: PatternHistogram, init: FsParameters, options: EmOptions): EmResult {
  let params = copyParameters(init);
  const { k } = h;
  let iterations = 0;
  let converged = false;
  while (iterations < options.maxIterations) {
    iterations++;
    const next = maximise(h, patternPosteriors(h, params), params, options);
    let change = 0;
    for (let c = 0; c < k; c++) {
      for (let l = 1; l < next.m[c]!.length; l++) {
        change = Math.max(change, Math.abs(next.m[c]![l]! - params.m[c]![l]!));
        change = Math.max(change, Math.abs(next.u[c]![l]! - params.u[c]![l]!));
      }
    }
    change = Math.max(change, Math.abs(next.lambda - params.lambda));
    params = next;
    if (change < options.tolerance) {
      converged = true;
      break;
    }
  }
  orientClasses(params);
  return { params, iterations, converged };
}

/**
 * EM does not know which latent class is "match". The matching class is the one in which the strongest
 * (first) levels are more likely; if the fit came out the other way round, swap the classes.
 */
function orientClasses(params: FsParameters) {
  let evidence = 0;
  for (let c = 0; c < params.m.length; c++) evidence += Math.log(params.m[c]![1]! / params.u[c]![1]!);
  if (evidence >= 0) return;
  const m = params.m;
  params.m = params.u;
  params.u = m;
  params.lambda = 1 - params.lambda;
}

/** Starting m: most matches at the strongest level, few at "else". */
export function initialM(levelCounts: readonly number[]): Float64Array[] {
  return levelCounts.map((count) => {
    const v = new Float64Array(count);
    const agreeing = count - 2;
    for (let l = 1; l <= agreeing; l++) v[l] = 0.9 * 0.5 ** (l - 1);
    v[count - 1] = 0.05;
    normalise(v, M_FLOOR);
    return v;
  });
}

/** Level frequencies (u among random pairs, which are almost all non-matches) from row-major levels. */
export function levelFrequencies(levels: Uint8Array, levelCounts: readonly number[]): Float64Array[] {
  const k = levelCounts.length;
  const out = levelCounts.map((count) => new Float64Array(count));
  const pairs = k === 0 ? 0 : levels.length / k;
  for (let p = 0; p < pairs; p++) {
    for (let c = 0; c < k; c++) out[c]![levels[p * k + c]!]!++;
  }
  for (const v of out) {
    // Add-half smoothing: a level never seen among random pairs is rare, not impossible.
    for (let l = 1; l < v.length; l++) v[l]! += 0.5;
    normalise(v);
  }
  return out;
}
