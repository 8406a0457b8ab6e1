// CSV input for the decision-engine commands (dea, plan): turns CSV problems into one-line CLI errors.
// A column the command line names but the file lacks is a usage error (exit 2); a bad cell is a data error
// (exit 1). Both name the file, and cell errors the line and column.
import { CsvError, type CsvTable, columnIndex, numericColumn, readCsvTable } from '../../lib/csv-table.ts';
import { CliError, EXIT } from '../exit-codes.ts';

export async function readTable(file: string): Promise<CsvTable> {
  try {
    const table = await readCsvTable(file);
    if (table.rows.length === 0)
      throw new CliError(`${file}: the file has a header but no rows`, EXIT.FAILURE);
    return table;
  } catch (error) {
    if (error instanceof CsvError) throw new CliError(error.message, EXIT.FAILURE);
    throw error;
  }
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

/** A numeric column; an empty or non-numeric cell is a data error naming file, line and column. */
export function numbers(table: CsvTable, name: string, option: string): Float64Array {
  requireColumn(table, name, option);
  try {
    return numericColumn(table, name);
  } catch (error) {
    if (error instanceof CsvError) throw new CliError(error.message, EXIT.FAILURE);
    throw error;
  }
}

export function texts(table: CsvTable, name: string, option: string): string[] {
  const i = requireColumn(table, name, option);
  return table.rows.map((row) => (row[i] ?? '').trim());
}

/** File line of 0-based data row `index` (the header is line 1). */
export function lineOf(index: number): number {
  return index + 2;
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
