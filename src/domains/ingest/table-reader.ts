// Streams a department file as a header and rows of strings, whatever its format: CSV in any supported encoding
// (split by csv-rows.ts), XLSX through exceljs's streaming reader, JSON Lines. Memory stays constant: rows are
// yielded one at a time, and nothing but the rows of the current chunk of the file (256 KB) is held. A row that
// cannot be read as a row (bad JSON) is yielded with its problem so the caller quarantines it; CSV quotes are read
// leniently, so that a stray quote never breaks a row; only a file that cannot be read at all (a quote left open
// to its end, a record over MAX_RECORD_BYTES, a wrong encoding) throws IngestFileError.
//
// Reading the 72,575 rows of the police register (UTF-8 with BOM) through openTable(...).rows costs 1.1-1.5 µs of
// CPU per row (83-108 ms), against 9.3-11.8 µs (677-854 ms) with the csv-parse pipeline it replaced (load average
// 12-16 on 2 cores; the wall times, 0.1-1 s, mostly waited for a core).
import { createReadStream } from 'node:fs';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { CsvRecordSplitter } from './csv-rows.ts';
import type { FileFormat, TextEncoding } from './file-format.ts';
import { MAX_COLUMNS } from './file-format.ts';
import { IngestFileError } from './ingest-errors.ts';

export { MAX_COLUMNS };
/** A CSV record (one row, all cells, as UTF-8 text) larger than this is refused as a file error. */
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
  const stream = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += chunk.length;
  });
  return { stream, bytesRead: () => bytes };
}

/** Bytes read from the file at a time: large enough that the per-chunk costs (a promise, a decode call) vanish. */
const READ_CHUNK_BYTES = 256 * 1024;

interface ChunkDecoder {
  /** Text of these bytes (a character cut at the chunk's end waits for the next); `at` is the chunk's file offset. */
  write(bytes: Buffer, at: number): string;
  end(): string;
}

function utf8Decoder(): ChunkDecoder {
  // The decoder drops a leading BOM itself; a second one right after it is dropped too (as the reader always has).
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  return {
    write(bytes, at) {
      let text: string;
      try {
        text = decoder.decode(bytes, { stream: true });
      } catch {
        throw new IngestFileError(
          'INGEST_ENCODING_MISMATCH',
          `文件在第 ${at} 字节附近不是有效的 UTF-8，请确认编码（GBK 文件请选择 GBK）`,
          `The file is not valid UTF-8 near byte ${at}; check the encoding (choose GBK for GBK files)`,
        );
      }
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      return text;
    },
    end() {
      try {
        return decoder.decode();
      } catch {
        throw new IngestFileError(
          'INGEST_ENCODING_MISMATCH',
          '文件末尾的字符不完整（不是有效的 UTF-8）',
          'The file ends inside a character (not valid UTF-8)',
        );
      }
    },
  };
}

function utf16Decoder(): ChunkDecoder {
  const decoder = iconv.getDecoder('utf-16le', { stripBOM: true });
  return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() ?? '' };
}

/**
 * iconv-lite's GB18030 decoder drops characters when a chunk starts with the end of a 4-byte sequence (it sizes
 * its output at two bytes per input byte, and a character outside the BMP, such as 𠮷 in a name, takes four).
 * So it is handed each chunk only up to its last byte below 0x30 (a comma, quote, space or line break), which is
 * never part of a multi-byte sequence; the rest waits for the next chunk. A run of that many bytes without one is
 * a record the splitter refuses anyway, so it is decoded as it is rather than held without end.
 */
function gb18030Decoder(): ChunkDecoder {
  const decoder = iconv.getDecoder('gb18030', { stripBOM: true });
  let held: Buffer[] = [];
  let heldBytes = 0;
  return {
    write(bytes) {
      let cut = bytes.length;
      while (cut > 0 && bytes[cut - 1]! >= 0x30) cut--;
      if (cut === 0 && heldBytes + bytes.length <= MAX_RECORD_BYTES) {
        held.push(bytes);
        heldBytes += bytes.length;
        return '';
      }
      if (cut === 0) cut = bytes.length;
      const whole =
        held.length > 0 ? Buffer.concat([...held, bytes.subarray(0, cut)]) : bytes.subarray(0, cut);
      held = cut < bytes.length ? [bytes.subarray(cut)] : [];
      heldBytes = bytes.length - cut;
      return decoder.write(whole);
    },
    end() {
      const rest = held.length > 0 ? decoder.write(Buffer.concat(held)) : '';
      held = [];
      return rest + (decoder.end() ?? '');
    },
  };
}

interface DecodedText {
  /** The next piece of the file's text, '' when a chunk held only part of a character, null at the end. */
  next(): Promise<string | null>;
  bytesRead(): number;
  close(): void;
}

/**
 * The file's text, chunk by chunk: the read stream is iterated directly and each chunk decoded in place, with no
 * Transform between them (each stream layer cost about a microsecond per row of a department file).
 */
function decodedText(file: string, encoding: TextEncoding, chunkBytes = READ_CHUNK_BYTES): DecodedText {
  const stream = createReadStream(file, { highWaterMark: chunkBytes });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const decoder =
    encoding === 'utf-8' || encoding === 'utf-8-bom'
      ? utf8Decoder()
      : encoding === 'utf-16le'
        ? utf16Decoder()
        : gb18030Decoder();
  let bytes = 0;
  let finished = false;
  let closed = false;
  return {
    async next() {
      if (finished || closed) return null;
      let chunk: IteratorResult<Buffer>;
      try {
        chunk = await chunks.next();
      } catch (error) {
        if (closed) return null;
        throw new IngestFileError(
          'INGEST_FILE_UNREADABLE',
          `无法读取文件：${String((error as Error)?.message ?? error).slice(0, 120)}`,
          `Cannot read the file: ${String((error as Error)?.message ?? error).slice(0, 120)}`,
        );
      }
      if (closed) return null;
      if (chunk.done) {
        finished = true;
        return decoder.end();
      }
      const at = bytes;
      bytes += chunk.value.length;
      return decoder.write(chunk.value, at);
    },
    bytesRead: () => bytes,
    close() {
      closed = true;
      stream.destroy();
    },
  };
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

async function openCsv(file: string, encoding: TextEncoding, chunkBytes?: number): Promise<OpenedTable> {
  const text = decodedText(file, encoding, chunkBytes);
  const splitter = new CsvRecordSplitter({ maxRecordBytes: MAX_RECORD_BYTES, maxHeaderCells: MAX_COLUMNS });
  let closed = false;
  const close = () => {
    closed = true;
    text.close();
  };
  /** The records completed by the next chunks of the file (never an empty batch), or null at its end. */
  const nextRecords = async (): Promise<string[][] | null> => {
    for (;;) {
      const chunk = await text.next();
      if (closed) return null;
      const out: string[][] = [];
      if (chunk === null) {
        splitter.finish(out);
        return out.length > 0 ? out : null;
      }
      if (chunk.length > 0) splitter.push(chunk, out);
      if (out.length > 0) return out;
    }
  };
  let batch: string[][] = [];
  let next = 0;
  const header = await closingOnError(close, async () => {
    const first = await nextRecords();
    if (first === null) throw new IngestFileError('INGEST_FILE_EMPTY', '文件为空', 'The file is empty');
    batch = first;
    next = 1;
    return checkHeader(first[0]!);
  });
  // Records come in batches of one chunk (about 1,700 rows of a department file) and leave one at a time.
  async function* rows(): AsyncGenerator<TableRow> {
    let row = 0;
    try {
      for (;;) {
        while (next < batch.length) yield { row: ++row, cells: batch[next++]! };
        const more = await nextRecords();
        if (more === null) return;
        batch = more;
        next = 0;
      }
    } finally {
      close();
    }
  }
  return { header, rows: rows(), bytesRead: text.bytesRead, close };
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
  // Loaded here, not with the module: exceljs takes about 0.25 s to load, which every CSV import (and each import
  // worker thread) would otherwise pay for a format it does not read.
  const { default: excel } = await import('exceljs');
  const { stream: input, bytesRead } = countingStream(file);
  const reader = new excel.stream.xlsx.WorkbookReader(input, {
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

async function* lines(text: DecodedText): AsyncGenerator<string> {
  let rest = '';
  for (let chunk = await text.next(); chunk !== null; chunk = await text.next()) {
    rest += chunk;
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
  const text = decodedText(file, encoding);
  const { bytesRead, close } = text;
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
  /** Tests read with tiny chunks so that chunk boundaries fall inside quotes, line breaks and characters. */
  options: { chunkBytes?: number } = {},
): Promise<OpenedTable> {
  if (format === 'xlsx') return openXlsx(file);
  if (format === 'jsonl') return openJsonLines(file, encoding ?? 'utf-8');
  return openCsv(file, encoding ?? 'utf-8', options.chunkBytes);
}
