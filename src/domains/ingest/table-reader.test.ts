// A department file is opened before its header is checked; whoever stops early (a missing column, a refused
// mapping, an empty file) must not leave the file open — a server importing many files would run out of handles.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../lib/random/seeded.ts';
import { fileReleased, isFileOpen } from '../../testing/open-files.ts';
import { csvParseRecords, trickyCsv } from '../../testing/tricky-csv.ts';
import type { TextEncoding } from './file-format.ts';
import { IngestFileError } from './ingest-errors.ts';
import { MAX_RECORD_BYTES, type OpenedTable, openTable, type TableRow } from './table-reader.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'table-reader-'));

// Larger than one read-ahead chunk, so the stream is still open after the header.
const manyRows = (n: number) => Array.from({ length: n }, (_, i) => `R${i},张三${i},2024-01-0${(i % 9) + 1}`);

describe('openTable', () => {
  it('CSV: close() before the first row releases the file', async () => {
    const file = path.join(dir, 'people.csv');
    writeFileSync(file, ['编号,姓名,日期', ...manyRows(40_000)].join('\n'));
    const table = await openTable(file, 'csv', 'utf-8');
    expect(table.header).toEqual(['编号', '姓名', '日期']);
    expect(isFileOpen(file)).toBe(true);
    table.close();
    table.close();
    expect(await fileReleased(file)).toBe(true);
  });

  it('JSON Lines: close() before the first row releases the file', async () => {
    const file = path.join(dir, 'people.jsonl');
    writeFileSync(
      file,
      manyRows(40_000)
        .map((r) => JSON.stringify({ id: r.split(',')[0], name: r.split(',')[1] }))
        .join('\n'),
    );
    const table = await openTable(file, 'jsonl', 'utf-8');
    expect(table.header).toEqual(['id', 'name']);
    table.close();
    expect(await fileReleased(file)).toBe(true);
  });

  it('reading every row releases the file without close()', async () => {
    const file = path.join(dir, 'read-all.csv');
    writeFileSync(file, ['编号,姓名,日期', ...manyRows(30_000)].join('\n'));
    const table = await openTable(file, 'csv', 'utf-8');
    let rows = 0;
    for await (const _ of table.rows) rows++;
    expect(rows).toBe(30_000);
    expect(await fileReleased(file)).toBe(true);
  });

  it('a header the reader refuses releases the file before the error reaches the caller', async () => {
    const file = path.join(dir, 'wide.csv');
    const header = Array.from({ length: 20_000 }, (_, i) => `c${i}`).join(',');
    writeFileSync(file, [header, ...manyRows(40_000)].join('\n'));
    const error = await openTable(file, 'csv', 'utf-8').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestFileError);
    expect((error as IngestFileError).code).toBe('INGEST_TOO_MANY_COLUMNS');
    expect(await fileReleased(file)).toBe(true);
  });

  it('CSV: close() in the middle of the rows, or leaving the loop early, releases the file', async () => {
    const file = path.join(dir, 'half.csv');
    writeFileSync(file, ['编号,姓名,日期', ...manyRows(60_000)].join('\n'));
    const table = await openTable(file, 'csv', 'utf-8');
    const iterator = table.rows[Symbol.asyncIterator]();
    for (let i = 0; i < 10_000; i++) await iterator.next();
    table.close();
    expect(await fileReleased(file)).toBe(true);
    const again = await openTable(file, 'csv', 'utf-8');
    for await (const r of again.rows) if (r.row === 20_000) break;
    expect(await fileReleased(file)).toBe(true);
  });
});

async function readAll(table: OpenedTable): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  for await (const r of table.rows) rows.push(r);
  return rows;
}

async function failure(read: () => Promise<unknown>): Promise<IngestFileError> {
  const error = await read().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IngestFileError);
  return error as IngestFileError;
}

describe('openTable, CSV', () => {
  const encode = (text: string, encoding: TextEncoding): Buffer =>
    encoding === 'utf-8'
      ? Buffer.from(text)
      : encoding === 'utf-8-bom'
        ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])
        : encoding === 'utf-16le'
          ? iconv.encode(text, 'utf-16le', { addBOM: true })
          : iconv.encode(text, 'gb18030');

  it('reads generated files as csv-parse did, in every encoding, whatever the chunk boundaries', async () => {
    const random = seededRandom(20261202);
    const encodings: TextEncoding[] = ['utf-8', 'utf-8-bom', 'utf-16le', 'gb18030'];
    let files = 0;
    for (let n = 0; n < 240; n++) {
      const text = trickyCsv(random);
      const expected = csvParseRecords(text);
      const encoding = encodings[n % encodings.length]!;
      const file = path.join(dir, `tricky-${n}.csv`);
      writeFileSync(file, encode(text, encoding));
      // Chunks of 1 to 7 bytes cut characters of 2, 3 and 4 bytes, the BOM, CRLF pairs and doubled quotes.
      const chunkBytes = 1 + (n % 7);
      const context = JSON.stringify({ text, encoding, chunkBytes });
      const read = async () => {
        const table = await openTable(file, 'csv', encoding, { chunkBytes });
        return { header: table.header, rows: await readAll(table) };
      };
      if (expected === 'unclosed') {
        expect((await failure(read)).code, context).toBe('INGEST_CSV_MALFORMED');
      } else if (expected.length === 0) {
        expect((await failure(read)).code, context).toBe('INGEST_FILE_EMPTY');
      } else {
        const { header, rows } = await read();
        expect(header.length, context).toBe(expected[0]!.length);
        expect(rows, context).toEqual(expected.slice(1).map((cells, i) => ({ row: i + 1, cells })));
      }
      expect(await fileReleased(file), context).toBe(true);
      files++;
    }
    expect(files).toBe(240);
  });

  it('numbers data rows from 1, empty lines not counted, and cleans the header', async () => {
    const file = path.join(dir, 'numbered.csv');
    writeFileSync(file, '\ufeff 姓名 ,备注,备注,\r\n\r\n张三,a\r\n\r\n\r\n李四,"b\r\nc"\r\n王五\r\n');
    for (const chunkBytes of [undefined, 1, 3]) {
      const table = await openTable(file, 'csv', 'utf-8-bom', { chunkBytes });
      expect(table.header).toEqual(['姓名', '备注', '备注_2', '列4']);
      expect(await readAll(table)).toEqual([
        { row: 1, cells: ['张三', 'a'] },
        { row: 2, cells: ['李四', 'b\r\nc'] },
        { row: 3, cells: ['王五'] },
      ]);
    }
  });

  it('invalid UTF-8 is refused with the byte it was found near', async () => {
    const file = path.join(dir, 'latin1.csv');
    const good = `姓名,备注\n${'张三,好\n'.repeat(100)}`;
    writeFileSync(file, Buffer.concat([Buffer.from(good), Buffer.from([0xc9, 0x2c, 0x0a])]));
    const at = Buffer.byteLength(good);
    const error = await failure(async () =>
      readAll(await openTable(file, 'csv', 'utf-8', { chunkBytes: 64 })),
    );
    expect(error.code).toBe('INGEST_ENCODING_MISMATCH');
    const near = Number(/near byte (\d+)/.exec(error.message)?.[1]);
    expect(near).toBeLessThanOrEqual(at);
    expect(near).toBeGreaterThan(at - 64);
    expect(await fileReleased(file)).toBe(true);

    const cut = path.join(dir, 'cut.csv');
    writeFileSync(cut, Buffer.from('姓名\n张三').subarray(0, -1));
    const ending = await failure(async () => readAll(await openTable(cut, 'csv', 'utf-8')));
    expect(ending.code).toBe('INGEST_ENCODING_MISMATCH');
    expect(ending.message).toContain('ends inside a character');
  });

  it('a quote left open refuses the file after the rows before it, and names the line it was opened on', async () => {
    const file = path.join(dir, 'open-quote.csv');
    writeFileSync(file, `姓名,备注\n${'张三,好\n'.repeat(1000)}李四,"没有闭合\n王五,x\n`);
    const table = await openTable(file, 'csv', 'utf-8', { chunkBytes: 100 });
    const seen: number[] = [];
    const error = await failure(async () => {
      for await (const r of table.rows) seen.push(r.row);
    });
    expect(error.code).toBe('INGEST_CSV_MALFORMED');
    expect(error.at).toBe(1002);
    expect(seen).toHaveLength(1000);
    expect(await fileReleased(file)).toBe(true);
    // In a file of one chunk it may be found while the header is read: the same error.
    const small = path.join(dir, 'open-quote-small.csv');
    writeFileSync(small, '姓名,"备注\n张三,x\n');
    expect((await failure(async () => readAll(await openTable(small, 'csv', 'utf-8')))).code).toBe(
      'INGEST_CSV_MALFORMED',
    );
    expect(await fileReleased(small)).toBe(true);
  });

  it('a record over MAX_RECORD_BYTES refuses the file without reading the rest, a 10 MB cell is a row', async () => {
    const file = path.join(dir, 'huge-record.csv');
    const big = 'x'.repeat(10 * 1024 * 1024);
    writeFileSync(file, `姓名,备注\n张三,${big}\n李四,"${big}\n${big}\n${big}\n${big}"\n王五,x\n`);
    const table = await openTable(file, 'csv', 'utf-8');
    const rows: TableRow[] = [];
    const error = await failure(async () => {
      for await (const r of table.rows) rows.push(r);
    });
    expect(error.code).toBe('INGEST_CSV_MALFORMED');
    expect(error.at).toBe(3);
    expect(error.message).toContain(`exceeds the ${MAX_RECORD_BYTES / 1024 / 1024} MB row limit`);
    expect(rows.map((r) => [r.row, r.cells[0], r.cells[1]!.length])).toEqual([[1, '张三', big.length]]);
    expect(table.bytesRead()).toBeLessThan(45 * 1024 * 1024);
    expect(await fileReleased(file)).toBe(true);
  });

  it('a file of empty lines only is empty', async () => {
    const file = path.join(dir, 'blank.csv');
    for (const blank of ['\r\n\r\n', '\n\n\n', '\r\r', '']) {
      writeFileSync(file, blank);
      expect((await failure(() => openTable(file, 'csv', 'utf-8', { chunkBytes: 1 }))).code).toBe(
        'INGEST_FILE_EMPTY',
      );
      expect(await fileReleased(file)).toBe(true);
    }
  });

  it('GBK and UTF-16 files are decoded, their BOM dropped, characters outside the BMP whole', async () => {
    const text = '姓名,地址\r\n张三,"杭州市,西湖区"\r\n𠮷野,x\r\n𠮷,𠮷\r\n';
    for (const encoding of ['gb18030', 'utf-16le'] as const) {
      const file = path.join(dir, `zh-${encoding}.csv`);
      writeFileSync(file, encode(text, encoding));
      for (const chunkBytes of [undefined, 1, 5]) {
        const table = await openTable(file, 'csv', encoding, { chunkBytes });
        expect(table.header).toEqual(['姓名', '地址']);
        expect((await readAll(table)).map((r) => r.cells)).toEqual([
          ['张三', '杭州市,西湖区'],
          ['𠮷野', 'x'],
          ['𠮷', '𠮷'],
        ]);
      }
    }
  });

  it('bytesRead() follows the reading up to the file size', async () => {
    const file = path.join(dir, 'progress.csv');
    const content = ['编号,姓名,日期', ...manyRows(50_000)].join('\n');
    writeFileSync(file, content);
    const table = await openTable(file, 'csv', 'utf-8');
    const seen: number[] = [];
    for await (const r of table.rows) if (r.row % 10_000 === 0) seen.push(table.bytesRead());
    expect(seen.length).toBe(5);
    expect(seen[0]!).toBeLessThan(seen[4]!);
    expect(table.bytesRead()).toBe(Buffer.byteLength(content));
  });
});
