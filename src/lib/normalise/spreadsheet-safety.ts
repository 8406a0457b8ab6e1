// CSV/Excel formula injection (CWE-1236): a cell starting with = + - @ or a tab/CR is run as a formula when the
// exported file is opened in a spreadsheet. Imported text is stored as it came; every export escapes it with a
// leading apostrophe, which spreadsheets show as text. A plain signed number (-2, +3.5) is left alone: a
// spreadsheet reads it as that number and runs nothing, and escaping it would make exported ids differ from
// the ids that came in.
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/** The one escape every CSV and XLSX export applies to text cells. */
export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}
