// Comparisons compiled against encoded columns: for a record pair, the level each comparison reaches
// (0 = null, 1…L = the configured levels in order, L+1 = "else"). Compiled once; the closures read typed
// arrays by record index, so evaluating a pair allocates nothing.
import type { ColumnEncoder, EncodedForm, KeyedColumn } from './encode.ts';
import { type ComparisonSpec, type LevelSpec, levelLabel } from './settings.ts';
import { jaroWinkler, levenshtein, sortedJaccard, weightedCosine } from './similarity.ts';

export const NULL_LEVEL = 0;

type PairTest = (i: number, j: number) => boolean;

export interface CompiledComparison {
  spec: ComparisonSpec;
  /** Levels including null (0) and else (last). */
  levelCount: number;
  labels: string[];
  /** True for levels that test equality of a value, where term-frequency adjustment applies. */
  equalityLevel: boolean[];
  levelOf(i: number, j: number): number;
  /** For term-frequency adjustment: the value id of record i at an equality level, -1 if none. */
  tfValue: (Int32Array | null)[];
  /** The column the tf value ids index, per level. */
  tfColumn: (KeyedColumn | null)[];
}

function equalIds(ids: Int32Array): PairTest {
  return (i, j) => {
    const a = ids[i]!;
    return a >= 0 && a === ids[j]!;
  };
}

function stringTest(keyed: KeyedColumn, accept: (a: string, b: string) => boolean): PairTest {
  const { ids, values } = keyed;
  return (i, j) => {
    const a = ids[i]!;
    const b = ids[j]!;
    if (a < 0 || b < 0) return false;
    return a === b || accept(values[a]!, values[b]!);
  };
}

function compileLevel(enc: ColumnEncoder, column: string, level: LevelSpec): PairTest {
  switch (level.type) {
    case 'exact':
      return equalIds(enc.keyedColumn(column, level.on ?? 'text').ids);
    case 'id_number':
      return equalIds(enc.keyedColumn(column, 'id18').ids);
    case 'pinyin': {
      const straight = enc.keyedColumn(column, 'pinyin').ids;
      const swapped = enc.keyedColumn(column, 'pinyin_swap').ids;
      return (i, j) => {
        const a = straight[i]!;
        if (a >= 0 && a === straight[j]!) return true;
        const s = swapped[i]!;
        return s >= 0 && s === swapped[j]!;
      };
    }
    case 'jaro_winkler': {
      const t = level.threshold;
      return stringTest(enc.keyedColumn(column, level.on ?? 'text'), (a, b) => jaroWinkler(a, b) >= t);
    }
    case 'levenshtein': {
      const k = level.max;
      return stringTest(enc.keyedColumn(column, level.on ?? 'text'), (a, b) => levenshtein(a, b, k) <= k);
    }
    case 'numeric': {
      const x = enc.numberColumn(column);
      const abs = level.absolute ?? -1;
      const rel = level.relative ?? -1;
      return (i, j) => {
        const a = x[i]!;
        const b = x[j]!;
        if (Number.isNaN(a) || Number.isNaN(b)) return false;
        const d = Math.abs(a - b);
        return d <= abs || d <= rel * Math.max(Math.abs(a), Math.abs(b));
      };
    }
    case 'date': {
      const days = enc.dayColumn(column);
      const tolerance = level.days;
      return (i, j) => Math.abs(days[i]! - days[j]!) <= tolerance; // false when either is NaN
    }
    case 'jaccard':
    case 'cosine': {
      const form = level.on ?? 'text';
      const keyed = enc.keyedColumn(column, form);
      const sets = enc.tokenSetsOf(column, form, level.tokens ?? 'words');
      const { ids } = keyed;
      const { offsets, tokens, idf, norms } = sets;
      const t = level.threshold;
      if (level.type === 'jaccard') {
        return (i, j) => {
          const a = ids[i]!;
          const b = ids[j]!;
          if (a < 0 || b < 0) return false;
          if (a === b) return true;
          return sortedJaccard(tokens, offsets[a]!, offsets[a + 1]!, offsets[b]!, offsets[b + 1]!) >= t;
        };
      }
      return (i, j) => {
        const a = ids[i]!;
        const b = ids[j]!;
        if (a < 0 || b < 0) return false;
        if (a === b) return true;
        const sim = weightedCosine(
          tokens,
          idf,
          offsets[a]!,
          offsets[a + 1]!,
          norms[a]!,
          offsets[b]!,
          offsets[b + 1]!,
          norms[b]!,
        );
        return sim >= t;
      };
    }
  }
}

/** The form whose absence makes a comparison null: that of its first level. */
function presenceTest(enc: ColumnEncoder, column: string, level: LevelSpec): (i: number) => boolean {
  let form: EncodedForm;
  switch (level.type) {
    case 'numeric': {
      const x = enc.numberColumn(column);
      return (i) => !Number.isNaN(x[i]!);
    }
    case 'date': {
      const d = enc.dayColumn(column);
      return (i) => !Number.isNaN(d[i]!);
    }
    case 'pinyin':
      form = 'pinyin';
      break;
    case 'id_number':
      form = 'id18';
      break;
    default:
      form = level.on ?? 'text';
  }
  const ids = enc.keyedColumn(column, form).ids;
  return (i) => ids[i]! >= 0;
}

function tfIdsOf(enc: ColumnEncoder, column: string, level: LevelSpec): KeyedColumn | null {
  switch (level.type) {
    case 'exact':
      return enc.keyedColumn(column, level.on ?? 'text');
    case 'id_number':
      return enc.keyedColumn(column, 'id18');
    case 'pinyin':
      return enc.keyedColumn(column, 'pinyin');
    default:
      return null;
  }
}

export function compileComparison(enc: ColumnEncoder, spec: ComparisonSpec): CompiledComparison {
  const tests = spec.levels.map((l) => compileLevel(enc, spec.column, l));
  const present = presenceTest(enc, spec.column, spec.levels[0]!);
  const elseLevel = tests.length + 1;
  const levelOf = (i: number, j: number): number => {
    if (!present(i) || !present(j)) return NULL_LEVEL;
    for (let l = 0; l < tests.length; l++) if (tests[l]!(i, j)) return l + 1;
    return elseLevel;
  };
  const tfColumn = [null, ...spec.levels.map((l) => (spec.tf ? tfIdsOf(enc, spec.column, l) : null)), null];
  return {
    spec,
    levelCount: tests.length + 2,
    labels: ['null', ...spec.levels.map(levelLabel), 'else'],
    equalityLevel: [false, ...spec.levels.map((l) => tfIdsOf(enc, spec.column, l) !== null), false],
    levelOf,
    tfValue: tfColumn.map((c) => c?.ids ?? null),
    tfColumn,
  };
}

/**
 * Levels of every comparison for pairs (a[p], b[p]), row-major: `out[p * k + c]`. `onProgress` is called
 * every million pairs.
 */
export function comparePairs(
  comparisons: readonly CompiledComparison[],
  a: Int32Array,
  b: Int32Array,
  onProgress?: (done: number) => void,
): Uint8Array {
  const k = comparisons.length;
  const n = a.length;
  const out = new Uint8Array(n * k);
  for (let c = 0; c < k; c++) {
    const levelOf = comparisons[c]!.levelOf;
    for (let p = 0; p < n; p++) {
      out[p * k + c] = levelOf(a[p]!, b[p]!);
      if (onProgress && c === k - 1 && (p & 0xffff) === 0) onProgress(p);
    }
  }
  return out;
}
