// The linkage settings of an identity run: how person records of the departments and the platform are
// compared. The records have the same six columns whatever their source (the importer has already normalised
// dates, phones and 15-digit ID numbers), so one settings object fits them all; a run may pass its own.
import { type LinkageSettings, resolveSettings } from '../../lib/linkage/settings.ts';

export const IDENTITY_COLUMNS = ['name', 'sex', 'birth_date', 'id_number', 'phone', 'address'] as const;
export type IdentityColumn = (typeof IDENTITY_COLUMNS)[number];

export const DEFAULT_IDENTITY_SETTINGS: Record<string, unknown> = {
  linkType: 'dedupe',
  uniqueId: 'ref',
  // Each rule lets a pair through when one identifier survives: the ID number, the phone, or the name's
  // sound with the birth date or with the address (a record without an ID number, a homophone typo).
  blocking: [
    ['id18(id_number)'],
    ['phone(phone)'],
    ['pinyin(name)', 'birth_date'],
    { keys: ['pinyin(name)', 'address(address)'], maxBlockSize: 200 },
    ['surname_pinyin(name)', 'birth_date', 'sex'],
  ],
  comparisons: [
    {
      column: 'name',
      tf: true,
      levels: [
        { type: 'exact' },
        { type: 'pinyin' },
        { type: 'levenshtein', max: 1 },
        { type: 'jaro_winkler', threshold: 0.9, on: 'pinyin' },
      ],
    },
    { column: 'id_number', levels: [{ type: 'id_number' }, { type: 'levenshtein', max: 1, on: 'id18' }] },
    {
      column: 'birth_date',
      levels: [
        { type: 'date', days: 0 },
        { type: 'levenshtein', max: 1, on: 'date' },
      ],
    },
    { column: 'sex', levels: [{ type: 'exact' }] },
    { column: 'phone', levels: [{ type: 'exact', on: 'phone' }] },
    {
      column: 'address',
      levels: [
        { type: 'exact', on: 'address' },
        { type: 'jaccard', threshold: 0.7, tokens: 'bigrams', on: 'address' },
      ],
    },
  ],
  thresholds: { match: 0.95, review: 0.5 },
};

/** The settings of a run: the defaults with the caller's keys laid over them, validated (LinkageSettingsError). */
export function identitySettings(overrides: Record<string, unknown> = {}): LinkageSettings {
  return resolveSettings({ ...DEFAULT_IDENTITY_SETTINGS, ...overrides, linkType: 'dedupe' }, [
    ...IDENTITY_COLUMNS,
  ]);
}
