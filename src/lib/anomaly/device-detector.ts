// Per-device detection state and the rules applied to each reading, without I/O: the platform's evaluator turns
// its detections into alerts, and `cbrain detect` into rows of a CSV file. Holds each device's closed days,
// hour-of-week baseline and feedback-tuned scale; anomalous days do not teach the baseline. A day is closed by the
// meter's first reading of a later day or by the clock (closeFinishedDays), whichever comes first, and judged once.
import {
  detectAlarm,
  detectLowFlatUsage,
  detectOverCapacity,
  detectSilent,
  type Values,
} from './detectors.ts';
import { emptyBaseline, type HourOfWeekBaseline, updateBaseline } from './hour-of-week-baseline.ts';
import { DEFAULT_RULES, type RuleSpec } from './rules.ts';
import { addUsage, closeFinishedDay, type DaySummary, newUsageDays, type UsageDays } from './usage-days.ts';

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
  /** When the device's latest message arrived (wall clock); null when none arrived since the state was made. */
  lastArrivalMs: number | null;
  /** The device's latest message time when its silence was last reported: one silent alert per silence. */
  silentReportedFor: number | null;
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
        lastArrivalMs: null,
        silentReportedFor: null,
        dirty: false,
      };
      states.set(device.id, s);
    }
    return s;
  }

  function judgeDay(s: DeviceState<D>, day: DaySummary, closedAtMs: number): Detection<D>[] {
    const out: Detection<D>[] = [];
    // The streak ends at the day judged, even if a later day closed meanwhile.
    const history =
      s.days.closed.at(-1) === day ? s.days.closed : s.days.closed.filter((d) => d.day <= day.day);
    let anomalous = false;
    const low = rule('low_flat_usage');
    if (low && s.device.elderlyAlone) {
      const v = detectLowFlatUsage(history, s.baseline, s.device.registeredSize, low.params, s.scale);
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
      const v = detectOverCapacity(history, s.device.registeredSize, over.params, s.scale);
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
    return out;
  }

  /** Last-seen time and, for a water meter's usage, the open day; returns the day this reading closed, if any. */
  function record(device: D, tsMs: number, values: Values, arrivedAtMs: number): DaySummary | null {
    const s = state(device);
    s.device = device;
    if (s.lastTsMs === null || tsMs > s.lastTsMs) s.lastTsMs = tsMs;
    if (s.lastArrivalMs === null || arrivedAtMs > s.lastArrivalMs) s.lastArrivalMs = arrivedAtMs;
    const usage = values['usage'];
    if (device.kind === 'water_meter' && typeof usage === 'number') return addUsage(s.days, tsMs, usage);
    return null;
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

    record,

    /** The daily rules on a day just closed; the baseline learns the day unless a rule found it anomalous. */
    judgeDay(device: D, day: DaySummary, closedAtMs: number): Detection<D>[] {
      return judgeDay(state(device), day, closedAtMs);
    },

    /**
     * The message's own alarm (`withAlarm`) and the daily rules on the day its reading closed, judged at once:
     * for `cbrain detect`, which has no other path that could judge the day. The platform records and judges
     * separately, so that a day is judged only by whichever path stored its closing first.
     */
    observe(device: D, tsMs: number, msgId: string, values: Values, withAlarm = true): Detection<D>[] {
      const out: Detection<D>[] = [];
      if (withAlarm) {
        const a = this.alarm(device, tsMs, msgId, values);
        if (a) out.push(a);
      }
      const closed = record(device, tsMs, values, tsMs);
      if (closed) out.push(...judgeDay(state(device), closed, tsMs));
      return out;
    },

    /**
     * Closes every open day that ended `graceMs` or more before `nowMs` (a meter that went quiet sends no reading
     * that would close it). A meter whose messages arrived within the last `graceMs` is catching up on stored
     * history (a gateway back online): its own readings close its days, in order, so none is cut short.
     */
    closeFinishedDays(nowMs: number, graceMs: number): Array<{ device: D; day: DaySummary }> {
      const out: Array<{ device: D; day: DaySummary }> = [];
      for (const s of states.values()) {
        if (s.lastArrivalMs !== null && nowMs - s.lastArrivalMs < graceMs) continue;
        const day = closeFinishedDay(s.days, nowMs, graceMs);
        if (day) out.push({ device: s.device, day });
      }
      return out;
    },

    /**
     * Every device quiet for longer than its kind allows, once per silence: a device stays reported until a new
     * message ends its silence, so closing its alert does not bring the same silence back a minute later.
     */
    silent(nowMs: number): Detection<D>[] {
      const silentRule = rule('silent_device');
      if (!silentRule) return [];
      const out: Detection<D>[] = [];
      for (const s of states.values()) {
        if (s.lastTsMs === null || s.silentReportedFor === s.lastTsMs) continue;
        const v = detectSilent(s.device.kind, s.lastTsMs, nowMs, silentRule.params);
        if (v.fire) {
          s.silentReportedFor = s.lastTsMs;
          out.push({
            device: s.device,
            ruleCode: silentRule.code,
            severity: 'warning',
            observedAtMs: nowMs,
            details: { ...v.details, rule: silentRule.code },
          });
        }
      }
      return out;
    },
  };
}

export type DeviceDetector<D extends DetectedDevice> = ReturnType<typeof createDeviceDetector<D>>;
