// The facts a rule may read about a resident, and how they are built from a record. The same builder serves the
// platform (records from the person/household tables) and the CLI (rows of a CSV file), so a rule means the same
// thing on data the platform has never seen. When golden records from data integration arrive, only the loader
// that produces `ResidentRecord`s changes; the facts and the rules stay.
import { ageOn } from '../../lib/id-number.ts';
import type { Facts, FieldCatalogue } from '../../lib/rules/index.ts';

export const RESIDENT_FIELDS: FieldCatalogue = {
  age: { type: 'number', label: { zh: '年龄', en: 'Age' }, nearMargin: 2 },
  sex: { type: 'text', label: { zh: '性别', en: 'Sex' } },
  registration_type: { type: 'text', label: { zh: '人口类型', en: 'Registration type' } },
  relation_to_head: { type: 'text', label: { zh: '与户主关系', en: 'Relation to head' } },
  tags: { type: 'text_list', label: { zh: '登记标签', en: 'Recorded tags' }, sensitive: true },
  profile_tags: { type: 'text_list', label: { zh: '画像标签', en: 'Profile tags' }, sensitive: true },
  household_size: { type: 'number', label: { zh: '同户人数', en: 'Household size' } },
  household_youngest_age: {
    type: 'number',
    label: { zh: '同户最小年龄', en: 'Youngest in household' },
    nearMargin: 2,
  },
  household_oldest_age: { type: 'number', label: { zh: '同户最大年龄', en: 'Oldest in household' } },
  household_minors: { type: 'number', label: { zh: '同户未成年人数', en: 'Minors in household' } },
  disability_grade: {
    type: 'number',
    label: { zh: '残疾等级（1–4 级）', en: 'Disability grade (1–4)' },
    sensitive: true,
  },
  receives: { type: 'text_list', label: { zh: '正在享受的待遇', en: 'Benefits received' }, sensitive: true },
};

/** One resident as any source delivers it; dates are ISO yyyy-mm-dd, missing values null. */
export interface ResidentRecord {
  birthDate: string | null;
  sex: string | null;
  registrationType: string | null;
  relationToHead: string | null;
  tags: readonly string[] | null;
  /** Birth dates of everyone in the household, the resident included; null when the household is unknown. */
  householdBirthDates: ReadonlyArray<string | null> | null;
  /** Extra facts keyed by field name (disability_grade …). */
  extra: Readonly<Record<string, number | string | null>>;
  /** Policy ids of the grants in force on the evaluation date. */
  receives: readonly string[];
}

export function residentFacts(r: ResidentRecord, asOf: string): Facts {
  const hh = r.householdBirthDates;
  const knownAges = (hh ?? []).filter((d): d is string => d !== null).map((d) => ageOn(d, asOf));
  // An age bound over the household is only known when every member's birth date is.
  const allKnown = hh !== null && knownAges.length === hh.length && hh.length > 0;
  return {
    age: r.birthDate ? ageOn(r.birthDate, asOf) : null,
    sex: r.sex,
    registration_type: r.registrationType,
    relation_to_head: r.relationToHead,
    tags: r.tags,
    household_size: hh ? hh.length : null,
    household_youngest_age: allKnown ? Math.min(...knownAges) : null,
    household_oldest_age: allKnown ? Math.max(...knownAges) : null,
    household_minors: allKnown ? knownAges.filter((a) => a < 18).length : null,
    disability_grade: typeof r.extra['disability_grade'] === 'number' ? r.extra['disability_grade'] : null,
    receives: r.receives,
  };
}
