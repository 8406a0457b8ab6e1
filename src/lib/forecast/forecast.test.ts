import { describe, expect, it } from 'vitest';
import {
  ForecastInputError,
  fitHoltWinters,
  forecastSeries,
  holtWinters,
  regularise,
  rollingOriginBacktest,
  SeriesError,
  seasonalNaive,
} from './index.ts';

const WEEK = [10, 12, 11, 13, 15, 30, 25];

function days(n: number, start = '2026-01-05'): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(t0 + i * 86_400_000).toISOString().slice(0, 10));
}

describe('regularise', () => {
  it('fills missing days with zero and counts them', () => {
    const s = regularise(['2026-01-01', '2026-01-04', '2026-01-02'], [5, 7, 6], 'day');
    expect(s.periods).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
    expect(Array.from(s.values)).toEqual([5, 6, 0, 7]);
    expect(s.filled).toBe(1);
  });

  it('groups dates into ISO weeks starting on Monday', () => {
    const s = regularise(['2026-01-07', '2026-01-14'], [3, 4], 'week');
    expect(s.periods).toEqual(['2026-01-05', '2026-01-12']);
  });

  it('rejects an impossible date, a repeated period and a negative count, naming the row', () => {
    expect(() => regularise(['2026-02-30'], [1], 'day')).toThrow(SeriesError);
    try {
      regularise(['2026-01-01', '2026-01-01'], [1, 2], 'day');
    } catch (e) {
      expect((e as SeriesError).row).toBe(1);
      expect((e as SeriesError).message).toContain('occurs twice');
    }
    expect(() => regularise(['2026-01-01'], [-1], 'day')).toThrow(/non-negative/);
    expect(() => regularise([], [], 'day')).toThrow(/empty/);
  });
});

describe('methods', () => {
  it('seasonal naive repeats the last season', () => {
    const y = [...WEEK, ...WEEK.map((v) => v + 1)];
    expect(Array.from(seasonalNaive(y, 7, 9))).toEqual([11, 13, 12, 14, 16, 31, 26, 11, 13]);
  });

  it('Holt–Winters follows a trend plus a weekly pattern that the naive baseline lags behind', () => {
    const y = Array.from({ length: 84 }, (_, t) => 20 + 0.5 * t + WEEK[t % 7]!);
    const f = holtWinters(y, 7, 7);
    for (let k = 0; k < 7; k++) expect(f[k]!).toBeCloseTo(20 + 0.5 * (84 + k) + WEEK[(84 + k) % 7]!, 0);
    const fit = fitHoltWinters(y, 7);
    expect(fit.seasonal).toBe(true);
  });

  it('falls back to a trend model (no season) with fewer than two seasons', () => {
    const fit = fitHoltWinters([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 7);
    expect(fit.seasonal).toBe(false);
    expect(holtWinters([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 7, 2)[0]).toBeCloseTo(11, 0);
  });
});

describe('rollingOriginBacktest', () => {
  it('scores each method on the same points with MAE, MAPE and the ratio to the baseline', () => {
    const y = Array.from({ length: 84 }, (_, t) => 20 + 0.5 * t + WEEK[t % 7]!);
    const b = rollingOriginBacktest(y, 7, 7, 4);
    expect(b.origins).toBe(4);
    expect(b.points).toBe(28);
    const [naive, hw] = b.scores;
    // The naive forecast is one season behind a trend of 0.5 per day: always 3.5 low.
    expect(naive!.mae).toBeCloseTo(3.5, 6);
    expect(naive!.relativeMae).toBe(1);
    expect(hw!.mae).toBeLessThan(0.5);
    expect(hw!.relativeMae!).toBeLessThan(0.2);
  });

  it('leaves zero actuals out of MAPE and says how many', () => {
    const y = Array.from({ length: 42 }, (_, t) => (t % 7 === 6 ? 0 : 10));
    const b = rollingOriginBacktest(y, 7, 7, 2);
    expect(b.scores[0]!.mapeSkipped).toBe(2);
    expect(b.scores[0]!.mape).toBe(0);
  });
});

describe('forecastSeries', () => {
  it('uses Holt–Winters only when it beats the baseline in the backtest, and says why', () => {
    const trend = regularise(
      days(84),
      Array.from({ length: 84 }, (_, t) => 20 + 0.5 * t + WEEK[t % 7]!),
      'day',
    );
    const r = forecastSeries(trend, { horizon: 7 });
    expect(r.method).toBe('holt_winters');
    expect(r.forecast).toHaveLength(7);
    expect(r.forecast[0]!.period).toBe('2026-03-30');
    expect(r.forecast[0]!.lower).toBeLessThanOrEqual(r.forecast[0]!.value);
    // A pure repeating pattern: the naive baseline is exact and wins (ties go to the baseline).
    const flat = regularise(
      days(56),
      Array.from({ length: 56 }, (_, t) => WEEK[t % 7]!),
      'day',
    );
    const f = forecastSeries(flat, { horizon: 7 });
    expect(f.method).toBe('seasonal_naive');
    expect(f.why).toContain('did not beat');
    expect(f.forecast.map((p) => p.value)).toEqual(WEEK);
  });

  it('rejects a bad horizon or season and a series too short for its season', () => {
    const s = regularise(
      days(20),
      Array.from({ length: 20 }, () => 1),
      'day',
    );
    expect(() => forecastSeries(s, { horizon: 0 })).toThrow(ForecastInputError);
    expect(() => forecastSeries(s, { horizon: 3, season: 0 })).toThrow(ForecastInputError);
    expect(() => forecastSeries(s, { horizon: 3, season: 30 })).toThrow(/at least 31/);
  });
});
