// Maximal covering location (MCLP; Church & ReVelle 1974): open p sites to maximise the demand weight within
// radius R of an open site.
//
// Large instances (20,000 demand points × 1,000 sites) are made small first: demand covered by a fixed site is
// counted and set aside, points with identical covering-site sets are merged, sites whose coverage is a subset of
// another site's are dropped (repeated until nothing changes), and a group covered by a single site becomes that
// site's own value. Then:
//   1. greedy + swap (1-opt vertex substitution, Teitz–Bart style) gives a good solution fast;
//   2. Lagrangian relaxation of "z_g ≤ Σ x_j" (Galvão & ReVelle 1996) gives a valid upper bound by subgradient
//      optimisation — its subproblem simply takes the p best sites, so the bound equals the LP bound at best;
//   3. if the bound does not already meet the solution, HiGHS solves the reduced MIP, started from the
//      solution, for the time left; its proven bound tightens ours.
import { LinearProgramBuilder, relativeGap, solveLinearProgram } from '../lp/highs.ts';
import { dominatedSites, groupByCoverSet, withoutSites } from './cover-sets.ts';
import { coverage, transpose } from './geometry.ts';
import { fixedSiteIndices, type LocationProblem, type LocationResult, secondsLeft } from './problem.ts';

/** The reduced problem: maximise Σ c_j x_j + Σ W_g [group g covered], with at most `p` sites. */
export interface MaxCoverInstance {
  numSites: number;
  /** Value a site earns on its own (groups only it covers). */
  siteValue: Float64Array;
  groupWeight: Float64Array;
  /** Group → sites (each group has at least two). */
  groupStarts: Int32Array;
  groupSites: Int32Array;
  /** Site → groups. */
  siteStarts: Int32Array;
  siteGroups: Int32Array;
}

export interface MaxCoverSolution {
  chosen: Uint8Array;
  value: number;
}

/** Objective of a chosen set, and the cover count of every group. */
export function maxCoverValue(
  inst: MaxCoverInstance,
  chosen: Uint8Array,
): { value: number; count: Int32Array } {
  const count = new Int32Array(inst.groupWeight.length);
  let value = 0;
  for (let j = 0; j < inst.numSites; j++) {
    if (!chosen[j]) continue;
    value += inst.siteValue[j]!;
    for (let k = inst.siteStarts[j]!; k < inst.siteStarts[j + 1]!; k++) count[inst.siteGroups[k]!]!++;
  }
  inst.groupWeight.forEach((w, g) => {
    if (count[g]! > 0) value += w;
  });
  return { value, count };
}

/** Value site j would add given current cover counts. */
function gainOf(inst: MaxCoverInstance, count: Int32Array, j: number): number {
  let gain = inst.siteValue[j]!;
  for (let k = inst.siteStarts[j]!; k < inst.siteStarts[j + 1]!; k++) {
    const g = inst.siteGroups[k]!;
    if (count[g] === 0) gain += inst.groupWeight[g]!;
  }
  return gain;
}

function addSite(inst: MaxCoverInstance, count: Int32Array, j: number, delta: 1 | -1) {
  for (let k = inst.siteStarts[j]!; k < inst.siteStarts[j + 1]!; k++) count[inst.siteGroups[k]!]! += delta;
}

/** Greedy: p times, the site with the largest added value (ties: lowest index). */
export function greedyMaxCover(inst: MaxCoverInstance, p: number): Uint8Array {
  const chosen = new Uint8Array(inst.numSites);
  const count = new Int32Array(inst.groupWeight.length);
  for (let t = 0; t < Math.min(p, inst.numSites); t++) {
    let best = -1;
    let bestGain = -1;
    for (let j = 0; j < inst.numSites; j++) {
      if (chosen[j]) continue;
      const gain = gainOf(inst, count, j);
      if (gain > bestGain) {
        bestGain = gain;
        best = j;
      }
    }
    chosen[best] = 1;
    addSite(inst, count, best, 1);
  }
  return chosen;
}

/**
 * Vertex substitution: for each open site, the best closed site to swap it for; a swap is made when it adds
 * value. Repeats until no swap helps (a 1-swap local optimum) or the deadline passes.
 */
export function swapImprove(inst: MaxCoverInstance, chosen: Uint8Array, deadline: number): MaxCoverSolution {
  const { count } = maxCoverValue(inst, chosen);
  let improved = true;
  while (improved && performance.now() < deadline) {
    improved = false;
    for (let out = 0; out < inst.numSites; out++) {
      if (!chosen[out]) continue;
      addSite(inst, count, out, -1);
      const loss = gainOf(inst, count, out);
      let best = -1;
      let bestGain = loss;
      for (let j = 0; j < inst.numSites; j++) {
        if (chosen[j] || j === out) continue;
        const gain = gainOf(inst, count, j);
        if (gain > bestGain + 1e-9 * (1 + Math.abs(bestGain))) {
          bestGain = gain;
          best = j;
        }
      }
      if (best >= 0) {
        chosen[out] = 0;
        chosen[best] = 1;
        addSite(inst, count, best, 1);
        improved = true;
      } else {
        addSite(inst, count, out, 1);
      }
    }
  }
  return { chosen, value: maxCoverValue(inst, chosen).value };
}

/**
 * Lagrangian upper bound: relaxing z_g ≤ Σ_{j∈N_g} x_j with μ_g ≥ 0 gives
 *   L(μ) = Σ_g max(0, W_g − μ_g) + (sum of the p largest c_j + Σ_{g∋j} μ_g),
 * an upper bound for every μ ≥ 0, minimised by subgradient steps (Polyak step towards the incumbent value).
 * The p best sites of each relaxation are also tried as solutions.
 */
export function lagrangianMaxCover(
  inst: MaxCoverInstance,
  p: number,
  incumbent: MaxCoverSolution,
  options: { deadline: number; maxIterations: number; integral: boolean },
): { bound: number; incumbent: MaxCoverSolution; iterations: number } {
  const G = inst.groupWeight.length;
  const K = inst.numSites;
  const mu = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    mu[g] = inst.groupWeight[g]! / (inst.groupStarts[g + 1]! - inst.groupStarts[g]!);
  }
  const v = new Float64Array(K);
  const order = Array.from({ length: K }, (_, j) => j);
  const x = new Uint8Array(K);
  const subgradient = new Float64Array(G);
  let best = incumbent;
  let bound = Number.POSITIVE_INFINITY;
  let step = 2;
  let sinceImproved = 0;
  let iterations = 0;
  const closed = () => {
    const ub = options.integral ? Math.floor(bound + 1e-7) : bound;
    return ub - best.value <= Math.max(1e-6, 1e-9 * Math.abs(best.value));
  };
  while (iterations < options.maxIterations && performance.now() < options.deadline && !closed()) {
    iterations++;
    for (let j = 0; j < K; j++) {
      let s = inst.siteValue[j]!;
      for (let k = inst.siteStarts[j]!; k < inst.siteStarts[j + 1]!; k++) s += mu[inst.siteGroups[k]!]!;
      v[j] = s;
    }
    order.sort((a, b) => v[b]! - v[a]! || a - b);
    x.fill(0);
    let value = 0;
    for (let t = 0; t < p; t++) {
      x[order[t]!] = 1;
      value += v[order[t]!]!;
    }
    let norm = 0;
    for (let g = 0; g < G; g++) {
      const w = inst.groupWeight[g]!;
      const z = w > mu[g]! ? 1 : 0;
      if (z) value += w - mu[g]!;
      let covered = 0;
      for (let k = inst.groupStarts[g]!; k < inst.groupStarts[g + 1]!; k++)
        covered += x[inst.groupSites[k]!]!;
      subgradient[g] = covered - z;
      norm += subgradient[g]! * subgradient[g]!;
    }
    if (value < bound) {
      bound = value;
      sinceImproved = 0;
    } else if (++sinceImproved >= 20) {
      step /= 2;
      sinceImproved = 0;
      if (step < 1e-6) break;
    }
    if (iterations % 5 === 1) {
      const candidate = maxCoverValue(inst, x).value;
      if (candidate > best.value) best = { chosen: x.slice(), value: candidate };
    }
    if (norm === 0) break; // the relaxation's solution is feasible and complementary: L(μ) is the optimum
    const t = (step * Math.max(value - best.value, 1e-9 * (1 + Math.abs(value)))) / norm;
    for (let g = 0; g < G; g++) mu[g] = Math.max(0, mu[g]! - t * subgradient[g]!);
  }
  return { bound: options.integral ? Math.floor(bound + 1e-7) : bound, incumbent: best, iterations };
}

/** Builds the reduced instance from demand groups and per-site own values over `keep` (global site ids). */
function buildInstance(
  lists: Int32Array[],
  weights: number[],
  siteValueGlobal: Float64Array,
  keep: number[],
) {
  const local = new Int32Array(siteValueGlobal.length).fill(-1);
  keep.forEach((j, k) => {
    local[j] = k;
  });
  const groupStarts = [0];
  const groupSites: number[] = [];
  const groupWeight: number[] = [];
  lists.forEach((list, g) => {
    for (const j of list) groupSites.push(local[j]!);
    groupStarts.push(groupSites.length);
    groupWeight.push(weights[g]!);
  });
  const byGroup = { starts: Int32Array.from(groupStarts), indices: Int32Array.from(groupSites) };
  const bySite = transpose(byGroup, keep.length);
  const inst: MaxCoverInstance = {
    numSites: keep.length,
    siteValue: Float64Array.from(keep, (j) => siteValueGlobal[j]!),
    groupWeight: Float64Array.from(groupWeight),
    groupStarts: byGroup.starts,
    groupSites: byGroup.indices,
    siteStarts: bySite.starts,
    siteGroups: bySite.indices,
  };
  return inst;
}

export async function solveMclp(problem: LocationProblem): Promise<LocationResult> {
  const started = performance.now();
  const deadline = started + (problem.timeLimit ?? 60) * 1000;
  const { demand, sites } = problem;
  const radius = problem.radius!;
  const p = problem.p!;
  const nd = demand.ids.length;
  const ns = sites.ids.length;
  const cover = problem.cover ?? coverage(problem.metric, demand, sites, radius);
  const fixed = fixedSiteIndices(sites);
  const isFixed = new Uint8Array(ns);
  for (const j of fixed) isFixed[j] = 1;
  const pFree = p - fixed.length;
  const notes: string[] = [];

  // 1. Set aside what fixed sites cover and what nothing can cover.
  let totalWeight = 0;
  let fixedCovered = 0;
  const uncoverable: string[] = [];
  let lists: Int32Array[] = [];
  let weights: number[] = [];
  for (let i = 0; i < nd; i++) {
    const w = demand.weight[i]!;
    totalWeight += w;
    const row = cover.indices.subarray(cover.starts[i]!, cover.starts[i + 1]!);
    if (row.length === 0) {
      uncoverable.push(demand.ids[i]!);
      continue;
    }
    if (row.some((j) => isFixed[j] === 1)) {
      fixedCovered += w;
      continue;
    }
    if (w === 0) continue;
    lists.push(row);
    weights.push(w);
  }
  if (uncoverable.length > 0) {
    notes.push(
      `${uncoverable.length} 个需求点在半径内没有候选点 / ${uncoverable.length} demand points have no site within R`,
    );
  }

  // 2. Merge identical cover sets and drop dominated sites until stable.
  const candidates = new Uint8Array(ns);
  for (let j = 0; j < ns; j++) candidates[j] = isFixed[j] ? 0 : 1;
  let groups = groupByCoverSet(lists, weights);
  for (;;) {
    const dominated = dominatedSites(groups.sites, ns, candidates);
    if (!dominated.some((d) => d === 1)) break;
    for (let j = 0; j < ns; j++) if (dominated[j]) candidates[j] = 0;
    lists = withoutSites(groups.sites, dominated);
    weights = groups.weight;
    groups = groupByCoverSet(lists, weights);
  }
  // 3. A group only one site covers is that site's own value.
  const siteValue = new Float64Array(ns);
  const shared: Int32Array[] = [];
  const sharedWeight: number[] = [];
  groups.sites.forEach((list, g) => {
    if (list.length === 1) siteValue[list[0]!]! += groups.weight[g]!;
    else {
      shared.push(list);
      sharedWeight.push(groups.weight[g]!);
    }
  });
  const keep: number[] = [];
  for (let j = 0; j < ns; j++) if (candidates[j]) keep.push(j);
  const inst = buildInstance(shared, sharedWeight, siteValue, keep);
  const integral =
    Array.from(inst.groupWeight).every(Number.isInteger) &&
    Array.from(inst.siteValue).every(Number.isInteger);

  // 4. Solve the reduced problem.
  let chosenLocal: Uint8Array;
  let reducedValue: number;
  let reducedBound: number;
  let proof: LocationResult['proof'] = null;
  let stoppedBy: LocationResult['stoppedBy'];
  const methods: string[] = [];
  if (inst.numSites <= pFree) {
    chosenLocal = new Uint8Array(inst.numSites).fill(1);
    reducedValue = maxCoverValue(inst, chosenLocal).value;
    reducedBound = reducedValue;
    proof = 'bound';
    methods.push('every useful site fits within p');
  } else {
    let incumbent = swapImprove(inst, greedyMaxCover(inst, pFree), deadline);
    methods.push('greedy + swap');
    const lagrangian = lagrangianMaxCover(inst, pFree, incumbent, {
      deadline: started + (deadline - started) * 0.4,
      maxIterations: 3000,
      integral,
    });
    methods.push(`Lagrangian bound (${lagrangian.iterations} iterations)`);
    if (lagrangian.incumbent.value > incumbent.value) {
      incumbent = swapImprove(inst, lagrangian.incumbent.chosen, deadline);
    }
    reducedBound = lagrangian.bound;
    chosenLocal = incumbent.chosen;
    reducedValue = incumbent.value;
    const closed = () => reducedBound - reducedValue <= Math.max(1e-6, 1e-9 * Math.abs(reducedValue));
    if (closed()) {
      proof = 'bound';
    } else if (secondsLeft(deadline) > 0.05) {
      const mip = await solveReducedMip(inst, pFree, chosenLocal, secondsLeft(deadline));
      methods.push('HiGHS MIP');
      if (mip.x) {
        const fromMip = new Uint8Array(inst.numSites);
        for (let j = 0; j < inst.numSites; j++) fromMip[j] = mip.x[j]! > 0.5 ? 1 : 0;
        const value = maxCoverValue(inst, fromMip).value;
        if (value > reducedValue) {
          chosenLocal = fromMip;
          reducedValue = value;
        }
      }
      if (mip.bound !== null)
        reducedBound = Math.min(reducedBound, integral ? Math.floor(mip.bound + 1e-7) : mip.bound);
      if (mip.optimal) proof = 'highs';
      else if (closed()) proof = 'bound';
      else stoppedBy = 'time-limit';
    } else {
      stoppedBy = 'time-limit';
    }
  }

  // 5. Back to site ids: fixed sites, the chosen ones, then padding up to p by the weight each site reaches.
  const open = new Uint8Array(ns);
  for (const j of fixed) open[j] = 1;
  keep.forEach((j, k) => {
    if (chosenLocal[k]) open[j] = 1;
  });
  padToP(open, p, cover, demand.weight, ns);
  const coveredWeight = coveredWeightOf(open, cover, demand.weight);
  const objective = coveredWeight;
  const bound = Math.max(objective, fixedCovered + reducedBound);
  const optimal = proof !== null;
  return {
    model: 'mclp',
    status: optimal ? 'optimal' : 'feasible',
    optimal,
    proof,
    sites: sites.ids.filter((_, j) => open[j]),
    fixedSites: fixed.map((j) => sites.ids[j]!),
    objective,
    bound: optimal ? objective : bound,
    gap: optimal ? 0 : relativeGap(objective, bound),
    ...(stoppedBy ? { stoppedBy } : {}),
    method: methods.join(', '),
    seconds: (performance.now() - started) / 1000,
    totalWeight,
    coveredWeight,
    coveredShare: totalWeight > 0 ? coveredWeight / totalWeight : 0,
    uncoverableDemand: uncoverable,
    reduced: { demandGroups: groups.sites.length, candidateSites: inst.numSites },
    notes,
  };
}

/** Opens more sites until p are open, preferring those that reach the most demand weight. */
function padToP(
  open: Uint8Array,
  p: number,
  cover: { starts: Int32Array; indices: Int32Array },
  weight: Float64Array,
  ns: number,
) {
  let count = open.reduce((a, v) => a + v, 0);
  if (count >= p) return;
  const reach = new Float64Array(ns);
  for (let i = 0; i < weight.length; i++) {
    for (let k = cover.starts[i]!; k < cover.starts[i + 1]!; k++) reach[cover.indices[k]!]! += weight[i]!;
  }
  const order = Array.from({ length: ns }, (_, j) => j).sort((a, b) => reach[b]! - reach[a]! || a - b);
  for (const j of order) {
    if (count >= p) break;
    if (!open[j]) {
      open[j] = 1;
      count++;
    }
  }
}

export function coveredWeightOf(
  open: Uint8Array,
  cover: { starts: Int32Array; indices: Int32Array },
  weight: Float64Array,
): number {
  let total = 0;
  for (let i = 0; i < weight.length; i++) {
    for (let k = cover.starts[i]!; k < cover.starts[i + 1]!; k++) {
      if (open[cover.indices[k]!]) {
        total += weight[i]!;
        break;
      }
    }
  }
  return total;
}

/** max Σ c_j x_j + Σ W_g z_g  s.t.  z_g ≤ Σ_{j∈N_g} x_j,  Σ x_j ≤ p,  x binary, 0 ≤ z ≤ 1. */
function solveReducedMip(inst: MaxCoverInstance, p: number, start: Uint8Array, timeLimit: number) {
  const b = new LinearProgramBuilder();
  for (let j = 0; j < inst.numSites; j++) b.addColumn(inst.siteValue[j]!, 0, 1, true);
  const G = inst.groupWeight.length;
  for (let g = 0; g < G; g++) b.addColumn(inst.groupWeight[g]!, 0, 1);
  const { count } = maxCoverValue(inst, start);
  const startX = new Float64Array(inst.numSites + G);
  for (let j = 0; j < inst.numSites; j++) startX[j] = start[j]!;
  for (let g = 0; g < G; g++) {
    const sitesOfG = inst.groupSites.subarray(inst.groupStarts[g]!, inst.groupStarts[g + 1]!);
    b.addRow(
      Number.NEGATIVE_INFINITY,
      0,
      [inst.numSites + g, ...sitesOfG],
      [1, ...new Array(sitesOfG.length).fill(-1)],
    );
    startX[inst.numSites + g] = count[g]! > 0 ? 1 : 0;
  }
  b.addRow(
    Number.NEGATIVE_INFINITY,
    p,
    Array.from({ length: inst.numSites }, (_, j) => j),
    1,
  );
  return solveLinearProgram(b.build('max'), { timeLimit, start: startX });
}
