// The CSV splitter reads department files as csv-parse did with the importer's options (relax_quotes,
// relax_column_count, skip_empty_lines): the hand-picked cases below say what that dialect is, and the differential
// test checks the splitter against csv-parse itself on generated files full of quotes, line breaks of every kind and
// chunk boundaries in awkward places.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../lib/random/seeded.ts';
import { csvParseRecords, trickyCsv } from '../../testing/tricky-csv.ts';
import { CsvRecordSplitter, type CsvSplitterLimits } from './csv-rows.ts';
import { IngestFileError } from './ingest-errors.ts';

const LIMITS: CsvSplitterLimits = { maxRecordBytes: 32 * 1024 * 1024, maxHeaderCells: 512 };

/** Records of `text` fed to the splitter in pieces of the given sizes (cycled). */
function split(text: string, pieces: number[] = [text.length || 1], limits = LIMITS): string[][] {
  const splitter = new CsvRecordSplitter(limits);
  const out: string[][] = [];
  for (let at = 0, k = 0; at < text.length; k++) {
    const n = Math.max(1, pieces[k % pieces.length]!);
    splitter.push(text.slice(at, at + n), out);
    at += n;
  }
  splitter.finish(out);
  return out;
}

function splitOrError(text: string, pieces?: number[]): string[][] | 'unclosed' {
  try {
    return split(text, pieces);
  } catch (error) {
    if (error instanceof IngestFileError && error.code === 'INGEST_CSV_MALFORMED') return 'unclosed';
    throw error;
  }
}

describe('CsvRecordSplitter', () => {
  it.each<[string, string, string[][]]>([
    [
      'LF lines, with and without a final line break',
      'a,b\nc,d\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'no final line break',
      'a,b\nc,d',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'CRLF lines',
      'a,b\r\nc,d\r\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'lone CR lines (old Mac exports)',
      'a,b\rc,d\r',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'in an LF file a CR is text',
      'a,b\nc\r,d\r\n',
      [
        ['a', 'b'],
        ['c\r', 'd\r'],
      ],
    ],
    [
      'in a CRLF file a lone LF is text',
      'a,b\r\nc\nd,e\r\n',
      [
        ['a', 'b'],
        ['c\nd', 'e'],
      ],
    ],
    ['in a CR file an LF is text', 'a,b\rc\nd\r', [['a', 'b'], ['c\nd']]],
    [
      'empty lines are skipped',
      '\n\na,b\n\n\nc,d\n\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'a line of "" is one empty cell, a line of commas empty cells',
      'a\n""\n,,\n',
      [['a'], [''], ['', '', '']],
    ],
    ['spaces are kept', ' a , b \n', [[' a ', ' b ']]],
    ['quoted commas, quotes and line breaks', '"a,b","c""d","e\r\nf"\n', [['a,b', 'c"d', 'e\r\nf']]],
    ['a quote inside a cell is text', '赵"六,关于"十四五"规划\n', [['赵"六', '关于"十四五"规划']]],
    ['a quoted cell followed by text keeps both quotes', '"赵"六,x\n', [['"赵"六', 'x']]],
    ['…and a doubled quote inside it stays single', '"a""b"c,x\n', [['"a"b"c', 'x']]],
    ['a quote closed before a CR in an LF file is text', 'x\n"a"\r\nb\n', [['x'], ['"a"\r'], ['b']]],
    ['the first line break decides, even after a closing quote', 'x,"a"\r\nb\nc\r\n', [['x', 'a'], ['b\nc']]],
    ['a quote followed by NUL closes the cell (as csv-parse does)', '"a"\0b,c\n', [['a\0b', 'c']]],
    ['an empty quoted cell', '"",""\n', [['', '']]],
    [
      'ragged rows are kept as they are',
      'a,b,c\n1\n1,2,3,4\n',
      [['a', 'b', 'c'], ['1'], ['1', '2', '3', '4']],
    ],
    ['a BOM inside the text is text', '\ufeffa,b\n', [['\ufeffa', 'b']]],
  ])('%s', (_, text, expected) => {
    expect(split(text)).toEqual(expected);
    // One character at a time: every boundary falls somewhere awkward.
    expect(split(text, [1])).toEqual(expected);
    expect(csvParseRecords(text)).toEqual(expected);
  });

  it('a quote left open to the end of the file is a file error naming the line it was opened on', () => {
    const text = '姓名,备注\n张三,ok\n李四,"没有闭合\n王五,x\n赵六,y\n';
    expect(csvParseRecords(text)).toBe('unclosed');
    for (const pieces of [[text.length], [1], [3, 1, 2]]) {
      const error = (() => {
        try {
          split(text, pieces);
        } catch (e) {
          return e;
        }
      })() as IngestFileError;
      expect(error).toBeInstanceOf(IngestFileError);
      expect(error.code).toBe('INGEST_CSV_MALFORMED');
      expect(error.at).toBe(3);
      expect(error.message).toContain('line 3');
    }
  });

  it('records before the unclosed quote are handed out before the error', () => {
    const splitter = new CsvRecordSplitter(LIMITS);
    const out: string[][] = [];
    splitter.push('a,b\n1,2\n3,"4\n5,6\n', out);
    expect(out).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(() => splitter.finish(out)).toThrow(IngestFileError);
  });

  it('a header wider than the limit is refused as soon as the limit is passed, not at its end', () => {
    const splitter = new CsvRecordSplitter({ ...LIMITS, maxHeaderCells: 512 });
    const out: string[][] = [];
    const wide = Array.from({ length: 600 }, (_, i) => `c${i}`).join(',');
    // No line break yet: the header is still being read when it is refused.
    expect(() => splitter.push(wide, out)).toThrow(
      expect.objectContaining({ code: 'INGEST_TOO_MANY_COLUMNS' }) as unknown as Error,
    );
    // Through the fast path too (a whole header line in one piece, after an empty line fixed the line break).
    expect(() => split(`\n${wide}\na\n`)).toThrow(
      expect.objectContaining({ code: 'INGEST_TOO_MANY_COLUMNS' }) as unknown as Error,
    );
    // Data rows may be wider than the header: the importer reports them as ragged.
    expect(split(`a\n${wide}\n`)[1]).toHaveLength(600);
  });

  it('a record larger than the byte limit is a file error, counted in UTF-8 bytes, across chunks', () => {
    const limits = { maxRecordBytes: 100, maxHeaderCells: 512 };
    // 30 Chinese characters are 90 bytes: allowed; 40 are 120 bytes (though only 40 UTF-16 units): refused.
    expect(split(`h\n${'张'.repeat(30)}\n`, [7], limits)[1]).toEqual(['张'.repeat(30)]);
    for (const [text, pieces] of [
      [`h\n${'张'.repeat(40)}\nx\n`, [1000]],
      [`h\n${'张'.repeat(40)}\nx\n`, [7]],
      [`h\na,"${'x'.repeat(60)}\n${'y'.repeat(60)}"\n`, [5]],
      [`h\n${'a,'.repeat(80)}\n`, [1000]],
    ] as const) {
      const error = (() => {
        try {
          split(text, [...pieces], limits);
        } catch (e) {
          return e;
        }
      })() as IngestFileError;
      expect(error).toBeInstanceOf(IngestFileError);
      expect(error.code).toBe('INGEST_CSV_MALFORMED');
      expect(error.at).toBe(2);
      expect(error.message).toContain('starting on line 2 exceeds');
    }
  });

  it('agrees with csv-parse on generated files, whatever the chunk boundaries', () => {
    const random = seededRandom(20261201);
    let compared = 0;
    let unclosed = 0;
    for (let file = 0; file < 1000; file++) {
      const text = trickyCsv(random);
      const expected = csvParseRecords(text);
      if (expected === 'unclosed') unclosed++;
      for (const chunking of [[text.length || 1], [1], [2, 3], [1 + Math.floor(random() * 9)]]) {
        expect(splitOrError(text, chunking), JSON.stringify({ text, chunking })).toEqual(expected);
        compared++;
      }
    }
    // The generator really produced both outcomes.
    expect(unclosed).toBeGreaterThan(10);
    expect(compared).toBe(4000);
  });
});
