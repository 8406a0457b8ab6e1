// What a facility-location run takes and returns, shared by the four models (MCLP, p-median, LSCP, p-center),
// and the checks on the input. Conventions:
//  - p counts every open site, existing ("fixed") ones included; fixed sites are always open.
//  - a site covers a demand point within the radius R, inclusive (see isWithin).
//  - `optimal` is true only with a proof: HiGHS proved it, or a valid bound equals the solution's objective.
import { idProblems } from '../id-problems.ts';
import type { Metric, SparseRows } from './geometry.ts';

export type LocationModel = 'mclp' | 'pmedian' | 'lscp' | 'pcenter';

export interface DemandPoints {
  ids: string[];
  x: Float64Array;
  y: Float64Array;
  /** Non-negative weights (population, households, …); 1 each when the data has none. */
  weight: Float64Array;
}

export interface CandidateSites {
  ids: string[];
  x: Float64Array;
  y: Float64Array;
  /** Capacity in demand-weight units; NaN (or no array) means unlimited. Used by the p-median. */
  capacity?: Float64Array;
  /** 1 marks an existing site that stays open. */
  fixed?: Uint8Array;
}

export interface LocationProblem {
  metric: Metric;
  demand: DemandPoints;
  sites: CandidateSites;
  /** Service radius in metres (MCLP, LSCP). */
  radius?: number;
  /** Number of open sites, fixed ones included (MCLP, p-median, p-center). */
  p?: number;
  /** Wall-clock limit in seconds for the whole solve (default 60). */
  timeLimit?: number;
  /**
   * Precomputed coverage (MCLP, LSCP): for every demand point, the sites that reach it, e.g. by walking on a
   * street network. When given it replaces the metric's straight-line test; `radius` then only labels it.
   */
  cover?: SparseRows;
  /**
   * Precomputed distances (p-median): metres from demand point i to site j at i·sites + j, e.g. walking on a
   * street network. When given it replaces the metric's straight-line distance.
   */
  distance?: Float64Array;
}

export type LocationStatus = 'optimal' | 'feasible' | 'infeasible' | 'no-solution';

export interface SiteLoad {
  site: string;
  demandPoints: number;
  weight: number;
  capacity: number | null;
}

export interface LocationResult {
  model: LocationModel;
  /**
   * optimal: proven; feasible: a solution whose optimality is not proven (see gap and stoppedBy);
   * infeasible: no solution exists (see uncoverableDemand); no-solution: none found before the time limit.
   */
  status: LocationStatus;
  optimal: boolean;
  /** How optimality was proven: HiGHS branch-and-bound, or a Lagrangian/combinatorial bound met exactly. */
  proof: 'highs' | 'bound' | null;
  /** Chosen site ids in input order, fixed ones included. */
  sites: string[];
  fixedSites: string[];
  /**
   * MCLP: covered weight; p-median: total weighted distance (m); LSCP: number of sites;
   * p-center: the largest demand-to-nearest-site distance (m).
   */
  objective: number | null;
  /** Best proven bound on the optimum (upper for MCLP, lower for the others). */
  bound: number | null;
  /** |objective − bound| / max(|objective|, |bound|). */
  gap: number | null;
  stoppedBy?: 'time-limit' | 'size-limit';
  /** What produced the answer, e.g. "greedy + swap, Lagrangian bound, HiGHS MIP". */
  method: string;
  seconds: number;
  totalWeight: number;
  coveredWeight?: number;
  coveredShare?: number;
  /** Demand ids no candidate site can reach within the radius (LSCP infeasibility, MCLP never-covered). */
  uncoverableDemand?: string[];
  /** p-median: average distance per unit of weight (m). */
  averageDistance?: number;
  /** p-center: demand ids at the largest distance. */
  criticalDemand?: string[];
  siteLoads?: SiteLoad[];
  /** Problem size after reductions (aggregated demand, dominated sites dropped). */
  reduced?: { demandGroups: number; candidateSites: number };
  notes: string[];
}

export interface LocationInputProblem {
  set: 'demand' | 'sites' | 'options';
  /** 0-based row of the demand or site, when the problem concerns one. */
  index?: number;
  field?: 'id' | 'x' | 'y' | 'weight' | 'capacity' | 'fixed' | 'radius' | 'p' | 'timeLimit';
  message: string;
  /** The same in Chinese, for the console and the command line. */
  messageZh: string;
  /** For a duplicate id: the 0-based row that used it first. */
  duplicateOf?: number;
}

export class LocationInputError extends Error {
  constructor(readonly problems: LocationInputProblem[]) {
    super(
      problems
        .map(
          (p) =>
            `${p.set}${p.index !== undefined ? ` #${p.index + 1}` : ''}${p.field ? ` [${p.field}]` : ''}: ${p.message}` +
            (p.duplicateOf !== undefined ? ` (first at #${p.duplicateOf + 1})` : ''),
        )
        .join('; '),
    );
  }
}

const MAX_PROBLEMS = 20;

/**
 * Checks a problem for the given model; throws LocationInputError listing what is wrong, at most `maxProblems`
 * (an API answer stays short; the command line asks for every bad row).
 */
export function validateLocationProblem(
  model: LocationModel,
  problem: LocationProblem,
  maxProblems = MAX_PROBLEMS,
): void {
  const problems: LocationInputProblem[] = [];
  const add = (p: LocationInputProblem) => {
    if (problems.length < maxProblems) problems.push(p);
  };
  const { demand, sites } = problem;
  if (demand.ids.length === 0)
    add({ set: 'demand', message: 'there are no demand points', messageZh: '没有需求点' });
  if (sites.ids.length === 0)
    add({ set: 'sites', message: 'there are no candidate sites', messageZh: '没有候选点' });
  checkIds('demand', demand.ids, add);
  checkIds('sites', sites.ids, add);
  checkPositions('demand', problem.metric, demand.x, demand.y, add);
  checkPositions('sites', problem.metric, sites.x, sites.y, add);
  demand.weight.forEach((w, i) => {
    if (!Number.isFinite(w) || w < 0)
      add({
        set: 'demand',
        index: i,
        field: 'weight',
        message: `${w} is not a weight ≥ 0`,
        messageZh: `权重 ${w} 不是 ≥ 0 的数`,
      });
  });
  sites.capacity?.forEach((c, j) => {
    if (!Number.isNaN(c) && !(c >= 0 && c < Number.POSITIVE_INFINITY)) {
      add({
        set: 'sites',
        index: j,
        field: 'capacity',
        message: `${c} is not a capacity ≥ 0`,
        messageZh: `容量 ${c} 不是 ≥ 0 的数`,
      });
    }
  });
  const fixedCount = sites.fixed ? sites.fixed.reduce((a, v) => a + (v ? 1 : 0), 0) : 0;
  const needsRadius = model === 'mclp' || model === 'lscp';
  const needsP = model !== 'lscp';
  if (
    needsRadius &&
    !(problem.radius !== undefined && Number.isFinite(problem.radius) && problem.radius > 0)
  ) {
    add({
      set: 'options',
      field: 'radius',
      message: `${model} needs a radius > 0 in metres`,
      messageZh: `${model} 需要大于 0 的服务半径（米）`,
    });
  }
  if (needsP) {
    const p = problem.p;
    if (p === undefined || !Number.isInteger(p) || p < 1) {
      add({
        set: 'options',
        field: 'p',
        message: `${model} needs p, a whole number ≥ 1`,
        messageZh: `${model} 需要设施数 p（≥ 1 的整数）`,
      });
    } else {
      if (p > sites.ids.length) {
        add({
          set: 'options',
          field: 'p',
          message: `p = ${p} is more than the ${sites.ids.length} candidate sites`,
          messageZh: `p = ${p} 超过候选点数 ${sites.ids.length}`,
        });
      }
      if (fixedCount > p) {
        add({
          set: 'options',
          field: 'p',
          message: `${fixedCount} sites are fixed open, more than p = ${p}`,
          messageZh: `固定开放的站点有 ${fixedCount} 个，多于 p = ${p}`,
        });
      }
    }
  }
  if (problem.timeLimit !== undefined && !(problem.timeLimit > 0)) {
    add({
      set: 'options',
      field: 'timeLimit',
      message: 'the time limit must be > 0 seconds',
      messageZh: '时间上限必须大于 0 秒',
    });
  }
  if (model !== 'pmedian' && sites.capacity?.some((c) => !Number.isNaN(c))) {
    add({
      set: 'options',
      field: 'capacity',
      message: 'capacities apply to the p-median only',
      messageZh: '容量只适用于 p-中位模型',
    });
  }
  if (problems.length > 0) throw new LocationInputError(problems);
}

function checkIds(set: 'demand' | 'sites', ids: string[], add: (p: LocationInputProblem) => void) {
  for (const p of idProblems(ids)) add({ set, ...p });
}

function checkPositions(
  set: 'demand' | 'sites',
  metric: Metric,
  x: Float64Array,
  y: Float64Array,
  add: (p: LocationInputProblem) => void,
) {
  for (let i = 0; i < x.length; i++) {
    const vx = x[i]!;
    const vy = y[i]!;
    if (!Number.isFinite(vx))
      add({
        set,
        index: i,
        field: 'x',
        message: `${vx} is not a finite coordinate`,
        messageZh: `坐标 ${vx} 不是有限数`,
      });
    if (!Number.isFinite(vy))
      add({
        set,
        index: i,
        field: 'y',
        message: `${vy} is not a finite coordinate`,
        messageZh: `坐标 ${vy} 不是有限数`,
      });
    if (metric === 'haversine') {
      if (Number.isFinite(vx) && (vx < -180 || vx > 180)) {
        add({
          set,
          index: i,
          field: 'x',
          message: `longitude ${vx} is outside −180…180`,
          messageZh: `经度 ${vx} 超出 −180…180`,
        });
      }
      if (Number.isFinite(vy) && (vy < -90 || vy > 90)) {
        add({
          set,
          index: i,
          field: 'y',
          message: `latitude ${vy} is outside −90…90`,
          messageZh: `纬度 ${vy} 超出 −90…90`,
        });
      }
    }
  }
}

/** Fixed-site indices, ascending. */
export function fixedSiteIndices(sites: CandidateSites): number[] {
  const out: number[] = [];
  sites.fixed?.forEach((v, j) => {
    if (v) out.push(j);
  });
  return out;
}

/** Seconds left before `deadline` (a performance.now() timestamp in ms). */
export function secondsLeft(deadline: number): number {
  return Math.max(0, (deadline - performance.now()) / 1000);
}
