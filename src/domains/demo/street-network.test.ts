import { describe, expect, it } from 'vitest';
import { haversine } from '../../lib/location/geometry.ts';
import { buildWalkGraph, nearestWalk, snapToNetwork } from '../../lib/network/walk-network.ts';
import { SeededRandom } from '../../lib/random/seeded.ts';
import { generateLayout } from './district-layout.ts';
import { generateStreetNetwork } from './street-network.ts';

describe('demo street network', () => {
  const layout = generateLayout('small', new SeededRandom(42));
  const net = generateStreetNetwork(layout, new SeededRandom(45));
  const graph = buildWalkGraph({
    nodeIds: net.nodes.map((n) => n.id),
    lng: net.nodes.map((n) => n.lng),
    lat: net.nodes.map((n) => n.lat),
    edgeFrom: net.edges.map((e) => e.from),
    edgeTo: net.edges.map((e) => e.to),
    edgeLength: net.edges.map((e) => e.lengthM),
  });

  it('shares corner and midpoint nodes between neighbouring cells, so the streets form one network', () => {
    // 6 × 4 cells: 7 × 5 corners, 6·5 + 7·4 side midpoints, 24 centres.
    expect(net.nodes).toHaveLength(35 + 58 + 24);
    const from = snapToNetwork(graph, [net.nodes[0]!.lng], [net.nodes[0]!.lat]);
    const all = snapToNetwork(
      graph,
      net.nodes.map((n) => n.lng),
      net.nodes.map((n) => n.lat),
    );
    const walk = nearestWalk(graph, from, all);
    expect(Array.from(walk.distanceM).every(Number.isFinite)).toBe(true);
  });

  it('walking is never shorter than the straight line, and longer across blocks', () => {
    const centres = net.nodes.filter((n) => n.kind === 'lane');
    const a = centres[0]!;
    const b = centres[centres.length - 1]!;
    const walk = nearestWalk(
      graph,
      snapToNetwork(graph, [a.lng], [a.lat]),
      snapToNetwork(graph, [b.lng], [b.lat]),
    );
    const straight = haversine(a.lng, a.lat, b.lng, b.lat);
    expect(walk.distanceM[0]).toBeGreaterThan(straight * 1.05);
  });

  it('keeps at least one lane into every cell centre, and drops some lanes', () => {
    const lanes = net.edges.filter((e) => e.kind === 'lane');
    const centreIds = new Set(net.nodes.filter((n) => n.kind === 'lane').map((n) => n.id));
    const served = new Set(lanes.flatMap((e) => [e.from, e.to]).filter((id) => centreIds.has(id)));
    expect(served.size).toBe(centreIds.size);
    expect(lanes.length).toBeLessThan(4 * centreIds.size);
    expect(lanes.length).toBeGreaterThan(2 * centreIds.size);
  });
});
