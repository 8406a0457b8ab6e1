// Per-device detection state and the rules applied to each reading, without I/O: the platform's evaluator turns
// its detections into alerts, and `cbrain detect` into rows of a CSV file. Holds each device's closed days,
// hour-of-week baseline and feedback-tuned scale; anomalous days do not teach the baseline.
import {
  detectAlarm,
  detectLowFlatUsage,
  detectOverCapacity,
  detectSilent,
  type Values,
} from './detectors.ts';
import { emptyBaseline, type HourOfWeekBaseline, updateBaseline } from './hour-of-week-baseline.ts';
import { DEFAULT_RULES, type RuleSpec } from './rules.ts';
import { addUsage, type DaySummary, newUsageDays, type UsageDays } from './usage-days.ts';

/** What the detectors know of a device besides its readings. */
export interface DetectedDevice {
  id: number;
  kind: string;
  registeredSize: number;
  elderlyAlone: boolean;
}

export interface DeviceState<D extends DetectedDevice = DetectedDevice> {
  device: D;
  days: UsageDays;
  baseline: HourOfWeekBaseline;
  scale: number;
  lastTsMs: number | null;
  /** The baseline or scale changed since it was last saved. */
  dirty: boolean;
}

export interface Detection<D extends DetectedDevice = DetectedDevice> {
  device: D;
  ruleCode: string;
  severity: 'emergency' | 'warning';
  observedAtMs: number;
  details: Record<string, unknown>;
}

/** Rule code of an alarm alert: one per alarm kind, so a smoke alarm and a gas alarm of one device are two alerts. */
export const ALARM_RULE_CODES = {
  smoke: 'smoke_alarm',
  gas: 'gas_alarm',
  fall: 'fall_alarm',
  sos: 'sos_alarm',
  fire_hazard: 'fire_hazard',
} as const;

export function createDeviceDetector<D extends DetectedDevice>(initialRules: RuleSpec[] = DEFAULT_RULES) {
  const states = new Map<number, DeviceState<D>>();
  let rules = initialRules;

  const rule = <K extends RuleSpec['kind']>(kind: K) =>
    rules.find((r): r is Extract<RuleSpec, { kind: K }> => r.kind === kind && r.enabled);

  function state(device: D, lastSeenMs: number | null = null): DeviceState<D> {
    let s = states.get(device.id);
    if (!s) {
      s = {
        device,
        days: newUsageDays(),
        baseline: emptyBaseline(),
        scale: 1,
        lastTsMs: lastSeenMs,
        dirty: false,
      };
      states.set(device.id, s);
    }
    return s;
  }

  function onDayClosed(s: DeviceState<D>, day: DaySummary, closedAtMs: number, out: Detection<D>[]) {
    let anomalous = false;
    const low = rule('low_flat_usage');
    if (low && s.device.elderlyAlone) {
      const v = detectLowFlatUsage(s.days.closed, s.baseline, s.device.registeredSize, low.params, s.scale);
      if (v.fire) {
        anomalous = true;
        out.push({
          device: s.device,
          ruleCode: low.code,
          severity: 'warning',
          observedAtMs: closedAtMs,
          details: { ...v.details, rule: low.code },
        });
      }
    }
    const over = rule('over_capacity');
    if (over) {
      const v = detectOverCapacity(s.days.closed, s.device.registeredSize, over.params, s.scale);
      if (v.fire) {
        anomalous = true;
        out.push({
          device: s.device,
          ruleCode: over.code,
          severity: 'warning',
          observedAtMs: closedAtMs,
          details: { ...v.details, rule: over.code },
        });
      }
    }
    // Anomalous days do not teach the baseline: the habit is what it was before.
    if (!anomalous) {
      for (let h = 0; h < 24; h++) updateBaseline(s.baseline, day.weekday * 24 + h, day.hourly[h]!);
      s.dirty = true;
    }
  }

  return {
    states,
    state,
    setRules(next: RuleSpec[]) {
      rules = next;
    },

    /** A smoke, gas, fall, SOS or fire-hazard alarm carried by the message itself, or null. */
    alarm(device: D, tsMs: number, msgId: string, values: Values): Detection<D> | null {
      const alarm = rule('alarm');
      if (!alarm) return null;
      const kind = detectAlarm(device.kind, values, alarm.params);
      if (!kind) return null;
      return {
        device,
        ruleCode: ALARM_RULE_CODES[kind],
        severity: kind === 'fire_hazard' ? 'warning' : 'emergency',
        observedAtMs: tsMs,
        details: { msgId, rule: alarm.code, values },
      };
    },

    /** Daily rules, run when a water meter's reading closes a day; `withAlarm` adds the message's own alarm. */
    observe(device: D, tsMs: number, msgId: string, values: Values, withAlarm = true): Detection<D>[] {
      const out: Detection<D>[] = [];
      const s = state(device);
      s.device = device;
      if (s.lastTsMs === null || tsMs > s.lastTsMs) s.lastTsMs = tsMs;
      if (withAlarm) {
        const a = this.alarm(device, tsMs, msgId, values);
        if (a) out.push(a);
      }
      const usage = values['usage'];
      if (device.kind === 'water_meter' && typeof usage === 'number') {
        const closed = addUsage(s.days, tsMs, usage);
        if (closed) onDayClosed(s, closed, tsMs, out);
      }
      return out;
    },

    /** Every device quiet for longer than its kind allows. */
    silent(nowMs: number): Detection<D>[] {
      const silentRule = rule('silent_device');
      if (!silentRule) return [];
      const out: Detection<D>[] = [];
      for (const s of states.values()) {
        if (s.lastTsMs === null) continue;
        const v = detectSilent(s.device.kind, s.lastTsMs, nowMs, silentRule.params);
        if (v.fire)
          out.push({
            device: s.device,
            ruleCode: silentRule.code,
            severity: 'warning',
            observedAtMs: nowMs,
            details: { ...v.details, rule: silentRule.code },
          });
      }
      return out;
    },
  };
}

export type DeviceDetector<D extends DetectedDevice> = ReturnType<typeof createDeviceDetector<D>>;
