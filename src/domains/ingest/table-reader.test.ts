// A department file is opened before its header is checked; whoever stops early (a missing column, a refused
// mapping, an empty file) must not leave the file open — a server importing many files would run out of handles.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileReleased, isFileOpen } from '../../testing/open-files.ts';
import { IngestFileError } from './ingest-errors.ts';
import { openTable } from './table-reader.ts';

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
});
