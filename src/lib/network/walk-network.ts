// Walking distances on a street network: an undirected graph of nodes (lng/lat) and edges (length in metres).
// Buildings and facilities are snapped to the nearest point of the nearest edge; the walk is the access leg from
// the point to the street, along the street to a junction, through the network, and back out. Multi-source
// Dijkstra (binary heap) from every facility at once gives each node its nearest facility in one pass.
import { haversine, type SparseRows } from '../location/geometry.ts';

export interface NetworkInput {
  nodeIds: ArrayLike<number>;
  lng: ArrayLike<number>;
  lat: ArrayLike<number>;
  edgeFrom: ArrayLike<number>;
  edgeTo: ArrayLike<number>;
  /** Metres; when absent the great-circle length between the end nodes. */
  edgeLength?: ArrayLike<number>;
}

export interface WalkGraph {
  nodes: number;
  lng: Float64Array;
  lat: Float64Array;
  /** Edge end nodes as 0-based indices. */
  edgeA: Int32Array;
  edgeB: Int32Array;
  edgeLength: Float64Array;
  /** Compressed adjacency: neighbours of node i are adjNode[adjStart[i] .. adjStart[i+1]). */
  adjStart: Int32Array;
  adjNode: Int32Array;
  adjLength: Float64Array;
}

export interface NetworkInputProblem {
  set: 'nodes' | 'edges';
  /** 0-based row. */
  index: number;
  message: string;
}

export class NetworkInputError extends Error {
  constructor(readonly problems: NetworkInputProblem[]) {
    super(problems.map((p) => `${p.set} #${p.index + 1}: ${p.message}`).join('; '));
  }
}

const MAX_PROBLEMS = 20;

/** Builds the adjacency; throws NetworkInputError naming rows with bad coordinates, unknown nodes or lengths. */
export function buildWalkGraph(input: NetworkInput): WalkGraph {
  const problems: NetworkInputProblem[] = [];
  const add = (p: NetworkInputProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const n = input.nodeIds.length;
  const indexOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const id = input.nodeIds[i]!;
    const x = input.lng[i]!;
    const y = input.lat[i]!;
    if (indexOf.has(id)) add({ set: 'nodes', index: i, message: `duplicate node id ${id}` });
    else indexOf.set(id, i);
    if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90)
      add({ set: 'nodes', index: i, message: `node ${id} has no valid lng/lat` });
  }
  const m = input.edgeFrom.length;
  const edgeA = new Int32Array(m);
  const edgeB = new Int32Array(m);
  const edgeLength = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    const a = indexOf.get(input.edgeFrom[e]!);
    const b = indexOf.get(input.edgeTo[e]!);
    if (a === undefined || b === undefined) {
      add({
        set: 'edges',
        index: e,
        message: `unknown node ${a === undefined ? input.edgeFrom[e] : input.edgeTo[e]}`,
      });
      continue;
    }
    edgeA[e] = a;
    edgeB[e] = b;
    const len = input.edgeLength
      ? input.edgeLength[e]!
      : haversine(input.lng[a]!, input.lat[a]!, input.lng[b]!, input.lat[b]!);
    if (!Number.isFinite(len) || len < 0) add({ set: 'edges', index: e, message: 'length must be ≥ 0' });
    edgeLength[e] = len;
  }
  if (problems.length > 0) throw new NetworkInputError(problems);
  const degree = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    degree[edgeA[e]! + 1]!++;
    degree[edgeB[e]! + 1]!++;
  }
  const adjStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) adjStart[i + 1] = adjStart[i]! + degree[i + 1]!;
  const fill = adjStart.slice(0, n);
  const adjNode = new Int32Array(2 * m);
  const adjLength = new Float64Array(2 * m);
  for (let e = 0; e < m; e++) {
    const a = edgeA[e]!;
    const b = edgeB[e]!;
    adjNode[fill[a]!] = b;
    adjLength[fill[a]!++] = edgeLength[e]!;
    adjNode[fill[b]!] = a;
    adjLength[fill[b]!++] = edgeLength[e]!;
  }
  return {
    nodes: n,
    lng: Float64Array.from(input.lng),
    lat: Float64Array.from(input.lat),
    edgeA,
    edgeB,
    edgeLength,
    adjStart,
    adjNode,
    adjLength,
  };
}

/** Where a point meets the network: on edge `edge`, at fraction `t` from edgeA, `accessM` metres away. */
export interface Snap {
  edge: Int32Array;
  t: Float64Array;
  accessM: Float64Array;
}

const RAD = Math.PI / 180;
const M_PER_DEG = 111_195;

/**
 * Snaps each point to the closest point of the closest edge. Projection is equirectangular about the graph's
 * mean latitude (exact enough within a district); every edge is tried, which at a district's few thousand edges
 * is cheaper than building an index per request.
 */
export function snapToNetwork(graph: WalkGraph, lng: ArrayLike<number>, lat: ArrayLike<number>): Snap {
  const k = lng.length;
  const m = graph.edgeA.length;
  let meanLat = 0;
  for (let i = 0; i < graph.nodes; i++) meanLat += graph.lat[i]!;
  meanLat = graph.nodes > 0 ? meanLat / graph.nodes : 0;
  const sx = M_PER_DEG * Math.cos(meanLat * RAD);
  const edge = new Int32Array(k).fill(-1);
  const t = new Float64Array(k);
  const accessM = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  for (let i = 0; i < k; i++) {
    const px = lng[i]! * sx;
    const py = lat[i]! * M_PER_DEG;
    let best = Number.POSITIVE_INFINITY;
    for (let e = 0; e < m; e++) {
      const ax = graph.lng[graph.edgeA[e]!]! * sx;
      const ay = graph.lat[graph.edgeA[e]!]! * M_PER_DEG;
      const dx = graph.lng[graph.edgeB[e]!]! * sx - ax;
      const dy = graph.lat[graph.edgeB[e]!]! * M_PER_DEG - ay;
      const len2 = dx * dx + dy * dy;
      const u = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
      const d2 = (ax + u * dx - px) ** 2 + (ay + u * dy - py) ** 2;
      if (d2 < best) {
        best = d2;
        edge[i] = e;
        t[i] = u;
      }
    }
    accessM[i] = Math.sqrt(best);
  }
  return { edge, t, accessM };
}

/** A binary min-heap of (node, key) with lazy deletion: stale entries are skipped when popped. */
class MinHeap {
  private nodes = new Int32Array(64);
  private keys = new Float64Array(64);
  size = 0;

  push(node: number, key: number) {
    if (this.size === this.nodes.length) {
      const nodes = new Int32Array(this.size * 2);
      nodes.set(this.nodes);
      this.nodes = nodes;
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      this.keys = keys;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.nodes[i] = this.nodes[parent]!;
      this.keys[i] = this.keys[parent]!;
      i = parent;
    }
    this.nodes[i] = node;
    this.keys[i] = key;
  }

  /** Removes the minimum; returns its node, with its key in `lastKey`. */
  lastKey = 0;
  pop(): number {
    const top = this.nodes[0]!;
    this.lastKey = this.keys[0]!;
    const node = this.nodes[--this.size]!;
    const key = this.keys[this.size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.keys[child + 1]! < this.keys[child]!) child++;
      if (this.keys[child]! >= key) break;
      this.nodes[i] = this.nodes[child]!;
      this.keys[i] = this.keys[child]!;
      i = child;
    }
    if (this.size > 0) {
      this.nodes[i] = node;
      this.keys[i] = key;
    }
    return top;
  }
}

export interface NearestBySource {
  /** Per node: walking metres to the nearest source (Infinity when unreachable or beyond the cutoff). */
  distance: Float64Array;
  /** Per node: index of that source, −1 when none. */
  source: Int32Array;
}

/**
 * Multi-source Dijkstra: every source starts at the two ends of its snapped edge (access leg plus the part of
 * the edge to that end). Nodes farther than `cutoffM` are left at Infinity.
 */
export function nearestSourceByNode(graph: WalkGraph, sources: Snap, cutoffM = Infinity): NearestBySource {
  const distance = new Float64Array(graph.nodes).fill(Number.POSITIVE_INFINITY);
  const source = new Int32Array(graph.nodes).fill(-1);
  const heap = new MinHeap();
  const seed = (node: number, d: number, s: number) => {
    if (d < distance[node]! && d <= cutoffM) {
      distance[node] = d;
      source[node] = s;
      heap.push(node, d);
    }
  };
  for (let s = 0; s < sources.edge.length; s++) {
    const e = sources.edge[s]!;
    if (e < 0) continue;
    const len = graph.edgeLength[e]!;
    seed(graph.edgeA[e]!, sources.accessM[s]! + sources.t[s]! * len, s);
    seed(graph.edgeB[e]!, sources.accessM[s]! + (1 - sources.t[s]!) * len, s);
  }
  while (heap.size > 0) {
    const u = heap.pop();
    const du = heap.lastKey;
    if (du > distance[u]!) continue;
    for (let k = graph.adjStart[u]!; k < graph.adjStart[u + 1]!; k++) {
      const v = graph.adjNode[k]!;
      const dv = du + graph.adjLength[k]!;
      if (dv < distance[v]! && dv <= cutoffM) {
        distance[v] = dv;
        source[v] = source[u]!;
        heap.push(v, dv);
      }
    }
  }
  return { distance, source };
}

export interface NearestWalk {
  /** Per target: walking metres to its nearest source (Infinity when none is reachable). */
  distanceM: Float64Array;
  /** Per target: index of that source, −1 when none. */
  source: Int32Array;
}

/**
 * Walking metres from each target to its nearest source: through either end of the target's edge, or straight
 * along the edge when a source sits on the same edge.
 */
export function nearestWalk(graph: WalkGraph, sources: Snap, targets: Snap, cutoffM = Infinity): NearestWalk {
  const byNode = nearestSourceByNode(graph, sources, cutoffM);
  const onEdge = new Map<number, number[]>();
  for (let s = 0; s < sources.edge.length; s++) {
    const e = sources.edge[s]!;
    if (e < 0) continue;
    const list = onEdge.get(e);
    if (list) list.push(s);
    else onEdge.set(e, [s]);
  }
  const k = targets.edge.length;
  const distanceM = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  const source = new Int32Array(k).fill(-1);
  for (let i = 0; i < k; i++) {
    const e = targets.edge[i]!;
    if (e < 0) continue;
    const len = graph.edgeLength[e]!;
    const access = targets.accessM[i]!;
    const a = graph.edgeA[e]!;
    const b = graph.edgeB[e]!;
    let best = access + targets.t[i]! * len + byNode.distance[a]!;
    let bestSource = byNode.source[a]!;
    const viaB = access + (1 - targets.t[i]!) * len + byNode.distance[b]!;
    if (viaB < best) {
      best = viaB;
      bestSource = byNode.source[b]!;
    }
    for (const s of onEdge.get(e) ?? []) {
      const direct = access + Math.abs(targets.t[i]! - sources.t[s]!) * len + sources.accessM[s]!;
      if (direct < best) {
        best = direct;
        bestSource = s;
      }
    }
    if (best <= cutoffM) {
      distanceM[i] = best;
      source[i] = bestSource;
    }
  }
  return { distanceM, source };
}

/** Walking pace used to turn metres into minutes: 4 km/h, the pace at which GB 50180's 1,000 m take 15 min. */
export const WALK_METRES_PER_MINUTE = 4000 / 60;

/** One point of a snap, as a snap of its own. */
function snapAt(snap: Snap, i: number): Snap {
  return {
    edge: snap.edge.subarray(i, i + 1),
    t: snap.t.subarray(i, i + 1),
    accessM: snap.accessM.subarray(i, i + 1),
  };
}

/**
 * For every demand point, the sites within `radiusM` walking metres (sorted by site index), in the compressed
 * row form the location solvers take. One Dijkstra per site, cut off at the radius, so each stays local.
 */
export function walkCoverage(graph: WalkGraph, demand: Snap, sites: Snap, radiusM: number): SparseRows {
  const nd = demand.edge.length;
  const lists: number[][] = Array.from({ length: nd }, () => []);
  for (let j = 0; j < sites.edge.length; j++) {
    const walk = nearestWalk(graph, snapAt(sites, j), demand, radiusM + 1e-6);
    for (let i = 0; i < nd; i++) if (walk.source[i]! >= 0) lists[i]!.push(j);
  }
  const starts = new Int32Array(nd + 1);
  for (let i = 0; i < nd; i++) starts[i + 1] = starts[i]! + lists[i]!.length;
  const indices = new Int32Array(starts[nd]!);
  for (let i = 0; i < nd; i++) indices.set(lists[i]!, starts[i]!);
  return { starts, indices };
}

/**
 * Walking metres from every demand point to every site, row-major (demand i, site j at i·sites + j); Infinity
 * where the network does not connect them. One full Dijkstra per site, for models that need every distance
 * (the p-median), not only those within a radius.
 */
export function walkDistanceMatrix(graph: WalkGraph, demand: Snap, sites: Snap): Float64Array {
  const nd = demand.edge.length;
  const ns = sites.edge.length;
  const out = new Float64Array(nd * ns);
  for (let j = 0; j < ns; j++) {
    const walk = nearestWalk(graph, snapAt(sites, j), demand);
    for (let i = 0; i < nd; i++) out[i * ns + j] = walk.distanceM[i]!;
  }
  return out;
}
