// The device simulator: streams a district's devices over MQTT with injected ground-truth anomalies (an elderly
// person living alone whose water use turns low or flat, a group rental, a dead meter, smoke, gas and fall alarms),
// so that detection can be scored. Message generation is deterministic from the seed; only publishing does I/O.
import { sql } from 'kysely';
import type { MqttClient } from 'mqtt';
import type { Labelled } from '../../lib/anomaly/precision.ts';
import { SeededRandom } from '../../lib/random/seeded.ts';
import type { Database } from '../../platform/db/index.ts';
import type { DeviceKind } from './device-kinds.ts';
import { deviceTopic } from './payload.ts';

export interface SimDevice {
  uid: string;
  kind: DeviceKind;
  district: string;
  elderlyAlone: boolean;
  registeredSize: number;
}

export type Anomaly = 'low_water' | 'flat_water' | 'group_rental' | 'dead_meter' | 'smoke' | 'gas' | 'fall';

/** The rule code each injected anomaly should raise. */
export const EXPECTED_RULE: Record<Anomaly, string> = {
  low_water: 'elderly_alone_low_water',
  flat_water: 'elderly_alone_low_water',
  group_rental: 'group_rental_water',
  dead_meter: 'meter_silent',
  smoke: 'smoke_alarm',
  gas: 'gas_alarm',
  fall: 'fall_alarm',
};

export interface SimMessage {
  topic: string;
  payload: string;
  tsMs: number;
}

/** Chooses which devices misbehave: shares of the eligible devices, at least one each where any is eligible. */
export function planAnomalies(devices: readonly SimDevice[], seed: number): Map<string, Anomaly> {
  const rnd = new SeededRandom(seed);
  const plan = new Map<string, Anomaly>();
  const pick = (pool: SimDevice[], share: number, anomaly: Anomaly) => {
    const free = pool.filter((d) => !plan.has(d.uid));
    const n = free.length === 0 ? 0 : Math.max(1, Math.round(free.length * share));
    for (let i = 0; i < n && free.length > 0; i++) {
      const d = free.splice(rnd.int(0, free.length - 1), 1)[0]!;
      plan.set(d.uid, anomaly);
    }
  };
  const meters = devices.filter((d) => d.kind === 'water_meter');
  const alone = meters.filter((d) => d.elderlyAlone);
  pick(alone, 0.15, 'low_water');
  pick(alone, 0.1, 'flat_water');
  pick(
    meters.filter((d) => !d.elderlyAlone && d.registeredSize <= 2 && d.registeredSize > 0),
    0.1,
    'group_rental',
  );
  pick(meters, 0.03, 'dead_meter');
  pick(
    devices.filter((d) => d.kind === 'smoke_detector'),
    0.05,
    'smoke',
  );
  pick(
    devices.filter((d) => d.kind === 'gas_detector'),
    0.05,
    'gas',
  );
  pick(
    devices.filter((d) => d.kind === 'emergency_button'),
    0.1,
    'fall',
  );
  return plan;
}

export function groundTruth(plan: ReadonlyMap<string, Anomaly>): Labelled[] {
  return [...plan].map(([deviceUid, a]) => ({ deviceUid, rule: EXPECTED_RULE[a] }));
}

/** Litres in one hour of a normal household: morning and evening peaks, a little more at weekends. */
export function normalLitres(hour: number, weekday: number, size: number, rnd: SeededRandom): number {
  const base =
    hour >= 7 && hour <= 8 ? 22 : hour >= 18 && hour <= 21 ? 11 : hour >= 23 || hour < 6 ? 0.3 : 2.2;
  const weekend = weekday >= 5 ? 1.15 : 1;
  return Math.max(0, base * weekend * Math.max(1, size) * (0.75 + 0.5 * rnd.next()));
}

const HOUR = 3_600_000;
const CST = 8 * HOUR;

/**
 * Hourly history of `days` days ending at `endMs`, in time order across devices: water meters report their hourly
 * usage, other devices a heartbeat every six hours; anomalies start `anomalyDays` before the end.
 */
export function* historyMessages(
  devices: readonly SimDevice[],
  plan: ReadonlyMap<string, Anomaly>,
  opts: { endMs: number; days: number; anomalyDays: number; seed: number },
): Generator<SimMessage> {
  const rnd = new SeededRandom(opts.seed + 1);
  const start = Math.floor((opts.endMs - opts.days * 86_400_000) / HOUR) * HOUR;
  const anomalyFrom = opts.endMs - opts.anomalyDays * 86_400_000;
  const deadFrom = opts.endMs - 2 * 86_400_000;
  let seq = 0;
  for (let ts = start; ts <= opts.endMs; ts += HOUR) {
    const local = new Date(ts + CST);
    const hour = local.getUTCHours();
    const weekday = (local.getUTCDay() + 6) % 7;
    for (const d of devices) {
      const anomaly = plan.get(d.uid);
      const active = ts >= anomalyFrom;
      const topic = deviceTopic(d.district, d.kind, d.uid);
      const msg = (values: Record<string, unknown>, at = ts) =>
        ({
          topic,
          payload: JSON.stringify({ msgId: `h${(seq++).toString(36)}`, ts: at, values }),
          tsMs: at,
        }) as SimMessage;
      if (d.kind === 'water_meter') {
        if (anomaly === 'dead_meter' && ts >= deadFrom) continue;
        let litres = normalLitres(hour, weekday, d.registeredSize, rnd);
        if (active && anomaly === 'low_water') litres *= 0.08;
        if (active && anomaly === 'flat_water') litres = 3.5 + rnd.next() * 0.2; // a dripping tap, nobody using water
        if (active && anomaly === 'group_rental') litres = normalLitres(hour, weekday, 8, rnd);
        yield msg({ usage: { v: Math.round(litres * 100) / 100, u: 'L' } });
      } else if (hour % 6 === 0) {
        yield msg(heartbeat(d.kind, false));
      }
      // Alarms happen in the last hour of the history, once.
      if (
        anomaly &&
        ['smoke', 'gas', 'fall'].includes(anomaly) &&
        ts + HOUR > opts.endMs &&
        ts <= opts.endMs
      ) {
        yield msg(heartbeat(d.kind, true), ts + 1000);
      }
    }
  }
}

/** A normal (or alarming) message of a non-meter device. */
export function heartbeat(kind: DeviceKind, alarm: boolean): Record<string, unknown> {
  switch (kind) {
    case 'smoke_detector':
      return { alarm: { vb: alarm }, battery: { v: 87, u: '%' } };
    case 'gas_detector':
      return { lel: { v: alarm ? 32 : 1, u: '%LEL' }, alarm: { vb: alarm } };
    case 'emergency_button':
      return { pressed: { vb: alarm }, fall: { vb: alarm } };
    case 'door_sensor':
      return { open: { vb: false } };
    case 'electricity_meter':
      return { energy: { v: 0.4, u: 'kWh' }, power: { v: 380, u: 'W' } };
    case 'environment':
      return { pm25: { v: 35, u: 'ug/m3' }, noise: { v: 52, u: 'dBA' } };
    case 'video_box':
      return { event: { vs: alarm ? 'fire_hazard' : 'none' }, confidence: { v: 0.9, u: '/' } };
    default:
      return { usage: { v: 1, u: 'L' } };
  }
}

/** Publishes messages with QoS 1, keeping at most `window` unacknowledged; resolves when all are acknowledged. */
export async function publishAll(
  client: MqttClient,
  messages: Iterable<SimMessage>,
  window = 2000,
): Promise<number> {
  let inFlight = 0;
  let sent = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  for (const m of messages) {
    while (inFlight >= window) await new Promise<void>((r) => (wake = r));
    if (failure) throw failure;
    inFlight++;
    sent++;
    client.publish(m.topic, m.payload, { qos: 1 }, (error) => {
      if (error) failure = error;
      inFlight--;
      const w = wake;
      wake = null;
      w?.();
    });
  }
  while (inFlight > 0) await new Promise<void>((r) => (wake = r));
  if (failure) throw failure;
  return sent;
}

/** The simulated devices of a database (devices whose uid starts with SIM-), with what the detectors know of them. */
export async function simDevices(database: Database): Promise<SimDevice[]> {
  const rows = await database.db
    .selectFrom('sensor_device as d')
    .select([
      'd.device_uid',
      'd.kind',
      'd.district_code',
      sql<number>`coalesce((select sum(h.member_count) from household h where h.house_id = d.house_id), 0)`.as(
        'size',
      ),
      sql<boolean>`exists (select 1 from person p where (p.house_id = d.house_id or p.id = d.person_id)
                    and 'elderly_alone' = any(p.tags))`.as('alone'),
    ])
    .where('d.device_uid', 'like', 'SIM-%')
    .orderBy('d.id')
    .execute();
  return rows.map((r) => ({
    uid: r.device_uid,
    kind: r.kind as DeviceKind,
    district: r.district_code,
    registeredSize: Number(r.size),
    elderlyAlone: Boolean(r.alone) && Number(r.size) <= 1,
  }));
}

const KIND_CYCLE: DeviceKind[] = [
  'water_meter',
  'smoke_detector',
  'water_meter',
  'gas_detector',
  'electricity_meter',
  'door_sensor',
];

/**
 * Registers simulated devices on the district's homes (idempotent; uids SIM-…): a water meter and a smoke detector
 * per house up to `maxDevices`, a fall button for every elderly person living alone, environment sensors and video
 * boxes at facilities, and responders (a micro fire station and a police post per community, a grid worker per grid,
 * a family contact per elderly person living alone). Returns how many devices exist afterwards.
 */
export async function provisionSimDevices(database: Database, maxDevices: number): Promise<number> {
  const db = database.db;
  const houses = await db
    .selectFrom('house as h')
    .innerJoin('building as b', 'b.id', 'h.building_id')
    .select(['h.id', 'h.scope_path', 'h.street_code', 'b.lng', 'b.lat'])
    .orderBy('h.id')
    .execute();
  const alone = await db
    .selectFrom('person as p')
    .innerJoin('house as h', 'h.id', 'p.house_id')
    .innerJoin('building as b', 'b.id', 'h.building_id')
    .select(['p.id', 'p.house_id', 'p.scope_path', 'p.street_code', 'b.lng', 'b.lat'])
    .where(sql<boolean>`'elderly_alone' = any(p.tags)`)
    .orderBy('p.id')
    .execute();
  const rows: Array<Record<string, unknown>> = [];
  const base = (
    uid: string,
    kind: DeviceKind,
    at: { scope_path: string; street_code: string; lng: number; lat: number },
  ) => ({
    device_uid: uid,
    kind,
    district_code: at.scope_path.split('/')[1]!,
    street_code: at.street_code,
    scope_path: at.scope_path,
    lng: at.lng,
    lat: at.lat,
    label: '模拟设备',
  });
  // Every elderly person living alone gets a meter and a fall button first: they are what detection is for.
  for (const p of alone) {
    if (rows.length >= maxDevices) break;
    rows.push({ ...base(`SIM-WM-H${p.house_id}`, 'water_meter', p), house_id: p.house_id });
    if (rows.length < maxDevices)
      rows.push({ ...base(`SIM-FB-P${p.id}`, 'emergency_button', p), person_id: p.id, house_id: p.house_id });
  }
  const have = new Set(rows.map((r) => r['device_uid']));
  for (
    let i = 0;
    rows.length < maxDevices && houses.length > 0 && i < houses.length * KIND_CYCLE.length;
    i++
  ) {
    const h = houses[i % houses.length]!;
    const kind = KIND_CYCLE[Math.floor(i / houses.length) % KIND_CYCLE.length]!;
    const uid = `SIM-${kind === 'water_meter' ? 'WM' : kind.slice(0, 2).toUpperCase()}-H${h.id}${Math.floor(i / houses.length) > 1 && kind === 'water_meter' ? 'b' : ''}`;
    if (have.has(uid)) continue;
    have.add(uid);
    rows.push({ ...base(uid, kind, h), house_id: h.id });
  }
  const facilities = await db
    .selectFrom('facility')
    .select(['id', 'scope_path', 'street_code', 'lng', 'lat'])
    .orderBy('id')
    .limit(200)
    .execute();
  for (const [i, f] of facilities.entries()) {
    if (rows.length >= maxDevices) break;
    rows.push({
      ...base(`SIM-${i % 2 ? 'VB' : 'EN'}-F${f.id}`, i % 2 ? 'video_box' : 'environment', f),
      facility_id: f.id,
    });
  }
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('sensor_device')
      .values(rows.slice(i, i + 1000) as never)
      .onConflict((oc) => oc.column('device_uid').doNothing())
      .execute();
  }
  const responders = await db.selectFrom('responder').select('id').limit(1).execute();
  if (responders.length === 0) {
    await sql`insert into responder (kind, name, phone_masked, street_code, scope_path, lng, lat)
      select k.kind, d.name || k.label, '139****' || lpad((d.code::bigint % 10000)::text, 4, '0'),
             substr(d.code, 1, 9), d.path, c.lng + k.dx, c.lat + k.dy
      from admin_division d
      cross join (values ('micro_fire_station', '微型消防站', 0.002, 0.001), ('community_police', '警务室', -0.002, 0.002)) as k(kind, label, dx, dy)
      join lateral (select avg(g.center_lng) as lng, avg(g.center_lat) as lat from grid g where g.community_code = d.code) c on c.lng is not null
      where d.level = 5`.execute(db);
    await sql`insert into responder (kind, name, street_code, scope_path, lng, lat)
      select 'grid_worker', g.name || '网格员', g.street_code, g.path, g.center_lng, g.center_lat from grid g`.execute(
      db,
    );
    await sql`insert into responder (kind, name, phone_masked, street_code, scope_path, for_person_id, lng, lat)
      select 'family_contact', '家属联系人', '138****0000', p.street_code, p.scope_path, p.id, b.lng + 0.01, b.lat + 0.01
      from person p join house h on h.id = p.house_id join building b on b.id = h.building_id
      where 'elderly_alone' = any(p.tags)`.execute(db);
  }
  const n = await db
    .selectFrom('sensor_device')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('device_uid', 'like', 'SIM-%')
    .executeTakeFirstOrThrow();
  return n.n;
}

export interface LiveSimulation {
  /** Messages published so far. */
  published(): number;
  stop(): Promise<void>;
}

/**
 * Streams devices live: `ratePerSecond` messages a second spread round-robin over the devices (a water meter reports
 * its usage since its previous message), with one injected alarm or anomaly message every `alarmEverySeconds`.
 */
export function startLiveSimulation(
  client: MqttClient,
  devices: readonly SimDevice[],
  opts: { ratePerSecond: number; seed: number; alarmEverySeconds?: number },
): LiveSimulation {
  const rnd = new SeededRandom(opts.seed);
  const plan = planAnomalies(devices, opts.seed);
  const alarming = devices.filter((d) => ['smoke', 'gas', 'fall'].includes(plan.get(d.uid) ?? ''));
  const lastAt = new Map<string, number>();
  let cursor = 0;
  let count = 0;
  let seq = 0;
  let ticks = 0;
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((opts.ratePerSecond * tickMs) / 1000));
  const timer = setInterval(() => {
    ticks++;
    const now = Date.now();
    const local = new Date(now + CST);
    for (let i = 0; i < perTick && devices.length > 0; i++) {
      const d = devices[cursor++ % devices.length]!;
      const anomaly = plan.get(d.uid);
      if (anomaly === 'dead_meter') continue;
      let values: Record<string, unknown>;
      if (d.kind === 'water_meter') {
        const hours = Math.min(1, (now - (lastAt.get(d.uid) ?? now - 60_000)) / HOUR);
        let litres =
          normalLitres(local.getUTCHours(), (local.getUTCDay() + 6) % 7, d.registeredSize, rnd) * hours;
        if (anomaly === 'low_water') litres *= 0.08;
        if (anomaly === 'group_rental') litres *= 8 / Math.max(1, d.registeredSize);
        values = { usage: { v: Math.round(litres * 1000) / 1000, u: 'L' } };
      } else values = heartbeat(d.kind, false);
      lastAt.set(d.uid, now);
      client.publish(
        deviceTopic(d.district, d.kind, d.uid),
        JSON.stringify({ msgId: `l${(seq++).toString(36)}`, ts: now, values }),
        { qos: 1 },
      );
      count++;
    }
    const every = Math.round(((opts.alarmEverySeconds ?? 120) * 1000) / tickMs);
    if (alarming.length > 0 && ticks % every === 0) {
      const d = alarming[rnd.int(0, alarming.length - 1)]!;
      client.publish(
        deviceTopic(d.district, d.kind, d.uid),
        JSON.stringify({ msgId: `a${(seq++).toString(36)}`, ts: now, values: heartbeat(d.kind, true) }),
        { qos: 1 },
      );
      count++;
    }
  }, tickMs);
  timer.unref();
  return {
    published: () => count,
    async stop() {
      clearInterval(timer);
      await client.endAsync();
    },
  };
}
