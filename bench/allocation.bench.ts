// Care-hour allocation at district scale: 100,000 residents in 30 communities, need 0–40 hours a month, three
// priority levels (living alone, disabled …), travel overhead per community (1.0–1.6 worker hours per care hour),
// a budget of 40% of total need and a 30% floor per community. Two variants: priorities as levels (residents of a
// community with the same level and travel merge into one LP column) and priorities as distinct scores (no
// merging: one column per resident, the LP's worst case: the WebAssembly HiGHS needs over a minute for 100,000
// columns, so that variant runs at 10,000 residents). Then the 11-point efficiency–equity curve.
import { allocate } from '../src/lib/allocation/allocate.ts';
import type { AllocationProblem } from '../src/lib/allocation/problem.ts';
import { tradeOffCurve } from '../src/lib/allocation/trade-off.ts';
import { seededRandom } from '../src/lib/random/seeded.ts';

function district(residents: number, communities: number, distinctScores: boolean): AllocationProblem {
  const rnd = seededRandom(20261130);
  const travel = Array.from({ length: communities }, () => 1 + Math.round(rnd() * 60) / 100);
  const need = new Float64Array(residents);
  const weight = new Float64Array(residents);
  const cost = new Float64Array(residents);
  const group: string[] = [];
  let total = 0;
  for (let i = 0; i < residents; i++) {
    const c = Math.floor(rnd() * communities);
    group.push(`C${String(c + 1).padStart(2, '0')}`);
    need[i] = Math.floor(rnd() * 41);
    weight[i] = distinctScores ? 1 + rnd() * 2 : 1 + Math.floor(rnd() * 3);
    cost[i] = travel[c]!;
    total += need[i]!;
  }
  return {
    ids: Array.from({ length: residents }, (_, i) => `R${i + 1}`),
    need,
    group,
    weight,
    cost,
    budget: Math.round(total * 0.4),
    minShare: 0.3,
    timeLimit: 60,
  };
}

export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  const sizes = opts.size === 'large' ? [100_000, 1_000_000] : [100_000];
  for (const n of sizes) {
    for (const distinct of [false, true]) {
      const problem = district(distinct ? n / 10 : n, 30, distinct);
      const r = await allocate(problem);
      console.log(
        `allocate ${problem.ids.length.toLocaleString('en')} residents × 30 communities (${distinct ? 'distinct scores' : 'priority levels'}, ` +
          `${r.reduced.columns} columns): ${r.seconds.toFixed(2)} s, ${r.status}, objective ${r.objective?.toFixed(1)}, ` +
          `need met ${(r.needMetShare * 100).toFixed(1)}%, min community share ${(r.minGroupShare * 100).toFixed(1)}%, Gini ${r.gini.toFixed(3)}`,
      );
      if (distinct) continue;
      const curve = await tradeOffCurve({ ...problem, minShare: 0 }, 11);
      console.log(
        `trade-off curve, 11 floors 0…${(curve.maxMinShare * 100).toFixed(1)}%: ${curve.seconds.toFixed(2)} s; ` +
          curve.points
            .map(
              (p) =>
                `${(p.minShare * 100).toFixed(0)}%→${p.objective?.toFixed(0)} (Gini ${p.gini.toFixed(3)})`,
            )
            .join(', '),
      );
    }
  }
}
