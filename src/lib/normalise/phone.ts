// Phone numbers: mainland mobiles (11 digits, 13x–19x) with or without +86 / 0086, spaces and dashes; landlines
// with their area code (0571-87654321, (0571)87654321, 0571 8765 4321) optionally followed by an extension
// (转 / ext / -), which is dropped. Pure.
import { cleanText } from './text.ts';

export type PhoneProblem = 'empty' | 'format';
export type PhoneResult =
  | { ok: true; value: string; kind: 'mobile' | 'landline' }
  | { ok: false; problem: PhoneProblem };

export function parsePhone(raw: string | null | undefined): PhoneResult {
  let s = cleanText(raw);
  if (s === '') return { ok: false, problem: 'empty' };
  s = s.replace(/(?:转|ext\.?|x)\s*\d{1,6}$/i, '');
  let digits = s.replace(/[\s\-()（）+]/g, '');
  if (!/^\d+$/.test(digits)) return { ok: false, problem: 'format' };
  if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2);
  if (/^1[3-9]\d{9}$/.test(digits)) return { ok: true, value: digits, kind: 'mobile' };
  if (/^0[1-9]\d{8,10}$/.test(digits)) return { ok: true, value: digits, kind: 'landline' };
  return { ok: false, problem: 'format' };
}
