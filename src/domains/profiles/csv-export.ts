// Tables as CSV for Excel: UTF-8 with a byte-order mark, CRLF line ends, and formula-looking cells (= + - @)
// escaped with the same helper as the audit export, because names and reasons are typed by people.
import { stringify } from 'csv-stringify/sync';
import { escapeFormula } from '../../lib/csv-table.ts';

export function toCsv<T>(
  rows: readonly T[],
  columns: ReadonlyArray<readonly [string, (row: T) => unknown]>,
): string {
  const cell = (v: unknown) => escapeFormula(v === null || v === undefined ? '' : String(v));
  const body = rows.map((r) => columns.map(([, value]) => cell(value(r))));
  return `\uFEFF${stringify([columns.map(([h]) => h), ...body], { record_delimiter: 'windows' })}`;
}
