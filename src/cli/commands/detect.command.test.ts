// `cbrain detect` over readings in CSV: the detectors of live ingestion (low/flat water of an elderly person living
// alone, group rental, silent meters, alarms) judged per device; bad rows are left out with a line, a code and the
// reason in Chinese, and never stop the others.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectOnReadings, readingsFromTable } from './detect.command.ts';
import { csvDir, runCli, runJson } from './engine-cli.testing.ts';

const HEADER = ['device', 'kind', 'ts', 'household_size', 'elderly_alone', 'usage', 'alarm', 'lel'];
const DAY0 = Date.UTC(2026, 10, 2, 16); // 00:00 China time, Monday 3 November 2026
const hourly = (uid: string, size: number, alone: boolean, litresPerHour: number, days: number) =>
  Array.from({ length: days * 24 }, (_, h) => [
    uid,
    'water_meter',
    new Date(DAY0 + h * 3_600_000).toISOString(),
    String(size),
    String(alone),
    String(litresPerHour),
    '',
    '',
  ]);

function sample() {
  return [
    // 24 L a day for an elderly man living alone (expected 100 L): low from the first day.
    ...hourly('WM-ALONE', 1, true, 1, 4),
    // 500 L a day for one registered resident: group rental (limit 1 × 150 × 2.5 = 375 L).
    ...hourly('WM-RENTAL', 1, false, 500 / 24, 4),
    // Stops after one day: silent at the end of the file.
    ...hourly('WM-QUIET', 3, false, 12, 1),
    ['SD-1', 'smoke_detector', new Date(DAY0 + 80 * 3_600_000).toISOString(), '', '', '', 'true', ''],
    ['GD-1', 'gas_detector', String(DAY0 + 81 * 3_600_000), '', '', '', 'false', '12'],
  ];
}

describe('cbrain detect', () => {
  it('raises low water for the elderly man alone, group rental, a silent meter and the smoke alarm — once each', () => {
    const { readings, errors } = readingsFromTable(HEADER, sample());
    expect(errors).toEqual([]);
    const alerts = detectOnReadings(readings);
    const byDevice = Object.fromEntries(alerts.map((a) => [`${a.device}:${a.rule}`, a.severity]));
    expect(byDevice).toEqual({
      'WM-ALONE:elderly_alone_low_water': 'warning',
      'WM-RENTAL:group_rental_water': 'warning',
      'WM-QUIET:meter_silent': 'warning',
      'SD-1:smoke_alarm': 'emergency',
    });
    const low = alerts.find((a) => a.rule === 'elderly_alone_low_water')!;
    expect(low.details).toMatchObject({ streakDays: 3, lastDayRatio: 0.24 });
    // The gas detector at 12 %LEL without its flag stays below the alarm threshold.
    expect(alerts.some((a) => a.device === 'GD-1')).toBe(false);
  });

  it('each bad row gets its line, a code and the reason in Chinese, and the good rows are still judged', () => {
    const ts = new Date(DAY0).toISOString();
    const rows = [
      ['', 'water_meter', ts, '', '', '1', '', ''], // line 2: no device
      ['X-1', 'toaster', ts, '', '', '1', '', ''], // line 3: unknown kind
      ['X-2', 'water_meter', 'yesterday', '', '', '1', '', ''], // line 4: bad time
      ['X-3', 'water_meter', ts, '', '', '-5', '', ''], // line 5: negative usage
      ['X-4', 'smoke_detector', ts, '', '', '', 'maybe', ''], // line 6: not a boolean
      ['X-5', 'smoke_detector', ts, '', '', '', '', ''], // line 7: no alarm value at all
      ['SD-9', 'smoke_detector', ts, '', '', '', 'true', ''], // line 8: good
      ['SD-9', 'smoke_detector', ts, '', '', '', 'true', ''], // line 9: the same reading again
      ['SD-9', 'gas_detector', ts, '', '', '', 'true', ''], // line 10: the device changes kind
    ];
    const { readings, errors } = readingsFromTable(HEADER, rows);
    expect(errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'DEVICE_MISSING'],
      [3, 'KIND_UNKNOWN'],
      [4, 'TS_INVALID'],
      [5, 'VALUE_INVALID'],
      [6, 'VALUE_INVALID'],
      [7, 'VALUE_MISSING'],
      [9, 'DUPLICATE'],
      [10, 'KIND_CHANGED'],
    ]);
    expect(errors[3]!.message).toBe('读数不合法：usage=-5（L，0–100000）');
    expect(errors[1]!.message).toBe('设备类型不在支持范围内：toaster');
    expect(readings).toHaveLength(1);
    expect(detectOnReadings(readings).map((a) => a.rule)).toEqual(['smoke_alarm']);
  });

  it('writes ALERTS.csv and a JSON summary; bad rows go to stderr; a file with no good row exits 1', async () => {
    const file = csvDir('cbrain-detect-');
    const csv = (rows: string[][]) => [HEADER, ...rows].map((r) => r.join(',')).join('\n');
    const input = file('readings.csv', `${csv([...sample(), ['X', 'toaster', '1', '', '', '', '', '']])}\n`);
    const out = `${input}.alerts.csv`;
    const { json, stderr } = await runJson(['detect', '--input', input, '--out', out]);
    expect(json).toMatchObject({ devices: 5, rowsLeftOut: 1, alerts: 4, byRule: { smoke_alarm: 1 } });
    expect(stderr).toContain(`${input}:${sample().length + 2} KIND_UNKNOWN: 设备类型不在支持范围内：toaster`);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('device,kind,rule,severity,observed_at,details');
    expect(lines).toHaveLength(5);
    const bad = file('bad.csv', `${csv([['X', 'toaster', '1', '', '', '', '', '']])}\n`);
    const run = await runCli(['detect', '--input', bad, '--out', `${bad}.out`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no valid reading (1 row(s) left out)');
  }, 180_000); // two runs of the CLI process
});
