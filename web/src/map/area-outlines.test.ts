import type { FeatureCollection, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { boundsOfFeatures, featureAt } from './area-outlines.ts';

const square = (name: string, x: number, y: number, size: number, hole?: number[][]) => ({
  type: 'Feature' as const,
  properties: { name },
  geometry: {
    type: 'Polygon' as const,
    coordinates: [
      [
        [x, y],
        [x + size, y],
        [x + size, y + size],
        [x, y + size],
        [x, y],
      ],
      ...(hole ? [hole] : []),
    ],
  },
});

const areas: FeatureCollection<Polygon, { name: string }> = {
  type: 'FeatureCollection',
  features: [
    square('东区', 120, 30, 1, [
      [120.4, 30.4],
      [120.6, 30.4],
      [120.6, 30.6],
      [120.4, 30.6],
      [120.4, 30.4],
    ]),
    square('西区', 118, 29, 1),
  ],
};

describe('area outlines', () => {
  it('frames every feature, and frames nothing when there is none', () => {
    expect(boundsOfFeatures(areas)).toEqual([
      [118, 29],
      [121, 31],
    ]);
    expect(boundsOfFeatures({ type: 'FeatureCollection', features: [] })).toBeNull();
  });

  it('finds the area a point lies in, respecting holes, and none outside', () => {
    expect(featureAt(areas, 120.2, 30.2)?.properties.name).toBe('东区');
    expect(featureAt(areas, 118.5, 29.5)?.properties.name).toBe('西区');
    expect(featureAt(areas, 120.5, 30.5)).toBeNull();
    expect(featureAt(areas, 100, 10)).toBeNull();
  });
});
