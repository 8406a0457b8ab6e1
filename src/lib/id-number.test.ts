import { describe, expect, it } from 'vitest';
import { ageOn, idCheckChar, makeIdNumber, parseIdNumber, upgradeId15 } from './id-number.ts';

const TODAY = new Date('2026-11-23T00:00:00Z');

describe('GB 11643 ID numbers', () => {
  it('accepts the standard annex example with check character X and derives sex and birth date', () => {
    const r = parseIdNumber('11010519491231002X', TODAY);
    expect(r).toMatchObject({ ok: true, birthDate: '1949-12-31', sex: '2', areaCode: '110105' });
  });

  it('accepts an abolished area code (valid in history) and lower-case or full-width input', () => {
    expect(parseIdNumber('440524188001010014', TODAY).ok).toBe(true);
    expect(parseIdNumber('11010519491231002x', TODAY).ok).toBe(true);
    expect(parseIdNumber('１１０１０５１９９００３０７１２３９', TODAY)).toMatchObject({
      ok: true,
      sex: '1',
    });
  });

  it.each([
    ['110105194912310021', 'check_digit'],
    ['110105194902291232', 'birth_date'],
    ['990105199003071232', 'province'],
    ['11010519491231002', 'length'],
    ['1101051949123100AX', 'format'],
    ['', 'empty'],
    [makeIdNumber('110105', '2030-01-01', 1), 'birth_in_future'],
  ])('rejects %s as %s', (id, problem) => {
    expect(parseIdNumber(id, TODAY)).toMatchObject({ ok: false, problem });
  });

  it('upgrades a 15-digit number by inserting 19 and the check character', () => {
    expect(upgradeId15('110105491231002')).toBe('11010519491231002X');
    expect(parseIdNumber('110105491231002', TODAY)).toMatchObject({ ok: true, convertedFrom15: true });
  });

  it('refuses to guess the century of a legacy centenarian sequence (996–999)', () => {
    expect(parseIdNumber('110105010101997', TODAY)).toMatchObject({
      ok: false,
      problem: 'legacy_centenarian',
    });
  });

  it('computes the check character over the 17 digits', () => {
    expect(idCheckChar('11010519900307123')).toBe('9');
    expect(makeIdNumber('110105', '1990-03-07', 123)).toBe('110105199003071239');
  });

  it('counts age in whole years, birthdays not yet reached this year excluded', () => {
    expect(ageOn('1949-12-31', '2026-11-23')).toBe(76);
    expect(ageOn('1950-11-23', '2026-11-23')).toBe(76);
    expect(ageOn('1950-11-24', '2026-11-23')).toBe(75);
  });
});
