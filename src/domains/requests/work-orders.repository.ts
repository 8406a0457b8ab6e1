// SQL of the work-order loop. Every function takes the database or the caller's transaction first, so the service
// decides what commits together (state change + event + notification + audit).
import { type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { WorkOrderTable } from '../../platform/db/schema.ts';
import type { EventRecord } from './order.presenter.ts';
import { OPEN_STATUSES, type OrderState, type OrderStatus } from './workflow.ts';

export type OrderRow = Selectable<WorkOrderTable>;

export function stateOf(row: OrderRow): OrderState {
  return {
    status: row.status as OrderStatus,
    categoryCode: row.category_code,
    leadUnitCode: row.lead_unit_code,
    coUnitCodes: row.co_unit_codes ?? [],
    supervised: row.supervised,
    escalationLevel: row.escalation_level,
    reopenCount: row.reopen_count,
    returnCount: row.return_count,
  };
}

/** The next order id, taken before the insert so the order number can contain it. */
export async function nextOrderId(db: Db): Promise<number> {
  const r = await sql<{
    id: number;
  }>`select nextval(pg_get_serial_sequence('work_order', 'id')) as id`.execute(db);
  return Number(r.rows[0]!.id);
}

export async function findOrder(db: Db, id: number, forUpdate = false): Promise<OrderRow | undefined> {
  let q = db.selectFrom('work_order').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return (await q.executeTakeFirst()) as OrderRow | undefined;
}

export async function findOrderByNumber(db: Db, number: string): Promise<OrderRow | undefined> {
  return (await db.selectFrom('work_order').selectAll().where('number', '=', number).executeTakeFirst()) as
    | OrderRow
    | undefined;
}

export async function findOrderByIdempotencyKey(db: Db, key: string): Promise<OrderRow | undefined> {
  return (await db
    .selectFrom('work_order')
    .selectAll()
    .where('idempotency_key', '=', key)
    .executeTakeFirst()) as OrderRow | undefined;
}

/** Open orders near a place (a bounding box of about `metres`) or at the same address, received since `since`. */
export async function findOpenOrdersNear(
  db: Db,
  place: { lng: number | null; lat: number | null; address: string | null },
  metres: number,
  since: Date,
  limit = 200,
) {
  const dLat = metres / 111_000;
  const dLng = place.lat !== null ? metres / (111_000 * Math.cos((place.lat * Math.PI) / 180)) : 0;
  return db
    .selectFrom('work_order')
    .select(['id', 'description', 'lng', 'lat', 'address', 'category_code', 'received_at'])
    .where('status', 'in', [...OPEN_STATUSES])
    .where('received_at', '>=', since)
    .where((eb) => {
      const ors = [];
      if (place.lng !== null && place.lat !== null) {
        ors.push(
          eb.and([
            eb('lng', '>=', place.lng - dLng),
            eb('lng', '<=', place.lng + dLng),
            eb('lat', '>=', place.lat - dLat),
            eb('lat', '<=', place.lat + dLat),
          ]),
        );
      }
      if (place.address) ors.push(eb('address', '=', place.address));
      return ors.length > 0 ? eb.or(ors) : eb.val(false);
    })
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * `findOpenOrdersNear` for several places in one statement (a group of submissions written together): the
 * candidates of place i come back with `probe` = i. Each place is looked up through the partial indexes of open
 * orders by place and by address, as the single lookup is.
 */
export async function findOpenOrdersNearMany(
  db: Db,
  places: Array<{ lng: number | null; lat: number | null; address: string | null; since: Date }>,
  metres: number,
  limit = 200,
) {
  if (places.length === 0) return [];
  const dLat = metres / 111_000;
  const rows = sql.join(
    places.map((p, i) => {
      const hasPoint = p.lng !== null && p.lat !== null;
      const dLng = hasPoint ? metres / (111_000 * Math.cos((p.lat! * Math.PI) / 180)) : 0;
      return sql`(${i}::integer, ${hasPoint ? p.lng! - dLng : null}::double precision,
        ${hasPoint ? p.lng! + dLng : null}::double precision, ${hasPoint ? p.lat! - dLat : null}::double precision,
        ${hasPoint ? p.lat! + dLat : null}::double precision, ${p.address}::text, ${p.since}::timestamptz)`;
    }),
  );
  // The statuses as literals, so that the planner can use the partial indexes on open orders.
  const open = sql.raw(OPEN_STATUSES.map((st) => `'${st}'`).join(', '));
  const r = await sql<{
    probe: number;
    id: number;
    description: string;
    lng: number | null;
    lat: number | null;
    address: string | null;
    category_code: string | null;
    received_at: Date;
  }>`
    select q.probe, c.* from (values ${rows}) q (probe, lng0, lng1, lat0, lat1, address, since)
    cross join lateral (
      select * from (
        select w.id, w.description, w.lng, w.lat, w.address, w.category_code, w.received_at from work_order w
        where w.status in (${open}) and w.received_at >= q.since
          and w.lng >= q.lng0 and w.lng <= q.lng1 and w.lat >= q.lat0 and w.lat <= q.lat1
        union
        select w.id, w.description, w.lng, w.lat, w.address, w.category_code, w.received_at from work_order w
        where w.status in (${open}) and w.received_at >= q.since and w.address = q.address
      ) u
      order by u.received_at desc
      limit ${limit}
    ) c
  `.execute(db);
  return r.rows;
}

export async function insertEvent(
  db: Db,
  e: {
    orderId: number;
    streetCode: string | null;
    action: string;
    from: string | null;
    to: string;
    actorAccountId: number | null;
    actorName: string;
    unitCode: string | null;
    at: Date;
    note: string | null;
    public: boolean;
    details?: Record<string, unknown>;
  },
): Promise<number> {
  const row = await db
    .insertInto('order_event')
    .values({
      order_id: e.orderId,
      street_code: e.streetCode,
      action: e.action,
      from_status: e.from,
      to_status: e.to,
      actor_account_id: e.actorAccountId,
      actor_name: e.actorName,
      unit_code: e.unitCode,
      occurred_at: e.at,
      note: e.note,
      public: e.public,
      details: JSON.stringify(e.details ?? {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function requestersOf(db: Db, orderId: number) {
  return db.selectFrom('order_requester').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

export async function eventsOf(db: Db, orderId: number, publicOnly = false) {
  let q = db.selectFrom('order_event').selectAll().where('order_id', '=', orderId);
  if (publicOnly) q = q.where('public', '=', true);
  return q.orderBy('id').execute();
}

export async function attachmentsOf(db: Db, orderId: number) {
  return db
    .selectFrom('order_attachment')
    .select(['id', 'file_name', 'content_type', 'byte_size', 'sha256', 'created_at'])
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
}

/** Notifies every requester who can be reached (not anonymous without contact) of a step. */
export async function queueNotifications(
  db: Db,
  orderId: number,
  streetCode: string | null,
  eventId: number | null,
  kind: string,
  message: string,
  at: Date,
  onlyRequesterId?: number,
): Promise<number> {
  let q = db
    .selectFrom('order_requester')
    .select('id')
    .where('order_id', '=', orderId)
    .where((eb) => eb.or([eb('phone_hash', 'is not', null), eb('account_id', 'is not', null)]));
  if (onlyRequesterId !== undefined) q = q.where('id', '=', onlyRequesterId);
  const requesters = await q.execute();
  if (requesters.length === 0) return 0;
  await db
    .insertInto('notification_outbox')
    .values(
      requesters.map((r) => ({
        order_id: orderId,
        street_code: streetCode,
        requester_id: Number(r.id),
        event_id: eventId,
        kind,
        message,
        created_at: at,
      })),
    )
    .execute();
  return requesters.length;
}

export async function ensureUnit(
  db: Db,
  unit: {
    code: string;
    name: string;
    kind: 'centre' | 'department' | 'utility' | 'street' | 'community';
    scopePath: string | null;
  },
): Promise<void> {
  await db
    .insertInto('handling_unit')
    .values({ code: unit.code, name: unit.name, kind: unit.kind, scope_path: unit.scopePath })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}

export async function unitCodesOfAccount(db: Db, accountId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('handling_unit_member')
    .select('unit_code')
    .where('account_id', '=', accountId)
    .execute();
  return rows.map((r) => r.unit_code);
}

export async function unitNames(db: Db, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .selectFrom('handling_unit')
    .select(['code', 'name'])
    .where('code', 'in', codes)
    .execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

export async function endOpenAssignments(
  db: Db,
  orderId: number,
  reason: 'completed' | 'returned' | 'reassigned',
  at: Date,
): Promise<void> {
  await db
    .updateTable('order_assignment')
    .set({ ended_at: at, end_reason: reason })
    .where('order_id', '=', orderId)
    .where('ended_at', 'is', null)
    .execute();
}

export async function insertAssignments(
  db: Db,
  orderId: number,
  streetCode: string | null,
  lead: string,
  co: string[],
  at: Date,
): Promise<void> {
  await db
    .insertInto('order_assignment')
    .values([
      { order_id: orderId, street_code: streetCode, unit_code: lead, role: 'lead', assigned_at: at },
      ...co.map((c) => ({
        order_id: orderId,
        street_code: streetCode,
        unit_code: c,
        role: 'co' as const,
        assigned_at: at,
      })),
    ])
    .execute();
}

/** The requester row written at intake (the order and street are taken from the order in the same statement). */
export interface IntakeRequester {
  anonymous: boolean;
  name: string | null;
  phone_cipher: Uint8Array | null;
  phone_hash: Uint8Array | null;
  phone_masked: string | null;
  person_id: number | null;
  account_id: number | null;
  channel: string;
  description: string;
  access_code_hash: string;
  joined_at: Date;
}

/** An intake step (receive, classify, dispatch) written with the order. */
export interface IntakeStep {
  action: string;
  from: string | null;
  to: string;
  actorName: string;
  unit: string | null;
  public: boolean;
  details: Record<string, unknown>;
}

/** A notice to the new requester: the order number goes between `before` and `after`; `step` is its event. */
export interface IntakeNotice {
  kind: string;
  before: string;
  after: string;
  step: number;
}

function requesterColumns(orderAlias: 'o' | 'm', r: IntakeRequester) {
  return sql`${sql.ref(`${orderAlias}.id`)}, ${sql.ref(`${orderAlias}.street_code`)}, ${r.anonymous}::boolean,
    ${r.name}::text, ${r.phone_cipher}::bytea, ${r.phone_hash}::bytea, ${r.phone_masked}::text,
    ${r.person_id}::integer, ${r.account_id}::integer, ${r.channel}::text, ${r.description}::text,
    ${r.access_code_hash}::text, ${r.joined_at}::timestamptz`;
}

const REQUESTER_INSERT = sql`insert into order_requester (order_id, street_code, anonymous, name, phone_cipher,
  phone_hash, phone_masked, person_id, account_id, channel, description, access_code_hash, joined_at)`;

/**
 * A new order in one statement: the id from the sequence, the order with its number (`numberPrefix` + the id),
 * the first requester, the intake steps, the lead unit's assignment and the requester's notices. Intake is the
 * busiest path, and one round trip instead of six is most of its cost on both backends.
 */
export async function insertIntakeOrder(
  db: Db,
  order: {
    numberPrefix: string;
    street_code: string | null;
    community_code: string | null;
    grid_id: number | null;
    scope_path: string;
    channel: string;
    status: string;
    category_code: string | null;
    category_confidence: number | null;
    event_code: string | null;
    description: string;
    address: string | null;
    lng: number | null;
    lat: number | null;
    lead_unit_code: string | null;
    received_at: Date;
    dispatched_at: Date | null;
    response_due: Date | null;
    resolve_due: Date | null;
    warn_at: Date | null;
    idempotency_key: string | null;
    created_by: number | null;
  },
  requester: IntakeRequester,
  steps: IntakeStep[],
  actorAccountId: number | null,
  notices: IntakeNotice[],
): Promise<{ order: OrderRow; requesterId: number; eventIds: number[] }> {
  const o = order;
  const at = o.received_at;
  const stepRows = sql.join(
    steps.map(
      (s, i) =>
        sql`(${i}::integer, ${s.action}::text, ${s.from}::text, ${s.to}::text, ${s.actorName}::text,
          ${s.unit}::text, ${s.public}::boolean, ${JSON.stringify(s.details)}::jsonb)`,
    ),
  );
  const noticeRows =
    notices.length > 0
      ? sql.join(
          notices.map((n) => sql`(${n.kind}::text, ${n.before}::text, ${n.after}::text, ${n.step}::integer)`),
        )
      : null;
  const r = await sql<OrderRow & { requester_id: number; event_ids: number[] }>`
    with o as (
      insert into work_order (id, number, street_code, community_code, grid_id, scope_path, channel, status,
        category_code, category_confidence, event_code, description, address, lng, lat, lead_unit_code,
        received_at, dispatched_at, response_due, resolve_due, warn_at, idempotency_key, created_by)
      select n.id, ${o.numberPrefix}::text || lpad(n.id::text, 8, '0'), ${o.street_code}::text,
        ${o.community_code}::text, ${o.grid_id}::integer, ${o.scope_path}::text, ${o.channel}::text,
        ${o.status}::text, ${o.category_code}::text, ${o.category_confidence}::real, ${o.event_code}::text,
        ${o.description}::text, ${o.address}::text, ${o.lng}::double precision, ${o.lat}::double precision,
        ${o.lead_unit_code}::text, ${at}::timestamptz, ${o.dispatched_at}::timestamptz,
        ${o.response_due}::timestamptz, ${o.resolve_due}::timestamptz, ${o.warn_at}::timestamptz,
        ${o.idempotency_key}::text, ${o.created_by}::integer
      from (select nextval(pg_get_serial_sequence('work_order', 'id')) as id) n
      returning *
    ),
    r as (${REQUESTER_INSERT} select ${requesterColumns('o', requester)} from o returning id),
    s (ord, action, from_status, to_status, actor_name, unit_code, public, details) as (values ${stepRows}),
    e as (
      insert into order_event (order_id, street_code, action, from_status, to_status, actor_account_id,
        actor_name, unit_code, occurred_at, note, public, details)
      select o.id, o.street_code, s.action, s.from_status, s.to_status, ${actorAccountId}::integer, s.actor_name,
        s.unit_code, ${at}::timestamptz, null, s.public, s.details
      from o, s order by s.ord
      returning id
    ),
    ranked as (select id, (row_number() over (order by id))::integer - 1 as ord from e),
    a as (
      insert into order_assignment (order_id, street_code, unit_code, role, assigned_at)
      select o.id, o.street_code, o.lead_unit_code, 'lead', ${at}::timestamptz from o
      where o.lead_unit_code is not null
    )${
      noticeRows
        ? sql`,
    nt as (
      insert into notification_outbox (order_id, street_code, requester_id, event_id, kind, message, created_at)
      select o.id, o.street_code, r.id, ranked.id, m.kind, m.before || o.number || m.after, ${at}::timestamptz
      from o, r, (values ${noticeRows}) m (kind, before, after, step) join ranked on ranked.ord = m.step
    )`
        : sql``
    }
    select o.*, (select id from r) as requester_id, (select json_agg(id order by id) from e) as event_ids from o
  `.execute(db);
  const { requester_id, event_ids, ...row } = r.rows[0]!;
  return { order: row as OrderRow, requesterId: Number(requester_id), eventIds: event_ids.map(Number) };
}

/** A requester joining an open order about the same incident. */
export interface JoinRequest {
  orderId: number;
  requester: IntakeRequester;
  event: { actorAccountId: number | null; actorName: string; note: string; details: Record<string, unknown> };
  /** A notice with the existing number (`before` + number + `after`), when the requester can be reached. */
  notice: { kind: string; before: string; after: string } | null;
}

export interface JoinedOrder {
  order: OrderRow;
  requesterId: number;
  eventId: number;
  leadUnitName: string | null;
  /** The order's public steps up to and including this join. */
  events: EventRecord[];
}

/**
 * Requesters join open orders about the same incident, all in one statement: each order's requester count, the
 * requesters, a public `join` event each and, for those who can be reached, a notice with the existing number.
 * It also reads what the answers show (the lead unit's name and the public steps, each join's own step last), so
 * that a group of joins takes one round trip. Answers come in the order of `joins`; an order that no longer
 * exists answers undefined. A join leaves `updated_at` alone: the order's state and the figures the roll-up counts
 * do not change, and an update touching no indexed column stays on its page (no index writes).
 */
export async function joinOrders(db: Db, joins: JoinRequest[]): Promise<Array<JoinedOrder | undefined>> {
  if (joins.length === 0) return [];
  const values = sql.join(
    joins.map(
      (j, i) => sql`(${i}::integer, ${j.orderId}::bigint, ${j.requester.anonymous}::boolean,
        ${j.requester.name}::text, ${j.requester.phone_cipher}::bytea, ${j.requester.phone_hash}::bytea,
        ${j.requester.phone_masked}::text, ${j.requester.person_id}::integer, ${j.requester.account_id}::integer,
        ${j.requester.channel}::text, ${j.requester.description}::text, ${j.requester.access_code_hash}::text,
        ${j.requester.joined_at}::timestamptz, ${j.event.actorAccountId}::integer, ${j.event.actorName}::text,
        ${j.event.note}::text, ${JSON.stringify(j.event.details)}::jsonb, ${j.notice?.kind ?? null}::text,
        ${j.notice?.before ?? null}::text, ${j.notice?.after ?? null}::text)`,
    ),
  );
  // Ids come from the sequences in the order rows are inserted (by `ord`), so ranking ids pairs them up again.
  const r = await sql<
    OrderRow & {
      ord: number;
      requester_id: number;
      event_id: number;
      lead_unit_name: string | null;
      public_events: Array<Omit<EventRecord, 'public'>> | string;
    }
  >`
    with j (ord, order_id, anonymous, name, phone_cipher, phone_hash, phone_masked, person_id, account_id,
      channel, description, access_code_hash, joined_at, actor_account_id, actor_name, note, details, notice_kind,
      notice_before, notice_after) as (values ${values}),
    c as (select order_id, count(*)::integer as n from j group by order_id),
    m as (
      update work_order w set requester_count = w.requester_count + c.n
      from c where w.id = c.order_id
      returning w.*
    ),
    jm as (select j.*, (row_number() over (order by j.ord))::integer as rn from j join m on m.id = j.order_id),
    r as (
      ${REQUESTER_INSERT}
      select m.id, m.street_code, jm.anonymous, jm.name, jm.phone_cipher, jm.phone_hash, jm.phone_masked,
        jm.person_id, jm.account_id, jm.channel, jm.description, jm.access_code_hash, jm.joined_at
      from jm join m on m.id = jm.order_id order by jm.ord
      returning id
    ),
    e as (
      insert into order_event (order_id, street_code, action, from_status, to_status, actor_account_id,
        actor_name, unit_code, occurred_at, note, public, details)
      select m.id, m.street_code, 'join', m.status, m.status, jm.actor_account_id, jm.actor_name, null,
        jm.joined_at, jm.note, true, jm.details
      from jm join m on m.id = jm.order_id order by jm.ord
      returning id
    ),
    rr as (select id, (row_number() over (order by id))::integer as rn from r),
    er as (select id, (row_number() over (order by id))::integer as rn from e),
    nt as (
      insert into notification_outbox (order_id, street_code, requester_id, event_id, kind, message, created_at)
      select m.id, m.street_code, rr.id, er.id, jm.notice_kind,
        jm.notice_before || m.number || jm.notice_after, jm.joined_at
      from jm join m on m.id = jm.order_id join rr on rr.rn = jm.rn join er on er.rn = jm.rn
      where jm.notice_kind is not null
    ),
    shown as (
      select m.id,
        (select u.name from handling_unit u where u.code = m.lead_unit_code) as lead_unit_name,
        (select coalesce(json_agg(json_build_object('id', x.id, 'action', x.action, 'from_status', x.from_status,
            'to_status', x.to_status, 'actor_name', x.actor_name, 'unit_code', x.unit_code,
            'occurred_at', x.occurred_at, 'note', x.note) order by x.id), '[]'::json)
          from order_event x where x.order_id = m.id and x.public) as public_events
      from m
    )
    select m.*, jm.ord, rr.id as requester_id, er.id as event_id, shown.lead_unit_name, shown.public_events
    from jm join m on m.id = jm.order_id join rr on rr.rn = jm.rn join er on er.rn = jm.rn
      join shown on shown.id = m.id
    order by jm.ord
  `.execute(db);
  const out: Array<JoinedOrder | undefined> = joins.map(() => undefined);
  // Steps written by this statement, per order, so that each answer shows the joins before it and its own.
  const added = new Map<number, EventRecord[]>();
  for (const first of r.rows) {
    const { ord, requester_id, event_id, lead_unit_name, public_events, ...row } = first;
    const order = row as OrderRow;
    const j = joins[ord]!;
    const earlier = (typeof public_events === 'string' ? JSON.parse(public_events) : public_events) as Array<
      Omit<EventRecord, 'public'>
    >;
    const own = added.get(order.id) ?? [];
    own.push({
      id: Number(event_id),
      action: 'join',
      from_status: order.status,
      to_status: order.status,
      actor_name: j.event.actorName,
      unit_code: null,
      occurred_at: j.requester.joined_at,
      note: j.event.note,
      public: true,
    });
    added.set(order.id, own);
    out[ord] = {
      order,
      requesterId: Number(requester_id),
      eventId: Number(event_id),
      leadUnitName: lead_unit_name,
      events: [...earlier.map((e) => ({ ...e, id: Number(e.id), public: true })), ...own],
    };
  }
  return out;
}
