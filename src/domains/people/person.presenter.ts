// The one place where a resident's data leaves the server. Every field that identifies or labels a person is
// masked here unless the viewer is the resident themself; plaintext is only ever produced by `unmaskedValues`,
// which the unmask route calls after checking the role and recording the purpose.
import { Type } from '@sinclair/typebox';
import { ageOn } from '../../lib/id-number.ts';
import { maskAddress, maskName } from '../../lib/masking.ts';
import type { SensitiveField } from '../../platform/auth/roles.ts';
import type { Viewer } from '../../platform/auth/viewer.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';

export const SEX_LABELS: Record<string, string> = { '0': '未知', '1': '男', '2': '女', '9': '未说明' };
export const REGISTRATION_LABELS: Record<string, string> = {
  household: '户籍人口',
  floating: '流动人口',
  foreign: '境外人员',
  unsettled: '未落户人员',
};

/** What the repository selects for a person, with the names of grid and community joined in. */
export interface PersonRecord {
  id: number;
  name: string;
  sex: string;
  birth_date: string | null;
  id_type: string;
  id_number_cipher: Uint8Array | null;
  id_number_masked: string | null;
  phone_cipher: Uint8Array | null;
  phone_masked: string | null;
  ethnicity: string | null;
  registration_type: string;
  relation_to_head: string | null;
  tags: string[];
  grid_id: number;
  household_id: number | null;
  house_id: number | null;
  scope_path: string;
  source: string;
  source_updated_at: Date | null;
  updated_at: Date;
  grid_name: string;
  community_name: string;
  address: string | null;
  building_id: number | null;
}

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const PersonSummaryOut = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  sex: Type.String(),
  sexLabel: Type.String(),
  age: Type.Union([Type.Integer(), Type.Null()]),
  birthYear: Type.Union([Type.Integer(), Type.Null()]),
  idNumber: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  address: Nullable(Type.String()),
  registrationType: Type.String(),
  registrationTypeLabel: Type.String(),
  tags: Type.Union([Type.Array(Type.String()), Type.Null()]),
  tagsMasked: Type.Boolean(),
  tagCount: Type.Integer(),
  gridId: Type.Integer(),
  gridName: Type.String(),
  communityName: Type.String(),
  masked: Type.Array(Type.String(), { description: '仍处于脱敏状态的字段' }),
});

export const PersonDetailOut = Type.Intersect([
  PersonSummaryOut,
  Type.Object({
    ethnicity: Nullable(Type.String()),
    relationToHead: Nullable(Type.String()),
    householdId: Type.Union([Type.Integer(), Type.Null()]),
    houseId: Type.Union([Type.Integer(), Type.Null()]),
    buildingId: Type.Union([Type.Integer(), Type.Null()]),
    source: Type.String(),
    sourceUpdatedAt: Nullable(Type.String()),
    updatedAt: Type.String(),
  }),
]);

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function isSelf(viewer: Viewer, p: PersonRecord): boolean {
  return viewer.role === 'resident' && viewer.personId === p.id;
}

export function presentPersonSummary(p: PersonRecord, viewer: Viewer, cipher: FieldCipher) {
  const self = isSelf(viewer, p);
  return {
    id: p.id,
    name: self ? p.name : maskName(p.name),
    sex: p.sex,
    sexLabel: SEX_LABELS[p.sex] ?? p.sex,
    age: p.birth_date ? ageOn(p.birth_date, today()) : null,
    birthYear: p.birth_date ? Number(p.birth_date.slice(0, 4)) : null,
    idNumber: self && p.id_number_cipher ? cipher.open(p.id_number_cipher) : p.id_number_masked,
    phone: self && p.phone_cipher ? cipher.open(p.phone_cipher) : p.phone_masked,
    address: p.address ? (self ? p.address : maskAddress(p.address)) : null,
    registrationType: p.registration_type,
    registrationTypeLabel: REGISTRATION_LABELS[p.registration_type] ?? p.registration_type,
    tags: self ? p.tags : null,
    tagsMasked: !self,
    tagCount: p.tags.length,
    gridId: p.grid_id,
    gridName: p.grid_name,
    communityName: p.community_name,
    masked: self ? [] : ['name', 'idNumber', 'phone', 'address', 'tags', 'ethnicity'],
  };
}

export function presentPersonDetail(p: PersonRecord, viewer: Viewer, cipher: FieldCipher) {
  const self = isSelf(viewer, p);
  return {
    ...presentPersonSummary(p, viewer, cipher),
    ethnicity: self ? p.ethnicity : null,
    relationToHead: p.relation_to_head,
    householdId: p.household_id,
    houseId: p.house_id,
    buildingId: p.building_id,
    source: p.source,
    sourceUpdatedAt: p.source_updated_at ? new Date(p.source_updated_at).toISOString() : null,
    updatedAt: new Date(p.updated_at).toISOString(),
  };
}

/** Plaintext of the requested fields, for the unmask route only (after its role check and audit entry). */
export function unmaskedValues(p: PersonRecord, fields: SensitiveField[], cipher: FieldCipher) {
  const values: Partial<Record<SensitiveField, string | string[] | null>> = {};
  for (const f of fields) {
    if (f === 'name') values.name = p.name;
    if (f === 'idNumber') values.idNumber = p.id_number_cipher ? cipher.open(p.id_number_cipher) : null;
    if (f === 'phone') values.phone = p.phone_cipher ? cipher.open(p.phone_cipher) : null;
    if (f === 'address') values.address = p.address;
    if (f === 'tags') values.tags = p.tags;
    if (f === 'ethnicity') values.ethnicity = p.ethnicity;
  }
  return values;
}
