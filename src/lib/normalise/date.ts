// Dates as departments write them: 2024-01-02, 2024/1/2, 20240102, 2024年1月2日, 2024.1.2 (and full-width
// variants, a trailing time, Excel serial day numbers). The result is ISO yyyy-mm-dd or a named problem. Pure.
import { cleanText } from './text.ts';

export type DateProblem = 'empty' | 'format' | 'not_a_date' | 'out_of_range';
export type DateResult = { ok: true; value: string } | { ok: false; problem: DateProblem };

const SEPARATED =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
/** Excel stores dates as days since 1899-12-30; exports that lost the cell format show the bare number. */
const EXCEL_SERIAL = /^\d{5}(?:\.\d+)?$/;
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

function iso(y: number, m: number, d: number): DateResult {
  if (m < 1 || m > 12 || d < 1) return { ok: false, problem: 'not_a_date' };
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > days) return { ok: false, problem: 'not_a_date' };
  if (y < 1880 || y > 2100) return { ok: false, problem: 'out_of_range' };
  return { ok: true, value: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

export function parseLooseDate(raw: string | null | undefined): DateResult {
  const s = cleanText(raw);
  if (s === '') return { ok: false, problem: 'empty' };
  const sep = SEPARATED.exec(s);
  if (sep) return iso(Number(sep[1]), Number(sep[2]), Number(sep[3]));
  const compact = COMPACT.exec(s);
  if (compact) return iso(Number(compact[1]), Number(compact[2]), Number(compact[3]));
  if (EXCEL_SERIAL.test(s)) {
    const date = new Date(EXCEL_EPOCH_MS + Math.floor(Number(s)) * 86_400_000);
    return iso(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
  }
  return { ok: false, problem: 'format' };
}
