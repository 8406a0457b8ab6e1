import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random/seeded.ts';
import { LinearProgramBuilder, relativeGap, solveLinearProgram } from './highs.ts';

describe('solveLinearProgram', () => {
  it('solves a small MIP to proven optimality and returns the solution', async () => {
    // max 30 chairs + 50 tables, carpentry chairs + 2 tables ≤ 40, finishing 2 chairs + tables ≤ 50.
    const b = new LinearProgramBuilder();
    const chairs = b.addColumn(30, 0, Number.POSITIVE_INFINITY, true);
    const tables = b.addColumn(50, 0, Number.POSITIVE_INFINITY, true);
    b.addRow(Number.NEGATIVE_INFINITY, 40, [chairs, tables], [1, 2]);
    b.addRow(Number.NEGATIVE_INFINITY, 50, [chairs, tables], [2, 1]);
    const r = await solveLinearProgram(b.build('max'));
    expect(r).toMatchObject({ status: 'optimal', optimal: true, objective: 1100, gap: 0 });
    expect(Array.from(r.x!)).toEqual([20, 10]);
  });

  it('reports an infeasible model as infeasible, with no solution and no bound', async () => {
    const b = new LinearProgramBuilder();
    const x = b.addColumn(1, 0, 1);
    b.addRow(2, Number.POSITIVE_INFINITY, [x], 1);
    const r = await solveLinearProgram(b.build('min'));
    expect(r).toMatchObject({ status: 'infeasible', optimal: false, objective: null, x: null });
  });

  it('stops at the time limit on a hard MIP and reports the incumbent, the bound and the gap, not optimality', async () => {
    // A market-split instance (Cornuéjols & Dawande 1999): 4 equations over 40 binaries, minimise the deviation.
    const rnd = seededRandom(99);
    const b = new LinearProgramBuilder();
    const xs = Array.from({ length: 40 }, () => b.addColumn(0, 0, 1, true));
    for (let i = 0; i < 4; i++) {
      const a = xs.map(() => Math.floor(rnd() * 100));
      const rhs = Math.floor(a.reduce((s, v) => s + v, 0) / 2);
      const over = b.addColumn(1, 0, Number.POSITIVE_INFINITY);
      const under = b.addColumn(1, 0, Number.POSITIVE_INFINITY);
      b.addRow(rhs, rhs, [...xs, over, under], [...a, -1, 1]);
    }
    const started = performance.now();
    const r = await solveLinearProgram(b.build('min'), { timeLimit: 0.3 });
    expect((performance.now() - started) / 1000).toBeLessThan(2);
    expect(r.status).toBe('time-limit');
    expect(r.optimal).toBe(false);
    expect(r.objective).not.toBeNull();
    expect(r.bound!).toBeLessThanOrEqual(r.objective!);
    expect(r.gap).toBeCloseTo(relativeGap(r.objective!, r.bound!), 12);
  });
});

describe('relativeGap', () => {
  it('is 0 when objective and bound meet and the difference over the larger magnitude otherwise', () => {
    expect(relativeGap(5, 5)).toBe(0);
    expect(relativeGap(100, 90)).toBeCloseTo(0.1, 12);
    expect(relativeGap(0, 4)).toBe(1);
  });
});
