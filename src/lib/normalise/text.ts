// Cleaning of free text from department exports: full-width letters, digits and punctuation become half-width
// (NFKC), every run of whitespace (ideographic space, tabs, line breaks, NBSP) becomes one space, and the words
// spreadsheets use for "no value" become empty. Pure; the normalisers of dates, phones and addresses build on it.

/**
 * Characters NFKC may change. Printable ASCII and the CJK Unified Ideographs block have no compatibility
 * decompositions and never compose with a neighbour, so text made only of them (most cells: names, addresses,
 * digits) is already NFKC and skips the normalisation, the largest cost of cleaning.
 */
const MAY_CHANGE_UNDER_NFKC = /[^\u0020-\u007e\u4e00-\u9fff]/;
const WHITESPACE = /[\s\u3000\u00a0\u200b\ufeff]+/g;
/** Cells that mean "no value" in exported spreadsheets. */
const NULL_WORDS = new Set([
  '',
  'null',
  'none',
  'nan',
  'n/a',
  'na',
  '-',
  '--',
  '/',
  '无',
  '空',
  '不详',
  '未知',
  '暂无',
]);

/** NFKC (full-width → half-width), whitespace collapsed, trimmed; '' for a null word. */
export function cleanText(raw: string | null | undefined): string {
  if (raw === null || raw === undefined) return '';
  let s = raw;
  if (MAY_CHANGE_UNDER_NFKC.test(s)) s = s.normalize('NFKC');
  s = s.replace(WHITESPACE, ' ').trim();
  return NULL_WORDS.has(s.toLowerCase()) ? '' : s;
}

/** A personal name: cleaned, no inner spaces between Chinese characters (王 小 明 → 王小明), middle dots unified. */
export function cleanName(raw: string | null | undefined): string {
  const s = cleanText(raw);
  if (s === '') return '';
  return s
    .replace(/(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])/g, '')
    .replace(/[.\u2022\u30fb\u00b7\uff65]/g, '·');
}

const CHINESE_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** Chinese numerals up to 9999 (三, 十二, 二十三, 一百零五, 一〇五) to a number; null if not a numeral. */
export function chineseNumeral(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[零〇一二两三四五六七八九十百千]+$/.test(text)) return null;
  if (!/[十百千]/.test(text)) {
    // Digit by digit: 一〇五 → 105.
    let n = 0;
    for (const c of text) n = n * 10 + CHINESE_DIGITS[c]!;
    return n;
  }
  let total = 0;
  let digit = 0;
  for (const c of text) {
    if (c in CHINESE_DIGITS) digit = CHINESE_DIGITS[c]!;
    else {
      const unit = c === '十' ? 10 : c === '百' ? 100 : 1000;
      total += (digit === 0 && unit === 10 ? 1 : digit) * unit;
      digit = 0;
    }
  }
  return total + digit;
}
