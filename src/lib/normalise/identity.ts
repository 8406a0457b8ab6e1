// A row's identity fields checked against each other: the ID number (15-digit legacy numbers upgraded to 18,
// check character verified) decides sex and birth date, and a stated sex or birth date that disagrees is a
// problem on that field rather than a silent overwrite: one of the two is a typo and only a person can tell which.
import { type IdNumberProblem, parseIdNumber } from '../id-number.ts';
import { parseLooseDate } from './date.ts';
import { cleanText } from './text.ts';

export type Sex = '0' | '1' | '2' | '9';

const SEX_WORDS: Record<string, Sex> = {
  男: '1',
  男性: '1',
  m: '1',
  male: '1',
  '1': '1',
  女: '2',
  女性: '2',
  f: '2',
  female: '2',
  '2': '2',
  未知: '0',
  '0': '0',
  未说明: '9',
  '9': '9',
};

/** GB/T 2261.1 sex code from 男/女/M/F/1/2; null when empty, undefined when not understood. */
export function parseSex(raw: string | null | undefined): Sex | null | undefined {
  const s = cleanText(raw).toLowerCase();
  if (s === '') return null;
  return SEX_WORDS[s];
}

export type IdentityProblem =
  | { field: 'id_number'; code: `id_${IdNumberProblem}` }
  | { field: 'sex'; code: 'sex_unknown_word' | 'sex_mismatch' }
  | { field: 'birth_date'; code: 'date_format' | 'date_not_a_date' | 'date_out_of_range' | 'birth_mismatch' };

export interface Identity {
  idNumber: string | null;
  idConvertedFrom15: boolean;
  sex: Sex | null;
  birthDate: string | null;
  problems: IdentityProblem[];
}

export function reconcileIdentity(
  raw: { idNumber?: string | undefined; sex?: string | undefined; birthDate?: string | undefined },
  today: Date = new Date(),
): Identity {
  const problems: IdentityProblem[] = [];
  const statedSex = parseSex(raw.sex);
  if (statedSex === undefined) problems.push({ field: 'sex', code: 'sex_unknown_word' });
  const date = parseLooseDate(raw.birthDate);
  let statedBirth: string | null = null;
  if (date.ok) statedBirth = date.value;
  else if (date.problem !== 'empty') problems.push({ field: 'birth_date', code: `date_${date.problem}` });

  // Without a usable ID number, sex and birth date are what the record states.
  const stated = (): Identity => ({
    idNumber: null,
    idConvertedFrom15: false,
    sex: statedSex ?? null,
    birthDate: statedBirth,
    problems,
  });
  const idText = cleanText(raw.idNumber);
  if (idText === '') return stated();
  const id = parseIdNumber(idText, today);
  if (!id.ok) {
    problems.push({ field: 'id_number', code: `id_${id.problem}` });
    return stated();
  }
  if (statedSex && (statedSex === '1' || statedSex === '2') && statedSex !== id.sex)
    problems.push({ field: 'sex', code: 'sex_mismatch' });
  if (statedBirth && statedBirth !== id.birthDate)
    problems.push({ field: 'birth_date', code: 'birth_mismatch' });
  return {
    idNumber: id.value,
    idConvertedFrom15: id.convertedFrom15,
    sex: id.sex,
    birthDate: id.birthDate,
    problems,
  };
}
