import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random/seeded.ts';
import {
  buildWalkGraph,
  NetworkInputError,
  nearestWalk,
  type Snap,
  snapToNetwork,
  type WalkGraph,
  walkCoverage,
} from './walk-network.ts';

/** A street along the equator from (0,0) to (0.01,0) with a branch north: lengths are set by hand. */
function tee(): WalkGraph {
  return buildWalkGraph({
    nodeIds: [1, 2, 3, 4],
    lng: [0, 0.005, 0.01, 0.005],
    lat: [0, 0, 0, 0.005],
    edgeFrom: [1, 2, 2],
    edgeTo: [2, 3, 4],
    edgeLength: [500, 500, 600],
  });
}

/**
 * Reference: every snapped point becomes a node that splits its edge (plus an access edge), then Floyd–Warshall
 * over the whole graph. Independent of the Dijkstra and of the same-edge shortcut.
 */
function referenceDistances(graph: WalkGraph, sources: Snap, targets: Snap): number[] {
  const points = [...splitPoints(sources, 's'), ...splitPoints(targets, 't')];
  const n = graph.nodes + points.length * 2;
  const d = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 0 : Infinity)),
  );
  const link = (a: number, b: number, w: number) => {
    d[a]![b] = Math.min(d[a]![b]!, w);
    d[b]![a] = Math.min(d[b]![a]!, w);
  };
  // Split each edge at the fractions of the points on it, in order.
  for (let e = 0; e < graph.edgeA.length; e++) {
    const on = points
      .map((p, k) => ({ p, k }))
      .filter(({ p }) => p.edge === e)
      .sort((x, y) => x.p.t - y.p.t);
    let prev = graph.edgeA[e]!;
    let prevT = 0;
    for (const { p, k } of on) {
      const mid = graph.nodes + 2 * k;
      link(prev, mid, (p.t - prevT) * graph.edgeLength[e]!);
      link(mid, graph.nodes + 2 * k + 1, p.access);
      prev = mid;
      prevT = p.t;
    }
    link(prev, graph.edgeB[e]!, (1 - prevT) * graph.edgeLength[e]!);
  }
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) if (d[i]![k]! + d[k]![j]! < d[i]![j]!) d[i]![j] = d[i]![k]! + d[k]![j]!;
  const sourceCount = sources.edge.length;
  return targets.edge.length === 0
    ? []
    : Array.from(targets.edge, (_, i) => {
        let best = Infinity;
        for (let s = 0; s < sourceCount; s++)
          best = Math.min(best, d[graph.nodes + 2 * (sourceCount + i) + 1]![graph.nodes + 2 * s + 1]!);
        return best;
      });
}

function splitPoints(snap: Snap, _kind: string) {
  return Array.from(snap.edge, (edge, i) => ({ edge, t: snap.t[i]!, access: snap.accessM[i]! }));
}

describe('walking network', () => {
  it('snaps a point to the nearest street with its access leg', () => {
    const g = tee();
    // 0.0025° north of the middle of the west half: nearest is the equator street at t = 0.5 of edge 0.
    const snap = snapToNetwork(g, [0.0025], [0.0004]);
    expect(snap.edge[0]).toBe(0);
    expect(snap.t[0]).toBeCloseTo(0.5, 6);
    expect(snap.accessM[0]).toBeCloseTo(0.0004 * 111_195, 0);
  });

  it('walks round the network, not in a straight line: through the junction to the branch', () => {
    const g = tee();
    const facility = snapToNetwork(g, [0.005], [0.005]); // end of the branch
    const home = snapToNetwork(g, [0], [0]); // west end
    const walk = nearestWalk(g, facility, home);
    expect(walk.distanceM[0]).toBeCloseTo(500 + 600, 6);
    expect(walk.source[0]).toBe(0);
  });

  it('two points on the same street walk directly along it', () => {
    const g = tee();
    const a = snapToNetwork(g, [0.001], [0]);
    const b = snapToNetwork(g, [0.004], [0]);
    expect(nearestWalk(g, a, b).distanceM[0]).toBeCloseTo(300, 6);
  });

  it('a disconnected part and points beyond the cutoff get Infinity and no source', () => {
    const g = buildWalkGraph({
      nodeIds: [1, 2, 3, 4],
      lng: [0, 0.001, 0.05, 0.051],
      lat: [0, 0, 0, 0],
      edgeFrom: [1, 3],
      edgeTo: [2, 4],
    });
    const facility = snapToNetwork(g, [0], [0]);
    const homes = snapToNetwork(g, [0.0505, 0.001], [0, 0]);
    const walk = nearestWalk(g, facility, homes, 50);
    expect(walk.distanceM[0]).toBe(Infinity);
    expect(walk.source[0]).toBe(-1);
    expect(walk.distanceM[1]).toBe(Infinity); // ~111 m > 50 m cutoff
    expect(nearestWalk(g, facility, homes).distanceM[1]).toBeCloseTo(111.2, 0);
  });

  it('agrees with Floyd–Warshall on the split graph for random networks', () => {
    const rand = seededRandom(7);
    for (let round = 0; round < 15; round++) {
      const n = 6 + Math.floor(rand() * 8);
      const lng = Array.from({ length: n }, () => rand() * 0.01);
      const lat = Array.from({ length: n }, () => rand() * 0.01);
      const from: number[] = [];
      const to: number[] = [];
      for (let i = 1; i < n; i++) {
        from.push(i);
        to.push(1 + Math.floor(rand() * i)); // a spanning tree keeps it connected
      }
      for (let k = 0; k < n; k++) {
        from.push(1 + Math.floor(rand() * n));
        to.push(1 + Math.floor(rand() * n));
      }
      const g = buildWalkGraph({ nodeIds: lng.map((_, i) => i + 1), lng, lat, edgeFrom: from, edgeTo: to });
      const sources = snapToNetwork(
        g,
        Array.from({ length: 3 }, () => rand() * 0.01),
        Array.from({ length: 3 }, () => rand() * 0.01),
      );
      const targets = snapToNetwork(
        g,
        Array.from({ length: 8 }, () => rand() * 0.01),
        Array.from({ length: 8 }, () => rand() * 0.01),
      );
      const expected = referenceDistances(g, sources, targets);
      const walk = nearestWalk(g, sources, targets);
      for (const [i, d] of expected.entries()) expect(walk.distanceM[i]).toBeCloseTo(d, 6);
    }
  });

  it('rejects unknown nodes, duplicate ids and bad coordinates, naming the row', () => {
    expect(() =>
      buildWalkGraph({ nodeIds: [1, 1], lng: [0, 200], lat: [0, 0], edgeFrom: [1], edgeTo: [9] }),
    ).toThrowError(NetworkInputError);
    try {
      buildWalkGraph({ nodeIds: [1, 1], lng: [0, 200], lat: [0, 0], edgeFrom: [1], edgeTo: [9] });
    } catch (error) {
      expect((error as NetworkInputError).problems).toEqual([
        { set: 'nodes', index: 1, message: 'duplicate node id 1' },
        { set: 'nodes', index: 1, message: 'node 1 has no valid lng/lat' },
        { set: 'edges', index: 0, message: 'unknown node 9' },
      ]);
    }
  });
});

describe('walking coverage for the location solvers', () => {
  it('lists, per demand point, the sites within the walking radius', () => {
    const g = tee();
    const sites = snapToNetwork(g, [0, 0.005], [0, 0.005]); // west end; branch end
    const demand = snapToNetwork(g, [0.004, 0.005, 0.01], [0, 0.001, 0]);
    // 0.004,0: 400 m from west, 100+600 = 700 m from the branch end. 0.005,0.001: 500+111 from west, 489 from
    // the branch end. 0.01,0: 1000 m from west, 1100 m from the branch end.
    const rows = walkCoverage(g, demand, sites, 500);
    const row = (i: number) => Array.from(rows.indices.subarray(rows.starts[i]!, rows.starts[i + 1]!));
    expect(row(0)).toEqual([0]);
    expect(row(1)).toEqual([1]);
    expect(row(2)).toEqual([]);
  });
});
