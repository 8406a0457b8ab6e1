// Reads a CSV file into a header and string rows, for the command-line engines (linkage, DEA, siting) that take
// plain CSV. UTF-8 with or without BOM; the caller names columns and gets errors that say file, row and column.
// Large imports with encodings and quarantine are the ingest domain's job, not this helper's.
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';

export class CsvError extends Error {
  constructor(
    message: string,
    readonly file: string,
    /** 1-based line of the file (the header is line 1), when known. */
    readonly line?: number,
    readonly column?: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}${column ? ` [${column}]` : ''}: ${message}`);
  }
}

export interface CsvTable {
  file: string;
  header: string[];
  /** Data rows, each as long as the header (unless read with relaxColumnCount). Row i is on file line i + 2. */
  rows: string[][];
}

export async function readCsvTable(
  file: string,
  options: {
    delimiter?: string;
    /** Keep a row with the wrong number of fields, for the caller to report, instead of failing the read. */
    relaxColumnCount?: boolean;
  } = {},
): Promise<CsvTable> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CsvError(code === 'ENOENT' ? 'file not found' : `cannot open (${code})`, file);
  }
  const input = handle.createReadStream();
  const parser = input.pipe(
    parse({
      bom: true,
      delimiter: options.delimiter ?? ',',
      relax_column_count: options.relaxColumnCount ?? false,
      skip_empty_lines: true,
    }),
  );
  // A read error (a directory, a vanished file) must reach the loop below rather than escape as an exception.
  input.on('error', (error) => parser.destroy(error));
  let header: string[] | undefined;
  const rows: string[][] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record.map((h) => h.trim());
        const seen = new Set<string>();
        for (const h of header) {
          if (h === '') throw new CsvError('the header has an empty column name', file, 1);
          if (seen.has(h)) throw new CsvError(`the header names column "${h}" twice`, file, 1, h);
          seen.add(h);
        }
        continue;
      }
      rows.push(record);
    }
  } catch (error) {
    if (error instanceof CsvError) throw error;
    const e = error as NodeJS.ErrnoException & { lines?: number };
    throw new CsvError(e.message, file, e.lines);
  } finally {
    await handle.close();
  }
  if (!header) throw new CsvError('the file is empty (no header row)', file);
  return { file, header, rows };
}

/** Index of a named column, or a CsvError that lists the columns there are. */
export function columnIndex(table: CsvTable, name: string): number {
  const i = table.header.indexOf(name);
  if (i < 0)
    throw new CsvError(`no column "${name}"; columns are: ${table.header.join(', ')}`, table.file, 1, name);
  return i;
}

/** A column parsed as finite numbers; empty or non-numeric cells are errors naming the line. */
export function numericColumn(table: CsvTable, name: string, opts: { min?: number } = {}): Float64Array {
  const i = columnIndex(table, name);
  const out = new Float64Array(table.rows.length);
  table.rows.forEach((row, r) => {
    const raw = (row[i] ?? '').trim();
    const v = raw === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(v)) throw new CsvError(`"${raw}" is not a number`, table.file, r + 2, name);
    if (opts.min !== undefined && v < opts.min) {
      throw new CsvError(`${v} is below the minimum ${opts.min}`, table.file, r + 2, name);
    }
    out[r] = v;
  });
  return out;
}

// Escapes a cell for CSV output so that spreadsheet programs do not run it as a formula: one rule for every export.
export { escapeFormula } from './normalise/spreadsheet-safety.ts';
