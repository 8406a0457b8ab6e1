// `cbrain forecast` over a CSV count series: forecast and backtest JSON; bad dates, duplicates and options are
// clear errors with the right exit code.
import { describe, expect, it } from 'vitest';
import { csvDir, runCli, runJson } from './engine-cli.testing.ts';

const file = csvDir('cbrain-forecast-');
const WEEK = [10, 12, 11, 13, 15, 30, 25];
const rows = Array.from({ length: 84 }, (_, t) => {
  const d = new Date(Date.UTC(2026, 0, 5) + t * 86_400_000).toISOString().slice(0, 10);
  return `${d},${20 + 0.5 * t + WEEK[t % 7]!}`;
});
const SERIES = file('series.csv', `day,requests\n${rows.join('\n')}\n`);

describe('cbrain forecast', () => {
  it('prints the forecast with intervals and the backtest against the seasonal naive baseline', async () => {
    const { json } = await runJson([
      'forecast',
      '--input',
      SERIES,
      '--date',
      'day',
      '--value',
      'requests',
      '--horizon',
      '14',
    ]);
    expect(json.method).toBe('holt_winters');
    expect(json.forecast).toHaveLength(14);
    expect(json.history).toMatchObject({ periods: 84, from: '2026-01-05', filledWithZero: 0 });
    const naive = json.backtest.scores.find((s: { method: string }) => s.method === 'seasonal_naive');
    expect(naive.relativeMae).toBe(1);
    expect(json.backtest.origins).toBeGreaterThan(0);
  });

  it('a repeated date is a data error naming the line; a bad horizon is a usage error', async () => {
    const dup = file('dup.csv', 'day,requests\n2026-01-01,3\n2026-01-02,4\n2026-01-01,5\n');
    const run = await runCli([
      'forecast',
      '--input',
      dup,
      '--date',
      'day',
      '--value',
      'requests',
      '--horizon',
      '3',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${dup}:4 [day]: period 2026-01-01 occurs twice`);
    const bad = await runCli([
      'forecast',
      '--input',
      SERIES,
      '--date',
      'day',
      '--value',
      'requests',
      '--horizon',
      'x',
    ]);
    expect(bad.code).toBe(2);
    const short = file('short.csv', 'day,requests\n2026-01-01,3\n2026-01-02,4\n');
    const tooShort = await runCli([
      'forecast',
      '--input',
      short,
      '--date',
      'day',
      '--value',
      'requests',
      '--horizon',
      '3',
    ]);
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toContain('at least 8');
  });
});
