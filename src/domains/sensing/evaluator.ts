// Runs the pure detectors of src/lib/anomaly over what ingestion stored: alarms on the message itself, daily rules
// when a water meter's day closes, silence on a periodic sweep. Holds each device's evaluation state in memory
// (closed days, hour-of-week baseline, feedback-tuned scale); baselines and scales are saved to device_baseline.
import { sql } from 'kysely';
import type { Values } from '../../lib/anomaly/detectors.ts';
import { ALARM_RULE_CODES, createDeviceDetector, type Detection } from '../../lib/anomaly/device-detector.ts';
import { type Feedback, tuneScale } from '../../lib/anomaly/feedback.ts';
import { baselineFromJson, baselineToJson, emptyBaseline } from '../../lib/anomaly/hour-of-week-baseline.ts';
import { DEFAULT_RULES, type RuleSpec } from '../../lib/anomaly/rules.ts';
import type { Database } from '../../platform/db/index.ts';
import type { AlertsService } from './alerts.service.ts';
import type { DeviceContext } from './sensing.repository.ts';

export interface EvaluatedReading {
  ctx: DeviceContext;
  tsMs: number;
  msgId: string;
  values: Values;
  /** The message's alarm was already raised on arrival (raiseUrgent); evaluation skips it. */
  alarmDecided?: boolean;
}

const ALARM_CODES = new Set<string>(Object.values(ALARM_RULE_CODES));

export function createEvaluator(database: Database, alerts: AlertsService) {
  const detector = createDeviceDetector<DeviceContext>();
  const states = detector.states;

  function raise(d: Detection<DeviceContext>) {
    return alerts.raise(d.device, d.ruleCode, d.severity, d.observedAtMs, d.details);
  }

  return {
    register(ctx: DeviceContext) {
      detector.state(ctx, ctx.lastSeenMs).device = ctx;
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
      detector.setRules(
        rows.map(
          (r) =>
            ({
              code: r.code,
              kind: r.kind,
              params: typeof r.params === 'string' ? JSON.parse(r.params) : r.params,
              enabled: r.enabled,
            }) as RuleSpec,
        ),
      );
    },

    /** The emergency (smoke, gas, fall, SOS alarm) a message carries, or null; decided on arrival, without I/O. */
    emergencyOf(r: EvaluatedReading): Detection<DeviceContext> | null {
      const d = detector.alarm(r.ctx, r.tsMs, r.msgId, r.values);
      return d?.severity === 'emergency' ? d : null;
    },

    /**
     * The fast path for a life-safety message: stores the message and raises its emergency (alert, line-up, first
     * responder notified) in one statement on the urgent path, without waiting for the reading batch. Returns
     * whether the message was new; a message already stored raises nothing. Throws when the database refused it.
     */
    async raiseUrgent(r: EvaluatedReading, d: Detection<DeviceContext>): Promise<boolean> {
      const { stored } = await alerts.raiseEmergency(d.device, d.ruleCode, d.observedAtMs, d.details, {
        deviceId: r.ctx.id,
        tsMs: r.tsMs,
        msgId: r.msgId,
        streetCode: r.ctx.streetCode,
        values: r.values,
      });
      return stored;
    },

    async evaluate(batch: readonly EvaluatedReading[]): Promise<void> {
      const raises: Promise<unknown>[] = [];
      for (const r of batch) {
        // Alarms go out concurrently; the daily rules of one device are raised in order.
        for (const d of detector.observe(r.ctx, r.tsMs, r.msgId, r.values, !r.alarmDecided)) {
          if (ALARM_CODES.has(d.ruleCode)) raises.push(raise(d));
          else await raise(d);
        }
      }
      await Promise.all(raises);
    },

    /** Raises a silent-device alert for every device quiet for longer than its kind allows. */
    async sweepSilent(nowMs = Date.now()): Promise<number> {
      let raised = 0;
      for (const d of detector.silent(nowMs)) if (await raise(d)) raised++;
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
            device_id: s.device.id,
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
