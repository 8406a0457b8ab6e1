// Location set covering (LSCP; Toregas et al. 1971): the fewest sites such that every demand point has an open
// site within radius R. Infeasible when some point has no candidate within R; those points are named.
//
// The set-cover core is shared with the p-center search: reduce (merge identical rows, drop rows that contain
// another row, drop sites whose rows are a subset of another site's; repeat), then greedy (Chvátal 1979) with
// redundant sites removed, a lower bound from pairwise disjoint rows (each needs its own site), and HiGHS on
// the reduced model when the two do not meet.
import { LinearProgramBuilder, relativeGap, solveLinearProgram } from '../lp/highs.ts';
import { dominatedSites, groupByCoverSet, redundantCoverRows, withoutSites } from './cover-sets.ts';
import { coverage } from './geometry.ts';
import { fixedSiteIndices, type LocationProblem, type LocationResult, secondsLeft } from './problem.ts';

export interface SetCoverOutcome {
  /** 'optimal': minimum proven; 'feasible': a cover, size not proven minimal (or not needed to be: see limit);
   *  'infeasible': proven impossible (within the limit); 'unknown': time ran out first. */
  status: 'optimal' | 'feasible' | 'infeasible' | 'unknown';
  /** Chosen site indices of the best cover found, or null. */
  chosen: number[] | null;
  /** Proven lower bound on the number of sites a cover needs. */
  lowerBound: number;
  usedHighs: boolean;
}

/**
 * Minimum set cover of `rows` (each the candidate sites of one demand point; none empty) over `numSites` sites.
 * With `limit`, answers only "is there a cover of at most `limit` sites?": 'feasible' with one, or 'infeasible'.
 */
export async function minimumSetCover(
  rows: Int32Array[],
  numSites: number,
  options: { deadline: number; limit?: number },
): Promise<SetCoverOutcome> {
  if (rows.length === 0) return { status: 'optimal', chosen: [], lowerBound: 0, usedHighs: false };
  const candidates = new Uint8Array(numSites).fill(1);
  let lists = groupByCoverSet(rows, new Float64Array(rows.length)).sites;
  for (;;) {
    const redundant = redundantCoverRows(lists, numSites);
    lists = lists.filter((_, g) => !redundant[g]);
    const dominated = dominatedSites(lists, numSites, candidates);
    const changed =
      redundant.some((r) => r === 1) || dominated.some((d, j) => d === 1 && candidates[j] === 1);
    for (let j = 0; j < numSites; j++) if (dominated[j]) candidates[j] = 0;
    lists = groupByCoverSet(withoutSites(lists, dominated), new Float64Array(lists.length)).sites;
    if (!changed) break;
  }
  const greedy = greedyCover(lists, numSites);
  const lowerBound = disjointRows(lists, numSites);
  const limit = options.limit;
  if (limit !== undefined) {
    if (greedy.length <= limit) return { status: 'feasible', chosen: greedy, lowerBound, usedHighs: false };
    if (lowerBound > limit) return { status: 'infeasible', chosen: null, lowerBound, usedHighs: false };
  } else if (greedy.length === lowerBound) {
    return { status: 'optimal', chosen: greedy, lowerBound, usedHighs: false };
  }
  if (secondsLeft(options.deadline) <= 0.02) {
    return limit === undefined
      ? { status: 'feasible', chosen: greedy, lowerBound, usedHighs: false }
      : { status: 'unknown', chosen: null, lowerBound, usedHighs: false };
  }

  // HiGHS on the reduced model: min Σ x (or, with a limit, any cover with Σ x ≤ limit).
  const alive: number[] = [];
  const local = new Int32Array(numSites).fill(-1);
  for (let j = 0; j < numSites; j++) {
    if (candidates[j]) {
      local[j] = alive.length;
      alive.push(j);
    }
  }
  const b = new LinearProgramBuilder();
  for (let k = 0; k < alive.length; k++) b.addColumn(limit === undefined ? 1 : 0, 0, 1, true);
  for (const list of lists)
    b.addRow(
      1,
      Number.POSITIVE_INFINITY,
      Array.from(list, (j) => local[j]!),
      1,
    );
  if (limit !== undefined) {
    b.addRow(
      Number.NEGATIVE_INFINITY,
      limit,
      alive.map((_, k) => k),
      1,
    );
  }
  const start = limit === undefined ? new Float64Array(alive.length) : undefined;
  if (start) for (const j of greedy) start[local[j]!] = 1;
  const mip = await solveLinearProgram(b.build('min'), { timeLimit: secondsLeft(options.deadline), start });
  const fromMip = mip.x ? alive.filter((_, k) => mip.x![k]! > 0.5) : null;
  if (limit !== undefined) {
    if (mip.status === 'infeasible')
      return { status: 'infeasible', chosen: null, lowerBound: limit + 1, usedHighs: true };
    if (fromMip) return { status: 'feasible', chosen: fromMip, lowerBound, usedHighs: true };
    return { status: 'unknown', chosen: null, lowerBound, usedHighs: true };
  }
  const best = fromMip && fromMip.length < greedy.length ? fromMip : greedy;
  const bound = Math.max(lowerBound, mip.bound !== null ? Math.ceil(mip.bound - 1e-6) : 0);
  const optimal = mip.optimal || best.length <= bound;
  return {
    status: optimal ? 'optimal' : 'feasible',
    chosen: best,
    lowerBound: optimal ? best.length : bound,
    usedHighs: true,
  };
}

/** Chvátal's greedy (most uncovered rows first), then drops sites whose rows are all covered by others. */
function greedyCover(lists: Int32Array[], numSites: number): number[] {
  const bySite: number[][] = Array.from({ length: numSites }, () => []);
  lists.forEach((list, g) => {
    for (const j of list) bySite[j]!.push(g);
  });
  const covered = new Int32Array(lists.length);
  let uncovered = lists.length;
  const chosen: number[] = [];
  while (uncovered > 0) {
    let best = -1;
    let bestCount = 0;
    for (let j = 0; j < numSites; j++) {
      let c = 0;
      for (const g of bySite[j]!) if (covered[g] === 0) c++;
      if (c > bestCount) {
        bestCount = c;
        best = j;
      }
    }
    chosen.push(best);
    for (const g of bySite[best]!) {
      if (covered[g] === 0) uncovered--;
      covered[g]!++;
    }
  }
  for (let k = chosen.length - 1; k >= 0; k--) {
    const j = chosen[k]!;
    if (bySite[j]!.every((g) => covered[g]! > 1)) {
      for (const g of bySite[j]!) covered[g]!--;
      chosen.splice(k, 1);
    }
  }
  return chosen.sort((a, b) => a - b);
}

/** Size of a set of rows no two of which share a site, picked greedily from the shortest rows: a lower bound. */
function disjointRows(lists: Int32Array[], numSites: number): number {
  const used = new Uint8Array(numSites);
  const order = lists.map((_, g) => g).sort((a, b) => lists[a]!.length - lists[b]!.length);
  let count = 0;
  for (const g of order) {
    if (lists[g]!.some((j) => used[j] === 1)) continue;
    for (const j of lists[g]!) used[j] = 1;
    count++;
  }
  return count;
}

export async function solveLscp(problem: LocationProblem): Promise<LocationResult> {
  const started = performance.now();
  const deadline = started + (problem.timeLimit ?? 60) * 1000;
  const { demand, sites } = problem;
  const cover = problem.cover ?? coverage(problem.metric, demand, sites, problem.radius!);
  const fixed = fixedSiteIndices(sites);
  const isFixed = new Uint8Array(sites.ids.length);
  for (const j of fixed) isFixed[j] = 1;
  const totalWeight = demand.weight.reduce((a, w) => a + w, 0);
  const uncoverable: string[] = [];
  const rows: Int32Array[] = [];
  for (let i = 0; i < demand.ids.length; i++) {
    const row = cover.indices.subarray(cover.starts[i]!, cover.starts[i + 1]!);
    if (row.length === 0) uncoverable.push(demand.ids[i]!);
    else if (!row.some((j) => isFixed[j] === 1)) rows.push(row.filter((j) => isFixed[j] === 0));
  }
  const base = {
    model: 'lscp' as const,
    fixedSites: fixed.map((j) => sites.ids[j]!),
    totalWeight,
  };
  if (uncoverable.length > 0) {
    return {
      ...base,
      status: 'infeasible',
      optimal: false,
      proof: null,
      sites: [],
      objective: null,
      bound: null,
      gap: null,
      method: 'coverage check',
      seconds: (performance.now() - started) / 1000,
      uncoverableDemand: uncoverable,
      notes: [
        `${uncoverable.length} 个需求点在半径 ${problem.radius} 米内没有候选点，无法全部覆盖 / ` +
          `${uncoverable.length} demand points have no candidate site within ${problem.radius} m: ${uncoverable.slice(0, 20).join(', ')}${uncoverable.length > 20 ? ', …' : ''}`,
      ],
    };
  }
  const outcome = await minimumSetCover(rows, sites.ids.length, { deadline });
  const chosen = new Set([...fixed, ...(outcome.chosen ?? [])]);
  const open = [...chosen].sort((a, b) => a - b);
  const objective = open.length;
  const bound = fixed.length + outcome.lowerBound;
  const optimal = outcome.status === 'optimal';
  return {
    ...base,
    status: optimal ? 'optimal' : 'feasible',
    optimal,
    proof: optimal ? (outcome.usedHighs ? 'highs' : 'bound') : null,
    sites: open.map((j) => sites.ids[j]!),
    objective,
    bound: optimal ? objective : bound,
    gap: optimal ? 0 : relativeGap(objective, bound),
    ...(optimal ? {} : { stoppedBy: 'time-limit' as const }),
    method: outcome.usedHighs ? 'reductions, greedy, HiGHS MIP' : 'reductions, greedy, disjoint-row bound',
    seconds: (performance.now() - started) / 1000,
    coveredWeight: totalWeight,
    coveredShare: 1,
    uncoverableDemand: [],
    notes: [],
  };
}
