import { describe, expect, it } from 'vitest';
import {
  DEPARTMENTS,
  deadlineHours,
  departmentOf,
  isRequestCategoryCode,
  REQUEST_CATEGORIES,
  REQUEST_CATEGORY_TREE,
  requestCategory,
  requestCategoryByName,
  requestCategoryPath,
  requestMajorCategory,
} from './categories.ts';

describe('request category tree', () => {
  it('has unique 4-digit leaf codes that start with their 2-digit major code', () => {
    const codes = REQUEST_CATEGORIES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of REQUEST_CATEGORIES) {
      expect(c.code).toMatch(/^\d{4}$/);
      expect(c.code.slice(0, 2)).toBe(c.majorCode);
      expect(DEPARTMENTS[c.department]).toBeDefined();
      expect(c.zh.length).toBeGreaterThan(0);
      expect(c.en.length).toBeGreaterThan(0);
    }
    expect(REQUEST_CATEGORY_TREE.length).toBe(21);
    expect(REQUEST_CATEGORY_TREE[0]).toMatchObject({ code: '01', zh: '城市管理' });
    expect(REQUEST_CATEGORY_TREE.at(-1)).toMatchObject({ code: '21', zh: '其他' });
  });

  it('gives a gas leak a 2-hour deadline at the gas company and a water cut 24 hours at the water company', () => {
    const leak = requestCategoryByName('燃气泄漏')!;
    expect(leak.deadline).toEqual({ tier: 'emergency', unit: 'hours', value: 2 });
    expect(departmentOf(leak.code)).toEqual({ key: 'gas', ...DEPARTMENTS.gas });
    const cut = requestCategoryByName('供水/停水')!;
    expect(deadlineHours(cut.code)).toBe(24);
    expect(departmentOf(cut.code)?.zh).toBe('供水公司');
    expect(requestCategoryPath(cut.code)).toBe('供水/停水');
    expect(requestCategoryPath(cut.code, 'en')).toBe('Water supply/Water cut');
  });

  it('gives general requests 7 working days and no hour deadline', () => {
    const c = requestCategoryByName('宠物扰民')!;
    expect(c.deadline).toEqual({ tier: 'general', unit: 'workdays', value: 7 });
    expect(deadlineHours(c.code)).toBeUndefined();
  });

  it('answers undefined for unknown codes and names', () => {
    expect(requestCategory('9999')).toBeUndefined();
    expect(isRequestCategoryCode('0401')).toBe(true);
    expect(isRequestCategoryCode('04')).toBe(false);
    expect(departmentOf('x')).toBeUndefined();
    expect(requestCategoryByName('不存在')).toBeUndefined();
    expect(requestMajorCategory('0401')?.zh).toBe('供水');
  });
});
