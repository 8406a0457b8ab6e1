// CSV input for the decision-engine commands (dea, plan, allocate, walk, forecast): turns CSV problems into CLI
// errors. A column the command line names but the file lacks is a usage error (exit 2); bad cells are data errors
// (exit 1), collected in an InputProblems so that every bad row of the files is reported at once, each naming the
// file, the line and the column.
import { CsvError, type CsvTable, columnIndex, readCsvTable } from '../../lib/csv-table.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { InputProblems, lineOf } from './input-problems.ts';

export { InputProblems, lineOf };

/**
 * Reads a CSV file. With `problems`, a row with the wrong number of fields is reported there (and its cells are
 * not read) instead of stopping the read at the first such row.
 */
export async function readTable(file: string, problems?: InputProblems): Promise<CsvTable> {
  let table: CsvTable;
  try {
    table = await readCsvTable(file, { relaxColumnCount: problems !== undefined });
  } catch (error) {
    if (error instanceof CsvError) throw new CliError(error.message, EXIT.FAILURE);
    throw error;
  }
  if (table.rows.length === 0) throw new CliError(`${file}: the file has a header but no rows`, EXIT.FAILURE);
  const width = table.header.length;
  table.rows.forEach((row, r) => {
    if (row.length !== width)
      problems?.addRow(
        file,
        r,
        `该行有 ${row.length} 个字段，表头有 ${width} 列`,
        `the row has ${row.length} fields, the header has ${width}`,
      );
  });
  return table;
}

export function hasColumn(table: CsvTable, name: string): boolean {
  return table.header.includes(name);
}

/** Index of a column the command line names; its absence is a usage error. */
export function requireColumn(table: CsvTable, name: string, option: string): number {
  try {
    return columnIndex(table, name);
  } catch (error) {
    if (error instanceof CsvError) throw new CliError(`${error.message} (given by ${option})`, EXIT.USAGE);
    throw error;
  }
}

/** What a cell parser returns: the value, or why the cell is bad (in both languages). */
export type CellParse<T> = { value: T } | { zh: string; en: string };

/**
 * A column parsed cell by cell. Bad cells are added to `problems` and read as `bad`; without `problems`, every bad
 * cell of the column is reported in one error thrown here.
 */
export function parseColumn<T>(
  table: CsvTable,
  name: string,
  option: string,
  parse: (raw: string) => CellParse<T>,
  bad: T,
  problems?: InputProblems,
): T[] {
  const i = requireColumn(table, name, option);
  const collect = problems ?? new InputProblems();
  const out = table.rows.map((row, r) => {
    if (collect.rowIsBad(table.file, r)) return bad;
    const parsed = parse((row[i] ?? '').trim());
    if ('value' in parsed) return parsed.value;
    collect.add({ where: table.file, index: r, column: name, zh: parsed.zh, en: parsed.en });
    return bad;
  });
  if (!problems) collect.throwIfAny();
  return out;
}

export function parseNumber(raw: string): CellParse<number> {
  if (raw === '') return { zh: '缺少数值', en: 'the value is missing' };
  const v = Number(raw);
  return Number.isFinite(v) ? { value: v } : { zh: `"${raw}" 不是数字`, en: `"${raw}" is not a number` };
}

/** A numeric column; an empty or non-numeric cell is a data error naming file, line and column. */
export function numbers(
  table: CsvTable,
  name: string,
  option: string,
  problems?: InputProblems,
): Float64Array {
  return Float64Array.from(parseColumn(table, name, option, parseNumber, Number.NaN, problems));
}

export function texts(table: CsvTable, name: string, option: string): string[] {
  const i = requireColumn(table, name, option);
  return table.rows.map((row) => (row[i] ?? '').trim());
}

/** `file:line [column]: message` for data row `index`; `duplicateOf` names the row that used an id first. */
export function cellError(
  file: string,
  index: number | undefined,
  column: string | undefined,
  message: string,
  duplicateOf?: number,
): string {
  const where = `${file}${index !== undefined ? `:${lineOf(index)}` : ''}${column ? ` [${column}]` : ''}`;
  return `${where}: ${message}${duplicateOf !== undefined ? ` (first on line ${lineOf(duplicateOf)})` : ''}`;
}

export function printJson(value: unknown) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The column names an option lists, comma-separated (`--inputs staff,budget`); none is a usage error. */
export function columnList(value: string, option: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new CliError(`${option} needs at least one column name`, EXIT.USAGE);
  return names;
}

/**
 * A number option that must pass `check` (`rule` says what it must be, for the usage error); an option not given
 * (undefined) stays undefined.
 */
export function numberOption(
  value: string,
  option: string,
  check: (v: number) => boolean,
  rule: string,
): number;
export function numberOption(
  value: string | undefined,
  option: string,
  check: (v: number) => boolean,
  rule: string,
): number | undefined;
export function numberOption(
  value: string | undefined,
  option: string,
  check: (v: number) => boolean,
  rule: string,
): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (value.trim() === '' || !check(v))
    throw new CliError(`${option} must be ${rule}, got "${value}"`, EXIT.USAGE);
  return v;
}
