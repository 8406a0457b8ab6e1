import type { Permission, Role } from '../../src/platform/auth/roles.ts';
import type { MessageKey } from './i18n/index.tsx';

// The platform's roles, in the order forms offer them: the server's own list (src/platform/auth/roles.ts holds
// only data and a type-only import, so no server code enters the bundle). Every role has a `role_<name>` message
// in both languages: the check below fails to compile when a role is added on the server without one.
export { ROLES } from '../../src/platform/auth/roles.ts';
export type { Permission, Role };

const ROLE_KEYS: { [R in Role]: `role_${R}` & MessageKey } = {
  district_admin: 'role_district_admin',
  street_officer: 'role_street_officer',
  community_worker: 'role_community_worker',
  grid_worker: 'role_grid_worker',
  hotline_operator: 'role_hotline_operator',
  service_provider: 'role_service_provider',
  resident: 'role_resident',
  auditor: 'role_auditor',
  unit_handler: 'role_unit_handler',
};

export function roleLabelKey(role: string): MessageKey | null {
  return Object.hasOwn(ROLE_KEYS, role) ? ROLE_KEYS[role as Role] : null;
}
