import { describe, expect, it } from 'vitest';
import { checkBlockingRules } from './blocking.ts';
import { LinkageSettingsError, levelLabel, resolveSettings } from './settings.ts';

const COLUMNS = ['name', 'dob', 'city'];
const VALID = {
  uniqueId: 'id',
  blocking: [['dob'], { keys: ['soundex(name)', 'city'], maxBlockSize: 200 }, 'city'],
  comparisons: [
    { column: 'name', levels: [{ type: 'exact' }, { type: 'jaro_winkler', threshold: 0.9 }], tf: true },
    {
      column: 'dob',
      levels: [
        { type: 'date', days: 0 },
        { type: 'date', days: 31 },
      ],
    },
  ],
};

/** The settings path and message of the error a settings object gets. */
function errorOf(raw: unknown, columns = COLUMNS): { path: string; message: string } {
  try {
    resolveSettings(raw, columns);
  } catch (error) {
    if (error instanceof LinkageSettingsError) return { path: error.path, message: error.message };
    throw error;
  }
  throw new Error('the settings were accepted');
}

const withComparison = (c: unknown) => ({ ...VALID, comparisons: [c] });

describe('linkage settings', () => {
  it('fill in defaults: dedupe, estimated prior, u from random pairs, thresholds 0.9 / 0.5', () => {
    const s = resolveSettings(VALID, COLUMNS);
    expect(s).toMatchObject({
      linkType: 'dedupe',
      prior: 'estimate',
      maxBlockSize: 1000,
      oneToOne: false,
      em: { u: 'random', maxIterations: 100 },
      thresholds: { match: 0.9, review: 0.5, cluster: 0.9, clusterCoherence: 0.5 },
    });
    expect(s.blocking).toEqual([
      { keys: ['dob'] },
      { keys: ['soundex(name)', 'city'], maxBlockSize: 200 },
      { keys: ['city'] },
    ]);
    expect(s.comparisons[0]).toMatchObject({ name: 'name', tf: true, tfWeight: 1 });
    expect(s.comparisons[0]!.levels.map(levelLabel)).toEqual(['exact', 'jaro_winkler>=0.9']);
  });

  it.each([
    ['not an object', [], '(root)', 'must be a JSON object'],
    ['an unknown top-level key', { ...VALID, blockng: [] }, '(root).blockng', 'unknown setting'],
    ['no comparisons', { ...VALID, comparisons: [] }, 'comparisons', 'non-empty list'],
    ['no blocking rule', { ...VALID, blocking: [] }, 'blocking', 'at least one rule'],
    ['a blocking rule of no keys', { ...VALID, blocking: [[]] }, 'blocking[0]', 'non-empty list of key'],
    [
      'a column the file lacks',
      withComparison({ column: 'surname', levels: [{ type: 'exact' }] }),
      'comparisons[0].column',
      'no column "surname"; columns are: name, dob, city',
    ],
    [
      'an unknown level type',
      withComparison({ column: 'name', levels: [{ type: 'fuzzy' }] }),
      'comparisons[0].levels[0].type',
      'must be one of exact, pinyin',
    ],
    [
      'a threshold above 1',
      withComparison({ column: 'name', levels: [{ type: 'jaro_winkler', threshold: 1.5 }] }),
      'comparisons[0].levels[0].threshold',
      'must be ≤ 1',
    ],
    [
      'a fractional edit distance',
      withComparison({ column: 'name', levels: [{ type: 'levenshtein', max: 1.5 }] }),
      'comparisons[0].levels[0].max',
      'whole number',
    ],
    [
      'a numeric level without tolerance',
      withComparison({ column: 'dob', levels: [{ type: 'numeric' }] }),
      'comparisons[0].levels[0]',
      'needs "absolute" or "relative"',
    ],
    [
      'an unknown representation',
      withComparison({ column: 'name', levels: [{ type: 'exact', on: 'metaphone' }] }),
      'comparisons[0].levels[0].on',
      'must be one of text, raw',
    ],
    [
      'a comparison name used twice',
      { ...VALID, comparisons: [VALID.comparisons[0], { ...VALID.comparisons[1], name: 'name' }] },
      'comparisons[1].name',
      'used twice',
    ],
    [
      'a review threshold above the match one',
      { ...VALID, thresholds: { match: 0.8, review: 0.9 } },
      'thresholds.review',
      'must not exceed',
    ],
    ['a prior of 1', { ...VALID, prior: 1 }, 'prior', 'strictly between 0 and 1'],
    ['an unknown u choice', { ...VALID, em: { u: 'labels' } }, 'em.u', '"candidates" or "random"'],
    ['no unique id', { ...VALID, uniqueId: '' }, 'uniqueId', 'must name the column'],
  ])('reject %s, naming the path of the bad setting', (_, raw, path, message) => {
    const error = errorOf(raw);
    expect(error.path).toBe(path);
    expect(error.message).toContain(message);
    expect(error.message.startsWith(`settings ${path}: `)).toBe(true);
  });

  it('check blocking expressions against the columns: unknown column, unknown function, bad prefix', () => {
    const columns = new Set(COLUMNS);
    const check = (keys: string[]) => () => checkBlockingRules([{ keys }], columns);
    expect(check(['year(dob)', 'prefix(soundex(name), 2)', 'tokens(city)'])).not.toThrow();
    expect(check(['surname'])).toThrow(/blocking\[0\]: "surname" is neither a column \(name, dob, city\)/);
    expect(check(['metaphone(name)'])).toThrow(/unknown key function "metaphone"/);
    expect(check(['prefix(name)'])).toThrow(/prefix\(expression, length\) needs a length/);
    expect(check(['prefix(tokens(city), 2)'])).toThrow(/tokens\(…\) must be the outermost/);
    expect(check(['tokens(city)', 'tokens(name)'])).toThrow(/tokens\(…\) at most once/);
  });
});
