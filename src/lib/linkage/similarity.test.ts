import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler, levenshtein, sortedJaccard, soundex, weightedCosine } from './similarity.ts';

describe('Jaro and Jaro–Winkler', () => {
  it('give the published values of Winkler (1990): MARTHA/MARHTA, DWAYNE/DUANE, DIXON/DICKSONX', () => {
    expect(jaro('MARTHA', 'MARHTA')).toBeCloseTo(0.9444, 4);
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 4);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.8133, 4);
  });

  it('are 1 for equal strings, 0 with nothing in common or one side empty, and symmetric', () => {
    expect(jaroWinkler('smith', 'smith')).toBe(1);
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('abc', '')).toBe(0);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('jonathan', 'johnathan')).toBeCloseTo(jaroWinkler('johnathan', 'jonathan'), 12);
  });

  it('count a Chinese character as one unit (张晓明 / 张小明 share two of three)', () => {
    expect(jaro('张晓明', '张小明')).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3, 12);
  });

  it('handle strings longer than the scratch buffers', () => {
    const long = 'x'.repeat(500);
    expect(jaroWinkler(long, `${long}y`)).toBeGreaterThan(0.99);
  });
});

describe('bounded Levenshtein', () => {
  it('is the edit distance (kitten → sitting = 3) and gives up past the bound with max + 1', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('kitten', 'sitting', 1)).toBe(2);
    expect(levenshtein('abc', 'abcdef', 2)).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same', 0)).toBe(0);
    expect(levenshtein('19900307', '19900370', 2)).toBe(2);
  });
});

describe('token-set similarities', () => {
  // Two sets as sorted slices of one array: {1,2,3} and {2,3,4,5}.
  const tokens = Int32Array.from([1, 2, 3, 2, 3, 4, 5]);

  it('Jaccard is |A∩B| / |A∪B|', () => {
    expect(sortedJaccard(tokens, 0, 3, 3, 7)).toBeCloseTo(2 / 5, 12);
    expect(sortedJaccard(tokens, 0, 3, 0, 3)).toBe(1);
  });

  it('cosine weights shared tokens by their idf and divides by the norms', () => {
    const idf = Float64Array.from([0, 1, 2, 3, 1, 1]);
    const norm = (ids: number[]) => Math.sqrt(ids.reduce((s, t) => s + idf[t]! ** 2, 0));
    const expected = (2 ** 2 + 3 ** 2) / (norm([1, 2, 3]) * norm([2, 3, 4, 5]));
    expect(weightedCosine(tokens, idf, 0, 3, norm([1, 2, 3]), 3, 7, norm([2, 3, 4, 5]))).toBeCloseTo(
      expected,
      12,
    );
  });
});

describe('Soundex', () => {
  it('codes the standard examples (h and w do not separate equal codes)', () => {
    expect(['Robert', 'Rupert', 'Ashcraft', 'Tymczak', 'Pfister', 'Honeyman', 'Lee'].map(soundex)).toEqual([
      'R163',
      'R163',
      'A261',
      'T522',
      'P236',
      'H555',
      'L000',
    ]);
  });

  it('uses the first word only and gives "" when there is no Latin letter', () => {
    expect(soundex('smith john')).toBe(soundex('smith'));
    expect(soundex('张伟')).toBe('');
    expect(soundex('')).toBe('');
  });
});
