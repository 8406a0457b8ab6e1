// Allocation of a scarce resource (care-worker hours, a subsidy budget) across the communities or grids of the
// viewer's area by need, with an equity floor (every group gets at least a share of its need) and a cap per
// resident, solved as an LP/MIP by src/lib/allocation. Need comes from residents' ages: one unit per (group, age
// band) holding that band's residents, so the model stays small and equal residents get equal shares.
import { allocate } from '../../lib/allocation/allocate.ts';
import {
  AllocationInfeasibleError,
  AllocationInputError,
  type AllocationProblem,
} from '../../lib/allocation/problem.ts';
import { tradeOffCurve } from '../../lib/allocation/trade-off.ts';
import type { Viewer } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { findAreaNames } from '../planning/planning.repository.ts';
import { type AreaLevel, areaPathOf } from '../planning/planning.service.ts';
import { bornOnOrBeforeForAge, chinaToday } from '../stats/age-cutoffs.ts';
import { residentsByAreaAndBand } from './supply.repository.ts';

export interface AgeBandNeed {
  /** Youngest age of the band (inclusive); the band runs to the next band's minimum. */
  minAge: number;
  /** Need per resident of the band (hours or yuan). */
  need: number;
  /** Priority of one unit of this band's need met. */
  weight?: number;
}

export interface AllocationInput {
  budget: number;
  bands: AgeBandNeed[];
  groupBy?: AreaLevel;
  minShare?: number;
  /** Most one resident may receive (hours or yuan); none when absent. */
  capPerResident?: number;
  integer?: boolean;
  /** Points on the efficiency–equity curve (2–21); none when absent. */
  curve?: number;
  timeLimit?: number;
}

/** Default bands: the home-care hours per month a district commonly grants by age (a planning assumption). */
export const DEFAULT_CARE_BANDS: AgeBandNeed[] = [
  { minAge: 60, need: 2, weight: 1 },
  { minAge: 70, need: 4, weight: 1.5 },
  { minAge: 80, need: 8, weight: 2 },
];

export async function allocateResource(db: Db, viewer: Viewer, input: AllocationInput) {
  const bands = [...input.bands].sort((a, b) => a.minAge - b.minAge);
  bands.forEach((b, i) => {
    if (i > 0 && b.minAge === bands[i - 1]!.minAge)
      throw new AppError('VALIDATION_FAILED', [
        {
          field: `/bands/${i}/minAge`,
          message: `年龄段 ${b.minAge} 岁重复`,
          messageEn: `duplicate band ${b.minAge}`,
        },
      ]);
  });
  const today = chinaToday();
  const cutoffs = bands.map((b) => bornOnOrBeforeForAge(today, b.minAge));
  const rows = await residentsByAreaAndBand(db, viewer.scopePath, cutoffs);
  const level = input.groupBy ?? 'community';
  const counts = new Map<string, number>();
  for (const r of rows) {
    const key = `${areaPathOf(r.scope_path, level)}|${r.band}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(r.n));
  }
  if (counts.size === 0) throw new AppError('NO_DEMAND');
  const units = [...counts.entries()].map(([key, n]) => {
    const [path, band] = key.split('|') as [string, string];
    return { path, band: Number(band), n };
  });
  const problem: AllocationProblem = {
    ids: units.map((u) => `${u.path}|${bands[u.band]!.minAge}`),
    need: Float64Array.from(units, (u) => u.n * bands[u.band]!.need),
    group: units.map((u) => u.path),
    cap: Float64Array.from(units, (u) =>
      input.capPerResident === undefined ? Number.NaN : u.n * input.capPerResident,
    ),
    weight: Float64Array.from(units, (u) => bands[u.band]!.weight ?? 1),
    budget: input.budget,
    minShare: input.minShare ?? 0,
    integer: input.integer ?? false,
    timeLimit: input.timeLimit ?? 20,
  };
  const names = await findAreaNames(db, viewer.scopePath);
  try {
    const result = await allocate(problem);
    const curve = input.curve ? await tradeOffCurve({ ...problem, minShare: 0 }, input.curve) : null;
    return {
      status: result.status,
      optimal: result.optimal,
      objective: result.objective,
      bound: result.bound,
      gap: result.gap,
      method: result.method,
      seconds: result.seconds,
      budget: result.budget,
      budgetUsed: result.budgetUsed,
      minShare: result.minShare,
      totalNeed: result.totalNeed,
      needMet: result.needMet,
      needMetShare: result.needMetShare,
      minGroupShare: result.minGroupShare,
      gini: result.gini,
      groupBy: level,
      groups: result.groups.map((g) => ({ ...g, path: g.group, name: names.get(g.group) ?? g.group })),
      bands: bands.map((b, i) => ({
        ...b,
        residents: units.filter((u) => u.band === i).reduce((a, u) => a + u.n, 0),
        allocated: units.reduce((a, u, k) => a + (u.band === i ? result.allocation[k]! : 0), 0),
      })),
      curve: curve?.points ?? null,
      maxMinShare: curve?.maxMinShare ?? null,
      notes: result.notes,
    };
  } catch (error) {
    if (error instanceof AllocationInfeasibleError) throw infeasible(error, names);
    if (error instanceof AllocationInputError) {
      throw new AppError(
        'VALIDATION_FAILED',
        error.problems.map((p) => ({ field: p.field, message: p.messageZh, messageEn: p.message })),
      );
    }
    throw error;
  }
}

/** 422 naming the constraint: the budget (with the least budget that meets the floor) or each capped group. */
function infeasible(error: AllocationInfeasibleError, names: Map<string, string>): AppError {
  const c = error.constraint;
  if (c.kind === 'min-share-budget') {
    return new AppError(
      'ALLOCATION_INFEASIBLE',
      [
        {
          field: 'budget',
          message: `预算约束：每个片区至少满足 ${Math.round(c.minShare * 100)}% 的需求至少需要 ${Math.ceil(c.minimumBudget)}，预算只有 ${c.budget}`,
          messageEn: error.message,
        },
      ],
      '预算不足以满足公平下限',
    );
  }
  return new AppError(
    'ALLOCATION_INFEASIBLE',
    c.groups.map((g) => ({
      field: `minShare[${g.group}]`,
      message: `${names.get(g.group) ?? g.group} 的公平下限需要 ${Math.ceil(g.required)}，但人均上限最多只能分到 ${Math.floor(g.reachable)}`,
      messageEn: `min-share of ${g.group}: needs ${g.required}, caps allow at most ${g.reachable}`,
    })),
    '人均上限使公平下限无法满足',
  );
}
