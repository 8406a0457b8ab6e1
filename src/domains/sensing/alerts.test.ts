import { sql } from 'kysely';
import type { MqttClient } from 'mqtt';
import { expect, it } from 'vitest';
import { authed } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';
import { AlertFeed } from './alert-feed.ts';
import { createDispatchService } from './dispatch.service.ts';
import {
  message,
  publisher,
  registerDevice,
  type SensingFixture,
  seedSensing,
  topicOf,
  waitFor,
} from './sensing.testing.ts';
import { createSensingHub } from './sensing-hub.ts';

interface Ctx extends TestAppContext {
  fx: SensingFixture;
  pub: MqttClient;
  responders: Record<string, number>;
}

async function alertOf(c: Ctx, rule: string) {
  return waitFor(async () => {
    await c.app.sensing.ingestor.flush();
    return c.database.db
      .selectFrom('sensing_alert')
      .selectAll()
      .where('rule_code', '=', rule)
      .executeTakeFirst();
  });
}

describeEachBackend(
  'alerts and emergency dispatch',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend, { alertAckSeconds: 60 });
    const fx = await seedSensing(ctx);
    const cw = await fx.token('cw_a');
    const personA1 = fx.mini.persons[0]!.id;
    await registerDevice(ctx.app, cw, {
      deviceUid: 'SD-A1-0001',
      kind: 'smoke_detector',
      houseId: fx.houseA1,
    });
    await registerDevice(ctx.app, cw, {
      deviceUid: 'SD-A1-0002',
      kind: 'smoke_detector',
      houseId: fx.houseA1,
    });
    for (const deviceUid of ['SD-A1-0003', 'SD-A1-0004'])
      await registerDevice(ctx.app, cw, { deviceUid, kind: 'smoke_detector', houseId: fx.houseA1 });
    await registerDevice(ctx.app, cw, {
      deviceUid: 'FB-A1-0001',
      kind: 'emergency_button',
      personId: personA1,
    });
    await registerDevice(ctx.app, cw, { deviceUid: 'GD-A1-0001', kind: 'gas_detector', houseId: fx.houseA1 });
    // The house's building is at 120.1, 30.28. Responders at increasing distances; one unavailable, one far.
    const responders: Record<string, number> = {};
    const add = async (
      name: string,
      kind: string,
      lng: number,
      lat: number,
      extra: Record<string, unknown> = {},
    ) => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/sensing/responders',
        headers: authed(cw),
        payload: { kind, name, lng, lat, scopePath: fx.mini.grids.a1.path, phone: '13900001111', ...extra },
      });
      expect(res.statusCode).toBe(201);
      responders[name] = res.json().id;
    };
    await add('幸福微型消防站', 'micro_fire_station', 120.103, 30.28); // ~290 m
    await add('网格员小王', 'grid_worker', 120.1, 30.285); // ~555 m
    await add('社区民警', 'community_police', 120.11, 30.29); // ~1.4 km
    await add('张建国之子', 'family_contact', 120.2, 30.3, { forPersonId: personA1 }); // ~10 km, family
    await add('别人的家属', 'family_contact', 120.1001, 30.2801, { forPersonId: fx.mini.persons[4]!.id });
    const url = await ctx.app.sensing.start({
      port: 0,
      clientId: `alerts-${backend}-${process.pid}`,
      sweepMs: 3_600_000,
    });
    const pub = await publisher(url);
    return {
      ...ctx,
      fx,
      pub,
      responders,
      async close() {
        await pub.endAsync();
        await ctx.close();
      },
    };
  },
  (ctx) => {
    it('a smoke alarm becomes one alert and notifies the nearest responder first, with the line-up by travel distance', async () => {
      const c = ctx();
      const topic = topicOf('smoke_detector', 'SD-A1-0001');
      await c.pub.publishAsync(topic, message('s-1', { alarm: { vb: true } }), { qos: 1 });
      await c.pub.publishAsync(topic, message('s-2', { alarm: { vb: true } }), { qos: 1 }); // still burning: same alert
      const alert = await alertOf(c, 'smoke_alarm');
      await c.app.sensing.ingestor.flush();
      const res = await c.app.inject({
        method: 'GET',
        url: `/api/alerts/${alert.id}`,
        headers: authed(await c.fx.token('gw_a1')),
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ severity: 'emergency', status: 'open', deviceUid: 'SD-A1-0001' });
      expect(body.dispatch.map((d: { responderId: number }) => d.responderId)).toEqual([
        c.responders['幸福微型消防站'],
        c.responders['网格员小王'],
        c.responders['社区民警'],
        c.responders['张建国之子'],
      ]);
      expect(body.dispatch[0]).toMatchObject({ status: 'notified', rank: 1 });
      expect(body.dispatch[0].travelM).toBeGreaterThan(300); // 290 m straight × road factor 1.4
      expect(body.dispatch[0].travelM).toBeLessThan(450);
      expect(body.dispatch[3].responderName).toBe('张****');
      expect(body.dispatch[3].responderPhone).toBe('139****1111');
      const count = await c.database.db
        .selectFrom('sensing_alert')
        .select('id')
        .where('rule_code', '=', 'smoke_alarm')
        .execute();
      expect(count).toHaveLength(1);
    });

    it('escalates to the next responder when the first does not acknowledge in time, also after a restart', async () => {
      const c = ctx();
      const alert = await alertOf(c, 'smoke_alarm');
      // A fresh dispatch service stands for a restarted server: the timers are rows, not memory.
      const feed = new AlertFeed();
      const seen: number[] = [];
      feed.subscribe((e) => e.type === 'dispatch' && seen.push(e.responderId));
      const restarted = createDispatchService(c.database, feed, { ackSeconds: 60, roadFactor: 1.4 });
      await restarted.reload();
      expect(await restarted.escalateDue(Date.now())).toBe(0);
      expect(await restarted.escalateDue(Date.now() + 61_000)).toBe(1);
      expect(seen).toEqual([c.responders['网格员小王']]);
      const res = await c.app.inject({
        method: 'GET',
        url: `/api/alerts/${alert.id}`,
        headers: authed(await c.fx.token('cw_a')),
      });
      expect(res.json().dispatch.map((d: { status: string }) => d.status)).toEqual([
        'escalated',
        'notified',
        'pending',
        'pending',
      ]);
    });

    it('acknowledging stops escalation; a second acknowledgement is a 409; other communities get 404', async () => {
      const c = ctx();
      const alert = await alertOf(c, 'smoke_alarm');
      const outside = await c.app.inject({
        method: 'POST',
        url: `/api/alerts/${alert.id}/acknowledge`,
        headers: authed(await c.fx.token('cw_c')),
      });
      expect(outside.statusCode).toBe(404);
      const auditor = await c.app.inject({
        method: 'POST',
        url: `/api/alerts/${alert.id}/acknowledge`,
        headers: authed(await c.fx.token('auditor')),
      });
      expect(auditor.statusCode).toBe(403);
      const ack = await c.app.inject({
        method: 'POST',
        url: `/api/alerts/${alert.id}/acknowledge`,
        headers: authed(await c.fx.token('gw_a1')),
      });
      expect(ack.statusCode).toBe(200);
      expect(ack.json().status).toBe('acknowledged');
      expect(ack.json().dispatch.map((d: { status: string }) => d.status)).toEqual([
        'escalated',
        'acknowledged',
        'cancelled',
        'cancelled',
      ]);
      expect(await c.app.sensing.dispatch.escalateDue(Date.now() + 3_600_000)).toBe(0);
      const again = await c.app.inject({
        method: 'POST',
        url: `/api/alerts/${alert.id}/acknowledge`,
        headers: authed(await c.fx.token('gw_a1')),
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('ALERT_NOT_PENDING');
    });

    it("a fall alarm goes to the resident's own family contact among the nearest, never another family's", async () => {
      const c = ctx();
      await c.pub.publishAsync(
        topicOf('emergency_button', 'FB-A1-0001'),
        message('f-1', { pressed: { vb: true }, fall: { vb: true } }),
        { qos: 1 },
      );
      const alert = await alertOf(c, 'fall_alarm');
      const rows = await c.database.db
        .selectFrom('alert_dispatch')
        .select('responder_id')
        .where('alert_id', '=', alert.id)
        .execute();
      const ids = rows.map((r) => r.responder_id);
      expect(ids).toContain(c.responders['张建国之子']);
      expect(ids).not.toContain(c.responders['别人的家属']);
    });

    it('gas over the %LEL threshold alarms without the flag; false-alarm feedback closes it and makes the device stricter', async () => {
      const c = ctx();
      await c.pub.publishAsync(
        topicOf('gas_detector', 'GD-A1-0001'),
        message('g-1', { lel: { v: 35, u: '%LEL' }, alarm: { vb: false } }),
        { qos: 1 },
      );
      const alert = await alertOf(c, 'gas_alarm');
      const events: string[] = [];
      const unsubscribe = c.app.sensing.feed.subscribe((e) => events.push(`${e.type}:${e.alertId}`));
      const fb = await c.app.inject({
        method: 'POST',
        url: `/api/alerts/${alert.id}/feedback`,
        headers: authed(await c.fx.token('cw_a')),
        payload: { feedback: 'false_alarm', note: '厨房油烟' },
      });
      expect(fb.statusCode).toBe(200);
      expect(fb.json()).toMatchObject({ status: 'closed', feedback: 'false_alarm' });
      unsubscribe();
      // The live feed tells open alert walls that the alert is closed.
      expect(events).toContain(`closed:${alert.id}`);
      expect(c.app.sensing.evaluator.scaleOf(alert.device_id)).toBe(1.25);
      const stored = await c.database.db
        .selectFrom('device_baseline')
        .select('threshold_scale')
        .where('device_id', '=', alert.device_id)
        .executeTakeFirstOrThrow();
      expect(stored.threshold_scale).toBe(1.25);
      const bad = await c.app.inject({
        method: 'POST',
        url: `/api/alerts/${alert.id}/feedback`,
        headers: authed(await c.fx.token('cw_a')),
        payload: { feedback: 'maybe' },
      });
      expect(bad.statusCode).toBe(400);
    });

    it('a replayed alarm notifies nobody twice: not while its alert is open, nor after it is closed and the server restarted', async () => {
      const c = ctx();
      const uid = 'SD-A1-0003';
      const notified: string[] = [];
      const unsubscribe = c.app.sensing.feed.subscribe(
        (e) => e.type === 'dispatch' && e.reason === 'first' && notified.push(String(e.msgId)),
      );
      const ts = Date.now() - 1000;
      const body = message('replay-1', { alarm: { vb: true } }, ts);
      await c.pub.publishAsync(topicOf('smoke_detector', uid), body, { qos: 1 });
      const alert = await waitFor(async () => {
        await c.app.sensing.ingestor.flush();
        return c.database.db
          .selectFrom('sensing_alert')
          .select(['id', 'status'])
          .where('details', '@>', JSON.stringify({ msgId: 'replay-1' }) as never)
          .executeTakeFirst();
      });
      // Close it (false alarm), then redeliver the same message as a broker would after a reconnect, first to the
      // running ingestor (in memory: a duplicate), then to one that lost its memory (the table key catches it).
      const cw = await c.fx.token('cw_a');
      const fb = await c.app.inject({
        method: 'POST',
        url: `/api/alerts/${alert.id}/feedback`,
        headers: authed(cw),
        payload: { feedback: 'real' },
      });
      expect(fb.statusCode).toBe(200);
      expect(c.app.sensing.ingestor.accept(topicOf('smoke_detector', uid), body)).toBe('duplicate');
      const fresh = createSensingHub(c.database, c.config, c.app.log);
      await fresh.load();
      fresh.feed.subscribe((e) => e.type === 'dispatch' && notified.push(`restarted:${String(e.msgId)}`));
      expect(fresh.ingestor.accept(topicOf('smoke_detector', uid), body)).toBeNull();
      await fresh.ingestor.flush();
      unsubscribe();
      expect(notified).toEqual(['replay-1']);
      expect(fresh.ingestor.stats.rejected.duplicate).toBe(1);
      const alerts = await c.database.db
        .selectFrom('sensing_alert')
        .select('id')
        .where('details', '@>', JSON.stringify({ msgId: 'replay-1' }) as never)
        .execute();
      expect(alerts).toHaveLength(1);
    });

    it('an alarm is stored, raised and notified ahead of a reading batch queued for the database', async () => {
      const c = ctx();
      const uid = 'SD-A1-0004';
      // Readings queued first; the alarm arrives after them but is stored with its alert before them.
      for (let i = 0; i < 5; i++) {
        expect(
          c.app.sensing.ingestor.accept(
            topicOf('smoke_detector', 'SD-A1-0001'),
            message(`hb-${i}`, { alarm: { vb: false }, battery: { v: 90, u: '%' } }, Date.now() - 5000 + i),
          ),
        ).toBeNull();
      }
      const order: string[] = [];
      const unsubscribe = c.app.sensing.feed.subscribe((e) => {
        if (e.type === 'dispatch' && e.msgId === 'lane-1') order.push('notified');
      });
      c.app.sensing.ingestor.onStored(() => order.push('stored'));
      const flushing = c.app.sensing.ingestor.flush();
      c.app.sensing.ingestor.accept(
        topicOf('smoke_detector', uid),
        message('lane-1', { alarm: { vb: true } }),
      );
      await flushing;
      await c.app.sensing.ingestor.flush();
      unsubscribe();
      // PGlite has one connection: the alarm goes ahead of the batch waiting for it. PostgreSQL runs the alarm on a
      // pool of its own, beside the batch rather than after it, so either may finish first.
      if (c.backend === 'pglite') expect(order[0]).toBe('notified');
      else expect(order).toContain('notified');
    });

    it('a burst of alarms handed over at once is raised together: one alert and line-up per device, each notified once', async () => {
      const c = ctx();
      const cw = await c.fx.token('cw_a');
      const uids = ['SD-A1-0101', 'SD-A1-0102', 'SD-A1-0103'];
      for (const deviceUid of uids)
        await registerDevice(c.app, cw, { deviceUid, kind: 'smoke_detector', houseId: c.fx.houseA1 });
      const notified: string[] = [];
      const unsubscribe = c.app.sensing.feed.subscribe(
        (e) => e.type === 'dispatch' && e.reason === 'first' && notified.push(String(e.msgId)),
      );
      // In one task, as the ingestion thread's alarm lane hands a burst over; the first device alarms twice.
      const now = Date.now();
      for (const uid of uids)
        expect(
          c.app.sensing.ingestor.accept(
            topicOf('smoke_detector', uid),
            message(`burst-${uid}`, { alarm: { vb: true } }, now),
            now,
            true,
          ),
        ).toBeNull();
      expect(
        c.app.sensing.ingestor.accept(
          topicOf('smoke_detector', uids[0]!),
          message('burst-again', { alarm: { vb: true } }, now + 1),
          now,
          true,
        ),
      ).toBeNull();
      await c.app.sensing.ingestor.flush();
      unsubscribe();
      expect(notified.sort()).toEqual(uids.map((u) => `burst-${u}`));
      const alerts = await c.database.db
        .selectFrom('sensing_alert as a')
        .innerJoin('sensor_device as d', 'd.id', 'a.device_id')
        .select(['d.device_uid', 'a.id', sql<string>`a.details->>'msgId'`.as('msg_id')])
        .where('d.device_uid', 'in', uids)
        .orderBy('d.device_uid')
        .execute();
      expect(alerts.map((a) => [a.device_uid, a.msg_id])).toEqual(uids.map((u) => [u, `burst-${u}`]));
      for (const a of alerts) {
        const lineUp = await c.database.db
          .selectFrom('alert_dispatch')
          .select(['responder_id', 'rank', 'status'])
          .where('alert_id', '=', a.id)
          .orderBy('rank')
          .execute();
        expect(lineUp.map((d) => d.responder_id)).toEqual([
          c.responders['幸福微型消防站'],
          c.responders['网格员小王'],
          c.responders['社区民警'],
          c.responders['张建国之子'],
        ]);
        expect(lineUp.map((d) => d.status)).toEqual(['notified', 'pending', 'pending', 'pending']);
      }
      // Every message of the burst is stored, the repeat too (it raised nothing more: the alert was open).
      const stored = await c.database.db
        .selectFrom('sensor_reading')
        .select('msg_id')
        .where('msg_id', 'in', [...uids.map((u) => `burst-${u}`), 'burst-again'])
        .execute();
      expect(stored).toHaveLength(4);
    });

    it("streams alerts of the viewer's area as Server-Sent Events", async () => {
      const c = ctx();
      await c.app.listen({ port: 0, host: '127.0.0.1' });
      const address = c.app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const controller = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/api/alerts/stream`, {
        headers: authed(await c.fx.token('cw_a')),
        signal: controller.signal,
      });
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = res.body!.getReader();
      await c.pub.publishAsync(
        topicOf('smoke_detector', 'SD-A1-0002'),
        message('s2-1', { alarm: { vb: true } }),
        { qos: 1 },
      );
      let text = '';
      const decoder = new TextDecoder();
      while (!text.includes('event: dispatch')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      controller.abort();
      expect(text).toMatch(/event: alert\ndata: .*"deviceUid":"SD-A1-0002"/);
      expect(text).toMatch(/event: dispatch\ndata: .*"rank":1/);
      const outsider = await fetch(`http://127.0.0.1:${port}/api/alerts/stream`);
      expect(outsider.status).toBe(401);
    });

    it('lists alerts in scope; rules can be read, and changed only by a district account with valid parameters', async () => {
      const c = ctx();
      const mine = await c.app.inject({
        method: 'GET',
        url: '/api/alerts?severity=emergency',
        headers: authed(await c.fx.token('cw_a')),
      });
      expect(mine.json().total).toBeGreaterThanOrEqual(3);
      const smoke = await c.app.inject({
        method: 'GET',
        url: '/api/alerts?ruleCode=smoke_alarm',
        headers: authed(await c.fx.token('cw_a')),
      });
      expect(smoke.json().total).toBeGreaterThanOrEqual(1);
      expect(new Set(smoke.json().items.map((a: { ruleCode: string }) => a.ruleCode))).toEqual(
        new Set(['smoke_alarm']),
      );
      const badKind = await c.app.inject({
        method: 'GET',
        url: '/api/alerts?ruleCode=DROP%20TABLE',
        headers: authed(await c.fx.token('cw_a')),
      });
      expect(badKind.statusCode).toBe(400);
      const theirs = await c.app.inject({
        method: 'GET',
        url: '/api/alerts',
        headers: authed(await c.fx.token('cw_c')),
      });
      expect(theirs.json().total).toBe(0);
      const rules = await c.app.inject({
        method: 'GET',
        url: '/api/sensing/rules',
        headers: authed(await c.fx.token('cw_a')),
      });
      expect(rules.json().map((r: { code: string }) => r.code)).toContain('elderly_alone_low_water');
      const byCommunity = await c.app.inject({
        method: 'PUT',
        url: '/api/sensing/rules/elderly_alone_low_water',
        headers: authed(await c.fx.token('cw_a')),
        payload: { params: { days: 4 } },
      });
      expect(byCommunity.statusCode).toBe(403);
      const invalid = await c.app.inject({
        method: 'PUT',
        url: '/api/sensing/rules/elderly_alone_low_water',
        headers: authed(await c.fx.token('admin')),
        payload: { params: { days: 0 } },
      });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().error.code).toBe('RULE_PARAMS_INVALID');
      const ok = await c.app.inject({
        method: 'PUT',
        url: '/api/sensing/rules/elderly_alone_low_water',
        headers: authed(await c.fx.token('admin')),
        payload: { params: { days: 4 } },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().params.days).toBe(4);
      expect(ok.json().updatedBy).toBe('admin');
      const missing = await c.app.inject({
        method: 'PUT',
        url: '/api/sensing/rules/no_such_rule',
        headers: authed(await c.fx.token('admin')),
        payload: { enabled: false },
      });
      expect(missing.statusCode).toBe(404);
    });
  },
);

describeEachBackend(
  'work-order hook for non-emergency alerts',
  async (backend) => {
    const ctx = await createTestApp(backend);
    const fx = await seedSensing(ctx);
    const dev = await registerDevice(ctx.app, await fx.token('cw_a'), {
      deviceUid: 'VB-A1-0001',
      kind: 'video_box',
      facilityId: undefined as never,
      houseId: fx.houseA1,
    });
    return { ...ctx, fx, dev };
  },
  (ctx) => {
    it('passes a fire-hazard video event to the registered hook and stores the work order reference', async () => {
      const c = ctx();
      const received: string[] = [];
      c.app.sensing.setWorkOrderHook(async (alert) => {
        received.push(alert.ruleCode);
        return `WO-${alert.id}`;
      });
      c.app.sensing.ingestor.accept(
        topicOf('video_box', 'VB-A1-0001'),
        message('v-1', { event: { vs: 'fire_hazard' }, confidence: { v: 92, u: '%' } }),
      );
      await c.app.sensing.ingestor.flush();
      const alert = await c.database.db
        .selectFrom('sensing_alert')
        .selectAll()
        .where('device_id', '=', c.dev.id)
        .executeTakeFirstOrThrow();
      expect(received).toEqual(['fire_hazard']);
      expect(alert.work_order_ref).toBe(`WO-${alert.id}`);
      expect(alert.severity).toBe('warning');
    });
  },
);
