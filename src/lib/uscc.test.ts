import { describe, expect, it } from 'vitest';
import { makeUscc, orgCodeCheckChar, parseUscc } from './uscc.ts';

describe('unified social credit codes (GB 32100)', () => {
  it.each(['91110000600037341L', '91620105L015101280', '9144030071526726XG', '51110105MJ0123456R'])(
    'accepts the worked example %s',
    (code) => {
      expect(parseUscc(code)).toMatchObject({ ok: true, value: code });
    },
  );

  it.each([
    ['91110000600037341N', 'check_char'],
    ['9111000060003IOZSV', 'alphabet'],
    ['9111000060003734', 'length'],
    ['91110000600037351L', 'org_check'],
    ['', 'empty'],
  ])('rejects %s as %s', (code, problem) => {
    expect(parseUscc(code)).toMatchObject({ ok: false, problem });
  });

  it('computes the organisation-code check, X for 10', () => {
    expect(orgCodeCheckChar('60003734')).toBe('1');
    expect(orgCodeCheckChar('71526726')).toBe('X');
  });

  it('builds codes that validate', () => {
    const code = makeUscc('91', '330192', 'MA2B3C4D');
    expect(code).not.toBeNull();
    expect(parseUscc(code!).ok).toBe(true);
  });
});
