// Value normalisation for record linkage: the representations that comparisons and blocking keys work on
// (normalised text, toneless pinyin, canonical ID number, digits, day numbers, tokens). Each returns '' or NaN
// for "missing", never throws: bad cells become nulls, which the model treats as no evidence.
import { pinyin } from 'pinyin-pro';
import { normaliseIdInput, upgradeId15 } from '../id-number.ts';

const NON_ASCII = /[^\u0020-\u007e]/; // anything beyond printable ASCII may need NFKC
const PUNCTUATION = /[\p{P}\p{S}\s]+/gu;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
/** Cells that mean "no value" in exported spreadsheets. */
const NULL_WORDS = new Set(['', 'null', 'none', 'nan', 'n/a', 'na', '-', '--', '无', '空', '不详', '未知']);

export function isNullValue(raw: string): boolean {
  return NULL_WORDS.has(raw.trim().toLowerCase());
}

/** Full-width to half-width (NFKC), lower case, punctuation to single spaces, trimmed; '' for null words. */
export function normaliseText(raw: string): string {
  let s = raw;
  if (NON_ASCII.test(s)) s = s.normalize('NFKC');
  s = s.toLowerCase();
  // Null words are checked before punctuation folds "n/a" into "n a".
  if (NULL_WORDS.has(s.trim())) return '';
  s = s.replace(PUNCTUATION, ' ').trim();
  return NULL_WORDS.has(s) ? '' : s;
}

export function hasChinese(text: string): boolean {
  return CJK.test(text);
}

/** Digits only ('' when none): phone numbers written 138-0013-8000, +86 138 0013 8000 and 13800138000 agree. */
export function digitsOnly(raw: string): string {
  let s = raw;
  if (NON_ASCII.test(s)) s = s.normalize('NFKC');
  return s.replace(/\D+/g, '');
}

/** Phone digits without a leading 86/0086 country code. */
export function phoneDigits(raw: string): string {
  const d = digitsOnly(raw);
  if (d.length === 13 && d.startsWith('86')) return d.slice(2);
  if (d.length === 15 && d.startsWith('0086')) return d.slice(4);
  return d;
}

/**
 * The 18-character form of a Chinese ID number, upgrading 15-digit legacy numbers (GB 11643), or '' when the
 * cell is no ID number at all. The check character is not verified: a number with a typo is still evidence,
 * and the comparison levels decide how close two numbers are.
 */
export function canonicalIdNumber(raw: string): string {
  const s = normaliseIdInput(raw);
  if (/^\d{15}$/.test(s)) return upgradeId15(s);
  if (/^\d{17}[\dX]$/.test(s)) return s;
  return '';
}

// Per-character pinyin caches. Whole-name conversion with pinyin-pro costs ~40 µs a name (12 s for 300k
// distinct names); a character cache is ~50× faster and loses only in-word polyphone context, which personal
// names rarely have. The first character uses pinyin-pro's surname readings (单 shan, 曾 zeng, 解 xie).
const givenCache = new Map<string, string>();
const surnameCache = new Map<string, string>();

/** Toneless pinyin of one character, in its surname reading if asked (ü written v). */
export function charPinyin(ch: string, asSurname = false): string {
  const cache = asSurname ? surnameCache : givenCache;
  let p = cache.get(ch);
  if (p === undefined) {
    p = pinyin(ch, { toneType: 'none', type: 'string', ...(asSurname ? { surname: 'head' as const } : {}) });
    p = p.toLowerCase().replace(/ü/g, 'v');
    cache.set(ch, p);
  }
  return p;
}

/**
 * Toneless pinyin syllables of a name or short text: Chinese characters become one syllable each, Latin
 * words stay as they are (so 张伟, 章伟 and "ZHANG Wei" all give ['zhang', 'wei']). Other characters split.
 */
export function pinyinSyllables(raw: string): string[] {
  const text = normaliseText(raw);
  const out: string[] = [];
  let word = '';
  let first = true;
  for (const ch of text) {
    if (CJK.test(ch)) {
      if (word) out.push(word);
      word = '';
      out.push(charPinyin(ch, first));
      first = false;
    } else if (ch === ' ') {
      if (word) out.push(word);
      word = '';
    } else {
      word += ch === 'ü' ? 'v' : ch;
      first = false;
    }
  }
  if (word) out.push(word);
  return out;
}

/** Pinyin of the whole text without spaces ('zhangwei'); homophones such as 张伟 and 章伟 agree. */
export function pinyinKey(raw: string): string {
  return pinyinSyllables(raw).join('');
}

/**
 * Order-free pinyin key of a name: the smaller of "surname + given" and "given + surname", so that
 * "Xiaoming Zhang" (given name first, as some departments write) agrees with 张晓明.
 */
export function pinyinSwapKey(raw: string): string {
  const s = pinyinSyllables(raw);
  if (s.length < 2) return s.join('');
  const hasCjk = hasChinese(raw);
  // Chinese text: the surname is the first character; Latin text: the first word.
  const head = s[0]!;
  const rest = s.slice(1).join('');
  const straight = head + rest;
  const swapped = hasCjk || s.length === 2 ? rest + head : s[s.length - 1]! + s.slice(0, -1).join('');
  return [straight, swapped].sort()[0]!;
}

/** Initials of the pinyin or Latin words ('zw' for 张伟 and for "Zhang Wei"). */
export function initialsKey(raw: string): string {
  let out = '';
  for (const s of pinyinSyllables(raw)) out += s[0];
  return out;
}

const DAY_MS = 86_400_000;

function dayNumber(y: number, m: number, d: number): number {
  if (!(y >= 1000 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return Number.NaN;
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (back.getUTCMonth() !== m - 1) return Number.NaN; // 31 April and the like
  return Math.round(t / DAY_MS);
}

/**
 * Days since 1970-01-01 for the date styles departments export: 1990-03-07, 1990/3/7, 1990.03.07, 19900307,
 * 1990年3月7日, an ISO timestamp, and day-first 07/03/1990 when the first part cannot be a year. NaN when the
 * cell is not a date.
 */
export function parseDateDays(raw: string): number {
  let s = raw.trim();
  if (s === '') return Number.NaN;
  if (NON_ASCII.test(s)) s = s.normalize('NFKC');
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$/.exec(s);
  if (m) return dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    // Day-first unless that is impossible (US month-first data with a day above 12).
    return a > 12 || b <= 12 ? dayNumber(Number(m[3]), b, a) : dayNumber(Number(m[3]), a, b);
  }
  return Number.NaN;
}

/** A day number as yyyymmdd, the form the date-typo levels compare digit by digit. */
export function daysToCompactDate(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/** A number from a cell such as "1,299.00", "$12.50", "¥ 30" or "12%"; NaN when there is none. */
export function parseNumber(raw: string): number {
  let s = raw.trim();
  if (s === '') return Number.NaN;
  if (NON_ASCII.test(s)) s = s.normalize('NFKC');
  // Only currency signs and codes before, and a percent sign or currency unit after: "part 49" of a title
  // is no number.
  s = s
    .replace(/^(?:[$€£¥]|usd|eur|gbp|rmb|cny|us\$)\s*/i, '')
    .replace(/\s*(?:%|元|usd|eur|rmb)$/i, '')
    .replace(/,(?=\d{3}\b)/g, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number.NaN;
  return Number(s);
}

/** Word tokens of normalised text; Chinese runs are split into single characters. */
export function wordTokens(raw: string): string[] {
  const text = normaliseText(raw);
  if (text === '') return [];
  const out: string[] = [];
  for (const w of text.split(' ')) {
    if (!hasChinese(w)) out.push(w);
    else for (const part of w.split(/([\u3400-\u9fff\uf900-\ufaff])/)) if (part) out.push(part);
  }
  return out;
}

/** Character bigrams of the text with spaces removed ('北京市' → 北京, 京市); one token for one character. */
export function bigramTokens(raw: string): string[] {
  const text = normaliseText(raw).replace(/ /g, '');
  if (text.length < 2) return text ? [text] : [];
  const out: string[] = [];
  for (let i = 0; i + 1 < text.length; i++) out.push(text.slice(i, i + 2));
  return out;
}

// Address styles differ in how buildings, units and rooms are written (3号楼2单元501室, 3栋2单元501, 3-2-501)
// and in whether the province and city are given. This folds them into one form before comparison.
const ADDRESS_PREFIX = /^(.{2,3}?(省|自治区))?(.{2,3}?市)?/;
const ADDRESS_RULES: [RegExp, string][] = [
  [/(号楼|栋|幢|座)/g, '-'],
  [/单元/g, '-'],
  [/(室|户|号)(?=$|[^\d])/g, ''],
  [/-+/g, '-'],
];

/** An address folded to one style: no province/city prefix, building-unit-room as 3-2-501. */
export function normaliseAddress(raw: string): string {
  let s = normaliseText(raw).replace(/ /g, '');
  if (s === '') return '';
  if (hasChinese(s)) {
    s = s.replace(ADDRESS_PREFIX, '');
    for (const [pattern, replacement] of ADDRESS_RULES) s = s.replace(pattern, replacement);
    s = s.replace(/-$/, '');
  }
  return s;
}
