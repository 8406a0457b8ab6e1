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
  'unit_handler',
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
  unit_handler: { zh: '承办单位工作人员', en: 'Handling unit staff' },
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
  // supply: planning, providers and procurement, deliveries, evaluation
  | 'planning:read'
  | 'planning:write'
  | 'supply:read'
  | 'supply:manage'
  | 'provider:score'
  | 'delivery:read'
  | 'delivery:write'
  | 'evaluation:read'
  // profiles: read profiles and cases, run evaluations, review cases, file appeals, edit rules
  | 'profile:read'
  | 'profile:run'
  | 'eligibility:review'
  | 'eligibility:appeal'
  | 'rules:write'
  // sensing: devices and readings, device registry and rules, handling alerts
  | 'sensing:read'
  | 'sensing:manage'
  | 'alert:handle'
  // requests (接诉即办): take in, read (scoped), handle as a unit, dispatch as the centre, supervise, evaluate
  | 'request:intake'
  | 'request:read'
  | 'request:handle'
  | 'request:dispatch'
  | 'request:supervise'
  | 'request:evaluate'
  | 'request:weights'
  // ingest: importing department data, and reading data-quality figures
  | 'ingest:run'
  | 'ingest:quality'
  // request classifier: train, activate and roll back model versions
  | 'classifier:manage'
  // identity (实体识别): read runs, pairs, the review queue and golden records; decide review pairs; start runs,
  // undo merges and change survivorship rules
  | 'identity:read'
  | 'identity:review'
  | 'identity:run';

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
      'planning:read', // supply
      'planning:write', // supply
      'supply:read', // supply
      'supply:manage', // supply
      'provider:score', // supply
      'evaluation:read', // supply
      'rules:write',
      // sensing: the district administrator keeps the device registry and the anomaly rules (no resident fields)
      'sensing:read',
      'sensing:manage',
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
      'planning:read', // supply
      'planning:write', // supply
      'supply:read', // supply
      'supply:manage', // supply
      'provider:score', // supply
      'delivery:read', // supply
      'evaluation:read', // supply
      'profile:read',
      'profile:run',
      'eligibility:review',
      'eligibility:appeal',
      'rules:write',
      'sensing:read',
      'sensing:manage',
      'alert:handle',
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
      'planning:read', // supply
      'planning:write', // supply
      'supply:read', // supply
      'supply:manage', // supply
      'provider:score', // supply
      'delivery:read', // supply
      'delivery:write', // supply
      'evaluation:read', // supply
      'profile:read',
      'profile:run',
      'eligibility:review',
      'eligibility:appeal',
      'sensing:read',
      'sensing:manage',
      'alert:handle',
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
      'planning:read', // supply
      'supply:read', // supply
      'delivery:read', // supply
      'delivery:write', // supply
      'profile:read',
      'eligibility:appeal',
      'sensing:read',
      'alert:handle',
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
      'supply:read', // supply
      'provider:score', // supply
    ],
    unmaskable: ['name', 'phone', 'address'],
  },
  service_provider: {
    permissions: ['geo:read', 'facility:read', 'provider:read', 'delivery:read', 'delivery:write'],
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
  unit_handler: { permissions: ['geo:read'], unmaskable: [] },
};

// requests: who may do what with work orders. Hotline operators are the dispatch centre (受理、派单、回访);
// streets, communities and grids handle orders in their area; unit_handler staff handle what is dispatched to
// their unit; street officers and district administrators supervise (督办); evaluation figures carry no
// personal data, so auditors may read them too, and unit staff read their own unit's (the evaluation routes
// count only the units they belong to: the three rates are what a unit is judged on); the district administrator
// sets the district's composite-score weights.
const REQUEST_PERMISSIONS: Record<Role, readonly Permission[]> = {
  district_admin: ['request:read', 'request:supervise', 'request:evaluate', 'request:weights'],
  street_officer: ['request:read', 'request:handle', 'request:supervise', 'request:evaluate'],
  community_worker: ['request:intake', 'request:read', 'request:handle', 'request:evaluate'],
  grid_worker: ['request:intake', 'request:read', 'request:handle'],
  hotline_operator: ['request:intake', 'request:read', 'request:dispatch', 'request:evaluate'],
  service_provider: [],
  resident: [],
  auditor: ['request:evaluate'],
  unit_handler: ['request:read', 'request:handle', 'request:evaluate'],
};
for (const role of ROLES) {
  ROLE_RULES[role] = {
    ...ROLE_RULES[role],
    permissions: [...ROLE_RULES[role].permissions, ...REQUEST_PERMISSIONS[role]],
  };
}
// end requests
// request classifier: the district administrator trains and activates versions of the request-text classifier
// (model data, no personal data, so 三员 separation does not stand in the way).
ROLE_RULES.district_admin = {
  ...ROLE_RULES.district_admin,
  permissions: [...ROLE_RULES.district_admin.permissions, 'classifier:manage'],
};
// end request classifier
// identity: district administrators and street officers run entity resolution over their area, undo merges and
// set the survivorship rules; community workers know their residents and decide the review queue of their
// community (both records masked) but do not start runs or change persons' records wholesale.
const IDENTITY_PERMISSIONS: Record<Role, readonly Permission[]> = {
  district_admin: ['identity:read', 'identity:review', 'identity:run'],
  street_officer: ['identity:read', 'identity:review', 'identity:run'],
  community_worker: ['identity:read', 'identity:review'],
  grid_worker: [],
  hotline_operator: [],
  service_provider: [],
  resident: [],
  auditor: [],
  unit_handler: [],
};
for (const role of ROLES) {
  ROLE_RULES[role] = {
    ...ROLE_RULES[role],
    permissions: [...ROLE_RULES[role].permissions, ...IDENTITY_PERMISSIONS[role]],
  };
}
// end identity

export function roleCan(role: Role, permission: Permission): boolean {
  return ROLE_RULES[role].permissions.includes(permission);
}

export function roleMayUnmask(role: Role, field: SensitiveField): boolean {
  return roleCan(role, 'person:unmask') && ROLE_RULES[role].unmaskable.includes(field);
}
