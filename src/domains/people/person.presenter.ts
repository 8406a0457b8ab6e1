// The one place where a resident's data leaves the server. Every field that identifies or labels a person is
// masked here unless the viewer is the resident themself; plaintext is only ever produced by `unmaskedValues`,
// which the unmask service calls after checking the role and recording the purpose. Houses, households and
// buildings present their members through these functions too.
import { ageOn } from '../../lib/id-number.ts';
import { maskAddress, maskName } from '../../lib/masking.ts';
import { SENSITIVE_FIELDS, type SensitiveField } from '../../platform/auth/roles.ts';
import type { Viewer } from '../../platform/auth/viewer.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { CodeLabels } from '../codes/index.ts';

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

/** Who is looking, and what the presenter needs to open or label values. */
export interface Presenting {
  viewer: Viewer;
  cipher: FieldCipher;
  labels: CodeLabels;
  /** ISO date ages are computed on. */
  today: string;
}

function isSelf(viewer: Viewer, p: PersonRecord): boolean {
  return viewer.role === 'resident' && viewer.personId === p.id;
}

function isoOrNull(d: Date | string | null): string | null {
  return d ? new Date(d).toISOString() : null;
}

export function presentPersonSummary(p: PersonRecord, ctx: Presenting) {
  const self = isSelf(ctx.viewer, p);
  const { cipher, labels } = ctx;
  return {
    id: p.id,
    name: self ? p.name : maskName(p.name),
    sex: p.sex,
    sexLabel: labels.label('sex', p.sex),
    age: p.birth_date ? ageOn(p.birth_date, ctx.today) : null,
    birthYear: p.birth_date ? Number(p.birth_date.slice(0, 4)) : null,
    idNumber: self && p.id_number_cipher ? cipher.open(p.id_number_cipher) : p.id_number_masked,
    phone: self && p.phone_cipher ? cipher.open(p.phone_cipher) : p.phone_masked,
    address: p.address ? (self ? p.address : maskAddress(p.address)) : null,
    registrationType: p.registration_type,
    registrationTypeLabel: labels.label('registration_type', p.registration_type),
    tags: self ? p.tags : null,
    tagsMasked: !self,
    tagCount: p.tags.length,
    gridId: p.grid_id,
    gridName: p.grid_name,
    communityName: p.community_name,
    masked: self ? [] : [...SENSITIVE_FIELDS],
  };
}

export function presentPersonDetail(p: PersonRecord, ctx: Presenting) {
  const self = isSelf(ctx.viewer, p);
  return {
    ...presentPersonSummary(p, ctx),
    ethnicity: self ? p.ethnicity : null,
    relationToHead: p.relation_to_head,
    relationLabel: p.relation_to_head ? ctx.labels.label('family_relation', p.relation_to_head) : null,
    householdId: p.household_id,
    houseId: p.house_id,
    buildingId: p.building_id,
    source: p.source,
    sourceUpdatedAt: isoOrNull(p.source_updated_at),
    updatedAt: isoOrNull(p.updated_at) ?? '',
  };
}

/** Plaintext of the requested fields, for the unmask service only (after its role check and audit entry). */
export function unmaskedValues(p: PersonRecord, fields: readonly SensitiveField[], cipher: FieldCipher) {
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

/** A place's address as every list shows it: down to the building, never the unit and room. */
export function presentAddress(address: string | null): string | null {
  return address ? maskAddress(address) : null;
}
