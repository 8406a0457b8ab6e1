// The entity types an identity run resolves besides persons: what the engine compares for each (columns,
// blocking, comparisons), which golden fields survivorship chooses, and the record references. Every value is
// brought to one form before linking (entity-normalise.ts), so the settings compare like with like.
import {
  type HouseParts,
  houseAddressParts,
  houseParts,
  organizationNameCore,
  usccKey,
} from '../../lib/linkage/entity-normalise.ts';
import { canonicalIdNumber, pinyinKey } from '../../lib/linkage/normalise.ts';
import { type LinkageSettings, resolveSettings } from '../../lib/linkage/settings.ts';
import type { IdentityEntityType, ResolvedEntityType } from '../../platform/db/index.ts';

export const ENTITY_TYPES: readonly IdentityEntityType[] = ['person', 'house', 'household', 'organization'];
export const RESOLVED_ENTITY_TYPES: readonly ResolvedEntityType[] = ['house', 'household', 'organization'];

export interface EntityKind {
  label: string;
  /** Prefix of the platform row's reference ('o:' + organization.id). */
  platformPrefix: string;
  columns: readonly string[];
  goldenFields: readonly string[];
  settings: Record<string, unknown>;
}

export const SOURCE_ENTITY_PREFIX = 'se:';

/**
 * The house key everyone writes the same way: compound-building-unit-room; none when a part is missing (a title
 * register without the unit), since a partial key would disagree with the full one and count against the pair.
 */
export function houseKey(p: HouseParts | null): string {
  return p?.compound && p.unit ? `${p.compound}-${p.building}-${p.unit}-${p.room}` : '';
}

export const ENTITY_KINDS: Record<ResolvedEntityType, EntityKind> = {
  house: {
    label: '房屋',
    platformPrefix: 'h:',
    columns: ['house_key', 'compound', 'building', 'unit', 'room', 'area_m2'],
    goldenFields: ['address', 'unit_no', 'room_no', 'area_m2', 'use_type'],
    settings: {
      blocking: [['house_key'], ['compound', 'building', 'room'], ['compound', 'room', 'area_m2']],
      comparisons: [
        { column: 'house_key', levels: [{ type: 'exact' }] },
        { column: 'compound', levels: [{ type: 'exact' }, { type: 'jaro_winkler', threshold: 0.9 }] },
        { column: 'building', levels: [{ type: 'exact' }] },
        { column: 'unit', levels: [{ type: 'exact' }] },
        { column: 'room', levels: [{ type: 'exact' }] },
        {
          column: 'area_m2',
          levels: [
            { type: 'numeric', absolute: 0.01 },
            { type: 'numeric', relative: 0.03 },
          ],
        },
      ],
      thresholds: { match: 0.95, review: 0.5 },
    },
  },
  household: {
    label: '户',
    platformPrefix: 'hh:',
    columns: ['household_no', 'head_id', 'head_name', 'house_key', 'members', 'member_count'],
    goldenFields: ['household_no', 'member_count'],
    settings: {
      blocking: [['id18(head_id)'], ['household_no'], ['house_key']],
      comparisons: [
        { column: 'head_id', levels: [{ type: 'id_number' }, { type: 'levenshtein', max: 1, on: 'id18' }] },
        { column: 'household_no', levels: [{ type: 'exact' }] },
        { column: 'head_name', levels: [{ type: 'exact' }, { type: 'pinyin' }] },
        { column: 'house_key', levels: [{ type: 'exact' }] },
        {
          column: 'members',
          levels: [{ type: 'exact' }, { type: 'jaccard', threshold: 0.6, tokens: 'words' }],
        },
        { column: 'member_count', levels: [{ type: 'exact' }, { type: 'numeric', absolute: 1 }] },
      ],
      thresholds: { match: 0.95, review: 0.5 },
    },
  },
  organization: {
    label: '组织',
    platformPrefix: 'o:',
    columns: ['uscc', 'name', 'name_core', 'address', 'legal_rep_name', 'contact_phone'],
    goldenFields: ['name', 'uscc', 'address', 'legal_rep_name', 'contact_phone'],
    settings: {
      // The credit code when both have one, else the name's distinctive part, else the legal representative at
      // one address (a register that mistyped the name).
      blocking: [['uscc'], ['name_core'], ['legal_rep_name', 'address(address)']],
      comparisons: [
        { column: 'uscc', levels: [{ type: 'exact' }, { type: 'levenshtein', max: 1 }] },
        // The name is compared by its distinctive part only: comparing the full name as well would count the
        // legal form (有限公司/有限责任公司) against a pair whose names agree.
        {
          column: 'name_core',
          tf: true,
          // One character apart (a register that cut the name short) is strong evidence; a high Jaro-Winkler
          // alone is not, since shops of one street share the district and trade (云溪区王记洗衣店, 云溪区王记早餐店).
          levels: [
            { type: 'exact' },
            { type: 'levenshtein', max: 1 },
            { type: 'jaro_winkler', threshold: 0.9 },
          ],
        },
        {
          column: 'address',
          levels: [
            { type: 'exact', on: 'address' },
            { type: 'jaccard', threshold: 0.7, tokens: 'bigrams', on: 'address' },
          ],
        },
        { column: 'legal_rep_name', levels: [{ type: 'exact' }, { type: 'pinyin' }] },
        { column: 'contact_phone', levels: [{ type: 'exact', on: 'phone' }] },
      ],
      thresholds: { match: 0.95, review: 0.5 },
    },
  },
};

/** The settings of an entity run: the type's defaults with the caller's keys laid over them, validated. */
export function entitySettings(
  type: ResolvedEntityType,
  overrides: Record<string, unknown> = {},
): LinkageSettings {
  return resolveSettings(
    { ...ENTITY_KINDS[type].settings, ...overrides, linkType: 'dedupe', uniqueId: 'ref' },
    [...ENTITY_KINDS[type].columns],
  );
}

/** Member names as the comparison reads them: each name's pinyin, sorted, so order and homophones do not count. */
/** A member as a household register lists them: the name, and the birth date and sex where it gives them. */
export interface RegisterMember {
  name: string;
  birthDate: string | null;
  sex: '1' | '2' | null;
}

/**
 * A register's member list: names separated by 、 ; , or spaces, each optionally followed by its birth date and
 * sex in brackets — 张三、李四(1990-05-01)、王五（女，19850312）.
 */
export function parseMembers(text: string | null | undefined): RegisterMember[] {
  const out: RegisterMember[] = [];
  for (const m of (text ?? '').matchAll(/([^、;；,，\s(（]+)\s*(?:[(（]([^)）]*)[)）])?/g)) {
    const name = m[1]!.trim();
    if (name === '') continue;
    let birthDate: string | null = null;
    let sex: '1' | '2' | null = null;
    for (const part of (m[2] ?? '').split(/[,，、\s]+/)) {
      const d = /^(\d{4})[-./年]?(\d{1,2})[-./月]?(\d{1,2})日?$/.exec(part);
      if (d) birthDate = `${d[1]}-${d[2]!.padStart(2, '0')}-${d[3]!.padStart(2, '0')}`;
      else if (part === '男' || part === '1') sex = '1';
      else if (part === '女' || part === '2') sex = '2';
    }
    out.push({ name, birthDate, sex });
  }
  return out;
}

export function memberKey(names: readonly string[]): string {
  return names
    .map((n) => pinyinKey(n.trim()))
    .filter((n) => n !== '')
    .sort()
    .join(' ');
}

/** What the engine compares of a house, from its address and, if the register has them, its own columns. */
export function houseLinkValues(
  address: string,
  columns: { building?: string | null; unit?: string | null; room?: string | null; area_m2?: string | null },
): Record<string, string> {
  const p = houseParts(address, columns);
  return {
    house_key: houseKey(p),
    compound: p?.compound ?? '',
    building: p?.building ?? '',
    unit: p?.unit ?? '',
    room: p?.room ?? '',
    area_m2: columns.area_m2 ?? '',
  };
}

export function householdLinkValues(v: {
  householdNo: string | null;
  headId: string | null;
  headName: string | null;
  address: string | null;
  members: readonly string[];
  memberCount: string | null;
}): Record<string, string> {
  return {
    household_no: (v.householdNo ?? '').trim(),
    head_id: canonicalIdNumber(v.headId ?? ''),
    head_name: v.headName ?? '',
    house_key: houseKey(houseAddressParts(v.address ?? '')),
    members: memberKey(v.members),
    member_count: v.memberCount ?? '',
  };
}

export function organizationLinkValues(v: {
  uscc: string | null;
  name: string | null;
  address: string | null;
  legalRep: string | null;
  phone: string | null;
}): Record<string, string> {
  return {
    uscc: usccKey(v.uscc ?? ''),
    name: v.name ?? '',
    name_core: organizationNameCore(v.name ?? ''),
    address: v.address ?? '',
    legal_rep_name: v.legalRep ?? '',
    contact_phone: v.phone ?? '',
  };
}
