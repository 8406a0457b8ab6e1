// Vertex p-center (Hakimi 1965): open p sites to minimise the largest distance from a demand point to its
// nearest open site. Weights are not used: every point counts the same.
//
// The optimum is one of the demand–site distances, so it is found by binary search over the sorted distinct
// distances: a radius r is achievable exactly when some cover of the demand within r needs at most p sites
// (Minieka 1970). Each test is the set-cover core of the LSCP (reductions, greedy, disjoint-row bound, HiGHS).
// The search starts between a lower bound (the farthest point's nearest-site distance) and the radius of a
// farthest-first greedy solution (Gonzalez 1985). A test that runs out of time stops the search; the answer then
// carries the smallest radius not proven impossible as its bound.
import { relativeGap } from '../lp/highs.ts';
import { distanceMatrix } from './geometry.ts';
import { minimumSetCover } from './lscp.ts';
import {
  fixedSiteIndices,
  LocationInputError,
  type LocationProblem,
  type LocationResult,
} from './problem.ts';

const MAX_PAIRS = 25_000_000;

function radiusOf(distance: Float64Array, n: number, m: number, open: number[]): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let best = Number.POSITIVE_INFINITY;
    for (const j of open) best = Math.min(best, distance[i * m + j]!);
    worst = Math.max(worst, best);
  }
  return worst;
}

/** Farthest-first: open the site nearest to the currently worst-served point until p are open. */
function farthestFirst(distance: Float64Array, n: number, m: number, start: number[], p: number): number[] {
  const open = [...start];
  const isOpen = new Uint8Array(m);
  for (const j of open) isOpen[j] = 1;
  if (open.length === 0) {
    // The single site with the smallest largest distance.
    let best = 0;
    let bestRadius = Number.POSITIVE_INFINITY;
    for (let j = 0; j < m; j++) {
      const r = radiusOf(distance, n, m, [j]);
      if (r < bestRadius) {
        bestRadius = r;
        best = j;
      }
    }
    open.push(best);
    isOpen[best] = 1;
  }
  const served = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  for (let i = 0; i < n; i++) for (const j of open) served[i] = Math.min(served[i]!, distance[i * m + j]!);
  while (open.length < p) {
    let worst = 0;
    for (let i = 1; i < n; i++) if (served[i]! > served[worst]!) worst = i;
    let pick = -1;
    for (let j = 0; j < m; j++) {
      if (!isOpen[j] && (pick < 0 || distance[worst * m + j]! < distance[worst * m + pick]!)) pick = j;
    }
    if (pick < 0) break;
    open.push(pick);
    isOpen[pick] = 1;
    for (let i = 0; i < n; i++) served[i] = Math.min(served[i]!, distance[i * m + pick]!);
  }
  return open;
}

/** Sorted distinct values of `values` within [low, high]. */
function distinctBetween(values: Float64Array, low: number, high: number): Float64Array {
  let count = 0;
  for (const v of values) if (v >= low && v <= high) count++;
  const inRange = new Float64Array(count);
  let k = 0;
  for (const v of values) if (v >= low && v <= high) inRange[k++] = v;
  inRange.sort();
  let unique = 0;
  for (let i = 0; i < inRange.length; i++) {
    if (i === 0 || inRange[i] !== inRange[unique - 1]) inRange[unique++] = inRange[i]!;
  }
  return inRange.subarray(0, unique);
}

export async function solvePCenter(problem: LocationProblem): Promise<LocationResult> {
  const started = performance.now();
  const deadline = started + (problem.timeLimit ?? 60) * 1000;
  const { demand, sites } = problem;
  const n = demand.ids.length;
  const m = sites.ids.length;
  const p = problem.p!;
  if (n * m > MAX_PAIRS) {
    throw new LocationInputError([
      {
        set: 'options',
        message: `${n} demand points × ${m} sites is over the ${MAX_PAIRS} distances the p-center keeps in memory`,
        messageZh: `${n} 个需求点 × ${m} 个站点超过 p-中心模型可在内存中保存的 ${MAX_PAIRS} 个距离`,
      },
    ]);
  }
  const distance = distanceMatrix(problem.metric, demand, sites);
  const fixed = fixedSiteIndices(sites);
  const isFixed = new Uint8Array(m);
  for (const j of fixed) isFixed[j] = 1;
  const pFree = p - fixed.length;

  // Bounds: every point is at least its nearest site away; the greedy solution achieves its own radius.
  let lower = 0;
  for (let i = 0; i < n; i++) {
    let best = Number.POSITIVE_INFINITY;
    for (let j = 0; j < m; j++) best = Math.min(best, distance[i * m + j]!);
    lower = Math.max(lower, best);
  }
  let open = farthestFirst(distance, n, m, fixed, p);
  const upper = radiusOf(distance, n, m, open);
  const radii = distinctBetween(distance, lower, upper);

  // Binary search: radii[hi] is achievable (we hold a solution), every radius below radii[lo] is not.
  let lo = 0;
  let hi = radii.length - 1;
  let usedHighs = false;
  let stoppedBy: LocationResult['stoppedBy'];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const r = radii[mid]!;
    const rows: Int32Array[] = [];
    for (let i = 0; i < n; i++) {
      const row: number[] = [];
      let byFixed = false;
      for (let j = 0; j < m; j++) {
        if (distance[i * m + j]! <= r) {
          if (isFixed[j]) byFixed = true;
          row.push(j);
        }
      }
      if (!byFixed) rows.push(Int32Array.from(row.filter((j) => !isFixed[j])));
    }
    const test = rows.some((row) => row.length === 0)
      ? { status: 'infeasible' as const, chosen: null, usedHighs: false }
      : await minimumSetCover(rows, m, { deadline, limit: pFree });
    usedHighs ||= test.usedHighs;
    if (test.status === 'feasible' || test.status === 'optimal') {
      hi = mid;
      open = [...fixed, ...test.chosen!];
    } else if (test.status === 'infeasible') {
      lo = mid + 1;
    } else {
      stoppedBy = 'time-limit';
      break;
    }
  }
  if (open.length < p) open = farthestFirst(distance, n, m, open, p);
  open.sort((a, b) => a - b);
  const objective = radiusOf(distance, n, m, open);
  const bound = radii[lo]!;
  const optimal = stoppedBy === undefined && objective <= bound;
  const critical: string[] = [];
  for (let i = 0; i < n; i++) {
    let best = Number.POSITIVE_INFINITY;
    for (const j of open) best = Math.min(best, distance[i * m + j]!);
    if (best >= objective - 1e-9 * Math.max(1, objective)) critical.push(demand.ids[i]!);
  }
  const totalWeight = demand.weight.reduce((a, w) => a + w, 0);
  return {
    model: 'pcenter',
    status: optimal ? 'optimal' : 'feasible',
    optimal,
    proof: optimal ? (usedHighs ? 'highs' : 'bound') : null,
    sites: open.map((j) => sites.ids[j]!),
    fixedSites: fixed.map((j) => sites.ids[j]!),
    objective,
    bound: optimal ? objective : bound,
    gap: optimal ? 0 : relativeGap(objective, bound),
    ...(stoppedBy ? { stoppedBy } : {}),
    method: `farthest-first, binary search over ${radii.length} distances with set-cover tests${usedHighs ? ' (HiGHS)' : ''}`,
    seconds: (performance.now() - started) / 1000,
    totalWeight,
    criticalDemand: critical,
    notes: ['p-center 不使用权重 / the p-center ignores weights: every demand point counts the same'],
  };
}
