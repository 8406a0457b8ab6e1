// p-median (Hakimi 1964; ReVelle & Swain 1970): open p sites to minimise the total weighted distance from each
// demand point to its nearest open site. With capacities it becomes the capacitated p-median with single
// sourcing: every demand point goes to one open site, and the weight a site serves may not exceed its capacity.
//
// Uncapacitated:
//   1. greedy (add the site that saves most) + fast vertex substitution (Teitz & Bart 1968, with Whitaker's
//      1983 nearest/second-nearest bookkeeping, O(n·m) per sweep);
//   2. a Lagrangian lower bound (relaxing "each point assigned once"; subgradient ascent). It may prove the
//      heuristic optimal outright; otherwise every site whose bound when forced open is at least the heuristic's
//      cost is ruled out (Lagrangian reduced-cost fixing), since no better solution can use it;
//   3. exact: the MIP of Elloumi (2010) over the remaining sites, which has the same LP bound as the classic
//      formulation but, written as a chain over each point's distinct distances, needs O(n·m) non-zeros instead
//      of n·m rows y ≤ x; HiGHS solves it from the heuristic's solution for the time left. Instances too large
//      for it keep the Lagrangian bound, so the reported gap is real either way.
// Capacitated: a regret-greedy assignment of the heuristic's sites as a start, the single-source MIP solved by
// HiGHS; its bound, or the uncapacitated Lagrangian bound (capacities only raise the cost), gives the gap.
import { LinearProgramBuilder, relativeGap, solveLinearProgram } from '../lp/highs.ts';
import { distanceMatrix } from './geometry.ts';
import {
  fixedSiteIndices,
  LocationInputError,
  type LocationProblem,
  type LocationResult,
  type SiteLoad,
  secondsLeft,
} from './problem.ts';

/** Largest distance matrix built in memory (8 bytes each: 200 MB). */
const MAX_PAIRS = 25_000_000;
/** Largest chain MIP (z columns) handed to HiGHS for the uncapacitated model. */
const MAX_CHAIN_COLUMNS = 300_000;
/** Largest demand × site assignment MIP for the capacitated model. */
const MAX_ASSIGNMENT_PAIRS = 200_000;
/** Least time left for which building an exact model and handing it to HiGHS is still worth starting. */
const MIN_MIP_SECONDS = 0.05;

/**
 * Builds an exact model when there is time for it and says whether handing it to HiGHS still fits before the
 * deadline. The handover is synchronous and outside HiGHS's clock; measured on the capacitated model (400k–800k
 * non-zeros, loaded machine) it took one to two times as long as building the model, so a model is handed over
 * only with twice its building time (and a little for HiGHS) left.
 */
function buildInTime<T extends object>(
  build: () => T | string | null,
  deadline: number,
): { model: T | null; fits: boolean } {
  if (secondsLeft(deadline) <= MIN_MIP_SECONDS) return { model: null, fits: false };
  const started = performance.now();
  const built = build();
  const model = typeof built === 'object' ? built : null;
  const buildSeconds = (performance.now() - started) / 1000;
  return { model, fits: model !== null && secondsLeft(deadline) > 2 * buildSeconds + MIN_MIP_SECONDS };
}

/** A p-median instance over aggregated demand: row-major distances, weights, fixed sites. */
export interface MedianInstance {
  numDemand: number;
  numSites: number;
  distance: Float64Array;
  weight: Float64Array;
  fixed: number[];
  p: number;
}

/** Nearest and second-nearest open site of every demand point. */
interface Nearest {
  near1: Int32Array;
  d1: Float64Array;
  near2: Int32Array;
  d2: Float64Array;
}

function nearestOf(inst: MedianInstance, open: number[]): Nearest {
  const { numDemand: n, numSites: m, distance } = inst;
  const near1 = new Int32Array(n).fill(-1);
  const near2 = new Int32Array(n).fill(-1);
  const d1 = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const d2 = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    const row = i * m;
    for (const j of open) {
      const d = distance[row + j]!;
      if (d < d1[i]! || (d === d1[i]! && j < near1[i]!)) {
        near2[i] = near1[i]!;
        d2[i] = d1[i]!;
        near1[i] = j;
        d1[i] = d;
      } else if (d < d2[i]!) {
        near2[i] = j;
        d2[i] = d;
      }
    }
  }
  return { near1, d1, near2, d2 };
}

export function medianCost(inst: MedianInstance, open: number[]): number {
  const { d1 } = nearestOf(inst, open);
  let cost = 0;
  for (let i = 0; i < inst.numDemand; i++) cost += inst.weight[i]! * d1[i]!;
  return cost;
}

/**
 * Greedy: starting from the fixed sites, repeatedly open the site that lowers the total cost most. Past the
 * deadline, the sites still missing are the next best of the last round, without recomputing the savings.
 */
export function greedyMedian(inst: MedianInstance, deadline = Number.POSITIVE_INFINITY): number[] {
  const { numDemand: n, numSites: m, distance, weight } = inst;
  const open = [...inst.fixed];
  const isOpen = new Uint8Array(m);
  for (const j of open) isOpen[j] = 1;
  const best = nearestOf(inst, open).d1;
  const roundCost = new Float64Array(m);
  while (open.length < inst.p) {
    if (open.length > inst.fixed.length && performance.now() >= deadline) {
      const rest = Array.from({ length: m }, (_, j) => j)
        .filter((j) => !isOpen[j])
        .sort((a, b) => roundCost[a]! - roundCost[b]! || a - b);
      return [...open, ...rest.slice(0, inst.p - open.length)];
    }
    let pick = -1;
    let pickCost = Number.POSITIVE_INFINITY;
    for (let j = 0; j < m; j++) {
      if (isOpen[j]) continue;
      let cost = 0;
      for (let i = 0; i < n; i++) {
        const d = distance[i * m + j]!;
        cost += weight[i]! * Math.min(d, best[i]!);
      }
      roundCost[j] = cost;
      if (cost < pickCost) {
        pickCost = cost;
        pick = j;
      }
    }
    open.push(pick);
    isOpen[pick] = 1;
    for (let i = 0; i < n; i++) best[i] = Math.min(best[i]!, distance[i * m + pick]!);
  }
  return open;
}

/**
 * Vertex substitution with Whitaker's fast interchange: for a closed site `in`, one pass over the demand
 * computes the saving of adding it and, for every open site, the extra cost of then closing that site; the
 * best pair is swapped when it lowers the cost. Sweeps until no swap helps or the deadline passes.
 */
export function interchangeMedian(inst: MedianInstance, start: number[], deadline: number): number[] {
  const { numDemand: n, numSites: m, distance, weight } = inst;
  const open = [...start];
  const isOpen = new Uint8Array(m);
  for (const j of open) isOpen[j] = 1;
  const isFixed = new Uint8Array(m);
  for (const j of inst.fixed) isFixed[j] = 1;
  const loss = new Float64Array(m);
  let near = nearestOf(inst, open);
  let improved = open.length > inst.fixed.length && open.length < m;
  while (improved && performance.now() < deadline) {
    improved = false;
    for (let candidate = 0; candidate < m; candidate++) {
      if (isOpen[candidate]) continue;
      let gain = 0;
      for (const j of open) loss[j] = 0;
      for (let i = 0; i < n; i++) {
        const d = distance[i * m + candidate]!;
        const w = weight[i]!;
        if (d < near.d1[i]!) gain += w * (near.d1[i]! - d);
        else loss[near.near1[i]!]! += w * (Math.min(d, near.d2[i]!) - near.d1[i]!);
      }
      let out = -1;
      let outLoss = Number.POSITIVE_INFINITY;
      for (const j of open) {
        if (!isFixed[j] && loss[j]! < outLoss) {
          outLoss = loss[j]!;
          out = j;
        }
      }
      if (out >= 0 && gain - outLoss > 1e-9 * (1 + gain)) {
        open[open.indexOf(out)] = candidate;
        isOpen[out] = 0;
        isOpen[candidate] = 1;
        near = nearestOf(inst, open);
        improved = true;
      }
      if (performance.now() >= deadline) break;
    }
  }
  return open.sort((a, b) => a - b);
}

/**
 * Lagrangian lower bound: relaxing Σ_j y_ij = 1 with multipliers u_i gives
 *   L(u) = Σ_i u_i + Σ_{p chosen j} ρ_j,  ρ_j = Σ_i min(0, w_i d_ij − u_i),
 * where fixed sites are always chosen and the rest are the most negative ρ. Subgradient ascent, Polyak step.
 */
export function lagrangianMedian(
  inst: MedianInstance,
  upper: number,
  start: number[],
  options: { deadline: number; maxIterations: number },
): { bound: number; iterations: number; openBound: Float64Array } {
  const { numDemand: n, numSites: m, distance, weight } = inst;
  const u = new Float64Array(n);
  const startNear = nearestOf(inst, start);
  for (let i = 0; i < n; i++) u[i] = weight[i]! * startNear.d1[i]!;
  const rho = new Float64Array(m);
  const isFixed = new Uint8Array(m);
  for (const j of inst.fixed) isFixed[j] = 1;
  const free = Array.from({ length: m }, (_, j) => j).filter((j) => !isFixed[j]);
  const chosen = new Uint8Array(m);
  const g = new Float64Array(n);
  const openBound = new Float64Array(m);
  let bound = Number.NEGATIVE_INFINITY;
  let step = 2;
  let since = 0;
  let iterations = 0;
  // The first iteration always runs, so even a spent time budget yields a valid (if weak) bound.
  while (iterations === 0 || (iterations < options.maxIterations && performance.now() < options.deadline)) {
    iterations++;
    rho.fill(0);
    for (let i = 0; i < n; i++) {
      const ui = u[i]!;
      const w = weight[i]!;
      const row = i * m;
      for (let j = 0; j < m; j++) {
        const c = w * distance[row + j]! - ui;
        if (c < 0) rho[j]! += c;
      }
    }
    free.sort((a, b) => rho[a]! - rho[b]! || a - b);
    chosen.fill(0);
    let value = 0;
    for (let i = 0; i < n; i++) value += u[i]!;
    for (const j of inst.fixed) {
      chosen[j] = 1;
      value += rho[j]!;
    }
    for (let t = 0; t < inst.p - inst.fixed.length; t++) {
      chosen[free[t]!] = 1;
      value += rho[free[t]!]!;
    }
    if (value > bound) {
      bound = value;
      since = 0;
      // Bound on any solution that opens j: swap j for the least useful free site of this relaxation.
      const last = inst.p > inst.fixed.length ? rho[free[inst.p - inst.fixed.length - 1]!]! : 0;
      for (let j = 0; j < m; j++) openBound[j] = chosen[j] ? value : value - last + rho[j]!;
    } else if (++since >= 20) {
      step /= 2;
      since = 0;
      if (step < 1e-6) break;
    }
    if (upper - bound <= Math.max(1e-6, 1e-9 * Math.abs(upper))) break;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      const ui = u[i]!;
      const w = weight[i]!;
      const row = i * m;
      let assigned = 0;
      for (let j = 0; j < m; j++) if (chosen[j] && w * distance[row + j]! - ui < 0) assigned++;
      g[i] = 1 - assigned;
      norm += g[i]! * g[i]!;
    }
    if (norm === 0) break; // the relaxed solution is a feasible assignment: L(u) is optimal
    const t = (step * Math.max(upper - value, 1e-9 * (1 + Math.abs(upper)))) / norm;
    for (let i = 0; i < n; i++) u[i]! += t * g[i]!;
  }
  return { bound, iterations, openBound };
}

/**
 * Elloumi's chain MIP for the uncapacitated p-median over the `allowed` sites (others stay closed);
 * 'size-limit' when it would exceed MAX_CHAIN_COLUMNS, 'time-limit' when the deadline passes while building it.
 */
function chainModel(inst: MedianInstance, allowed: Uint8Array, deadline: number) {
  const { numDemand: n, numSites: m, distance, weight, p } = inst;
  const isFixed = new Uint8Array(m);
  for (const j of inst.fixed) isFixed[j] = 1;
  const b = new LinearProgramBuilder();
  for (let j = 0; j < m; j++) b.addColumn(0, isFixed[j] ? 1 : 0, allowed[j] ? 1 : 0, true);
  let offset = 0;
  const order = Array.from({ length: m }, (_, j) => j).filter((j) => allowed[j]);
  const k = order.length;
  const levels: { demand: number; distance: number; column: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (performance.now() >= deadline) return 'time-limit' as const;
    const row = i * m;
    order.sort((a, b2) => distance[row + a]! - distance[row + b2]!);
    const w = weight[i]!;
    offset += w * distance[row + order[0]!]!;
    let next = 0;
    let previousZ = -1; // z_0 ≡ 1
    while (next < k) {
      const level = distance[row + order[next]!]!;
      const atLevel: number[] = [];
      let hasFixed = false;
      while (next < k && distance[row + order[next]!]! === level) {
        atLevel.push(order[next]!);
        if (isFixed[order[next]!]) hasFixed = true;
        next++;
      }
      // z at this level is 0 when a fixed site is here, when fewer than p sites lie farther, or at the end.
      const terminal = hasFixed || k - next < p || next === k;
      const indices = [...atLevel];
      const values = atLevel.map(() => 1);
      if (previousZ >= 0) {
        indices.push(previousZ);
        values.push(-1);
      }
      let z = -1;
      if (!terminal) {
        z = b.addColumn(w * (distance[row + order[next]!]! - level), 0, 1);
        levels.push({ demand: i, distance: level, column: z });
        indices.push(z);
        values.push(1);
      }
      b.addRow(previousZ >= 0 ? 0 : 1, Number.POSITIVE_INFINITY, indices, values);
      if (terminal) break;
      previousZ = z;
      if (b.numCols - m > MAX_CHAIN_COLUMNS) return 'size-limit' as const;
    }
  }
  b.addRow(
    p,
    p,
    Array.from({ length: m }, (_, j) => j),
    1,
  );
  return { lp: b.build('min'), offset, levels };
}

/**
 * Regret-greedy single-source assignment of demand to open sites within capacity; null when it gets stuck. Each
 * pick scans every remaining point, so past the deadline the rest go in input order, each to its nearest open site
 * with room left.
 */
function capacitatedAssignment(
  inst: MedianInstance,
  open: number[],
  capacity: Float64Array,
  deadline: number,
): Int32Array | null {
  const { numDemand: n, numSites: m, distance, weight } = inst;
  const left = new Float64Array(m);
  for (const j of open) left[j] = Number.isNaN(capacity[j]!) ? Number.POSITIVE_INFINITY : capacity[j]!;
  const assignment = new Int32Array(n).fill(-1);
  const remaining = new Set(Array.from({ length: n }, (_, i) => i));
  while (remaining.size > 0) {
    if (performance.now() >= deadline) return assignInOrder(inst, open, left, assignment, remaining);
    let pick = -1;
    let pickSite = -1;
    let pickRegret = Number.NEGATIVE_INFINITY;
    for (const i of remaining) {
      let best = -1;
      let bestD = Number.POSITIVE_INFINITY;
      let secondD = Number.POSITIVE_INFINITY;
      for (const j of open) {
        if (left[j]! < weight[i]!) continue;
        const d = distance[i * m + j]!;
        if (d < bestD) {
          secondD = bestD;
          bestD = d;
          best = j;
        } else if (d < secondD) secondD = d;
      }
      if (best < 0) return null;
      const regret = (secondD - bestD) * weight[i]!;
      if (regret > pickRegret) {
        pickRegret = regret;
        pick = i;
        pickSite = best;
      }
    }
    assignment[pick] = pickSite;
    left[pickSite]! -= weight[pick]!;
    remaining.delete(pick);
  }
  return assignment;
}

/** The rest of an assignment without regret ordering: each point to its nearest open site with room left. */
function assignInOrder(
  inst: MedianInstance,
  open: number[],
  left: Float64Array,
  assignment: Int32Array,
  remaining: Set<number>,
): Int32Array | null {
  const { numSites: m, distance, weight } = inst;
  for (const i of remaining) {
    let best = -1;
    for (const j of open)
      if (left[j]! >= weight[i]! && (best < 0 || distance[i * m + j]! < distance[i * m + best]!)) best = j;
    if (best < 0) return null;
    assignment[i] = best;
    left[best]! -= weight[i]!;
  }
  return assignment;
}

function assignmentCost(inst: MedianInstance, assignment: Int32Array): number {
  let cost = 0;
  for (let i = 0; i < inst.numDemand; i++)
    cost += inst.weight[i]! * inst.distance[i * inst.numSites + assignment[i]!]!;
  return cost;
}

/** Single-source capacitated assignment MIP: min Σ w_i d_ij y_ij; null when the deadline passes while building it. */
function capacitatedModel(inst: MedianInstance, capacity: Float64Array, deadline: number) {
  const { numDemand: n, numSites: m, distance, weight, p } = inst;
  const isFixed = new Uint8Array(m);
  for (const j of inst.fixed) isFixed[j] = 1;
  const b = new LinearProgramBuilder();
  for (let j = 0; j < m; j++) b.addColumn(0, isFixed[j] ? 1 : 0, 1, true);
  const yColumn = new Int32Array(n * m).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const fits = Number.isNaN(capacity[j]!) || weight[i]! <= capacity[j]!;
      if (fits) yColumn[i * m + j] = b.addColumn(weight[i]! * distance[i * m + j]!, 0, 1, true);
    }
  }
  for (let i = 0; i < n; i++) {
    if (performance.now() >= deadline) return null;
    const cols: number[] = [];
    for (let j = 0; j < m; j++) if (yColumn[i * m + j]! >= 0) cols.push(yColumn[i * m + j]!);
    b.addRow(1, 1, cols, 1);
    for (let j = 0; j < m; j++) {
      const y = yColumn[i * m + j]!;
      if (y >= 0) b.addRow(Number.NEGATIVE_INFINITY, 0, [y, j], [1, -1]);
    }
  }
  for (let j = 0; j < m; j++) {
    if (Number.isNaN(capacity[j]!)) continue;
    const cols = [j];
    const vals = [-capacity[j]!];
    for (let i = 0; i < n; i++) {
      const y = yColumn[i * m + j]!;
      if (y >= 0) {
        cols.push(y);
        vals.push(weight[i]!);
      }
    }
    b.addRow(Number.NEGATIVE_INFINITY, 0, cols, vals);
  }
  b.addRow(
    p,
    p,
    Array.from({ length: m }, (_, j) => j),
    1,
  );
  return { lp: b.build('min'), yColumn };
}

/**
 * The rows of a given demand × site distance matrix for the demand groups: a group's members share a position,
 * so its first member's row stands for it. Every distance must be a finite non-negative number.
 */
function groupRows(given: Float64Array, groupOf: Int32Array, n: number, m: number): Float64Array {
  const nd = groupOf.length;
  if (given.length !== nd * m) {
    throw new LocationInputError([
      {
        set: 'options',
        message: `distance matrix has ${given.length} entries, expected ${nd} demand points × ${m} sites`,
        messageZh: `距离矩阵有 ${given.length} 项，应为 ${nd} 个需求点 × ${m} 个站点`,
      },
    ]);
  }
  const out = new Float64Array(n * m);
  const filled = new Uint8Array(n);
  for (let i = 0; i < nd; i++) {
    const g = groupOf[i]!;
    if (filled[g]) continue;
    filled[g] = 1;
    for (let j = 0; j < m; j++) {
      const d = given[i * m + j]!;
      if (!Number.isFinite(d) || d < 0) {
        throw new LocationInputError([
          {
            set: 'demand',
            index: i,
            message: `distance to site ${j + 1} is ${d}, not a finite number ≥ 0`,
            messageZh: `到第 ${j + 1} 个站点的距离 ${d} 不是 ≥ 0 的有限数`,
          },
        ]);
      }
      out[g * m + j] = d;
    }
  }
  return out;
}

export async function solvePMedian(problem: LocationProblem): Promise<LocationResult> {
  const started = performance.now();
  const deadline = started + (problem.timeLimit ?? 60) * 1000;
  const { demand, sites } = problem;
  const m = sites.ids.length;
  const capacity = sites.capacity;
  const capacitated = capacity?.some((c) => !Number.isNaN(c)) === true;
  const fixed = fixedSiteIndices(sites);
  const p = problem.p!;
  const notes: string[] = [];
  const methods: string[] = [];

  // Uncapacitated: points at the same position are one point. Capacitated: each point is sourced on its own.
  const groupOf = new Int32Array(demand.ids.length);
  const gx: number[] = [];
  const gy: number[] = [];
  const gw: number[] = [];
  const byPosition = new Map<string, number>();
  for (let i = 0; i < demand.ids.length; i++) {
    const key = capacitated ? String(i) : `${demand.x[i]},${demand.y[i]}`;
    let g = byPosition.get(key);
    if (g === undefined) {
      g = gx.length;
      byPosition.set(key, g);
      gx.push(demand.x[i]!);
      gy.push(demand.y[i]!);
      gw.push(0);
    }
    gw[g]! += demand.weight[i]!;
    groupOf[i] = g;
  }
  const n = gx.length;
  if (n * m > MAX_PAIRS) {
    throw new LocationInputError([
      {
        set: 'options',
        message: `${n} demand positions × ${m} sites is over the ${MAX_PAIRS} distances the p-median keeps in memory; aggregate the demand first`,
        messageZh: `${n} 个需求位置 × ${m} 个站点超过 p-中位模型可在内存中保存的 ${MAX_PAIRS} 个距离，请先聚合需求`,
      },
    ]);
  }
  const inst: MedianInstance = {
    numDemand: n,
    numSites: m,
    distance: problem.distance
      ? groupRows(problem.distance, groupOf, n, m)
      : distanceMatrix(problem.metric, { x: Float64Array.from(gx), y: Float64Array.from(gy) }, sites),
    weight: Float64Array.from(gw),
    fixed,
    p,
  };
  const totalWeight = gw.reduce((a, w) => a + w, 0);

  let open = interchangeMedian(inst, greedyMedian(inst, deadline), deadline);
  methods.push('greedy + fast interchange');
  let objective: number | null;
  let bound: number;
  let proof: LocationResult['proof'] = null;
  let stoppedBy: LocationResult['stoppedBy'];
  let assignment: Int32Array | null = null;

  if (!capacitated) {
    objective = medianCost(inst, open);
    const incumbentCost = objective;
    // The Lagrangian bound may already prove the heuristic optimal; it also rules out every site whose bound
    // when forced open is at least the incumbent's cost, which shrinks the exact model.
    const lagrangian = lagrangianMedian(inst, objective, open, {
      deadline: started + (deadline - started) * 0.3,
      maxIterations: 2000,
    });
    methods.push(`Lagrangian bound (${lagrangian.iterations} iterations)`);
    bound = lagrangian.bound;
    if (objective - bound <= Math.max(1e-6, 1e-9 * Math.abs(objective))) {
      proof = 'bound';
    } else {
      const allowed = new Uint8Array(m);
      for (let j = 0; j < m; j++) allowed[j] = lagrangian.openBound[j]! < incumbentCost - 1e-6 ? 1 : 0;
      for (const j of [...open, ...fixed]) allowed[j] = 1;
      const kept = allowed.reduce((a, v) => a + v, 0);
      if (kept < m) methods.push(`${m - kept} sites ruled out by Lagrangian costs`);
      let sizeLimit = false;
      const { model: chain, fits } = buildInTime(() => {
        const built = chainModel(inst, allowed, deadline);
        sizeLimit = built === 'size-limit';
        return built;
      }, deadline);
      if (chain && fits) {
        methods.push('HiGHS MIP (Elloumi chain formulation)');
        const near = nearestOf(inst, open);
        const start = new Float64Array(chain.lp.colCost.length);
        for (const j of open) start[j] = 1;
        for (const level of chain.levels)
          start[level.column] = near.d1[level.demand]! > level.distance ? 1 : 0;
        const mip = await solveLinearProgram(chain.lp, { deadline, start });
        if (mip.x) {
          const candidate: number[] = [];
          for (let j = 0; j < m; j++) if (mip.x[j]! > 0.5) candidate.push(j);
          const cost = medianCost(inst, candidate);
          if (candidate.length === p && cost < objective) {
            open = candidate;
            objective = cost;
          }
        }
        // Solutions with a ruled-out site cost at least the incumbent, so the optimum is ≥ min(incumbent, MIP bound).
        if (mip.bound !== null) bound = Math.max(bound, Math.min(incumbentCost, mip.bound + chain.offset));
        if (mip.optimal) proof = 'highs';
        else if (objective - bound <= Math.max(1e-6, 1e-9 * Math.abs(objective))) proof = 'bound';
        else stoppedBy = 'time-limit';
      } else {
        stoppedBy = sizeLimit ? 'size-limit' : 'time-limit';
      }
    }
  } else {
    const cap = capacity!;
    const infeasible = capacityShortfall(inst, cap, demand.ids, groupOf);
    if (infeasible) {
      return {
        ...emptyResult('pmedian', started, totalWeight, methods, [infeasible]),
        fixedSites: fixed.map((j) => sites.ids[j]!),
      };
    }
    assignment = capacitatedAssignment(inst, open, cap, deadline);
    objective = assignment ? assignmentCost(inst, assignment) : null;
    if (!assignment)
      notes.push('启发式未找到满足容量的分配 / the heuristic found no assignment within capacities');
    // Capacities can only raise the cost, so the uncapacitated Lagrangian bound is valid here too.
    const uncapacitated = medianCost(inst, open);
    bound = lagrangianMedian(inst, uncapacitated, open, {
      deadline: started + (deadline - started) * 0.2,
      maxIterations: 300,
    }).bound;
    methods.push('uncapacitated Lagrangian bound');
    const { model, fits } =
      n * m <= MAX_ASSIGNMENT_PAIRS
        ? buildInTime(() => capacitatedModel(inst, cap, deadline), deadline)
        : { model: null, fits: false };
    if (model && fits) {
      methods.push('HiGHS MIP (single-source assignment)');
      let start: Float64Array | undefined;
      if (assignment) {
        start = new Float64Array(model.lp.colCost.length);
        for (const j of open) start[j] = 1;
        for (let i = 0; i < n; i++) start[model.yColumn[i * m + assignment[i]!]!] = 1;
      }
      const mip = await solveLinearProgram(model.lp, { deadline, start });
      if (mip.status === 'infeasible') {
        return {
          ...emptyResult('pmedian', started, totalWeight, methods, [
            '没有满足容量的方案 / no choice of p sites can serve all demand within the capacities (proven by HiGHS)',
          ]),
          fixedSites: fixed.map((j) => sites.ids[j]!),
        };
      }
      if (mip.x && (objective === null || mip.objective! < objective)) {
        open = [];
        for (let j = 0; j < m; j++) if (mip.x[j]! > 0.5) open.push(j);
        assignment = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < m; j++) {
            const y = model.yColumn[i * m + j]!;
            if (y >= 0 && mip.x[y]! > 0.5) assignment[i] = j;
          }
        }
        objective = assignmentCost(inst, assignment);
      }
      if (mip.bound !== null) bound = Math.max(bound, mip.bound);
      if (mip.optimal) proof = 'highs';
      else stoppedBy = 'time-limit';
    } else if (n * m > MAX_ASSIGNMENT_PAIRS) {
      stoppedBy = 'size-limit';
      notes.push(
        `容量模型过大，未精确求解 / the capacitated MIP (${n} × ${m} assignments) is too large to solve exactly here`,
      );
    } else {
      stoppedBy = 'time-limit';
      notes.push('时间用尽，未精确求解 / the time limit was reached before the exact model could be solved');
    }
    if (
      proof === null &&
      objective !== null &&
      objective - bound <= Math.max(1e-6, 1e-9 * Math.abs(objective))
    ) {
      proof = 'bound';
      stoppedBy = undefined;
    }
    if (objective === null) {
      return {
        ...emptyResult('pmedian', started, totalWeight, methods, notes),
        status: 'no-solution',
        bound,
        stoppedBy: stoppedBy ?? 'time-limit',
        fixedSites: fixed.map((j) => sites.ids[j]!),
      };
    }
  }

  // Loads per open site (nearest open site when uncapacitated).
  const near = nearestOf(inst, open);
  const finalAssignment = assignment ?? near.near1;
  const loads = new Map<number, { points: number; weight: number }>(
    open.map((j) => [j, { points: 0, weight: 0 }]),
  );
  for (let i = 0; i < demand.ids.length; i++) {
    const load = loads.get(finalAssignment[groupOf[i]!]!)!;
    load.points++;
    load.weight += demand.weight[i]!;
  }
  const openSorted = [...open].sort((a, b) => a - b);
  const siteLoads: SiteLoad[] = openSorted.map((j) => ({
    site: sites.ids[j]!,
    demandPoints: loads.get(j)!.points,
    weight: loads.get(j)!.weight,
    capacity: capacity && !Number.isNaN(capacity[j]!) ? capacity[j]! : null,
  }));
  const optimal = proof !== null;
  const finalBound = optimal ? objective : Math.min(bound, objective);
  return {
    model: 'pmedian',
    status: optimal ? 'optimal' : 'feasible',
    optimal,
    proof,
    sites: openSorted.map((j) => sites.ids[j]!),
    fixedSites: fixed.map((j) => sites.ids[j]!),
    objective,
    bound: finalBound,
    gap: relativeGap(objective, finalBound),
    ...(stoppedBy && !optimal ? { stoppedBy } : {}),
    method: methods.join(', '),
    seconds: (performance.now() - started) / 1000,
    totalWeight,
    averageDistance: totalWeight > 0 ? objective / totalWeight : 0,
    siteLoads,
    reduced: { demandGroups: n, candidateSites: m },
    notes,
  };
}

/** A reason no p sites can hold the demand (a point heavier than every capacity, or too little in total). */
function capacityShortfall(
  inst: MedianInstance,
  capacity: Float64Array,
  ids: string[],
  groupOf: Int32Array,
): string | null {
  const caps = Array.from(capacity, (c) => (Number.isNaN(c) ? Number.POSITIVE_INFINITY : c));
  const largest = Math.max(...caps);
  const tooHeavy: string[] = [];
  groupOf.forEach((g, i) => {
    if (inst.weight[g]! > largest) tooHeavy.push(ids[i]!);
  });
  if (tooHeavy.length > 0) {
    return `需求点权重超过任何站点容量 / demand heavier than any site's capacity: ${tooHeavy.slice(0, 20).join(', ')}`;
  }
  const isFixed = new Set(inst.fixed);
  const fixedCapacity = inst.fixed.reduce((a, j) => a + caps[j]!, 0);
  const others = caps.filter((_, j) => !isFixed.has(j)).sort((a, b) => b - a);
  const best = fixedCapacity + others.slice(0, inst.p - inst.fixed.length).reduce((a, c) => a + c, 0);
  const total = inst.weight.reduce((a, w) => a + w, 0);
  if (best < total) {
    return `p 个站点的最大总容量 ${best} 小于总需求 ${total} / the ${inst.p} largest capacities total ${best}, less than the demand ${total}`;
  }
  return null;
}

function emptyResult(
  model: LocationResult['model'],
  started: number,
  totalWeight: number,
  methods: string[],
  notes: string[],
): LocationResult {
  return {
    model,
    status: 'infeasible',
    optimal: false,
    proof: null,
    sites: [],
    fixedSites: [],
    objective: null,
    bound: null,
    gap: null,
    method: methods.join(', '),
    seconds: (performance.now() - started) / 1000,
    totalWeight,
    notes,
  };
}
