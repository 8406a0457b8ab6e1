// CSV/Excel formula injection (CWE-1236): a cell starting with = + - @ or a tab/CR is run as a formula when the
// exported file is opened in a spreadsheet. Imported text is stored as it came; every export escapes it with a
// leading apostrophe, which spreadsheets show as text.
const FORMULA_START = /^[=+\-@\t\r]/;

export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}
