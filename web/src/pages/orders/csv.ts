// One CSV cell the way every export of the platform writes it: formula-looking text escaped with the server's own
// rule (src/lib/normalise/spreadsheet-safety.ts), then quoted when it holds a comma, quote or line break.
import { escapeFormula } from '../../../../src/lib/normalise/spreadsheet-safety.ts';

export function escapeCell(value: string): string {
  const text = escapeFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
