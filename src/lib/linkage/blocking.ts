// Blocking: candidate pairs are the record pairs that share the key of at least one rule. A rule ANDs key
// expressions; rules are OR-ed and each pair is kept once. Blocks are hash groups of interned keys, and blocks
// larger than the cap are skipped (and reported), since they hold mostly non-matches and cost quadratically.
//
// Key expressions: a column name, or a function of one: text(c) raw(c) pinyin(c) surname_pinyin(c) initials(c)
// soundex(c) digits(c) phone(c) id18(c) date(c) year(c) address(c) first_token(c) last_token(c)
// sorted_tokens(c) prefix(e, n) suffix(e, n), and tokens(e) (one key per word: records sharing any rare word).
import { type ColumnEncoder, type EncodedForm, type KeyedColumn, transformValue } from './encode.ts';
import { parseDateDays, pinyinSyllables, wordTokens } from './normalise.ts';
import { type BlockingRule, LinkageSettingsError } from './settings.ts';

const FORM_FUNCTIONS: Record<string, EncodedForm> = {
  text: 'text',
  raw: 'raw',
  pinyin: 'pinyin',
  initials: 'initials',
  soundex: 'soundex',
  digits: 'digits',
  phone: 'phone',
  id18: 'id18',
  date: 'date',
  address: 'address',
};

const STRING_FUNCTIONS: Record<string, (s: string) => string> = {
  surname_pinyin: (s) => pinyinSyllables(s)[0] ?? '',
  year: (s) => {
    const d = parseDateDays(s);
    if (!Number.isNaN(d)) return new Date(d * 86_400_000).toISOString().slice(0, 4);
    const m = /^\s*(\d{4})\s*$/.exec(s);
    return m ? m[1]! : '';
  },
  first_token: (s) => wordTokens(s)[0] ?? '',
  last_token: (s) => wordTokens(s).at(-1) ?? '',
  sorted_tokens: (s) => [...new Set(wordTokens(s))].sort().join(' '),
};

export const KEY_FUNCTIONS = [
  ...Object.keys(FORM_FUNCTIONS),
  ...Object.keys(STRING_FUNCTIONS),
  'prefix',
  'suffix',
  'tokens',
];

/** A blocking key per record (a KeyedColumn), or several (tokens): the word ids of each distinct value. */
type KeyColumn =
  | { multi: false; keyed: KeyedColumn }
  | { multi: true; keyed: KeyedColumn; offsets: Int32Array; tokens: Int32Array; tokenCount: number };

/**
 * Evaluates a key expression over all records through the encoder, so each function runs once per distinct
 * value and forms shared with the comparisons (pinyin, id18 …) are computed once. Throws a settings error
 * naming the rule.
 */
export function evaluateKey(expr: string, enc: ColumnEncoder, path: string): KeyColumn {
  const columns = enc.columnNames;
  if (columns.has(expr)) return { multi: false, keyed: enc.keyedColumn(expr, 'text') };
  const m = /^([a-z_0-9]+)\((.*)\)$/s.exec(expr.trim());
  if (!m) {
    throw new LinkageSettingsError(
      path,
      `"${expr}" is neither a column (${[...columns].join(', ')}) nor a key function`,
    );
  }
  const fn = m[1]!;
  let inner = m[2]!.trim();
  let length = 0;
  if (fn === 'prefix' || fn === 'suffix') {
    const a = /^(.*),\s*(\d+)$/s.exec(inner);
    if (!a)
      throw new LinkageSettingsError(path, `${fn}(expression, length) needs a length, as in ${fn}(phone, 3)`);
    inner = a[1]!.trim();
    length = Number(a[2]);
  }
  if (!KEY_FUNCTIONS.includes(fn)) {
    throw new LinkageSettingsError(path, `unknown key function "${fn}"; known: ${KEY_FUNCTIONS.join(', ')}`);
  }
  const plain = columns.has(inner);
  const innerKey = (): KeyedColumn => {
    const k = evaluateKey(inner, enc, path);
    if (k.multi)
      throw new LinkageSettingsError(path, `tokens(…) must be the outermost function in "${expr}"`);
    return k.keyed;
  };
  const derived = (base: KeyedColumn, f: (v: string) => string): KeyColumn => ({
    multi: false,
    keyed: enc.derivedColumn(`key\u0000${expr}`, base, f),
  });
  if (fn in FORM_FUNCTIONS) {
    const form = FORM_FUNCTIONS[fn]!;
    // Forms apply to the raw cell; on a derived key they apply to that key.
    if (plain) return { multi: false, keyed: enc.keyedColumn(inner, form) };
    return derived(innerKey(), (v) => transformValue(form, v));
  }
  if (fn in STRING_FUNCTIONS) {
    return derived(plain ? enc.keyedColumn(inner, 'raw') : innerKey(), STRING_FUNCTIONS[fn]!);
  }
  if (fn === 'prefix') return derived(innerKey(), (v) => (v.length >= length ? v.slice(0, length) : ''));
  if (fn === 'suffix') return derived(innerKey(), (v) => (v.length >= length ? v.slice(-length) : ''));
  // tokens(…): one key per distinct word of the value.
  const keyed = innerKey();
  const tokenIds = new Map<string, number>();
  const offsets = new Int32Array(keyed.values.length + 1);
  const tokens: number[] = [];
  keyed.values.forEach((v, i) => {
    for (const t of new Set(wordTokens(v))) {
      let id = tokenIds.get(t);
      if (id === undefined) {
        id = tokenIds.size;
        tokenIds.set(t, id);
      }
      tokens.push(id);
    }
    offsets[i + 1] = tokens.length;
  });
  return { multi: true, keyed, offsets, tokens: Int32Array.from(tokens), tokenCount: tokenIds.size };
}

/** Checks that every key expression of the rules parses against the columns, without evaluating it. */
export function checkBlockingRules(rules: readonly BlockingRule[], columns: ReadonlySet<string>): void {
  const check = (expr: string, path: string): void => {
    if (columns.has(expr)) return;
    const m = /^([a-z_0-9]+)\((.*)\)$/s.exec(expr.trim());
    if (!m) {
      throw new LinkageSettingsError(
        path,
        `"${expr}" is neither a column (${[...columns].join(', ')}) nor a key function`,
      );
    }
    if (!KEY_FUNCTIONS.includes(m[1]!)) {
      throw new LinkageSettingsError(
        path,
        `unknown key function "${m[1]}"; known: ${KEY_FUNCTIONS.join(', ')}`,
      );
    }
    let inner = m[2]!.trim();
    if (m[1] === 'prefix' || m[1] === 'suffix') {
      const a = /^(.*),\s*(\d+)$/s.exec(inner);
      if (!a)
        throw new LinkageSettingsError(
          path,
          `${m[1]}(expression, length) needs a length, as in ${m[1]}(phone, 3)`,
        );
      inner = a[1]!.trim();
    }
    if (/^tokens\(/.test(inner))
      throw new LinkageSettingsError(path, `tokens(…) must be the outermost function in "${expr}"`);
    check(inner, path);
  };
  rules.forEach((rule, i) => {
    for (const k of rule.keys) check(k, `blocking[${i}]`);
    if (rule.keys.filter((k) => k.trim().startsWith('tokens(')).length > 1) {
      throw new LinkageSettingsError(`blocking[${i}]`, 'a rule may use tokens(…) at most once');
    }
  });
}

/**
 * Keys of one rule for each record (all records, or the listed subset), in CSR form: the keys of the i-th
 * record are keyIds[keyStart[i]..keyStart[i+1]), as dense ids below keyCount.
 */
export function ruleKeys(
  rule: readonly string[],
  enc: ColumnEncoder,
  path: string,
  records?: ArrayLike<number>,
) {
  const keys = rule.map((e) => evaluateKey(e, enc, path));
  const n = records ? records.length : enc.recordCount;
  const single = keys.filter((k) => !k.multi).map((k) => k.keyed);
  const multi = keys.find((k) => k.multi) as Extract<KeyColumn, { multi: true }> | undefined;
  // Keys combine into one number by mixed radix when that stays exact in a double, else into a string.
  let radix = 1;
  for (const k of single) radix *= Math.max(k.values.length, 1);
  const numeric = radix * (multi ? multi.tokenCount : 1) < 2 ** 52;
  const intern = new Map<number | string, number>();
  const keyStart = new Int32Array(n + 1);
  const keyIds: number[] = [];
  const internKey = (key: number | string) => {
    let id = intern.get(key);
    if (id === undefined) {
      id = intern.size;
      intern.set(key, id);
    }
    keyIds.push(id);
  };
  for (let i = 0; i < n; i++) {
    const r = records ? records[i]! : i;
    let code = 0;
    let text = '';
    let missing = false;
    for (const k of single) {
      const id = k.ids[r]!;
      if (id < 0) {
        missing = true;
        break;
      }
      if (numeric) code = code * k.values.length + id;
      else text += `${id},`;
    }
    if (!missing) {
      if (!multi) {
        if (single.length === 1) keyIds.push(single[0]!.ids[r]!);
        else internKey(numeric ? code : text);
      } else {
        const b = multi.keyed.ids[r]!;
        if (b >= 0) {
          for (let t = multi.offsets[b]!; t < multi.offsets[b + 1]!; t++) {
            internKey(numeric ? multi.tokens[t]! * radix + code : `${text}${multi.tokens[t]}`);
          }
        }
      }
    }
    keyStart[i + 1] = keyIds.length;
  }
  const keyCount = !multi && single.length === 1 ? single[0]!.values.length : intern.size;
  return { keyStart, keyIds: Int32Array.from(keyIds), keyCount };
}

export interface BlockingRuleStats {
  rule: string;
  blocks: number;
  /** Pairs this rule generated, including those an earlier rule also generated. */
  pairs: number;
  skippedBlocks: number;
  largestSkippedBlock: number;
}

export interface CandidatePairs {
  /** Record indices with a[p] < b[p], sorted by (a, b), no duplicates. */
  a: Int32Array;
  b: Int32Array;
  rules: BlockingRuleStats[];
}

export class BlockingError extends Error {}

export interface BlockingInput {
  encoder: ColumnEncoder;
  /** Link mode: records [0, leftCount) are the left file, the rest the right; only cross pairs are made. */
  leftCount?: number;
  rules: BlockingRule[];
  maxBlockSize: number;
  maxPairs: number;
}

/** Grows a Float64Array of pair codes (a * n + b), the cheapest form to sort and deduplicate. */
class PairCodes {
  codes = new Float64Array(1 << 16);
  length = 0;
  push(code: number) {
    if (this.length === this.codes.length) {
      const grown = new Float64Array(this.codes.length * 2);
      grown.set(this.codes);
      this.codes = grown;
    }
    this.codes[this.length++] = code;
  }
}

export function candidatePairs(input: BlockingInput): CandidatePairs {
  const n = input.encoder.recordCount;
  const leftCount = input.leftCount;
  const codes = new PairCodes();
  const stats: BlockingRuleStats[] = [];
  let total = 0;
  input.rules.forEach((rule, ruleIndex) => {
    const path = `blocking[${ruleIndex}]`;
    const { keyStart, keyIds, keyCount } = ruleKeys(rule.keys, input.encoder, path);
    const maxBlockSize = rule.maxBlockSize ?? input.maxBlockSize;
    // Counting sort of (key, record) entries into blocks.
    const blockStart = new Int32Array(keyCount + 1);
    for (let i = 0; i < keyIds.length; i++) blockStart[keyIds[i]! + 1]!++;
    for (let k = 0; k < keyCount; k++) blockStart[k + 1]! += blockStart[k]!;
    const fill = blockStart.slice(0, keyCount);
    const members = new Int32Array(keyIds.length);
    for (let r = 0; r < n; r++) {
      for (let i = keyStart[r]!; i < keyStart[r + 1]!; i++) members[fill[keyIds[i]!]!++] = r;
    }
    const s: BlockingRuleStats = {
      rule: rule.keys.join(' & '),
      blocks: 0,
      pairs: 0,
      skippedBlocks: 0,
      largestSkippedBlock: 0,
    };
    for (let k = 0; k < keyCount; k++) {
      const from = blockStart[k]!;
      const to = blockStart[k + 1]!;
      const size = to - from;
      if (size < 2) continue;
      if (size > maxBlockSize) {
        s.skippedBlocks++;
        s.largestSkippedBlock = Math.max(s.largestSkippedBlock, size);
        continue;
      }
      // Members are in record order, so x < y below; records with two equal keys (tokens) appear once each.
      let blockPairs = 0;
      if (leftCount === undefined) blockPairs = (size * (size - 1)) / 2;
      else {
        let left = 0;
        while (from + left < to && members[from + left]! < leftCount) left++;
        blockPairs = left * (size - left);
      }
      if (blockPairs === 0) continue;
      s.blocks++;
      s.pairs += blockPairs;
      total += blockPairs;
      if (total > input.maxPairs) {
        throw new BlockingError(
          `blocking rule "${s.rule}" takes the candidate pairs past the limit of ${input.maxPairs}; ` +
            'make the rules stricter (add a key), lower maxBlockSize, or raise maxPairs',
        );
      }
      for (let x = from; x < to; x++) {
        const rx = members[x]!;
        if (leftCount !== undefined && rx >= leftCount) break;
        for (let y = x + 1; y < to; y++) {
          const ry = members[y]!;
          if (leftCount !== undefined && ry < leftCount) continue;
          codes.push(rx * n + ry);
        }
      }
    }
    stats.push(s);
  });
  const sorted = codes.codes.subarray(0, codes.length).sort();
  let unique = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i]!;
  }
  const a = new Int32Array(unique);
  const b = new Int32Array(unique);
  for (let i = 0; i < unique; i++) {
    const code = sorted[i]!;
    const x = Math.floor(code / n);
    a[i] = x;
    b[i] = code - x * n;
  }
  return { a, b, rules: stats };
}
