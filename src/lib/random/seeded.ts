// Seeded pseudo-random numbers for generated demo, test and benchmark data and for random sampling inside
// algorithms: the same seed gives the same numbers on every run and every machine, so demo districts, fixtures
// and benchmark inputs never depend on Math.random. Not for anything secret (use node:crypto for that).
//
// Two generators with different sequences live here because data already depends on each of them:
// mulberry32 (32-bit state, the default everywhere) and xorshift32 (the demo service deliveries). Changing
// either one changes the generated demo district, so neither is ever edited in place; add a new one instead.

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

const MULBERRY32_STEP = 0x6d2b79f5;

/** mulberry32's output for a state (the state has already been advanced). */
function mulberry32Output(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** mulberry32: the default seeded generator. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + MULBERRY32_STEP) >>> 0;
    return mulberry32Output(state);
  };
}

/** xorshift32 (13, 17, 5): a different sequence from seededRandom for the same seed; seed 0 is taken as 1. */
export function xorshift32(seed: number): Random {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** A whole number in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/**
 * A stable number in [0, 1) from an id and a salt, with no generator state (murmur3's finaliser): the same id
 * always gets the same number whatever order ids are visited in, and different salts are independent.
 */
export function hashUniform(id: number, salt: number): number {
  let h = Math.imul(id ^ Math.imul(salt, 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** mulberry32 (the same sequence as seededRandom for a seed) with the draws the demo generators use. */
export class SeededRandom {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + MULBERRY32_STEP) >>> 0;
    return mulberry32Output(this.#state);
  }

  /** A whole number in [min, maxInclusive]. */
  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight from [value, weight] pairs. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>, total?: number): T {
    const sum = total ?? items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * sum;
    for (const [value, w] of items) {
      r -= w;
      if (r < 0) return value;
    }
    return items[items.length - 1]![0];
  }

  /** Normal deviate (Box–Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
