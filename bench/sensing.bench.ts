// Sensing ingestion end to end: MQTT broker → validated → stored (batched) → evaluated by the detectors, against
// the raw throughput of the same embedded broker with a consumer that does nothing, measured in the same run; and
// the p99 time from a smoke-alarm message to the first responder's notification while that load runs.
// Loopback only; bounded in messages and time. Per-device rate limits are raised for the bench (2,000 devices
// sending ~50 messages each within seconds would otherwise be, correctly, throttled).
import mqtt from 'mqtt';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { deviceTopic } from '../src/domains/sensing/payload.ts';
import { createSensingHub } from '../src/domains/sensing/sensing-hub.ts';
import { publishAll, type SimMessage } from '../src/domains/sensing/simulator.ts';
import { createTestDatabase, TEST_DATABASE_URL } from '../src/testing/test-context.ts';

const TIME_LIMIT_MS = 120_000;

export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  const messages = opts.size === 'large' ? 400_000 : 60_000;
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
  const url = await hub.start({ port: 0, clientId: `bench-ingest-${process.pid}`, sweepMs: 1000 });
  console.log(
    `backend ${database.label}; broker ${url}; ${meters} meters, ${smokeDevices} smoke detectors, ${messages} messages per run`,
  );

  // 1. The same broker with a consumer that does nothing.
  const sink = await mqtt.connectAsync(url, { clientId: `bench-sink-${process.pid}` });
  await sink.subscribeAsync('raw/#', { qos: 1 });
  let sunk = 0;
  sink.on('message', () => sunk++);
  const rawPub = await mqtt.connectAsync(url, { clientId: `bench-rawpub-${process.pid}` });
  const payload = JSON.stringify({ msgId: 'x', ts: Date.now(), values: { usage: { v: 1.5, u: 'L' } } });
  const rawStart = performance.now();
  function* rawMessages(): Generator<SimMessage> {
    for (let i = 0; i < messages; i++) yield { topic: `raw/${i % meters}`, payload, tsMs: 0 };
  }
  await publishAll(rawPub, rawMessages(), 5000);
  while (sunk < messages && performance.now() - rawStart < TIME_LIMIT_MS)
    await new Promise((r) => setTimeout(r, 5));
  const rawSeconds = (performance.now() - rawStart) / 1000;
  const rawRate = sunk / rawSeconds;
  await sink.endAsync();

  // 2. End to end, with smoke alarms mixed in; latency = alarm generated → first responder notified.
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  hub.feed.subscribe((e) => {
    if (e.type === 'dispatch' && e.reason === 'first' && e.msgId && sentAt.has(e.msgId)) {
      latencies.push(performance.now() - sentAt.get(e.msgId)!);
    }
  });
  let evaluated = 0;
  hub.ingestor.onStored((n) => {
    evaluated = n;
  });
  const smokeEvery = Math.floor(messages / smokeDevices);
  function* sensorMessages(): Generator<SimMessage> {
    for (let i = 0; i < messages; i++) {
      const now = Date.now();
      if (i % smokeEvery === smokeEvery - 1) {
        const d = Math.floor(i / smokeEvery);
        const msgId = `smoke-${d}`;
        sentAt.set(msgId, performance.now());
        yield {
          topic: deviceTopic('330192', 'smoke_detector', `BENCH-SD-${d}`),
          payload: JSON.stringify({ msgId, ts: now, values: { alarm: { vb: true } } }),
          tsMs: now,
        };
      } else {
        const dev = i % meters;
        yield {
          topic: deviceTopic('330192', 'water_meter', `BENCH-WM-${dev}`),
          payload: JSON.stringify({ msgId: `m${i}`, ts: now, values: { usage: { v: 1.5, u: 'L' } } }),
          tsMs: now,
        };
      }
    }
  }
  const e2eStart = performance.now();
  await publishAll(rawPub, sensorMessages(), 5000);
  while (evaluated < messages && performance.now() - e2eStart < TIME_LIMIT_MS)
    await new Promise((r) => setTimeout(r, 5));
  const e2eSeconds = (performance.now() - e2eStart) / 1000;
  const e2eRate = evaluated / e2eSeconds;
  const waitAlarms = performance.now();
  while (latencies.length < sentAt.size && performance.now() - waitAlarms < 10_000)
    await new Promise((r) => setTimeout(r, 10));
  await rawPub.endAsync();

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
    `raw broker, consumer doing nothing: ${sunk} msgs in ${rawSeconds.toFixed(2)} s = ${Math.round(rawRate)} msg/s`,
  );
  console.log(
    `end to end (broker → validated → stored → evaluated): ${evaluated} msgs in ${e2eSeconds.toFixed(2)} s = ${Math.round(e2eRate)} msg/s` +
      ` (rows stored ${Number(stored.n)}, flushes ${hub.ingestor.stats.flushes}); ratio to raw broker ${(e2eRate / rawRate).toFixed(2)}`,
  );
  console.log(
    `smoke alarm → first responder notified, under that load: ${latencies.length}/${sentAt.size} alarms, ` +
      `p50 ${pct(0.5).toFixed(0)} ms, p99 ${pct(0.99).toFixed(0)} ms, max ${(latencies.at(-1) ?? Number.NaN).toFixed(0)} ms (target p99 ≤ 1000 ms)`,
  );
  await hub.stop();
  await ctx.close();
}
