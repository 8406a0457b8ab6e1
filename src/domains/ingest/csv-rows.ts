// Splits decoded CSV text, chunk by chunk, into records of strings. Hand-written rather than a library because
// reading was a third of the import's client CPU: the 72,575 rows of the police register (UTF-8 with BOM, 7 short
// cells a row) cost 9.3-11.8 µs of CPU per row through fs stream -> decoder Transform -> csv-parse -> async iterator,
// and cost 1.2-1.3 µs through openTable with this splitter fed straight from the file (0.45 µs of it splitting,
// 0.35 µs decoding UTF-8). On the same decoded text, per row: this splitter 0.45 µs, uDSV 1.0, papaparse 1.2,
// csv-parse 5.6 (load average 13 on 2 cores, CPU time). Neither uDSV nor papaparse keeps csv-parse's reading of
// stray quotes, which department files are full of: papaparse swallows the rest of the line after "赵"六, uDSV
// drops the quoted part. csv-rows.test.ts checks this splitter against csv-parse itself.
//
// The dialect is csv-parse 7's with the options the importer always used (comma, double quote, relax_quotes,
// relax_column_count, skip_empty_lines):
// - The record delimiter is the first line break met outside quotes (CRLF, LF or a lone CR) and stays so for the
//   whole file; the other line-break characters are then plain text in a cell.
// - A quote opens a quoted cell only as the first character of a cell; anywhere else it is text (关于"十四五").
// - Inside quotes, "" is one quote, and commas and line breaks are text. A quote followed by a comma, the record
//   delimiter, NUL or the end of the file closes the cell; a quote followed by anything else ends the quoting but is
//   kept as text, together with the opening quote ("赵"六 stays "赵"六).
// - A line with no character at all is skipped and not counted; a line holding "" is a record of one empty cell.
// - A quote still open at the end of the file swallowed everything after it: a file error, not a row error.
// Most lines of a department file hold no quote: they are cut with indexOf and split(','), and only a record with a
// quote (or one cut by a chunk boundary) goes through the character-by-character path.
import { IngestFileError } from './ingest-errors.ts';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** The record delimiter of the file: not yet seen, LF, CRLF or a lone CR. */
const EOL_UNKNOWN = 0;
const EOL_LF = 1;
const EOL_CRLF = 2;
const EOL_CR = 3;

export interface CsvSplitterLimits {
  /** A record larger than this (its text as it stands in the file, quotes and commas included, as UTF-8) is refused. */
  maxRecordBytes: number;
  /** The first record (the header) is refused as soon as it has more cells than this. */
  maxHeaderCells: number;
}

export class CsvRecordSplitter {
  readonly #maxRecordBytes: number;
  /** Below this many UTF-16 units a text cannot exceed maxRecordBytes (3 UTF-8 bytes per unit at most). */
  readonly #safeUnits: number;
  readonly #maxHeaderCells: number;
  #eol = EOL_UNKNOWN;
  /** Text not yet examined: a quote or CR at the end of a chunk, whose meaning depends on the next character. */
  #rest = '';
  /** Cells of the record being read, and the text of its current cell read so far (from earlier chunks). */
  #record: string[] = [];
  /** UTF-8 bytes of the current record's text in earlier chunks (counted once per chunk, never re-read). */
  #spanBytes = 0;
  #field = '';
  #quoting = false;
  /** The current cell was quoted (so an empty line holding "" is a record, not a skipped line). */
  #wasQuoting = false;
  #records = 0;
  /** Line (1-based, counting record delimiters and line breaks inside quotes) where the next record starts. */
  #line = 1;
  #recordLine = 1;
  #quoteLine = 0;

  constructor(limits: CsvSplitterLimits) {
    this.#maxRecordBytes = limits.maxRecordBytes;
    this.#safeUnits = Math.floor(limits.maxRecordBytes / 3);
    this.#maxHeaderCells = limits.maxHeaderCells;
  }

  /** Records completed by this chunk are appended to `out`; a record cut by the chunk's end waits for the next. */
  push(chunk: string, out: string[][]): void {
    const text = this.#rest.length > 0 ? this.#rest + chunk : chunk;
    this.#rest = '';
    this.#scan(text, false, out);
  }

  /** The end of the file: completes the last record (with or without a final line break). */
  finish(out: string[][]): void {
    const text = this.#rest;
    this.#rest = '';
    if (text.length > 0) this.#scan(text, true, out);
    if (this.#quoting)
      throw new IngestFileError(
        'INGEST_CSV_MALFORMED',
        `CSV 引号不配对：第 ${this.#quoteLine} 行打开的引号直到文件结束都没有闭合`,
        `Unbalanced quote: the quote opened on line ${this.#quoteLine} is still open at the end of the file`,
        this.#quoteLine,
      );
    if (this.#wasQuoting || this.#record.length > 0 || this.#field.length > 0)
      this.#endRecord(this.#field, out);
  }

  #atRecordStart(): boolean {
    return this.#record.length === 0 && this.#field.length === 0 && !this.#quoting && !this.#wasQuoting;
  }

  #scan(text: string, final: boolean, out: string[][]): void {
    const len = text.length;
    let i = 0;
    let nextQuote = -2;
    while (i < len) {
      if (this.#eol !== EOL_UNKNOWN && this.#atRecordStart()) {
        // Fast path: a whole line without a quote in this chunk.
        let end = -1;
        let next = 0;
        if (this.#eol === EOL_CR) {
          end = text.indexOf('\r', i);
          next = end + 1;
        } else {
          const nl = text.indexOf('\n', i);
          if (nl !== -1) {
            if (this.#eol === EOL_LF) end = nl;
            else if (nl > i && text.charCodeAt(nl - 1) === CR) end = nl - 1;
            next = nl + 1;
          }
        }
        if (end !== -1) {
          if (nextQuote !== -1 && nextQuote < i) nextQuote = text.indexOf('"', i);
          if (nextQuote === -1 || nextQuote >= end) {
            this.#line++;
            if (end > i) {
              if (end - i > this.#safeUnits)
                this.#checkSize(Buffer.byteLength(text.slice(i, end)), this.#line - 1);
              // Split a copy of the line, not the chunk: a cell cut from the chunk would keep the whole chunk
              // (about 0.3 MB) alive for as long as the caller keeps the cell, in a memo of addresses say.
              const cells = `,${text.slice(i, end)}`.split(',');
              cells.shift();
              if (this.#records === 0 && cells.length > this.#maxHeaderCells)
                throw this.#tooManyHeaderCells();
              this.#records++;
              out.push(cells);
            }
            i = next;
            continue;
          }
        }
      }
      i = this.#slow(text, i, final, out);
    }
  }

  /**
   * Reads one record character by character from `i`: returns the index after its delimiter, or the text's length
   * when the record goes on in the next chunk (its state kept here).
   */
  #slow(text: string, start: number, final: boolean, out: string[][]): number {
    const len = text.length;
    if (this.#atRecordStart()) this.#recordLine = this.#line;
    let i = start;
    let runStart = start;
    while (i < len) {
      const c = text.charCodeAt(i);
      if (this.#quoting) {
        if (c !== QUOTE) {
          let q = text.indexOf('"', i);
          if (q === -1) q = len;
          // Line breaks inside quotes still count as lines, for the line numbers of messages.
          const br = this.#eol === EOL_CR ? '\r' : '\n';
          for (let nl = text.indexOf(br, i); nl !== -1 && nl < q; nl = text.indexOf(br, nl + 1)) this.#line++;
          i = q;
          continue;
        }
        if (i + 1 >= len && !final) return this.#suspend(text, start, i, runStart);
        const n = i + 1 < len ? text.charCodeAt(i + 1) : -1;
        if (n === QUOTE) {
          // "" inside quotes: one quote.
          this.#field += text.slice(runStart, i + 1);
          i += 2;
          runStart = i;
          continue;
        }
        let closes = n === -1 || n === 0 || n === COMMA;
        if (!closes) {
          const d = this.#delimiterAt(text, i + 1, final);
          if (d < 0) return this.#suspend(text, start, i, runStart);
          closes = d > 0;
        }
        this.#field += text.slice(runStart, i);
        this.#quoting = false;
        this.#wasQuoting = true;
        // A quote followed by text: the cell is read as it stands, both quotes kept.
        if (!closes) this.#field = `"${this.#field}"`;
        i++;
        runStart = i;
        continue;
      }
      if (c === QUOTE) {
        if (this.#field.length === 0 && runStart === i) {
          this.#quoting = true;
          this.#quoteLine = this.#line;
          runStart = i + 1;
        }
        i++;
        continue;
      }
      if (c === COMMA) {
        this.#endField(this.#field + text.slice(runStart, i));
        i++;
        runStart = i;
        continue;
      }
      if (c === LF || c === CR) {
        const d = this.#delimiterAt(text, i, final);
        if (d < 0) return this.#suspend(text, start, i, runStart);
        if (d > 0) {
          this.#line++;
          const cell = this.#field + text.slice(runStart, i);
          if (!this.#wasQuoting && this.#record.length === 0 && cell.length === 0) return i + d;
          if (this.#spanBytes + (i - start) * 3 > this.#maxRecordBytes)
            this.#checkSize(this.#spanBytes + Buffer.byteLength(text.slice(start, i)), this.#recordLine);
          this.#endRecord(cell, out);
          return i + d;
        }
      }
      i++;
    }
    this.#field += text.slice(runStart, len);
    this.#countSpan(text, start, len);
    return len;
  }

  /** Stops before `i` until the next chunk tells what the character there means. */
  #suspend(text: string, start: number, i: number, runStart: number): number {
    this.#field += text.slice(runStart, i);
    this.#rest = text.slice(i);
    this.#countSpan(text, start, i);
    return text.length;
  }

  /** Adds the record's text from `start` to `end` of this chunk to its size, refusing it once over the limit. */
  #countSpan(text: string, start: number, end: number): void {
    this.#spanBytes += Buffer.byteLength(text.slice(start, end));
    if (this.#spanBytes > this.#maxRecordBytes) this.#checkSize(this.#spanBytes, this.#recordLine);
  }

  /** Length of the record delimiter at `j` (learning the file's delimiter from the first one), 0, or -1: wait. */
  #delimiterAt(text: string, j: number, final: boolean): number {
    const c = text.charCodeAt(j);
    switch (this.#eol) {
      case EOL_LF:
        return c === LF ? 1 : 0;
      case EOL_CR:
        return c === CR ? 1 : 0;
      case EOL_CRLF:
        if (c !== CR) return 0;
        if (j + 1 >= text.length) return final ? 0 : -1;
        return text.charCodeAt(j + 1) === LF ? 2 : 0;
      default:
        if (c === LF) {
          this.#eol = EOL_LF;
          return 1;
        }
        if (c !== CR) return 0;
        if (j + 1 >= text.length && !final) return -1;
        if (text.charCodeAt(j + 1) === LF) {
          this.#eol = EOL_CRLF;
          return 2;
        }
        this.#eol = EOL_CR;
        return 1;
    }
  }

  #endField(cell: string): void {
    // A copy, for the same reason as in the fast path (V8 cuts strings of 13 characters or more as views).
    this.#record.push(cell.length < 13 ? cell : ` ${cell}`.slice(1));
    this.#field = '';
    this.#wasQuoting = false;
    if (this.#records === 0 && this.#record.length > this.#maxHeaderCells) throw this.#tooManyHeaderCells();
  }

  #endRecord(cell: string, out: string[][]): void {
    this.#endField(cell);
    const record = this.#record;
    this.#record = [];
    this.#spanBytes = 0;
    this.#records++;
    out.push(record);
  }

  #checkSize(bytes: number, line: number): void {
    if (bytes <= this.#maxRecordBytes) return;
    const mb = Math.round((this.#maxRecordBytes / 1024 / 1024) * 100) / 100;
    throw new IngestFileError(
      'INGEST_CSV_MALFORMED',
      `第 ${line} 行开始的记录超过单行上限 ${mb} MB`,
      `The record starting on line ${line} exceeds the ${mb} MB row limit`,
      line,
    );
  }

  #tooManyHeaderCells(): IngestFileError {
    return new IngestFileError(
      'INGEST_TOO_MANY_COLUMNS',
      `表头超过 ${this.#maxHeaderCells} 列`,
      `The header has more than ${this.#maxHeaderCells} columns`,
    );
  }
}
