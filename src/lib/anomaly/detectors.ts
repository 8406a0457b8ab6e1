// The detectors: pure functions from a device's recent days (or its last message) and a rule's parameters to a
// verdict with the reason in numbers. `scale` is the device's feedback-tuned threshold scale (1 = as configured,
// above 1 = stricter after false alarms).
import type { HourOfWeekBaseline } from './hour-of-week-baseline.ts';
import { expectedDay } from './hour-of-week-baseline.ts';
import type { AlarmParams, LowFlatUsageParams, OverCapacityParams, SilentDeviceParams } from './rules.ts';
import { type DaySummary, hourlyCv } from './usage-days.ts';

export interface Verdict {
  fire: boolean;
  details: Record<string, number | string | boolean>;
}

/** Expected litres of a day: the device's own baseline once warm, else the per-person fallback × household size. */
export function expectedLitres(
  baseline: HourOfWeekBaseline | null,
  weekday: number,
  householdSize: number,
  fallbackPerPerson: number,
): { litres: number; source: 'baseline' | 'fallback' } {
  if (baseline) {
    const e = expectedDay(baseline, weekday);
    if (e.warm && e.total > 0) return { litres: e.total, source: 'baseline' };
  }
  return { litres: Math.max(1, householdSize) * fallbackPerPerson, source: 'fallback' };
}

/** Elderly living alone: usage abnormally low, or flat (no daily rhythm), on `days` consecutive closed days. */
export function detectLowFlatUsage(
  days: readonly DaySummary[],
  baseline: HourOfWeekBaseline | null,
  householdSize: number,
  p: LowFlatUsageParams,
  scale = 1,
): Verdict {
  let streak = 0;
  let lastRatio = 1;
  let lastCv = 0;
  for (let i = days.length - 1; i >= 0 && streak < p.days; i--) {
    const d = days[i]!;
    if (i < days.length - 1 && days[i + 1]!.day !== d.day + 1) break; // a gap breaks consecutiveness
    const expected = expectedLitres(baseline, d.weekday, householdSize, p.fallbackLitresPerPersonDay).litres;
    const ratio = d.total / expected;
    const cv = hourlyCv(d);
    const low = ratio < p.lowRatio / scale;
    const flat = cv < p.flatCv / scale;
    if (!(low || flat)) break;
    if (streak === 0) {
      lastRatio = ratio;
      lastCv = Number.isFinite(cv) ? cv : -1;
    }
    streak++;
  }
  return {
    fire: streak >= p.days,
    details: { streakDays: streak, lastDayRatio: round3(lastRatio), lastDayHourlyCv: round3(lastCv) },
  };
}

/** Group rental: usage far above what the household's registered size explains, `days` days running. */
export function detectOverCapacity(
  days: readonly DaySummary[],
  registeredSize: number,
  p: OverCapacityParams,
  scale = 1,
): Verdict {
  const limit = Math.max(1, registeredSize) * p.litresPerPersonDay * p.factor * scale;
  let streak = 0;
  for (let i = days.length - 1; i >= 0 && streak < p.days; i--) {
    if (i < days.length - 1 && days[i + 1]!.day !== days[i]!.day + 1) break;
    if (days[i]!.total <= limit) break;
    streak++;
  }
  const last = days.at(-1)?.total ?? 0;
  return {
    fire: streak >= p.days,
    details: { streakDays: streak, limitLitres: round3(limit), lastDayLitres: round3(last), registeredSize },
  };
}

/** A device that stopped reporting. */
export function detectSilent(
  kind: string,
  lastSeenMs: number,
  nowMs: number,
  p: SilentDeviceParams,
): Verdict {
  const max = p.maxSilentMinutes[kind];
  const silentMinutes = (nowMs - lastSeenMs) / 60_000;
  return {
    fire: max !== undefined && silentMinutes > max,
    details: { silentMinutes: Math.round(silentMinutes) },
  };
}

export type AlarmKind = 'smoke' | 'gas' | 'fall' | 'sos' | 'fire_hazard';

/** Values of one message, already validated: numbers, booleans or strings by metric name. */
export type Values = Record<string, number | boolean | string>;

/** Life-safety alarms are raised on the message itself, without waiting for any baseline. */
export function detectAlarm(kind: string, values: Values, p: AlarmParams): AlarmKind | null {
  switch (kind) {
    case 'smoke_detector':
      return values['alarm'] === true ? 'smoke' : null;
    case 'gas_detector':
      return values['alarm'] === true ||
        (typeof values['lel'] === 'number' && values['lel'] >= p.gasLelPercent)
        ? 'gas'
        : null;
    case 'emergency_button':
      if (values['fall'] === true) return 'fall';
      return values['pressed'] === true ? 'sos' : null;
    case 'video_box':
      return values['event'] === 'fire_hazard' ? 'fire_hazard' : null;
    default:
      return null;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
