// Rolling-origin evaluation: from each of the last `folds` origins, fit on everything before it, forecast h periods,
// and compare with what happened. MAE over all forecast points; MAPE only over points whose actual is above zero
// (a zero count has no percentage error), with the number of points it skipped. Every method is compared with the
// seasonal naive baseline on the same points, and the forecast reports which one it used and why. Pure.
import { forecastWith, type Method } from './methods.ts';

export interface MethodScore {
  method: Method;
  mae: number;
  mape: number | null;
  /** Points excluded from MAPE because the actual was 0. */
  mapeSkipped: number;
  /** MAE of this method ÷ MAE of the seasonal naive baseline (below 1 beats the baseline). */
  relativeMae: number | null;
  /** Root mean squared error at each horizon step 1..h, for the intervals. */
  rmseByStep: number[];
}

export interface Backtest {
  origins: number;
  horizon: number;
  points: number;
  scores: MethodScore[];
}

export function rollingOriginBacktest(
  y: ArrayLike<number>,
  season: number,
  h: number,
  folds: number,
  methods: readonly Method[] = ['seasonal_naive', 'holt_winters'],
): Backtest {
  const n = y.length;
  const minTrain = Math.max(2 * season, 8);
  const origins: number[] = [];
  for (let o = n - h; o >= minTrain && origins.length < folds; o -= h) origins.unshift(o);
  const scores = methods.map((method) => {
    let abs = 0;
    let pct = 0;
    let pctN = 0;
    let skipped = 0;
    let count = 0;
    const sq = new Float64Array(h);
    const sqN = new Float64Array(h);
    for (const o of origins) {
      const train = Array.prototype.slice.call(y, 0, o) as number[];
      const f = forecastWith(method, train, season, h);
      for (let k = 0; k < h && o + k < n; k++) {
        const actual = y[o + k]!;
        const e = actual - f[k]!;
        abs += Math.abs(e);
        sq[k]! += e * e;
        sqN[k]!++;
        count++;
        if (actual > 0) {
          pct += Math.abs(e) / actual;
          pctN++;
        } else skipped++;
      }
    }
    return {
      method,
      mae: count ? abs / count : Number.NaN,
      mape: pctN ? (pct / pctN) * 100 : null,
      mapeSkipped: skipped,
      relativeMae: null as number | null,
      rmseByStep: Array.from(sq, (s, k) => (sqN[k]! ? Math.sqrt(s / sqN[k]!) : Number.NaN)),
      count,
    };
  });
  const base = scores.find((s) => s.method === 'seasonal_naive');
  for (const s of scores) s.relativeMae = base && base.mae > 0 ? s.mae / base.mae : null;
  return {
    origins: origins.length,
    horizon: h,
    points: scores[0]?.count ?? 0,
    scores: scores.map(({ count: _c, ...s }) => s),
  };
}
