// Sensing ingestion end to end: MQTT broker → validated → stored (batched) → evaluated by the detectors, against
// the raw throughput of the same broker with a consumer that does nothing, measured in the same run; and the p99
// time from a smoke-alarm message to the first responder's notification while that load runs.
// The embedded aedes broker runs in the ingestion thread; with BENCH_SENSING_MQTT_URL (say mqtt://127.0.0.1:1883,
// a Mosquitto) the same pipeline is measured again against that external broker, which ingestion reaches as a
// client (MQTT_URL); BENCH_SENSING_BROKER=external measures only the external one. Each broker gets a database of
// its own. The devices publish from a thread of their own, as they would from outside the server. Throughput is
// counted from the first message the devices hand over (their thread started, connections open) to the last one
// evaluated; the figure from the thread's start is printed beside it. Loopback only; bounded in messages and time.
// Per-device rate limits are raised for the bench (2,000 devices sending ~50 messages each within seconds would
// otherwise be, correctly, throttled). On a shared external broker the e2e phase's topics (cb/v1/…) are the
// product's: another publisher on them at the same time would be counted too.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { connectSubscriber } from '../src/domains/sensing/mqtt-subscriber.ts';
import { createSensingHub, type SensingHub } from '../src/domains/sensing/sensing-hub.ts';
import { startTsWorker } from '../src/platform/worker/ts-worker.ts';
import { createTestDatabase, TEST_DATABASE_URL } from '../src/testing/test-context.ts';
import type { PublisherDone, PublisherJob } from './sensing-publisher.worker.ts';

const TIME_LIMIT_MS = 120_000;
/** Waiting ends when nothing more arrived for this long. */
const STALL_MS = 5000;

/** CPU time of this process (all its threads: publisher, broker, main; PGlite included) since `from`, µs. A figure
 * that a shared machine's load disturbs less than throughput does; PostgreSQL's own work is not in it. */
function cpuMicros(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  const external = process.env['BENCH_SENSING_MQTT_URL'] || undefined;
  const only = process.env['BENCH_SENSING_BROKER'];
  if (only && only !== 'embedded' && only !== 'external')
    throw new Error('BENCH_SENSING_BROKER must be embedded or external');
  if (only === 'external' && !external)
    throw new Error('BENCH_SENSING_BROKER=external needs BENCH_SENSING_MQTT_URL');
  if (only !== 'external') await measure(opts, undefined);
  if (external) await measure(opts, external);
}

const epochNow = () => performance.timeOrigin + performance.now();

/** How busy the ingestion thread's and the main thread's event loops were from now until the returned call. */
function busyMeter(hub: SensingHub): () => string {
  const ingestion = hub.ingestionUtilization();
  const main = performance.eventLoopUtilization();
  return () => {
    const i = ingestion && hub.ingestionUtilization();
    const m = performance.eventLoopUtilization(main);
    const pct = (u: number) => `${Math.round(u * 100)}%`;
    return `event loops busy: ingestion thread ${i && ingestion ? pct(performance.eventLoopUtilization(i, ingestion).utilization) : '?'}, main ${pct(m.utilization)}`;
  };
}

async function measure(opts: { size: 'default' | 'large' }, externalUrl: string | undefined): Promise<void> {
  const messages =
    Number(process.env['BENCH_SENSING_MESSAGES']) || (opts.size === 'large' ? 400_000 : 60_000);
  const meters = 2000;
  const smokeDevices = 400;
  // PostgreSQL when TEST_DATABASE_URL is set, else PGlite; either way a database of its own (PostgreSQL: a fresh
  // schema, dropped afterwards), as the other benchmarks and the tests use.
  const ctx = await createTestDatabase(TEST_DATABASE_URL ? 'postgres' : 'pglite');
  const database = ctx.database;
  console.log(`sensing on ${ctx.backend}`);
  const config = loadConfig(
    { DEMO: 'false', WEB_DIST: '/nonexistent' },
    { deviceRatePerSecond: 1_000_000, deviceBurst: 1_000_000, sensingFlushMs: 20, alertAckSeconds: 600 },
  );
  const place = { district_code: '330192', street_code: '330192001', scope_path: '/330192/330192001/' };
  const devices = [
    ...Array.from({ length: meters }, (_, i) => ({
      ...place,
      device_uid: `BENCH-WM-${i}`,
      kind: 'water_meter',
      lng: 120.1 + (i % 50) * 0.001,
      lat: 30.28 + Math.floor(i / 50) * 0.001,
    })),
    ...Array.from({ length: smokeDevices }, (_, i) => ({
      ...place,
      device_uid: `BENCH-SD-${i}`,
      kind: 'smoke_detector',
      lng: 120.1 + (i % 20) * 0.002,
      lat: 30.28 + Math.floor(i / 20) * 0.002,
    })),
  ];
  await database.db.insertInto('sensor_device').values(devices).execute();
  await database.db
    .insertInto('responder')
    .values(
      Array.from({ length: 30 }, (_, i) => ({
        kind: (['micro_fire_station', 'community_police', 'grid_worker'] as const)[i % 3]!,
        name: `处置力量${i}`,
        street_code: place.street_code,
        scope_path: place.scope_path,
        lng: 120.1 + (i % 6) * 0.01,
        lat: 30.28 + Math.floor(i / 6) * 0.01,
      })),
    )
    .execute();

  const hub = createSensingHub(database, config, pino({ level: 'silent' }));
  const ingestClientId = `bench-ingest-${process.pid}`;
  const url = await hub.start({ url: externalUrl, port: 0, clientId: ingestClientId, sweepMs: 1000 });
  const brokerName = externalUrl ? `external broker ${url}` : `embedded aedes broker ${url}`;
  console.log(
    `backend ${database.label}; ${brokerName}; ${meters} meters, ${smokeDevices} smoke detectors, ${messages} messages per run`,
  );
  const rawTopic = `raw/${process.pid}-${Date.now().toString(36)}`;

  const publish = (phase: PublisherJob['phase']) =>
    new Promise<PublisherDone>((resolve, reject) => {
      const job: PublisherJob = { url, phase, rawTopic, messages, meters, smokeDevices };
      const worker = startTsWorker(new URL('./sensing-publisher.worker.ts', import.meta.url), job);
      worker.once('message', (done: PublisherDone) => {
        resolve(done);
        void worker.terminate();
      });
      worker.once('error', reject);
    });
  // Until everything arrived, or nothing more arrived for STALL_MS (a broker that dropped messages: Mosquitto drops
  // QoS 1 messages beyond its per-client queue, max_queued_messages, when the subscriber falls behind).
  const waitUntil = async (done: () => boolean, since: number, progress: () => number) => {
    let last = progress();
    let lastAt = performance.now();
    while (!done() && performance.now() - since < TIME_LIMIT_MS && performance.now() - lastAt < STALL_MS) {
      await new Promise((r) => setTimeout(r, 5));
      if (progress() !== last) {
        last = progress();
        lastAt = performance.now();
      }
    }
  };
  const lost = (arrived: number) =>
    arrived < messages
      ? `; ${messages - arrived} NEVER ARRIVED (the broker dropped them), so this is not a throughput figure`
      : '';

  // 1. The same broker with a consumer that does nothing (an MQTT client of its own on this thread; MQTT 5 with the
  // receive maximum ingestion asks for where the broker speaks it: see mqtt-subscriber.ts).
  const sink = await connectSubscriber(url, { clientId: `bench-sink-${process.pid}`, persistent: false });
  await sink.subscribeAsync(`${rawTopic}/#`, { qos: 1 });
  let sunk = 0;
  let sunkAt = 0;
  sink.on('message', () => {
    if (++sunk === messages) sunkAt = epochNow();
  });
  const rawStart = performance.now();
  const rawCpu = process.cpuUsage();
  const rawBusy = busyMeter(hub);
  const rawDone = await publish('raw');
  await waitUntil(
    () => sunk >= messages,
    rawStart,
    () => sunk,
  );
  const rawSeconds = (performance.now() - rawStart) / 1000;
  const rawCpuUs = cpuMicros(rawCpu);
  const rawBusyShares = rawBusy();
  const rawSustained = sunk / (((sunkAt || epochNow()) - rawDone.startedAt) / 1000);
  const rawRate = sunk / rawSeconds;
  await sink.endAsync();

  // 2. End to end, with smoke alarms mixed in; latency = alarm handed to the publishing client → first responder
  // notified (epoch milliseconds on both threads).
  const notifiedAt = new Map<string, number>();
  hub.feed.subscribe((e) => {
    if (e.type === 'dispatch' && e.reason === 'first' && e.msgId?.startsWith('smoke-'))
      notifiedAt.set(e.msgId, performance.timeOrigin + performance.now());
  });
  // Also from the moment the main thread takes the alarm from the ingestion thread: the fast path alone, without
  // the publisher's window and the broker's queue in front of it.
  const arrivedAt = new Map<string, number>();
  const accept = hub.ingestor.accept;
  hub.ingestor.accept = (topic, payload, nowMs, viaAlarmLane) => {
    if (topic.includes('/smoke_detector/'))
      arrivedAt.set(JSON.parse(payload.toString()).msgId, performance.timeOrigin + performance.now());
    return accept(topic, payload, nowMs, viaAlarmLane);
  };
  let evaluated = 0;
  let evaluatedAt = 0;
  hub.ingestor.onStored((n) => {
    evaluated = n;
    if (n >= messages && !evaluatedAt) evaluatedAt = epochNow();
  });
  const e2eStart = performance.now();
  const e2eCpu = process.cpuUsage();
  const e2eBusy = busyMeter(hub);
  const published = await publish('e2e');
  await waitUntil(
    () => evaluated >= messages,
    e2eStart,
    () => evaluated,
  );
  const e2eSeconds = (performance.now() - e2eStart) / 1000;
  const e2eCpuUs = cpuMicros(e2eCpu);
  const e2eBusyShares = e2eBusy();
  const e2eRate = evaluated / e2eSeconds;
  const e2eSustained = evaluated / (((evaluatedAt || epochNow()) - published.startedAt) / 1000);
  const waitAlarms = performance.now();
  while (notifiedAt.size < published.smokeSentAt.length && performance.now() - waitAlarms < 10_000)
    await new Promise((r) => setTimeout(r, 10));
  const latencies = published.smokeSentAt
    .filter(([msgId]) => notifiedAt.has(msgId))
    .map(([msgId, sentAt]) => notifiedAt.get(msgId)! - sentAt);
  const sentAlarms = published.smokeSentAt.length;
  const fastPath = [...notifiedAt]
    .filter(([msgId]) => arrivedAt.has(msgId))
    .map(([msgId, at]) => at - arrivedAt.get(msgId)!)
    .sort((a, b) => a - b);

  const stored = await database.db
    .selectFrom('sensor_reading')
    .select(database.db.fn.countAll<number>().as('n'))
    .innerJoin('sensor_device', 'sensor_device.id', 'sensor_reading.device_id')
    .where('sensor_device.device_uid', 'like', 'BENCH-%')
    .executeTakeFirstOrThrow();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  console.log(
    `raw broker, consumer doing nothing: ${sunk} msgs, ${Math.round(rawSustained)} msg/s from the first message` +
      ` (${rawSeconds.toFixed(2)} s = ${Math.round(rawRate)} msg/s from starting the devices' thread;` +
      ` process CPU ${(rawCpuUs / sunk).toFixed(1)} µs/msg; ${rawBusyShares})${lost(sunk)}`,
  );
  console.log(
    `end to end (broker → validated → stored → evaluated): ${evaluated} msgs, ${Math.round(e2eSustained)} msg/s from the first message` +
      ` (${e2eSeconds.toFixed(2)} s = ${Math.round(e2eRate)} msg/s from starting the devices' thread;` +
      ` rows stored ${Number(stored.n)}, flushes ${hub.ingestor.stats.flushes}; process CPU ${(e2eCpuUs / evaluated).toFixed(1)} µs/msg; ${e2eBusyShares});` +
      ` ratio to raw broker ${(e2eSustained / rawSustained).toFixed(2)}${lost(evaluated)}`,
  );
  console.log(
    `smoke alarm → first responder notified, under that load: ${latencies.length}/${sentAlarms} alarms, ` +
      `p50 ${pct(0.5).toFixed(0)} ms, p99 ${pct(0.99).toFixed(0)} ms, max ${(latencies.at(-1) ?? Number.NaN).toFixed(0)} ms (target p99 ≤ 1000 ms)`,
  );
  const fpct = (p: number) =>
    fastPath[Math.min(fastPath.length - 1, Math.floor(p * fastPath.length))] ?? Number.NaN;
  console.log(
    `  of which taken by the main thread → first responder notified (fast path): p50 ${fpct(0.5).toFixed(0)} ms, ` +
      `p99 ${fpct(0.99).toFixed(0)} ms; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  await hub.stop();
  if (externalUrl) {
    // The ingestion client's session outlives it (it must, in production): a clean start ends it.
    const cleanup = await mqtt.connectAsync(externalUrl, {
      clientId: ingestClientId,
      clean: true,
      protocolVersion: 5,
    });
    await cleanup.endAsync();
  }
  await ctx.close();
}
