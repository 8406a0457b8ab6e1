import { describe, expect, it } from 'vitest';
import { csvDir, runCli, runJson } from './engine-cli.testing.ts';

const file = csvDir('cbrain-allocate-');

// Community B is remote: one hour of care there costs two hours of a worker's time (travel).
const RESIDENTS = file(
  'residents.csv',
  '\uFEFFid,community,hours,cap,travel\nr1,A,10,,1\nr2,A,10,,1\nr3,B,20,,2\n',
);
const BASE = ['allocate', '--input', RESIDENTS, '--id', 'id', '--need', 'hours', '--group', 'community'];

describe('cbrain allocate', () => {
  it('prints the optimal allocation with group shares and the trade-off curve', async () => {
    const { json } = await runJson([
      ...BASE,
      '--cost',
      'travel',
      '--budget',
      '30',
      '--min-share',
      '0.5',
      '--curve',
      '3',
    ]);
    expect(json).toMatchObject({ status: 'optimal', optimal: true, gap: 0, minShare: 0.5, gini: 0 });
    expect(json.objective).toBeCloseTo(20, 9);
    expect(json.allocations).toEqual([
      { id: 'r1', group: 'A', need: 10, allocated: expect.closeTo(5, 6) },
      { id: 'r2', group: 'A', need: 10, allocated: expect.closeTo(5, 6) },
      { id: 'r3', group: 'B', need: 20, allocated: expect.closeTo(10, 6) },
    ]);
    expect(json.tradeOff.maxMinShare).toBeCloseTo(0.5, 6);
    expect(json.tradeOff.points.map((p: { objective: number }) => p.objective)).toEqual(
      [25, 25, 20].map((v) => expect.closeTo(v, 6)),
    );
  });

  it('applies the cap column (empty = none)', async () => {
    const { json } = await runJson([...BASE, '--budget', '40', '--cap', 'cap']);
    expect(json.needMet).toBeCloseTo(40, 9);
  });

  it('exits 1 naming the budget constraint when the floor costs more than the budget', async () => {
    const r = await runCli([...BASE, '--cost', 'travel', '--budget', '20', '--min-share', '0.5']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      "infeasible: budget constraint: meeting 50% of every group's need costs at least 30, the budget is 20",
    );
  });

  it('exits 1 naming file, line and column for a negative need and a duplicate id', async () => {
    const bad = file('bad.csv', 'id,community,hours\nr1,A,5\nr2,A,-3\nr1,B,2\n');
    const r = await runCli([
      'allocate',
      '--input',
      bad,
      '--id',
      'id',
      '--need',
      'hours',
      '--group',
      'community',
      '--budget',
      '5',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:3 [hours]: -3 不是 ≥ 0 的数 / -3 is not a number ≥ 0`);
    expect(r.stderr).toContain(
      `${bad}:4 [id]: 编号 "r1" 重复（首次出现在第 2 行） / duplicate id "r1" (first on line 2)`,
    );
  });

  it('reports every bad row at once (parsing and the engine checks together), and prints nothing', async () => {
    const bad = file(
      'many.csv',
      ['id,community,hours,cap', 'r1,A,many,', 'r2,A,-3,', 'r1,,2,', 'r4,B,4,lots', 'r5,B,1,,extra'].join(
        '\n',
      ),
    );
    const r = await runCli([
      'allocate',
      '--input',
      bad,
      '--id',
      'id',
      '--need',
      'hours',
      '--group',
      'community',
      '--cap',
      'cap',
      '--budget',
      '5',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(
      'cbrain: 输入有 6 处问题，未输出任何结果 / 6 problems in the input; nothing was computed',
    );
    expect(lines.slice(1)).toEqual([
      `${bad}:2 [hours]: "many" 不是数字 / "many" is not a number`,
      `${bad}:3 [hours]: -3 不是 ≥ 0 的数 / -3 is not a number ≥ 0`,
      `${bad}:4 [id]: 编号 "r1" 重复（首次出现在第 2 行） / duplicate id "r1" (first on line 2)`,
      `${bad}:4 [community]: 分组为空 / the group is empty`,
      `${bad}:5 [cap]: "lots" 不是数字（不设上限请留空） / "lots" is not a number (leave empty for none)`,
      `${bad}:6: 该行有 5 个字段，表头有 4 列 / the row has 5 fields, the header has 4`,
    ]);
  });

  it('exits 1 for a non-numeric need and 2 for a bad --min-share', async () => {
    const bad = file('text.csv', 'id,community,hours\nr1,A,many\n');
    const r = await runCli([
      'allocate',
      '--input',
      bad,
      '--id',
      'id',
      '--need',
      'hours',
      '--group',
      'community',
      '--budget',
      '5',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:2 [hours]: "many" 不是数字 / "many" is not a number`);
    const u = await runCli([...BASE, '--budget', '5', '--min-share', '2']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('--min-share must be a share between 0 and 1, got "2"');
  });
});
