// Forecast of a count series with an honest backtest: both methods are scored by rolling origin, the one with the
// lower backtest MAE is used (the seasonal naive baseline wins ties and too-short histories), and the output says
// so. Intervals are ±1.96 × the backtest RMSE at each horizon step: empirical, not a model assumption. Pure.
import { type Backtest, rollingOriginBacktest } from './backtest.ts';
import { fitHoltWinters, forecastWith, type Method } from './methods.ts';
import { type Frequency, futurePeriods, type RegularSeries } from './series.ts';

export interface ForecastOptions {
  horizon: number;
  /** Season length in periods: 7 for daily data (weekly cycle), 52 for weekly data (yearly). */
  season?: number;
  folds?: number;
}

export interface ForecastResult {
  frequency: Frequency;
  history: { periods: number; from: string; to: string; filledWithZero: number };
  season: number;
  method: Method;
  why: string;
  parameters: Record<string, number | boolean> | null;
  forecast: Array<{ period: string; value: number; lower: number; upper: number }>;
  backtest: Backtest;
}

export class ForecastInputError extends Error {}

export function forecastSeries(series: RegularSeries, opts: ForecastOptions): ForecastResult {
  const h = opts.horizon;
  if (!Number.isInteger(h) || h < 1 || h > 366) throw new ForecastInputError('the horizon is 1–366 periods');
  const season = opts.season ?? (series.frequency === 'day' ? 7 : 52);
  if (!Number.isInteger(season) || season < 1)
    throw new ForecastInputError('the season is a positive whole number');
  const y = series.values;
  if (y.length < Math.max(season + 1, 4))
    throw new ForecastInputError(
      `the series has ${y.length} periods; at least ${Math.max(season + 1, 4)} are needed for season ${season}`,
    );
  const backtest = rollingOriginBacktest(y, season, h, opts.folds ?? 8);
  const base = backtest.scores.find((s) => s.method === 'seasonal_naive')!;
  const hw = backtest.scores.find((s) => s.method === 'holt_winters')!;
  let method: Method = 'seasonal_naive';
  let why: string;
  if (backtest.origins === 0) why = 'history too short for a backtest; using the seasonal naive baseline';
  else if (hw.mae < base.mae) {
    method = 'holt_winters';
    why = `Holt–Winters backtest MAE ${hw.mae.toFixed(2)} < seasonal naive ${base.mae.toFixed(2)}`;
  } else
    why = `Holt–Winters did not beat the seasonal naive baseline in the backtest (MAE ${hw.mae.toFixed(2)} ≥ ${base.mae.toFixed(2)})`;
  const values = forecastWith(method, y, season, h);
  const fit = method === 'holt_winters' ? fitHoltWinters(y, season) : null;
  const rmse = (method === 'holt_winters' ? hw : base).rmseByStep;
  const periods = futurePeriods(series.periods[series.periods.length - 1]!, series.frequency, h);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    frequency: series.frequency,
    history: {
      periods: y.length,
      from: series.periods[0]!,
      to: series.periods[series.periods.length - 1]!,
      filledWithZero: series.filled,
    },
    season,
    method,
    why,
    parameters: fit ? { alpha: fit.alpha, beta: fit.beta, gamma: fit.gamma, seasonal: fit.seasonal } : null,
    forecast: periods.map((period, k) => {
      const band = Number.isFinite(rmse[k]!) ? 1.96 * rmse[k]! : Number.NaN;
      const v = values[k]!;
      return {
        period,
        value: round(v),
        lower: Number.isNaN(band) ? round(v) : round(Math.max(0, v - band)),
        upper: Number.isNaN(band) ? round(v) : round(v + band),
      };
    }),
    backtest,
  };
}
