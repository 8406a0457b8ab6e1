// 公民身份号码 (GB 11643-1999): validation, the ISO 7064 MOD 11-2 check character, 15→18 upgrade, and the sex
// and birth date the number encodes. Pure functions; see shared/domain/gb11643-id.md for the rules and examples.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);
/** Earliest birth date we accept: older dates are data-entry errors, not people. */
const EARLIEST_BIRTH = '18800101';

export type IdNumberProblem =
  | 'empty'
  | 'length'
  | 'format'
  | 'province'
  | 'birth_date'
  | 'birth_in_future'
  | 'check_digit'
  | 'legacy_centenarian';

export type IdNumberResult =
  | {
      ok: true;
      /** The normalised 18-character number (upper-case X). */
      value: string;
      /** The 6-digit address code of first registration (not necessarily where the person lives now). */
      areaCode: string;
      birthDate: string;
      /** GB/T 2261.1 sex code: '1' male, '2' female. */
      sex: '1' | '2';
      convertedFrom15: boolean;
    }
  | { ok: false; problem: IdNumberProblem; value: string };

/** Full-width digits and letters to ASCII, spaces removed, upper-cased. */
export function normaliseIdInput(raw: string): string {
  // Almost every number arrives clean: skip the replacements then.
  if (/^[\dX]*$/.test(raw)) return raw;
  return raw
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) =>
      String.fromCharCode(c.charCodeAt(0) - 0xfee0),
    )
    .replace(/[\s\u3000-]/g, '')
    .toUpperCase();
}

/** The check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export function isRealDate(yyyymmdd: string): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

function isoDate(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** Upgrades a legacy 15-digit number to 18 digits (inserting the century 19 and the check character). */
export function upgradeId15(id15: string): string {
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6, 15)}`;
  return first17 + idCheckChar(first17);
}

/**
 * Validates an ID number in the order the standard's users apply: shape, province, real birth date not in the
 * future, check character. `today` is injectable so results do not change with the clock in tests.
 */
export function parseIdNumber(raw: string, today: Date = new Date()): IdNumberResult {
  let value = normaliseIdInput(raw);
  if (value === '') return { ok: false, problem: 'empty', value };
  let convertedFrom15 = false;
  if (value.length === 15) {
    if (!/^\d{15}$/.test(value)) return { ok: false, problem: 'format', value };
    // Sequences 996–999 were reserved for centenarians born in the 1800s: do not guess their century.
    if (Number(value.slice(12, 15)) >= 996) return { ok: false, problem: 'legacy_centenarian', value };
    value = upgradeId15(value);
    convertedFrom15 = true;
  }
  if (value.length !== 18) return { ok: false, problem: 'length', value };
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, problem: 'format', value };
  if (!PROVINCES.has(value.slice(0, 2))) return { ok: false, problem: 'province', value };
  const birth = value.slice(6, 14);
  if (!isRealDate(birth) || birth < EARLIEST_BIRTH) return { ok: false, problem: 'birth_date', value };
  const todayStr = today.toISOString().slice(0, 10).replace(/-/g, '');
  if (birth > todayStr) return { ok: false, problem: 'birth_in_future', value };
  if (idCheckChar(value) !== value[17]) return { ok: false, problem: 'check_digit', value };
  return {
    ok: true,
    value,
    areaCode: value.slice(0, 6),
    birthDate: isoDate(birth),
    sex: Number(value[16]) % 2 === 1 ? '1' : '2',
    convertedFrom15,
  };
}

/** Builds a valid number from its parts (the demo generator and tests use it). */
export function makeIdNumber(areaCode: string, birthDate: string, sequence: number): string {
  const first17 = `${areaCode}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  if (!/^\d{17}$/.test(first17))
    throw new Error(`cannot build an ID number from ${areaCode}/${birthDate}/${sequence}`);
  return first17 + idCheckChar(first17);
}

/** Age in whole years on a reference date (both ISO yyyy-mm-dd). */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
