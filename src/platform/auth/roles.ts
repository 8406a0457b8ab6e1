// Roles, what each may do, and which personal fields each may unmask. One table, read by every route guard and
// presenter: a permission is granted here or nowhere. 三员 separation: the district administrator manages accounts
// but cannot unmask residents' data; the auditor reads the audit trail and no resident data at all.
import type { Role } from '../db/schema.ts';

export type { Role };

export const ROLES: readonly Role[] = [
  'district_admin',
  'street_officer',
  'community_worker',
  'grid_worker',
  'hotline_operator',
  'service_provider',
  'resident',
  'auditor',
];

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  district_admin: { zh: '区级管理员', en: 'District administrator' },
  street_officer: { zh: '街道干部', en: 'Street officer' },
  community_worker: { zh: '社区工作者', en: 'Community worker' },
  grid_worker: { zh: '网格员', en: 'Grid worker' },
  hotline_operator: { zh: '12345 话务员', en: 'Hotline operator' },
  service_provider: { zh: '服务商', en: 'Service provider' },
  resident: { zh: '居民', en: 'Resident' },
  auditor: { zh: '审计员', en: 'Auditor' },
};

export type Permission =
  | 'geo:read'
  | 'person:read'
  | 'person:write'
  | 'person:unmask'
  | 'self:read'
  | 'org:read'
  | 'facility:read'
  | 'provider:read'
  | 'stats:read'
  | 'account:manage'
  | 'audit:read'
  // ingest: importing department data, and reading data-quality figures
  | 'ingest:run'
  | 'ingest:quality';

/** Personal fields that are masked by default and may be unmasked per record with a stated purpose. */
export type SensitiveField = 'name' | 'idNumber' | 'phone' | 'address' | 'tags' | 'ethnicity';
export const SENSITIVE_FIELDS: readonly SensitiveField[] = [
  'name',
  'idNumber',
  'phone',
  'address',
  'tags',
  'ethnicity',
];

const ALL_FIELDS = SENSITIVE_FIELDS;

interface RoleRule {
  permissions: readonly Permission[];
  unmaskable: readonly SensitiveField[];
}

export const ROLE_RULES: Record<Role, RoleRule> = {
  district_admin: {
    permissions: [
      'geo:read',
      'person:read',
      'org:read',
      'facility:read',
      'provider:read',
      'stats:read',
      'account:manage',
      'ingest:run',
      'ingest:quality',
    ],
    unmaskable: [],
  },
  street_officer: {
    permissions: [
      'geo:read',
      'person:read',
      'person:unmask',
      'org:read',
      'facility:read',
      'provider:read',
      'stats:read',
      'ingest:run',
      'ingest:quality',
    ],
    unmaskable: ALL_FIELDS,
  },
  community_worker: {
    permissions: [
      'geo:read',
      'person:read',
      'person:write',
      'person:unmask',
      'org:read',
      'facility:read',
      'provider:read',
      'stats:read',
    ],
    unmaskable: ALL_FIELDS,
  },
  grid_worker: {
    permissions: [
      'geo:read',
      'person:read',
      'person:write',
      'person:unmask',
      'org:read',
      'facility:read',
      'stats:read',
    ],
    unmaskable: ALL_FIELDS,
  },
  // Operators call residents back: they may see a name and phone for a stated purpose, not ID numbers or tags.
  hotline_operator: {
    permissions: [
      'geo:read',
      'person:read',
      'person:unmask',
      'org:read',
      'facility:read',
      'provider:read',
      'stats:read',
    ],
    unmaskable: ['name', 'phone', 'address'],
  },
  service_provider: {
    permissions: ['geo:read', 'facility:read', 'provider:read'],
    unmaskable: [],
  },
  resident: {
    permissions: ['self:read', 'facility:read'],
    unmaskable: [],
  },
  auditor: {
    permissions: ['audit:read', 'stats:read'],
    unmaskable: [],
  },
};

export function roleCan(role: Role, permission: Permission): boolean {
  return ROLE_RULES[role].permissions.includes(permission);
}

export function roleMayUnmask(role: Role, field: SensitiveField): boolean {
  return roleCan(role, 'person:unmask') && ROLE_RULES[role].unmaskable.includes(field);
}
