import type { MqttClient } from 'mqtt';
import { expect, it } from 'vitest';
import { authed } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';
import { insertReadings } from './sensing.repository.ts';
import {
  message,
  publisher,
  registerDevice,
  type SensingFixture,
  seedSensing,
  topicOf,
  waitFor,
} from './sensing.testing.ts';

interface Ctx extends TestAppContext {
  fx: SensingFixture;
  pub: MqttClient;
  water: { id: number };
  other: { id: number };
}

async function readings(c: Ctx, deviceId: number) {
  const res = await c.app.inject({
    method: 'GET',
    url: `/api/sensing/devices/${deviceId}/readings`,
    headers: authed(await c.fx.token('cw_a')),
  });
  expect(res.statusCode).toBe(200);
  return res.json().items as Array<{ msgId: string; values: Record<string, unknown> }>;
}

async function health(c: Ctx, uid: string) {
  const res = await c.app.inject({
    method: 'GET',
    url: `/api/sensing/health?q=${uid}`,
    headers: authed(await c.fx.token('admin')),
  });
  expect(res.statusCode).toBe(200);
  const body = res.json();
  return {
    device: body.items.find((d: { deviceUid: string }) => d.deviceUid === uid),
    unknown: body.unknownDevices as Array<{ deviceUid: string; messages: number }>,
  };
}

describeEachBackend(
  'MQTT ingestion on the embedded broker',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend, { deviceRatePerSecond: 2, deviceBurst: 20 });
    const fx = await seedSensing(ctx);
    const token = await fx.token('cw_a');
    const water = await registerDevice(ctx.app, token, {
      deviceUid: 'WM-A1-0001',
      kind: 'water_meter',
      houseId: fx.houseA1,
    });
    const other = await registerDevice(ctx.app, token, {
      deviceUid: 'EM-A1-0001',
      kind: 'electricity_meter',
      houseId: fx.houseA1,
    });
    await registerDevice(ctx.app, token, {
      deviceUid: 'WM-A1-FLOOD',
      kind: 'water_meter',
      houseId: fx.houseA1,
    });
    const url = await ctx.app.sensing.start({ port: 0, clientId: `ingest-${backend}-${process.pid}` });
    const pub = await publisher(url);
    return {
      ...ctx,
      fx,
      pub,
      water,
      other,
      async close() {
        await pub.endAsync();
        await ctx.close();
      },
    };
  },
  (ctx) => {
    it('stores a QoS 1 reading in canonical units, and a redelivery of the same message only once', async () => {
      const c = ctx();
      const ts = Date.now() - 60_000;
      const body = message('m-1', { usage: { v: 0.0125, u: 'm3' } }, new Date(ts).toISOString());
      await c.pub.publishAsync(topicOf('water_meter', 'WM-A1-0001'), body, { qos: 1 });
      await c.pub.publishAsync(topicOf('water_meter', 'WM-A1-0001'), body, { qos: 1, dup: true });
      const rows = await waitFor(async () => {
        await c.app.sensing.ingestor.flush();
        const r = await readings(c, c.water.id);
        return r.length > 0 && r;
      });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.values).toEqual({ usage: 12.5 });
      const h = await health(c, 'WM-A1-0001');
      expect(h.device).toMatchObject({ accepted: 1, duplicate: 1 });
    });

    it('a message stored before a restart is not stored again (the table key de-duplicates)', async () => {
      const c = ctx();
      const row = {
        deviceId: c.water.id,
        tsMs: Date.now() - 120_000,
        msgId: 'm-restart',
        streetCode: '330192001',
        values: { usage: 3 },
      };
      expect(await insertReadings(c.database.db, [row])).toEqual([]);
      const next = { ...row, msgId: 'm-after-restart' };
      // Positions of the rows not stored: the one stored before, and a repeat within the batch after its first.
      expect(await insertReadings(c.database.db, [next, row, next])).toEqual([1, 2]);
      const stored = await c.database.db
        .selectFrom('sensor_reading')
        .select('msg_id')
        .where('device_id', '=', c.water.id)
        .where('msg_id', 'in', ['m-restart', 'm-after-restart'])
        .execute();
      expect(stored.map((r) => r.msg_id).sort()).toEqual(['m-after-restart', 'm-restart']);
    });

    it('rejects bad input per device with its reason, and keeps ingesting the others', async () => {
      const c = ctx();
      const wm = topicOf('water_meter', 'WM-A1-0001');
      const bad: Array<[string, string]> = [
        [wm, '{not json'],
        [wm, message('b-unit', { usage: { v: 5, u: 'kWh' } })],
        [wm, message('b-future', { usage: { v: 5, u: 'L' } }, Date.now() + 3_600_000)],
        [wm, message('r-1', { usage: { v: 5, u: 'L' } }, Date.now() - 5000)],
        [wm, message('r-1', { usage: { v: 5, u: 'L' } }, Date.now())], // reuses an id with another time
        [wm, message('b-old', { usage: { v: 5, u: 'L' } }, Date.now() - 90 * 86_400_000)],
        [wm, message('b-metric', { temperature: { v: 5, u: 'Cel' } })],
        [topicOf('water_meter', 'WM-NOBODY'), message('x', { usage: { v: 5, u: 'L' } })],
        ['cb/v1/330192/teapot/WM-A1-0001/up', message('x', { usage: { v: 5, u: 'L' } })],
        [topicOf('electricity_meter', 'WM-A1-0001'), message('b-kind', { energy: { v: 1, u: 'kWh' } })],
      ];
      for (const [topic, payload] of bad) await c.pub.publishAsync(topic, payload, { qos: 1 });
      // A flood: 60 messages at once from one meter; its burst is 20.
      for (let i = 0; i < 60; i++) {
        await c.pub.publishAsync(
          topicOf('water_meter', 'WM-A1-FLOOD'),
          message(`f-${i}`, { usage: { v: 1, u: 'L' } }),
          { qos: 1 },
        );
      }
      await c.pub.publishAsync(
        topicOf('electricity_meter', 'EM-A1-0001'),
        message('e-1', { energy: { v: 500, u: 'Wh' }, power: { v: 1.2, u: 'kW' } }),
        { qos: 1 },
      );
      const stored = await waitFor(async () => {
        await c.app.sensing.ingestor.flush();
        const r = await readings(c, c.other.id);
        return r.length > 0 && r;
      });
      expect(stored[0]!.values).toEqual({ energy: 0.5, power: 1200 });
      const h = await health(c, 'WM-A1-0001');
      // not JSON, unknown metric, unknown kind in the topic, topic kind ≠ registered kind
      expect(h.device).toMatchObject({ malformed: 4, badUnit: 1, clockSkew: 2, replayed: 1 });
      expect(h.device.lastProblem).toMatch(/malformed|clock_skew|replayed|bad_unit/);
      expect(h.unknown).toContainEqual({ deviceUid: 'WM-NOBODY', messages: 1 });
      const flood = await health(c, 'WM-A1-FLOOD');
      expect(flood.device.rateLimited).toBeGreaterThanOrEqual(39);
      expect(flood.device.accepted).toBeGreaterThanOrEqual(20);
      expect(flood.device.accepted + flood.device.rateLimited).toBe(60);
    });

    it('lists devices in scope only, with home positions rounded; 404 and 403 outside', async () => {
      const c = ctx();
      // The list carries each device's latest battery charge; a device that reports none has null.
      expect(
        c.app.sensing.ingestor.accept(
          topicOf('water_meter', 'WM-A1-0001'),
          message('bat-1', { usage: { v: 1, u: 'L' }, battery: { v: 15, u: '%' } }),
        ),
      ).toBeNull();
      await c.app.sensing.ingestor.flush();
      const mine = await c.app.inject({
        method: 'GET',
        url: '/api/sensing/devices',
        headers: authed(await c.fx.token('cw_a')),
      });
      expect(mine.json().total).toBe(3);
      expect(mine.json().items[0].topic).toBe('cb/v1/330192/water_meter/WM-A1-0001/up');
      expect(String(mine.json().items[0].lng).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(3);
      const batteries = Object.fromEntries(
        mine.json().items.map((d: { deviceUid: string; battery: number | null }) => [d.deviceUid, d.battery]),
      );
      expect(batteries).toMatchObject({ 'WM-A1-0001': 15, 'EM-A1-0001': null });
      // Search by part of the device number, case-insensitive; a % in the text is a percent sign, not a wildcard.
      const search = async (q: string) =>
        (
          await c.app.inject({
            method: 'GET',
            url: `/api/sensing/devices?q=${encodeURIComponent(q)}`,
            headers: authed(await c.fx.token('cw_a')),
          })
        ).json();
      expect((await search('em-a1')).items.map((d: { deviceUid: string }) => d.deviceUid)).toEqual([
        'EM-A1-0001',
      ]);
      expect((await search('%')).total).toBe(0);
      // By area: the device's own grid lists it, another community's grid is a 404.
      const inArea = await c.app.inject({
        method: 'GET',
        url: `/api/sensing/devices?area=${encodeURIComponent(c.fx.mini.grids.a1.path)}`,
        headers: authed(await c.fx.token('cw_a')),
      });
      expect(inArea.json().total).toBe(3);
      const otherArea = await c.app.inject({
        method: 'GET',
        url: `/api/sensing/devices?area=${encodeURIComponent(c.fx.mini.grids.c1.path)}`,
        headers: authed(await c.fx.token('cw_a')),
      });
      expect(otherArea.statusCode).toBe(404);
      const otherCommunity = await c.app.inject({
        method: 'GET',
        url: '/api/sensing/devices',
        headers: authed(await c.fx.token('cw_c')),
      });
      expect(otherCommunity.json().total).toBe(0);
      const outside = await c.app.inject({
        method: 'GET',
        url: `/api/sensing/devices/${c.water.id}/readings`,
        headers: authed(await c.fx.token('cw_c')),
      });
      expect(outside.statusCode).toBe(404);
      expect(outside.json().error.code).toBe('DEVICE_NOT_FOUND');
      const resident = await c.app.inject({
        method: 'GET',
        url: '/api/sensing/devices',
        headers: authed(await c.fx.token('resident_a1')),
      });
      expect(resident.statusCode).toBe(403);
      const bindOutside = await c.app.inject({
        method: 'POST',
        url: '/api/sensing/devices',
        headers: authed(await c.fx.token('cw_a')),
        payload: { deviceUid: 'WM-C1-0001', kind: 'water_meter', houseId: c.fx.houseC1 },
      });
      expect(bindOutside.statusCode).toBe(404);
      const unbound = await c.app.inject({
        method: 'POST',
        url: '/api/sensing/devices',
        headers: authed(await c.fx.token('cw_a')),
        payload: { deviceUid: 'WM-X', kind: 'water_meter' },
      });
      expect(unbound.json().error.code).toBe('DEVICE_BINDING_REQUIRED');
      const dup = await c.app.inject({
        method: 'POST',
        url: '/api/sensing/devices',
        headers: authed(await c.fx.token('cw_a')),
        payload: { deviceUid: 'WM-A1-0001', kind: 'water_meter', houseId: c.fx.houseA1 },
      });
      expect(dup.statusCode).toBe(409);
    });

    it('audits registering a device and reading a home meter', async () => {
      const c = ctx();
      const rows = await c.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'in', ['sensing.device.create', 'sensing.readings.read'])
        .execute();
      expect(rows.filter((r) => r.action === 'sensing.device.create')).toHaveLength(3);
      expect(rows.some((r) => r.action === 'sensing.readings.read')).toBe(true);
    });

    it('decides online on the server: silent past 3× its reporting interval is offline, recent is online', async () => {
      const c = ctx();
      // Both devices have a health row (they sent a message), then their last message is set back in time.
      for (const [kind, uid, values] of [
        ['water_meter', 'WM-A1-0001', { usage: { v: 1, u: 'L' } }],
        ['electricity_meter', 'EM-A1-0001', { energy: { v: 1, u: 'kWh' }, power: { v: 5, u: 'W' } }],
      ] as const) {
        expect(
          c.app.sensing.ingestor.accept(topicOf(kind, uid), message(`online-${uid}`, values)),
        ).toBeNull();
      }
      await c.app.sensing.ingestor.flush();
      await c.app.sensing.ingestor.persistHealth();
      const now = Date.now();
      // A water meter reports hourly: 4 h of silence is past 3 h, so it is offline.
      await c.database.db
        .updateTable('sensor_device')
        .set({ last_seen_at: new Date(now - 4 * 3_600_000) })
        .where('id', '=', c.water.id)
        .execute();
      // An electricity meter that reported 10 minutes ago is online.
      await c.database.db
        .updateTable('sensor_device')
        .set({ last_seen_at: new Date(now - 10 * 60_000) })
        .where('id', '=', c.other.id)
        .execute();
      await c.database.db
        .updateTable('sensor_device')
        .set({ last_seen_at: null })
        .where('device_uid', '=', 'WM-A1-FLOOD')
        .execute();
      const list = await c.app.inject({
        method: 'GET',
        url: '/api/sensing/devices',
        headers: authed(await c.fx.token('cw_a')),
      });
      const byUid = new Map(
        list
          .json()
          .items.map((d: { deviceUid: string; online: boolean; lastSeenAt: string | null }) => [
            d.deviceUid,
            d,
          ]),
      );
      expect(byUid.get('WM-A1-0001')).toMatchObject({
        online: false,
        lastSeenAt: new Date(now - 4 * 3_600_000).toISOString(),
      });
      expect(byUid.get('EM-A1-0001')).toMatchObject({ online: true });
      // A device that never reported is offline, not online.
      expect(byUid.get('WM-A1-FLOOD')).toMatchObject({ online: false, lastSeenAt: null });
      // The health endpoint carries the same decision.
      expect((await health(c, 'WM-A1-0001')).device).toMatchObject({ online: false });
      expect((await health(c, 'EM-A1-0001')).device).toMatchObject({ online: true });
    });
  },
);

describeEachBackend(
  'MQTT ingestion from an external broker (Mosquitto at 127.0.0.1:1883)',
  async (backend) => {
    const ctx = await createTestApp(backend, { mqttUrl: 'mqtt://127.0.0.1:1883' });
    const fx = await seedSensing(ctx);
    const uid = `WM-EXT-${backend}-${process.pid}`;
    const dev = await registerDevice(ctx.app, await fx.token('cw_a'), {
      deviceUid: uid,
      kind: 'water_meter',
      houseId: fx.houseA1,
    });
    const url = await ctx.app.sensing.start({ clientId: `ingest-ext-${backend}-${process.pid}` });
    const pub = await publisher(url);
    return {
      ...ctx,
      fx,
      uid,
      dev,
      pub,
      async close() {
        await pub.endAsync();
        await ctx.close();
      },
    };
  },
  (ctx) => {
    it('subscribes to the external broker and stores what a device publishes there', async () => {
      const c = ctx();
      await c.pub.publishAsync(topicOf('water_meter', c.uid), message('ext-1', { usage: { v: 7, u: 'L' } }), {
        qos: 1,
      });
      const n = await waitFor(async () => {
        await c.app.sensing.ingestor.flush();
        const r = await c.database.db
          .selectFrom('sensor_reading')
          .select('msg_id')
          .where('device_id', '=', c.dev.id)
          .execute();
        return r.length > 0 && r.length;
      });
      expect(n).toBe(1);
    });
  },
);
