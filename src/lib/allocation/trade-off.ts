// Efficiency–equity trade-off: sweep the equity floor from 0 to the largest feasible one and solve each point,
// so a planner sees how much total worth every extra point of minimum coverage costs.
import { allocate, maxFeasibleMinShare } from './allocate.ts';
import { AllocationInfeasibleError, type AllocationProblem } from './problem.ts';

export interface TradeOffPoint {
  minShare: number;
  status: 'optimal' | 'feasible' | 'no-solution' | 'infeasible';
  optimal: boolean;
  objective: number | null;
  gap: number | null;
  needMet: number;
  needMetShare: number;
  minGroupShare: number;
  gini: number;
  seconds: number;
}

export interface TradeOffCurve {
  /** The largest floor every group can get (LP); the sweep ends there. */
  maxMinShare: number;
  points: TradeOffPoint[];
  seconds: number;
}

/** Solves `points` (≥ 2) evenly spaced floors from 0 to the largest feasible floor. */
export async function tradeOffCurve(problem: AllocationProblem, points = 11): Promise<TradeOffCurve> {
  if (!Number.isInteger(points) || points < 2 || points > 101)
    throw new RangeError(`points must be a whole number from 2 to 101, got ${points}`);
  const started = performance.now();
  const { share: top } = await maxFeasibleMinShare(problem);
  // A hair below the LP maximum so that rounding in the floor rows cannot turn the last point infeasible.
  const maxMinShare = Math.max(0, top - 1e-9);
  const out: TradeOffPoint[] = [];
  for (let k = 0; k < points; k++) {
    const minShare = (maxMinShare * k) / (points - 1);
    try {
      const r = await allocate({ ...problem, minShare });
      out.push({
        minShare,
        status: r.status,
        optimal: r.optimal,
        objective: r.objective,
        gap: r.gap,
        needMet: r.needMet,
        needMetShare: r.needMetShare,
        minGroupShare: r.minGroupShare,
        gini: r.gini,
        seconds: r.seconds,
      });
    } catch (error) {
      // Whole-unit allocations can be infeasible just below the LP maximum: that point is reported, not hidden.
      if (!(error instanceof AllocationInfeasibleError)) throw error;
      out.push({
        minShare,
        status: 'infeasible',
        optimal: false,
        objective: null,
        gap: null,
        needMet: 0,
        needMetShare: 0,
        minGroupShare: 0,
        gini: 0,
        seconds: 0,
      });
    }
  }
  return { maxMinShare, points: out, seconds: (performance.now() - started) / 1000 };
}
