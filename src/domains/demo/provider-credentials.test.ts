import { describe, expect, it } from 'vitest';
import { MATCH_COMPONENTS, type ProviderFacts, scoreProviders } from '../supply/provider-score.ts';
import { generateDemoDistrict } from './demo-loader.ts';

const TODAY = '2026-11-23';
const demo = generateDemoDistrict({ size: 'small', seed: 7, today: TODAY });

describe('demo provider credentials', () => {
  it('give every provider a location, a service radius, its history price and a licence per category', () => {
    const { providers } = demo.supply;
    expect(demo.credentials.map((c) => c.providerId)).toEqual(providers.map((p) => p.id));
    for (const [i, c] of demo.credentials.entries()) {
      const p = providers[i]!;
      expect(c.serviceRadiusM).toBeGreaterThan(0);
      expect(c.pricePerHour).toBe(demo.history.providerPrices.get(p.id));
      const covered = new Set(c.qualifications.flatMap((q) => q.categories));
      for (const category of p.serviceCategories)
        expect(covered.has(category), `${p.name} ${category}`).toBe(true);
      for (const q of c.qualifications) expect(q.validFrom < q.validUntil).toBe(true);
    }
    const all = demo.credentials.flatMap((c) => c.qualifications);
    expect(all.some((q) => q.validUntil < TODAY)).toBe(true);
    expect(all.filter((q) => q.validUntil >= TODAY).length / all.length).toBeGreaterThan(0.7);
  });

  it('are the same for the same seed and leave the rest of the district as it was', () => {
    const again = generateDemoDistrict({ size: 'small', seed: 7, today: TODAY });
    expect(again.credentials).toEqual(demo.credentials);
    expect(again.history.deliveries).toEqual(demo.history.deliveries);
  });

  it('rank an elderly-care project with eligible providers first and lapsed or unlicensed ones blocked with the reason', () => {
    const carers = demo.supply.providers.filter((p) => p.serviceCategories.includes('elderly_care'));
    const facts: ProviderFacts[] = demo.supply.providers.map((p, i) => {
      const c = demo.credentials[i]!;
      return {
        id: p.id,
        name: p.name,
        status: 'active',
        categories: p.serviceCategories,
        lng: c.lng,
        lat: c.lat,
        serviceRadiusM: c.serviceRadiusM,
        capacityPerMonth: p.capacityPerMonth,
        usedLast30Days: 0,
        price: c.pricePerHour * 10,
        rating: p.rating,
        qualifications: c.qualifications,
        history: { deliveries: 0, confirmed: 0, averageResidentRating: null },
      };
    });
    // The project sits where the first elderly-care provider is based, so distance does not decide alone.
    const at = demo.credentials[demo.supply.providers.indexOf(carers[0]!)]!;
    const weights = Object.fromEntries(MATCH_COMPONENTS.map((c) => [c, 1])) as Record<
      (typeof MATCH_COMPONENTS)[number],
      number
    >;
    const ranking = scoreProviders(
      { category: 'elderly_care', lng: at.lng, lat: at.lat, requiredCapacity: 10, on: TODAY, budget: 10_000 },
      facts,
      weights,
    );
    const eligible = ranking.filter((r) => r.eligible);
    const blocked = ranking.filter((r) => !r.eligible);
    expect(eligible.length).toBeGreaterThan(0);
    expect(blocked.length).toBeGreaterThan(0);
    expect(ranking.slice(0, eligible.length).every((r) => r.eligible)).toBe(true);
    for (const r of blocked) expect(r.blockers.length).toBeGreaterThan(0);
    // Providers of other categories are blocked for want of the category or its licence, and say so.
    expect(blocked.some((r) => r.blockers.some((b) => /资质|类别|服务类别/.test(b.zh)))).toBe(true);
  });
});
