// Streams a department file as a header and rows of strings, whatever its format: CSV in any supported encoding,
// XLSX through exceljs's streaming reader, JSON Lines. Memory stays constant: rows are yielded one at a time and
// nothing but the current row is held. A row that cannot be read as a row (bad JSON, a broken quote) is yielded
// with its problem so the caller quarantines it; only a file that cannot be read at all throws IngestFileError.
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { type Options, parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { FileFormat, TextEncoding } from './file-format.ts';
import { MAX_COLUMNS } from './file-format.ts';
import { IngestFileError } from './ingest-errors.ts';

export { MAX_COLUMNS };
/** A CSV record (one row, all cells) larger than this is refused as a file error. */
export const MAX_RECORD_BYTES = 32 * 1024 * 1024;

export type RowProblem = 'csv_syntax' | 'bad_json' | 'not_an_object';

export interface TableRow {
  /** 1-based data row number (the header is row 0). */
  row: number;
  cells: string[];
  problem?: { code: RowProblem; detail: string };
}

export interface OpenedTable {
  header: string[];
  rows: AsyncIterable<TableRow>;
  /** Bytes of the file read so far, for progress. */
  bytesRead(): number;
  /**
   * Releases the file. Reading the rows to their end closes it too, but a caller that stops before the first row
   * (a missing column, a refused mapping) must call this; calling it again does nothing.
   */
  close(): void;
}

function countingStream(file: string) {
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += chunk.length;
  });
  return { stream, bytesRead: () => bytes };
}

class Utf8Decoder extends Transform {
  #decoder = new TextDecoder('utf-8', { fatal: true });
  #bytes = 0;
  #first = true;
  constructor() {
    super({ readableObjectMode: false, decodeStrings: true });
    this.setEncoding('utf8');
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    try {
      let text = this.#decoder.decode(chunk, { stream: true });
      if (this.#first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        this.#first = false;
      }
      this.#bytes += chunk.length;
      done(null, text);
    } catch {
      done(
        new IngestFileError(
          'INGEST_ENCODING_MISMATCH',
          `文件在第 ${this.#bytes} 字节附近不是有效的 UTF-8，请确认编码（GBK 文件请选择 GBK）`,
          `The file is not valid UTF-8 near byte ${this.#bytes}; check the encoding (choose GBK for GBK files)`,
        ),
      );
    }
  }
  override _flush(done: TransformCallback) {
    try {
      done(null, this.#decoder.decode());
    } catch {
      done(
        new IngestFileError(
          'INGEST_ENCODING_MISMATCH',
          '文件末尾的字符不完整（不是有效的 UTF-8）',
          'The file ends inside a character (not valid UTF-8)',
        ),
      );
    }
  }
}

function decodedText(
  file: string,
  encoding: TextEncoding,
): { text: NodeJS.ReadableStream; bytesRead: () => number; close: () => void } {
  const { stream: bytes, bytesRead } = countingStream(file);
  const decoder =
    encoding === 'utf-8' || encoding === 'utf-8-bom'
      ? new Utf8Decoder()
      : iconv.decodeStream(encoding === 'utf-16le' ? 'utf-16le' : 'gb18030', { stripBOM: true });
  bytes.on('error', (error) => (decoder as unknown as Transform).destroy(error));
  const text = bytes.pipe(decoder);
  const close = () => {
    bytes.destroy();
    (decoder as unknown as Transform).destroy();
  };
  return { text, bytesRead, close };
}

function tooManyColumns(n: number): IngestFileError {
  return new IngestFileError(
    'INGEST_TOO_MANY_COLUMNS',
    `表头有 ${n} 列，超过上限 ${MAX_COLUMNS} 列`,
    `The header has ${n} columns, more than the limit of ${MAX_COLUMNS}`,
  );
}

function checkHeader(header: string[]): string[] {
  if (header.length > MAX_COLUMNS) throw tooManyColumns(header.length);
  const cleaned = header.map((h, i) => h.replace(/^\ufeff/, '').trim() || `列${i + 1}`);
  const seen = new Map<string, number>();
  // Duplicate headers (two 备注 columns) get a suffix so that no column shadows another.
  return cleaned.map((h) => {
    const n = seen.get(h) ?? 0;
    seen.set(h, n + 1);
    return n === 0 ? h : `${h}_${n + 1}`;
  });
}

async function openCsv(file: string, encoding: TextEncoding): Promise<OpenedTable> {
  const { text, bytesRead, close: closeFile } = decodedText(file, encoding);
  // Records the parser had to skip, yielded in file order among the good ones as quarantined rows.
  const skipped: Array<{ line: number; detail: string }> = [];
  let row = 0;
  const parser = parse({
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    relax_quotes: true,
    max_record_size: MAX_RECORD_BYTES,
    // A header of a million columns is refused as soon as the parser has seen the limit plus one.
    on_record: (record: string[], context: { lines: number }) => ({ cells: record, line: context.lines }),
  } as unknown as Options);
  let fatal: IngestFileError | null = null;
  parser.on('skip', (error: Error & { code?: string; lines?: number }) => {
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      // The quote swallowed the rest of the file: no row boundary after it can be trusted.
      fatal = new IngestFileError(
        'INGEST_CSV_MALFORMED',
        `CSV 引号不配对：引号打开后直到文件结束（第 ${error.lines ?? '?'} 行）都没有闭合`,
        `Unbalanced quote: a quote is still open at the end of the file (line ${error.lines ?? '?'})`,
        error.lines,
      );
      return;
    }
    skipped.push({
      line: error.lines ?? Number.MAX_SAFE_INTEGER,
      detail: `${error.code ?? 'CSV'}: ${error.message.slice(0, 200)}`,
    });
  });
  (text as unknown as NodeJS.EventEmitter).on('error', (error: Error) => parser.destroy(error));
  text.pipe(parser);
  const iterator = (parser as AsyncIterable<CsvRecord>)[Symbol.asyncIterator]();
  const close = () => {
    parser.destroy();
    closeFile();
  };
  const header = await closingOnError(close, async () => {
    const first = await nextCsv(iterator);
    if (fatal) throw fatal;
    if (first.done) throw new IngestFileError('INGEST_FILE_EMPTY', '文件为空', 'The file is empty');
    return checkHeader(first.value.cells);
  });
  async function* rows(): AsyncGenerator<TableRow> {
    const skippedRow = (s: { detail: string }): TableRow => ({
      row: ++row,
      cells: [],
      problem: { code: 'csv_syntax', detail: s.detail },
    });
    try {
      for (;;) {
        const next = await nextCsv(iterator);
        if (fatal) throw fatal;
        while (skipped.length > 0 && (next.done || skipped[0]!.line < next.value.line))
          yield skippedRow(skipped.shift()!);
        if (next.done) break;
        yield { row: ++row, cells: next.value.cells };
      }
    } finally {
      close();
    }
  }
  return { header, rows: rows(), bytesRead, close };
}

interface CsvRecord {
  cells: string[];
  line: number;
}

async function nextCsv(iterator: AsyncIterator<CsvRecord>): Promise<IteratorResult<CsvRecord>> {
  try {
    return await iterator.next();
  } catch (error) {
    if (error instanceof IngestFileError) throw error;
    const e = error as Error & { code?: string; lines?: number };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED')
      throw new IngestFileError(
        'INGEST_CSV_MALFORMED',
        `CSV 引号不配对：第 ${e.lines ?? '?'} 行开始的引号直到文件结束都没有闭合`,
        `Unbalanced quote: a quote opened before line ${e.lines ?? '?'} is never closed`,
        e.lines,
      );
    if (e.code === 'CSV_MAX_RECORD_SIZE')
      throw new IngestFileError(
        'INGEST_CSV_MALFORMED',
        `第 ${e.lines ?? '?'} 行超过单行上限 ${MAX_RECORD_BYTES / 1024 / 1024} MB`,
        `Line ${e.lines ?? '?'} exceeds the ${MAX_RECORD_BYTES / 1024 / 1024} MB row limit`,
        e.lines,
      );
    throw new IngestFileError(
      'INGEST_CSV_MALFORMED',
      `CSV 格式错误：${e.message.slice(0, 200)}`,
      `Malformed CSV: ${e.message.slice(0, 200)}`,
      e.lines,
    );
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    // A formula is kept as the text a person sees in the formula bar, never evaluated.
    if ('formula' in value || 'sharedFormula' in value) {
      const f = (value as { formula?: string; sharedFormula?: string }).formula ?? '';
      return f ? `=${f}` : String((value as { result?: unknown }).result ?? '');
    }
    if ('text' in value) return String((value as { text: unknown }).text);
    if ('error' in value) return String((value as { error: unknown }).error);
    return JSON.stringify(value);
  }
  return String(value);
}

async function openXlsx(file: string): Promise<OpenedTable> {
  const { stream: input, bytesRead } = countingStream(file);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const unreadable = (error: unknown) =>
    new IngestFileError(
      'INGEST_FILE_UNREADABLE',
      `无法读取 .xlsx 工作簿（文件可能不完整或已损坏）：${String((error as Error)?.message ?? error).slice(0, 120)}`,
      `Cannot read the .xlsx workbook (it may be truncated or damaged): ${String((error as Error)?.message ?? error).slice(0, 120)}`,
    );
  // Only the first worksheet is imported: department exports put one table on one sheet.
  async function* sheetRows(): AsyncGenerator<string[]> {
    try {
      for await (const sheet of reader) {
        for await (const r of sheet as unknown as AsyncIterable<ExcelJS.Row>) {
          const values = r.values as ExcelJS.CellValue[];
          if (values.length - 1 > MAX_COLUMNS) throw tooManyColumns(values.length - 1);
          const cells: string[] = [];
          for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
          if (cells.every((c) => c.trim() === '')) continue;
          yield cells;
        }
        break;
      }
    } catch (error) {
      if (error instanceof IngestFileError) throw error;
      throw unreadable(error);
    } finally {
      input.destroy();
    }
  }
  const iterator = sheetRows();
  const close = () => input.destroy();
  const header = await closingOnError(close, async () => {
    const first = await iterator.next();
    if (first.done)
      throw new IngestFileError('INGEST_FILE_EMPTY', '工作簿中没有数据', 'The workbook holds no data');
    return checkHeader(first.value);
  });
  async function* rows(): AsyncGenerator<TableRow> {
    let row = 0;
    for await (const cells of iterator) {
      row++;
      yield { row, cells };
    }
  }
  return { header, rows: rows(), bytesRead, close };
}

async function* lines(text: NodeJS.ReadableStream): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of text as AsyncIterable<string | Buffer>) {
    rest += String(chunk);
    if (rest.length > MAX_RECORD_BYTES)
      throw new IngestFileError(
        'INGEST_CSV_MALFORMED',
        'JSON Lines 文件中有一行过长',
        'A line of the JSON Lines file is too long',
      );
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      yield rest.slice(0, nl).replace(/\r$/, '');
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
  }
  if (rest.trim() !== '') yield rest;
}

function jsonCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

async function openJsonLines(file: string, encoding: TextEncoding): Promise<OpenedTable> {
  const { text, bytesRead, close } = decodedText(file, encoding);
  const source = lines(text);
  let header: string[] | undefined;
  let row = 0;
  const pending: TableRow[] = [];
  // The header is the keys of the first object; later objects' extra keys make the row ragged (quarantined).
  const toRow = (line: string): TableRow => {
    row++;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return {
        row,
        cells: [line.slice(0, 1000)],
        problem: { code: 'bad_json', detail: (error as Error).message },
      };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return { row, cells: [line.slice(0, 1000)], problem: { code: 'not_an_object', detail: typeof value } };
    const obj = value as Record<string, unknown>;
    if (!header) header = checkHeader(Object.keys(obj));
    const cells = header.map((k) => jsonCell(obj[k]));
    for (const k of Object.keys(obj)) if (!header.includes(k)) cells.push(`${k}=${jsonCell(obj[k])}`);
    return { row, cells };
  };
  // Iterate by hand: leaving a for-await loop early would close the line generator.
  const lineIterator = source[Symbol.asyncIterator]();
  const found = await closingOnError(close, async () => {
    while (!header) {
      const next = await lineIterator.next();
      if (next.done) break;
      if (next.value.trim() === '') continue;
      pending.push(toRow(next.value));
    }
    if (!header)
      throw new IngestFileError('INGEST_FILE_EMPTY', '文件中没有 JSON 对象', 'The file holds no JSON object');
    return header;
  });
  async function* rows(): AsyncGenerator<TableRow> {
    try {
      yield* pending;
      for (;;) {
        const next = await lineIterator.next();
        if (next.done) return;
        if (next.value.trim() !== '') yield toRow(next.value);
      }
    } finally {
      close();
    }
  }
  return { header: found, rows: rows(), bytesRead, close };
}

/** Runs the opening step of a table; if it throws (empty file, bad header), the file is released first. */
async function closingOnError<T>(close: () => void, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    close();
    throw error;
  }
}

export async function openTable(
  file: string,
  format: FileFormat,
  encoding: TextEncoding | null,
): Promise<OpenedTable> {
  if (format === 'xlsx') return openXlsx(file);
  if (format === 'jsonl') return openJsonLines(file, encoding ?? 'utf-8');
  return openCsv(file, encoding ?? 'utf-8');
}
