// Reductions of covering problems (MCLP, LSCP) that keep the optimum and shrink the model:
//  - demand points with the same set of covering sites act as one point (weights add up);
//  - a site whose covered demand is a subset of another site's is never needed (MCLP and LSCP: swap it for the
//    larger one); equal sets keep the lower index;
//  - for set covering, a demand whose covering sites include all of another demand's is covered whenever that
//    other one is, so its row can go.
// Lists are sorted site indices, one per demand group.

export interface CoverGroups {
  /** Sorted site indices per group. */
  sites: Int32Array[];
  /** Summed weight per group. */
  weight: number[];
}

/** Merges demand rows with identical site lists, summing their weights. Empty lists are kept as one group. */
export function groupByCoverSet(lists: Int32Array[], weights: ArrayLike<number>): CoverGroups {
  const index = new Map<string, number>();
  const sites: Int32Array[] = [];
  const weight: number[] = [];
  lists.forEach((list, i) => {
    const key = list.join(',');
    const g = index.get(key);
    if (g === undefined) {
      index.set(key, sites.length);
      sites.push(list);
      weight.push(weights[i]!);
    } else {
      weight[g]! += weights[i]!;
    }
  });
  return { sites, weight };
}

/** Site → groups that contain it. */
function groupsBySite(lists: Int32Array[], numSites: number): Int32Array[] {
  const counts = new Int32Array(numSites);
  for (const list of lists) for (const j of list) counts[j]!++;
  const out = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(numSites);
  lists.forEach((list, g) => {
    for (const j of list) out[j]![fill[j]!++] = g;
  });
  return out;
}

/**
 * Sites among `candidates` (1 = may be chosen) whose groups are a subset of another candidate's groups
 * (ties broken towards the lower index, so one of several equal sites survives). Sites that cover no group
 * are dominated too.
 */
export function dominatedSites(lists: Int32Array[], numSites: number, candidates: Uint8Array): Uint8Array {
  const bySite = groupsBySite(lists, numSites);
  const dominated = new Uint8Array(numSites);
  // stamp[g] === k marks the groups of site k; stamping again for the same k gives the same marks.
  const stamp = new Int32Array(lists.length).fill(-1);
  for (let j = 0; j < numSites; j++) {
    if (!candidates[j]) continue;
    const mine = bySite[j]!;
    if (mine.length === 0) {
      dominated[j] = 1;
      continue;
    }
    // Any dominating site covers the group of j with the fewest sites; only those are candidates.
    let rarest = mine[0]!;
    for (const g of mine) if (lists[g]!.length < lists[rarest]!.length) rarest = g;
    for (const k of lists[rarest]!) {
      if (k === j || !candidates[k]) continue;
      const theirs = bySite[k]!;
      if (theirs.length < mine.length || (theirs.length === mine.length && k > j)) continue;
      for (const g of theirs) stamp[g] = k;
      let subset = true;
      for (const g of mine) {
        if (stamp[g] !== k) {
          subset = false;
          break;
        }
      }
      if (subset) {
        dominated[j] = 1;
        break;
      }
    }
  }
  return dominated;
}

/** Removes dropped sites from every list (lists stay sorted). */
export function withoutSites(lists: Int32Array[], dropped: Uint8Array): Int32Array[] {
  return lists.map((list) => {
    let keep = 0;
    for (const j of list) if (!dropped[j]) keep++;
    if (keep === list.length) return list;
    const out = new Int32Array(keep);
    let k = 0;
    for (const j of list) if (!dropped[j]) out[k++] = j;
    return out;
  });
}

/**
 * Groups whose site list contains another group's whole list (set covering only: covering the smaller one
 * covers them). Lists must be distinct (grouped); returns a mask of redundant groups.
 */
export function redundantCoverRows(lists: Int32Array[], numSites: number): Uint8Array {
  const bySite = groupsBySite(lists, numSites);
  const redundant = new Uint8Array(lists.length);
  const stamp = new Int32Array(numSites).fill(-1);
  const order = lists.map((_, g) => g).sort((a, b) => lists[a]!.length - lists[b]!.length || a - b);
  for (const a of order) {
    if (redundant[a]) continue;
    const small = lists[a]!;
    if (small.length === 0) continue;
    for (const j of small) stamp[j] = a;
    // Every superset of `small` contains its first site; check only the groups of that site.
    for (const b of bySite[small[0]!]!) {
      if (b === a || redundant[b] || lists[b]!.length <= small.length) continue;
      let hits = 0;
      for (const j of lists[b]!) if (stamp[j] === a) hits++;
      if (hits === small.length) redundant[b] = 1;
    }
  }
  return redundant;
}
