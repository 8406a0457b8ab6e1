import { describe, expect, it } from 'vitest';
import { runDea } from '../../lib/dea/dea.ts';
import { generateDemoDistrict } from './demo-loader.ts';
import { HOME_CARE_POLICY } from './supply-history.ts';

describe('demo supply history', () => {
  const demo = generateDemoDistrict({ size: 'small', seed: 20261123, today: '2026-11-30' });
  const { resources, deliveries } = demo.history;

  it('gives every community a budget and staff for three years, and deliveries caused by a policy or plan', () => {
    expect(resources).toHaveLength(demo.layout.communities.length * 3);
    expect(new Set(resources.map((r) => r.year))).toEqual(new Set([2024, 2025, 2026]));
    expect(deliveries.length).toBeGreaterThan(100);
    for (const d of deliveries) {
      expect(d.startedAt.getTime()).toBeLessThan(Date.parse('2026-11-30T00:00:00+08:00'));
      expect(d.sourceKind === 'policy' ? d.sourceId : 'plan').toBe(
        d.sourceKind === 'policy' ? HOME_CARE_POLICY : 'plan',
      );
      if (d.rating !== null) expect(d.confirmedAt).not.toBeNull();
    }
  });

  it('spreads community efficiency (DEA, budget and staff → services and satisfied services)', async () => {
    const year = 2025;
    const units = demo.layout.communities.map((c) => {
      const r = resources.find((x) => x.communityCode === c.code && x.year === year)!;
      const mine = deliveries.filter(
        (d) => d.person.grid.communityCode === c.code && d.startedAt.getUTCFullYear() === year,
      );
      return {
        id: c.code,
        budget: r.budget,
        staff: r.staff,
        services: mine.length,
        satisfied: mine.filter((d) => (d.rating ?? 0) >= 4).length,
      };
    });
    const result = await runDea(
      {
        ids: units.map((u) => u.id),
        inputNames: ['budget', 'staff'],
        outputNames: ['services', 'satisfied'],
        inputs: [Float64Array.from(units, (u) => u.budget), Float64Array.from(units, (u) => u.staff)],
        outputs: [Float64Array.from(units, (u) => u.services), Float64Array.from(units, (u) => u.satisfied)],
      },
      { model: 'ccr', orientation: 'input' },
    );
    const scores = result.results.map((r) => r.efficiency!);
    expect(Math.max(...scores)).toBeCloseTo(1, 6);
    expect(Math.min(...scores)).toBeLessThan(0.8);
    expect(result.results.some((r) => r.peers.length > 0 && r.efficiency! < 1)).toBe(true);
  });
});
