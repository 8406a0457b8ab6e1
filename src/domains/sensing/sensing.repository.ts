// SQL of the sensing domain: devices with the household context the detectors need, readings, health counters,
// baselines and rules. Functions take the database (or a transaction) first.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';

export interface DeviceContext {
  id: number;
  uid: string;
  kind: string;
  streetCode: string;
  scopePath: string;
  lng: number;
  lat: number;
  personId: number | null;
  houseId: number | null;
  /** Registered residents of the device's house (sum over its households). */
  registeredSize: number;
  /** Residents living in the device's house (their family contacts join an emergency line-up). */
  residentIds: number[];
  /** The house's one registered resident is tagged as an elderly person living alone. */
  elderlyAlone: boolean;
  lastSeenMs: number | null;
}

export async function loadDeviceContexts(db: Db, uids?: readonly string[]): Promise<DeviceContext[]> {
  let q = db
    .selectFrom('sensor_device as d')
    .select([
      'd.id',
      'd.device_uid',
      'd.kind',
      'd.street_code',
      'd.scope_path',
      'd.lng',
      'd.lat',
      'd.person_id',
      'd.house_id',
      'd.last_seen_at',
      sql<number>`coalesce((select sum(h.member_count) from household h where h.house_id = d.house_id), 0)`.as(
        'registered_size',
      ),
      sql<boolean>`exists (select 1 from person p where (p.house_id = d.house_id or p.id = d.person_id)
                    and 'elderly_alone' = any(p.tags))`.as('elderly_tag'),
      sql<number[]>`array(select p.id from person p where p.house_id = d.house_id order by p.id)`.as(
        'resident_ids',
      ),
    ])
    .where('d.active', '=', true);
  if (uids) q = q.where('d.device_uid', 'in', uids.length ? uids : ['']);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    uid: r.device_uid,
    kind: r.kind,
    streetCode: r.street_code,
    scopePath: r.scope_path,
    lng: r.lng,
    lat: r.lat,
    personId: r.person_id,
    houseId: r.house_id,
    registeredSize: Number(r.registered_size),
    residentIds: (r.resident_ids ?? []).map(Number),
    elderlyAlone: Boolean(r.elderly_tag) && Number(r.registered_size) <= 1,
    lastSeenMs: r.last_seen_at ? new Date(r.last_seen_at).getTime() : null,
  }));
}

export interface ReadingRow {
  deviceId: number;
  tsMs: number;
  msgId: string;
  streetCode: string;
  values: Record<string, number | boolean | string>;
}

/**
 * Writes a batch of readings in one statement and returns the positions (in `rows`) of those not inserted: a key
 * already stored (a redelivery, also after a restart) is skipped. The batch travels as one JSON parameter, and only
 * the skipped rows come back (normally none): encoding five arrays and reading back every inserted key cost the
 * main thread more than the insert itself (PGlite runs the statement on it; PostgreSQL's client encodes there).
 */
export async function insertReadings(db: Db, rows: readonly ReadingRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const batch = JSON.stringify(
    rows.map((r) => ({
      d: r.deviceId,
      t: new Date(r.tsMs).toISOString(),
      m: r.msgId,
      s: r.streetCode,
      v: r.values,
    })),
  );
  const result = await sql<{ pos: number }>`
    with batch as (
      select * from rows from (jsonb_to_recordset(${batch}::jsonb) as (d int, t timestamptz, m text, s text, v jsonb))
        with ordinality as b(device_id, ts, msg_id, street_code, vals, pos)
    ), inserted as (
      insert into sensor_reading (device_id, ts, msg_id, street_code, vals)
      select device_id, ts, msg_id, street_code, vals from batch
      on conflict do nothing
      returning device_id, ts, msg_id
    )
    -- Only when some row was skipped (a one-time filter otherwise): those not inserted, and the repeats of a key
    -- within the batch after its first row (the one inserted).
    select (pos - 1)::int as pos from batch b
    where (select count(*) from inserted) < ${rows.length}
      and (not exists (select 1 from inserted i
                       where i.device_id = b.device_id and i.ts = b.ts and i.msg_id = b.msg_id)
           or exists (select 1 from batch e
                      where e.device_id = b.device_id and e.ts = b.ts and e.msg_id = b.msg_id and e.pos < b.pos))
    order by pos`.execute(db);
  return result.rows.map((r) => Number(r.pos));
}

export const HEALTH_COUNTERS = [
  'accepted',
  'duplicate',
  'malformed',
  'unknown_device',
  'bad_unit',
  'clock_skew',
  'replayed',
  'rate_limited',
] as const;
export type HealthCounter = (typeof HEALTH_COUNTERS)[number];
export type HealthCounts = Record<HealthCounter, number> & {
  lastProblem: string | null;
  lastProblemAt: number | null;
};

export async function addHealthCounts(db: Db, byUid: Map<string, HealthCounts>): Promise<void> {
  if (byUid.size === 0) return;
  const rows = [...byUid.entries()].map(([uid, c]) => ({
    device_uid: uid,
    ...Object.fromEntries(HEALTH_COUNTERS.map((k) => [k, c[k]])),
    last_problem: c.lastProblem,
    last_problem_at: c.lastProblemAt ? new Date(c.lastProblemAt) : null,
  }));
  await db
    .insertInto('sensor_device_health')
    .values(rows)
    .onConflict((oc) =>
      oc.column('device_uid').doUpdateSet((eb) => ({
        ...Object.fromEntries(
          HEALTH_COUNTERS.map((k) => [
            k,
            sql`${sql.ref(`sensor_device_health.${k}`)} + ${eb.ref(`excluded.${k}`)}`,
          ]),
        ),
        last_problem: sql`coalesce(excluded.last_problem, sensor_device_health.last_problem)`,
        last_problem_at: sql`coalesce(excluded.last_problem_at, sensor_device_health.last_problem_at)`,
        updated_at: sql`now()`,
      })),
    )
    .execute();
}

export async function updateLastSeen(db: Db, lastSeen: Map<number, number>): Promise<void> {
  if (lastSeen.size === 0) return;
  const ids = [...lastSeen.keys()];
  const ts = [...lastSeen.values()].map((ms) => new Date(ms).toISOString());
  await sql`update sensor_device d set last_seen_at = greatest(d.last_seen_at, u.ts)
            from unnest(${ids}::int[], ${ts}::timestamptz[]) as u(id, ts) where d.id = u.id`.execute(db);
}

/** Creates month partitions of sensor_reading from `fromMs` to `monthsAhead` months after now. */
export async function ensureReadingPartitions(db: Db, fromMs: number, monthsAhead = 3): Promise<void> {
  const start = new Date(fromMs);
  let y = start.getUTCFullYear();
  let m = start.getUTCMonth();
  const end = new Date();
  end.setUTCMonth(end.getUTCMonth() + monthsAhead);
  while (y < end.getUTCFullYear() || (y === end.getUTCFullYear() && m <= end.getUTCMonth())) {
    const from = `${y}-${String(m + 1).padStart(2, '0')}-01`;
    const ny = m === 11 ? y + 1 : y;
    const nm = m === 11 ? 0 : m + 1;
    const to = `${ny}-${String(nm + 1).padStart(2, '0')}-01`;
    const name = `sensor_reading_${y}${String(m + 1).padStart(2, '0')}`;
    await sql
      .raw(
        `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF sensor_reading FOR VALUES FROM ('${from}') TO ('${to}')`,
      )
      .execute(db);
    y = ny;
    m = nm;
  }
}

/** Days back a battery report still counts: an older one says more about the device being silent than charged. */
const BATTERY_DAYS = 30;

/** The latest reported battery charge of each device (one statement for a page of devices). */
export async function latestBattery(db: Db, deviceIds: readonly number[]): Promise<Map<number, number>> {
  if (deviceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('sensor_reading')
    .distinctOn('device_id')
    .select(['device_id', sql<string>`vals->>'battery'`.as('battery')])
    .where('device_id', 'in', deviceIds)
    .where('ts', '>=', new Date(Date.now() - BATTERY_DAYS * 86_400_000))
    .where(sql<boolean>`vals ? 'battery'`)
    .orderBy('device_id')
    .orderBy('ts', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.device_id, Number(r.battery)]));
}
