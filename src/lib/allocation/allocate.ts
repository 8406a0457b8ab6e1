// Allocation of a scarce resource by need with an equity floor, solved as an LP (or a MIP for whole units) with
// HiGHS:
//   max Σ w_i x_i   s.t.   Σ cost_i x_i ≤ B,   Σ_{i∈g} x_i ≥ s · need_g for every group g,   0 ≤ x_i ≤ u_i,
// where u_i = min(need_i, cap_i). Units of one group with the same weight and cost are interchangeable in every
// constraint, so they are merged into one column (exact: the merged column's bound is the sum of theirs) and the
// merged amount is shared back in proportion to each unit's bound — equal treatment of equal units.
//
// The plain LP has many optima when weights tie (which group gets the last hour is arbitrary), so a second LP
// keeps the optimum and maximises the smallest group share among the optimal allocations.
//
// When HiGHS reports the model infeasible, the constraint groups are relaxed to name the culprit: without the
// budget row the LP finds the least budget that meets every floor; if even that is infeasible, the caps of some
// group cannot reach its floor, and those groups are listed.
import { LinearProgramBuilder, relativeGap, type SolveResult, solveLinearProgram } from '../lp/highs.ts';
import {
  AllocationInfeasibleError,
  type AllocationProblem,
  type AllocationResult,
  type GroupOutcome,
  validateAllocationProblem,
} from './problem.ts';

/** Units merged by (group, weight, cost); members are unit indices. */
export interface MergedUnits {
  groups: string[];
  groupOf: Int32Array;
  groupNeed: Float64Array;
  groupUnits: Int32Array;
  /** Per unit: the most it can receive. */
  unitUpper: Float64Array;
  classGroup: Int32Array;
  classWeight: Float64Array;
  classCost: Float64Array;
  classUpper: Float64Array;
  classStarts: Int32Array;
  classMembers: Int32Array;
}

export function mergeUnits(problem: AllocationProblem): MergedUnits {
  const n = problem.ids.length;
  const groupIndex = new Map<string, number>();
  const groups: string[] = [];
  const groupOf = new Int32Array(n);
  const unitUpper = new Float64Array(n);
  const classOf = new Int32Array(n);
  const classIndex = new Map<string, number>();
  const cw: number[] = [];
  const cc: number[] = [];
  const cg: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = problem.group[i]!;
    let gi = groupIndex.get(g);
    if (gi === undefined) {
      gi = groups.length;
      groupIndex.set(g, gi);
      groups.push(g);
    }
    groupOf[i] = gi;
    const cap = problem.cap?.[i];
    let upper = cap === undefined || Number.isNaN(cap) ? problem.need[i]! : Math.min(problem.need[i]!, cap);
    if (problem.integer) upper = Math.floor(upper + 1e-9);
    unitUpper[i] = upper;
    const w = problem.weight?.[i] ?? 1;
    const c = problem.cost?.[i] ?? 1;
    const key = `${gi}|${w}|${c}`;
    let k = classIndex.get(key);
    if (k === undefined) {
      k = cw.length;
      classIndex.set(key, k);
      cw.push(w);
      cc.push(c);
      cg.push(gi);
    }
    classOf[i] = k;
  }
  const K = cw.length;
  const G = groups.length;
  const groupNeed = new Float64Array(G);
  const groupUnits = new Int32Array(G);
  const classUpper = new Float64Array(K);
  const counts = new Int32Array(K + 1);
  for (let i = 0; i < n; i++) {
    groupNeed[groupOf[i]!]! += problem.need[i]!;
    groupUnits[groupOf[i]!]!++;
    classUpper[classOf[i]!]! += unitUpper[i]!;
    counts[classOf[i]! + 1]!++;
  }
  for (let k = 0; k < K; k++) counts[k + 1]! += counts[k]!;
  const classStarts = counts.slice();
  const fill = counts.slice(0, K);
  const classMembers = new Int32Array(n);
  for (let i = 0; i < n; i++) classMembers[fill[classOf[i]!]!++] = i;
  return {
    groups,
    groupOf,
    groupNeed,
    groupUnits,
    unitUpper,
    classGroup: Int32Array.from(cg),
    classWeight: Float64Array.from(cw),
    classCost: Float64Array.from(cc),
    classUpper,
    classStarts,
    classMembers,
  };
}

interface ModelOptions {
  /** Floor on each group's share; null: no floor rows. */
  minShare: number | null;
  /** Budget; null: no budget row (the relaxation). */
  budget: number | null;
  objective: 'worth' | 'cost' | 'max-min-share';
  integer: boolean;
  /** Keep Σ w x ≥ this (the second stage). */
  worthAtLeast?: number;
}

/** Builds the LP over merged classes; with max-min-share, column K is the share t every group must reach. */
function buildModel(m: MergedUnits, o: ModelOptions) {
  const b = new LinearProgramBuilder();
  const K = m.classWeight.length;
  for (let k = 0; k < K; k++) {
    const cost = o.objective === 'worth' ? m.classWeight[k]! : o.objective === 'cost' ? m.classCost[k]! : 0;
    b.addColumn(cost, 0, m.classUpper[k]!, o.integer);
  }
  const t = o.objective === 'max-min-share' ? b.addColumn(1, 0, 1) : -1;
  const all = Array.from({ length: K }, (_, k) => k);
  if (o.budget !== null) b.addRow(Number.NEGATIVE_INFINITY, o.budget, all, m.classCost);
  if (o.worthAtLeast !== undefined) b.addRow(o.worthAtLeast, Number.POSITIVE_INFINITY, all, m.classWeight);
  const byGroup: number[][] = m.groups.map(() => []);
  for (let k = 0; k < K; k++) byGroup[m.classGroup[k]!]!.push(k);
  m.groups.forEach((_, g) => {
    const need = m.groupNeed[g]!;
    if (need <= 0) return;
    const cols = byGroup[g]!;
    if (o.minShare !== null && o.minShare > 0) b.addRow(o.minShare * need, Number.POSITIVE_INFINITY, cols, 1);
    if (t >= 0) b.addRow(0, Number.POSITIVE_INFINITY, [...cols, t], [...cols.map(() => 1), -need]);
  });
  const sense = o.objective === 'cost' ? 'min' : 'max';
  return { lp: b.build(sense), rows: b.numRows, columns: b.numCols };
}

/** Shares each merged amount among the class's units in proportion to their bounds (whole units if asked). */
export function spreadToUnits(
  m: MergedUnits,
  classAmount: ArrayLike<number>,
  integer: boolean,
): Float64Array {
  const x = new Float64Array(m.unitUpper.length);
  for (let k = 0; k < m.classWeight.length; k++) {
    const upper = m.classUpper[k]!;
    if (upper <= 0) continue;
    const amount = Math.min(upper, Math.max(0, classAmount[k]!));
    const f = amount / upper;
    const from = m.classStarts[k]!;
    const to = m.classStarts[k + 1]!;
    if (!integer) {
      for (let q = from; q < to; q++) x[m.classMembers[q]!] = f * m.unitUpper[m.classMembers[q]!]!;
      continue;
    }
    // Whole units: floor every share, then hand the remainder out by largest fractional part (then row order).
    let left = Math.round(amount);
    const rest: { i: number; frac: number }[] = [];
    for (let q = from; q < to; q++) {
      const i = m.classMembers[q]!;
      const share = f * m.unitUpper[i]!;
      const whole = Math.floor(share + 1e-9);
      x[i] = whole;
      left -= whole;
      if (whole < m.unitUpper[i]!) rest.push({ i, frac: share - whole });
    }
    rest.sort((a, b) => b.frac - a.frac || a.i - b.i);
    for (const r of rest) {
      if (left <= 0) break;
      x[r.i]! += 1;
      left--;
    }
  }
  return x;
}

/** Need-weighted Gini coefficient of shares: Σ_i Σ_j n_i n_j |s_i − s_j| / (2 N² μ). */
export function weightedGini(shares: ArrayLike<number>, weights: ArrayLike<number>): number {
  const items: { s: number; w: number }[] = [];
  for (let i = 0; i < shares.length; i++) if (weights[i]! > 0) items.push({ s: shares[i]!, w: weights[i]! });
  items.sort((a, b) => a.s - b.s);
  let total = 0;
  let mean = 0;
  for (const it of items) {
    total += it.w;
    mean += it.w * it.s;
  }
  if (total <= 0 || mean <= 0) return 0;
  mean /= total;
  // Sorted form: Σ_i Σ_j w_i w_j |s_i − s_j| = 2 Σ_i w_i s_i (W_<i − W_>i).
  let below = 0;
  let sum = 0;
  for (const it of items) {
    const above = total - below - it.w;
    sum += it.w * it.s * (below - above);
    below += it.w;
  }
  return Math.max(0, sum / (total * total * mean));
}

/** Group outcomes, Gini and totals of a unit allocation. */
export function summarise(m: MergedUnits, problem: AllocationProblem, x: Float64Array) {
  const G = m.groups.length;
  const allocated = new Float64Array(G);
  const spent = new Float64Array(G);
  let worth = 0;
  for (let i = 0; i < x.length; i++) {
    const g = m.groupOf[i]!;
    allocated[g]! += x[i]!;
    spent[g]! += x[i]! * (problem.cost?.[i] ?? 1);
    worth += x[i]! * (problem.weight?.[i] ?? 1);
  }
  const groups: GroupOutcome[] = m.groups.map((group, g) => ({
    group,
    units: m.groupUnits[g]!,
    need: m.groupNeed[g]!,
    allocated: allocated[g]!,
    share: m.groupNeed[g]! > 0 ? allocated[g]! / m.groupNeed[g]! : 1,
    budgetUsed: spent[g]!,
  }));
  const withNeed = groups.filter((g) => g.need > 0);
  const totalNeed = groups.reduce((a, g) => a + g.need, 0);
  const needMet = groups.reduce((a, g) => a + g.allocated, 0);
  return {
    worth,
    groups,
    totalNeed,
    needMet,
    needMetShare: totalNeed > 0 ? needMet / totalNeed : 1,
    budgetUsed: groups.reduce((a, g) => a + g.budgetUsed, 0),
    minGroupShare: withNeed.length > 0 ? Math.min(...withNeed.map((g) => g.share)) : 1,
    gini: weightedGini(
      withNeed.map((g) => g.share),
      withNeed.map((g) => g.need),
    ),
  };
}

/**
 * Names the constraint group that makes the problem infeasible: relaxes the budget row and minimises the cost
 * of the floors; if that is feasible, the budget is too small by that much; if not, some group's caps cannot
 * reach its floor even with unlimited money.
 */
async function diagnoseInfeasible(
  m: MergedUnits,
  problem: AllocationProblem,
  minShare: number,
  timeLimit: number,
): Promise<never> {
  const relaxed = buildModel(m, {
    minShare,
    budget: null,
    objective: 'cost',
    integer: problem.integer === true,
  });
  const r = await solveLinearProgram(relaxed.lp, { timeLimit });
  if (r.status !== 'infeasible' && r.objective !== null) {
    // For a MIP the least budget is only proven when optimal; otherwise the bound is what is known for sure.
    const minimumBudget = r.optimal ? r.objective : (r.bound ?? r.objective);
    throw new AllocationInfeasibleError({
      kind: 'min-share-budget',
      minimumBudget,
      budget: problem.budget,
      minShare,
    });
  }
  const reachable = new Float64Array(m.groups.length);
  m.unitUpper.forEach((u, i) => {
    reachable[m.groupOf[i]!]! += u;
  });
  const groups = m.groups
    .map((group, g) => ({
      group,
      need: m.groupNeed[g]!,
      required: minShare * m.groupNeed[g]!,
      reachable: reachable[g]!,
    }))
    .filter((g) => g.reachable < g.required - 1e-9 * Math.max(1, g.required));
  throw new AllocationInfeasibleError({ kind: 'min-share-cap', groups });
}

/**
 * Allocates the budget. Throws AllocationInputError on bad input and AllocationInfeasibleError (naming the
 * constraint) when no allocation meets the equity floor.
 */
export async function allocate(problem: AllocationProblem): Promise<AllocationResult> {
  validateAllocationProblem(problem);
  const started = performance.now();
  const timeLimit = problem.timeLimit ?? 60;
  const deadline = started + timeLimit * 1000;
  const left = () => Math.max(0.01, (deadline - performance.now()) / 1000);
  const integer = problem.integer === true;
  const minShare = problem.minShare ?? 0;
  const m = mergeUnits(problem);
  const model = buildModel(m, { minShare, budget: problem.budget, objective: 'worth', integer });
  const first = await solveLinearProgram(model.lp, { timeLimit: left() });
  const notes: string[] = [];
  const methods = [integer ? 'HiGHS MIP (whole units)' : 'HiGHS LP'];
  if (first.status === 'infeasible') await diagnoseInfeasible(m, problem, minShare, left());
  let chosen: SolveResult = first;
  if (!integer && first.optimal && first.objective !== null) {
    // Among the optimal allocations, the one whose worst-off group fares best.
    // A tolerance well inside HiGHS's own (1e-7) so the tie-break cannot trade away worth that matters.
    const tolerance = 1e-11 * Math.max(1, Math.abs(first.objective));
    const second = buildModel(m, {
      minShare,
      budget: problem.budget,
      objective: 'max-min-share',
      integer: false,
      worthAtLeast: first.objective - tolerance,
    });
    const tieBreak = await solveLinearProgram(second.lp, { timeLimit: left() });
    if (tieBreak.optimal && tieBreak.x) {
      chosen = tieBreak;
      methods.push('max-min share among optima (second LP)');
    } else {
      notes.push(
        '第二阶段公平调整未完成，采用第一阶段最优解 / the equity tie-break LP did not finish; stage-1 optimum kept',
      );
    }
  }
  if (integer)
    notes.push('整数分配不做第二阶段公平调整 / whole-unit allocations skip the equity tie-break stage');
  const seconds = (performance.now() - started) / 1000;
  if (!chosen.x) {
    return {
      status: 'no-solution',
      optimal: false,
      objective: null,
      bound: first.bound,
      gap: null,
      stoppedBy: 'time-limit',
      method: methods.join(', '),
      seconds,
      budget: problem.budget,
      budgetUsed: 0,
      minShare,
      totalNeed: m.groupNeed.reduce((a, v) => a + v, 0),
      needMet: 0,
      needMetShare: 0,
      minGroupShare: 0,
      gini: 0,
      groups: [],
      allocation: new Float64Array(problem.ids.length),
      reduced: { columns: model.columns, rows: model.rows },
      notes: [
        ...notes,
        `在时限 ${timeLimit} 秒内未找到可行解 / no feasible allocation found within ${timeLimit} s`,
      ],
    };
  }
  const x = spreadToUnits(m, chosen.x, integer);
  const s = summarise(m, problem, x);
  const optimal = first.optimal;
  // The proven optimum is stage 1's objective; the tie-break allocation reaches it within 1e-11 relative.
  const objective = optimal ? first.objective! : s.worth;
  const bound = optimal ? objective : Math.max(first.bound ?? Number.POSITIVE_INFINITY, objective);
  return {
    status: optimal ? 'optimal' : 'feasible',
    optimal,
    objective,
    bound: Number.isFinite(bound) ? bound : null,
    gap: optimal ? 0 : Number.isFinite(bound) ? relativeGap(objective, bound) : null,
    ...(optimal ? {} : { stoppedBy: 'time-limit' as const }),
    method: methods.join(', '),
    seconds,
    budget: problem.budget,
    budgetUsed: s.budgetUsed,
    minShare,
    totalNeed: s.totalNeed,
    needMet: s.needMet,
    needMetShare: s.needMetShare,
    minGroupShare: s.minGroupShare,
    gini: s.gini,
    groups: s.groups,
    allocation: x,
    reduced: { columns: model.columns, rows: model.rows },
    notes,
  };
}

/** The largest equity floor any allocation within the budget (and caps) can give every group, by LP. */
export async function maxFeasibleMinShare(problem: AllocationProblem): Promise<{
  share: number;
  optimal: boolean;
}> {
  validateAllocationProblem(problem);
  const m = mergeUnits(problem);
  const model = buildModel(m, {
    minShare: null,
    budget: problem.budget,
    objective: 'max-min-share',
    integer: false,
  });
  const r = await solveLinearProgram(model.lp, { timeLimit: problem.timeLimit ?? 60 });
  if (!r.optimal || r.objective === null) return { share: 0, optimal: false };
  return { share: Math.min(1, Math.max(0, r.objective)), optimal: true };
}
