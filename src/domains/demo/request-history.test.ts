import { describe, expect, it } from 'vitest';
import { isRequestCategoryCode, requestCategoryByName } from '../requests/categories.ts';
import { generateRequestHistory } from './request-history.ts';

const AREAS = [
  { street: '东湖街道', community: '幸福社区' },
  { street: '西岭街道', community: '桃源社区', grid: '桃源社区第3网格' },
];
const YEAR = generateRequestHistory({
  seed: 5,
  start: new Date('2025-01-01'),
  days: 365,
  perDay: 12,
  areas: AREAS,
});

describe('generated request history', () => {
  it('is the same for the same seed and different for another', () => {
    const opts = { start: new Date('2025-03-01'), days: 20, perDay: 10, areas: AREAS };
    const a = generateRequestHistory({ seed: 1, ...opts });
    expect(generateRequestHistory({ seed: 1, ...opts })).toEqual(a);
    expect(generateRequestHistory({ seed: 2, ...opts })).not.toEqual(a);
  });

  it('labels every text with a leaf category, a time in its day, a channel and an area from the parameters', () => {
    expect(YEAR.length).toBeGreaterThan(365 * 9);
    for (const r of YEAR) {
      expect(isRequestCategoryCode(r.categoryCode)).toBe(true);
      expect(r.text.length).toBeGreaterThan(3);
      expect(['hotline', 'app', 'wechat', 'grid_patrol']).toContain(r.channel);
      expect(['幸福社区', '桃源社区第3网格']).toContain(r.areaHint);
    }
    const times = YEAR.map((r) => r.receivedAt.getTime());
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('has heating requests in winter and none in July, and more water-pressure requests in summer', () => {
    const notWarm = requestCategoryByName('暖气不热')!.code;
    const pressure = requestCategoryByName('水压低')!.code;
    const inMonth = (code: string, m: number) =>
      YEAR.filter((r) => r.categoryCode === code && r.receivedAt.getUTCMonth() === m).length;
    expect(inMonth(notWarm, 0)).toBeGreaterThan(20);
    expect(inMonth(notWarm, 6)).toBeLessThanOrEqual(2); // only an operator's slip could label one in July
    const summer = inMonth(pressure, 5) + inMonth(pressure, 6) + inMonth(pressure, 7);
    const winter = inMonth(pressure, 11) + inMonth(pressure, 0) + inMonth(pressure, 1);
    expect(summer).toBeGreaterThan(2 * winter);
  });

  it('varies its texts: almost all distinct, lengths spread, some urgent, angry and grateful ones', () => {
    const distinct = new Set(YEAR.map((r) => r.text)).size;
    expect(distinct / YEAR.length).toBeGreaterThan(0.95);
    const lengths = YEAR.map((r) => r.text.length).sort((a, b) => a - b);
    expect(lengths[Math.floor(lengths.length * 0.1)]!).toBeLessThanOrEqual(30);
    expect(lengths[Math.floor(lengths.length * 0.9)]!).toBeGreaterThan(50);
    const share = (f: (r: (typeof YEAR)[number]) => boolean) => YEAR.filter(f).length / YEAR.length;
    expect(share((r) => r.urgent)).toBeGreaterThan(0.03);
    expect(share((r) => r.sentiment < 0)).toBeGreaterThan(0.1);
    expect(share((r) => r.sentiment > 0)).toBeGreaterThan(0.002);
    expect(share((r) => r.channel === 'grid_patrol')).toBeGreaterThan(0.05);
  });
});
