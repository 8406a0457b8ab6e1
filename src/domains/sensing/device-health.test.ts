// Device health lists every registered device of the viewer's area: those that never reported and those silent
// past their reporting interval too, each with its state, filters, pages and its rejected messages per reason.
// The clock is controlled through when each device was last seen, just inside and just outside its limit.
import { expect, it } from 'vitest';
import { authed } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';
import { message, registerDevice, type SensingFixture, seedSensing, topicOf } from './sensing.testing.ts';

const MINUTE = 60_000;

interface Ctx extends TestAppContext {
  fx: SensingFixture;
}

interface HealthRow {
  deviceUid: string;
  state: string;
  online: boolean;
  lastSeenAt: string | null;
  accepted: number;
  badUnit: number;
  clockSkew: number;
  lastProblem: string | null;
}

async function health(c: Ctx, user: string, query = '') {
  const res = await c.app.inject({
    method: 'GET',
    url: `/api/sensing/health${query}`,
    headers: authed(await c.fx.token(user)),
  });
  return res;
}

async function healthOk(c: Ctx, user: string, query = '') {
  const res = await health(c, user, query);
  expect(res.statusCode).toBe(200);
  return res.json() as {
    items: HealthRow[];
    total: number;
    states: Record<string, number>;
    unknownDevices: unknown;
  };
}

async function seen(c: Ctx, uid: string, minutesAgo: number) {
  await c.database.db
    .updateTable('sensor_device')
    .set({ last_seen_at: new Date(Date.now() - minutesAgo * MINUTE) })
    .where('device_uid', '=', uid)
    .execute();
}

describeEachBackend(
  'device health lists every registered device',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend, { deviceRatePerSecond: 100_000, deviceBurst: 100_000 });
    const fx = await seedSensing(ctx);
    const cw = await fx.token('cw_a');
    for (const [deviceUid, kind] of [
      ['WM-H-LIVE', 'water_meter'],
      ['WM-H-EDGE', 'water_meter'],
      ['WM-H-GONE', 'water_meter'],
      ['DS-H-QUIET', 'door_sensor'],
      ['DS-H-NEW', 'door_sensor'],
      ['SD-H-NEW', 'smoke_detector'],
    ] as const)
      await registerDevice(ctx.app, cw, { deviceUid, kind, houseId: fx.houseA1 });
    await registerDevice(ctx.app, await fx.token('admin'), {
      deviceUid: 'WM-H-OTHER',
      kind: 'water_meter',
      houseId: fx.houseC1,
    });
    // A water meter is online for 3 × 60 minutes after its last message, a door sensor for 3 × 8 hours.
    await seen({ ...ctx, fx }, 'WM-H-LIVE', 5);
    await seen({ ...ctx, fx }, 'WM-H-EDGE', 179);
    await seen({ ...ctx, fx }, 'WM-H-GONE', 181);
    await seen({ ...ctx, fx }, 'DS-H-QUIET', 25 * 60);
    return { ...ctx, fx };
  },
  (ctx) => {
    it('lists devices that never reported and silent ones, with their state and counts per state', async () => {
      const c = ctx();
      const body = await healthOk(c, 'cw_a', '?pageSize=50');
      const states = Object.fromEntries(body.items.map((d) => [d.deviceUid, d.state]));
      expect(states).toEqual({
        'DS-H-NEW': 'never',
        'DS-H-QUIET': 'offline',
        'SD-H-NEW': 'never',
        'WM-H-EDGE': 'online',
        'WM-H-GONE': 'offline',
        'WM-H-LIVE': 'online',
      });
      expect(body.total).toBe(6);
      expect(body.states).toEqual({ online: 2, offline: 2, never: 2 });
      const never = body.items.find((d) => d.deviceUid === 'DS-H-NEW')!;
      expect(never).toMatchObject({
        online: false,
        lastSeenAt: null,
        accepted: 0,
        badUnit: 0,
        lastProblem: null,
      });
      // The grid worker of A sees nothing of C; the district account sees both.
      expect(body.items.map((d) => d.deviceUid)).not.toContain('WM-H-OTHER');
      expect((await healthOk(c, 'admin', '?q=WM-H-OTHER')).items.map((d) => d.state)).toEqual(['never']);
    });

    it('filters by state, kind, text and area, and pages with the total under the filters', async () => {
      const c = ctx();
      const offline = await healthOk(c, 'cw_a', '?state=offline');
      expect(offline.items.map((d) => d.deviceUid)).toEqual(['DS-H-QUIET', 'WM-H-GONE']);
      expect(offline.total).toBe(2);
      // State counts follow the other filters, not the state's own.
      expect(offline.states).toEqual({ online: 2, offline: 2, never: 2 });
      const meters = await healthOk(c, 'cw_a', '?kind=water_meter&state=online');
      expect(meters.items.map((d) => d.deviceUid)).toEqual(['WM-H-EDGE', 'WM-H-LIVE']);
      expect(meters.states).toEqual({ online: 2, offline: 1, never: 0 });
      const text = await healthOk(c, 'cw_a', '?q=h-new');
      expect(text.items.map((d) => d.deviceUid)).toEqual(['DS-H-NEW', 'SD-H-NEW']);
      const area = await healthOk(c, 'admin', `?area=${c.fx.mini.grids.a1.path}&state=never`);
      expect(area.items.map((d) => d.deviceUid)).toEqual(['DS-H-NEW', 'SD-H-NEW']);

      const first = await healthOk(c, 'cw_a', '?pageSize=4&page=1');
      const second = await healthOk(c, 'cw_a', '?pageSize=4&page=2');
      expect(first.total).toBe(6);
      expect(first.items).toHaveLength(4);
      expect(second.items).toHaveLength(2);
      expect(new Set([...first.items, ...second.items].map((d) => d.deviceUid)).size).toBe(6);
    });

    it('counts rejected messages per reason, and bad filters are refused', async () => {
      const c = ctx();
      const topic = topicOf('water_meter', 'WM-H-LIVE');
      expect(c.app.sensing.ingestor.accept(topic, message('h-1', { usage: { v: 2, u: 'L' } }))).toBe(null);
      expect(c.app.sensing.ingestor.accept(topic, message('h-2', { usage: { v: 2, u: 'kWh' } }))).toBe(
        'bad_unit',
      );
      expect(
        c.app.sensing.ingestor.accept(
          topic,
          message('h-3', { usage: { v: 2, u: 'L' } }, Date.now() + 3_600_000),
        ),
      ).toBe('clock_skew');
      await c.app.sensing.ingestor.flush();
      const [live] = (await healthOk(c, 'cw_a', '?q=WM-H-LIVE')).items;
      expect(live).toMatchObject({ state: 'online', accepted: 1, badUnit: 1, clockSkew: 1 });
      expect(live?.lastProblem).toMatch(/^clock_skew/);

      const badState = await health(c, 'cw_a', '?state=asleep');
      expect(badState.statusCode).toBe(400);
      expect(badState.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: '请求参数不正确' });
      expect((await health(c, 'cw_a', `?area=${c.fx.mini.grids.c1.path}`)).statusCode).toBe(404);
    });
  },
);
