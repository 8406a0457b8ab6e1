// Residents from a plain CSV file, as facts the rules read, so the rules can be checked on data the platform has
// never seen. Columns are named after the facts (age, sex, registration_type, tags, household_size,
// disability_grade, receives …); birth_date (yyyy-mm-dd or yyyymmdd) may stand in for age, and household_id groups
// rows into households to derive household_size and the household ages. Lists (tags, receives) are separated by
// ';' or '|'. A bad cell is a row-level problem naming line and column; nothing is guessed.
import type { CsvTable } from '../../lib/csv-table.ts';
import { isRealDate } from '../../lib/id-number.ts';
import type { Facts } from '../../lib/rules/index.ts';
import { RESIDENT_FIELDS, residentFacts } from './resident-fields.ts';

export interface CsvResident {
  id: string;
  line: number;
  facts: Facts;
}

export interface CsvProblem {
  line: number;
  column: string;
  message: string;
}

export interface CsvResidents {
  residents: CsvResident[];
  problems: CsvProblem[];
  /** Columns that are neither the id nor a known fact: reported so that a typo in a header is visible. */
  ignoredColumns: string[];
  /** Facts no column provides: every rule reading them sees "unknown". */
  missingFields: string[];
}

const HELPER_COLUMNS = ['birth_date', 'household_id'];
const DERIVED = ['profile_tags'];

function list(raw: string): string[] {
  return raw
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function isoDate(raw: string): string | null {
  const compact = raw.replace(/-/g, '');
  if (!/^\d{8}$/.test(compact) || !isRealDate(compact)) return null;
  return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
}

export function residentsFromTable(table: CsvTable, idColumn: string, asOf: string): CsvResidents {
  const col = (name: string) => table.header.indexOf(name);
  const idIdx = col(idColumn);
  const problems: CsvProblem[] = [];
  const ignoredColumns = table.header.filter(
    (h) => h !== idColumn && !HELPER_COLUMNS.includes(h) && !Object.hasOwn(RESIDENT_FIELDS, h),
  );
  const provided = new Set(table.header);
  if (provided.has('birth_date')) provided.add('age');
  if (provided.has('household_id'))
    for (const f of ['household_size', 'household_youngest_age', 'household_oldest_age', 'household_minors'])
      provided.add(f);
  const missingFields = Object.keys(RESIDENT_FIELDS).filter((f) => !provided.has(f) && !DERIVED.includes(f));

  const cell = (row: string[], name: string) => {
    const i = col(name);
    return i < 0 ? '' : (row[i] ?? '').trim();
  };
  const seen = new Map<string, number>();
  const births: Array<string | null> = [];
  table.rows.forEach((row, r) => {
    const line = r + 2;
    const id = (row[idIdx] ?? '').trim();
    if (id === '') problems.push({ line, column: idColumn, message: 'the id is empty' });
    else if (seen.has(id))
      problems.push({ line, column: idColumn, message: `id "${id}" repeats line ${seen.get(id)}` });
    else seen.set(id, line);
    const b = cell(row, 'birth_date');
    const iso = b === '' ? null : isoDate(b);
    if (b !== '' && iso === null)
      problems.push({ line, column: 'birth_date', message: `"${b}" is not a real date (yyyy-mm-dd)` });
    if (iso !== null && iso > asOf)
      problems.push({ line, column: 'birth_date', message: `${iso} is after the evaluation date ${asOf}` });
    births.push(iso);
  });
  // Households: the birth dates of every row sharing a household_id.
  const households = new Map<string, Array<string | null>>();
  const hhIdx = col('household_id');
  if (hhIdx >= 0)
    table.rows.forEach((row, r) => {
      const h = (row[hhIdx] ?? '').trim();
      if (h !== '') households.set(h, [...(households.get(h) ?? []), births[r]!]);
    });

  const residents = table.rows.map((row, r) => {
    const line = r + 2;
    const h = hhIdx >= 0 ? (row[hhIdx] ?? '').trim() : '';
    const extra: Record<string, number | string | null> = {};
    const base = residentFacts(
      {
        birthDate: births[r]!,
        sex: cell(row, 'sex') || null,
        registrationType: cell(row, 'registration_type') || null,
        relationToHead: cell(row, 'relation_to_head') || null,
        tags: col('tags') >= 0 ? list(cell(row, 'tags')) : null,
        householdBirthDates: h !== '' ? households.get(h)! : null,
        extra,
        receives: list(cell(row, 'receives')),
      },
      asOf,
    );
    const facts: Record<string, Facts[string]> = { ...base };
    if (col('receives') < 0) facts['receives'] = null;
    // Direct columns override what was derived (an age column beats a birth date, a household_size column beats
    // grouping); an empty cell is a missing value.
    for (const [name, spec] of Object.entries(RESIDENT_FIELDS)) {
      if (col(name) < 0 || name === 'tags' || name === 'receives') continue;
      const raw = cell(row, name);
      if (raw === '') {
        if (!['sex', 'registration_type', 'relation_to_head'].includes(name))
          facts[name] = facts[name] ?? null;
        continue;
      }
      if (spec.type === 'number') {
        const v = Number(raw);
        if (!Number.isFinite(v)) problems.push({ line, column: name, message: `"${raw}" is not a number` });
        else facts[name] = v;
      } else if (spec.type === 'boolean') {
        if (!['true', 'false', '1', '0', '是', '否'].includes(raw))
          problems.push({ line, column: name, message: `"${raw}" is not true/false` });
        else facts[name] = ['true', '1', '是'].includes(raw);
      } else if (spec.type === 'text_list') facts[name] = list(raw);
      else facts[name] = raw;
    }
    return { id: (row[idIdx] ?? '').trim(), line, facts };
  });
  return { residents, problems, ignoredColumns, missingFields };
}
