import { Type } from '@sinclair/typebox';
import type { AccountRow } from '../db/schema.ts';
import { type Permission, ROLE_LABELS, ROLE_RULES, type SensitiveField } from './roles.ts';

export const AccountOut = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  roleLabel: Type.String({ description: '角色中文名' }),
  roleLabelEn: Type.String(),
  scopePath: Type.String(),
  scopeName: Type.String(),
  personId: Type.Union([Type.Integer(), Type.Null()]),
  providerId: Type.Union([Type.Integer(), Type.Null()]),
  permissions: Type.Array(Type.String()),
  unmaskable: Type.Array(Type.String(), { description: '可申请查看完整信息的字段' }),
  disabled: Type.Boolean(),
  locked: Type.Boolean(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
});

export interface AccountView {
  id: number;
  username: string;
  displayName: string;
  role: string;
  roleLabel: string;
  roleLabelEn: string;
  scopePath: string;
  scopeName: string;
  personId: number | null;
  providerId: number | null;
  permissions: Permission[];
  unmaskable: SensitiveField[];
  disabled: boolean;
  locked: boolean;
  lastLoginAt: string | null;
}

export function presentAccount(a: AccountRow, scopeName: string, now = new Date()): AccountView {
  return {
    id: a.id,
    username: a.username,
    displayName: a.display_name,
    role: a.role,
    roleLabel: ROLE_LABELS[a.role].zh,
    roleLabelEn: ROLE_LABELS[a.role].en,
    scopePath: a.scope_path,
    scopeName,
    personId: a.person_id,
    providerId: a.provider_id,
    permissions: [...ROLE_RULES[a.role].permissions],
    unmaskable: [...ROLE_RULES[a.role].unmaskable],
    disabled: a.disabled,
    locked: a.locked_until !== null && new Date(a.locked_until) > now,
    lastLoginAt: a.last_login_at ? new Date(a.last_login_at).toISOString() : null,
  };
}
