// Data Envelopment Analysis: CCR (constant returns) and BCC (variable returns) envelopment models, input- or
// output-oriented, solved in two phases with HiGHS (Cooper, Seiford & Tone, "Data Envelopment Analysis", 2nd ed.,
// 2007, chapters 3–4):
//   phase 1  the radial score: θ* = min θ (input) or φ* = max φ (output);
//   phase 2  with that score fixed, the sum of input and output slacks is maximised (in the data's own units).
// Speed: one LP per unit with every unit as a column is slow in wasm, so each LP starts with only the unit
// itself and the reference units found so far, and prices every other unit with the LP duals (reduced cost
// c_j − a_j·y). A unit enters only when its reduced cost is negative; when none is, the restricted LP is optimal
// for the full one. The reference set quickly settles on the efficient frontier (a handful of units), so most
// LPs have a few dozen columns. This is the column-generation form of restricted basis entry (Ali 1993).
// Rows are scaled by each column's mean for numerical stability; results are reported in the data's units.
import type { Highs, Model, ModelData } from 'highs';
import { getHighs, statusOf } from '../lp/highs.ts';
import { type DeaData, validateDeaData } from './dea-data.ts';

export type DeaModel = 'ccr' | 'bcc';
export type DeaOrientation = 'input' | 'output';

/** Tolerance for "score is 1" and "slack is zero" (slacks relative to their column's mean). */
export const DEA_TOLERANCE = 1e-6;
/** A unit whose reduced cost is below −PRICE_TOLERANCE enters the restricted LP. */
const PRICE_TOLERANCE = 1e-9;
/** Units added to a restricted LP per pricing round. */
const ENTER_PER_ROUND = 25;

export interface DeaOptions {
  model: DeaModel;
  orientation: DeaOrientation;
  /**
   * Andersen–Petersen super-efficiency: the unit is left out of its own reference set, so efficient units score
   * above 1 (input) and may have no feasible reference at all (often under BCC); those report status 'infeasible'.
   */
  superEfficiency?: boolean;
  /** Called every 50 units and at the end, for progress bars. */
  onProgress?: (done: number, total: number) => void;
}

export interface DeaPeer {
  id: string;
  lambda: number;
}

export type DeaStatus = 'efficient' | 'weakly-efficient' | 'inefficient' | 'infeasible';

export interface DeaUnitResult {
  id: string;
  /**
   * efficient: score 1 and every slack 0; weakly-efficient: score 1 but some slack > 0 (on the frontier yet
   * dominated); inefficient: score below 1; infeasible: no reference exists (super-efficiency only).
   */
  status: DeaStatus;
  /** status === 'efficient' (Pareto–Koopmans: score 1 and no slack). */
  efficient: boolean;
  /** status === 'weakly-efficient' (score 1, some slack). */
  weaklyEfficient: boolean;
  /** θ* (input orientation) or 1/φ* (output orientation), in (0, 1]; above 1 only for super-efficiency. */
  efficiency: number | null;
  /** The radial score itself: θ* for input orientation, φ* (≥ 1) for output orientation. */
  radialScore: number | null;
  /** Reference units with λ > 0 and their λ, from the phase-2 solution. */
  peers: DeaPeer[];
  /** The same λ as `peers`, keyed by unit id. */
  lambdas: Record<string, number>;
  slacks: { inputs: Record<string, number>; outputs: Record<string, number> };
  /** Projection onto the frontier: θ*x − s⁻ and y + s⁺ (input), or x − s⁻ and φ*y + s⁺ (output). */
  targets: { inputs: Record<string, number>; outputs: Record<string, number> };
  note?: string;
}

export interface DeaResult {
  model: DeaModel;
  orientation: DeaOrientation;
  returnsToScale: 'constant' | 'variable';
  superEfficiency: boolean;
  tolerance: number;
  inputs: string[];
  outputs: string[];
  units: number;
  efficientUnits: number;
  warnings: string[];
  results: DeaUnitResult[];
  /** Linear programs solved (each pricing round counts once). */
  linearPrograms: number;
  seconds: number;
}

/** Unit-major scaled data: column j of the envelopment LP is [x̃_·j, ỹ_·j, (1 for BCC)]. */
interface Scaled {
  n: number;
  m: number;
  s: number;
  bcc: boolean;
  x: Float64Array;
  y: Float64Array;
  inScale: Float64Array;
  outScale: Float64Array;
}

function scaleData(data: DeaData, bcc: boolean): Scaled {
  const n = data.ids.length;
  const m = data.inputs.length;
  const s = data.outputs.length;
  const mean = (col: Float64Array) => {
    let sum = 0;
    for (const v of col) sum += v;
    return sum > 0 ? sum / col.length : 1;
  };
  const inScale = Float64Array.from(data.inputs, mean);
  const outScale = Float64Array.from(data.outputs, mean);
  const x = new Float64Array(n * m);
  const y = new Float64Array(n * s);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) x[j * m + i] = data.inputs[i]![j]! / inScale[i]!;
    for (let r = 0; r < s; r++) y[j * s + r] = data.outputs[r]![j]! / outScale[r]!;
  }
  return { n, m, s, bcc, x, y, inScale, outScale };
}

/** A column fixed in every LP of a phase: the radial variable, or one slack. */
interface FixedColumn {
  cost: number;
  lower: number;
  upper: number;
  rows: number[];
  values: number[];
}

interface RestrictedLp {
  rowLower: Float64Array;
  rowUpper: Float64Array;
  fixed: FixedColumn[];
  /** Unit whose own data forms an extra column (keeps the LP feasible before any unit has been priced in). */
  selfUnit: number | null;
  /** Unit that may not appear as a reference (super-efficiency). */
  excludedUnit: number | null;
}

interface RestrictedSolution {
  ok: boolean;
  statusText: string;
  objective: number;
  fixedValues: number[];
  /** λ per reference unit (self column folded into its unit). */
  lambdas: Map<number, number>;
}

/** Solves LPs over a growing reference set shared by all units of a run. */
class FrontierSolver {
  private readonly inReference: Uint8Array;
  readonly reference: number[] = [];
  linearPrograms = 0;

  constructor(
    private readonly highs: Highs,
    private readonly model: Model,
    private readonly data: Scaled,
    /**
     * Put every unit in the reference set up front instead of pricing them in. Super-efficiency needs this: it
     * has no self column, so a restricted LP could be infeasible although the full one is not.
     */
    allUnitsAsColumns: boolean,
  ) {
    this.inReference = new Uint8Array(data.n);
    if (allUnitsAsColumns) for (let j = 0; j < data.n; j++) this.addReference(j);
  }

  private addReference(j: number) {
    if (this.inReference[j]) return;
    this.inReference[j] = 1;
    this.reference.push(j);
  }

  private get numRows(): number {
    return this.data.m + this.data.s + (this.data.bcc ? 1 : 0);
  }

  /** Entries of unit j's column: rows 0..m−1 inputs, m..m+s−1 outputs, then the convexity row. */
  private unitColumn(j: number, rows: number[], values: number[]) {
    const { m, s, x, y, bcc } = this.data;
    for (let i = 0; i < m; i++) {
      const v = x[j * m + i]!;
      if (v !== 0) {
        rows.push(i);
        values.push(v);
      }
    }
    for (let r = 0; r < s; r++) {
      const v = y[j * s + r]!;
      if (v !== 0) {
        rows.push(m + r);
        values.push(v);
      }
    }
    if (bcc) {
      rows.push(m + s);
      values.push(1);
    }
  }

  solve(lp: RestrictedLp): RestrictedSolution {
    const { highs, model } = this;
    const columnUnits: number[] = [];
    const cost: number[] = [];
    const lower: number[] = [];
    const upper: number[] = [];
    const starts: number[] = [0];
    const rows: number[] = [];
    const values: number[] = [];
    for (const f of lp.fixed) {
      cost.push(f.cost);
      lower.push(f.lower);
      upper.push(f.upper);
      rows.push(...f.rows);
      values.push(...f.values);
      starts.push(rows.length);
    }
    const pushUnit = (j: number) => {
      columnUnits.push(j);
      cost.push(0);
      lower.push(0);
      upper.push(Number.POSITIVE_INFINITY);
      this.unitColumn(j, rows, values);
      starts.push(rows.length);
    };
    if (lp.selfUnit !== null) pushUnit(lp.selfUnit);
    for (const j of this.reference) if (j !== lp.excludedUnit) pushUnit(j);

    const numRows = this.numRows;
    const modelData: ModelData = {
      numCols: cost.length,
      numRows,
      sense: highs.constants.objectiveSense.minimize,
      colCost: cost,
      colLower: lower,
      colUpper: upper,
      rowLower: lp.rowLower,
      rowUpper: lp.rowUpper,
      matrix: { format: 'csc', numRows, numCols: cost.length, starts, indices: rows, values },
    };
    model.passModel(modelData);
    const inThisLp = new Uint8Array(this.data.n);
    for (const j of columnUnits) inThisLp[j] = 1;
    if (lp.excludedUnit !== null) inThisLp[lp.excludedUnit] = 1;

    for (;;) {
      model.run();
      this.linearPrograms++;
      const status = statusOf(highs, model.getModelStatus());
      if (status !== 'optimal') {
        return { ok: false, statusText: status, objective: Number.NaN, fixedValues: [], lambdas: new Map() };
      }
      const solution = model.getSolution();
      const entering = this.price(solution.rowDual, inThisLp);
      if (entering.length === 0) {
        const fixedValues = Array.from(solution.colValue.subarray(0, lp.fixed.length));
        const lambdas = new Map<number, number>();
        columnUnits.forEach((j, k) => {
          const v = solution.colValue[lp.fixed.length + k]!;
          if (v !== 0) lambdas.set(j, (lambdas.get(j) ?? 0) + v);
        });
        return { ok: true, statusText: status, objective: model.getObjectiveValue(), fixedValues, lambdas };
      }
      const addStarts: number[] = [0];
      const addRows: number[] = [];
      const addValues: number[] = [];
      for (const j of entering) {
        this.unitColumn(j, addRows, addValues);
        addStarts.push(addRows.length);
        columnUnits.push(j);
        inThisLp[j] = 1;
        this.addReference(j);
      }
      model.addCols({
        cost: new Float64Array(entering.length),
        lower: new Float64Array(entering.length),
        upper: new Float64Array(entering.length).fill(Number.POSITIVE_INFINITY),
        matrix: {
          format: 'csc',
          numRows,
          numCols: entering.length,
          starts: Int32Array.from(addStarts),
          indices: Int32Array.from(addRows),
          values: Float64Array.from(addValues),
        },
      });
    }
  }

  /** Units outside the LP whose column would improve it (reduced cost −a_j·y < 0), most negative first. */
  private price(rowDual: Float64Array, inThisLp: Uint8Array): number[] {
    const { n, m, s, x, y, bcc } = this.data;
    const candidates: { j: number; d: number }[] = [];
    const conv = bcc ? rowDual[m + s]! : 0;
    for (let j = 0; j < n; j++) {
      if (inThisLp[j]) continue;
      let ay = conv;
      for (let i = 0; i < m; i++) ay += x[j * m + i]! * rowDual[i]!;
      for (let r = 0; r < s; r++) ay += y[j * s + r]! * rowDual[m + r]!;
      if (-ay < -PRICE_TOLERANCE) candidates.push({ j, d: -ay });
    }
    candidates.sort((a, b) => a.d - b.d);
    return candidates.slice(0, ENTER_PER_ROUND).map((c) => c.j);
  }
}

/** Runs a DEA model over every unit. Throws DeaDataError for unusable data (see validateDeaData). */
export async function runDea(data: DeaData, options: DeaOptions): Promise<DeaResult> {
  const started = performance.now();
  const warnings = validateDeaData(data);
  const bcc = options.model === 'bcc';
  const inputOriented = options.orientation === 'input';
  const superEfficiency = options.superEfficiency === true;
  const d = scaleData(data, bcc);
  const { n, m, s } = d;
  const numRows = m + s + (bcc ? 1 : 0);
  const highs = await getHighs();
  const model = highs.createModel();
  const results: DeaUnitResult[] = [];
  let solver: FrontierSolver;
  try {
    model.options.set({ output_flag: false, random_seed: 0 });
    solver = new FrontierSolver(highs, model, d, superEfficiency);
    for (let o = 0; o < n; o++) {
      results.push(evaluateUnit(solver, data, d, o, { inputOriented, superEfficiency, numRows }));
      if ((o + 1) % 50 === 0 || o + 1 === n) options.onProgress?.(o + 1, n);
    }
  } finally {
    model.dispose();
  }
  return {
    model: options.model,
    orientation: options.orientation,
    returnsToScale: bcc ? 'variable' : 'constant',
    superEfficiency,
    tolerance: DEA_TOLERANCE,
    inputs: [...data.inputNames],
    outputs: [...data.outputNames],
    units: n,
    efficientUnits: results.filter((r) => r.status === 'efficient').length,
    warnings,
    results,
    linearPrograms: solver.linearPrograms,
    seconds: (performance.now() - started) / 1000,
  };
}

function evaluateUnit(
  solver: FrontierSolver,
  data: DeaData,
  d: Scaled,
  o: number,
  opts: { inputOriented: boolean; superEfficiency: boolean; numRows: number },
): DeaUnitResult {
  const { m, s, bcc, x, y } = d;
  const { inputOriented, superEfficiency, numRows } = opts;
  const id = data.ids[o]!;
  const xo = (i: number) => x[o * m + i]!;
  const yo = (r: number) => y[o * s + r]!;
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  if (bcc) {
    rowLower[m + s] = 1;
    rowUpper[m + s] = 1;
  }
  const selfUnit = superEfficiency ? null : o;
  const excludedUnit = superEfficiency ? o : null;

  // Phase 1, always as a minimisation: θ (input) or −φ (output).
  const radial: FixedColumn = {
    cost: inputOriented ? 1 : -1,
    lower: 0,
    upper: Infinity,
    rows: [],
    values: [],
  };
  for (let i = 0; i < m; i++) {
    rowLower[i] = -Infinity;
    rowUpper[i] = inputOriented ? 0 : xo(i);
    if (inputOriented && xo(i) !== 0) {
      radial.rows.push(i);
      radial.values.push(-xo(i));
    }
  }
  for (let r = 0; r < s; r++) {
    rowLower[m + r] = inputOriented ? yo(r) : 0;
    rowUpper[m + r] = Infinity;
    if (!inputOriented && yo(r) !== 0) {
      radial.rows.push(m + r);
      radial.values.push(-yo(r));
    }
  }
  const phase1 = solver.solve({ rowLower, rowUpper, fixed: [radial], selfUnit, excludedUnit });
  if (!phase1.ok) return infeasibleUnit(data, id, phase1.statusText);
  // θ ≤ 1 and φ ≥ 1 hold exactly when the unit is its own reference; trim solver noise beyond them.
  const raw = phase1.fixedValues[0]!;
  const score = superEfficiency ? raw : inputOriented ? Math.min(raw, 1) : Math.max(raw, 1);

  // Phase 2: radial score fixed, maximise the slacks (minimise their negative sum, in the data's units).
  for (let i = 0; i < m; i++) {
    const rhs = inputOriented ? score * xo(i) : xo(i);
    rowLower[i] = rhs;
    rowUpper[i] = rhs;
  }
  for (let r = 0; r < s; r++) {
    const rhs = inputOriented ? yo(r) : score * yo(r);
    rowLower[m + r] = rhs;
    rowUpper[m + r] = rhs;
  }
  const slackColumns: FixedColumn[] = [];
  for (let i = 0; i < m; i++) {
    slackColumns.push({ cost: -d.inScale[i]!, lower: 0, upper: Infinity, rows: [i], values: [1] });
  }
  for (let r = 0; r < s; r++) {
    slackColumns.push({ cost: -d.outScale[r]!, lower: 0, upper: Infinity, rows: [m + r], values: [-1] });
  }
  let phase2 = solver.solve({ rowLower, rowUpper, fixed: slackColumns, selfUnit, excludedUnit });
  let note: string | undefined;
  if (!phase2.ok) {
    // Only numerical trouble can get here (phase 1's solution is feasible for phase 2); keep phase 1's answer.
    note = `phase 2 (slack maximisation) ended with status ${phase2.statusText}; slacks are from phase 1`;
    phase2 = phase1SlacksOf(phase1, d, o, score, inputOriented);
  }
  return unitResult(data, d, o, score, phase2, inputOriented, superEfficiency, note);
}

/** Slacks implied by the phase-1 λ, used only when phase 2 fails numerically. */
function phase1SlacksOf(
  phase1: RestrictedSolution,
  d: Scaled,
  o: number,
  score: number,
  inputOriented: boolean,
): RestrictedSolution {
  const { m, s, x, y } = d;
  const fixedValues: number[] = [];
  for (let i = 0; i < m; i++) {
    let used = 0;
    for (const [j, l] of phase1.lambdas) used += l * x[j * m + i]!;
    fixedValues.push(Math.max(0, (inputOriented ? score : 1) * x[o * m + i]! - used));
  }
  for (let r = 0; r < s; r++) {
    let made = 0;
    for (const [j, l] of phase1.lambdas) made += l * y[j * s + r]!;
    fixedValues.push(Math.max(0, made - (inputOriented ? 1 : score) * y[o * s + r]!));
  }
  return { ok: true, statusText: 'phase1', objective: Number.NaN, fixedValues, lambdas: phase1.lambdas };
}

function infeasibleUnit(data: DeaData, id: string, status: string): DeaUnitResult {
  const zeros = (names: string[]) => Object.fromEntries(names.map((k) => [k, 0]));
  return {
    id,
    status: 'infeasible',
    efficient: false,
    weaklyEfficient: false,
    efficiency: null,
    radialScore: null,
    peers: [],
    lambdas: {},
    slacks: { inputs: zeros(data.inputNames), outputs: zeros(data.outputNames) },
    targets: { inputs: zeros(data.inputNames), outputs: zeros(data.outputNames) },
    note:
      status === 'infeasible'
        ? '没有可行的参照组合（超效率模型下常见于 BCC）/ no feasible reference set: the super-efficiency LP is infeasible'
        : `the LP ended with status ${status}`,
  };
}

/** Rounds solver noise to zero: |v| below 1e-10 of the column's scale. */
function clean(v: number, scale: number): number {
  return Math.abs(v) < 1e-10 * scale ? 0 : v;
}

function unitResult(
  data: DeaData,
  d: Scaled,
  o: number,
  score: number,
  phase2: RestrictedSolution,
  inputOriented: boolean,
  superEfficiency: boolean,
  note: string | undefined,
): DeaUnitResult {
  const { m, s } = d;
  const slackIn: Record<string, number> = {};
  const slackOut: Record<string, number> = {};
  const targetIn: Record<string, number> = {};
  const targetOut: Record<string, number> = {};
  let anySlack = false;
  for (let i = 0; i < m; i++) {
    const scaled = phase2.fixedValues[i]!;
    if (scaled > DEA_TOLERANCE) anySlack = true;
    const name = data.inputNames[i]!;
    const slack = clean(scaled * d.inScale[i]!, d.inScale[i]!);
    const xo = data.inputs[i]![o]!;
    slackIn[name] = slack;
    targetIn[name] = clean((inputOriented ? score * xo : xo) - slack, d.inScale[i]!);
  }
  for (let r = 0; r < s; r++) {
    const scaled = phase2.fixedValues[m + r]!;
    if (scaled > DEA_TOLERANCE) anySlack = true;
    const name = data.outputNames[r]!;
    const slack = clean(scaled * d.outScale[r]!, d.outScale[r]!);
    const yo = data.outputs[r]![o]!;
    slackOut[name] = slack;
    targetOut[name] = clean((inputOriented ? yo : score * yo) + slack, d.outScale[r]!);
  }
  const peers: DeaPeer[] = [...phase2.lambdas]
    .filter(([, l]) => l > 1e-9)
    .sort((a, b) => a[0] - b[0])
    .map(([j, l]) => ({ id: data.ids[j]!, lambda: l }));
  const efficiency = inputOriented ? score : 1 / score;
  const onFrontier = superEfficiency
    ? efficiency >= 1 - DEA_TOLERANCE
    : Math.abs(efficiency - 1) <= DEA_TOLERANCE;
  const status: DeaStatus = !onFrontier ? 'inefficient' : anySlack ? 'weakly-efficient' : 'efficient';
  return {
    id: data.ids[o]!,
    status,
    efficient: status === 'efficient',
    weaklyEfficient: status === 'weakly-efficient',
    efficiency,
    radialScore: score,
    peers,
    lambdas: Object.fromEntries(peers.map((peer) => [peer.id, peer.lambda])),
    slacks: { inputs: slackIn, outputs: slackOut },
    targets: { inputs: targetIn, outputs: targetOut },
    ...(note ? { note } : {}),
  };
}
