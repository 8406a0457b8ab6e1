// Chinese labels of coded values, read from the code tables (codes never live as enums in code). The tables
// change only through migrations, so they are read once per app and kept.
import type { Db } from '../../platform/db/index.ts';
import { findCodeValues } from './codes.repository.ts';

/** The code sets that presenters label and services validate against. */
export const LABELLED_CODE_SETS = [
  'sex',
  'ethnicity',
  'family_relation',
  'registration_type',
  'person_tag',
  'house_occupancy',
] as const;
export type LabelledCodeSet = (typeof LABELLED_CODE_SETS)[number];

export interface CodeLabels {
  /** The Chinese label of a code, or the code itself when the table does not know it. */
  label(codeSet: LabelledCodeSet, code: string): string;
  has(codeSet: LabelledCodeSet, code: string): boolean;
}

export async function loadCodeLabels(db: Db): Promise<CodeLabels> {
  const rows = await findCodeValues(db, LABELLED_CODE_SETS);
  const labels = new Map(rows.map((r) => [`${r.code_set}:${r.code}`, r.label_zh]));
  return {
    label: (codeSet, code) => labels.get(`${codeSet}:${code}`) ?? code,
    has: (codeSet, code) => labels.has(`${codeSet}:${code}`),
  };
}

/** One load per database handle, shared by every domain's presenters. */
const loaded = new WeakMap<object, Promise<CodeLabels>>();

export function codeLabelsOf(db: Db): Promise<CodeLabels> {
  let labels = loaded.get(db);
  if (!labels) {
    labels = loadCodeLabels(db);
    labels.catch(() => loaded.delete(db));
    loaded.set(db, labels);
  }
  return labels;
}
