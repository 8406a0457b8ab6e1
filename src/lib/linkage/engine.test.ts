import { describe, expect, it, vi } from 'vitest';
import { buildAutoSettings } from './auto-settings.ts';
import { runLinkage } from './engine.ts';
import { clusterPairScores, linkPairScores } from './evaluate.ts';
import { resolveSettings } from './settings.ts';
import { generateChinesePeople, generateEnglishPeople, type SyntheticDataset } from './synthetic.ts';

/** The dataset's columns without the record id, and its ids. */
function recordsOf(ds: SyntheticDataset) {
  const columns = new Map(ds.header.slice(1).map((h, i) => [h, ds.columns[i + 1]!]));
  return { columns, ids: ds.columns[0]! };
}

function autoSettings(ds: SyntheticDataset, linkType: 'dedupe' | 'link' = 'dedupe', leftCount?: number) {
  const { columns, ids } = recordsOf(ds);
  const auto = buildAutoSettings({
    columns,
    recordCount: ids.length,
    leftCount,
    linkType,
    uniqueId: ds.header[0]!,
  });
  return resolveSettings(auto.settings, [...columns.keys()]);
}

vi.setConfig({ testTimeout: 180_000 }); // generous on a shared, busy machine

describe('record linkage end to end (auto settings, EM without labels)', () => {
  it('deduplicates generated Chinese people (homophones, pinyin names, 15-digit IDs) with F1 ≥ 0.97', () => {
    const ds = generateChinesePeople({ records: 20_000, seed: 11 });
    const result = runLinkage(recordsOf(ds), autoSettings(ds));
    const scores = clusterPairScores(result.clusterOf!, ds.truth);
    expect(scores.precision).toBeGreaterThan(0.98);
    expect(scores.recall).toBeGreaterThan(0.96);
    expect(scores.f1).toBeGreaterThanOrEqual(0.97);
    // The name comparison learned that a pinyin (homophone) agreement is strong evidence, and disagreement on
    // an ID number strong evidence against.
    const name = result.comparisons.find((c) => c.name === 'name')!;
    expect(name.levels.find((l) => l.label === 'pinyin')!.weight).toBeGreaterThan(5);
    const id = result.comparisons.find((c) => c.name === 'id_number')!;
    expect(id.levels.at(-1)!.weight).toBeLessThan(-5);
  });

  it('deduplicates FEBRL-style English people with F1 ≥ 0.98', () => {
    const ds = generateEnglishPeople({ records: 20_000, seed: 12 });
    const result = runLinkage(recordsOf(ds), autoSettings(ds));
    expect(clusterPairScores(result.clusterOf!, ds.truth).f1).toBeGreaterThanOrEqual(0.98);
  });

  it('links two files: only cross pairs, each side’s records, and one-to-one when asked', () => {
    const ds = generateEnglishPeople({ records: 6000, seed: 13 });
    // Left: the first record of each person; right: the others (so true pairs cross the files).
    const first = new Map<number, number>();
    ds.truth.forEach((t, r) => {
      if (!first.has(t)) first.set(t, r);
    });
    const leftRows = [...first.values()];
    const isLeft = new Set(leftRows);
    const rightRows = ds.truth.map((_, r) => r).filter((r) => !isLeft.has(r));
    const order = [...leftRows, ...rightRows];
    const reordered: SyntheticDataset = {
      header: ds.header,
      columns: ds.columns.map((col) => order.map((r) => col[r]!)),
      truth: Int32Array.from(order, (r) => ds.truth[r]!),
    };
    const settings = { ...autoSettings(reordered, 'link', leftRows.length), oneToOne: true };
    const result = runLinkage({ ...recordsOf(reordered), leftCount: leftRows.length }, settings);
    for (let p = 0; p < result.a.length; p++) {
      expect(result.a[p]).toBeLessThan(leftRows.length);
      expect(result.b[p]).toBeGreaterThanOrEqual(leftRows.length);
    }
    const truePairs = rightRows.length; // each right record's person is on the left exactly once
    const scores = linkPairScores(result.a, result.b, result.isMatch, reordered.truth, truePairs);
    // One-to-one keeps one left match per right record and vice versa; people with three records have two
    // right records for one left, so recall is bounded by the share of people with two records at most.
    const matchedRight = new Set<number>();
    for (let p = 0; p < result.a.length; p++) {
      if (!result.isMatch[p]) continue;
      expect(matchedRight.has(result.b[p]!)).toBe(false);
      matchedRight.add(result.b[p]!);
    }
    expect(scores.precision).toBeGreaterThan(0.98);
    expect(result.clusterOf).toBeUndefined();
  });

  it('keeps the evidence of each pair: per-comparison levels and weights that add up to its match weight', () => {
    const ds = generateEnglishPeople({ records: 2000, seed: 14 });
    const result = runLinkage(recordsOf(ds), autoSettings(ds));
    const prior = Math.log2(result.lambda / (1 - result.lambda));
    let checked = 0;
    for (let p = 0; p < result.a.length && checked < 200; p++, checked++) {
      const evidence = result.evidence(p);
      expect(evidence.map((e) => e.comparison)).toEqual(result.comparisons.map((c) => c.name));
      const sum = evidence.reduce((s, e) => s + e.weight, prior);
      expect(sum).toBeCloseTo(result.matchWeight[p]!, 9);
      expect(result.matchProbability[p]).toBeCloseTo(1 / (1 + 2 ** -result.matchWeight[p]!), 12);
      for (const e of evidence) if (e.level === 'null') expect(e.weight).toBe(0);
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('keeps clerical decisions: a split match is no match, a confirmed pair outside every block matches', () => {
    const ds = generateEnglishPeople({ records: 2000, seed: 16 });
    const settings = autoSettings(ds);
    const before = runLinkage(recordsOf(ds), settings);
    let matchPair = -1;
    for (let p = 0; p < before.a.length && matchPair < 0; p++) if (before.isMatch[p]) matchPair = p;
    const [x, y] = [before.a[matchPair]!, before.b[matchPair]!];
    // Two records of different people that no blocking rule pairs.
    const compared = new Set(Array.from(before.a, (a, p) => a * 2000 + before.b[p]!));
    let far: [number, number] | undefined;
    for (let i = 0; i < 2000 && !far; i++)
      for (let j = i + 1; j < 2000 && !far; j++)
        if (
          !compared.has(i * 2000 + j) &&
          ds.truth[i] !== ds.truth[j] &&
          before.clusterOf![i] === i &&
          before.clusterOf![j] === j
        )
          far = [i, j];
    const after = runLinkage(recordsOf(ds), settings, {
      decisions: [
        { a: y, b: x, decision: 'split' },
        { a: far![0], b: far![1], decision: 'confirm' },
      ],
    });
    const pairOf = (i: number, j: number) => {
      for (let p = 0; p < after.a.length; p++) if (after.a[p] === i && after.b[p] === j) return p;
      return -1;
    };
    const split = pairOf(x, y);
    expect(after.decided[split]).toBe(2);
    expect(after.isMatch[split]).toBe(0);
    expect(after.matchWeight[split]).toBeCloseTo(before.matchWeight[matchPair]!, 3); // the model's evidence stays
    expect(after.clusterOf![x]).not.toBe(after.clusterOf![y]);
    const confirmed = pairOf(far![0], far![1]);
    expect(after.decided[confirmed]).toBe(1);
    expect(after.isMatch[confirmed]).toBe(1);
    expect(after.clusterOf![far![1]]).toBe(after.clusterOf![far![0]]);
    expect(after.candidatePairs).toBe(before.candidatePairs + 1);
  });

  it('gives the same result on every run (seeded sampling)', () => {
    const ds = generateEnglishPeople({ records: 3000, seed: 15 });
    const settings = autoSettings(ds);
    const one = runLinkage(recordsOf(ds), settings);
    const two = runLinkage(recordsOf(ds), settings);
    expect(Array.from(two.clusterOf!)).toEqual(Array.from(one.clusterOf!));
    expect(Array.from(two.matchWeight)).toEqual(Array.from(one.matchWeight));
  });

  it('gives common values less weight than rare ones when term-frequency adjustment is on', () => {
    const surnames = [
      ...Array(40).fill('smith'),
      'zabrowski',
      'zabrowski',
      ...Array.from({ length: 38 }, (_, i) => `name${i}`),
    ];
    surnames.push('smith');
    const n = surnames.length;
    const city = Array.from({ length: n }, (_, i) => `city${i % 7}`);
    const settings = resolveSettings(
      {
        uniqueId: 'id',
        blocking: [['surname']],
        comparisons: [
          { column: 'surname', levels: [{ type: 'exact' }], tf: true },
          { column: 'city', levels: [{ type: 'exact' }] },
        ],
        em: { randomPairs: 1000 },
      },
      ['surname', 'city'],
    );
    const result = runLinkage(
      {
        columns: new Map([
          ['surname', surnames],
          ['city', city],
        ]),
        ids: surnames.map((_, i) => String(i)),
      },
      settings,
    );
    const weightOf = (x: number, y: number) => {
      for (let p = 0; p < result.a.length; p++)
        if (result.a[p] === x && result.b[p] === y) return result.evidence(p)[0]!.weight;
      throw new Error('pair not compared');
    };
    expect(weightOf(40, 41)).toBeGreaterThan(weightOf(0, 1) + 3); // zabrowski vs smith
  });
});
