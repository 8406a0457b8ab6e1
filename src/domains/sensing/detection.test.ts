// Detection end to end on the simulator's ground truth: ten days of hourly meter readings and device heartbeats
// for 60 homes go through MQTT, storage and the detectors; the alerts raised are scored against what was injected.
import { expect, it } from 'vitest';
import { scoreAlerts } from '../../lib/anomaly/precision.ts';
import type { Db } from '../../platform/db/index.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';
import { publisher, type SensingFixture, seedSensing } from './sensing.testing.ts';
import {
  groundTruth,
  historyMessages,
  planAnomalies,
  provisionSimDevices,
  publishAll,
  simDevices,
} from './simulator.ts';

/** 60 homes in grid A1: every third has one elderly resident living alone; the others 1–4 residents. */
async function seedHomes(db: Db, grid: { id: number; path: string }) {
  const street = grid.path.split('/')[2]!;
  const scoped = {
    street_code: street,
    grid_id: grid.id,
    scope_path: grid.path,
    source: 'test',
    source_updated_at: null,
  };
  const building = await db
    .insertInto('building')
    .values({
      ...scoped,
      name: '模拟小区1号楼',
      compound: '模拟小区',
      road: '湖滨路',
      road_no: '99号',
      building_no: '1',
      address: '湖滨路99号模拟小区1号楼',
      use_type: 'residential',
      floors: 20,
      units: 3,
      built_year: 2005,
      lng: 120.104,
      lat: 30.283,
      footprint: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let i = 0; i < 60; i++) {
    const alone = i % 3 === 0;
    const size = alone ? 1 : 1 + (i % 4);
    const house = await db
      .insertInto('house')
      .values({
        ...scoped,
        building_id: building.id,
        unit_no: '1',
        floor: 1 + (i % 20),
        room_no: `${i + 100}`,
        address: `湖滨路99号模拟小区1号楼1单元${i + 100}室`,
        area_m2: 80,
        use_type: 'residential',
        occupancy: 'owner',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const household = await db
      .insertInto('household')
      .values({
        ...scoped,
        house_id: house.id,
        household_no: `S${i}`,
        registration_type: 'household',
        head_person_id: null,
        member_count: size,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('person')
      .values({
        ...scoped,
        household_id: household.id,
        house_id: house.id,
        name: `模拟居民${i}`,
        sex: '1',
        birth_date: alone ? '1945-01-01' : '1985-01-01',
        id_number_cipher: null,
        id_number_hash: null,
        id_number_masked: null,
        phone_cipher: null,
        phone_hash: null,
        phone_masked: null,
        ethnicity: '01',
        registration_type: 'household',
        relation_to_head: '02',
        tags: alone ? ['elderly_alone'] : [],
      })
      .execute();
  }
}

interface Ctx extends TestAppContext {
  fx: SensingFixture;
}

describeEachBackend(
  "anomaly detection scored on the simulator's injected ground truth",
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend, { deviceRatePerSecond: 100_000, deviceBurst: 100_000 });
    const fx = await seedSensing(ctx);
    await seedHomes(ctx.database.db, fx.mini.grids.a1);
    return { ...ctx, fx };
  },
  (ctx) => {
    it('raises the injected anomalies with precision ≥ 0.9 and recall ≥ 0.9', async () => {
      const c = ctx();
      const total = await provisionSimDevices(c.database, 260);
      expect(total).toBe(260);
      await c.app.sensing.ingestor.loadDevices();
      await c.app.sensing.dispatch.reload();
      const url = await c.app.sensing.start({
        port: 0,
        clientId: `detect-${c.backend}-${process.pid}`,
        sweepMs: 3_600_000,
      });
      const devices = await simDevices(c.database);
      const plan = planAnomalies(devices, 7);
      const truth = groundTruth(plan);
      expect(new Set(truth.map((t) => t.rule))).toEqual(
        new Set([
          'elderly_alone_low_water',
          'group_rental_water',
          'meter_silent',
          'smoke_alarm',
          'gas_alarm',
          'fall_alarm',
        ]),
      );
      const endMs = Date.now();
      const pub = await publisher(url);
      const sent = await publishAll(
        pub,
        historyMessages(devices, plan, { endMs, days: 10, anomalyDays: 4, seed: 7 }),
      );
      await pub.endAsync();
      const started = Date.now();
      while (c.app.sensing.ingestor.stats.received < sent && Date.now() - started < 60_000) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await c.app.sensing.ingestor.flush();
      expect(c.app.sensing.ingestor.stats.stored).toBe(sent);
      await c.app.sensing.evaluator.sweepSilent(endMs + 60_000);
      const alerts = await c.database.db
        .selectFrom('sensing_alert as a')
        .innerJoin('sensor_device as d', 'd.id', 'a.device_id')
        .select(['d.device_uid as deviceUid', 'a.rule_code as rule'])
        .where('d.device_uid', 'like', 'SIM-%')
        .execute();
      const score = scoreAlerts(alerts, truth);
      console.log(
        `detection on ${devices.length} simulated devices, ${sent} messages: ${JSON.stringify(score)}`,
      );
      expect(score.precision).toBeGreaterThanOrEqual(0.9);
      expect(score.recall).toBeGreaterThanOrEqual(0.9);
    }, 180_000);
  },
);
