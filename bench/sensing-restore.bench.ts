// What a start spends on sensing history (sensing hub load(): partitions, devices, rules and baselines, the daily
// rules' days, dispatch), over 14 days of hourly water-meter readings already stored: once with no day judged yet
// (readings that came before sensing_usage_day, or a restored backup: the start replays all 14 days and judges
// every day), then once more (the usual restart: the days are judged, only each meter's open day is replayed).
// PostgreSQL when TEST_DATABASE_URL is set, else PGlite; meters by BENCH_RESTORE_METERS (default 1,000).
import { loadavg } from 'node:os';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { insertReadings } from '../src/domains/sensing/sensing.repository.ts';
import { createSensingHub } from '../src/domains/sensing/sensing-hub.ts';
import { createTestDatabase, TEST_DATABASE_URL } from '../src/testing/test-context.ts';

const HOUR = 3_600_000;
const DAYS = 14;

export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  const meters = Number(process.env['BENCH_RESTORE_METERS']) || (opts.size === 'large' ? 5000 : 1000);
  const ctx = await createTestDatabase(TEST_DATABASE_URL ? 'postgres' : 'pglite');
  const db = ctx.database.db;
  const config = loadConfig({ DEMO: 'false', WEB_DIST: '/nonexistent' }, {});
  const place = { district_code: '330192', street_code: '330192001', scope_path: '/330192/330192001/' };
  const devices = await db
    .insertInto('sensor_device')
    .values(
      Array.from({ length: meters }, (_, i) => ({
        ...place,
        device_uid: `RESTORE-WM-${i}`,
        kind: 'water_meter',
        lng: 120.1 + (i % 50) * 0.001,
        lat: 30.28 + Math.floor(i / 50) * 0.001,
      })),
    )
    .returning('id')
    .execute();
  // A fresh hub creates the partitions the readings go to.
  await createSensingHub(ctx.database, config, pino({ level: 'silent' })).load();
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const start = end - DAYS * 24 * HOUR;
  const fillStarted = performance.now();
  let rows = 0;
  for (let ts = start; ts <= end; ts += HOUR) {
    const batch = devices.map((d, i) => ({
      deviceId: d.id,
      tsMs: ts,
      msgId: `r${ts / HOUR}`,
      streetCode: place.street_code,
      values: { usage: 2 + ((i + ts / HOUR) % 7) },
    }));
    for (let i = 0; i < batch.length; i += 5000) await insertReadings(db, batch.slice(i, i + 5000));
    rows += batch.length;
  }
  console.log(
    `restore on ${ctx.backend} (${ctx.database.label}): ${meters} water meters, ${DAYS} days hourly = ${rows} readings` +
      ` (stored in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s)`,
  );
  for (const label of ['no day judged yet', 'days judged (a restart)']) {
    const hub = createSensingHub(ctx.database, config, pino({ level: 'silent' }));
    const cpu = process.cpuUsage();
    const t = performance.now();
    await hub.load();
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    const r = hub.evaluator.lastRestore;
    console.log(
      `  ${label}: load ${(ms / 1000).toFixed(2)} s (process CPU ${((used.user + used.system) / 1e6).toFixed(2)} s); ` +
        `steps ${JSON.stringify(hub.loadTimings)} ms; restoreDays: ${r.restoredDays} closed days restored, ` +
        `${r.replayedReadings} readings read in ${r.readMs} ms and replayed in ${r.replayMs} ms, ${r.judgedDays} days judged` +
        `${r.judgedDays ? ` (${(r.replayMs / r.judgedDays).toFixed(2)} ms a day)` : ''}`,
    );
  }
  console.log(
    `  load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  await ctx.close();
}
