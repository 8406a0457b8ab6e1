// What an allocation run takes and returns, and the checks on the input. A scarce resource (care-worker hours,
// a subsidy budget) is shared among units (residents, households) that belong to groups (communities, age
// bands). Conventions:
//  - x_i is the need of unit i that is met, 0 ≤ x_i ≤ min(need_i, cap_i); it consumes cost_i · x_i of the budget
//    and is worth weight_i · x_i (priority); the objective maximises the total worth of the need met.
//  - the equity constraint asks every group with need to have at least `minShare` of its need met.
//  - `optimal` is true only when HiGHS proved it; a time-limited MIP answer comes with its bound and gap.
import { idProblems } from '../id-problems.ts';

export interface AllocationProblem {
  ids: string[];
  /** Need of each unit in resource units (hours, yuan); ≥ 0. */
  need: Float64Array;
  /** Group of each unit (community code, age band …). */
  group: string[];
  /** Most a unit may receive; NaN means no cap beyond its need. */
  cap?: Float64Array;
  /** Worth of one unit of need met (priority); default 1. */
  weight?: Float64Array;
  /** Budget consumed by one unit of need met (e.g. travel overhead); default 1, must be > 0. */
  cost?: Float64Array;
  budget: number;
  /** Minimum share of each group's need that must be met, 0…1; default 0. */
  minShare?: number;
  /** Allocate whole units only (whole hours): a MIP instead of an LP. */
  integer?: boolean;
  /** Wall-clock limit in seconds per solve (default 60). */
  timeLimit?: number;
}

export interface AllocationInputProblem {
  /** 0-based row of the unit, when the problem concerns one. */
  index?: number;
  field: 'id' | 'need' | 'group' | 'cap' | 'weight' | 'cost' | 'budget' | 'minShare' | 'timeLimit';
  message: string;
  /** The same in Chinese, for the console and the command line. */
  messageZh: string;
  /** For a duplicate id: the 0-based row that used it first. */
  duplicateOf?: number;
}

export class AllocationInputError extends Error {
  constructor(readonly problems: AllocationInputProblem[]) {
    super(
      problems
        .map(
          (p) =>
            `${p.index !== undefined ? `row #${p.index + 1} ` : ''}[${p.field}]: ${p.message}` +
            (p.duplicateOf !== undefined ? ` (first at #${p.duplicateOf + 1})` : ''),
        )
        .join('; '),
    );
  }
}

/** Which constraint makes the problem infeasible, found by relaxing the constraint groups one at a time. */
export type InfeasibleConstraint =
  | {
      kind: 'min-share-cap';
      /** Groups whose caps cannot reach the minimum share even with an unlimited budget. */
      groups: { group: string; need: number; required: number; reachable: number }[];
    }
  | {
      kind: 'min-share-budget';
      /** Least budget that meets every group's minimum share (from the relaxation without the budget row). */
      minimumBudget: number;
      budget: number;
      minShare: number;
    };

export class AllocationInfeasibleError extends Error {
  constructor(readonly constraint: InfeasibleConstraint) {
    super(describeInfeasibility(constraint));
  }
}

export function describeInfeasibility(c: InfeasibleConstraint): string {
  if (c.kind === 'min-share-cap') {
    return c.groups
      .map(
        (g) =>
          `min-share constraint of group "${g.group}": needs ${round(g.required)} of its need ${round(g.need)}, ` +
          `but the caps of its units allow at most ${round(g.reachable)}`,
      )
      .join('; ');
  }
  return (
    `budget constraint: meeting ${round(c.minShare * 100)}% of every group's need costs at least ` +
    `${round(c.minimumBudget)}, the budget is ${round(c.budget)}`
  );
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export interface GroupOutcome {
  group: string;
  units: number;
  need: number;
  allocated: number;
  /** allocated / need (1 when the group has no need). */
  share: number;
  budgetUsed: number;
}

export type AllocationStatus = 'optimal' | 'feasible' | 'no-solution';

export interface AllocationResult {
  /** optimal: proven by HiGHS; feasible: time-limited MIP answer (see bound, gap); no-solution: none found. */
  status: AllocationStatus;
  optimal: boolean;
  /** Total worth Σ weight·x of the need met. */
  objective: number | null;
  /** Best proven upper bound on the objective. */
  bound: number | null;
  gap: number | null;
  stoppedBy?: 'time-limit';
  method: string;
  seconds: number;
  budget: number;
  budgetUsed: number;
  minShare: number;
  totalNeed: number;
  needMet: number;
  needMetShare: number;
  /** The smallest group share achieved. */
  minGroupShare: number;
  /** Need-weighted Gini coefficient of the groups' shares (0 = every group gets the same share). */
  gini: number;
  groups: GroupOutcome[];
  /** x_i per unit, in input order. */
  allocation: Float64Array;
  /** LP/MIP size after merging interchangeable units. */
  reduced: { columns: number; rows: number };
  notes: string[];
}

const MAX_PROBLEMS = 20;

/**
 * Checks an allocation problem; throws AllocationInputError listing every problem found, up to `maxProblems`
 * (an API answer stays short; the command line asks for every bad row).
 */
export function validateAllocationProblem(problem: AllocationProblem, maxProblems = MAX_PROBLEMS): void {
  const problems: AllocationInputProblem[] = [];
  const add = (p: AllocationInputProblem) => {
    if (problems.length < maxProblems) problems.push(p);
  };
  const n = problem.ids.length;
  if (n === 0)
    add({ field: 'id', message: 'there are no units to allocate to', messageZh: '没有可分配的对象' });
  const lengths: [AllocationInputProblem['field'], number | undefined][] = [
    ['need', problem.need.length],
    ['group', problem.group.length],
    ['cap', problem.cap?.length],
    ['weight', problem.weight?.length],
    ['cost', problem.cost?.length],
  ];
  for (const [field, len] of lengths) {
    if (len !== undefined && len !== n)
      add({
        field,
        message: `has ${len} values for ${n} units`,
        messageZh: `有 ${len} 个值，对象却有 ${n} 个`,
      });
  }
  for (const p of idProblems(problem.ids)) add(p);
  problem.group.forEach((g, i) => {
    if (g.trim() === '')
      add({ index: i, field: 'group', message: 'the group is empty', messageZh: '分组为空' });
  });
  const nonNegative = (field: 'need' | 'weight', values?: Float64Array) =>
    values?.forEach((v, i) => {
      if (!Number.isFinite(v) || v < 0)
        add({ index: i, field, message: `${v} is not a number ≥ 0`, messageZh: `${v} 不是 ≥ 0 的数` });
    });
  nonNegative('need', problem.need);
  nonNegative('weight', problem.weight);
  problem.cap?.forEach((v, i) => {
    if (!Number.isNaN(v) && !(Number.isFinite(v) && v >= 0))
      add({
        index: i,
        field: 'cap',
        message: `${v} is not a cap ≥ 0 (leave empty for none)`,
        messageZh: `上限 ${v} 不是 ≥ 0 的数（不设上限请留空）`,
      });
  });
  problem.cost?.forEach((v, i) => {
    if (!(Number.isFinite(v) && v > 0))
      add({
        index: i,
        field: 'cost',
        message: `${v} is not a cost > 0`,
        messageZh: `成本 ${v} 不是大于 0 的数`,
      });
  });
  if (!(Number.isFinite(problem.budget) && problem.budget >= 0))
    add({
      field: 'budget',
      message: `${problem.budget} is not a budget ≥ 0`,
      messageZh: `预算 ${problem.budget} 不是 ≥ 0 的数`,
    });
  const s = problem.minShare;
  if (s !== undefined && !(Number.isFinite(s) && s >= 0 && s <= 1))
    add({
      field: 'minShare',
      message: `${s} is not a share between 0 and 1`,
      messageZh: `比例 ${s} 不在 0 与 1 之间`,
    });
  if (problem.timeLimit !== undefined && !(problem.timeLimit > 0))
    add({
      field: 'timeLimit',
      message: 'the time limit must be > 0 seconds',
      messageZh: '时间上限必须大于 0 秒',
    });
  if (problems.length > 0) throw new AllocationInputError(problems);
}
