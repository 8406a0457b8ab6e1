import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random/seeded.ts';
import { bigrams, findSameIncident, rankCandidates, textSimilarity } from './same-incident.ts';

const t0 = new Date('2026-03-02T02:00:00Z');
const hours = (h: number) => new Date(t0.getTime() + h * 3600_000);
const pipe = {
  id: 1,
  description: '幸福小区3号楼门口自来水管破裂，水流到路上',
  lng: 120.1,
  lat: 30.28,
  address: '湖滨路1号幸福小区3号楼',
  categoryCode: 'water',
  receivedAt: t0,
};

describe('same-incident detection', () => {
  it('text similarity is 1 for the same text and 0 for nothing shared', () => {
    expect(textSimilarity('路灯不亮', '路灯不亮')).toBe(1);
    expect(textSimilarity('路灯不亮', '噪音扰民')).toBe(0);
    expect(textSimilarity('', '')).toBe(0);
    expect(bigrams('路灯。不亮!').get('灯不')).toBe(1);
  });

  it('a second report of the burst pipe 40 m away two hours later is the same incident', () => {
    const q = {
      description: '3号楼自来水管破裂了，路上都是水',
      lng: 120.1003,
      lat: 30.2802,
      address: null,
      categoryCode: null,
      at: hours(2),
    };
    expect(findSameIncident(q, [pipe])?.id).toBe(1);
  });

  it('the same text far away, or a week later, or another category is not', () => {
    const base = { description: pipe.description, address: null, categoryCode: null };
    expect(findSameIncident({ ...base, lng: 120.12, lat: 30.28, at: hours(1) }, [pipe])).toBeNull();
    expect(findSameIncident({ ...base, lng: 120.1, lat: 30.28, at: hours(24 * 7) }, [pipe])).toBeNull();
    expect(
      findSameIncident({ ...base, lng: 120.1, lat: 30.28, at: hours(1), categoryCode: 'noise' }, [pipe]),
    ).toBeNull();
  });

  it('the same address counts as the same place without coordinates', () => {
    const q = {
      description: '自来水管破裂，水流到路上',
      lng: null,
      lat: null,
      address: '湖滨路1号 幸福小区3号楼',
      categoryCode: null,
      at: hours(5),
    };
    expect(findSameIncident(q, [pipe])?.id).toBe(1);
  });

  it('ranks the closer, more similar order first', () => {
    const other = { ...pipe, id: 2, description: '楼下广场舞噪音太大', lng: 120.1001 };
    const ranked = rankCandidates(
      { description: '自来水管破裂', lng: 120.1, lat: 30.28, address: null, categoryCode: null, at: t0 },
      [other, pipe],
    );
    expect(ranked.map((r) => r.id)).toEqual([1, 2]);
  });

  it('finding the same incident among many candidates answers what ranking them all would', () => {
    const rand = seededRandom(20261201);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const texts = [
      '自来水管破裂水流到路上',
      '水管爆了路上全是水',
      '路灯不亮晚上很黑',
      '楼下烧烤油烟太大',
      '垃圾桶满了没人清运',
    ];
    const addresses = ['湖滨路1号', '湖滨路1号 ', '柳岸路8号', null];
    const categories = ['water', 'light', 'smoke', null];
    const candidate = (id: number) => ({
      id,
      description: pick(texts) + (rand() < 0.5 ? '，请尽快处理' : ''),
      lng: rand() < 0.1 ? null : 120.1 + (rand() - 0.5) * 0.006,
      lat: rand() < 0.1 ? null : 30.28 + (rand() - 0.5) * 0.006,
      address: pick(addresses),
      categoryCode: pick(categories),
      receivedAt: hours(-rand() * 120),
    });
    let found = 0;
    for (let round = 0; round < 300; round++) {
      const q = candidate(0);
      const query = { ...q, at: t0 };
      const candidates = Array.from({ length: 40 }, (_, i) => candidate(i + 1));
      const expected = rankCandidates(query, candidates).find((c) => c.sameIncident) ?? null;
      expect(findSameIncident(query, candidates)).toEqual(expected);
      if (expected) found++;
    }
    // Both outcomes occur often enough for the comparison to mean something.
    expect(found).toBeGreaterThan(50);
    expect(found).toBeLessThan(290);
  });
});
