// Clustering of scored pairs: connected components over the pairs at or above a threshold (union-find),
// strongest links first, with a coherence guard against chaining: two clusters merge only if the mean match
// probability over every scored pair between them reaches `coherence`. Pairs that were never compared (not in
// a common block) are unknown, not evidence against, so they do not count.

export interface ClusterOptions {
  threshold: number;
  coherence: number;
  /**
   * Clerical decisions per pair (1 confirmed, 2 split), which outrank the model: a confirmed pair joins its
   * records' clusters whatever the coherence, and two clusters holding a split pair never merge.
   */
  decided?: Uint8Array;
}

export const CONFIRMED = 1;
export const SPLIT = 2;

export interface Clustering {
  /** For each record, the index of the first record (in input order) of its cluster. */
  clusterOf: Int32Array;
  clusters: number;
  /** Merges refused by the coherence guard. */
  refusedMerges: number;
}

export function clusterPairs(
  recordCount: number,
  a: Int32Array,
  b: Int32Array,
  probability: Float64Array,
  options: ClusterOptions,
): Clustering {
  const parent = new Int32Array(recordCount);
  const size = new Int32Array(recordCount).fill(1);
  // Members of a cluster form a cycle through `next`; swapping two roots' successors joins two cycles.
  const next = new Int32Array(recordCount);
  for (let i = 0; i < recordCount; i++) {
    parent[i] = i;
    next[i] = i;
  }
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[x] !== r) {
      const up = parent[x]!;
      parent[x] = r;
      x = up;
    }
    return r;
  };

  const edges: number[] = [];
  for (let p = 0; p < a.length; p++) if (probability[p]! >= options.threshold) edges.push(p);
  edges.sort((x, y) => probability[y]! - probability[x]! || x - y);

  // Adjacency (both directions) of all scored pairs among records that have at least one edge.
  const involved = new Uint8Array(recordCount);
  for (const p of edges) {
    involved[a[p]!] = 1;
    involved[b[p]!] = 1;
  }
  const degree = new Int32Array(recordCount + 1);
  for (let p = 0; p < a.length; p++) {
    if (involved[a[p]!] && involved[b[p]!]) {
      degree[a[p]! + 1]!++;
      degree[b[p]! + 1]!++;
    }
  }
  for (let i = 0; i < recordCount; i++) degree[i + 1]! += degree[i]!;
  const fill = degree.slice(0, recordCount);
  const neighbour = new Int32Array(degree[recordCount]!);
  const neighbourP = new Float64Array(degree[recordCount]!);
  const neighbourSplit = new Uint8Array(degree[recordCount]!);
  const decided = options.decided;
  for (let p = 0; p < a.length; p++) {
    const x = a[p]!;
    const y = b[p]!;
    if (involved[x] && involved[y]) {
      const split = decided && decided[p] === SPLIT ? 1 : 0;
      neighbourSplit[fill[x]!] = split;
      neighbour[fill[x]!] = y;
      neighbourP[fill[x]!++] = probability[p]!;
      neighbourSplit[fill[y]!] = split;
      neighbour[fill[y]!] = x;
      neighbourP[fill[y]!++] = probability[p]!;
    }
  }

  let refusedMerges = 0;
  for (const p of edges) {
    const ra = find(a[p]!);
    const rb = find(b[p]!);
    if (ra === rb) continue;
    const [small, other] = size[ra]! <= size[rb]! ? [ra, rb] : [rb, ra];
    let sum = 0;
    let count = 0;
    let splitAcross = false;
    let member = small;
    do {
      for (let e = degree[member]!; e < degree[member + 1]!; e++) {
        if (find(neighbour[e]!) === other) {
          sum += neighbourP[e]!;
          count++;
          if (neighbourSplit[e]) splitAcross = true;
        }
      }
      member = next[member]!;
    } while (member !== small);
    const confirmed = decided !== undefined && decided[p] === CONFIRMED;
    if (splitAcross || (!confirmed && count > 0 && sum / count < options.coherence)) {
      refusedMerges++;
      continue;
    }
    parent[small] = other;
    size[other]! += size[small]!;
    const t = next[small]!;
    next[small] = next[other]!;
    next[other] = t;
  }

  const clusterOf = new Int32Array(recordCount);
  const firstOfRoot = new Int32Array(recordCount).fill(-1);
  let clusters = 0;
  for (let i = 0; i < recordCount; i++) {
    const r = find(i);
    if (firstOfRoot[r] === -1) {
      firstOfRoot[r] = i;
      clusters++;
    }
    clusterOf[i] = firstOfRoot[r]!;
  }
  return { clusterOf, clusters, refusedMerges };
}

/**
 * Link mode with one-to-one matching: each record keeps at most its best match, taken greedily from the
 * strongest pair down. Returns a mask of the pairs kept.
 */
export function oneToOneMatches(
  recordCount: number,
  a: Int32Array,
  b: Int32Array,
  probability: Float64Array,
  threshold: number,
): Uint8Array {
  const order: number[] = [];
  for (let p = 0; p < a.length; p++) if (probability[p]! >= threshold) order.push(p);
  order.sort((x, y) => probability[y]! - probability[x]! || x - y);
  const used = new Uint8Array(recordCount);
  const kept = new Uint8Array(a.length);
  for (const p of order) {
    if (used[a[p]!] || used[b[p]!]) continue;
    used[a[p]!] = 1;
    used[b[p]!] = 1;
    kept[p] = 1;
  }
  return kept;
}
