// The clock's part in detection, with a controlled clock: a water meter's day is closed and judged once it is over
// in China time even when no later reading comes, exactly once whichever path closes it first (also after a
// restart that replays the stored readings), a device that stops reporting is reported by the clock alone, and
// closed days older than the daily rules look back on are deleted by the clock, once a day.
import { expect, it } from 'vitest';
import { cstDay, cstDayEndMs, daySummary } from '../../lib/anomaly/usage-days.ts';
import { authed } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';
import { DAY_CLOSE_GRACE_MS, RETAINED_DAYS } from './evaluator.ts';
import { message, registerDevice, type SensingFixture, seedSensing, topicOf } from './sensing.testing.ts';
import { createSensingHub, type SensingHub } from './sensing-hub.ts';
import { insertClosedDay } from './usage-days.repository.ts';

const HOUR = 3_600_000;

interface Ctx extends TestAppContext {
  fx: SensingFixture;
  lonely: { id: number };
  family: { id: number };
  door: { id: number };
}

/** Stores one message through the ingestion pipeline (what the broker hands over) and evaluates it. */
async function send(hub: SensingHub, uid: string, msgId: string, litres: number, ts: number) {
  expect(
    hub.ingestor.accept(topicOf('water_meter', uid), message(msgId, { usage: { v: litres, u: 'L' } }, ts)),
  ).toBe(null);
  await hub.ingestor.flush();
}

async function alertsOf(c: Ctx, deviceId: number, ruleCode: string) {
  return c.database.db
    .selectFrom('sensing_alert')
    .select(['id', 'status', 'details'])
    .where('device_id', '=', deviceId)
    .where('rule_code', '=', ruleCode)
    .orderBy('id')
    .execute();
}

async function closedDays(c: Ctx, deviceId: number) {
  return c.database.db
    .selectFrom('sensing_usage_day')
    .select(['day', 'readings', 'closed_by', 'total'])
    .where('device_id', '=', deviceId)
    .orderBy('day')
    .execute();
}

async function closeAlert(c: Ctx, id: number) {
  const res = await c.app.inject({
    method: 'POST',
    url: `/api/alerts/${id}/feedback`,
    headers: authed(await c.fx.token('cw_a')),
    payload: { feedback: 'real' },
  });
  expect(res.statusCode).toBe(200);
}

// Today in China time, and the two days before it: the elderly resident's meter draws 1 L an hour (a normal day is
// about 100 L), today only up to the current hour since later readings would lie in the future.
const today = cstDay(Date.now());
const dayStart = (day: number) => cstDayEndMs(day - 1);
const todayHours = () => Math.min(24, Math.floor((Date.now() - dayStart(today)) / HOUR) + 1);
/** The controlled clock: when the clock may close today (the grace after midnight), and a little before it. */
const closeAt = cstDayEndMs(today) + DAY_CLOSE_GRACE_MS;

describeEachBackend(
  'daily rules closed by the clock',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend, { deviceRatePerSecond: 100_000, deviceBurst: 100_000 });
    const fx = await seedSensing(ctx);
    const cw = await fx.token('cw_a');
    const lonely = await registerDevice(ctx.app, cw, {
      deviceUid: 'WM-A1-LONE',
      kind: 'water_meter',
      houseId: fx.houseA1,
    });
    const family = await registerDevice(ctx.app, await fx.token('admin'), {
      deviceUid: 'WM-C1-FAM',
      kind: 'water_meter',
      houseId: fx.houseC1,
    });
    const door = await registerDevice(ctx.app, cw, {
      deviceUid: 'DS-A1-QUIET',
      kind: 'door_sensor',
      houseId: fx.houseA1,
    });
    return { ...ctx, fx, lonely, family, door };
  },
  (ctx) => {
    it('three low days of an elderly resident living alone alert when the clock closes the third, once', async () => {
      const c = ctx();
      const hub = c.app.sensing;
      for (let day = today - 2; day <= today; day++) {
        const hours = day === today ? todayHours() : 24;
        for (let h = 0; h < hours; h++)
          await send(hub, 'WM-A1-LONE', `lone-${day}-${h}`, 1, dayStart(day) + h * HOUR);
      }
      // Today's first reading closed the day before: two low days, not yet three.
      expect((await closedDays(c, c.lonely.id)).map((d) => [d.day, d.closed_by, d.readings])).toEqual([
        [today - 2, 'reading', 24],
        [today - 1, 'reading', 24],
      ]);
      expect(await alertsOf(c, c.lonely.id, 'elderly_alone_low_water')).toHaveLength(0);

      // The meter sends nothing more. Just after midnight a reading of the day's last hour may still be on its way.
      expect((await hub.evaluator.sweepClock(closeAt - 60_000)).daysClosed).toBe(0);
      const sweep = await hub.evaluator.sweepClock(closeAt);
      expect(sweep).toMatchObject({ daysClosed: 1, dayAlerts: 1 });
      const [alert] = await alertsOf(c, c.lonely.id, 'elderly_alone_low_water');
      expect(alert?.details).toMatchObject({ streakDays: 3 });
      expect((await closedDays(c, c.lonely.id)).at(-1)).toMatchObject({
        day: today,
        closed_by: 'clock',
        readings: todayHours(),
      });

      // Closed, the alert could be raised again: nothing judges the day a second time. Not the next sweep, not a
      // late reading of the day, and not a restarted server replaying what is stored.
      await closeAlert(c, alert!.id);
      expect((await hub.evaluator.sweepClock(closeAt + HOUR)).daysClosed).toBe(0);
      await send(hub, 'WM-A1-LONE', 'lone-late', 1, Date.now() - 60_000);
      const restarted = createSensingHub(c.database, c.config, c.app.log);
      await restarted.load();
      expect((await restarted.evaluator.sweepClock(closeAt + 2 * HOUR)).daysClosed).toBe(0);
      expect(await alertsOf(c, c.lonely.id, 'elderly_alone_low_water')).toHaveLength(1);
      expect(await closedDays(c, c.lonely.id)).toHaveLength(3);
    });

    it('a day closed by the clock after a restart counts the readings stored before it', async () => {
      const c = ctx();
      const hours = todayHours();
      for (let h = 0; h < hours; h++)
        await send(c.app.sensing, 'WM-C1-FAM', `fam-${h}`, 20, dayStart(today) + h * HOUR);
      // The server restarts mid-day: its memory of the open day is gone, the stored readings are not.
      const restarted = createSensingHub(c.database, c.config, c.app.log);
      await restarted.load();
      expect((await restarted.evaluator.sweepClock(closeAt)).daysClosed).toBe(1);
      expect(await closedDays(c, c.family.id)).toEqual([
        { day: today, readings: hours, closed_by: 'clock', total: 20 * hours },
      ]);
      // The server that did not restart comes to the same day: already judged, not judged again.
      expect((await c.app.sensing.evaluator.sweepClock(closeAt)).daysClosed).toBe(0);
      expect(await closedDays(c, c.family.id)).toHaveLength(1);
    });

    it('a device that stops reporting is reported by the clock, once per silence', async () => {
      const c = ctx();
      const hub = c.app.sensing;
      const lastTs = Date.now() - 60_000;
      expect(
        hub.ingestor.accept(
          topicOf('door_sensor', 'DS-A1-QUIET'),
          message('door-1', { open: { vb: false } }, lastTs),
        ),
      ).toBe(null);
      await hub.ingestor.flush();
      // A door sensor may be quiet for a day (1,440 minutes) before it counts as silent.
      await hub.evaluator.sweepClock(lastTs + 1439 * 60_000);
      expect(await alertsOf(c, c.door.id, 'meter_silent')).toHaveLength(0);
      await hub.evaluator.sweepClock(lastTs + 1441 * 60_000);
      const [alert] = await alertsOf(c, c.door.id, 'meter_silent');
      expect(alert?.details).toMatchObject({ silentMinutes: 1441 });
      // Closing the alert does not bring the same silence back on the next sweep.
      await closeAlert(c, alert!.id);
      await hub.evaluator.sweepClock(lastTs + 1500 * 60_000);
      expect(await alertsOf(c, c.door.id, 'meter_silent')).toHaveLength(1);
      // A new message ends the silence; when the device falls silent again, the clock reports it again.
      const nextTs = Date.now() - 30_000;
      expect(
        hub.ingestor.accept(
          topicOf('door_sensor', 'DS-A1-QUIET'),
          message('door-2', { open: { vb: true } }, nextTs),
        ),
      ).toBe(null);
      await hub.ingestor.flush();
      await hub.evaluator.sweepClock(nextTs + 1441 * 60_000);
      expect(await alertsOf(c, c.door.id, 'meter_silent')).toHaveLength(2);
    });

    it('closed days older than the daily rules look back on are deleted by the clock, once a day', async () => {
      const c = ctx();
      const store = (day: number) =>
        insertClosedDay(
          c.database.db,
          c.family.id,
          daySummary(day, Array(24).fill(5), 24),
          'clock',
          dayStart(day + 1),
        );
      // The first day kept today: the last RETAINED_DAYS (the 14 a start restores, and two more).
      const keptFrom = today - RETAINED_DAYS;
      expect(RETAINED_DAYS).toBeGreaterThanOrEqual(14);
      for (const day of [today - 400, keptFrom - 2, keptFrom - 1, keptFrom, keptFrom + 1])
        expect(await store(day)).toBe(true);
      const before = (await closedDays(c, c.family.id)).map((d) => d.day);

      // A server started now sweeps: what fell out of the window goes, the rest and the other meter's days stay.
      const hub = createSensingHub(c.database, c.config, c.app.log);
      await hub.load();
      const lonelyDays = await closedDays(c, c.lonely.id);
      expect((await hub.evaluator.sweepClock(Date.now())).daysPruned).toBe(3);
      expect((await closedDays(c, c.family.id)).map((d) => d.day)).toEqual(
        before.filter((d) => d >= keptFrom),
      );
      expect(await closedDays(c, c.lonely.id)).toEqual(lonelyDays);

      // Once a day: a later sweep of the same day deletes nothing, even a row that came meanwhile.
      expect(await store(today - 100)).toBe(true);
      expect((await hub.evaluator.sweepClock(Date.now() + 60_000)).daysPruned).toBe(0);
      // The next day's first sweep moves the window by a day.
      const next = await hub.evaluator.sweepClock(closeAt);
      expect(next.daysPruned).toBe(2);
      expect((await closedDays(c, c.family.id)).map((d) => d.day)).toEqual(
        before.filter((d) => d > keptFrom),
      );
      // What the window keeps is what a start needs: no day is closed and judged a second time.
      expect(next.daysClosed).toBe(0);
      const restarted = createSensingHub(c.database, c.config, c.app.log);
      await restarted.load();
      expect((await restarted.evaluator.sweepClock(closeAt + HOUR)).daysClosed).toBe(0);
    });
  },
);
