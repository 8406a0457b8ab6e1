// Runs the pure detectors of src/lib/anomaly over what ingestion stored: alarms on the message itself, daily rules
// when a water meter's day closes (by its next day's reading, or by the clock sweep once the day is over), silence
// on the same sweep. Holds each device's evaluation state in memory (closed days, hour-of-week baseline,
// feedback-tuned scale); baselines and scales are saved to device_baseline, closed days to sensing_usage_day.
import { sql } from 'kysely';
import type { Values } from '../../lib/anomaly/detectors.ts';
import { createDeviceDetector, type Detection } from '../../lib/anomaly/device-detector.ts';
import { type Feedback, tuneScale } from '../../lib/anomaly/feedback.ts';
import { baselineFromJson, baselineToJson, emptyBaseline } from '../../lib/anomaly/hour-of-week-baseline.ts';
import { DEFAULT_RULES, type RuleSpec } from '../../lib/anomaly/rules.ts';
import { cstDay, type DaySummary, daySummary, restoreClosedDay } from '../../lib/anomaly/usage-days.ts';
import { chunksOf } from '../../lib/chunks.ts';
import type { Database } from '../../platform/db/index.ts';
import type { AlertsService } from './alerts.service.ts';
import { REPORTING_INTERVAL_MINUTES } from './device-kinds.ts';
import type { DeviceContext } from './sensing.repository.ts';
import {
  deleteClosedDaysBefore,
  insertClosedDay,
  insertClosedDays,
  loadClosedDays,
  loadOpenUsage,
} from './usage-days.repository.ts';

export interface EvaluatedReading {
  ctx: DeviceContext;
  tsMs: number;
  msgId: string;
  values: Values;
  /** The message's alarm was already raised on arrival (raiseUrgent); evaluation skips it. */
  alarmDecided?: boolean;
}

/**
 * How long after midnight (China time) the clock closes a day a meter left open: one reporting interval, so the
 * reading of the day's last hour arrives first, and a meter still reporting closes the day with its own reading.
 */
export const DAY_CLOSE_GRACE_MS = REPORTING_INTERVAL_MINUTES.water_meter * 60_000;

/** Closed days the daily rules look back on (the longest rule allows 14 consecutive days). */
const HISTORY_DAYS = 14;

/**
 * Closed days kept in sensing_usage_day: what a start restores (the last HISTORY_DAYS) and two days more, so that a
 * start just after midnight or a clock a little behind still finds every day it restores. A start replays a
 * meter's readings from the later of its last judged day and the window's start, so a last judged day older than
 * the window, deleted or not, changes nothing. Older rows are deleted by the clock sweep once a day.
 */
export const RETAINED_DAYS = HISTORY_DAYS + 2;

/** Closed days a start's replay stores a statement. */
const RESTORE_CHUNK = 1000;

/** Rows a retention statement deletes at most, with a turn of the event loop between two statements. */
const PRUNE_CHUNK = 5000;

export interface ClockSweep {
  /** Water-meter days the clock closed and the daily rules judged (not those judged before, say before a restart). */
  daysClosed: number;
  /** Alerts the daily rules raised on those days. */
  dayAlerts: number;
  /** Silent-device alerts raised. */
  silentAlerts: number;
  /** Closed days deleted by retention (older than RETAINED_DAYS; done on the first sweep of a day). */
  daysPruned: number;
}

export function createEvaluator(database: Database, alerts: AlertsService) {
  const detector = createDeviceDetector<DeviceContext>();
  const states = detector.states;
  const lastRestore = { restoredDays: 0, replayedReadings: 0, judgedDays: 0, readMs: 0, replayMs: 0 };

  function raise(d: Detection<DeviceContext>) {
    return alerts.raise(d.device, d.ruleCode, d.severity, d.observedAtMs, d.details);
  }

  /**
   * Stores a closed day and, only when this call stored it, judges it: the reading path and the clock may both
   * close the same day (or a restart replay the readings that closed it), and the day is judged once.
   */
  async function judgeClosedDay(
    device: DeviceContext,
    day: DaySummary,
    closedAtMs: number,
    closedBy: 'reading' | 'clock',
  ): Promise<{ raised: number } | null> {
    if (!(await insertClosedDay(database.db, device.id, day, closedBy, closedAtMs))) return null;
    let raised = 0;
    // The daily rules of one device are raised in order.
    for (const d of detector.judgeDay(device, day, closedAtMs)) if (await raise(d)) raised++;
    return { raised };
  }

  /** Retention is decided once a day: the first sweep of a China-time day deletes what fell out of the window. */
  let prunedBefore = Number.NEGATIVE_INFINITY;

  async function pruneClosedDays(nowMs: number): Promise<number> {
    const before = cstDay(nowMs) - RETAINED_DAYS;
    if (before <= prunedBefore) return 0;
    let pruned = 0;
    for (;;) {
      const n = await deleteClosedDaysBefore(database.db, before, PRUNE_CHUNK);
      pruned += n;
      if (n < PRUNE_CHUNK) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    prunedBefore = before;
    return pruned;
  }

  async function sweepSilent(nowMs: number): Promise<number> {
    let raised = 0;
    for (const d of detector.silent(nowMs)) if (await raise(d)) raised++;
    return raised;
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

    /**
     * Gives the daily rules their state back after a start: the days judged in the last two weeks, then the
     * readings stored since each meter's last judged day, replayed in order (a day they close that was never
     * judged, say the server stopped in between, is judged now; one judged before is not judged again).
     * Call after the devices are registered and the rules loaded, before messages flow.
     */
    async restoreDays(nowMs = Date.now()): Promise<void> {
      const sinceDay = cstDay(nowMs) - HISTORY_DAYS;
      const started = performance.now();
      const closedDays = await loadClosedDays(database.db, sinceDay);
      for (const row of closedDays) {
        const s = states.get(row.deviceId);
        if (s) restoreClosedDay(s.days, daySummary(row.day, row.hourly, row.readings));
      }
      const open = await loadOpenUsage(database.db, sinceDay);
      const loaded = performance.now();
      // The days the replay closes are stored RESTORE_CHUNK a statement, then those stored are judged in the
      // order they closed (per meter, oldest first). The same as judging each as it closes: a day's rules see the
      // closed days up to it (at most the 14 of the window, none pushed out), and the baseline learns the days in
      // order. One statement a day instead cost a start with 1,000 meters and no day judged ~57 s, nearly all
      // waiting for 14,000 round trips.
      const closing: Array<{ device: DeviceContext; deviceId: number; day: DaySummary; closedAtMs: number }> =
        [];
      for (const r of open) {
        const s = states.get(r.deviceId);
        if (!s) continue;
        const closed = detector.record(s.device, r.tsMs, { usage: r.usage }, r.tsMs);
        if (closed)
          closing.push({ device: s.device, deviceId: s.device.id, day: closed, closedAtMs: r.tsMs });
      }
      let judged = 0;
      for (const part of chunksOf(closing, RESTORE_CHUNK)) {
        const stored = await insertClosedDays(database.db, part, 'reading');
        for (const c of part) {
          if (!stored.has(`${c.deviceId}:${c.day.day}`)) continue;
          judged++;
          for (const d of detector.judgeDay(c.device, c.day, c.closedAtMs)) await raise(d);
        }
      }
      lastRestore.restoredDays = closedDays.length;
      lastRestore.replayedReadings = open.length;
      lastRestore.judgedDays = judged;
      lastRestore.readMs = Math.round(loaded - started);
      lastRestore.replayMs = Math.round(performance.now() - loaded);
    },

    /**
     * What the last restoreDays() found and spent: closed days restored, readings replayed, days the replay judged;
     * ms reading both from the database, and ms replaying (judging included).
     */
    lastRestore,

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
      const arrivedAtMs = Date.now();
      for (const r of batch) {
        // Alarms go out concurrently; the daily rules of one device are judged in order.
        if (!r.alarmDecided) {
          const a = detector.alarm(r.ctx, r.tsMs, r.msgId, r.values);
          if (a) raises.push(raise(a));
        }
        const closed = detector.record(r.ctx, r.tsMs, r.values, arrivedAtMs);
        if (closed) await judgeClosedDay(r.ctx, closed, r.tsMs, 'reading');
      }
      await Promise.all(raises);
    },

    /** Raises a silent-device alert for every device quiet for longer than its kind allows. */
    sweepSilent(nowMs = Date.now()): Promise<number> {
      return sweepSilent(nowMs);
    },

    /**
     * What the clock decides on its own, without any message: closes and judges every water meter's day that
     * is over in China time (DAY_CLOSE_GRACE_MS after midnight), reports devices silent past their limit, and,
     * once a day, deletes closed days older than the daily rules need (RETAINED_DAYS).
     * The server runs it every minute; tests call it with the time they want.
     */
    async sweepClock(nowMs = Date.now()): Promise<ClockSweep> {
      let daysClosed = 0;
      let dayAlerts = 0;
      for (const { device, day } of detector.closeFinishedDays(nowMs, DAY_CLOSE_GRACE_MS)) {
        const judged = await judgeClosedDay(device, day, nowMs, 'clock');
        if (!judged) continue;
        daysClosed++;
        dayAlerts += judged.raised;
      }
      const silentAlerts = await sweepSilent(nowMs);
      return { daysClosed, dayAlerts, silentAlerts, daysPruned: await pruneClosedDays(nowMs) };
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
