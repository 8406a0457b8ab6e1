// Column encodings: each (column, representation) is normalised once and interned, so that the per-pair hot
// loop compares small integers and reads strings and typed arrays by index, never normalising or allocating.
import {
  bigramTokens,
  canonicalIdNumber,
  daysToCompactDate,
  digitsOnly,
  initialsKey,
  normaliseAddress,
  normaliseText,
  parseDateDays,
  parseNumber,
  phoneDigits,
  pinyinKey,
  pinyinSwapKey,
  wordTokens,
} from './normalise.ts';
import type { Representation, TokenKind } from './settings.ts';
import { soundex } from './similarity.ts';

/** Representations, plus the order-free pinyin key used by the pinyin level. */
export type EncodedForm = Representation | 'pinyin_swap';

const TRANSFORMS: Record<EncodedForm, (raw: string) => string> = {
  text: normaliseText,
  raw: (s) => s.trim(),
  pinyin: pinyinKey,
  pinyin_swap: pinyinSwapKey,
  digits: digitsOnly,
  phone: phoneDigits,
  id18: canonicalIdNumber,
  date: (s) => {
    const d = parseDateDays(s);
    return Number.isNaN(d) ? '' : daysToCompactDate(d);
  },
  soundex: (s) => soundex(normaliseText(s)),
  initials: initialsKey,
  address: normaliseAddress,
};

export function transformValue(form: EncodedForm, raw: string): string {
  return TRANSFORMS[form](raw);
}

/** Interned values of one column in one form: `ids[record]` indexes `values`, -1 where the value is missing. */
export interface KeyedColumn {
  ids: Int32Array;
  values: string[];
  /** Records holding each value, for term frequencies. */
  counts: Int32Array;
}

/** Token sets of the distinct values of a KeyedColumn, as sorted slices of one array (CSR layout). */
export interface TokenSets {
  offsets: Int32Array;
  tokens: Int32Array;
  /** Inverse document frequency of each token over the records. */
  idf: Float64Array;
  /** Euclidean norm of each value's idf-weighted token vector. */
  norms: Float64Array;
}

/** Encodes the columns of the records being linked, each form at most once. */
export class ColumnEncoder {
  private readonly keyed = new Map<string, KeyedColumn>();
  private readonly numbers = new Map<string, Float64Array>();
  private readonly tokenSets = new Map<string, TokenSets>();
  private readonly rawIds = new Map<string, { ids: Int32Array; values: string[] }>();

  constructor(
    /** Raw cells by column name, each array one cell per record. */
    private readonly columns: ReadonlyMap<string, readonly string[]>,
    readonly recordCount: number,
  ) {}

  get columnNames(): ReadonlySet<string> {
    return new Set(this.columns.keys());
  }

  raw(column: string): readonly string[] {
    const values = this.columns.get(column);
    if (!values) throw new Error(`no column "${column}"`);
    return values;
  }

  /**
   * The distinct raw cells of a column, interned once: every form is then computed once per distinct cell and
   * mapped to the records through typed arrays, instead of hashing a million strings again for each form.
   */
  private rawColumn(column: string): { ids: Int32Array; values: string[] } {
    let out = this.rawIds.get(column);
    if (out) return out;
    const raw = this.raw(column);
    const intern = new Map<string, number>();
    const values: string[] = [];
    const ids = new Int32Array(this.recordCount);
    for (let r = 0; r < this.recordCount; r++) {
      const cell = raw[r] ?? '';
      let id = intern.get(cell);
      if (id === undefined) {
        id = values.length;
        values.push(cell);
        intern.set(cell, id);
      }
      ids[r] = id;
    }
    out = { ids, values };
    this.rawIds.set(column, out);
    return out;
  }

  keyedColumn(column: string, form: EncodedForm): KeyedColumn {
    const key = `${form}\u0000${column}`;
    let out = this.keyed.get(key);
    if (out) return out;
    const raw = this.rawColumn(column);
    const transform = TRANSFORMS[form];
    const intern = new Map<string, number>();
    const values: string[] = [];
    const mapping = new Int32Array(raw.values.length);
    for (let i = 0; i < raw.values.length; i++) {
      const v = transform(raw.values[i]!);
      let id = -1;
      if (v !== '') {
        id = intern.get(v) ?? -1;
        if (id < 0) {
          id = values.length;
          values.push(v);
          intern.set(v, id);
        }
      }
      mapping[i] = id;
    }
    const ids = new Int32Array(this.recordCount);
    const counts = new Int32Array(values.length);
    for (let r = 0; r < this.recordCount; r++) {
      const id = mapping[raw.ids[r]!]!;
      ids[r] = id;
      if (id >= 0) counts[id]!++;
    }
    out = { ids, values, counts };
    this.keyed.set(key, out);
    return out;
  }

  /**
   * A column derived from another by a function of its values (a prefix, the year of a date): computed
   * once per distinct value, not per record. `name` identifies the derivation for caching.
   */
  derivedColumn(name: string, base: KeyedColumn, fn: (value: string) => string): KeyedColumn {
    let out = this.keyed.get(name);
    if (out) return out;
    const intern = new Map<string, number>();
    const values: string[] = [];
    const mapping = new Int32Array(base.values.length);
    base.values.forEach((v, i) => {
      const d = fn(v);
      let id = -1;
      if (d !== '') {
        id = intern.get(d) ?? -1;
        if (id < 0) {
          id = values.length;
          values.push(d);
          intern.set(d, id);
        }
      }
      mapping[i] = id;
    });
    const ids = new Int32Array(this.recordCount);
    const counts = new Int32Array(values.length);
    for (let r = 0; r < this.recordCount; r++) {
      const b = base.ids[r]!;
      const id = b < 0 ? -1 : mapping[b]!;
      ids[r] = id;
      if (id >= 0) counts[id]!++;
    }
    out = { ids, values, counts };
    this.keyed.set(name, out);
    return out;
  }

  /** Numbers parsed from the column (NaN where missing or not a number). */
  numberColumn(column: string): Float64Array {
    return this.parsedColumn(`n\u0000${column}`, column, parseNumber);
  }

  /** Dates as day numbers (NaN where missing or not a date). */
  dayColumn(column: string): Float64Array {
    return this.parsedColumn(`d\u0000${column}`, column, parseDateDays);
  }

  private parsedColumn(key: string, column: string, parse: (raw: string) => number): Float64Array {
    let out = this.numbers.get(key);
    if (out) return out;
    const raw = this.rawColumn(column);
    const parsed = Float64Array.from(raw.values, parse);
    out = new Float64Array(this.recordCount);
    for (let r = 0; r < this.recordCount; r++) out[r] = parsed[raw.ids[r]!]!;
    this.numbers.set(key, out);
    return out;
  }

  /** Token sets over the distinct values of `keyedColumn(column, form)`. */
  tokenSetsOf(column: string, form: EncodedForm, kind: TokenKind): TokenSets {
    const key = `${kind}\u0000${form}\u0000${column}`;
    let out = this.tokenSets.get(key);
    if (out) return out;
    const keyed = this.keyedColumn(column, form);
    const split = kind === 'words' ? wordTokens : bigramTokens;
    const tokenIds = new Map<string, number>();
    const offsets = new Int32Array(keyed.values.length + 1);
    const all: number[] = [];
    for (let v = 0; v < keyed.values.length; v++) {
      const set = new Set<number>();
      for (const t of split(keyed.values[v]!)) {
        let id = tokenIds.get(t);
        if (id === undefined) {
          id = tokenIds.size;
          tokenIds.set(t, id);
        }
        set.add(id);
      }
      const sorted = [...set].sort((x, y) => x - y);
      for (const id of sorted) all.push(id);
      offsets[v + 1] = all.length;
    }
    const tokens = Int32Array.from(all);
    // Document frequency over records (a value held by many records counts that many times).
    const df = new Float64Array(tokenIds.size);
    let documents = 0;
    for (let v = 0; v < keyed.values.length; v++) {
      const c = keyed.counts[v]!;
      documents += c;
      for (let t = offsets[v]!; t < offsets[v + 1]!; t++) df[tokens[t]!]! += c;
    }
    const idf = new Float64Array(tokenIds.size);
    for (let t = 0; t < idf.length; t++) idf[t] = Math.log((documents + 1) / (df[t]! + 0.5));
    const norms = new Float64Array(keyed.values.length);
    for (let v = 0; v < keyed.values.length; v++) {
      let s = 0;
      for (let t = offsets[v]!; t < offsets[v + 1]!; t++) s += idf[tokens[t]!]! ** 2;
      norms[v] = Math.sqrt(s);
    }
    out = { offsets, tokens, idf, norms };
    this.tokenSets.set(key, out);
    return out;
  }
}
