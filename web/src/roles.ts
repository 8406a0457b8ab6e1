import type { MessageKey } from './i18n/index.tsx';

/** The platform's roles (src/platform/auth/roles.ts), in the order forms offer them. */
export const ROLES = [
  'district_admin',
  'street_officer',
  'community_worker',
  'grid_worker',
  'hotline_operator',
  'service_provider',
  'resident',
  'auditor',
] as const;

export function roleLabelKey(role: string): MessageKey | null {
  return (ROLES as readonly string[]).includes(role) ? (`role_${role}` as MessageKey) : null;
}
