// SQL of the work-order loop. Every function takes the database or the caller's transaction first, so the service
// decides what commits together (state change + event + notification + audit).
import { type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { WorkOrderTable } from '../../platform/db/schema.ts';
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
