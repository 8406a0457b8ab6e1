// Deterministic synthetic DEA data for tests and benchmarks: each unit has a size (1–10) that scales its inputs,
// and an efficiency (0.3–1) that scales what it makes of them, with ±50 % noise per column.
import { seededRandom } from '../random/seeded.ts';
import type { DeaData } from './dea-data.ts';

export function generatedDeaUnits(opts: {
  units: number;
  inputs: number;
  outputs: number;
  seed: number;
}): DeaData {
  const rnd = seededRandom(opts.seed);
  const n = opts.units;
  const inputs = Array.from({ length: opts.inputs }, () => new Float64Array(n));
  const outputs = Array.from({ length: opts.outputs }, () => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    const size = 1 + 9 * rnd();
    for (const column of inputs) column[j] = size * (0.5 + rnd());
    const efficiency = 0.3 + 0.7 * rnd();
    for (const column of outputs) column[j] = size * efficiency * (0.5 + rnd());
  }
  return {
    ids: Array.from({ length: n }, (_, j) => `U${j + 1}`),
    inputNames: inputs.map((_, i) => `in${i + 1}`),
    outputNames: outputs.map((_, r) => `out${r + 1}`),
    inputs,
    outputs,
  };
}
