// A small wrapper over the HiGHS solver (the `highs` package, WebAssembly): build a model as plain arrays, solve
// it under a time limit, and read back what HiGHS actually proved. The rule this file exists for: `optimal` is
// true only when HiGHS reports a proven optimum; anything else comes back with the best solution found, the
// best bound and the gap between them, so a caller can never present a time-limited answer as optimal.
import highsPackage, { type Highs, type Model, type ModelData, type ModelStatusCode } from 'highs';

// The package's types.d.ts is read as CommonJS under NodeNext, so TypeScript sees the default import as the
// module object; at run time the ESM build's default export is the loader itself. Accept both shapes.
const loadHighs = ((highsPackage as unknown as { default?: unknown }).default ??
  highsPackage) as typeof highsPackage.default;

let highsPromise: Promise<Highs> | undefined;

/** The HiGHS runtime, loaded once per process (loading the wasm takes ~50 ms; solves are synchronous). */
export function getHighs(): Promise<Highs> {
  highsPromise ??= loadHighs();
  return highsPromise;
}

export type SolveStatus =
  | 'optimal'
  | 'infeasible'
  | 'unbounded'
  | 'time-limit'
  | 'iteration-limit'
  | 'interrupted'
  | 'error';

/**
 * A linear or mixed-integer program: `sense` c·x subject to rowLower ≤ A x ≤ rowUpper and
 * colLower ≤ x ≤ colUpper, with A given row by row (CSR).
 */
export interface LinearProgram {
  sense: 'min' | 'max';
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  /** 1 marks an integer column; omit for a pure LP. */
  integer?: Uint8Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  rowStarts: Int32Array;
  rowIndices: Int32Array;
  rowValues: Float64Array;
}

export interface SolveOptions {
  /** Wall-clock limit in seconds for this solve (HiGHS `time_limit`). */
  timeLimit?: number;
  /**
   * The performance.now() time by which the call must return, shared with the caller's other phases. Handing the
   * model to HiGHS takes time HiGHS's own clock does not see, so its limit is what is left after the handover;
   * with nothing left it does not run at all (status time-limit, no solution).
   */
  deadline?: number;
  /** A known feasible solution (all columns) handed to the MIP solver as its first incumbent. */
  start?: Float64Array;
}

export interface SolveResult {
  status: SolveStatus;
  /** True only when HiGHS proved optimality (relative gap 0, absolute gap ≤ 1e-6). */
  optimal: boolean;
  /** Objective of the best feasible solution found, or null when there is none. */
  objective: number | null;
  /** Best proven bound on the optimum (lower for min, upper for max), or null when none is known. */
  bound: number | null;
  /** Relative gap between objective and bound (see relativeGap), null without both. */
  gap: number | null;
  /** Column values of the best feasible solution, or null. */
  x: Float64Array | null;
  seconds: number;
}

/** |objective − bound| / max(|objective|, |bound|): 0 when they meet, at most 1 when they share a sign. */
export function relativeGap(objective: number, bound: number): number {
  const diff = Math.abs(objective - bound);
  if (diff === 0) return 0;
  return diff / Math.max(Math.abs(objective), Math.abs(bound));
}

/** Builds a LinearProgram row by row; columns first, then rows that refer to them. */
export class LinearProgramBuilder {
  private readonly cost: number[] = [];
  private readonly lower: number[] = [];
  private readonly upper: number[] = [];
  private readonly integer: number[] = [];
  private readonly rowLo: number[] = [];
  private readonly rowHi: number[] = [];
  private readonly starts: number[] = [0];
  private readonly indices: number[] = [];
  private readonly values: number[] = [];

  get numCols(): number {
    return this.cost.length;
  }

  get numRows(): number {
    return this.rowLo.length;
  }

  /** Adds a column and returns its index. */
  addColumn(cost: number, lower: number, upper: number, integer = false): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    this.integer.push(integer ? 1 : 0);
    return this.cost.length - 1;
  }

  /** Adds a row lower ≤ Σ values[k]·x[indices[k]] ≤ upper; `values` may be one number for all entries. */
  addRow(
    lower: number,
    upper: number,
    indices: ArrayLike<number>,
    values: ArrayLike<number> | number,
  ): number {
    for (let k = 0; k < indices.length; k++) {
      this.indices.push(indices[k]!);
      this.values.push(typeof values === 'number' ? values : values[k]!);
    }
    this.starts.push(this.indices.length);
    this.rowLo.push(lower);
    this.rowHi.push(upper);
    return this.rowLo.length - 1;
  }

  build(sense: 'min' | 'max'): LinearProgram {
    const hasInteger = this.integer.some((v) => v === 1);
    return {
      sense,
      colCost: Float64Array.from(this.cost),
      colLower: Float64Array.from(this.lower),
      colUpper: Float64Array.from(this.upper),
      integer: hasInteger ? Uint8Array.from(this.integer) : undefined,
      rowLower: Float64Array.from(this.rowLo),
      rowUpper: Float64Array.from(this.rowHi),
      rowStarts: Int32Array.from(this.starts),
      rowIndices: Int32Array.from(this.indices),
      rowValues: Float64Array.from(this.values),
    };
  }
}

export function toModelData(highs: Highs, lp: LinearProgram): ModelData {
  const numCols = lp.colCost.length;
  const numRows = lp.rowLower.length;
  return {
    numCols,
    numRows,
    sense:
      lp.sense === 'max' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    colCost: lp.colCost,
    colLower: lp.colLower,
    colUpper: lp.colUpper,
    rowLower: lp.rowLower,
    rowUpper: lp.rowUpper,
    matrix: {
      format: 'csr',
      numRows,
      numCols,
      starts: lp.rowStarts,
      indices: lp.rowIndices,
      values: lp.rowValues,
    },
    integrality: lp.integer ? Int32Array.from(lp.integer) : undefined,
  };
}

/** Maps a HiGHS model status code to ours. */
export function statusOf(highs: Highs, code: ModelStatusCode): SolveStatus {
  const s = highs.constants.modelStatus;
  switch (code) {
    case s.optimal:
      return 'optimal';
    case s.infeasible:
      return 'infeasible';
    case s.unbounded:
    case s.unboundedOrInfeasible:
      return 'unbounded';
    case s.timeLimit:
      return 'time-limit';
    case s.iterationLimit:
    case s.solutionLimit:
      return 'iteration-limit';
    case s.interrupted:
      return 'interrupted';
    default:
      return 'error';
  }
}

/** Whether the model currently holds a feasible primal solution. */
export function hasFeasibleSolution(highs: Highs, model: Model): boolean {
  return model.info.get('primal_solution_status') === highs.constants.solutionStatus.feasible;
}

/** Shortest time HiGHS is started for: below it, presolve alone would overrun. */
const MIN_RUN_SECONDS = 0.01;

function outOfTime(started: number): SolveResult {
  return {
    status: 'time-limit',
    optimal: false,
    objective: null,
    bound: null,
    gap: null,
    x: null,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Solves a linear or mixed-integer program in a fresh HiGHS instance and reports honestly what was proved. */
export async function solveLinearProgram(
  lp: LinearProgram,
  options: SolveOptions = {},
): Promise<SolveResult> {
  const highs = await getHighs();
  const started = performance.now();
  const isMip = lp.integer !== undefined;
  const model = highs.createModel(toModelData(highs, lp));
  try {
    model.options.set({ output_flag: false, random_seed: 0 });
    // HiGHS stops at a 1e-4 relative gap by default and calls that optimal; we want a proof.
    if (isMip) model.options.set({ mip_rel_gap: 0 });
    if (isMip && options.start) model.setSolution({ colValue: options.start });
    let limit = options.timeLimit ?? Number.POSITIVE_INFINITY;
    if (options.deadline !== undefined) {
      // Reading the solution back and HiGHS's wrap-up after its clock stops take about as long as the handover did.
      const handover = (performance.now() - started) / 1000;
      const left = (options.deadline - performance.now()) / 1000 - handover;
      if (left < MIN_RUN_SECONDS) return outOfTime(started);
      limit = Math.min(limit, left);
    }
    if (Number.isFinite(limit)) model.options.set('time_limit', Math.max(MIN_RUN_SECONDS, limit));
    model.run();
    const status = statusOf(highs, model.getModelStatus());
    const feasible = hasFeasibleSolution(highs, model);
    const objective = feasible ? model.getObjectiveValue() : null;
    let bound: number | null = null;
    if (isMip) {
      const b = Number(model.info.get('mip_dual_bound'));
      bound = Number.isFinite(b) ? b : null;
    } else if (status === 'optimal') {
      bound = objective;
    }
    if (status === 'optimal' && objective !== null) bound ??= objective;
    return {
      status,
      optimal: status === 'optimal' && objective !== null,
      objective,
      bound,
      gap: objective !== null && bound !== null ? relativeGap(objective, bound) : null,
      x: feasible ? model.getSolution().colValue : null,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    model.dispose();
  }
}
