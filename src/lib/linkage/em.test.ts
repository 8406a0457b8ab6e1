import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random/seeded.ts';
import { NULL_LEVEL } from './compare.ts';
import {
  type EmOptions,
  fitFellegiSunter,
  initialM,
  initialParameters,
  levelFrequencies,
  patternHistogram,
  patternPosteriors,
} from './em.ts';

// A known two-class mixture: three comparisons, each with levels null (0), strong (1), weak (2), else (3).
const LEVEL_COUNTS = [4, 4, 4];
const TRUE_M = [
  [0, 0.85, 0.1, 0.05],
  [0, 0.7, 0.2, 0.1],
  [0, 0.9, 0.05, 0.05],
];
const TRUE_U = [
  [0, 0.02, 0.08, 0.9],
  [0, 0.05, 0.15, 0.8],
  [0, 0.01, 0.04, 0.95],
];
const LAMBDA = 0.1;

function draw(random: () => number, probabilities: number[]): number {
  let x = random();
  for (let l = 1; l < probabilities.length; l++) {
    x -= probabilities[l]!;
    if (x < 0) return l;
  }
  return probabilities.length - 1;
}

/** Pairs drawn from the mixture, with 5% of values missing at random. */
function mixturePairs(pairs: number, seed: number) {
  const random = seededRandom(seed);
  const k = LEVEL_COUNTS.length;
  const levels = new Uint8Array(pairs * k);
  const isMatch = new Uint8Array(pairs);
  for (let p = 0; p < pairs; p++) {
    isMatch[p] = random() < LAMBDA ? 1 : 0;
    for (let c = 0; c < k; c++) {
      levels[p * k + c] = random() < 0.05 ? NULL_LEVEL : draw(random, (isMatch[p] ? TRUE_M : TRUE_U)[c]!);
    }
  }
  return { levels, isMatch, k };
}

const OPTIONS: EmOptions = { maxIterations: 500, tolerance: 1e-7, fixU: false };

describe('Fellegi–Sunter EM', () => {
  const { levels, isMatch, k } = mixturePairs(40_000, 7);
  const histogram = patternHistogram(levels, k);

  it('reduces pairs to distinct level patterns whose counts add up to the pairs', () => {
    expect(histogram.counts.length).toBeLessThanOrEqual(4 ** 3);
    expect(histogram.counts.reduce((s, c) => s + c, 0)).toBe(40_000);
  });

  it('recovers m, u and the match share of a known mixture without labels', () => {
    const base = {
      lambda: 0.5,
      m: initialM(LEVEL_COUNTS),
      u: LEVEL_COUNTS.map((n) => new Float64Array(n).fill(1 / (n - 1))),
    };
    const fit = fitFellegiSunter(
      histogram,
      initialParameters(histogram, LEVEL_COUNTS, base, OPTIONS),
      OPTIONS,
    );
    expect(fit.converged).toBe(true);
    expect(fit.params.lambda).toBeCloseTo(LAMBDA, 2);
    for (let c = 0; c < k; c++) {
      for (let l = 1; l < 4; l++) {
        expect(Math.abs(fit.params.m[c]![l]! - TRUE_M[c]![l]!)).toBeLessThan(0.03);
        expect(Math.abs(fit.params.u[c]![l]! - TRUE_U[c]![l]!)).toBeLessThan(0.01);
      }
    }
    // The fitted model classifies the drawn pairs almost as well as the truth allows.
    const post = patternPosteriors(histogram, fit.params);
    const index = new Map<string, number>();
    for (let p = 0; p < histogram.counts.length; p++)
      index.set(histogram.levels.subarray(p * k, p * k + k).join(','), p);
    let wrong = 0;
    for (let p = 0; p < isMatch.length; p++) {
      const posterior = post[index.get(levels.subarray(p * k, p * k + k).join(','))!]!;
      if ((posterior >= 0.5 ? 1 : 0) !== isMatch[p]) wrong++;
    }
    expect(wrong / isMatch.length).toBeLessThan(0.02);
  });

  it('names the agreeing class "match" even when started the wrong way round', () => {
    const swapped = {
      lambda: 0.9,
      m: LEVEL_COUNTS.map((n) => Float64Array.from({ length: n }, (_, l) => (l === n - 1 ? 0.9 : 0.05))),
      u: initialM(LEVEL_COUNTS),
    };
    const fit = fitFellegiSunter(histogram, swapped, OPTIONS);
    expect(fit.params.lambda).toBeCloseTo(LAMBDA, 2);
    expect(fit.params.m[0]![1]!).toBeGreaterThan(0.8);
  });

  it('keeps u and lambda fixed when asked', () => {
    const u = LEVEL_COUNTS.map((n) => new Float64Array(n).fill(1 / (n - 1)));
    const fit = fitFellegiSunter(
      histogram,
      { lambda: 0.2, m: initialM(LEVEL_COUNTS), u },
      { ...OPTIONS, fixU: true, fixLambda: true },
    );
    expect(fit.params.lambda).toBe(0.2);
    expect(Array.from(fit.params.u[1]!)).toEqual(Array.from(u[1]!));
  });

  it('estimates level frequencies with add-half smoothing, so an unseen level is rare, not impossible', () => {
    // Two comparisons of 3 levels (null, agree, else); comparison 0 never agrees among these pairs.
    const pairs = Uint8Array.from([2, 1, 2, 2, 2, 1, 0, 2]);
    const [first, second] = levelFrequencies(pairs, [3, 3]);
    expect(first![1]).toBeCloseTo(0.5 / 4, 6);
    expect(first![2]).toBeCloseTo(3.5 / 4, 6);
    expect(second![1]).toBeCloseTo(2.5 / 5, 6);
  });
});
