// Forecasting methods over a regular series: the seasonal naive baseline (the same period last season) and
// additive Holt–Winters (ETS(A,A,A)) with its three smoothing weights chosen by grid search on one-step-ahead
// squared error; with fewer than two seasons of data Holt–Winters falls back to Holt's linear trend. Pure.

export type Method = 'seasonal_naive' | 'holt_winters';

export function seasonalNaive(y: ArrayLike<number>, season: number, h: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(h);
  const m = Math.min(season, n);
  for (let k = 0; k < h; k++) out[k] = y[n - m + (k % m)]!;
  return out;
}

export interface HoltWintersFit {
  alpha: number;
  beta: number;
  gamma: number;
  sse: number;
  seasonal: boolean;
}

/** One pass of additive Holt–Winters: returns the one-step SSE and the final state. */
function runHw(
  y: ArrayLike<number>,
  m: number,
  alpha: number,
  beta: number,
  gamma: number,
  seasonal: boolean,
) {
  const n = y.length;
  let level: number;
  let trend: number;
  const season = new Float64Array(Math.max(m, 1));
  let start: number;
  if (seasonal) {
    // Initial state from the first two seasons: level = mean of season 1, trend = mean change per period.
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < m; i++) {
      s1 += y[i]!;
      s2 += y[i + m]!;
    }
    level = s1 / m;
    trend = (s2 - s1) / (m * m);
    for (let i = 0; i < m; i++) season[i] = y[i]! - level;
    start = m;
  } else {
    level = y[0]!;
    trend = n > 1 ? y[1]! - y[0]! : 0;
    start = 1;
  }
  let sse = 0;
  for (let t = start; t < n; t++) {
    const s = seasonal ? season[t % m]! : 0;
    const forecast = level + trend + s;
    const err = y[t]! - forecast;
    sse += err * err;
    const prevLevel = level;
    level = alpha * (y[t]! - s) + (1 - alpha) * (level + trend);
    trend = beta * (level - prevLevel) + (1 - beta) * trend;
    if (seasonal) season[t % m] = gamma * (y[t]! - level) + (1 - gamma) * s;
  }
  return { sse, level, trend, season };
}

const GRID = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
const TREND_GRID = [0, 0.01, 0.05, 0.1, 0.2];

export function fitHoltWinters(y: ArrayLike<number>, season: number): HoltWintersFit {
  const seasonal = season > 1 && y.length >= 2 * season;
  let best: HoltWintersFit = { alpha: 0.3, beta: 0, gamma: 0, sse: Number.POSITIVE_INFINITY, seasonal };
  for (const alpha of GRID)
    for (const beta of TREND_GRID)
      for (const gamma of seasonal ? GRID : [0]) {
        const { sse } = runHw(y, season, alpha, beta, gamma, seasonal);
        if (sse < best.sse) best = { alpha, beta, gamma, sse, seasonal };
      }
  return best;
}

/** Forecasts h periods ahead; counts are never negative, so forecasts are floored at 0. */
export function holtWinters(
  y: ArrayLike<number>,
  season: number,
  h: number,
  fit?: HoltWintersFit,
): Float64Array {
  const f = fit ?? fitHoltWinters(y, season);
  const state = runHw(y, season, f.alpha, f.beta, f.gamma, f.seasonal);
  const out = new Float64Array(h);
  const n = y.length;
  for (let k = 0; k < h; k++) {
    const s = f.seasonal ? state.season[(n + k) % season]! : 0;
    out[k] = Math.max(0, state.level + (k + 1) * state.trend + s);
  }
  return out;
}

export function forecastWith(method: Method, y: ArrayLike<number>, season: number, h: number): Float64Array {
  return method === 'seasonal_naive' ? seasonalNaive(y, season, h) : holtWinters(y, season, h);
}
