// SQL of the daily rules' state: the days of water use closed and judged (sensing_usage_day), and the readings a
// restart replays to rebuild each meter's open day. Functions take the database (or a transaction) first.
import { sql } from 'kysely';
import { cstDayEndMs, type DaySummary } from '../../lib/anomaly/usage-days.ts';
import type { Db } from '../../platform/db/index.ts';

/**
 * Stores a closed day; true when this call stored it, false when the day was closed before (by the other path,
 * or before a restart), in which case it must not be judged again.
 */
export async function insertClosedDay(
  db: Db,
  deviceId: number,
  day: DaySummary,
  closedBy: 'reading' | 'clock',
  closedAtMs: number,
): Promise<boolean> {
  return (await insertClosedDays(db, [{ deviceId, day, closedAtMs }], closedBy)).size > 0;
}

/**
 * Deletes closed days before `beforeDay`, at most `limit` rows a statement (PGlite runs a statement on the caller's
 * thread, where an alarm must not wait for a year of backlog); returns how many it deleted.
 */
export async function deleteClosedDaysBefore(db: Db, beforeDay: number, limit: number): Promise<number> {
  const r = await sql`
    delete from sensing_usage_day
    where (device_id, day) in (
      select device_id, day from sensing_usage_day where day < ${beforeDay} limit ${limit}
    )`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Stores closed days in one statement (a start's replay closes up to 14 days a meter); returns the keys
 * (`deviceId:day`) this call stored. A day found there already was closed before and must not be judged again.
 */
export async function insertClosedDays(
  db: Db,
  days: ReadonlyArray<{ deviceId: number; day: DaySummary; closedAtMs: number }>,
  closedBy: 'reading' | 'clock',
): Promise<Set<string>> {
  if (days.length === 0) return new Set();
  const rows = await db
    .insertInto('sensing_usage_day')
    .values(
      days.map(({ deviceId, day, closedAtMs }) => ({
        device_id: deviceId,
        day: day.day,
        total: day.total,
        hourly: JSON.stringify(Array.from(day.hourly)),
        readings: day.readings,
        closed_by: closedBy,
        closed_at: new Date(closedAtMs),
      })),
    )
    .onConflict((oc) => oc.columns(['device_id', 'day']).doNothing())
    .returning(['device_id', 'day'])
    .execute();
  return new Set(rows.map((r) => `${r.device_id}:${r.day}`));
}

export interface StoredDay {
  deviceId: number;
  day: number;
  hourly: number[];
  readings: number;
}

/** Days closed from `sinceDay` on, oldest first per device. */
export async function loadClosedDays(db: Db, sinceDay: number): Promise<StoredDay[]> {
  const rows = await db
    .selectFrom('sensing_usage_day')
    .select(['device_id', 'day', 'hourly', 'readings'])
    .where('day', '>=', sinceDay)
    .orderBy('device_id')
    .orderBy('day')
    .execute();
  return rows.map((r) => ({
    deviceId: r.device_id,
    day: r.day,
    hourly: (typeof r.hourly === 'string' ? JSON.parse(r.hourly) : r.hourly) as number[],
    readings: r.readings,
  }));
}

/**
 * Usage readings of active water meters stored after each meter's last closed day (and not before `sinceDay`),
 * in time order per meter: what rebuilds the open day after a restart.
 */
export async function loadOpenUsage(
  db: Db,
  sinceDay: number,
): Promise<Array<{ deviceId: number; tsMs: number; usage: number }>> {
  const since = new Date(cstDayEndMs(sinceDay - 1));
  const result = await sql<{ device_id: number; ts: Date | string; usage: number }>`
    select r.device_id, r.ts, (r.vals->>'usage')::float8 as usage
    from sensor_reading r
    join sensor_device d on d.id = r.device_id
    left join (select device_id, max(day) as day from sensing_usage_day group by device_id) c
      on c.device_id = r.device_id
    where d.kind = 'water_meter' and d.active and r.vals ? 'usage' and r.ts >= ${since}
      and (c.day is null or r.ts >= to_timestamp((c.day + 1) * 86400 - 8 * 3600))
    order by r.device_id, r.ts`.execute(db);
  return result.rows.map((r) => ({
    deviceId: r.device_id,
    tsMs: new Date(r.ts).getTime(),
    usage: Number(r.usage),
  }));
}
