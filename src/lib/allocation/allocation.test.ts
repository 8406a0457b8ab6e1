import { describe, expect, it } from 'vitest';
import { allocate, maxFeasibleMinShare, weightedGini } from './allocate.ts';
import { AllocationInfeasibleError, AllocationInputError, type AllocationProblem } from './problem.ts';
import { tradeOffCurve } from './trade-off.ts';

// Two communities: A near the care station (one hour of care costs one hour), B remote (travel doubles it).
function twoCommunities(budget: number, extra: Partial<AllocationProblem> = {}): AllocationProblem {
  return {
    ids: ['a1', 'a2', 'b1'],
    need: Float64Array.of(10, 10, 20),
    group: ['A', 'A', 'B'],
    cost: Float64Array.of(1, 1, 2),
    budget,
    ...extra,
  };
}

describe('allocate', () => {
  it('without a floor spends the budget where it meets the most need (the near community)', async () => {
    const r = await allocate(twoCommunities(30));
    expect(r).toMatchObject({ status: 'optimal', optimal: true, gap: 0 });
    expect(r.objective).toBeCloseTo(25, 9);
    expect(Array.from(r.allocation)).toEqual([10, 10, 5].map((v) => expect.closeTo(v, 9)));
    expect(r.budgetUsed).toBeCloseTo(30, 9);
    expect(r.minGroupShare).toBeCloseTo(0.25, 9);
  });

  it('with a 50% floor gives each community half its need and loses 5 hours of need met', async () => {
    const r = await allocate(twoCommunities(30, { minShare: 0.5 }));
    expect(r.optimal).toBe(true);
    expect(r.objective).toBeCloseTo(20, 9);
    const byGroup = Object.fromEntries(r.groups.map((g) => [g.group, g]));
    expect(byGroup.A!.share).toBeCloseTo(0.5, 9);
    expect(byGroup.B!.share).toBeCloseTo(0.5, 9);
    expect(r.gini).toBeCloseTo(0, 9);
  });

  it('shares equally among tied optima: equal needs and costs split the budget evenly', async () => {
    const r = await allocate({
      ids: ['x', 'y'],
      need: Float64Array.of(10, 10),
      group: ['A', 'B'],
      budget: 10,
    });
    expect(r.objective).toBeCloseTo(10, 9);
    expect(Array.from(r.allocation)).toEqual([5, 5].map((v) => expect.closeTo(v, 6)));
    expect(r.method).toContain('max-min share');
  });

  it('treats equal units of one community equally (merged into one column)', async () => {
    const r = await allocate({
      ids: ['a', 'b', 'c', 'd'],
      need: Float64Array.of(4, 8, 4, 0),
      group: ['A', 'A', 'A', 'A'],
      budget: 8,
    });
    expect(r.reduced.columns).toBe(1);
    expect(Array.from(r.allocation)).toEqual([2, 4, 2, 0].map((v) => expect.closeTo(v, 9)));
  });

  it('respects caps per unit and priority weights', async () => {
    const r = await allocate({
      ids: ['frail', 'fit'],
      need: Float64Array.of(10, 10),
      group: ['A', 'A'],
      weight: Float64Array.of(3, 1),
      cap: Float64Array.of(6, Number.NaN),
      budget: 10,
    });
    expect(Array.from(r.allocation)).toEqual([6, 4].map((v) => expect.closeTo(v, 9)));
    expect(r.objective).toBeCloseTo(22, 9);
  });

  it('allocates whole units as a MIP and reports it optimal only with the proof', async () => {
    const r = await allocate({
      ids: ['a', 'b', 'c'],
      need: Float64Array.of(2.5, 2.5, 2.5),
      group: ['A', 'A', 'A'],
      budget: 5,
      integer: true,
    });
    expect(r.optimal).toBe(true);
    expect(Array.from(r.allocation)).toEqual([2, 2, 1]);
    expect(r.allocation.every((v) => Number.isInteger(v))).toBe(true);
  });

  it('names the budget constraint, with the least budget that meets the floor, when the floor costs too much', async () => {
    const err = await allocate(twoCommunities(20, { minShare: 0.5 })).catch((e) => e);
    expect(err).toBeInstanceOf(AllocationInfeasibleError);
    expect(err.constraint).toEqual({
      kind: 'min-share-budget',
      minimumBudget: 30,
      budget: 20,
      minShare: 0.5,
    });
    expect(err.message).toContain('budget constraint');
    expect(err.message).toContain('at least 30');
  });

  it('names the community whose caps cannot reach the floor whatever the budget', async () => {
    const err = await allocate(
      twoCommunities(1000, { minShare: 0.5, cap: Float64Array.of(Number.NaN, Number.NaN, 5) }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(AllocationInfeasibleError);
    expect(err.constraint).toEqual({
      kind: 'min-share-cap',
      groups: [{ group: 'B', need: 20, required: 10, reachable: 5 }],
    });
    expect(err.message).toContain('group "B"');
  });

  it('rejects bad input naming the row and field: negative, non-finite, duplicate id, zero cost, share > 1', async () => {
    const err = await allocate({
      ids: ['a', 'b', 'a', ''],
      need: Float64Array.of(1, -2, Number.NaN, 1),
      group: ['A', 'A', 'B', ' '],
      cost: Float64Array.of(1, 0, 1, 1),
      budget: -1,
      minShare: 1.5,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(AllocationInputError);
    const p = (err as AllocationInputError).problems;
    expect(p).toEqual(
      expect.arrayContaining([
        { index: 2, field: 'id', message: 'duplicate id "a"', messageZh: '编号 "a" 重复', duplicateOf: 0 },
        { index: 3, field: 'id', message: 'the id is empty', messageZh: '编号为空' },
        { index: 3, field: 'group', message: 'the group is empty', messageZh: '分组为空' },
        { index: 1, field: 'need', message: '-2 is not a number ≥ 0', messageZh: '-2 不是 ≥ 0 的数' },
        { index: 2, field: 'need', message: 'NaN is not a number ≥ 0', messageZh: 'NaN 不是 ≥ 0 的数' },
        { index: 1, field: 'cost', message: '0 is not a cost > 0', messageZh: '成本 0 不是大于 0 的数' },
        { field: 'budget', message: '-1 is not a budget ≥ 0', messageZh: '预算 -1 不是 ≥ 0 的数' },
        {
          field: 'minShare',
          message: '1.5 is not a share between 0 and 1',
          messageZh: '比例 1.5 不在 0 与 1 之间',
        },
      ]),
    );
  });
});

describe('trade-off curve', () => {
  it('finds the largest feasible floor and shows worth falling as the floor rises', async () => {
    expect((await maxFeasibleMinShare(twoCommunities(30))).share).toBeCloseTo(0.5, 9);
    const curve = await tradeOffCurve(twoCommunities(30), 3);
    expect(curve.maxMinShare).toBeCloseTo(0.5, 6);
    expect(curve.points.map((p) => p.objective)).toEqual([25, 25, 20].map((v) => expect.closeTo(v, 6)));
    expect(curve.points.every((p) => p.optimal)).toBe(true);
    expect(curve.points[2]!.gini).toBeCloseTo(0, 6);
    expect(curve.points[0]!.gini).toBeGreaterThan(0);
  });
});

describe('weightedGini', () => {
  it('is 0 for equal shares and 0.5 for one of two equal groups served fully and one not at all', () => {
    expect(weightedGini([0.3, 0.3, 0.3], [1, 2, 3])).toBe(0);
    expect(weightedGini([0, 1], [1, 1])).toBeCloseTo(0.5, 12);
  });
});
