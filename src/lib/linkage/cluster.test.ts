import { describe, expect, it } from 'vitest';
import { CONFIRMED, clusterPairs, oneToOneMatches, SPLIT } from './cluster.ts';

const pairs = (list: [number, number, number][]) => ({
  a: Int32Array.from(list.map((p) => p[0])),
  b: Int32Array.from(list.map((p) => p[1])),
  p: Float64Array.from(list.map((p) => p[2])),
});

describe('clustering of scored pairs', () => {
  it('joins records through matches transitively and labels each cluster by its first record', () => {
    const { a, b, p } = pairs([
      [0, 3, 0.99],
      [3, 5, 0.95],
      [1, 2, 0.97],
      [2, 4, 0.3],
    ]);
    const c = clusterPairs(6, a, b, p, { threshold: 0.9, coherence: 0.5 });
    expect(Array.from(c.clusterOf)).toEqual([0, 1, 1, 0, 4, 0]);
    expect(c.clusters).toBe(3);
    expect(c.refusedMerges).toBe(0);
  });

  it('refuses a merge whose scored cross pairs are on average non-matches (no chaining of two people)', () => {
    // 0–1 and 2–3 are two people; one stray link 1–2 would chain them, but 0–2, 0–3 and 1–3 were scored low.
    const { a, b, p } = pairs([
      [0, 1, 0.99],
      [2, 3, 0.99],
      [1, 2, 0.92],
      [0, 2, 0.01],
      [0, 3, 0.02],
      [1, 3, 0.05],
    ]);
    const guarded = clusterPairs(4, a, b, p, { threshold: 0.9, coherence: 0.5 });
    expect(Array.from(guarded.clusterOf)).toEqual([0, 0, 2, 2]);
    expect(guarded.refusedMerges).toBe(1);
    const unguarded = clusterPairs(4, a, b, p, { threshold: 0.9, coherence: 0 });
    expect(Array.from(unguarded.clusterOf)).toEqual([0, 0, 0, 0]);
  });

  it('does not count pairs that were never compared as evidence against a merge', () => {
    const { a, b, p } = pairs([
      [0, 1, 0.99],
      [1, 2, 0.95],
    ]);
    expect(Array.from(clusterPairs(3, a, b, p, { threshold: 0.9, coherence: 0.9 }).clusterOf)).toEqual([
      0, 0, 0,
    ]);
  });

  it('follows clerical decisions: a split pair never shares a cluster, a confirmed one skips the guard', () => {
    // 0–1 strong, 1–2 strong: one cluster by the model. A reviewer split 0–2, so 2 stays apart.
    const { a, b, p } = pairs([
      [0, 1, 0.99],
      [0, 2, 0],
      [1, 2, 0.98],
      [3, 4, 1],
      [3, 5, 0.01],
      [4, 5, 0.01],
    ]);
    const decided = Uint8Array.from([0, SPLIT, 0, 0, 0, 0]);
    const split = clusterPairs(6, a, b, p, { threshold: 0.9, coherence: 0, decided });
    expect(Array.from(split.clusterOf).slice(0, 3)).toEqual([0, 0, 2]);
    // 3–5 confirmed (probability 1) joins although its cross pairs average far below the coherence bar.
    p[4] = 1;
    decided[4] = CONFIRMED;
    const confirmed = clusterPairs(6, a, b, p, { threshold: 0.9, coherence: 0.9, decided });
    expect(Array.from(confirmed.clusterOf).slice(3)).toEqual([3, 3, 3]);
  });

  it('leaves every record its own cluster when nothing matches', () => {
    const c = clusterPairs(3, new Int32Array(0), new Int32Array(0), new Float64Array(0), {
      threshold: 0.9,
      coherence: 0.5,
    });
    expect(Array.from(c.clusterOf)).toEqual([0, 1, 2]);
    expect(c.clusters).toBe(3);
  });
});

describe('one-to-one matching', () => {
  it('keeps for each record its best match, strongest pairs first', () => {
    // Left records 0, 1; right records 2, 3. 0–2 is best; 1 then takes 3, not 2.
    const { a, b, p } = pairs([
      [0, 2, 0.99],
      [0, 3, 0.95],
      [1, 2, 0.97],
      [1, 3, 0.91],
    ]);
    expect(Array.from(oneToOneMatches(4, a, b, p, 0.9))).toEqual([1, 0, 0, 1]);
    expect(Array.from(oneToOneMatches(4, a, b, p, 0.92))).toEqual([1, 0, 0, 0]);
  });
});
