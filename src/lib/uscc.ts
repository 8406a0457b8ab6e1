// 统一社会信用代码 (GB 32100-2015) with its embedded organisation code (GB 11714). Pure functions;
// rules and worked examples in shared/domain/gb11643-id.md §2.

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

export type UsccProblem = 'empty' | 'length' | 'alphabet' | 'division' | 'org_check' | 'check_char';
export type UsccResult =
  | { ok: true; value: string; divisionCode: string }
  | { ok: false; problem: UsccProblem; value: string };

/** Value of a character in the GB 11714 organisation-code body: digits, then A=10 … Z=35 (full alphabet). */
function orgCharValue(c: string): number {
  const code = c.charCodeAt(0);
  return code <= 57 ? code - 48 : code - 55;
}

export function orgCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += orgCharValue(body8[i]!) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  const v = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET[v]!;
}

export function parseUscc(raw: string): UsccResult {
  const value = raw.replace(/[\s-]/g, '').toUpperCase();
  if (value === '') return { ok: false, problem: 'empty', value };
  if (value.length !== 18) return { ok: false, problem: 'length', value };
  // Position 1 may be a letter (A, N, Y); every character must come from the 31-symbol alphabet.
  for (const c of value) if (!USCC_ALPHABET.includes(c)) return { ok: false, problem: 'alphabet', value };
  if (!/^\d{6}$/.test(value.slice(2, 8))) return { ok: false, problem: 'division', value };
  if (orgCodeCheckChar(value.slice(8, 16)) !== value[16]) return { ok: false, problem: 'org_check', value };
  if (usccCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, problem: 'check_char', value };
  return { ok: true, value, divisionCode: value.slice(2, 8) };
}

/**
 * Builds a valid code from registration authority + category (2 chars), division (6 digits) and an 8-character
 * organisation body; returns null when the body's own check would need a character outside the USCC alphabet.
 */
export function makeUscc(authorityCategory: string, divisionCode: string, body8: string): string | null {
  const orgCheck = orgCodeCheckChar(body8);
  const first17 = `${authorityCategory}${divisionCode}${body8}${orgCheck}`;
  for (const c of first17) if (!USCC_ALPHABET.includes(c)) return null;
  return first17 + usccCheckChar(first17);
}
