import { describe, expect, it } from 'vitest';
import { type DeaResult, runDea } from './dea.ts';
import { type DeaData, DeaDataError, validateDeaData } from './dea-data.ts';
import { generatedDeaUnits } from './generated-units.ts';

function dataOf(ids: string[], inputs: Record<string, number[]>, outputs: Record<string, number[]>): DeaData {
  return {
    ids,
    inputNames: Object.keys(inputs),
    outputNames: Object.keys(outputs),
    inputs: Object.values(inputs).map((v) => Float64Array.from(v)),
    outputs: Object.values(outputs).map((v) => Float64Array.from(v)),
  };
}

function unit(result: DeaResult, id: string) {
  const u = result.results.find((r) => r.id === id);
  if (!u) throw new Error(`no unit ${id}`);
  return u;
}

function lambdas(result: DeaResult, id: string): Record<string, number> {
  return Object.fromEntries(unit(result, id).peers.map((p) => [p.id, p.lambda]));
}

// Färe, Grosskopf & Lovell's 11 units (2 inputs, 1 output), with scores, λ and slacks as published in the
// tests of DataEnvelopmentAnalysis.jl (test/dea.jl, "Test against results with R"; the R Benchmarking package
// gives the same figures). Output-oriented scores there are φ (≥ 1).
const FGL = dataOf(
  ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'],
  { x1: [5, 16, 16, 17, 18, 23, 25, 27, 37, 42, 5], x2: [13, 12, 26, 15, 14, 6, 10, 22, 14, 25, 17] },
  { y: [12, 14, 25, 26, 8, 9, 27, 30, 31, 26, 12] },
);

function expectScores(result: DeaResult, expected: number[]) {
  expect(result.results.map((r) => r.radialScore)).toEqual(expected.map((v) => expect.closeTo(v, 8)));
}

describe('DEA on the Färe–Grosskopf–Lovell data (published scores, peers and slacks)', () => {
  it('CCR input-oriented: θ, λ and input slacks match the published results', async () => {
    const r = await runDea(FGL, { model: 'ccr', orientation: 'input' });
    expectScores(
      r,
      [
        1, 0.6222896791, 0.8198562444, 1, 0.3103709311, 0.5555555556, 1, 0.7576690896, 0.8201058201,
        0.4905660377, 1,
      ],
    );
    expect(lambdas(r, '2')).toEqual({
      '4': expect.closeTo(0.4249783174, 8),
      '7': expect.closeTo(0.10928013877, 8),
    });
    expect(lambdas(r, '3')).toEqual({
      '1': expect.closeTo(1.134321653, 8),
      '4': expect.closeTo(0.4380053908, 8),
    });
    expect(lambdas(r, '9')).toEqual({ '7': expect.closeTo(1.14814814815, 8) });
    expect(unit(r, '6').slacks.inputs).toEqual({ x1: expect.closeTo(4.444444444, 7), x2: 0 });
    expect(unit(r, '9').slacks.inputs).toEqual({ x1: expect.closeTo(1.64021164, 7), x2: 0 });
    expect(unit(r, '11').slacks.inputs).toEqual({ x1: 0, x2: expect.closeTo(4, 8) });
    expect(r.results.every((u) => u.slacks.outputs['y'] === 0)).toBe(true);
  });

  it('CCR output-oriented: φ, λ and slacks match, and efficiency is 1/φ', async () => {
    const r = await runDea(FGL, { model: 'ccr', orientation: 'output' });
    expectScores(
      r,
      [1, 1.606968641, 1.219726027, 1, 3.22195122, 1.8, 1, 1.319837398, 1.219354839, 2.038461538, 1],
    );
    expect(unit(r, '5').efficiency).toBeCloseTo(1 / 3.22195122, 8);
    expect(lambdas(r, '8')).toEqual({
      '4': expect.closeTo(1.3658536585, 8),
      '7': expect.closeTo(0.1512195122, 8),
    });
    expect(lambdas(r, '10')).toEqual({ '4': expect.closeTo(1, 8), '7': expect.closeTo(1, 8) });
    expect(unit(r, '6').slacks.inputs['x1']).toBeCloseTo(8, 7);
    expect(unit(r, '9').slacks.inputs['x1']).toBeCloseTo(2, 7);
  });

  it('BCC input-oriented: θ, three-unit peer sets and an output slack match', async () => {
    const r = await runDea(FGL, { model: 'bcc', orientation: 'input' });
    expectScores(r, [1, 0.8699861687, 1, 1, 0.7116402116, 1, 1, 1, 1, 0.4931209269, 1]);
    expect(lambdas(r, '2')).toEqual({
      '1': expect.closeTo(0.52558782849, 8),
      '6': expect.closeTo(0.2842323651, 8),
      '7': expect.closeTo(0.1901798064, 8),
    });
    expect(lambdas(r, '10')).toEqual({
      '1': expect.closeTo(0.03711078928, 8),
      '4': expect.closeTo(0.4433381608, 8),
      '7': expect.closeTo(0.51955105, 8),
    });
    expect(unit(r, '5').slacks.outputs['y']).toBeCloseTo(2.698412698, 7);
    expect(unit(r, '11').slacks.inputs['x2']).toBeCloseTo(4, 8);
  });

  it('BCC output-oriented: φ and the slacks of unit 10 (5 and 11) match', async () => {
    const r = await runDea(FGL, { model: 'bcc', orientation: 'output' });
    expectScores(r, [1, 1.507518797, 1, 1, 3.203947368, 1, 1, 1, 1, 1.192307692, 1]);
    expect(lambdas(r, '10')).toEqual({ '9': expect.closeTo(1, 8) });
    expect(unit(r, '10').slacks.inputs).toEqual({ x1: expect.closeTo(5, 7), x2: expect.closeTo(11, 7) });
  });

  it('classifies units with score 1 and a positive slack as weakly efficient, and gives their targets', async () => {
    const r = await runDea(FGL, { model: 'ccr', orientation: 'input' });
    expect(r.results.map((u) => u.status)).toEqual([
      'efficient',
      'inefficient',
      'inefficient',
      'efficient',
      'inefficient',
      'inefficient',
      'efficient',
      'inefficient',
      'inefficient',
      'inefficient',
      'weakly-efficient',
    ]);
    expect(r.efficientUnits).toBe(3);
    expect(unit(r, '11')).toMatchObject({
      efficient: false,
      weaklyEfficient: true,
      lambdas: { '1': expect.closeTo(1, 9) },
    });
    expect(unit(r, '4')).toMatchObject({ efficient: true, weaklyEfficient: false });
    // Unit 6: θ = 5/9, x = (23, 6), s⁻ = (4.444, 0): target (23·5/9 − 4.444, 6·5/9) = (8.333, 3.333), y = 9.
    const six = unit(r, '6');
    expect(six.targets.inputs['x1']).toBeCloseTo(25 / 3, 7);
    expect(six.targets.inputs['x2']).toBeCloseTo(10 / 3, 7);
    expect(six.targets.outputs['y']).toBeCloseTo(9, 8);
  });
});

describe('DEA on the examples of Cooper, Seiford & Tone (2007)', () => {
  it('one input, one output (chapter 1 stores, employees → sales): CCR efficiency is sales per employee relative to B', async () => {
    const stores = dataOf(
      ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'],
      { employees: [2, 3, 3, 4, 5, 5, 6, 8] },
      { sales: [1, 3, 2, 3, 4, 2, 3, 5] },
    );
    const r = await runDea(stores, { model: 'ccr', orientation: 'input' });
    expect(r.results.map((u) => u.efficiency)).toEqual(
      [0.5, 1, 2 / 3, 0.75, 0.8, 0.4, 0.5, 0.625].map((v) => expect.closeTo(v, 9)),
    );
    expect(r.results.filter((u) => u.status === 'efficient').map((u) => u.id)).toEqual(['B']);
    expect(unit(r, 'H').peers).toEqual([{ id: 'B', lambda: expect.closeTo(5 / 3, 9) }]);
  });

  it('two inputs, one output (chapter 3, DMUs A–F): A = 6/7, B = 12/19, F weakly efficient with slack 2', async () => {
    const d = dataOf(
      ['A', 'B', 'C', 'D', 'E', 'F'],
      { x1: [4, 7, 8, 4, 2, 10], x2: [3, 3, 1, 2, 4, 1] },
      { y: [1, 1, 1, 1, 1, 1] },
    );
    const r = await runDea(d, { model: 'ccr', orientation: 'input' });
    expect(unit(r, 'A').efficiency).toBeCloseTo(6 / 7, 9);
    expect(lambdas(r, 'A')).toEqual({ D: expect.closeTo(5 / 7, 9), E: expect.closeTo(2 / 7, 9) });
    expect(unit(r, 'B').efficiency).toBeCloseTo(12 / 19, 9);
    expect(lambdas(r, 'B')).toEqual({ C: expect.closeTo(2 / 19, 9), D: expect.closeTo(17 / 19, 9) });
    expect(['C', 'D', 'E'].map((id) => unit(r, id).status)).toEqual(['efficient', 'efficient', 'efficient']);
    const f = unit(r, 'F');
    expect(f.status).toBe('weakly-efficient');
    expect(f.efficiency).toBeCloseTo(1, 9);
    expect(f.slacks.inputs['x1']).toBeCloseTo(2, 8);
    expect(f.peers).toEqual([{ id: 'C', lambda: expect.closeTo(1, 9) }]);
    expect(f.targets.inputs).toEqual({ x1: expect.closeTo(8, 8), x2: expect.closeTo(1, 9) });
  });
});

function randomData(seed: number, units: number, inputs: number, outputs: number): DeaData {
  return generatedDeaUnits({ units, inputs, outputs, seed });
}

describe('DEA properties on generated data', () => {
  const seeds = [1, 2, 3];

  it('scores lie in (0, 1] and at least one unit is efficient, for every model and orientation', async () => {
    for (const seed of seeds) {
      const d = randomData(seed, 60, 3, 2);
      for (const model of ['ccr', 'bcc'] as const) {
        for (const orientation of ['input', 'output'] as const) {
          const r = await runDea(d, { model, orientation });
          for (const u of r.results) {
            expect(u.efficiency).toBeGreaterThan(0);
            expect(u.efficiency).toBeLessThanOrEqual(1);
          }
          expect(r.efficientUnits).toBeGreaterThanOrEqual(1);
        }
      }
    }
  });

  it('BCC scores are at least the CCR scores, and CCR input and output scores are reciprocal', async () => {
    for (const seed of seeds) {
      const d = randomData(seed, 60, 3, 2);
      const ccrIn = await runDea(d, { model: 'ccr', orientation: 'input' });
      const ccrOut = await runDea(d, { model: 'ccr', orientation: 'output' });
      const bccIn = await runDea(d, { model: 'bcc', orientation: 'input' });
      const bccOut = await runDea(d, { model: 'bcc', orientation: 'output' });
      ccrIn.results.forEach((u, j) => {
        expect(bccIn.results[j]!.efficiency!).toBeGreaterThanOrEqual(u.efficiency! - 1e-9);
        expect(bccOut.results[j]!.efficiency!).toBeGreaterThanOrEqual(ccrOut.results[j]!.efficiency! - 1e-9);
        expect(u.radialScore! * ccrOut.results[j]!.radialScore!).toBeCloseTo(1, 8);
      });
    }
  });

  it('agrees with solving each unit against every unit: the frontier shortcut changes no score', async () => {
    const d = randomData(9, 40, 2, 2);
    for (const model of ['ccr', 'bcc'] as const) {
      const fast = await runDea(d, { model, orientation: 'input' });
      // Super-efficiency puts every other unit in each LP; for inefficient units it is the plain score.
      const full = await runDea(d, { model, orientation: 'input', superEfficiency: true });
      fast.results.forEach((u, j) => {
        if (u.status === 'inefficient') expect(full.results[j]!.efficiency).toBeCloseTo(u.efficiency!, 8);
        else
          expect(full.results[j]!.status === 'infeasible' || full.results[j]!.efficiency! >= 1 - 1e-9).toBe(
            true,
          );
      });
    }
  });

  it('projects every unit onto the frontier: a unit replaced by its target scores 1 with no slack', async () => {
    const d = randomData(4, 30, 2, 2);
    for (const model of ['ccr', 'bcc'] as const) {
      const r = await runDea(d, { model, orientation: 'input' });
      for (const o of [0, 5, 11, 17]) {
        const u = r.results[o]!;
        const projected: DeaData = {
          ...d,
          inputs: d.inputs.map((col, i) =>
            col.map((v, j) => (j === o ? u.targets.inputs[d.inputNames[i]!]! : v)),
          ),
          outputs: d.outputs.map((col, k) =>
            col.map((v, j) => (j === o ? u.targets.outputs[d.outputNames[k]!]! : v)),
          ),
        };
        const again = await runDea(projected, { model, orientation: 'input' });
        expect(again.results[o]!.efficiency).toBeCloseTo(1, 6);
        expect(again.results[o]!.status).toBe('efficient');
      }
    }
  });
});

describe('DEA super-efficiency', () => {
  const d = dataOf(['small', 'mid', 'big'], { x: [1, 2, 3] }, { y: [1, 3, 4] });

  it('rates an efficient unit above 1 against the others (CCR)', async () => {
    const r = await runDea(d, { model: 'ccr', orientation: 'input', superEfficiency: true });
    // mid has the best ratio (3/2); the best of the others is big (4/3), so θ = (3/2) / (4/3) = 1.125.
    expect(unit(r, 'mid').efficiency).toBeCloseTo(1.125, 8);
    expect(unit(r, 'mid').status).toBe('efficient');
  });

  it('reports BCC units with no feasible reference as infeasible, naming why, instead of failing', async () => {
    const input = await runDea(d, { model: 'bcc', orientation: 'input', superEfficiency: true });
    expect(unit(input, 'big').status).toBe('infeasible'); // no one else makes 4
    expect(unit(input, 'big').efficiency).toBeNull();
    expect(unit(input, 'big').note).toMatch(/infeasible/);
    const output = await runDea(d, { model: 'bcc', orientation: 'output', superEfficiency: true });
    expect(unit(output, 'small').status).toBe('infeasible'); // no one else uses as little as 1
    expect(unit(output, 'big').efficiency).toBeCloseTo(4 / 3, 8); // φ = 3/4 against mid
  });
});

describe('DEA data validation', () => {
  const ok = () => dataOf(['a', 'b', 'c'], { x: [1, 2, 3] }, { y: [1, 1, 2] });

  function problemsOf(d: DeaData) {
    try {
      validateDeaData(d);
    } catch (error) {
      expect(error).toBeInstanceOf(DeaDataError);
      return (error as DeaDataError).problems;
    }
    throw new Error('expected a DeaDataError');
  }

  it('names the unit and column of a negative, NaN or infinite value', () => {
    const d = ok();
    d.inputs[0]![1] = -1;
    d.outputs[0]![2] = Number.NaN;
    d.outputs[0]![0] = Number.POSITIVE_INFINITY;
    expect(problemsOf(d)).toEqual([
      {
        unit: 1,
        column: 'x',
        message: expect.stringMatching(/negative/),
        messageZh: expect.stringMatching(/负数/),
      },
      {
        unit: 0,
        column: 'y',
        message: expect.stringMatching(/not a finite number/),
        messageZh: 'Infinity 不是有限数',
      },
      {
        unit: 2,
        column: 'y',
        message: expect.stringMatching(/not a finite number/),
        messageZh: 'NaN 不是有限数',
      },
    ]);
  });

  it('rejects duplicate and empty ids, naming the first use', () => {
    const d = ok();
    d.ids = ['a', '', 'a'];
    expect(problemsOf(d)).toEqual([
      { unit: 1, message: 'the unit id is empty', messageZh: '单元编号为空' },
      { unit: 2, message: 'duplicate id "a"', messageZh: '编号 "a" 重复', duplicateOf: 0 },
    ]);
  });

  it('rejects a unit with every input zero or every output zero, but accepts a zero in some inputs', () => {
    const d = dataOf(['a', 'b', 'c'], { x1: [0, 1, 2], x2: [0, 1, 0] }, { y1: [1, 0, 1], y2: [1, 0, 2] });
    const problems = problemsOf(d);
    expect(problems.map((p) => p.unit)).toEqual([0, 1]);
    expect(problems[0]!.message).toMatch(/every input zero/);
    expect(problems[1]!.message).toMatch(/every output zero/);
    const partial = dataOf(['a', 'b'], { x1: [0, 1], x2: [2, 1] }, { y: [1, 1] });
    expect(() => validateDeaData(partial)).not.toThrow();
  });

  it('rejects a column used as both input and output', () => {
    const d = ok();
    d.outputNames = ['x'];
    expect(problemsOf(d)[0]).toEqual({
      column: 'x',
      message: expect.stringMatching(/named twice/),
      messageZh: expect.stringMatching(/两次/),
    });
  });

  it('warns when there are too few units for the number of inputs and outputs', () => {
    expect(validateDeaData(ok())[0]).toMatch(/only 3 units.*max\(m·s, 3\(m\+s\)\) = 6/);
    expect(validateDeaData(randomData(1, 12, 1, 1))).toEqual([]);
  });

  it('runDea refuses invalid data before solving anything', async () => {
    const d = ok();
    d.inputs[0]![0] = -5;
    await expect(runDea(d, { model: 'ccr', orientation: 'input' })).rejects.toBeInstanceOf(DeaDataError);
  });
});
