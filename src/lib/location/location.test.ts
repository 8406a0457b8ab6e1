import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random/seeded.ts';
import { coverage, EARTH_RADIUS_M, haversine, isWithin, type Metric } from './geometry.ts';
import { solveLocation } from './location.ts';
import { LocationInputError, type LocationProblem } from './problem.ts';

// ---- brute force: every p-subset of the sites (fixed sites included), the reference the solvers must meet ----

function subsets(m: number, k: number, mustInclude: number[]): number[][] {
  const out: number[][] = [];
  const pick = (start: number, chosen: number[]) => {
    if (chosen.length === k) {
      if (mustInclude.every((j) => chosen.includes(j))) out.push([...chosen]);
      return;
    }
    for (let j = start; j < m; j++) pick(j + 1, [...chosen, j]);
  };
  pick(0, []);
  return out;
}

function dist(problem: LocationProblem, i: number, j: number): number {
  const { demand: d, sites: s } = problem;
  return problem.metric === 'haversine'
    ? haversine(d.x[i]!, d.y[i]!, s.x[j]!, s.y[j]!)
    : Math.hypot(d.x[i]! - s.x[j]!, d.y[i]! - s.y[j]!);
}

function fixedOf(problem: LocationProblem): number[] {
  return problem.sites.ids.map((_, j) => j).filter((j) => problem.sites.fixed?.[j]);
}

function bruteMclp(problem: LocationProblem): number {
  let best = -1;
  for (const set of subsets(problem.sites.ids.length, problem.p!, fixedOf(problem))) {
    let covered = 0;
    problem.demand.ids.forEach((_, i) => {
      if (set.some((j) => isWithin(dist(problem, i, j), problem.radius!)))
        covered += problem.demand.weight[i]!;
    });
    best = Math.max(best, covered);
  }
  return best;
}

function brutePMedian(problem: LocationProblem): number {
  let best = Number.POSITIVE_INFINITY;
  for (const set of subsets(problem.sites.ids.length, problem.p!, fixedOf(problem))) {
    let cost = 0;
    problem.demand.ids.forEach((_, i) => {
      cost += problem.demand.weight[i]! * Math.min(...set.map((j) => dist(problem, i, j)));
    });
    best = Math.min(best, cost);
  }
  return best;
}

/** Single-source capacitated p-median by enumerating sites and then every assignment (tiny instances only). */
function bruteCapacitated(problem: LocationProblem): number {
  const n = problem.demand.ids.length;
  const cap = problem.sites.capacity!;
  let best = Number.POSITIVE_INFINITY;
  for (const set of subsets(problem.sites.ids.length, problem.p!, fixedOf(problem))) {
    const load = new Float64Array(problem.sites.ids.length);
    const assign = (i: number, cost: number) => {
      if (cost >= best) return;
      if (i === n) {
        best = cost;
        return;
      }
      const w = problem.demand.weight[i]!;
      for (const j of set) {
        if (!Number.isNaN(cap[j]!) && load[j]! + w > cap[j]!) continue;
        load[j]! += w;
        assign(i + 1, cost + w * dist(problem, i, j));
        load[j]! -= w;
      }
    };
    assign(0, 0);
  }
  return best;
}

function bruteLscp(problem: LocationProblem): number | null {
  const m = problem.sites.ids.length;
  const fixed = fixedOf(problem);
  for (let k = Math.max(1, fixed.length); k <= m; k++) {
    for (const set of subsets(m, k, fixed)) {
      const all = problem.demand.ids.every((_, i) =>
        set.some((j) => isWithin(dist(problem, i, j), problem.radius!)),
      );
      if (all) return k;
    }
  }
  return null;
}

function brutePCenter(problem: LocationProblem): number {
  let best = Number.POSITIVE_INFINITY;
  for (const set of subsets(problem.sites.ids.length, problem.p!, fixedOf(problem))) {
    let worst = 0;
    problem.demand.ids.forEach((_, i) => {
      worst = Math.max(worst, Math.min(...set.map((j) => dist(problem, i, j))));
    });
    best = Math.min(best, worst);
  }
  return best;
}

// ---- generated instances ----

function instance(
  seed: number,
  opts: { n: number; m: number; p: number; radius?: number; fixed?: number; metric?: Metric },
): LocationProblem {
  const rnd = seededRandom(seed);
  const metric = opts.metric ?? 'euclidean';
  const coord = () => (metric === 'haversine' ? 0.02 * rnd() : 2000 * rnd());
  const point = (k: number) => Float64Array.from({ length: k }, coord);
  const fixed = new Uint8Array(opts.m);
  for (let j = 0; j < (opts.fixed ?? 0); j++) fixed[j * 2] = 1;
  return {
    metric,
    demand: {
      ids: Array.from({ length: opts.n }, (_, i) => `d${i}`),
      x: metric === 'haversine' ? point(opts.n).map((v) => 116.3 + v) : point(opts.n),
      y: metric === 'haversine' ? point(opts.n).map((v) => 39.9 + v) : point(opts.n),
      weight: Float64Array.from({ length: opts.n }, () => 1 + Math.floor(rnd() * 20)),
    },
    sites: {
      ids: Array.from({ length: opts.m }, (_, j) => `s${j}`),
      x: metric === 'haversine' ? point(opts.m).map((v) => 116.3 + v) : point(opts.m),
      y: metric === 'haversine' ? point(opts.m).map((v) => 39.9 + v) : point(opts.m),
      fixed: opts.fixed ? fixed : undefined,
    },
    radius: opts.radius,
    p: opts.p,
    timeLimit: 20,
  };
}

const CASES = [
  { seed: 1, n: 18, m: 8, p: 2, radius: 500 },
  { seed: 2, n: 20, m: 9, p: 3, radius: 450 },
  { seed: 3, n: 25, m: 10, p: 4, radius: 400, fixed: 1 },
  { seed: 4, n: 16, m: 7, p: 3, radius: 600, fixed: 2 },
  { seed: 5, n: 22, m: 9, p: 2, radius: 700, metric: 'haversine' as const },
];

describe('facility location matches brute force over every p-subset', () => {
  it('MCLP: the covered weight equals the best p-subset, proven optimal, with p sites', async () => {
    for (const c of CASES) {
      const problem = instance(c.seed, c);
      const r = await solveLocation('mclp', problem);
      expect(r.objective).toBeCloseTo(bruteMclp(problem), 9);
      expect(r.optimal).toBe(true);
      expect(r.status).toBe('optimal');
      expect(r.sites).toHaveLength(c.p);
      expect(r.coveredShare).toBeCloseTo(r.objective! / r.totalWeight, 12);
      for (const j of fixedOf(problem)) expect(r.sites).toContain(problem.sites.ids[j]);
    }
  });

  it('p-median: the weighted distance equals the best p-subset, proven optimal', async () => {
    for (const c of CASES) {
      const problem = instance(c.seed, c);
      const r = await solveLocation('pmedian', problem);
      expect(r.objective).toBeCloseTo(brutePMedian(problem), 6);
      expect(r.optimal).toBe(true);
      expect(r.sites).toHaveLength(c.p);
      expect(r.averageDistance).toBeCloseTo(r.objective! / r.totalWeight, 9);
    }
  });

  it('LSCP: the number of sites equals the smallest covering subset', async () => {
    for (const c of CASES) {
      const problem = instance(c.seed, { ...c, radius: 1200 });
      const expected = bruteLscp(problem);
      const r = await solveLocation('lscp', problem);
      if (expected === null) {
        expect(r.status).toBe('infeasible');
      } else {
        expect(r.objective).toBe(expected);
        expect(r.optimal).toBe(true);
        expect(r.sites).toHaveLength(expected);
      }
    }
  });

  it('p-center: the largest distance equals the best p-subset, proven optimal, and names the critical points', async () => {
    for (const c of CASES) {
      const problem = instance(c.seed, c);
      const r = await solveLocation('pcenter', problem);
      expect(r.objective).toBeCloseTo(brutePCenter(problem), 9);
      expect(r.optimal).toBe(true);
      expect(r.criticalDemand!.length).toBeGreaterThan(0);
    }
  });

  it('capacitated p-median: matches single-source brute force and keeps every load within capacity', async () => {
    for (const seed of [11, 12, 13]) {
      const problem = instance(seed, { n: 8, m: 5, p: 2 });
      problem.sites.capacity = Float64Array.from([60, 45, Number.NaN, 50, 70]);
      const expected = bruteCapacitated(problem);
      const r = await solveLocation('pmedian', problem);
      expect(r.objective).toBeCloseTo(expected, 6);
      expect(r.optimal).toBe(true);
      for (const load of r.siteLoads!) {
        if (load.capacity !== null) expect(load.weight).toBeLessThanOrEqual(load.capacity);
      }
      expect(r.siteLoads!.reduce((a, l) => a + l.weight, 0)).toBeCloseTo(r.totalWeight, 9);
    }
  });
});

describe('facility location: infeasibility, limits and honesty', () => {
  it('LSCP is infeasible when a demand point has no site within R, and names those points', async () => {
    const problem = instance(21, { n: 10, m: 4, p: 1, radius: 150 });
    problem.demand.x[3] = 50_000;
    problem.demand.x[7] = -50_000;
    const r = await solveLocation('lscp', problem);
    expect(r.status).toBe('infeasible');
    expect(r.optimal).toBe(false);
    expect(r.uncoverableDemand).toEqual(expect.arrayContaining(['d3', 'd7']));
    expect(r.notes[0]).toMatch(/d3/);
  });

  it('capacitated p-median reports infeasible when the p largest capacities cannot hold the demand', async () => {
    const problem = instance(22, { n: 6, m: 4, p: 2 });
    problem.sites.capacity = Float64Array.from([10, 10, 10, 10]);
    const r = await solveLocation('pmedian', problem);
    expect(r.status).toBe('infeasible');
    expect(r.sites).toEqual([]);
    expect(r.notes[0]).toMatch(/capacit/);
  });

  it('respects the time limit and never calls a time-limited answer optimal', async () => {
    // Proving this instance takes HiGHS about 2 s here; 0.3 s is not enough.
    const problem = instance(23, { n: 400, m: 120, p: 12 });
    problem.timeLimit = 0.3;
    const started = performance.now();
    const r = await solveLocation('pmedian', problem);
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(0.3 + 1); // distances and the model are built outside HiGHS's clock
    expect(r.optimal).toBe(false);
    expect(r.proof).toBeNull();
    expect(r.status).toBe('feasible');
    expect(r.stoppedBy).toBe('time-limit');
    expect(r.sites).toHaveLength(12);
    expect(r.bound!).toBeLessThan(r.objective!);
    expect(r.gap).toBeCloseTo((r.objective! - r.bound!) / r.objective!, 12);
  });

  it('capacitated p-median: the whole solve keeps a tiny time limit and returns its best solution with the gap', async () => {
    // 200,000 single-source assignments: building that model and handing it to HiGHS alone takes longer than
    // the limit, so the heuristics, the Lagrangian bound and the model building share one deadline.
    const problem = instance(26, { n: 2000, m: 100, p: 10 });
    problem.sites.capacity = new Float64Array(100).fill(2600);
    problem.timeLimit = 0.3;
    const started = performance.now();
    const r = await solveLocation('pmedian', problem);
    const seconds = (performance.now() - started) / 1000;
    // Past the limit only one pass of the bound and the answer are left: well under a second, even on a machine
    // shared at load 15 (where the model's building and handover alone took about 2 s).
    expect(seconds).toBeLessThan(0.3 + 1);
    // The model did not fit in the time left, so it was never handed over.
    expect(r.method).not.toContain('HiGHS');
    expect(r).toMatchObject({ status: 'feasible', optimal: false, proof: null, stoppedBy: 'time-limit' });
    expect(r.notes.join(' ')).toContain('time limit');
    expect(r.sites).toHaveLength(10);
    expect(r.siteLoads!.every((l) => l.weight <= 2600)).toBe(true);
    expect(r.bound!).toBeLessThan(r.objective!);
    expect(r.gap).toBeCloseTo((r.objective! - r.bound!) / r.objective!, 12);
  });

  it('fixed sites stay open and count toward p', async () => {
    const problem = instance(24, { n: 20, m: 8, p: 3, radius: 300, fixed: 2 });
    for (const model of ['mclp', 'pmedian', 'pcenter'] as const) {
      const r = await solveLocation(model, problem);
      expect(r.fixedSites).toEqual(['s0', 's2']);
      expect(r.sites).toEqual(expect.arrayContaining(['s0', 's2']));
      expect(r.sites).toHaveLength(3);
    }
  });

  it('MCLP counts weight outside every radius as uncoverable, not as a failure', async () => {
    const problem = instance(25, { n: 12, m: 5, p: 2, radius: 200 });
    problem.demand.x[0] = 90_000;
    const r = await solveLocation('mclp', problem);
    expect(r.uncoverableDemand).toContain('d0');
    expect(r.objective).toBeCloseTo(bruteMclp(problem), 9);
    expect(r.coveredWeight!).toBeLessThan(r.totalWeight);
  });
});

describe('facility location input checks', () => {
  const problemsOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(LocationInputError);
      return (error as LocationInputError).problems;
    }
    throw new Error('expected LocationInputError');
  };

  it('rejects a missing radius, a p larger than the sites, and more fixed sites than p', () => {
    const problem = instance(31, { n: 5, m: 3, p: 4, fixed: 2 });
    problem.p = 4;
    expect(problemsOf(() => solveLocation('mclp', problem))).toEqual([
      {
        set: 'options',
        field: 'radius',
        message: 'mclp needs a radius > 0 in metres',
        messageZh: 'mclp 需要大于 0 的服务半径（米）',
      },
      {
        set: 'options',
        field: 'p',
        message: 'p = 4 is more than the 3 candidate sites',
        messageZh: 'p = 4 超过候选点数 3',
      },
    ]);
    problem.p = 1;
    expect(problemsOf(() => solveLocation('pmedian', problem))).toEqual([
      {
        set: 'options',
        field: 'p',
        message: '2 sites are fixed open, more than p = 1',
        messageZh: '固定开放的站点有 2 个，多于 p = 1',
      },
    ]);
  });

  it('names the row and field of a duplicate id, a negative weight and a latitude out of range', () => {
    const problem = instance(32, { n: 4, m: 3, p: 1, metric: 'haversine' });
    problem.demand.ids[2] = 'd0';
    problem.demand.weight[1] = -3;
    problem.sites.y[1] = 95;
    expect(problemsOf(() => solveLocation('pcenter', problem))).toEqual([
      {
        set: 'demand',
        index: 2,
        field: 'id',
        message: 'duplicate id "d0"',
        messageZh: '编号 "d0" 重复',
        duplicateOf: 0,
      },
      {
        set: 'sites',
        index: 1,
        field: 'y',
        message: 'latitude 95 is outside −90…90',
        messageZh: '纬度 95 超出 −90…90',
      },
      {
        set: 'demand',
        index: 1,
        field: 'weight',
        message: '-3 is not a weight ≥ 0',
        messageZh: '权重 -3 不是 ≥ 0 的数',
      },
    ]);
  });

  it('rejects capacities for models other than the p-median', () => {
    const problem = instance(33, { n: 4, m: 3, p: 1, radius: 100 });
    problem.sites.capacity = Float64Array.from([1, Number.NaN, 2]);
    expect(problemsOf(() => solveLocation('mclp', problem))[0]!.message).toMatch(/p-median only/);
  });
});

describe('geometry', () => {
  it('one degree of latitude is π/180 of the Earth radius', () => {
    expect(haversine(116, 39, 116, 40)).toBeCloseTo((Math.PI / 180) * EARTH_RADIUS_M, 6);
  });

  it('covers points exactly on the radius and finds sites across the ±180° meridian', () => {
    const demand = { x: Float64Array.from([0, 179.999]), y: Float64Array.from([0, 0]) };
    const sites = { x: Float64Array.from([3, -179.999, 100]), y: Float64Array.from([4, 0, 0]) };
    const euclid = coverage(
      'euclidean',
      { x: demand.x.subarray(0, 1), y: demand.y.subarray(0, 1) },
      sites,
      5,
    );
    expect(Array.from(euclid.indices)).toEqual([0]);
    const sphere = coverage('haversine', demand, sites, 500);
    // 0.002° of longitude at the equator ≈ 222 m.
    expect(Array.from(sphere.indices.subarray(sphere.starts[1]!, sphere.starts[2]!))).toEqual([1]);
  });
});
