import { describe, expect, it } from 'vitest';
import { csvDir, runCli, runJson } from './engine-cli.testing.ts';

const file = csvDir('cbrain-dea-');

// Cooper, Seiford & Tone (2007), the 12-hospital example (Table 1.5: doctors, nurses → outpatients,
// inpatients), written with a UTF-8 BOM as spreadsheet exports are.
const HOSPITALS = file(
  'hospitals.csv',
  '\uFEFFhospital,doctors,nurses,outpatients,inpatients\n' +
    'A,20,151,100,90\nB,19,131,150,50\nC,25,160,160,55\nD,27,168,180,72\nE,22,158,94,66\nF,55,255,230,90\n' +
    'G,33,235,220,88\nH,31,206,152,80\nI,30,244,190,100\nJ,50,268,250,100\nK,53,306,260,147\nL,38,284,250,120\n',
);
const HOSPITAL_ARGS = [
  '--id',
  'hospital',
  '--inputs',
  'doctors,nurses',
  '--outputs',
  'outpatients,inpatients',
];

async function hospitals(model: string, orientation: string) {
  const run = await runJson([
    'dea',
    '--input',
    HOSPITALS,
    ...HOSPITAL_ARGS,
    '--model',
    model,
    '--orientation',
    orientation,
  ]);
  return run.json;
}

describe('cbrain dea', () => {
  it('prints the CCR scores of the hospital example as published (A, B, D efficient; C 0.883 … L 0.958)', async () => {
    const out = await hospitals('ccr', 'input');
    expect(out).toMatchObject({
      model: 'ccr',
      orientation: 'input',
      returnsToScale: 'constant',
      tolerance: 1e-6,
      inputs: ['doctors', 'nurses'],
      outputs: ['outpatients', 'inpatients'],
      units: 12,
      efficientUnits: 3,
    });
    const published = [1, 1, 0.883, 1, 0.763, 0.835, 0.902, 0.796, 0.96, 0.871, 0.955, 0.958];
    expect(out.results.map((u: { efficiency: number }) => u.efficiency)).toEqual(
      published.map((v) => expect.closeTo(v, 3)),
    );
    const c = out.results[2];
    expect(c).toMatchObject({ id: 'C', status: 'inefficient' });
    expect(Object.keys(c.slacks.inputs)).toEqual(['doctors', 'nurses']);
    expect(c.peers.length).toBeGreaterThan(0);
    // The target of an input-oriented CCR unit uses θ·x − s⁻ of each input.
    expect(c.targets.inputs.doctors).toBeCloseTo(c.efficiency * 25 - c.slacks.inputs.doctors, 9);
  });

  it('runs BCC output-oriented and reports φ as radialScore and 1/φ as efficiency', async () => {
    const out = await hospitals('bcc', 'output');
    expect(out.returnsToScale).toBe('variable');
    for (const u of out.results) {
      expect(u.radialScore).toBeGreaterThanOrEqual(1);
      expect(u.efficiency).toBeCloseTo(1 / u.radialScore, 12);
    }
  });

  it('exits 1 naming file, line and column for a negative value and for a duplicate id', async () => {
    const bad = file('bad.csv', 'id,x,y\na,1,2\nb,-3,2\na,2,2\n');
    const r = await runCli(['dea', '--input', bad, '--id', 'id', '--inputs', 'x', '--outputs', 'y']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${bad}:3 [x]: -3 为负数；DEA 需要 ≥ 0 的值 / -3 is negative`);
    expect(r.stderr).toContain(
      `${bad}:4: 编号 "a" 重复（首次出现在第 2 行） / duplicate id "a" (first on line 2)`,
    );
  });

  it('exits 1 for a non-numeric cell and for a unit whose outputs are all zero', async () => {
    const text = file('text.csv', 'id,x,y\na,1,2\nb,lots,2\n');
    const r1 = await runCli(['dea', '--input', text, '--id', 'id', '--inputs', 'x', '--outputs', 'y']);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(`${text}:3 [x]: "lots" 不是数字 / "lots" is not a number`);
    const zero = file('zero.csv', 'id,x,y\na,1,2\nb,2,0\n');
    const r2 = await runCli(['dea', '--input', zero, '--id', 'id', '--inputs', 'x', '--outputs', 'y']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/zero\.csv:3: 单元 "b" 的产出全为零.* \/ unit "b" has every output zero/);
  });

  it('reports every bad row of the file at once, and prints nothing', async () => {
    const bad = file(
      'many.csv',
      ['id,x,y', 'a,1,2', 'b,lots,2', 'c,-1,2', 'a,2,2', 'd,3', 'e,2,none', 'f,4,4'].join('\n'),
    );
    const r = await runCli(['dea', '--input', bad, '--id', 'id', '--inputs', 'x', '--outputs', 'y']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(
      'cbrain: 输入有 5 处问题，未输出任何结果 / 5 problems in the input; nothing was computed',
    );
    expect(lines.slice(1)).toEqual([
      `${bad}:3 [x]: "lots" 不是数字 / "lots" is not a number`,
      `${bad}:4 [x]: -1 为负数；DEA 需要 ≥ 0 的值 / -1 is negative; DEA needs values ≥ 0`,
      `${bad}:5: 编号 "a" 重复（首次出现在第 2 行） / duplicate id "a" (first on line 2)`,
      `${bad}:6: 该行有 2 个字段，表头有 3 列 / the row has 2 fields, the header has 3`,
      `${bad}:7 [y]: "none" 不是数字 / "none" is not a number`,
    ]);
  });

  it('exits 2 for a column the file lacks and for an unknown model', async () => {
    const r1 = await runCli([
      'dea',
      '--input',
      HOSPITALS,
      '--id',
      'hospital',
      '--inputs',
      'beds',
      '--outputs',
      'inpatients',
    ]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/no column "beds"; columns are: hospital, doctors/);
    const r2 = await runCli(['dea', '--input', HOSPITALS, ...HOSPITAL_ARGS, '--model', 'sbm']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/Allowed choices are ccr, bcc/);
  });
});
