// Use cases behind the sensing and alert routes: scope every read to the viewer's subtree (out of scope → 404),
// audit every write and every read of a home's readings, present through sensing.presenter.ts.
import { sql } from 'kysely';
import { type RuleKind, ruleParamProblems } from '../../lib/anomaly/rules.ts';
import { likeContains } from '../../lib/like-pattern.ts';
import { maskPhone } from '../../lib/masking.ts';
import { inScope } from '../../platform/auth/viewer.ts';
import type { Database } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { offsetOf } from '../../platform/http/pagination.ts';
import type { Actor } from '../people/people.service.ts';
import { DEVICE_KINDS, type DeviceState, deviceState, onlineMinutes } from './device-kinds.ts';
import { presentAlert, presentDevice } from './sensing.presenter.ts';
import { latestBattery } from './sensing.repository.ts';
import type {
  AlertQuery,
  DeviceCreateBody,
  DeviceQuery,
  FeedbackBody,
  HealthOut,
  HealthQuery,
  ReadingsQuery,
  ResponderCreateBody,
  RuleUpdateBody,
} from './sensing.schema.ts';
import type { SensingHub } from './sensing-hub.ts';

const like = (scopePath: string) => `${scopePath.replace(/[\\%_]/g, '\\$&')}%`;

/** A district-level viewer: scope path with one segment, e.g. '/330192/'. */
function isDistrictViewer(scopePath: string): boolean {
  return scopePath.split('/').filter(Boolean).length <= 1;
}

/**
 * The state of a device of `sensor_device` at `nowMs` in SQL, with the same limits as deviceState(): what the
 * health list filters and counts by, so its pages agree with the state each row shows.
 */
function deviceStateSql(nowMs: number) {
  const minutes = sql.join(
    DEVICE_KINDS.map((k) => sql`when ${sql.lit(k)} then ${sql.lit(onlineMinutes(k))}`),
    sql` `,
  );
  const limit = sql`(case kind ${minutes} else ${sql.lit(onlineMinutes(''))} end)`;
  // A literal, not a parameter: the list groups by this expression, and PostgreSQL matches the grouped and the
  // selected expression by their text, which would differ in their parameter numbers.
  const at = sql.lit(new Date(nowMs).toISOString());
  return sql<DeviceState>`(case when last_seen_at is null then 'never'
    when last_seen_at >= ${at}::timestamptz - ${limit} * interval '1 minute' then 'online'
    else 'offline' end)`;
}

export function createSensingService(database: Database, hub: SensingHub) {
  const db = database.db;

  async function deviceInScope(actor: Actor, id: number) {
    const d = await db.selectFrom('sensor_device').selectAll().where('id', '=', id).executeTakeFirst();
    if (!d || !inScope(actor.viewer, d.scope_path)) throw new AppError('DEVICE_NOT_FOUND');
    return d;
  }

  async function alertInScope(actor: Actor, id: number) {
    const a = await db.selectFrom('sensing_alert').selectAll().where('id', '=', id).executeTakeFirst();
    if (!a || !inScope(actor.viewer, a.scope_path)) throw new AppError('ALERT_NOT_FOUND');
    return a;
  }

  async function presentAlerts(rows: Awaited<ReturnType<typeof alertInScope>>[]) {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const devices = await db
      .selectFrom('sensor_device')
      .select(['id', 'device_uid', 'kind', 'house_id', 'person_id'])
      .where('id', 'in', [...new Set(rows.map((r) => r.device_id))])
      .execute();
    const dispatch = await db
      .selectFrom('alert_dispatch as x')
      .innerJoin('responder as r', 'r.id', 'x.responder_id')
      .selectAll('x')
      .select(['r.kind', 'r.name', 'r.phone_masked'])
      .where('x.alert_id', 'in', ids)
      .orderBy('x.rank')
      .execute();
    const byId = new Map(devices.map((d) => [d.id, d]));
    return rows.map((a) =>
      presentAlert(
        a,
        byId.get(a.device_id)!,
        dispatch.filter((x) => x.alert_id === a.id),
      ),
    );
  }

  /** Registered devices of the viewer's area, narrowed by the list filters (an area outside it is a 404). */
  function devicesInView(actor: Actor, q: Pick<DeviceQuery, 'area' | 'kind' | 'q'>) {
    let base = db.selectFrom('sensor_device').where('scope_path', 'like', like(actor.viewer.scopePath));
    if (q.area) {
      // An area outside the viewer's own is answered as if it did not exist.
      if (!inScope(actor.viewer, q.area)) throw new AppError('NOT_FOUND');
      base = base.where('scope_path', 'like', like(q.area));
    }
    if (q.kind) base = base.where('kind', '=', q.kind);
    if (q.q) {
      const text = likeContains(q.q);
      base = base.where((eb) => eb.or([eb('device_uid', 'ilike', text), eb('label', 'ilike', text)]));
    }
    return base;
  }

  return {
    async listDevices(actor: Actor, q: DeviceQuery) {
      const base = devicesInView(actor, q);
      const [rows, total] = await Promise.all([
        base.selectAll().orderBy('id').limit(q.pageSize).offset(offsetOf(q)).execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      const battery = await latestBattery(
        db,
        rows.map((r) => r.id),
      );
      return {
        items: rows.map((r) => presentDevice(r, battery.get(r.id) ?? null)),
        total: total.n,
        page: q.page,
        pageSize: q.pageSize,
      };
    },

    async registerDevice(actor: Actor, body: DeviceCreateBody) {
      const bindings = [body.houseId, body.facilityId, body.personId].filter((x) => x !== undefined);
      if (bindings.length !== 1) throw new AppError('DEVICE_BINDING_REQUIRED');
      // The device takes the scope and position of what it is bound to; an unknown or out-of-scope target is a 404.
      let place:
        | { scope_path: string; street_code: string; lng: number; lat: number; house_id: number | null }
        | undefined;
      if (body.houseId) {
        place = await db
          .selectFrom('house as h')
          .innerJoin('building as b', 'b.id', 'h.building_id')
          .select(['h.scope_path', 'h.street_code', 'b.lng', 'b.lat', 'h.id as house_id'])
          .where('h.id', '=', body.houseId)
          .executeTakeFirst();
        if (!place || !inScope(actor.viewer, place.scope_path)) throw new AppError('HOUSE_NOT_FOUND');
      } else if (body.facilityId) {
        const f = await db
          .selectFrom('facility')
          .select(['scope_path', 'street_code', 'lng', 'lat'])
          .where('id', '=', body.facilityId)
          .executeTakeFirst();
        place = f ? { ...f, house_id: null } : undefined;
        if (!place || !inScope(actor.viewer, place.scope_path)) throw new AppError('NOT_FOUND');
      } else {
        place = await db
          .selectFrom('person as p')
          .innerJoin('house as h', 'h.id', 'p.house_id')
          .innerJoin('building as b', 'b.id', 'h.building_id')
          .select(['p.scope_path', 'p.street_code', 'b.lng', 'b.lat', 'h.id as house_id'])
          .where('p.id', '=', body.personId!)
          .executeTakeFirst();
        if (!place || !inScope(actor.viewer, place.scope_path)) throw new AppError('PERSON_NOT_FOUND');
      }
      const household = place.house_id
        ? await db
            .selectFrom('household')
            .select('id')
            .where('house_id', '=', place.house_id)
            .executeTakeFirst()
        : undefined;
      const created = await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('sensor_device')
          .values({
            device_uid: body.deviceUid,
            kind: body.kind,
            district_code: place.scope_path.split('/')[1]!,
            street_code: place.street_code,
            scope_path: place.scope_path,
            house_id: body.houseId ?? (body.personId ? place.house_id : null),
            facility_id: body.facilityId ?? null,
            person_id: body.personId ?? null,
            household_id: household?.id ?? null,
            label: body.label ?? '',
            lng: place.lng,
            lat: place.lat,
          })
          .onConflict((oc) => oc.column('device_uid').doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!row) throw new AppError('DUPLICATE');
        await actor.audit(trx, {
          action: 'sensing.device.create',
          entityType: 'sensor_device',
          entityIds: [row.id],
          details: { deviceUid: row.device_uid, kind: row.kind },
        });
        return row;
      });
      await hub.ingestor.loadDevices([created.device_uid]);
      return presentDevice(created);
    },

    async readings(actor: Actor, id: number, q: ReadingsQuery) {
      const d = await deviceInScope(actor, id);
      let query = db
        .selectFrom('sensor_reading')
        .select(['ts', 'msg_id', 'vals'])
        .where('device_id', '=', id);
      if (q.from) query = query.where('ts', '>=', new Date(q.from));
      if (q.to) query = query.where('ts', '<', new Date(q.to));
      const rows = await query.orderBy('ts', 'desc').limit(q.limit).execute();
      // A home's water or power use tells who is in and when: reading it is a read of personal data.
      if (d.house_id !== null || d.person_id !== null) {
        await actor.audit(db, {
          action: 'sensing.readings.read',
          entityType: 'sensor_device',
          entityIds: [id],
          details: { rows: rows.length },
        });
      }
      return {
        deviceId: id,
        items: rows.map((r) => ({
          ts: new Date(r.ts).toISOString(),
          msgId: r.msg_id,
          values: (typeof r.vals === 'string' ? JSON.parse(r.vals) : r.vals) as Record<
            string,
            number | boolean | string
          >,
        })),
      };
    },

    async health(actor: Actor, q: HealthQuery): Promise<HealthOut> {
      await hub.ingestor.persistHealth();
      const now = Date.now();
      const inView = devicesInView(actor, q);
      const state = deviceStateSql(now);
      const base = q.state ? inView.where(state, '=', q.state) : inView;
      const [rows, total, byState] = await Promise.all([
        base.selectAll().orderBy('device_uid').limit(q.pageSize).offset(offsetOf(q)).execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
        inView
          .select([state.as('state'), sql<number>`count(*)::int`.as('n')])
          .groupBy(state)
          .execute(),
      ]);
      const ids = rows.map((r) => r.id);
      const [battery, counters] = await Promise.all([
        latestBattery(db, ids),
        rows.length === 0
          ? []
          : db
              .selectFrom('sensor_device_health')
              .selectAll()
              .where(
                'device_uid',
                'in',
                rows.map((r) => r.device_uid),
              )
              .execute(),
      ]);
      const countsOf = new Map(counters.map((h) => [h.device_uid, h]));
      const unknown = isDistrictViewer(actor.viewer.scopePath)
        ? await db
            .selectFrom('sensor_device_health as h')
            .select(['h.device_uid', 'h.unknown_device', 'h.malformed'])
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('sensor_device as d')
                    .select('d.id')
                    .whereRef('d.device_uid', '=', 'h.device_uid'),
                ),
              ),
            )
            .orderBy('h.device_uid')
            .limit(1000)
            .execute()
        : null;
      const states = { online: 0, offline: 0, never: 0 };
      for (const s of byState) states[s.state] = Number(s.n);
      return {
        items: rows.map((r) => {
          // A device that never sent anything has no counters row: all its counts are zero.
          const h = countsOf.get(r.device_uid);
          const device = presentDevice(r, battery.get(r.id) ?? null, now);
          return {
            ...device,
            state: deviceState(r.kind, r.last_seen_at ? new Date(r.last_seen_at).getTime() : null, now),
            accepted: Number(h?.accepted ?? 0),
            duplicate: Number(h?.duplicate ?? 0),
            malformed: Number(h?.malformed ?? 0),
            unknownDevice: Number(h?.unknown_device ?? 0),
            badUnit: Number(h?.bad_unit ?? 0),
            clockSkew: Number(h?.clock_skew ?? 0),
            replayed: Number(h?.replayed ?? 0),
            rateLimited: Number(h?.rate_limited ?? 0),
            lastProblem: h?.last_problem ?? null,
            lastProblemAt: h?.last_problem_at ? new Date(h.last_problem_at).toISOString() : null,
          };
        }),
        total: total.n,
        page: q.page,
        pageSize: q.pageSize,
        states,
        unknownDevices:
          unknown?.map((u) => ({
            deviceUid: u.device_uid,
            messages: Number(u.unknown_device) + Number(u.malformed),
          })) ?? null,
      };
    },

    async listRules() {
      const rows = await db.selectFrom('anomaly_rule').selectAll().orderBy('code').execute();
      return rows.map((r) => ({
        code: r.code,
        kind: r.kind,
        params: (typeof r.params === 'string' ? JSON.parse(r.params) : r.params) as Record<string, unknown>,
        enabled: r.enabled,
        updatedAt: new Date(r.updated_at).toISOString(),
        updatedBy: r.updated_by,
      }));
    },

    async updateRule(actor: Actor, code: string, body: RuleUpdateBody) {
      // Rules apply to the whole district, so only a district-level account may change them.
      if (!isDistrictViewer(actor.viewer.scopePath)) throw new AppError('OUT_OF_SCOPE');
      const rule = await db
        .selectFrom('anomaly_rule')
        .selectAll()
        .where('code', '=', code)
        .executeTakeFirst();
      if (!rule) throw new AppError('RULE_NOT_FOUND');
      const current = (typeof rule.params === 'string' ? JSON.parse(rule.params) : rule.params) as Record<
        string,
        unknown
      >;
      const params = body.params ? { ...current, ...body.params } : current;
      const problems = ruleParamProblems(rule.kind as RuleKind, params);
      if (Object.keys(problems).length > 0) {
        throw new AppError(
          'RULE_PARAMS_INVALID',
          Object.entries(problems).map(([field, message]) => ({
            field: `/params/${field}`,
            message,
            messageEn: message,
          })),
        );
      }
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('anomaly_rule')
          .set({
            params: JSON.stringify(params),
            enabled: body.enabled ?? rule.enabled,
            updated_at: new Date(),
            updated_by: actor.viewer.username,
          })
          .where('code', '=', code)
          .execute();
        await actor.audit(trx, {
          action: 'sensing.rule.update',
          entityType: 'anomaly_rule',
          entityIds: [code],
          details: { params, enabled: body.enabled ?? rule.enabled },
        });
      });
      await hub.evaluator.reloadRules();
      return (await this.listRules()).find((r) => r.code === code)!;
    },

    async createResponder(actor: Actor, body: ResponderCreateBody) {
      if (!inScope(actor.viewer, body.scopePath)) throw new AppError('OUT_OF_SCOPE');
      const row = await db.transaction().execute(async (trx) => {
        const r = await trx
          .insertInto('responder')
          .values({
            kind: body.kind,
            name: body.name,
            phone_masked: body.phone ? maskPhone(body.phone) : null,
            street_code: body.scopePath.split('/')[2] ?? body.scopePath.split('/')[1]!,
            scope_path: body.scopePath,
            for_person_id: body.forPersonId ?? null,
            lng: body.lng,
            lat: body.lat,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await actor.audit(trx, {
          action: 'sensing.responder.create',
          entityType: 'responder',
          entityIds: [r.id],
          details: { kind: body.kind },
        });
        return r;
      });
      await hub.dispatch.reload();
      return { id: row.id };
    },

    async listAlerts(actor: Actor, q: AlertQuery) {
      let base = db.selectFrom('sensing_alert').where('scope_path', 'like', like(actor.viewer.scopePath));
      if (q.status) base = base.where('status', '=', q.status);
      if (q.severity) base = base.where('severity', '=', q.severity);
      if (q.ruleCode) base = base.where('rule_code', '=', q.ruleCode);
      const [rows, total] = await Promise.all([
        base
          .selectAll()
          .orderBy('raised_at', 'desc')
          .orderBy('id', 'desc')
          .limit(q.pageSize)
          .offset(offsetOf(q))
          .execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: await presentAlerts(rows), total: total.n, page: q.page, pageSize: q.pageSize };
    },

    async readAlert(actor: Actor, id: number) {
      const a = await alertInScope(actor, id);
      return (await presentAlerts([a]))[0]!;
    },

    async acknowledge(actor: Actor, id: number) {
      const a = await alertInScope(actor, id);
      const ok = await hub.alerts.acknowledge(id, actor.viewer.username);
      if (!ok) throw new AppError('ALERT_NOT_PENDING');
      await actor.audit(db, {
        action: 'sensing.alert.acknowledge',
        entityType: 'sensing_alert',
        entityIds: [id],
      });
      hub.feed.publish({ type: 'acknowledged', alertId: id, scopePath: a.scope_path });
      return this.readAlert(actor, id);
    },

    async feedback(actor: Actor, id: number, body: FeedbackBody) {
      const a = await alertInScope(actor, id);
      await hub.alerts.recordFeedback(id, body.feedback, body.note ?? null, actor.viewer.username);
      const scale = await hub.evaluator.applyFeedback(a.device_id, body.feedback);
      await actor.audit(db, {
        action: 'sensing.alert.feedback',
        entityType: 'sensing_alert',
        entityIds: [id],
        details: { feedback: body.feedback, thresholdScale: scale },
      });
      // Other open alert walls drop the closed alert without waiting for the next alert.
      hub.feed.publish({ type: 'closed', alertId: id, scopePath: a.scope_path });
      return this.readAlert(actor, id);
    },
  };
}
