// Facility siting at district scale. A synthetic district of 12 km × 12 km: demand points are buildings grouped
// in 400 residential compounds (±150 m), weighted by households (1–200); candidate sites are spread uniformly.
// The headline figure is the MCLP target: 20,000 demand points × 1,000 candidate sites, proven optimal or the
// gap reported within 60 s. A uniform-demand variant (few identical cover sets, so aggregation helps less) and
// the other three models at smaller sizes follow.
import { solveLocation } from '../src/lib/location/location.ts';
import type { LocationModel, LocationProblem, LocationResult } from '../src/lib/location/problem.ts';
import { seededRandom } from '../src/lib/random/seeded.ts';

function district(nDemand: number, nSites: number, seed: number, clustered: boolean): LocationProblem {
  const rnd = seededRandom(seed);
  const side = 12_000;
  const compounds = Array.from({ length: 400 }, () => [rnd() * side, rnd() * side] as const);
  const x = new Float64Array(nDemand);
  const y = new Float64Array(nDemand);
  const weight = new Float64Array(nDemand);
  for (let i = 0; i < nDemand; i++) {
    if (clustered) {
      const [cx, cy] = compounds[Math.floor(rnd() * compounds.length)]!;
      x[i] = cx + (rnd() - 0.5) * 300;
      y[i] = cy + (rnd() - 0.5) * 300;
    } else {
      x[i] = rnd() * side;
      y[i] = rnd() * side;
    }
    weight[i] = 1 + Math.floor(rnd() * 200);
  }
  return {
    metric: 'euclidean',
    demand: { ids: Array.from({ length: nDemand }, (_, i) => `B${i + 1}`), x, y, weight },
    sites: {
      ids: Array.from({ length: nSites }, (_, j) => `S${j + 1}`),
      x: Float64Array.from({ length: nSites }, () => rnd() * side),
      y: Float64Array.from({ length: nSites }, () => rnd() * side),
    },
    timeLimit: 60,
  };
}

function report(label: string, r: LocationResult) {
  const share = r.coveredShare !== undefined ? `, covered ${(100 * r.coveredShare).toFixed(2)}%` : '';
  const reduced = r.reduced
    ? `, reduced to ${r.reduced.demandGroups} groups × ${r.reduced.candidateSites} sites`
    : '';
  console.log(
    `${label}: ${r.seconds.toFixed(2)} s, ${r.status}${r.optimal ? ` (proof: ${r.proof})` : ''}, ` +
      `objective ${r.objective?.toFixed(2)}, bound ${r.bound?.toFixed(2)}, gap ${((r.gap ?? 0) * 100).toFixed(4)}%` +
      `${share}${reduced}`,
  );
  console.log(`  method: ${r.method}`);
}

async function solve(model: LocationModel, problem: LocationProblem, label: string) {
  report(label, await solveLocation(model, problem));
}

export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  await solve(
    'mclp',
    { ...district(20_000, 1_000, 1, true), radius: 500, p: 60 },
    'MCLP 20,000 × 1,000, R 500 m, p 60, compounds',
  );
  await solve(
    'mclp',
    { ...district(20_000, 1_000, 2, false), radius: 500, p: 60 },
    'MCLP 20,000 × 1,000, R 500 m, p 60, uniform',
  );
  await solve(
    'mclp',
    { ...district(20_000, 1_000, 3, false), radius: 700, p: 40 },
    'MCLP 20,000 × 1,000, R 700 m, p 40, uniform',
  );
  await solve(
    'lscp',
    { ...district(20_000, 1_000, 4, true), radius: 1_500 },
    'LSCP 20,000 × 1,000, R 1,500 m',
  );
  await solve('pmedian', { ...district(1_000, 100, 5, true), p: 10 }, 'p-median 1,000 × 100, p 10');
  await solve(
    'pmedian',
    { ...district(2_000, 200, 5, true), p: 20, timeLimit: 20 },
    'p-median 2,000 × 200, p 20, 20 s limit',
  );
  await solve('pcenter', { ...district(2_000, 200, 6, true), p: 20 }, 'p-center 2,000 × 200, p 20');
  if (opts.size === 'large') {
    await solve(
      'mclp',
      { ...district(100_000, 3_000, 7, true), radius: 400, p: 150 },
      'MCLP 100,000 × 3,000, R 400 m, p 150',
    );
    await solve('pmedian', { ...district(20_000, 1_000, 8, true), p: 60 }, 'p-median 20,000 × 1,000, p 60');
  }
}
