// Runs the pure detectors of src/lib/anomaly over what ingestion stored: alarms on the message itself, daily rules
// when a water meter's day closes, silence on a periodic sweep. Holds each device's evaluation state in memory
// (closed days, hour-of-week baseline, feedback-tuned scale); baselines and scales are saved to device_baseline.
import { sql } from 'kysely';
import {
  detectAlarm,
  detectLowFlatUsage,
  detectOverCapacity,
  detectSilent,
  type Values,
} from '../../lib/anomaly/detectors.ts';
import { type Feedback, tuneScale } from '../../lib/anomaly/feedback.ts';
import {
  baselineFromJson,
  baselineToJson,
  emptyBaseline,
  type HourOfWeekBaseline,
  updateBaseline,
} from '../../lib/anomaly/hour-of-week-baseline.ts';
import { DEFAULT_RULES, type RuleSpec } from '../../lib/anomaly/rules.ts';
import { addUsage, type DaySummary, newUsageDays, type UsageDays } from '../../lib/anomaly/usage-days.ts';
import type { Database } from '../../platform/db/index.ts';
import type { AlertsService } from './alerts.service.ts';
import type { DeviceContext } from './sensing.repository.ts';

interface DeviceState {
  ctx: DeviceContext;
  days: UsageDays;
  baseline: HourOfWeekBaseline;
  scale: number;
  lastTsMs: number | null;
  dirty: boolean;
}

export interface EvaluatedReading {
  ctx: DeviceContext;
  tsMs: number;
  msgId: string;
  values: Values;
  /** Alarms were already decided when the message arrived (alarmOnArrival); the batch skips them. */
  alarmDecided?: boolean;
}

/** Rule code of an alarm alert: one per alarm kind, so a smoke alarm and a gas alarm of one device are two alerts. */
export const ALARM_RULE_CODES = {
  smoke: 'smoke_alarm',
  gas: 'gas_alarm',
  fall: 'fall_alarm',
  sos: 'sos_alarm',
  fire_hazard: 'fire_hazard',
} as const;

/** Device kinds whose messages can carry an alarm, decided on arrival rather than after the batch is stored. */
const ALARM_KINDS = new Set(['smoke_detector', 'gas_detector', 'emergency_button', 'video_box']);

export function createEvaluator(
  database: Database,
  alerts: AlertsService,
  onError: (error: unknown) => void = () => {},
) {
  const states = new Map<number, DeviceState>();
  let rules: RuleSpec[] = DEFAULT_RULES;

  const rule = <K extends RuleSpec['kind']>(kind: K) =>
    rules.find((r): r is Extract<RuleSpec, { kind: K }> => r.kind === kind && r.enabled);

  function state(ctx: DeviceContext): DeviceState {
    let s = states.get(ctx.id);
    if (!s) {
      s = {
        ctx,
        days: newUsageDays(),
        baseline: emptyBaseline(),
        scale: 1,
        lastTsMs: ctx.lastSeenMs,
        dirty: false,
      };
      states.set(ctx.id, s);
    }
    return s;
  }

  async function onDayClosed(s: DeviceState, day: DaySummary, closedAtMs: number): Promise<void> {
    let anomalous = false;
    const low = rule('low_flat_usage');
    if (low && s.ctx.elderlyAlone) {
      const v = detectLowFlatUsage(s.days.closed, s.baseline, s.ctx.registeredSize, low.params, s.scale);
      if (v.fire) {
        anomalous = true;
        await alerts.raise(s.ctx, low.code, 'warning', closedAtMs, { ...v.details, rule: low.code });
      }
    }
    const over = rule('over_capacity');
    if (over) {
      const v = detectOverCapacity(s.days.closed, s.ctx.registeredSize, over.params, s.scale);
      if (v.fire) {
        anomalous = true;
        await alerts.raise(s.ctx, over.code, 'warning', closedAtMs, { ...v.details, rule: over.code });
      }
    }
    // Anomalous days do not teach the baseline: the habit is what it was before.
    if (!anomalous) {
      for (let h = 0; h < 24; h++) updateBaseline(s.baseline, day.weekday * 24 + h, day.hourly[h]!);
      s.dirty = true;
    }
  }

  function raiseAlarm(r: EvaluatedReading): Promise<unknown> | null {
    const alarm = rule('alarm');
    if (!alarm) return null;
    const kind = detectAlarm(r.ctx.kind, r.values, alarm.params);
    if (!kind) return null;
    const severity = kind === 'fire_hazard' ? 'warning' : 'emergency';
    return alerts.raise(r.ctx, ALARM_RULE_CODES[kind], severity, r.tsMs, {
      msgId: r.msgId,
      rule: alarm.code,
      values: r.values,
    });
  }

  return {
    register(ctx: DeviceContext) {
      const s = state(ctx);
      s.ctx = ctx;
    },

    async loadRulesAndBaselines(): Promise<void> {
      await database.db
        .insertInto('anomaly_rule')
        .values(
          DEFAULT_RULES.map((r) => ({
            code: r.code,
            kind: r.kind,
            params: JSON.stringify(r.params),
            enabled: r.enabled,
          })),
        )
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
      await this.reloadRules();
      const rows = await database.db.selectFrom('device_baseline').selectAll().execute();
      for (const r of rows) {
        const s = states.get(r.device_id);
        if (!s) continue;
        s.baseline = baselineFromJson(typeof r.state === 'string' ? JSON.parse(r.state) : r.state);
        s.scale = r.threshold_scale;
      }
    },

    async reloadRules(): Promise<void> {
      const rows = await database.db.selectFrom('anomaly_rule').selectAll().execute();
      rules = rows.map(
        (r) =>
          ({
            code: r.code,
            kind: r.kind,
            params: typeof r.params === 'string' ? JSON.parse(r.params) : r.params,
            enabled: r.enabled,
          }) as RuleSpec,
      );
    },

    /**
     * The fast path for life-safety messages: decides a smoke, gas, fall or SOS alarm as soon as the message is
     * validated, without waiting for the reading batch to be stored, and raises the alert (with its dispatch) at
     * once. Returns whether the message was decided here; the raise runs on (retried once), a second failure
     * goes to onError.
     */
    alarmOnArrival(r: EvaluatedReading): boolean {
      if (!ALARM_KINDS.has(r.ctx.kind)) return false;
      // One retry a second later: a database hiccup must not swallow a fire alarm.
      raiseAlarm(r)?.catch(() => setTimeout(() => raiseAlarm(r)?.catch(onError), 1000).unref());
      return true;
    },

    async evaluate(batch: readonly EvaluatedReading[]): Promise<void> {
      const raises: Promise<unknown>[] = [];
      for (const r of batch) {
        const s = state(r.ctx);
        if (s.lastTsMs === null || r.tsMs > s.lastTsMs) s.lastTsMs = r.tsMs;
        if (!r.alarmDecided) {
          const raise = raiseAlarm(r);
          if (raise) raises.push(raise);
        }
        if (r.ctx.kind === 'water_meter' && typeof r.values['usage'] === 'number') {
          const closed = addUsage(s.days, r.tsMs, r.values['usage']);
          if (closed) await onDayClosed(s, closed, r.tsMs);
        }
      }
      await Promise.all(raises);
    },

    /** Raises a silent-device alert for every device quiet for longer than its kind allows. */
    async sweepSilent(nowMs = Date.now()): Promise<number> {
      const silent = rule('silent_device');
      if (!silent) return 0;
      let raised = 0;
      for (const s of states.values()) {
        if (s.lastTsMs === null) continue;
        const v = detectSilent(s.ctx.kind, s.lastTsMs, nowMs, silent.params);
        if (
          v.fire &&
          (await alerts.raise(s.ctx, silent.code, 'warning', nowMs, { ...v.details, rule: silent.code }))
        )
          raised++;
      }
      return raised;
    },

    /** Feedback on an alert of a device tunes that device's threshold scale. */
    async applyFeedback(deviceId: number, feedback: Feedback): Promise<number> {
      const s = states.get(deviceId);
      const current =
        s?.scale ??
        (
          await database.db
            .selectFrom('device_baseline')
            .select('threshold_scale')
            .where('device_id', '=', deviceId)
            .executeTakeFirst()
        )?.threshold_scale ??
        1;
      const next = tuneScale(current, feedback);
      if (s) {
        s.scale = next;
        s.dirty = true;
      }
      await database.db
        .insertInto('device_baseline')
        .values({
          device_id: deviceId,
          state: JSON.stringify(baselineToJson(s?.baseline ?? emptyBaseline())),
          threshold_scale: next,
        })
        .onConflict((oc) =>
          oc.column('device_id').doUpdateSet({ threshold_scale: next, updated_at: sql`now()` }),
        )
        .execute();
      return next;
    },

    scaleOf(deviceId: number): number {
      return states.get(deviceId)?.scale ?? 1;
    },

    async persistBaselines(): Promise<void> {
      const dirty = [...states.values()].filter((s) => s.dirty);
      if (dirty.length === 0) return;
      for (const s of dirty) s.dirty = false;
      await database.db
        .insertInto('device_baseline')
        .values(
          dirty.map((s) => ({
            device_id: s.ctx.id,
            state: JSON.stringify(baselineToJson(s.baseline)),
            threshold_scale: s.scale,
          })),
        )
        .onConflict((oc) =>
          oc.column('device_id').doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            threshold_scale: eb.ref('excluded.threshold_scale'),
            updated_at: sql`now()`,
          })),
        )
        .execute();
    },
  };
}

export type DeviceEvaluator = ReturnType<typeof createEvaluator>;
