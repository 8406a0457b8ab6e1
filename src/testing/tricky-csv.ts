// Generated CSV text for the tests that check the CSV reader against csv-parse: quoted and unquoted cells holding
// commas, quotes, every kind of line break, NUL, Chinese characters and characters outside the BMP; stray quotes,
// quotes left open, empty lines, a line break of another kind now and then, and no final line break sometimes.
import { parse } from 'csv-parse/sync';

/** What csv-parse makes of `text` with the options the importer used before; 'unclosed' for a quote left open. */
export function csvParseRecords(text: string): string[][] | 'unclosed' {
  let unclosed = false;
  const records = parse(text, {
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    relax_quotes: true,
    on_skip: (error: { code?: string } | undefined) => {
      if (error?.code === 'CSV_QUOTE_NOT_CLOSED') unclosed = true;
      else throw new Error(`unexpected csv-parse skip ${error?.code}`);
    },
  }) as string[][];
  return unclosed ? 'unclosed' : records;
}

export function trickyCsv(random: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const pieces = ['', 'a', '张三', '😀', ' ', ',', '"', '""', '\n', '\r\n', '\r', 'x"y', '12', '\0'];
  const cell = (): string => {
    let s = '';
    for (let n = Math.floor(random() * 4); n > 0; n--) s += pick(pieces);
    const r = random();
    if (r < 0.35) return `"${s.replaceAll('"', '""')}"`; // well quoted
    if (r < 0.4) return `"${s}"${pick(['x', '"', '', ' '])}`; // quoted, then text or a stray quote
    if (r < 0.42) return `"${s}`; // opened, maybe never closed
    return s.replace(/[,\r\n]/g, ''); // plain, stray quotes included
  };
  const eol = pick(['\n', '\r\n', '\r']);
  const lines: string[] = [];
  for (let r = Math.floor(random() * 8); r >= 0; r--) {
    const cells = Array.from({ length: 1 + Math.floor(random() * 5) }, cell);
    lines.push(random() < 0.08 ? '' : cells.join(','));
    if (random() < 0.05) lines.push(''); // an empty line
  }
  const text = lines.map((l) => l + (random() < 0.06 ? pick(['\n', '\r\n', '\r']) : eol)).join('');
  // Now and then no final line break (the last line's own, which is not always the file's).
  return random() < 0.3 ? text.replace(/(\r\n|\n|\r)$/, '') : text;
}
