// Everything that runs for sensing, wired once per app: ingestion, evaluation, alerts, dispatch and the live feed.
// The HTTP routes use it always; `start()` adds the MQTT side and the timers (serve and the tests that need them
// call it; other tests never open a port).
import type { EventLoopUtilization } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.ts';
import type { Database } from '../../platform/db/index.ts';
import { AlertFeed } from './alert-feed.ts';
import { createAlertsService, type WorkOrderHook } from './alerts.service.ts';
import { createDispatchService, type Notifier } from './dispatch.service.ts';
import { createEvaluator } from './evaluator.ts';
import { createIngestor } from './ingestor.ts';
import { type IngestionThread, startIngestionThread } from './mqtt-transport.ts';
import { ensureReadingPartitions } from './sensing.repository.ts';

/**
 * Period of writing device health counters and last-seen times. Under load every device has news each period, and
 * each write touches every device's row (on PGlite, 2,400 devices cost a third of a second of the main thread's
 * every second). The health API writes what is pending before it reads, so it stays exact; what a crash loses is
 * at most this much of the counters.
 */
const HEALTH_PERSIST_MS = 5000;

export interface StartOptions {
  /** External broker; without it a broker is embedded on `port`. */
  url?: string | undefined;
  port?: number;
  host?: string;
  /** Period of the escalation and silence sweeps, ms. */
  sweepMs?: number;
  clientId?: string;
}

export function createSensingHub(
  database: Database,
  config: Config,
  log: FastifyBaseLogger,
  notifier?: Notifier,
) {
  const feed = new AlertFeed();
  const dispatch = createDispatchService(database, feed, {
    ackSeconds: config.alertAckSeconds,
    roadFactor: config.roadFactor,
    ...(notifier ? { notifier } : {}),
  });
  const alerts = createAlertsService(database, feed, dispatch);
  const evaluator = createEvaluator(database, alerts);
  const ingestor = createIngestor(
    database,
    evaluator,
    {
      flushMs: config.sensingFlushMs,
      // At most this many rows per statement: PGlite runs a statement on the main thread, and an alarm arriving
      // meanwhile waits for it to finish (2,000 rows cost about what 5,000 do per row).
      maxBatch: 2000,
      ratePerSecond: config.deviceRatePerSecond,
      burst: config.deviceBurst,
      maxFutureMs: config.sensorMaxFutureSeconds * 1000,
      maxAgeMs: config.sensorMaxAgeDays * 86_400_000,
      replayWindowMs: 3_600_000,
    },
    log,
  );
  let thread: IngestionThread | null = null;
  const timers: NodeJS.Timeout[] = [];
  let loaded = false;

  /** What the last load() spent, ms per step (logged; the restore benchmark reads it). */
  const loadTimings: Record<string, number> = {};

  async function load() {
    if (loaded) return;
    loaded = true;
    const step = async (name: string, work: () => Promise<unknown>) => {
      const t = performance.now();
      await work();
      loadTimings[name] = Math.round(performance.now() - t);
    };
    await step('partitions', () =>
      ensureReadingPartitions(database.db, Date.now() - config.sensorMaxAgeDays * 86_400_000),
    );
    await step('devices', () => ingestor.loadDevices());
    await step('rulesAndBaselines', () => evaluator.loadRulesAndBaselines());
    await step('restoreDays', () => evaluator.restoreDays());
    await step('dispatch', () => dispatch.reload());
    log.info({ ms: loadTimings, ...evaluator.lastRestore }, 'sensing state loaded');
  }

  return {
    feed,
    alerts,
    dispatch,
    evaluator,
    ingestor,
    load,
    loadTimings,
    setWorkOrderHook(hook: WorkOrderHook | null) {
      alerts.setWorkOrderHook(hook);
    },
    /** Event-loop utilisation of the ingestion thread since it started (null before start). */
    ingestionUtilization(): EventLoopUtilization | null {
      return thread?.utilization() ?? null;
    },
    /** URL ingestion listens on (the embedded broker's, or the external one). */
    get brokerUrl(): string | null {
      return thread?.url ?? config.mqttUrl ?? null;
    },

    async start(options: StartOptions = {}) {
      await load();
      thread = await startIngestionThread(
        {
          url: options.url ?? config.mqttUrl,
          port: options.port ?? config.mqttPort,
          host: options.host ?? '127.0.0.1',
          clientId: options.clientId ?? 'cbrain-ingest',
        },
        (topic, payload, viaAlarmLane) => ingestor.accept(topic, payload, Date.now(), viaAlarmLane),
        (error) => log.error({ err: error }, 'MQTT ingestion thread failed'),
      );
      const target = thread.url;
      ingestor.start();
      const sweepMs = options.sweepMs ?? 1000;
      const every = (ms: number, work: () => Promise<unknown>) => {
        let running = false;
        const t = setInterval(async () => {
          if (running) return;
          running = true;
          try {
            await work();
          } catch (error) {
            log.error({ err: error }, 'sensing background work failed');
          } finally {
            running = false;
          }
        }, ms);
        t.unref();
        timers.push(t);
      };
      every(sweepMs, () => dispatch.escalateDue());
      every(HEALTH_PERSIST_MS, async () => {
        await ingestor.persistHealth();
        await evaluator.persistBaselines();
      });
      // Days closed by the clock and silent devices: decided by the time, with or without a message arriving.
      every(60_000, () => evaluator.sweepClock());
      every(86_400_000, () => ensureReadingPartitions(database.db, Date.now()));
      log.info({ broker: target }, 'sensing ingestion started');
      return target;
    },

    async stop() {
      for (const t of timers) clearInterval(t);
      timers.length = 0;
      await thread?.close().catch(() => {});
      thread = null;
      await ingestor.stop().catch(() => {});
      await evaluator.persistBaselines().catch(() => {});
    },
  };
}

export type SensingHub = ReturnType<typeof createSensingHub>;
