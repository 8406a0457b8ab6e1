// The web console labels every server role in both languages, with the server's own wording.
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../../web/src/i18n/messages.ts';
import { roleLabelKey, ROLES as WEB_ROLES } from '../../../web/src/roles.ts';
import { ROLE_LABELS, ROLES } from './roles.ts';

describe('web role labels', () => {
  it('offers every server role, unit_handler included', () => {
    expect([...WEB_ROLES]).toEqual([...ROLES]);
    expect(WEB_ROLES).toContain('unit_handler');
  });

  it('labels every role in Chinese and English as the server does', () => {
    for (const role of ROLES) {
      const key = roleLabelKey(role);
      expect(key, role).toBe(`role_${role}`);
      const [zh, en] = MESSAGES[key as keyof typeof MESSAGES];
      expect({ zh, en }).toEqual(ROLE_LABELS[role]);
    }
  });

  it('gives no label to an unknown role code', () => {
    expect(roleLabelKey('superuser')).toBeNull();
    expect(roleLabelKey('toString')).toBeNull();
  });
});
