// Submission rate limits kept in the database: they hold after a restart and across two server processes on the
// same database, per client address and per phone, answer 429 with Retry-After and a Chinese message, and come
// from REQUESTS_RATE_PER_CLIENT / REQUESTS_RATE_PER_PHONE.
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { buildApp } from '../../app.ts';
import { describeEachBackend } from '../../testing/test-context.ts';
import { takeRateWindows, takeRateWindowsTogether, windowStart } from './intake-rate-limits.ts';
import { createRequestsTestApp, PLACES } from './requests-fixture.testing.ts';

const saved = {
  client: process.env['REQUESTS_RATE_PER_CLIENT'],
  phone: process.env['REQUESTS_RATE_PER_PHONE'],
};
beforeAll(() => {
  process.env['REQUESTS_RATE_PER_CLIENT'] = '3';
  process.env['REQUESTS_RATE_PER_PHONE'] = '2';
});
afterAll(() => {
  for (const [name, value] of [
    ['REQUESTS_RATE_PER_CLIENT', saved.client],
    ['REQUESTS_RATE_PER_PHONE', saved.phone],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describeEachBackend('requests: rate limits in the database', createRequestsTestApp, (ctx) => {
  const db = () => ctx().database.db;
  // Windows are aligned to the clock: the clock stands still one second into the next minute, so that a slow run
  // cannot cross into a new window halfway through a test.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(windowStart(Date.now(), 60_000) + 61_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  /** A second server process on the same database (or the same one after a restart). */
  const secondServer = async () => {
    const app = await buildApp({
      config: ctx().config,
      database: ctx().database,
      cipher: ctx().cipher,
      logger: false,
    });
    await app.ready();
    return app;
  };
  const submit = (
    app: { inject: ReturnType<typeof ctx>['app']['inject'] },
    remoteAddress: string,
    extra: object = {},
    i = 0,
  ) =>
    app.inject({
      method: 'POST',
      url: '/api/requests',
      remoteAddress,
      payload: { description: `第${i}次反映：楼道灯坏了`, lng: 120.101 + i * 0.0009, lat: 30.2815, ...extra },
    });

  it('a client over REQUESTS_RATE_PER_CLIENT gets 429 with Retry-After, and still after a restart or on another process', async () => {
    for (let i = 0; i < 3; i++) expect((await submit(ctx().app, '10.7.0.1', {}, i)).statusCode).toBe(201);
    const refused = await submit(ctx().app, '10.7.0.1', {}, 3);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: 'RATE_LIMITED', message: '请求过于频繁，请稍后再试' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const other = await secondServer();
    try {
      expect((await submit(other, '10.7.0.1', {}, 4)).statusCode).toBe(429);
      // Another client is not held back by the first one's window.
      expect((await submit(other, '10.7.0.2', {}, 5)).statusCode).toBe(201);
    } finally {
      await other.close();
    }
    // Refused attempts are not counted: the window holds exactly the limit.
    const hits = await sql<{
      hits: number;
    }>`select hits from request_rate_window where key = 'ip:10.7.0.1'`.execute(db());
    expect(hits.rows.map((r) => Number(r.hits))).toEqual([3]);
  });

  it('a phone over REQUESTS_RATE_PER_PHONE gets 429 from any address and any process; the phone is not stored in clear', async () => {
    const phone = { phone: '13912340000', name: '孙小红' };
    expect((await submit(ctx().app, '10.7.1.1', phone, 10)).statusCode).toBe(201);
    const other = await secondServer();
    try {
      expect((await submit(other, '10.7.1.2', phone, 11)).statusCode).toBe(201);
      const refused = await submit(other, '10.7.1.3', phone, 12);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3600);
    } finally {
      await other.close();
    }
    expect((await submit(ctx().app, '10.7.1.4', phone, 13)).statusCode).toBe(429);
    // The same person submitting anonymously is counted per client only.
    expect((await submit(ctx().app, '10.7.1.5', { anonymous: true }, 14)).statusCode).toBe(201);
    const keys = await sql<{
      key: string;
    }>`select key from request_rate_window where key like 'phone:%'`.execute(db());
    expect(keys.rows).toHaveLength(1);
    expect(keys.rows[0]!.key).not.toContain('13912340000');
  });

  it('a window that has ended lets the key in again; Retry-After is the time left in the window', async () => {
    const rule = { limit: 1, windowMs: 60_000 };
    const start = windowStart(Date.parse('2026-12-01T08:00:30Z'), rule.windowMs);
    expect(await takeRateWindows(db(), [{ key: 'test:window', rule }], start + 10_000)).toBe(0);
    expect(await takeRateWindows(db(), [{ key: 'test:window', rule }], start + 45_000)).toBe(15_000);
    expect(await takeRateWindows(db(), [{ key: 'test:window', rule }], start + 60_000)).toBe(0);
  });

  it('submissions arriving together are counted together: the first ones up to the limit pass, the rest get 429', async () => {
    const answers = await Promise.all(
      Array.from({ length: 7 }, (_, i) => submit(ctx().app, '10.7.3.1', {}, 20 + i)),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(3);
    expect(codes.filter((c) => c === 429)).toHaveLength(4);
    for (const a of answers.filter((x) => x.statusCode === 429)) {
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    }
    const hits = await sql<{
      hits: number;
    }>`select hits from request_rate_window where key = 'ip:10.7.3.1'`.execute(db());
    expect(hits.rows.map((r) => Number(r.hits))).toEqual([3]);
  });

  it('one statement for several requests: each key serves its first attempts up to the limit, in order', async () => {
    const rule = { limit: 2, windowMs: 60_000 };
    const phoneRule = { limit: 1, windowMs: 3_600_000 };
    const now = windowStart(Date.parse('2026-12-01T09:00:00Z'), 3_600_000) + 5_000;
    const waits = await takeRateWindowsTogether(db(), [
      { attempts: [{ key: 'test:a', rule }], now },
      {
        attempts: [
          { key: 'test:a', rule },
          { key: 'test:p', rule: phoneRule },
        ],
        now,
      },
      { attempts: [{ key: 'test:a', rule }], now },
      {
        attempts: [
          { key: 'test:b', rule },
          { key: 'test:p', rule: phoneRule },
        ],
        now,
      },
    ]);
    // test:a takes two, the third waits for the minute to end; the phone takes one, the second waits for the hour.
    expect(waits).toEqual([0, 0, 55_000, 3_595_000]);
    const rows = await sql<{ key: string; hits: number }>`
      select key, hits from request_rate_window where key in ('test:a', 'test:b', 'test:p') order by key`.execute(
      db(),
    );
    expect(rows.rows.map((r) => [r.key, Number(r.hits)])).toEqual([
      ['test:a', 2],
      ['test:b', 1],
      ['test:p', 1],
    ]);
    // The next statement finds test:a full and counts nothing more.
    expect(await takeRateWindows(db(), [{ key: 'test:a', rule }], now + 1000)).toBe(54_000);
  });

  it('a limit that is not a positive whole number stops the server from starting', async () => {
    process.env['REQUESTS_RATE_PER_PHONE'] = 'many';
    try {
      await expect(secondServer()).rejects.toThrow(/REQUESTS_RATE_PER_PHONE must be a positive integer/);
    } finally {
      process.env['REQUESTS_RATE_PER_PHONE'] = '2';
    }
  });

  it('the outside-the-district check still answers after the limit check', async () => {
    const res = await submit(ctx().app, '10.7.2.1', PLACES.outside, 0);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('LOCATION_OUTSIDE_DISTRICT');
  });
});
