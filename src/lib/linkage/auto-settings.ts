// "auto" settings: comparisons inferred from each column's name and values, and blocking rules chosen by
// measuring, on a sample, how many candidate pairs each possible rule would make. This is how unseen data
// (a new department export, a public benchmark) is linked without writing settings by hand.

import { randomInt, seededRandom } from '../random/seeded.ts';
import { ruleKeys } from './blocking.ts';
import { ColumnEncoder } from './encode.ts';
import {
  canonicalIdNumber,
  hasChinese,
  isNullValue,
  normaliseText,
  parseDateDays,
  parseNumber,
  phoneDigits,
  wordTokens,
} from './normalise.ts';
import type { LinkType } from './settings.ts';

export type ColumnKind =
  | 'id_number'
  | 'phone'
  | 'date'
  | 'year'
  | 'numeric'
  | 'code'
  | 'category'
  | 'chinese_name'
  | 'chinese_address'
  | 'chinese_text'
  | 'name'
  | 'short_text'
  | 'long_text'
  | 'description';

export interface ColumnProfile {
  column: string;
  kind: ColumnKind | 'ignored';
  reason?: string;
  /** Share of records with a value. */
  filled: number;
  /** Distinct values per non-empty value in the sample. */
  distinctRatio: number;
  distinct: number;
  meanLength: number;
  meanTokens: number;
}

/** Columns that hold the answer in benchmark files; using them would be cheating, so auto leaves them out. */
const TRUTH_COLUMN =
  /^(cluster|cluster_?id|entity_?id|true_?id|gold|label|match_?id|truth|ground_?truth|class|person_?id)$/i;
/** Record identifiers: unique per record, so no evidence about matches. */
const RECORD_ID_COLUMN = /^(id|_id|rec_?id|record_?id|row_?id|uid|uuid|key|idx|index)$/i;
const HINTS = {
  phone: /phone|tel|mobile|fax|cell|电话|手机|联系方式/i,
  name: /name|姓名|名字|名称/i,
  address: /addr|street|地址|住址|居住|户籍地|现住/i,
  date: /date|dob|birth|生日|日期|出生/i,
  year: /year|年份|^yr$/i,
  age: /^age$|年龄/i,
  code: /code|zip|post|ssn|soc_?sec|number|^no$|_no$|num|编号|代码|邮编/i,
  money: /price|cost|amount|salary|金额|价格/i,
};

const SAMPLE = 20_000;
/** Share of keyed records a (non-token) blocking rule must keep in blocks small enough to compare. */
const MIN_COVERAGE = 0.9;

function evenSample(n: number, size: number): Int32Array {
  const take = Math.min(n, size);
  const out = new Int32Array(take);
  for (let i = 0; i < take; i++) out[i] = Math.floor((i * n) / take);
  return out;
}

/** Profiles a column from a sample of its cells and decides which kind of value it holds. */
export function profileColumn(column: string, cells: readonly string[], sample: Int32Array): ColumnProfile {
  const values: string[] = [];
  for (const r of sample) {
    const v = cells[r] ?? '';
    if (!isNullValue(v)) values.push(v.trim());
  }
  const filled = sample.length === 0 ? 0 : values.length / sample.length;
  const distinct = new Set(values.map(normaliseText)).size;
  const base = {
    column,
    filled,
    distinct,
    distinctRatio: values.length === 0 ? 0 : distinct / values.length,
    meanLength: values.length === 0 ? 0 : values.reduce((s, v) => s + v.length, 0) / values.length,
    meanTokens:
      values.length === 0 ? 0 : values.reduce((s, v) => s + wordTokens(v).length, 0) / values.length,
  };
  const share = (test: (v: string) => boolean) => values.filter(test).length / Math.max(values.length, 1);
  const kind = (k: ColumnKind | 'ignored', reason?: string): ColumnProfile => ({ ...base, kind: k, reason });
  if (TRUTH_COLUMN.test(column)) return kind('ignored', 'looks like a ground-truth label');
  if (RECORD_ID_COLUMN.test(column)) return kind('ignored', 'looks like a record identifier');
  if (filled < 0.02 || distinct < 2) return kind('ignored', 'empty or constant');

  if (share((v) => canonicalIdNumber(v) !== '') >= 0.7) return kind('id_number');
  const phoneLike = share((v) => /^1[3-9]\d{9}$/.test(phoneDigits(v)) || /^[+(]?\d[\d ()+-]{6,}\d$/.test(v));
  if (
    (HINTS.phone.test(column) && phoneLike >= 0.5) ||
    share((v) => /^1[3-9]\d{9}$/.test(phoneDigits(v))) >= 0.8
  ) {
    return kind('phone');
  }
  const numeric = share((v) => !Number.isNaN(parseNumber(v)));
  const integers = share((v) => /^[+-]?\d+$/.test(v));
  const dates = share((v) => !Number.isNaN(parseDateDays(v)) && !/^\d{1,7}$/.test(v));
  if (dates >= 0.8 && (integers < 0.5 || HINTS.date.test(column))) return kind('date');
  if (integers >= 0.9 && share((v) => /^\d{4}$/.test(v) && +v >= 1800 && +v <= 2100) >= 0.9)
    return kind('year');
  // A few values each repeated often (sex, state); in a small file few distinct values may just be few rows.
  if ((distinct <= 20 && values.length >= 4 * distinct) || (base.distinctRatio < 0.001 && distinct <= 60))
    return kind('category');
  if (integers >= 0.9 && !HINTS.age.test(column) && !HINTS.money.test(column)) return kind('code');
  if (numeric >= 0.9 && (integers < 0.9 || HINTS.age.test(column) || HINTS.money.test(column)))
    return kind('numeric');
  if (share(hasChinese) >= 0.5) {
    if (base.meanLength <= 4.5 && !HINTS.address.test(column)) return kind('chinese_name');
    if (HINTS.address.test(column) || base.meanLength >= 8) return kind('chinese_address');
    return kind('chinese_text');
  }
  if (HINTS.code.test(column) && base.meanTokens <= 1.2 && share((v) => /\d/.test(v)) >= 0.8)
    return kind('code');
  if (base.meanTokens <= 1.6 && base.meanLength <= 20) return kind('name');
  if (base.meanTokens <= 7) return kind('short_text');
  if (base.meanTokens <= 40) return kind('long_text');
  return kind('description');
}

type Level = Record<string, unknown>;

function comparisonFor(p: ColumnProfile): { levels: Level[]; tf?: boolean } | undefined {
  switch (p.kind) {
    case 'id_number':
      return { levels: [{ type: 'id_number' }, { type: 'levenshtein', max: 1, on: 'id18' }] };
    case 'phone':
      return {
        levels: [
          { type: 'exact', on: 'phone' },
          { type: 'levenshtein', max: 1, on: 'phone' },
        ],
      };
    case 'date':
      return {
        levels: [
          { type: 'date', days: 0 },
          { type: 'levenshtein', max: 1, on: 'date' },
          { type: 'date', days: 31 },
          { type: 'date', days: 366 },
        ],
      };
    case 'year':
      return {
        levels: [{ type: 'exact' }, { type: 'numeric', absolute: 1 }, { type: 'numeric', absolute: 5 }],
      };
    case 'numeric':
      return {
        levels: [
          { type: 'numeric', absolute: 0 },
          { type: 'numeric', relative: 0.02 },
          { type: 'numeric', relative: 0.1 },
          { type: 'numeric', relative: 0.3 },
        ],
      };
    case 'code':
      return {
        levels: [{ type: 'exact' }, { type: 'levenshtein', max: 1 }, { type: 'levenshtein', max: 2 }],
      };
    case 'category':
      return { levels: [{ type: 'exact' }], tf: true };
    case 'chinese_name':
      return {
        levels: [
          { type: 'exact' },
          { type: 'pinyin' },
          { type: 'levenshtein', max: 1 },
          { type: 'jaro_winkler', threshold: 0.92, on: 'pinyin' },
        ],
        tf: true,
      };
    case 'chinese_address':
      return {
        levels: [
          { type: 'exact', on: 'address' },
          { type: 'jaccard', threshold: 0.7, tokens: 'bigrams', on: 'address' },
          { type: 'jaccard', threshold: 0.4, tokens: 'bigrams', on: 'address' },
        ],
      };
    case 'chinese_text':
      return {
        levels: [
          { type: 'exact' },
          { type: 'jaccard', threshold: 0.7, tokens: 'bigrams' },
          { type: 'jaccard', threshold: 0.4, tokens: 'bigrams' },
        ],
        tf: true,
      };
    case 'name':
      return {
        levels: [
          { type: 'exact' },
          { type: 'jaro_winkler', threshold: 0.92 },
          { type: 'jaro_winkler', threshold: 0.85 },
          { type: 'jaro_winkler', threshold: 0.7 },
        ],
        tf: true,
      };
    case 'short_text':
      return {
        levels: [
          { type: 'exact' },
          { type: 'jaro_winkler', threshold: 0.94 },
          { type: 'cosine', threshold: 0.8 },
          { type: 'jaccard', threshold: 0.6, tokens: 'bigrams' },
          { type: 'cosine', threshold: 0.5 },
          { type: 'jaccard', threshold: 0.35, tokens: 'bigrams' },
        ],
        tf: true,
      };
    case 'long_text':
      return {
        levels: [
          { type: 'exact' },
          { type: 'cosine', threshold: 0.9 },
          { type: 'cosine', threshold: 0.75 },
          { type: 'cosine', threshold: 0.6 },
          { type: 'cosine', threshold: 0.45 },
          { type: 'cosine', threshold: 0.3 },
        ],
      };
    case 'description':
      return {
        levels: [
          { type: 'cosine', threshold: 0.8 },
          { type: 'cosine', threshold: 0.6 },
          { type: 'cosine', threshold: 0.4 },
          { type: 'cosine', threshold: 0.2 },
        ],
      };
    default:
      return undefined;
  }
}

/** Blocking keys a column offers, from strict to loose; categories only ever join another key. */
function blockingKeys(p: ColumnProfile): string[] {
  const c = p.column;
  switch (p.kind) {
    case 'id_number':
      return [`id18(${c})`, `prefix(id18(${c}), 14)`];
    case 'phone':
      return [`phone(${c})`];
    case 'date':
      return [`date(${c})`, `year(${c})`];
    case 'year':
    case 'category':
      return [`text(${c})`];
    case 'code':
      return [`text(${c})`];
    case 'chinese_name':
      return [`pinyin(${c})`, `initials(${c})`, `surname_pinyin(${c})`];
    case 'chinese_address':
      return [`address(${c})`];
    case 'chinese_text':
      return [`text(${c})`];
    case 'name':
      return [`text(${c})`, `soundex(${c})`, `prefix(${c}, 2)`];
    case 'short_text':
      return [`text(${c})`, `sorted_tokens(${c})`, `tokens(${c})`];
    case 'long_text':
    case 'description':
      return [`tokens(${c})`];
    default:
      return [];
  }
}

function sameRule(x: readonly string[], y: readonly string[]): boolean {
  return [...x].sort().join('\u0000') === [...y].sort().join('\u0000');
}

/** Keys that only narrow another key (too coarse to block on alone). */
function partnerOnly(p: ColumnProfile): boolean {
  return p.kind === 'category' || p.kind === 'year' || p.kind === 'numeric';
}

export interface AutoSettingsInput {
  columns: ReadonlyMap<string, readonly string[]>;
  recordCount: number;
  /** Link mode: records [0, leftCount) are the left file. */
  leftCount?: number;
  linkType: LinkType;
  uniqueId: string;
  /** Columns to leave out (besides the id columns). */
  ignore?: readonly string[];
  seed?: number;
}

export interface AutoSettings {
  /** A settings object as a user would write it (save it, edit it, pass it back with --settings). */
  settings: Record<string, unknown>;
  profiles: ColumnProfile[];
  /** Estimated candidate pairs of each chosen rule. */
  ruleEstimates: { rule: string; pairs: number }[];
}

interface RuleCandidate {
  keys: string[];
  maxBlockSize: number;
  pairs: number;
  /** Columns whose disagreement the rule survives: the more, the looser. */
  columns: string[];
}

/**
 * Builds settings for unseen data. Each usable column becomes a comparison with levels suited to its kind;
 * for blocking, every column proposes keys, and for each column the loosest rule (one key, or two from
 * different columns) whose estimated candidate pairs stay within a per-rule budget is kept, so that an error
 * in any one field still leaves another rule that brings the pair together.
 */
export function buildAutoSettings(input: AutoSettingsInput): AutoSettings {
  const n = input.recordCount;
  const ignore = new Set(input.ignore ?? []);
  ignore.add(input.uniqueId);
  const sample = evenSample(n, SAMPLE);
  const profiles = [...input.columns.keys()].map((column) =>
    ignore.has(column)
      ? {
          ...profileColumn(column, input.columns.get(column)!, sample),
          kind: 'ignored' as const,
          reason: 'ignored by request',
        }
      : profileColumn(column, input.columns.get(column)!, sample),
  );
  const usable = profiles.filter((p) => p.kind !== 'ignored');
  const comparisons = usable.flatMap((p) => {
    const cmp = comparisonFor(p);
    return cmp ? [{ column: p.column, ...cmp }] : [];
  });

  // Pair estimates on a random sample of records, scaled up by (n / s)^2.
  const random = seededRandom(input.seed ?? 42);
  const sampleSize = Math.min(n, 40_000);
  const chosen = new Int32Array(sampleSize);
  if (sampleSize === n) for (let i = 0; i < n; i++) chosen[i] = i;
  else for (let i = 0; i < sampleSize; i++) chosen[i] = randomInt(random, n);
  chosen.sort();
  const sampled = new Map<string, string[]>();
  for (const p of usable)
    sampled.set(
      p.column,
      Array.from(chosen, (r) => input.columns.get(p.column)![r] ?? ''),
    );
  const encoder = new ColumnEncoder(sampled, sampleSize);
  const scale = n / sampleSize;
  const leftInSample =
    input.leftCount === undefined ? undefined : chosen.filter((r) => r < input.leftCount!).length;
  const budget = Math.min(Math.max(4 * n, 50_000), 10_000_000);

  /**
   * Estimated candidate pairs of a rule, and its coverage: the share of records with a key whose block is
   * not skipped for size. A rule whose big blocks are all skipped makes few pairs but also finds few matches.
   */
  const estimate = (keys: string[], cap: number): { pairs: number; coverage: number } => {
    const { keyStart, keyIds, keyCount } = ruleKeys(keys, encoder, 'auto');
    const size = new Float64Array(keyCount);
    const left = new Float64Array(keyCount);
    for (let i = 0; i < sampleSize; i++) {
      for (let k = keyStart[i]!; k < keyStart[i + 1]!; k++) {
        size[keyIds[k]!]!++;
        if (leftInSample !== undefined && i < leftInSample) left[keyIds[k]!]!++;
      }
    }
    let pairs = 0;
    let keyed = 0;
    let skipped = 0;
    for (let k = 0; k < keyCount; k++) {
      const s = size[k]!;
      keyed += s;
      if (s * scale > cap) {
        skipped += s;
        continue;
      }
      if (s < 2) continue;
      pairs += leftInSample === undefined ? (s * (s - 1)) / 2 : left[k]! * (s - left[k]!);
    }
    return { pairs: pairs * scale * scale, coverage: keyed === 0 ? 0 : 1 - skipped / keyed };
  };

  const keysOf = new Map(usable.map((p) => [p.column, blockingKeys(p)]));
  const candidates: RuleCandidate[] = [];
  const caps = [1000, 300, 100, 30];
  const consider = (keys: string[], columns: string[]) => {
    const multi = keys.some((k) => k.startsWith('tokens('));
    for (const cap of multi ? caps : [1000]) {
      const { pairs, coverage } = estimate(keys, cap);
      // Word-token rules skip their common words by design; others must keep most records in play.
      if (pairs > 0 && pairs <= budget && (multi || coverage >= MIN_COVERAGE)) {
        candidates.push({ keys, maxBlockSize: cap, pairs, columns });
        return;
      }
    }
  };
  const leading = usable.filter((p) => !partnerOnly(p));
  for (const p of leading) {
    for (const key of keysOf.get(p.column)!) {
      consider([key], [p.column]);
      for (const q of usable) {
        if (q.column === p.column) continue;
        // A partner contributes its strictest key; a tokens key must lead.
        const partner = keysOf.get(q.column)![0];
        if (!partner || partner.startsWith('tokens(')) continue;
        consider([key, partner], [p.column, q.column]);
      }
    }
  }

  // For each column in order of kind strength, its loosest rule within budget; rules never repeat.
  const strength: ColumnKind[] = [
    'id_number',
    'phone',
    'code',
    'chinese_name',
    'name',
    'date',
    'chinese_address',
    'short_text',
    'long_text',
    'chinese_text',
    'description',
  ];
  const picked: RuleCandidate[] = [];
  const order = [...leading].sort(
    (x, y) => strength.indexOf(x.kind as ColumnKind) - strength.indexOf(y.kind as ColumnKind),
  );
  for (const p of order) {
    if (picked.length >= 8) break;
    const own = candidates
      .filter((c) => c.columns[0] === p.column && !picked.some((q) => sameRule(q.keys, c.keys)))
      .sort((x, y) => x.keys.length - y.keys.length || y.pairs - x.pairs);
    const best = own[0];
    if (best) picked.push(best);
  }
  if (picked.length === 0) {
    const strictest = [...candidates].sort((x, y) => x.pairs - y.pairs)[0];
    if (strictest) picked.push(strictest);
  }
  const blocking = picked.map((c) =>
    c.maxBlockSize === 1000 ? c.keys : { keys: c.keys, maxBlockSize: c.maxBlockSize },
  );

  return {
    settings: {
      linkType: input.linkType,
      uniqueId: input.uniqueId,
      blocking,
      comparisons,
    },
    profiles,
    ruleEstimates: picked.map((c) => ({ rule: c.keys.join(' & '), pairs: Math.round(c.pairs) })),
  };
}
