// The ingestion pipeline, broker-agnostic: accept(topic, payload) validates a message synchronously against the
// in-memory device cache (topic, device, per-device rate, payload, clock, duplicates and replays) and queues it;
// a flush every few milliseconds writes the queue in one statement and evaluates only the rows actually inserted,
// so a redelivered message is neither stored nor judged twice. A message carrying an emergency (smoke, gas, fall,
// SOS) is not queued: it is stored with its alert and dispatch in one statement on the database's urgent path, and
// judged like the others once stored. Rejections are counted per device and never stop the others.
import type { FastifyBaseLogger } from 'fastify';
import type { Detection } from '../../lib/anomaly/device-detector.ts';
import { chunksOf } from '../../lib/chunks.ts';
import type { Database } from '../../platform/db/index.ts';
import type { DeviceKind } from './device-kinds.ts';
import type { DeviceEvaluator } from './evaluator.ts';
import { parsePayload, parseTopic, type Rejection } from './payload.ts';
import {
  addHealthCounts,
  type DeviceContext,
  HEALTH_COUNTERS,
  type HealthCounter,
  type HealthCounts,
  insertReadings,
  loadDeviceContexts,
  type ReadingRow,
  updateLastSeen,
} from './sensing.repository.ts';
import { TokenBuckets } from './token-bucket.ts';

export interface IngestOptions {
  flushMs: number;
  maxBatch: number;
  ratePerSecond: number;
  burst: number;
  maxFutureMs: number;
  maxAgeMs: number;
  /** A message older than the device's newest by more than this is a replay, not a late reading. */
  replayWindowMs: number;
}

/** Devices per statement when health counters and last-seen times are written. */
const HEALTH_CHUNK = 500;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Message ids remembered per device for de-duplication in memory (the table's key catches the rest). */
const RECENT_IDS = 64;

interface DeviceRuntime {
  ctx: DeviceContext;
  recent: Map<string, number>;
  newestTsMs: number;
}

interface Pending extends ReadingRow {
  device: DeviceRuntime;
  alarmDecided: boolean;
}

export interface IngestStats {
  received: number;
  queued: number;
  stored: number;
  rejected: Record<Rejection | 'duplicate', number>;
  flushes: number;
  failedFlushes: number;
  lastFlushError: string | null;
}

export function createIngestor(
  database: Database,
  evaluator: DeviceEvaluator,
  options: IngestOptions,
  log: FastifyBaseLogger,
) {
  const devices = new Map<string, DeviceRuntime>();
  const buckets = new TokenBuckets(options.ratePerSecond, options.burst);
  const health = new Map<string, HealthCounts>();
  const lastSeen = new Map<number, number>();
  const lastLogged = new Map<string, number>();
  let queue: Pending[] = [];
  let flushing: Promise<void> | null = null;
  const urgent = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;
  const stats: IngestStats = {
    received: 0,
    queued: 0,
    stored: 0,
    rejected: {
      malformed: 0,
      unknown_device: 0,
      bad_unit: 0,
      clock_skew: 0,
      replayed: 0,
      rate_limited: 0,
      duplicate: 0,
    },
    flushes: 0,
    failedFlushes: 0,
    lastFlushError: null,
  };
  const storedListeners: Array<(n: number) => void> = [];

  function count(uid: string, counter: HealthCounter, problem?: string) {
    let c = health.get(uid);
    if (!c) {
      c = {
        ...(Object.fromEntries(HEALTH_COUNTERS.map((k) => [k, 0])) as Record<HealthCounter, number>),
        lastProblem: null,
        lastProblemAt: null,
      };
      health.set(uid, c);
    }
    c[counter]++;
    if (problem) {
      c.lastProblem = `${counter}: ${problem}`;
      c.lastProblemAt = Date.now();
    }
  }

  function reject(uid: string, reason: Rejection | 'duplicate', problem: string) {
    stats.rejected[reason]++;
    count(uid, reason, reason === 'duplicate' ? undefined : problem);
    if (reason === 'duplicate') return;
    // One log line per device and minute at most: a flooding device must not flood the log either.
    const now = Date.now();
    if ((lastLogged.get(uid) ?? 0) + 60_000 < now) {
      lastLogged.set(uid, now);
      log.warn({ deviceUid: uid, reason, problem }, 'sensor message rejected');
    }
  }

  function register(ctx: DeviceContext) {
    const existing = devices.get(ctx.uid);
    if (existing) existing.ctx = ctx;
    else devices.set(ctx.uid, { ctx, recent: new Map(), newestTsMs: ctx.lastSeenMs ?? 0 });
    evaluator.register(ctx);
  }

  /**
   * Validates and queues one message; returns the rejection reason, or null when it was queued. `viaAlarmLane`:
   * it came on the ingestion thread's alarm lane, ahead of batches that may hold the device's older messages.
   */
  function accept(
    topic: string,
    payload: Buffer | string,
    nowMs = Date.now(),
    viaAlarmLane = false,
  ): Rejection | 'duplicate' | null {
    stats.received++;
    const parts = parseTopic(topic);
    if (!parts) {
      const uid = topic.split('/')[4] ?? '(topic)';
      reject(
        /^[A-Za-z0-9_-]{3,64}$/.test(uid) ? uid : '(topic)',
        'malformed',
        'topic not cb/v1/{district}/{kind}/{deviceUid}/up',
      );
      return 'malformed';
    }
    const device = devices.get(parts.deviceUid);
    if (!device) {
      reject(parts.deviceUid, 'unknown_device', 'device is not registered');
      return 'unknown_device';
    }
    if (device.ctx.kind !== parts.kind) {
      reject(parts.deviceUid, 'malformed', `registered as ${device.ctx.kind}, topic says ${parts.kind}`);
      return 'malformed';
    }
    if (!buckets.take(parts.deviceUid, nowMs)) {
      reject(parts.deviceUid, 'rate_limited', 'more messages than the device rate allows');
      return 'rate_limited';
    }
    const parsed = parsePayload(parts.kind as DeviceKind, payload, {
      nowMs,
      maxFutureMs: options.maxFutureMs,
      maxAgeMs: options.maxAgeMs,
    });
    if (!parsed.ok) {
      reject(parts.deviceUid, parsed.reason, parsed.problem);
      return parsed.reason;
    }
    const { msgId, tsMs, values } = parsed.message;
    const seenTs = device.recent.get(msgId);
    if (seenTs !== undefined) {
      // Same id and time: a QoS 1 redelivery. Same id, other time: a device (or someone) replaying ids.
      if (seenTs === tsMs) {
        reject(parts.deviceUid, 'duplicate', 'redelivered');
        return 'duplicate';
      }
      reject(parts.deviceUid, 'replayed', 'message id reused with another time');
      return 'replayed';
    }
    if (tsMs < device.newestTsMs - options.replayWindowMs) {
      reject(parts.deviceUid, 'replayed', 'older than the replay window behind the newest reading');
      return 'replayed';
    }
    device.recent.set(msgId, tsMs);
    if (device.recent.size > RECENT_IDS) device.recent.delete(device.recent.keys().next().value as string);
    // The alarm lane overtakes the batches, so its messages do not move the replay window: a device's older
    // readings still in a batch behind it are late, not replayed.
    if (!viaAlarmLane && tsMs > device.newestTsMs) device.newestTsMs = tsMs;
    const pending: Pending = {
      deviceId: device.ctx.id,
      tsMs,
      msgId,
      streetCode: device.ctx.streetCode,
      values,
      device,
      alarmDecided: false,
    };
    stats.queued++;
    // Life-safety alarms do not wait for the batch: stored, raised and dispatched now, on the urgent path.
    const emergency = evaluator.emergencyOf({ ctx: device.ctx, tsMs, msgId, values });
    if (emergency) {
      const raising = raiseUrgent(pending, emergency);
      urgent.add(raising);
      void raising.finally(() => urgent.delete(raising));
      return null;
    }
    queue.push(pending);
    if (queue.length >= options.maxBatch) void flushQueue();
    return null;
  }

  async function raiseUrgent(p: Pending, emergency: Detection<DeviceContext>): Promise<void> {
    const reading = { ctx: p.device.ctx, tsMs: p.tsMs, msgId: p.msgId, values: p.values };
    let stored: boolean;
    try {
      stored = await evaluator.raiseUrgent(reading, emergency);
    } catch (error) {
      // The database refused it: the alarm goes with the next batch, which keeps retrying until it is stored,
      // and is raised once it is.
      log.error({ err: error }, 'raising an alarm at once failed; it goes with the next batch');
      queue.push(p);
      return;
    }
    if (!stored) {
      duplicate(p);
      return;
    }
    await afterStored([{ ...p, alarmDecided: true }]);
  }

  function duplicate(p: Pending) {
    count(p.device.ctx.uid, 'duplicate');
    stats.rejected.duplicate++;
  }

  /** Counts, last-seen times and evaluation of rows actually inserted (a redelivery is neither stored nor judged). */
  async function afterStored(stored: readonly Pending[]): Promise<void> {
    for (const p of stored) {
      stats.stored++;
      count(p.device.ctx.uid, 'accepted');
      const prev = lastSeen.get(p.deviceId) ?? 0;
      if (p.tsMs > prev) lastSeen.set(p.deviceId, p.tsMs);
    }
    await evaluator.evaluate(
      stored.map((p) => ({
        ctx: p.device.ctx,
        tsMs: p.tsMs,
        msgId: p.msgId,
        values: p.values,
        alarmDecided: p.alarmDecided,
      })),
    );
    for (const l of storedListeners) l(stats.stored);
  }

  /** Writes one batch; false when the database refused it (the batch is kept for the next timer tick). */
  async function flushOnce(): Promise<boolean> {
    const batch = queue;
    queue = [];
    if (batch.length === 0) return true;
    let skipped: number[];
    try {
      skipped = await insertReadings(database.db, batch);
    } catch (error) {
      // The database is away: keep the batch for the next flush rather than drop it.
      queue = batch.concat(queue);
      stats.failedFlushes++;
      stats.lastFlushError = error instanceof Error ? error.message : String(error);
      log.error({ err: error }, 'storing sensor readings failed; will retry');
      return false;
    }
    stats.flushes++;
    let stored: Pending[] = batch;
    if (skipped.length > 0) {
      const notStored = new Set(skipped);
      stored = [];
      for (let i = 0; i < batch.length; i++) {
        if (notStored.has(i)) duplicate(batch[i]!);
        else stored.push(batch[i]!);
      }
    }
    await afterStored(stored);
    return true;
  }

  async function drain(): Promise<void> {
    // Yield first so that `flushing` is assigned before the loop can finish and clear it.
    await Promise.resolve();
    try {
      while (queue.length > 0 && (await flushOnce())) {}
    } finally {
      flushing = null;
    }
  }

  /** Writes what is queued (the timer's and a full queue's flush: never waits for alarms being raised). */
  function flushQueue(): Promise<void> {
    if (!flushing) flushing = drain();
    return flushing;
  }

  /** Waits for alarms being raised on the urgent path (and for what they fall back to), then writes the queue. */
  async function flush(): Promise<void> {
    await Promise.all(urgent);
    await flushQueue();
  }

  // Writes are chained: the health API waits for a timer's write in flight before it reads the table.
  let healthChain: Promise<void> = Promise.resolve();
  function persistHealth(): Promise<void> {
    healthChain = healthChain.then(persistHealthNow);
    return healthChain;
  }

  /**
   * Writes health counters and last-seen times (on a timer, and before the health API answers), HEALTH_CHUNK
   * devices a statement with a turn of the event loop between: with thousands of devices the write is long, and
   * PGlite runs it on this thread, where an alarm arriving meanwhile must not wait for all of it.
   */
  async function persistHealthNow(): Promise<void> {
    const counts = [...health];
    health.clear();
    const seen = [...lastSeen];
    lastSeen.clear();
    let counted = 0;
    let seenWritten = 0;
    try {
      for (const part of chunksOf(counts, HEALTH_CHUNK)) {
        await addHealthCounts(database.db, new Map(part));
        counted += part.length;
        await nextTurn();
      }
      for (const part of chunksOf(seen, HEALTH_CHUNK)) {
        await updateLastSeen(database.db, new Map(part));
        seenWritten += part.length;
        await nextTurn();
      }
    } catch (error) {
      // What was not written goes with the next write (added to what came meanwhile); nothing is counted twice.
      for (const [uid, c] of counts.slice(counted)) {
        const cur = health.get(uid);
        if (!cur) health.set(uid, c);
        else for (const k of HEALTH_COUNTERS) cur[k] += c[k];
      }
      for (const [id, ts] of seen.slice(seenWritten)) {
        if (ts > (lastSeen.get(id) ?? 0)) lastSeen.set(id, ts);
      }
      log.error({ err: error }, 'storing device health failed; will retry');
    }
  }

  return {
    stats,
    accept,
    flush,
    persistHealth,
    register,
    async loadDevices(uids?: readonly string[]) {
      const rows = await loadDeviceContexts(database.db, uids);
      for (const ctx of rows) register(ctx);
      return rows.length;
    },
    device(uid: string) {
      return devices.get(uid)?.ctx ?? null;
    },
    allDevices() {
      return [...devices.values()].map((d) => d.ctx);
    },
    onStored(listener: (n: number) => void) {
      storedListeners.push(listener);
    },
    start() {
      if (timer) return;
      timer = setInterval(() => void flushQueue(), options.flushMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await flush();
      await persistHealth();
    },
  };
}

export type Ingestor = ReturnType<typeof createIngestor>;
