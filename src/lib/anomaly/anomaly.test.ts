import { describe, expect, it } from 'vitest';
import { detectAlarm, detectLowFlatUsage, detectOverCapacity, detectSilent } from './detectors.ts';
import { tuneScale } from './feedback.ts';
import {
  emptyBaseline,
  expectedDay,
  hourOfWeek,
  robustZ,
  seedBaseline,
  updateBaseline,
} from './hour-of-week-baseline.ts';
import { scoreAlerts } from './precision.ts';
import {
  DEFAULT_RULES,
  type LowFlatUsageParams,
  type OverCapacityParams,
  ruleParamProblems,
} from './rules.ts';
import {
  addUsage,
  closeFinishedDay,
  cstDay,
  cstDayEndMs,
  type DaySummary,
  newUsageDays,
} from './usage-days.ts';

const HOUR = 3600_000;
// 2026-11-02 00:00 China time is a Monday.
const MONDAY = Date.parse('2026-11-01T16:00:00Z');
const lowFlat = DEFAULT_RULES[0]!.params as LowFlatUsageParams;
const over = DEFAULT_RULES[1]!.params as OverCapacityParams;

/** A normal day of one person: peaks morning and evening, ~100 L. */
function normalHour(h: number): number {
  return h >= 7 && h <= 8 ? 25 : h >= 18 && h <= 20 ? 12 : h >= 23 || h < 6 ? 0.2 : 2;
}

function days(dayTotals: Array<(h: number) => number>, firstDay = 20394): DaySummary[] {
  return dayTotals.map((f, i) => {
    const hourly = Float64Array.from({ length: 24 }, (_, h) => f(h));
    return {
      day: firstDay + i,
      weekday: (firstDay + i + 3) % 7,
      total: hourly.reduce((a, b) => a + b, 0),
      hourly,
      readings: 24,
    };
  });
}

describe('hour-of-week baseline', () => {
  it('puts Monday 00:00 China time in slot 0 and Sunday 23:00 in slot 167', () => {
    expect(hourOfWeek(MONDAY)).toBe(0);
    expect(hourOfWeek(MONDAY + 7 * 24 * HOUR - 1)).toBe(167);
  });

  it('seeds median and MAD per slot and learns the daily rhythm', () => {
    const slots: number[] = [];
    const values: number[] = [];
    for (let w = 0; w < 3; w++)
      for (let h = 0; h < 168; h++) {
        slots.push(h);
        values.push(normalHour(h % 24) + w * 0.1);
      }
    const b = seedBaseline(slots, values);
    expect(b.median[7]).toBeCloseTo(25.1, 5);
    expect(expectedDay(b, 0).warm).toBe(true);
    expect(expectedDay(b, 0).total).toBeGreaterThan(90);
  });

  it('moves only a little on one outlier (clipped EWMA)', () => {
    const b = emptyBaseline();
    for (let i = 0; i < 10; i++) updateBaseline(b, 5, 10 + (i % 2));
    const before = b.median[5]!;
    updateBaseline(b, 5, 10_000);
    expect(b.median[5]! - before).toBeLessThan(1);
    expect(robustZ(b, 5, 10_000)).toBeGreaterThan(10);
  });
});

describe('low or flat usage of an elderly person living alone', () => {
  const low = () => 0.3;
  const flat = () => 4; // 96 L, but the same every hour: no morning or evening use
  it('fires after three consecutive low days, not after two', () => {
    expect(detectLowFlatUsage(days([normalHour, low, low]), null, 1, lowFlat).fire).toBe(false);
    const v = detectLowFlatUsage(days([normalHour, low, low, low]), null, 1, lowFlat);
    expect(v.fire).toBe(true);
    expect(v.details['streakDays']).toBe(3);
  });
  it('fires on three flat days although the total looks normal', () => {
    expect(detectLowFlatUsage(days([flat, flat, flat]), null, 1, lowFlat).fire).toBe(true);
  });
  it('does not fire on normal days, nor when a gap breaks the streak', () => {
    expect(detectLowFlatUsage(days([normalHour, normalHour, normalHour]), null, 1, lowFlat).fire).toBe(false);
    const gap = [...days([low, low]), ...days([low], 20400)];
    expect(detectLowFlatUsage(gap, null, 1, lowFlat).fire).toBe(false);
  });
  it('a stricter scale (after false alarms) stops a borderline case', () => {
    const borderline = (h: number) => normalHour(h) * 0.26; // ratio ~0.26 of the 100 L fallback, with a rhythm
    expect(detectLowFlatUsage(days([borderline, borderline, borderline]), null, 1, lowFlat).fire).toBe(true);
    expect(detectLowFlatUsage(days([borderline, borderline, borderline]), null, 1, lowFlat, 1.25).fire).toBe(
      false,
    );
  });
});

describe('usage far above the registered household size', () => {
  it('fires when two days exceed size × 150 L × 2.5', () => {
    const heavy = (h: number) => normalHour(h) * 9; // ~900 L
    expect(detectOverCapacity(days([heavy, heavy]), 1, over).fire).toBe(true);
    expect(detectOverCapacity(days([heavy, heavy]), 3, over).fire).toBe(false);
    expect(detectOverCapacity(days([normalHour, heavy]), 1, over).fire).toBe(false);
  });
});

describe('silent meters and alarms', () => {
  const silent = DEFAULT_RULES[2]!.params as never;
  const alarm = DEFAULT_RULES[3]!.params as never;
  it('a water meter silent for more than three hours is silent', () => {
    expect(detectSilent('water_meter', 0, 181 * 60_000, silent).fire).toBe(true);
    expect(detectSilent('water_meter', 0, 179 * 60_000, silent).fire).toBe(false);
  });
  it('smoke, gas (flag or %LEL) and fall raise an alarm at once', () => {
    expect(detectAlarm('smoke_detector', { alarm: true }, alarm)).toBe('smoke');
    expect(detectAlarm('smoke_detector', { alarm: false }, alarm)).toBe(null);
    expect(detectAlarm('gas_detector', { alarm: false, lel: 25 }, alarm)).toBe('gas');
    expect(detectAlarm('emergency_button', { pressed: true, fall: true }, alarm)).toBe('fall');
    expect(detectAlarm('water_meter', { usage: 5 }, alarm)).toBe(null);
  });
});

describe('usage days, feedback and scoring', () => {
  it('closes a day when the next day starts and counts late readings', () => {
    const u = newUsageDays();
    for (let h = 0; h < 24; h++) expect(addUsage(u, MONDAY + h * HOUR, 2)).toBe(null);
    const closed = addUsage(u, MONDAY + 24 * HOUR, 1);
    expect(closed?.total).toBe(48);
    expect(closed?.weekday).toBe(0);
    addUsage(u, MONDAY + HOUR, 1);
    expect(u.late).toBe(1);
  });
  it('the clock closes a day once it is over plus the grace, and a reading of it afterwards is late', () => {
    const u = newUsageDays();
    for (let h = 0; h < 5; h++) addUsage(u, MONDAY + h * HOUR, 2);
    const tuesday = cstDayEndMs(cstDay(MONDAY));
    expect(tuesday - MONDAY).toBe(24 * HOUR);
    expect(closeFinishedDay(u, tuesday + HOUR - 1, HOUR)).toBe(null);
    expect(closeFinishedDay(u, tuesday + HOUR, HOUR)).toMatchObject({ total: 10, readings: 5, weekday: 0 });
    expect(closeFinishedDay(u, tuesday + 2 * HOUR, HOUR)).toBe(null);
    expect(addUsage(u, MONDAY + 23 * HOUR, 1)).toBe(null);
    expect(u.late).toBe(1);
    // The next day with a reading opens as usual, without inventing the days in between.
    expect(addUsage(u, tuesday + 24 * HOUR, 3)).toBe(null);
    expect(u.current?.weekday).toBe(2);
    expect(u.closed.map((d) => d.weekday)).toEqual([0]);
  });
  it('false alarms make rules stricter, confirmations relax them, within bounds', () => {
    expect(tuneScale(1, 'false_alarm')).toBe(1.25);
    expect(tuneScale(1, 'real')).toBe(1);
    expect(tuneScale(4, 'false_alarm')).toBe(4);
  });
  it('scores precision and recall on (device, rule)', () => {
    const s = scoreAlerts(
      [
        { deviceUid: 'a', rule: 'x' },
        { deviceUid: 'b', rule: 'x' },
      ],
      [
        { deviceUid: 'a', rule: 'x' },
        { deviceUid: 'c', rule: 'y' },
      ],
    );
    expect(s).toMatchObject({
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 1,
      precision: 0.5,
      recall: 0.5,
    });
  });
  it('rejects out-of-range and unknown rule parameters', () => {
    expect(ruleParamProblems('low_flat_usage', { ...lowFlat, days: 0, extra: 1 })).toEqual({
      days: 'must be a number from 1 to 14',
      extra: 'unknown parameter',
    });
    expect(ruleParamProblems('over_capacity', { ...over })).toEqual({});
  });
});
