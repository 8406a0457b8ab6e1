// 接诉即办 benchmarks, on embedded PGlite and (with TEST_DATABASE_URL) PostgreSQL:
// 1. Submission throughput: a real HTTP server on a loopback port, concurrent keep-alive clients posting resident
//    requests to /api/requests (validation, place lookup, same-incident check, order + requester + events +
//    notification + audit entry in one transaction), bounded in count and time; printed beside a bare INSERT of
//    the same rows at the same concurrency in the same run.
// 2. Dashboards over 100,000 orders (1 million with --size large) of two years with realistic outcomes, generated
//    inside the database (requests-seed.ts), the roll-ups rebuilt by the product's rebuildRollup; then p50/p95/max
//    of the queries the evaluation page issues, through the API: the three rates by unit/street/community/grid/
//    category (district, street and unit viewers), monthly and daily trends, 每月一题 and the hot spots.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import bbox from '@turf/bbox';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Polygon } from 'geojson';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { loadDemo } from '../src/domains/demo/index.ts';
import { generateRequestHistory } from '../src/domains/demo/request-history.ts';
import { requestCategoryCatalog } from '../src/domains/requests/category-source.ts';
import { rebuildRollup } from '../src/domains/requests/evaluation.repository.ts';
import type { HistoricRequest } from '../src/domains/requests/order-history.ts';
import { createWorkCalendar } from '../src/lib/calendar/working-time.ts';
import { seededRandom } from '../src/lib/random/seeded.ts';
import { createFieldCipher } from '../src/platform/crypto/field-cipher.ts';
import { type Backend, type Database, migrate, openDatabase } from '../src/platform/db/index.ts';
import { authed, login } from '../src/testing/http.ts';
import { BACKENDS, TEST_DATA_KEY, TEST_DATABASE_URL } from '../src/testing/test-context.ts';
import { seedOrders } from './requests-seed.ts';

const SEED = 20261130;
/** Keep-alive clients of the load phase (REQUESTS_BENCH_CLIENTS): a district's channels submit concurrently. */
const CONCURRENCY = Number(process.env['REQUESTS_BENCH_CLIENTS'] ?? 32);
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1)
  throw new Error('REQUESTS_BENCH_CLIENTS must be a whole number ≥ 1');

export async function openBenchDatabase(
  backend: Backend,
): Promise<{ database: Database; close(): Promise<void> }> {
  if (backend === 'pglite') {
    const database = await openDatabase();
    await migrate(database);
    return { database, close: () => database.close() };
  }
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const database = await openDatabase({ url: TEST_DATABASE_URL, searchPath: schema, poolSize: CONCURRENCY });
  await migrate(database);
  return {
    database,
    async close() {
      await database.close();
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * What residents write, with its category: the demo generator's varied phrasings over a year of seasons, so the
 * load mixes every category and the same-incident check merges only what is really alike (same place, category
 * and wording within 72 hours), not a handful of fixed sentences.
 */
const PROBLEMS: Array<[string, string]> = generateRequestHistory({
  seed: SEED,
  start: new Date('2026-01-01'),
  days: 365,
  perDay: 80,
  areas: [
    { street: '湖滨街道', community: '柳岸社区' },
    { street: '云溪街道', community: '桂花社区' },
  ],
}).map((r) => [r.categoryCode, r.text]);

interface Place {
  lng: number;
  lat: number;
  address: string;
  grid: HistoricRequest['grid'];
}

async function placesOf(database: Database): Promise<Place[]> {
  const rows = await database.db
    .selectFrom('building')
    .innerJoin('grid', 'grid.id', 'building.grid_id')
    .select([
      'building.lng',
      'building.lat',
      'building.address',
      'grid.id',
      'grid.path',
      'grid.street_code',
      'grid.community_code',
    ])
    .orderBy('building.id')
    .execute();
  return rows.map((r) => ({
    lng: r.lng,
    lat: r.lat,
    address: r.address,
    grid: { id: r.id, path: r.path, streetCode: r.street_code, communityCode: r.community_code },
  }));
}

/**
 * Keep-alive clients posting `bodies` as fast as the server answers, until done or `maxSeconds` pass. The clients
 * run in their own process (bench/http-load.mjs), so their CPU is not counted in the server's event loop.
 */
async function loadGenerator(port: number, bodies: string[], maxSeconds: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'cbrain-load-'));
  const file = path.join(dir, 'bodies.jsonl');
  writeFileSync(file, bodies.join('\n'));
  try {
    const child = spawn(
      process.execPath,
      [
        path.resolve('bench/http-load.mjs'),
        '--url',
        `http://127.0.0.1:${port}/api/requests`,
        '--bodies',
        file,
        '--concurrency',
        String(CONCURRENCY),
        '--seconds',
        String(maxSeconds),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`load generator exited with ${code}`);
    const r = JSON.parse(out) as {
      requests: number;
      seconds: number;
      p50: number;
      p99: number;
      statuses: Record<string, number>;
    };
    const statuses = new Map(Object.entries(r.statuses).map(([k, v]) => [Number(k), v]));
    return { n: r.requests, seconds: r.seconds, p50: r.p50, p99: r.p99, statuses };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same order rows as single-row INSERTs at the same concurrency: the floor the intake path is compared to. */
async function bareInsert(database: Database, places: Place[], n: number) {
  let next = 0;
  const base = 50_000_000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const i = next++;
        const p = places[i % places.length]!;
        const [code, text] = PROBLEMS[i % PROBLEMS.length]!;
        await database.db
          .insertInto('work_order')
          .values({
            id: base + i,
            number: `B${base + i}`,
            street_code: p.grid.streetCode,
            community_code: p.grid.communityCode,
            grid_id: p.grid.id,
            scope_path: p.grid.path,
            channel: 'portal',
            status: 'received',
            category_code: code,
            description: text,
            address: p.address,
            lng: p.lng,
            lat: p.lat,
            received_at: new Date(),
          })
          .execute();
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await database.db.deleteFrom('work_order').where('id', '>=', base).execute();
  return { n, seconds };
}

/** Points spread over the district's grids (inside each polygon), so that load is not one street corner. */
async function spreadPoints(database: Database, n: number): Promise<Array<{ lng: number; lat: number }>> {
  const grids = await database.db.selectFrom('grid').select(['boundary']).execute();
  const rand = seededRandom(SEED + 7);
  const out: Array<{ lng: number; lat: number }> = [];
  while (out.length < n) {
    const g = grids[out.length % grids.length]!;
    const poly = (typeof g.boundary === 'string' ? JSON.parse(g.boundary) : g.boundary) as
      | Polygon
      | MultiPolygon;
    const [x0, y0, x1, y1] = bbox(poly);
    for (let tries = 0; tries < 50; tries++) {
      const lng = x0 + rand() * (x1 - x0);
      const lat = y0 + rand() * (y1 - y0);
      if (booleanPointInPolygon([lng, lat], poly)) {
        out.push({ lng: Math.round(lng * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6 });
        break;
      }
    }
  }
  return out;
}

/**
 * REQUESTS_BENCH_PROFILE=DIR writes a CPU profile of the server process while the load runs (DIR/requests-<backend>
 * .cpuprofile, for Chrome DevTools or speedscope), without the set-up before it.
 */
async function startProfile(backend: Backend): Promise<{ stop(): Promise<void> }> {
  const dir = process.env['REQUESTS_BENCH_PROFILE'];
  if (!dir) return { stop: async () => {} };
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await post('Profiler.stop')) as { profile: object };
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `requests-${backend}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

export async function throughput(
  backend: Backend,
  database: Database,
  app: Awaited<ReturnType<typeof buildApp>>,
) {
  const places = await placesOf(database);
  const points = await spreadPoints(database, 5000);
  // Long enough to be a sustained rate (tens of seconds at the target), not a burst: REQUESTS_BENCH_SUBMISSIONS.
  const n = Number(process.env['REQUESTS_BENCH_SUBMISSIONS'] ?? (backend === 'postgres' ? 20_000 : 4_000));
  const rand = seededRandom(SEED);
  const bodies = Array.from({ length: n }, (_, i) => {
    const p = points[Math.floor(rand() * points.length)]!;
    const [code, text] = PROBLEMS[Math.floor(rand() * PROBLEMS.length)]!;
    return JSON.stringify({
      description: `${text}（第${i}号反映）`,
      categoryCode: code,
      ...p,
      anonymous: true,
    });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // The generator sends its first 100 bodies as a warm-up (JIT, connection pool, grid polygons), not counted.
  const profile = await startProfile(backend);
  const cpu0 = process.cpuUsage();
  const r = await loadGenerator(port, bodies, 30);
  const cpu = process.cpuUsage(cpu0);
  await profile.stop();
  const ok = (r.statuses.get(201) ?? 0) + (r.statuses.get(200) ?? 0);
  const merged = Number(
    (
      await database.db
        .selectFrom('work_order')
        .select((eb) => eb.fn.sum<number>('requester_count').as('s'))
        .executeTakeFirstOrThrow()
    ).s,
  );
  const orders = Number(
    (
      await database.db
        .selectFrom('work_order')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const bare = await bareInsert(database, places, r.n);
  const rate = r.n / r.seconds;
  const bareRate = bare.n / bare.seconds;
  console.log(
    `requests [${backend}]: submissions ${rate.toFixed(0)}/s over ${r.n} requests in ${r.seconds.toFixed(1)} s ` +
      `(${CONCURRENCY} keep-alive clients), p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; ` +
      `status ${JSON.stringify(Object.fromEntries(r.statuses))}; ${orders} orders for ${merged} requesters ` +
      `(${merged - orders} merged as the same incident); ${ok} answered 200/201; ` +
      `server process CPU ${((cpu.user + cpu.system) / 1000 / (r.n + Math.min(100, Math.floor(n / 10)))).toFixed(2)} ms per request` +
      `${backend === 'pglite' ? ' (with the embedded database)' : ''}; ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  console.log(
    `requests [${backend}]: bare INSERT of the same ${bare.n} rows: ${bareRate.toFixed(0)}/s; ` +
      `intake / bare = ${(rate / bareRate).toFixed(2)}`,
  );
  await app.close();
}

/** One query family: each URL asked `rounds` times, as `account` (password) sees it. */
interface Family {
  label: string;
  account: [string, string];
  urls: string[];
}

const ROUNDS = 7;

async function dashboards(
  backend: Backend,
  database: Database,
  app: Awaited<ReturnType<typeof buildApp>>,
  total: number,
) {
  const now = new Date('2026-11-30T12:00:00Z');
  const cpu0 = process.cpuUsage();
  let lastShown = 0;
  const seeded = await seedOrders(database, {
    catalog: requestCategoryCatalog(),
    calendar: createWorkCalendar(),
    cipher: createFieldCipher(TEST_DATA_KEY),
    seed: SEED + 1,
    total,
    // Two years of China days ending the day before `now`.
    firstDay: '2024-12-01',
    days: 729,
    now,
    onProgress: (done) => {
      if (done - lastShown >= total / 4 || done === total) {
        lastShown = done;
        console.log(`requests [${backend}]:   ${done} orders inserted`);
      }
    },
  });
  const t1 = performance.now();
  const rollupRows = await rebuildRollup(database.db, null);
  const rollupSeconds = (performance.now() - t1) / 1000;
  const monthly = Number(
    (
      await database.db
        .selectFrom('order_monthly_rollup')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `requests [${backend}]: ${total} orders over two years generated in the database in ` +
      `${(seeded.prepare + seeded.insert + seeded.indexes).toFixed(1)} s (lookup tables ` +
      `${seeded.prepare.toFixed(1)} s, INSERT … SELECT ${seeded.insert.toFixed(1)} s, indexes ` +
      `${seeded.indexes.toFixed(1)} s); roll-ups rebuilt by rebuildRollup in ` +
      `${rollupSeconds.toFixed(1)} s (${rollupRows} daily rows, ${monthly} monthly); ` +
      `this process's CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; load average ${loadAverage()}`,
  );
  await app.ready();
  // Periods: two years; the console's default (this month and the eleven before it); one month; six months;
  // and one with odd days at both ends (read from the daily roll-up).
  const periods = [
    ['2024-12-01', '2026-11-30'],
    ['2025-12-01', '2026-11-30'],
    ['2026-10-01', '2026-10-31'],
    ['2026-01-01', '2026-06-30'],
    ['2025-03-17', '2026-09-08'],
  ] as const;
  const each = (f: (from: string, to: string) => string) => periods.map(([from, to]) => f(from, to));
  const district: [string, string] = ['hotline', 'Hotline@2026'];
  const street: [string, string] = ['street01', 'Street@2026'];
  const families: Family[] = [];
  for (const dim of ['unit', 'street', 'community', 'grid', 'category']) {
    families.push({
      label: `rates by ${dim}`,
      account: district,
      urls: each((f, t) => `/api/requests/evaluation?dimension=${dim}&from=${f}&to=${t}`),
    });
  }
  families.push(
    {
      label: 'rates by grid, street officer',
      account: street,
      urls: each((f, t) => `/api/requests/evaluation?dimension=grid&from=${f}&to=${t}`),
    },
    {
      label: 'rates of one category by unit',
      account: district,
      urls: each((f, t) => `/api/requests/evaluation?dimension=unit&categoryCode=0501&from=${f}&to=${t}`),
    },
    {
      label: 'monthly trend',
      account: district,
      urls: each((f, t) => `/api/requests/evaluation/trend?from=${f}&to=${t}`),
    },
    {
      label: 'monthly trend of one unit',
      account: district,
      urls: each(
        (f, t) => `/api/requests/evaluation/trend?dimension=unit&key=cityManagement&from=${f}&to=${t}`,
      ),
    },
    {
      label: 'daily trend of a month',
      account: district,
      urls: ['2026-10', '2026-02', '2025-07'].map((m) => {
        const last = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).getUTCDate();
        return `/api/requests/evaluation/trend?interval=day&from=${m}-01&to=${m}-${last}`;
      }),
    },
    {
      label: '每月一题',
      account: district,
      urls: each((f, t) => `/api/requests/evaluation/top-problems?perMonth=1&from=${f}&to=${t}`),
    },
    {
      label: 'hot spots',
      account: district,
      urls: each((f, t) => `/api/requests/hotspots.geojson?minCount=2&from=${f}&to=${t}`),
    },
  );
  const tokens = new Map<string, string>();
  for (const family of families) {
    const [username, password] = family.account;
    if (!tokens.has(username)) tokens.set(username, await login(app, username, password));
    const headers = authed(tokens.get(username)!);
    // One unmeasured pass first (plans, caches, JIT), as a console's first load would not be a fair p50 either.
    for (const url of family.urls) {
      const res = await app.inject({ method: 'GET', url, headers });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    const times: number[] = [];
    const c0 = process.cpuUsage();
    for (let round = 0; round < ROUNDS; round++) {
      for (const url of family.urls) {
        const s = performance.now();
        const res = await app.inject({ method: 'GET', url, headers });
        times.push(performance.now() - s);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    const c = process.cpuUsage(c0);
    times.sort((a, b) => a - b);
    console.log(
      `requests [${backend}]: dashboard ${family.label} over ${total} orders: ` +
        `p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, ` +
        `max ${times[times.length - 1]!.toFixed(1)} ms (${times.length} queries; this process's CPU ` +
        `${((c.user + c.system) / 1000 / times.length).toFixed(1)} ms a query); load average ${loadAverage()}`,
    );
  }
}

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/**
 * `npm run bench -- --only requests`: submissions, then dashboards over 100,000 orders. `--size large`: dashboards
 * over 1,000,000 orders (the figures we quote; a few minutes of seeding a backend). Environment:
 * - REQUESTS_BENCH_ORDERS: another number of orders (0: submissions only);
 * - REQUESTS_BENCH_PARTS=dashboards (or submissions): one part only;
 * - REQUESTS_BENCH_BACKENDS=pglite (or postgres): one backend only (PostgreSQL needs TEST_DATABASE_URL);
 * - REQUESTS_BENCH_CLIENTS: keep-alive clients of the load phase (32);
 * - REQUESTS_BENCH_SUBMISSIONS: submissions sent (20,000 to PostgreSQL, 4,000 to PGlite).
 */
export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  process.env['REQUESTS_RATE_PER_CLIENT'] = '100000000';
  const total = Number(process.env['REQUESTS_BENCH_ORDERS'] ?? (opts.size === 'large' ? 1_000_000 : 100_000));
  const parts = (process.env['REQUESTS_BENCH_PARTS'] ?? 'submissions,dashboards').split(',');
  const only = process.env['REQUESTS_BENCH_BACKENDS']?.split(',');
  for (const backend of BACKENDS.filter((b) => !only || only.includes(b))) {
    const { database, close } = await openBenchDatabase(backend);
    try {
      const cipher = createFieldCipher(TEST_DATA_KEY);
      await loadDemo(database, cipher, { size: 'small', seed: 20261123 });
      const config = loadConfig({ DEMO: 'false', WEB_DIST: '/nonexistent' }, { port: 0, host: '127.0.0.1' });
      if (parts.includes('submissions')) {
        const app = await buildApp({ config, database, cipher, logger: false });
        await throughput(backend, database, app);
      }
      if (total === 0 || !parts.includes('dashboards')) continue;
      const dashApp = await buildApp({ config, database, cipher, logger: false });
      try {
        await dashboards(backend, database, dashApp, total);
      } finally {
        await dashApp.close();
      }
    } finally {
      await close();
    }
  }
}
