import { describe, expect, it } from 'vitest';
import { BlockingError, candidatePairs, ruleKeys } from './blocking.ts';
import { ColumnEncoder } from './encode.ts';
import type { BlockingRule } from './settings.ts';

// Eight records; in link mode 0–3 are the left file and 4–7 the right.
const COLUMNS = new Map<string, string[]>([
  ['surname', ['Smith', 'smith', 'Smyth', 'Jones', 'SMITH', 'Jones', '', 'Brown']],
  ['dob', ['1980-01-02', '19800102', '1980-01-02', '1975-05-05', '1980/1/2', '1975-05-05', '1980-01-02', '']],
  ['city', ['Salem', 'Salem', 'Salem', 'Bristol', 'Salem', 'Bristol', 'Salem', 'Salem']],
  ['street', ['12 oak road', 'oak rd', 'main street', 'main street', '3 oak lane', 'elm road', '', 'elm']],
]);

function pairsOf(
  rules: BlockingRule[],
  options: { leftCount?: number; maxBlockSize?: number; maxPairs?: number } = {},
) {
  const result = candidatePairs({
    encoder: new ColumnEncoder(COLUMNS, 8),
    rules,
    leftCount: options.leftCount,
    maxBlockSize: options.maxBlockSize ?? 100,
    maxPairs: options.maxPairs ?? 1000,
  });
  return { pairs: Array.from(result.a, (a, p) => `${a}-${result.b[p]}`), rules: result.rules };
}

describe('blocking', () => {
  it('pairs the records that share a normalised key; missing keys pair with nothing', () => {
    // text(surname): smith = 0, 1, 4; jones = 3, 5; record 6 has no surname.
    expect(pairsOf([{ keys: ['surname'] }]).pairs).toEqual(['0-1', '0-4', '1-4', '3-5']);
  });

  it('ANDs the keys of a rule and compares dates in any style', () => {
    expect(pairsOf([{ keys: ['date(dob)', 'soundex(surname)'] }]).pairs).toEqual([
      '0-1',
      '0-2',
      '0-4',
      '1-2',
      '1-4',
      '2-4',
      '3-5',
    ]);
  });

  it('ORs rules and keeps each pair once, sorted, with per-rule counts', () => {
    const { pairs, rules } = pairsOf([{ keys: ['surname'] }, { keys: ['date(dob)'] }]);
    expect(pairs).toEqual(['0-1', '0-2', '0-4', '0-6', '1-2', '1-4', '1-6', '2-4', '2-6', '3-5', '4-6']);
    expect(rules.map((r) => [r.rule, r.pairs])).toEqual([
      ['surname', 4],
      ['date(dob)', 11],
    ]);
  });

  it('makes only cross pairs in link mode', () => {
    expect(pairsOf([{ keys: ['surname'] }], { leftCount: 4 }).pairs).toEqual(['0-4', '1-4', '3-5']);
  });

  it('skips and reports blocks above the size cap', () => {
    const { pairs, rules } = pairsOf([{ keys: ['city'] }], { maxBlockSize: 5 });
    expect(pairs).toEqual(['3-5']);
    expect(rules[0]).toMatchObject({ skippedBlocks: 1, largestSkippedBlock: 6, blocks: 1, pairs: 1 });
  });

  it('tokens(…) pairs records sharing any word, prefix/suffix work on derived keys', () => {
    expect(pairsOf([{ keys: ['tokens(street)'] }]).pairs).toEqual(['0-1', '0-4', '0-5', '1-4', '2-3', '5-7']);
    expect(pairsOf([{ keys: ['prefix(soundex(surname), 2)', 'city'] }]).pairs).toEqual([
      '0-1',
      '0-2',
      '0-4',
      '1-2',
      '1-4',
      '2-4',
      '3-5',
    ]);
    expect(pairsOf([{ keys: ['suffix(date(dob), 4)', 'city'] }]).pairs).toContain('0-6');
  });

  it('stops with advice when the candidate pairs exceed the limit', () => {
    expect(() => pairsOf([{ keys: ['city'] }], { maxPairs: 10 })).toThrow(BlockingError);
    expect(() => pairsOf([{ keys: ['city'] }], { maxPairs: 10 })).toThrow(/make the rules stricter/);
  });

  it('gives each record its keys in CSR form (several for tokens)', () => {
    const enc = new ColumnEncoder(COLUMNS, 8);
    const { keyStart } = ruleKeys(['tokens(street)'], enc, 'blocking[0]');
    expect(Array.from(keyStart)).toEqual([0, 3, 5, 7, 9, 12, 14, 14, 15]);
  });
});
