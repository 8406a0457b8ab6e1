// Anomaly rules are data: a code, a kind and its parameters, stored in the database and changed through the API.
// This module holds their shapes, the defaults the platform starts with, and the validation of edited parameters.

export interface LowFlatUsageParams {
  /** A day is low when its usage is below this share of the expected day. */
  lowRatio: number;
  /** A day is flat when the coefficient of variation of its hourly usage is below this (no morning/evening peaks). */
  flatCv: number;
  /** Consecutive low-or-flat days before the alert. */
  days: number;
  /** Expected litres per person per day while the device's baseline is still cold. */
  fallbackLitresPerPersonDay: number;
}

export interface OverCapacityParams {
  /** Litres per registered person per day considered normal. */
  litresPerPersonDay: number;
  /** Usage above registered size × litres × factor counts as far above. */
  factor: number;
  /** Days (consecutive) above before the alert. */
  days: number;
}

export interface SilentDeviceParams {
  /** Minutes without a message after which a device counts as silent, per device kind. */
  maxSilentMinutes: Record<string, number>;
}

export interface AlarmParams {
  /** Gas concentration (%LEL) at or above which a gas reading is an alarm even without the alarm flag. */
  gasLelPercent: number;
}

export type RuleSpec =
  | { code: string; kind: 'low_flat_usage'; params: LowFlatUsageParams; enabled: boolean }
  | { code: string; kind: 'over_capacity'; params: OverCapacityParams; enabled: boolean }
  | { code: string; kind: 'silent_device'; params: SilentDeviceParams; enabled: boolean }
  | { code: string; kind: 'alarm'; params: AlarmParams; enabled: boolean };

export type RuleKind = RuleSpec['kind'];

export const DEFAULT_RULES: RuleSpec[] = [
  {
    code: 'elderly_alone_low_water',
    kind: 'low_flat_usage',
    params: { lowRatio: 0.3, flatCv: 0.2, days: 3, fallbackLitresPerPersonDay: 100 },
    enabled: true,
  },
  {
    code: 'group_rental_water',
    kind: 'over_capacity',
    params: { litresPerPersonDay: 150, factor: 2.5, days: 2 },
    enabled: true,
  },
  {
    code: 'meter_silent',
    kind: 'silent_device',
    params: {
      maxSilentMinutes: {
        water_meter: 180,
        electricity_meter: 180,
        gas_detector: 1440,
        smoke_detector: 1440,
        door_sensor: 1440,
        emergency_button: 1440,
        environment: 60,
        video_box: 60,
      },
    },
    enabled: true,
  },
  { code: 'life_safety_alarm', kind: 'alarm', params: { gasLelPercent: 20 }, enabled: true },
];

const RANGES: Record<RuleKind, Record<string, [number, number]>> = {
  low_flat_usage: {
    lowRatio: [0.01, 1],
    flatCv: [0, 2],
    days: [1, 14],
    fallbackLitresPerPersonDay: [1, 2000],
  },
  over_capacity: { litresPerPersonDay: [1, 2000], factor: [1, 20], days: [1, 14] },
  silent_device: {},
  alarm: { gasLelPercent: [1, 100] },
};

/** Problems with edited parameters, as field → message; empty when they are valid for the rule's kind. */
export function ruleParamProblems(kind: RuleKind, params: Record<string, unknown>): Record<string, string> {
  const problems: Record<string, string> = {};
  const ranges = RANGES[kind];
  for (const [name, [min, max]] of Object.entries(ranges)) {
    const v = params[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      problems[name] = `must be a number from ${min} to ${max}`;
    }
  }
  for (const name of Object.keys(params)) {
    if (kind === 'silent_device' && name === 'maxSilentMinutes') continue;
    if (!(name in ranges)) problems[name] = 'unknown parameter';
  }
  if (kind === 'silent_device') {
    const m = params['maxSilentMinutes'];
    if (!m || typeof m !== 'object') problems['maxSilentMinutes'] = 'must map device kinds to minutes';
    else
      for (const [k, v] of Object.entries(m)) {
        if (typeof v !== 'number' || v < 1 || v > 7 * 1440)
          problems[`maxSilentMinutes.${k}`] = 'must be 1 to 10080';
      }
  }
  return problems;
}
