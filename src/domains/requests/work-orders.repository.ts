// SQL of the work-order loop. Every function takes the database or the caller's transaction first, so the service
// decides what commits together (state change + event + notification + audit).
import { type RawBuilder, type Selectable, sql } from 'kysely';
import type { IncidentCandidate } from '../../lib/incident/same-incident.ts';
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

/**
 * Open orders near a place (a bounding box of about `metres`) or at the same address, received since `since`, as
 * candidates for the same-incident ranking.
 */
export async function findOpenOrdersNear(
  db: Db,
  place: { lng: number | null; lat: number | null; address: string | null },
  metres: number,
  since: Date,
  limit = 200,
): Promise<IncidentCandidate[]> {
  const dLat = metres / 111_000;
  const dLng = place.lat !== null ? metres / (111_000 * Math.cos((place.lat * Math.PI) / 180)) : 0;
  const rows = await db
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
  return rows.map((c) => ({
    id: Number(c.id),
    description: c.description,
    lng: c.lng,
    lat: c.lat,
    address: c.address,
    categoryCode: c.category_code,
    receivedAt: new Date(c.received_at),
  }));
}

/**
 * `findOpenOrdersNear` for several places in one statement (a group of submissions written together): the
 * candidates of place i come back with `probe` = i. Each place is looked up through the partial indexes of open
 * orders by place and by address, as the single lookup is. A place with a category gets only the orders that can
 * be its same incident (that category or none): fewer rows to send and parse, and the limit keeps the most recent
 * of those rather than of every category.
 */
export async function findOpenOrdersNearMany(
  db: Db,
  places: Array<{
    lng: number | null;
    lat: number | null;
    address: string | null;
    since: Date;
    categoryCode?: string | null;
  }>,
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
        ${hasPoint ? p.lat! + dLat : null}::double precision, ${p.address}::text, ${p.since}::timestamptz,
        ${p.categoryCode ?? null}::text)`;
    }),
  );
  // The statuses as literals, so that the planner can use the partial indexes on open orders.
  const open = sql.raw(OPEN_STATUSES.map((st) => `'${st}'`).join(', '));
  const r = await sql<{
    probe: number;
    id: number;
    number: string;
    street_code: string | null;
    description: string;
    lng: number | null;
    lat: number | null;
    address: string | null;
    category_code: string | null;
    received_at: Date;
  }>`
    select q.probe, c.* from (values ${rows}) q (probe, lng0, lng1, lat0, lat1, address, since, category)
    cross join lateral (
      select * from (
        select w.id, w.number, w.street_code, w.description, w.lng, w.lat, w.address, w.category_code,
          w.received_at from work_order w
        where w.status in (${open}) and w.received_at >= q.since
          and w.lng >= q.lng0 and w.lng <= q.lng1 and w.lat >= q.lat0 and w.lat <= q.lat1
          and (q.category is null or w.category_code is null or w.category_code = q.category)
        union
        select w.id, w.number, w.street_code, w.description, w.lng, w.lat, w.address, w.category_code,
          w.received_at from work_order w
        where w.status in (${open}) and w.received_at >= q.since and w.address = q.address
          and (q.category is null or w.category_code is null or w.category_code = q.category)
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

/** The requester row written at intake. */
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

/** Ids of the rows a write group adds, taken from the tables' own sequences before the write (its audit entries name them). */
export async function takeIntakeIds(
  db: Db,
  counts: { orders: number; requesters: number; events: number },
): Promise<{ orders: number[]; requesters: number[]; events: number[] }> {
  const r = await sql<{ orders: unknown[]; requesters: unknown[]; events: unknown[] }>`
    select
      array(select nextval(pg_get_serial_sequence('work_order', 'id'))
        from generate_series(1, ${counts.orders}::integer)) as orders,
      array(select nextval(pg_get_serial_sequence('order_requester', 'id'))
        from generate_series(1, ${counts.requesters}::integer)) as requesters,
      array(select nextval(pg_get_serial_sequence('order_event', 'id'))
        from generate_series(1, ${counts.events}::integer)) as events
  `.execute(db);
  const row = r.rows[0]!;
  const ids = (list: unknown[]) => list.map(Number).sort((a, b) => a - b);
  return { orders: ids(row.orders), requesters: ids(row.requesters), events: ids(row.events) };
}

/** A new order's row, its id and number taken beforehand. */
export interface NewOrderRow {
  id: number;
  number: string;
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
  requester_count: number;
}

export interface NewEventRow {
  id: number;
  order_id: number;
  street_code: string | null;
  action: string;
  /** Null with `joining`: the step keeps the order's state, whatever it is when the row is written. */
  from_status: string | null;
  to_status: string | null;
  /** A requester joining an order that existed before this write. */
  joining: boolean;
  actor_account_id: number | null;
  actor_name: string;
  unit_code: string | null;
  occurred_at: Date;
  note: string | null;
  public: boolean;
  details: Record<string, unknown>;
}

/** Everything a group of submissions adds, with their ids, written by one statement. */
export interface IntakeGroupRows {
  orders: NewOrderRow[];
  /** Requesters joining orders that existed before this write: how many join each. */
  joinCounts: Array<{ order_id: number; n: number }>;
  requesters: Array<IntakeRequester & { id: number; order_id: number; street_code: string | null }>;
  events: NewEventRow[];
  assignments: Array<{ order_id: number; street_code: string | null; unit_code: string; assigned_at: Date }>;
  notices: Array<{
    order_id: number;
    street_code: string | null;
    requester_id: number;
    event_id: number;
    kind: string;
    message: string;
    created_at: Date;
  }>;
  attachments: Array<{
    order_id: number;
    street_code: string | null;
    file_name: string;
    content_type: string;
    byte_size: number;
    sha256: string;
    content: Buffer;
    created_at: Date;
  }>;
}

/** An order that requesters of the group joined, as it is after the write, with what their answers show. */
export interface JoinedOrderRow {
  order: OrderRow;
  leadUnitName: string | null;
  /** Its public steps before this write. */
  publicEvents: EventRecord[];
}

const base64 = (b: Uint8Array | null) =>
  b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64') : null;

/**
 * A whole write group in one statement, so that it needs no transaction of its own: new orders with their
 * requesters, steps, lead-unit assignments, notices and photos; requesters joining open orders (their count, the
 * requester, a `join` step and a notice each); and the group's audit entries, guarded on the chain head
 * (`guardedAuditAppend`): when the head moved, nothing at all is written and `written` is false. Returns the new
 * orders and the joined ones as they are after the write, the latter with the lead unit's name and their public
 * steps before it (the answers show them).
 */
export async function writeIntakeGroup(
  db: Db,
  g: IntakeGroupRows,
  audit: { guard: RawBuilder<unknown>; insert: RawBuilder<unknown> },
): Promise<{ written: boolean; created: OrderRow[]; joined: JoinedOrderRow[] }> {
  const json = (v: unknown) => JSON.stringify(v);
  const requesters = g.requesters.map((r) => ({
    ...r,
    phone_cipher: base64(r.phone_cipher),
    phone_hash: base64(r.phone_hash),
  }));
  const attachments = g.attachments.map((a) => ({ ...a, content: a.content.toString('base64') }));
  const r = await sql<
    OrderRow & {
      moved: number;
      kind: 'created' | 'joined' | null;
      lead_unit_name: string | null;
      public_events: Array<Omit<EventRecord, 'public'>> | string | null;
    }
  >`
    with h as (${audit.guard}),
    oi as (
      select * from json_to_recordset(${json(g.orders)}::json) as x(id bigint, number text, street_code text,
        community_code text, grid_id integer, scope_path text, channel text, status text, category_code text,
        category_confidence real, event_code text, description text, address text, lng double precision,
        lat double precision, lead_unit_code text, received_at timestamptz, dispatched_at timestamptz,
        response_due timestamptz, resolve_due timestamptz, warn_at timestamptz, idempotency_key text,
        created_by integer, requester_count integer)
      where exists (select 1 from h)
    ),
    o as (
      insert into work_order (id, number, street_code, community_code, grid_id, scope_path, channel, status,
        category_code, category_confidence, event_code, description, address, lng, lat, lead_unit_code,
        received_at, dispatched_at, response_due, resolve_due, warn_at, idempotency_key, created_by,
        requester_count)
      select * from oi
      returning *
    ),
    c as (
      select * from json_to_recordset(${json(g.joinCounts)}::json) as x(order_id bigint, n integer)
      where exists (select 1 from h)
    ),
    m as (
      update work_order w set requester_count = w.requester_count + c.n from c where w.id = c.order_id
      returning w.*
    ),
    r as (
      insert into order_requester (id, order_id, street_code, anonymous, name, phone_cipher, phone_hash,
        phone_masked, person_id, account_id, channel, description, access_code_hash, joined_at)
      select x.id, x.order_id, x.street_code, x.anonymous, x.name, decode(x.phone_cipher, 'base64'),
        decode(x.phone_hash, 'base64'), x.phone_masked, x.person_id, x.account_id, x.channel, x.description,
        x.access_code_hash, x.joined_at
      from json_to_recordset(${json(requesters)}::json) as x(id bigint, order_id bigint, street_code text,
        anonymous boolean, name text, phone_cipher text, phone_hash text, phone_masked text, person_id integer,
        account_id integer, channel text, description text, access_code_hash text, joined_at timestamptz)
      where exists (select 1 from h)
    ),
    e as (
      insert into order_event (id, order_id, street_code, action, from_status, to_status, actor_account_id,
        actor_name, unit_code, occurred_at, note, public, details)
      select x.id, x.order_id, x.street_code, x.action, case when x.joining then jm.status else x.from_status end,
        case when x.joining then jm.status else x.to_status end, x.actor_account_id, x.actor_name, x.unit_code,
        x.occurred_at, x.note, x.public, x.details
      from json_to_recordset(${json(g.events)}::json) as x(id bigint, order_id bigint, street_code text,
        action text, from_status text, to_status text, joining boolean, actor_account_id integer,
        actor_name text, unit_code text, occurred_at timestamptz, note text, public boolean, details jsonb)
      left join m jm on x.joining and jm.id = x.order_id
      where exists (select 1 from h)
    ),
    a as (
      insert into order_assignment (order_id, street_code, unit_code, role, assigned_at)
      select x.order_id, x.street_code, x.unit_code, 'lead', x.assigned_at
      from json_to_recordset(${json(g.assignments)}::json) as x(order_id bigint, street_code text,
        unit_code text, assigned_at timestamptz)
      where exists (select 1 from h)
    ),
    nt as (
      insert into notification_outbox (order_id, street_code, requester_id, event_id, kind, message, created_at)
      select x.order_id, x.street_code, x.requester_id, x.event_id, x.kind, x.message, x.created_at
      from json_to_recordset(${json(g.notices)}::json) as x(order_id bigint, street_code text,
        requester_id bigint, event_id bigint, kind text, message text, created_at timestamptz)
      where exists (select 1 from h)
    ),
    p as (
      insert into order_attachment (order_id, street_code, file_name, content_type, byte_size, sha256, content,
        created_at)
      select x.order_id, x.street_code, x.file_name, x.content_type, x.byte_size, x.sha256,
        decode(x.content, 'base64'), x.created_at
      from json_to_recordset(${json(attachments)}::json) as x(order_id bigint, street_code text,
        file_name text, content_type text, byte_size integer, sha256 text, content text, created_at timestamptz)
      where exists (select 1 from h)
    ),
    l as (${audit.insert}),
    shown as (
      select m.id,
        (select u.name from handling_unit u where u.code = m.lead_unit_code) as lead_unit_name,
        (select coalesce(json_agg(json_build_object('id', x.id, 'action', x.action, 'from_status', x.from_status,
            'to_status', x.to_status, 'actor_name', x.actor_name, 'unit_code', x.unit_code,
            'occurred_at', x.occurred_at, 'note', x.note) order by x.id), '[]'::json)
          from order_event x where x.order_id = m.id and x.public) as public_events
      from m
    )
    select g.moved, x.* from (select count(*)::integer as moved from h) g
    left join (
      select 'created' as kind, o.*, null::text as lead_unit_name, null::json as public_events from o
      union all
      select 'joined' as kind, m.*, s.lead_unit_name, s.public_events from m join shown s on s.id = m.id
    ) x on true
  `.execute(db);
  const created: OrderRow[] = [];
  const joined: JoinedOrderRow[] = [];
  let written = false;
  for (const row of r.rows) {
    const { moved, kind, lead_unit_name, public_events, ...order } = row;
    written = Number(moved) > 0;
    if (kind === 'created') created.push(order as OrderRow);
    if (kind === 'joined') {
      const events = (typeof public_events === 'string' ? JSON.parse(public_events) : public_events) as Array<
        Omit<EventRecord, 'public'>
      >;
      joined.push({
        order: order as OrderRow,
        leadUnitName: lead_unit_name,
        publicEvents: events.map((e) => ({ ...e, id: Number(e.id), public: true })),
      });
    }
  }
  return { written, created, joined };
}
