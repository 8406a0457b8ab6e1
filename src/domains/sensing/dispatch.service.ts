// Emergency dispatch: the nearest available responders (micro fire stations, community police, grid workers, the
// resident's registered family contacts) ranked by travel distance, notified one at a time; whoever does not
// acknowledge within the configured time is passed over for the next. The timers are rows (ack_due_at), so a
// restart resumes escalation where it stopped.
//
// Travel distance = great-circle distance × road factor (default 1.4, ROAD_FACTOR): city streets are rarely
// straight, and 1.3–1.5 is the usual detour ratio for urban grids. Good enough to rank responders who are all
// within a few kilometres; a road network router can replace `travelMetres` later.
import KDBush from 'kdbush';
import { type Insertable, sql } from 'kysely';
import type { Database } from '../../platform/db/index.ts';
import type { ResponderKind, SensingAlertTable } from '../../platform/db/schema.ts';
import type { AlertFeed } from './alert-feed.ts';

export interface Notifier {
  /** Sends the notification (SMS, app push, phone call). The default records it on the feed only. */
  notify(responderId: number, alertId: number): Promise<void>;
}

interface ResponderPoint {
  id: number;
  kind: ResponderKind;
  forPersonId: number | null;
  lng: number;
  lat: number;
}

export interface AlertLocation {
  streetCode: string;
  scopePath: string;
  lng: number;
  lat: number;
  personId: number | null;
  houseResidentIds: readonly number[];
  msgId: string | null;
}

/** The alert row an emergency is raised with. */
export type NewAlert = Pick<
  Insertable<SensingAlertTable>,
  | 'device_id'
  | 'rule_code'
  | 'severity'
  | 'street_code'
  | 'scope_path'
  | 'lng'
  | 'lat'
  | 'observed_at'
  | 'details'
>;

/** An alarm's own message, stored by the statement that raises its alert. */
export interface UrgentReading {
  deviceId: number;
  tsMs: number;
  msgId: string;
  streetCode: string;
  values: Record<string, number | boolean | string>;
}

export interface FirstResponder {
  responderId: number;
  travelM: number;
  ackDueAt: Date;
}

export interface RaiseResult {
  stored: boolean;
  raised: { id: number; raisedAt: Date; first: FirstResponder | null } | null;
}

const M_PER_DEG_LAT = 110_540;
const EARTH_R = 6_371_000;
/** Responders beyond this straight-line radius are considered only when nobody is nearer. */
const SEARCH_RADIUS_M = 5_000;
/** How many responders are lined up per alert. */
const LINE_UP = 5;

export function haversineMetres(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_R * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function createDispatchService(
  database: Database,
  feed: AlertFeed,
  options: { ackSeconds: number; roadFactor: number; notifier?: Notifier },
) {
  let points: ResponderPoint[] = [];
  let index: KDBush | null = null;
  // A local equirectangular projection around the district is exact enough at city scale.
  let lngScale = 111_320;

  async function reload(): Promise<void> {
    const rows = await database.db
      .selectFrom('responder')
      .select(['id', 'kind', 'for_person_id', 'lng', 'lat'])
      .where('available', '=', true)
      .execute();
    points = rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      forPersonId: r.for_person_id,
      lng: r.lng,
      lat: r.lat,
    }));
    const general = points.filter((p) => p.kind !== 'family_contact');
    if (general.length === 0) {
      index = null;
      return;
    }
    const meanLat = general.reduce((s, p) => s + p.lat, 0) / general.length;
    lngScale = 111_320 * Math.cos((meanLat * Math.PI) / 180);
    index = new KDBush(points.length);
    for (const p of points) index.add(p.lng * lngScale, p.lat * M_PER_DEG_LAT);
    index.finish();
  }

  function travelMetres(p: ResponderPoint, at: AlertLocation): number {
    return haversineMetres(p.lng, p.lat, at.lng, at.lat) * options.roadFactor;
  }

  /** Responders to line up for an alert, nearest by travel first; family contacts only of the residents concerned. */
  function rank(at: AlertLocation): Array<{ point: ResponderPoint; travelM: number }> {
    const residents = new Set([...(at.personId ? [at.personId] : []), ...at.houseResidentIds]);
    const eligible = (p: ResponderPoint) =>
      p.kind !== 'family_contact' || (p.forPersonId !== null && residents.has(p.forPersonId));
    let candidates: ResponderPoint[] = [];
    if (index) {
      const x = at.lng * lngScale;
      const y = at.lat * M_PER_DEG_LAT;
      candidates = index.within(x, y, SEARCH_RADIUS_M).map((i) => points[i]!);
    }
    // Family contacts may live far away and still count; and with nobody near, everyone is a candidate.
    const family = points.filter((p) => p.kind === 'family_contact' && eligible(p));
    const nonFamilyNear = candidates.filter((p) => p.kind !== 'family_contact');
    const pool = nonFamilyNear.length > 0 ? [...nonFamilyNear, ...family] : points.filter(eligible);
    return [...new Set(pool)]
      .map((point) => ({ point, travelM: travelMetres(point, at) }))
      .sort((a, b) => a.travelM - b.travelM || a.point.id - b.point.id)
      .slice(0, LINE_UP);
  }

  async function notifyRank(
    alertId: number,
    rankNo: number,
    at: { scopePath: string; msgId: string | null },
    reason: 'first' | 'escalation',
  ) {
    const due = new Date(Date.now() + options.ackSeconds * 1000);
    const row = await database.db
      .updateTable('alert_dispatch')
      .set({ status: 'notified', notified_at: new Date(), ack_due_at: due })
      .where('alert_id', '=', alertId)
      .where('rank', '=', rankNo)
      .where('status', '=', 'pending')
      .returning(['responder_id', 'travel_m'])
      .executeTakeFirst();
    if (!row) return false;
    const responder = points.find((p) => p.id === row.responder_id);
    await options.notifier?.notify(row.responder_id, alertId);
    feed.publish({
      type: 'dispatch',
      alertId,
      scopePath: at.scopePath,
      responderId: row.responder_id,
      responderKind: responder?.kind ?? 'unknown',
      rank: rankNo,
      travelM: Math.round(row.travel_m),
      ackDueAt: due.toISOString(),
      msgId: at.msgId,
      reason,
    });
    return true;
  }

  interface Raising {
    alert: NewAlert;
    at: AlertLocation;
    reading: UrgentReading | undefined;
    resolve: (r: RaiseResult) => void;
    reject: (e: unknown) => void;
  }
  let raising: Raising[] = [];
  let raisingScheduled = false;
  let raisingRunning = false;

  /** One statement at a time; whatever queued up meanwhile goes in the next, all together. */
  async function runRaises(): Promise<void> {
    raisingScheduled = false;
    if (raisingRunning) return;
    raisingRunning = true;
    try {
      while (raising.length > 0) {
        const group = raising;
        raising = [];
        try {
          const results = await raiseGroup(group);
          for (const [i, g] of group.entries()) g.resolve(results[i]!);
        } catch (error) {
          for (const g of group) g.reject(error);
        }
      }
    } finally {
      raisingRunning = false;
    }
  }

  /**
   * Stores a group of alarms' messages, raises their alerts and lines up their responders in one statement: on
   * PGlite a statement costs a few milliseconds whatever its size, so a burst of alarms one statement each queued
   * for seconds. Per alarm as raiseWithLineUp describes; of two alarms of one device and rule in a group, the first
   * raises the alert.
   */
  async function raiseGroup(group: readonly Raising[]): Promise<RaiseResult[]> {
    const now = new Date();
    const due = new Date(now.getTime() + options.ackSeconds * 1000);
    const ranked = group.map((g) => rank(g.at));
    const input = JSON.stringify(
      group.map(({ alert, at, reading }, p) => ({
        p,
        d: alert.device_id,
        rc: alert.rule_code,
        sv: alert.severity,
        sc: alert.street_code,
        sp: alert.scope_path,
        lng: alert.lng,
        lat: alert.lat,
        oa: new Date(alert.observed_at as Date | string).toISOString(),
        de: typeof alert.details === 'string' ? alert.details : JSON.stringify(alert.details ?? {}),
        ds: at.streetCode,
        hr: reading !== undefined,
        rt: reading ? new Date(reading.tsMs).toISOString() : null,
        rm: reading?.msgId ?? null,
        rs: reading?.streetCode ?? null,
        rv: reading?.values ?? null,
        lu: ranked[p]!.map((r, i) => ({ r: r.point.id, k: i + 1, m: r.travelM })),
      })),
    );
    const result = await sql<{
      p: number;
      stored: boolean;
      id: number | null;
      raised_at: Date | string | null;
    }>`
      with input as (
        select * from jsonb_to_recordset(${input}::jsonb) as i(
          p int, d int, rc text, sv text, sc text, sp text, lng float8, lat float8, oa timestamptz, de text, ds text,
          hr boolean, rt timestamptz, rm text, rs text, rv jsonb, lu jsonb)
      ), r as (
        insert into sensor_reading (device_id, ts, msg_id, street_code, vals)
        select d, rt, rm, rs, rv from input where hr
        on conflict do nothing
        returning device_id, ts, msg_id
      ), fresh as (
        select i.* from input i
        where not i.hr or exists (select 1 from r where r.device_id = i.d and r.ts = i.rt and r.msg_id = i.rm)
      ), first as (
        select distinct on (d, rc) * from fresh order by d, rc, p
      ), a as (
        insert into sensing_alert (device_id, rule_code, severity, street_code, scope_path, lng, lat, observed_at, details)
        select d, rc, sv, sc, sp, lng, lat, oa, de::jsonb from first order by p
        on conflict (device_id, rule_code) where status <> 'closed' do nothing
        returning id, raised_at, device_id, rule_code
      ), lined_up as (
        insert into alert_dispatch (alert_id, responder_id, street_code, rank, travel_m, status, notified_at, ack_due_at)
        select a.id, l.r, f.ds, l.k, l.m,
               case when l.k = 1 then 'notified' else 'pending' end,
               case when l.k = 1 then ${now.toISOString()}::timestamptz end,
               case when l.k = 1 then ${due.toISOString()}::timestamptz end
        from a join first f on f.d = a.device_id and f.rc = a.rule_code
        cross join jsonb_to_recordset(f.lu) as l(r int, k int, m float8)
        returning 1
      )
      select i.p, exists (select 1 from fresh where fresh.p = i.p) as stored, a.id, a.raised_at
      from input i
      left join first f on f.p = i.p
      left join a on a.device_id = f.d and a.rule_code = f.rc
      order by i.p`.execute(database.urgent);
    return result.rows.map((row) => {
      const p = Number(row.p);
      if (row.id === null || row.raised_at === null) return { stored: Boolean(row.stored), raised: null };
      const head = ranked[p]![0];
      return {
        stored: true,
        raised: {
          id: row.id,
          raisedAt: new Date(row.raised_at),
          first: head ? { responderId: head.point.id, travelM: head.travelM, ackDueAt: due } : null,
        },
      };
    });
  }

  return {
    reload,
    rank,

    /**
     * Writes an emergency alert with its line-up, the nearest responder already notified, in one statement on the
     * database's urgent path (ahead of queued reading batches). With `reading`, the alarm's own message is stored in
     * the same statement and the alert is raised only if that message was new: a message id already stored (a
     * redelivery, also after a restart) notifies nobody. `raised` is null when nothing was raised: the message was
     * a duplicate, or the device already has this alert open (a burning flat keeps alarming: still one alert).
     * Alarms arriving while a statement is running go together in the next (see raiseGroup).
     */
    raiseWithLineUp(alert: NewAlert, at: AlertLocation, reading?: UrgentReading): Promise<RaiseResult> {
      return new Promise((resolve, reject) => {
        raising.push({ alert, at, reading, resolve, reject });
        if (!raisingScheduled) {
          raisingScheduled = true;
          // Once the current task is done, not later: the alarms it hands over (the ingestion thread's lane is read
          // to its end at once) join this statement instead of each waiting for the one before.
          queueMicrotask(() => void runRaises());
        }
      });
    },
    /** Sends the first responder's notification and publishes it on the live feed. */
    async announceFirst(alertId: number, at: AlertLocation, first: FirstResponder | null): Promise<void> {
      if (!first) return;
      await options.notifier?.notify(first.responderId, alertId);
      feed.publish({
        type: 'dispatch',
        alertId,
        scopePath: at.scopePath,
        responderId: first.responderId,
        responderKind: points.find((p) => p.id === first.responderId)?.kind ?? 'unknown',
        rank: 1,
        travelM: Math.round(first.travelM),
        ackDueAt: first.ackDueAt.toISOString(),
        msgId: at.msgId,
        reason: 'first',
      });
    },

    /** Passes over every responder whose acknowledgement is overdue and notifies the next in line. */
    async escalateDue(nowMs = Date.now()): Promise<number> {
      const overdue = await database.db
        .updateTable('alert_dispatch')
        .set({ status: 'escalated' })
        .where('status', '=', 'notified')
        .where('ack_due_at', '<=', new Date(nowMs))
        .returning(['alert_id', 'rank'])
        .execute();
      for (const o of overdue) {
        const alert = await database.db
          .selectFrom('sensing_alert')
          .select(['scope_path', sql<string | null>`details->>'msgId'`.as('msg_id')])
          .where('id', '=', o.alert_id)
          .executeTakeFirstOrThrow();
        const at = { scopePath: alert.scope_path, msgId: alert.msg_id };
        const next = await notifyRank(o.alert_id, o.rank + 1, at, 'escalation');
        if (!next) feed.publish({ type: 'unanswered', alertId: o.alert_id, scopePath: alert.scope_path });
      }
      return overdue.length;
    },
  };
}

export type DispatchService = ReturnType<typeof createDispatchService>;
