// The demo district's walking network, drawn from its layout: streets run along every grid cell's edges (split at
// their midpoints, so a cell side is two segments), and lanes cross each cell from its centre to the midpoints of
// its sides. About a third of the lanes are missing, as gated compounds and walls block them in a real district,
// so walking distances differ from straight lines by varying amounts. Every cell keeps at least one lane.
import { haversine } from '../../lib/location/geometry.ts';
import type { SeededRandom } from '../../lib/random/seeded.ts';
import type { DemoLayout } from './district-layout.ts';

export interface DemoWalkNode {
  id: number;
  lng: number;
  lat: number;
  kind: 'junction' | 'lane';
}

export interface DemoWalkEdge {
  id: number;
  from: number;
  to: number;
  lengthM: number;
  kind: 'street' | 'lane';
}

export interface DemoStreetNetwork {
  nodes: DemoWalkNode[];
  edges: DemoWalkEdge[];
}

const LANE_MISSING_SHARE = 0.35;

export function generateStreetNetwork(layout: DemoLayout, rng: SeededRandom): DemoStreetNetwork {
  const nodes: DemoWalkNode[] = [];
  const edges: DemoWalkEdge[] = [];
  const nodeByKey = new Map<string, number>();
  const edgeKeys = new Set<string>();
  const node = (lng: number, lat: number, kind: DemoWalkNode['kind']) => {
    const x = +lng.toFixed(6);
    const y = +lat.toFixed(6);
    const key = `${x},${y}`;
    let id = nodeByKey.get(key);
    if (id === undefined) {
      id = nodes.length + 1;
      nodes.push({ id, lng: x, lat: y, kind });
      nodeByKey.set(key, id);
    }
    return id;
  };
  const edge = (from: number, to: number, kind: DemoWalkEdge['kind']) => {
    const key = from < to ? `${from}-${to}` : `${to}-${from}`;
    if (edgeKeys.has(key)) return;
    edgeKeys.add(key);
    const a = nodes[from - 1]!;
    const b = nodes[to - 1]!;
    edges.push({
      id: edges.length + 1,
      from,
      to,
      lengthM: Math.round(haversine(a.lng, a.lat, b.lng, b.lat) * 10) / 10,
      kind,
    });
  };
  for (const grid of layout.grids) {
    const ring = grid.polygon.coordinates[0] as [number, number][];
    const corners = ring.slice(0, 4).map(([lng, lat]) => node(lng, lat, 'junction'));
    const mids: number[] = [];
    for (let s = 0; s < 4; s++) {
      const [ax, ay] = ring[s]!;
      const [bx, by] = ring[s + 1]!;
      // Neighbouring cells share the side: the midpoint is computed the same way from either, so it is one node.
      const mid = node((ax + bx) / 2, (ay + by) / 2, 'junction');
      mids.push(mid);
      edge(corners[s]!, mid, 'street');
      edge(mid, corners[(s + 1) % 4]!, 'street');
    }
    const centre = node(
      ring.slice(0, 4).reduce((a, p) => a + p[0], 0) / 4,
      ring.slice(0, 4).reduce((a, p) => a + p[1], 0) / 4,
      'lane',
    );
    const kept = mids.filter(() => rng.next() >= LANE_MISSING_SHARE);
    for (const mid of kept.length > 0 ? kept : [mids[Math.floor(rng.next() * 4)]!]) edge(centre, mid, 'lane');
  }
  return { nodes, edges };
}
