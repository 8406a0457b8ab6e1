// Past work orders with realistic outcomes, for the demo district and the benchmarks: each request is dispatched
// to its category's unit within minutes, accepted (mostly in time), resolved (mostly before its deadline on the
// working-time calendar), called back (mostly solved and satisfied), sometimes returned and re-dispatched or
// reopened; requests younger than their deadline are still open. Deterministic for a seed. Loaded with COPY.
import { createHash } from 'node:crypto';
import type { WorkCalendar } from '../../lib/calendar/working-time.ts';
import { maskPhone } from '../../lib/masking.ts';
import { seededRandom } from '../../lib/random/seeded.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database, Db } from '../../platform/db/index.ts';
import type { CategoryCatalog, CategoryRule } from './category-catalog.ts';
import { dispatchClocks } from './order-clocks.ts';
import { CENTRE_UNIT, orderNumber } from './work-orders.service.ts';

export interface HistoricRequest {
  description: string;
  categoryCode: string;
  receivedAt: Date;
  channel: 'portal' | 'hotline' | 'patrol' | 'open311' | 'proactive';
  lng: number;
  lat: number;
  grid: { id: number; path: string; streetCode: string; communityCode: string };
  /** Requester; null for anonymous. */
  requester: { name: string; phone: string } | null;
}

interface Outcome {
  status: string;
  unitCode: string;
  dispatchedAt: Date;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  responseDue: Date;
  resolveDue: Date;
  warnAt: Date;
  returned: boolean;
  reopened: boolean;
  solved: boolean | null;
  satisfaction: number | null;
  ratingReason: string | null;
  escalated: boolean;
  warned: boolean;
  events: Array<{
    action: string;
    from: string | null;
    to: string;
    at: Date;
    note: string | null;
    unit: string | null;
    actor: string;
  }>;
}

const MIN = 60_000;

function unitOf(category: CategoryRule, grid: HistoricRequest['grid']): string {
  if (category.unitKind === 'street') return grid.streetCode.padEnd(12, '0');
  if (category.unitKind === 'community') return grid.communityCode;
  return category.unitCode;
}

/** What happened to one request by `now`. */
export function simulateOutcome(
  r: HistoricRequest,
  category: CategoryRule,
  calendar: WorkCalendar,
  rand: () => number,
  now: Date,
): Outcome {
  const at = (d: Date) => (d.getTime() <= now.getTime() ? d : null);
  const t0 = r.receivedAt.getTime();
  const dispatchedAt = new Date(t0 + (2 + rand() * 25) * MIN);
  let unit = unitOf(category, r.grid);
  const clocks = dispatchClocks(calendar, category, dispatchedAt);
  const events: Outcome['events'] = [
    {
      action: 'receive',
      from: null,
      to: 'received',
      at: r.receivedAt,
      note: null,
      unit: null,
      actor: '系统',
    },
    {
      action: 'classify',
      from: 'received',
      to: 'classified',
      at: dispatchedAt,
      note: null,
      unit: null,
      actor: '12345 话务员',
    },
    {
      action: 'dispatch',
      from: 'classified',
      to: 'dispatched',
      at: dispatchedAt,
      note: null,
      unit,
      actor: '12345 话务员',
    },
  ];
  const base = {
    dispatchedAt,
    responseDue: clocks.responseDue,
    resolveDue: clocks.resolveDue,
    warnAt: clocks.warnAt,
    returned: false,
    reopened: false,
    solved: null,
    satisfaction: null,
    ratingReason: null,
  };
  const open = (status: string, acceptedAt: Date | null): Outcome => {
    const overdue = clocks.resolveDue.getTime() <= now.getTime();
    return {
      ...base,
      status,
      unitCode: unit,
      acceptedAt,
      resolvedAt: null,
      closedAt: null,
      escalated: overdue,
      warned: clocks.warnAt.getTime() <= now.getTime(),
      events,
    };
  };
  if (dispatchedAt.getTime() > now.getTime()) {
    return { ...open('received', null), events: events.slice(0, 1) };
  }
  let returned = false;
  let acceptStart = dispatchedAt.getTime();
  // 3 % are returned by the first unit and re-dispatched to the territorial street (属地兜底).
  if (rand() < 0.03 && category.unitKind !== 'street') {
    const back = new Date(acceptStart + (20 + rand() * 200) * MIN);
    if (back.getTime() > now.getTime()) return open('dispatched', null);
    events.push({
      action: 'return',
      from: 'dispatched',
      to: 'returned',
      at: back,
      note: '非本单位职责',
      unit,
      actor: '承办人',
    });
    unit = r.grid.streetCode.padEnd(12, '0');
    const again = new Date(back.getTime() + (10 + rand() * 60) * MIN);
    events.push({
      action: 'reassign',
      from: 'returned',
      to: 'dispatched',
      at: again,
      note: '属地街道牵头办理',
      unit,
      actor: '12345 话务员',
    });
    returned = true;
    acceptStart = again.getTime();
  }
  const responseSpan = Math.max(30 * MIN, clocks.responseDue.getTime() - dispatchedAt.getTime());
  const acceptedAt = new Date(
    acceptStart + (rand() < 0.93 ? 0.1 + rand() * 0.85 : 1.1 + rand() * 3) * responseSpan,
  );
  if (!at(acceptedAt)) return { ...open('dispatched', null), returned };
  events.push({
    action: 'accept',
    from: 'dispatched',
    to: 'accepted',
    at: acceptedAt,
    note: null,
    unit,
    actor: '承办人',
  });
  const resolveSpan = Math.max(60 * MIN, clocks.resolveDue.getTime() - acceptedAt.getTime());
  const resolvedAt = new Date(
    acceptedAt.getTime() + (rand() < 0.9 ? 0.15 + rand() * 0.8 : 1.05 + rand()) * resolveSpan,
  );
  const startedAt = new Date(acceptedAt.getTime() + Math.min(resolveSpan * 0.1, 120 * MIN));
  if (!at(startedAt)) return { ...open('accepted', acceptedAt), returned };
  events.push({
    action: 'start',
    from: 'accepted',
    to: 'in_progress',
    at: startedAt,
    note: null,
    unit,
    actor: '承办人',
  });
  if (!at(resolvedAt)) return { ...open('in_progress', acceptedAt), returned };
  events.push({
    action: 'resolve',
    from: 'in_progress',
    to: 'resolved',
    at: resolvedAt,
    note: '已处理完毕',
    unit,
    actor: '承办人',
  });
  const late = resolvedAt.getTime() > clocks.resolveDue.getTime();
  const visitedAt = new Date(resolvedAt.getTime() + (60 + rand() * 2 * 1440) * MIN);
  const common = {
    ...base,
    unitCode: unit,
    acceptedAt,
    resolvedAt,
    returned,
    escalated: late,
    warned: late || rand() < 0.2,
    events,
  };
  if (!at(visitedAt)) return { ...common, status: 'resolved', closedAt: null };
  if (rand() < 0.12) {
    // No callback possible (anonymous, unreachable): closed after a week without a rating.
    const closedAt = new Date(resolvedAt.getTime() + 7 * 1440 * MIN);
    if (!at(closedAt)) return { ...common, status: 'resolved', closedAt: null };
    events.push({
      action: 'close',
      from: 'resolved',
      to: 'closed',
      at: closedAt,
      note: '无法回访',
      unit: null,
      actor: '系统',
    });
    return { ...common, status: 'closed', closedAt };
  }
  // Late resolution and returns make residents less happy.
  const solved = rand() < (late ? 0.85 : 0.96);
  let reopened = false;
  if (!solved && rand() < 0.4) reopened = true;
  const satisfaction = solved
    ? rand() < (late ? 0.8 : 0.95)
      ? 4 + Math.round(rand())
      : 3
    : 1 + Math.floor(rand() * 3);
  const ratingReason = !solved || satisfaction < 4 ? (solved ? '办理速度慢' : '问题没有解决') : null;
  events.push({
    action: 'callback',
    from: 'resolved',
    to: 'rated',
    at: visitedAt,
    note: ratingReason,
    unit: null,
    actor: '12345 话务员',
  });
  const closedAt = new Date(visitedAt.getTime() + 10 * MIN);
  if (!at(closedAt))
    return { ...common, status: 'rated', closedAt: null, solved, satisfaction, ratingReason };
  events.push({
    action: reopened ? 'reopen' : 'close',
    from: 'rated',
    to: reopened ? 'dispatched' : 'closed',
    at: closedAt,
    note: reopened ? '诉求人反映未解决' : null,
    unit: reopened ? unit : null,
    actor: '12345 话务员',
  });
  if (reopened) {
    // The reopened order is handled again and closed; the first (unsolved) rating stays in the history.
    const again = new Date(closedAt.getTime() + 3 * 1440 * MIN);
    if (!at(again))
      return {
        ...common,
        status: 'dispatched',
        closedAt: null,
        reopened,
        solved: null,
        satisfaction: null,
        ratingReason: null,
      };
    events.push({
      action: 'resolve',
      from: 'in_progress',
      to: 'resolved',
      at: again,
      note: '重新处理完毕',
      unit,
      actor: '承办人',
    });
    events.push({
      action: 'close',
      from: 'resolved',
      to: 'closed',
      at: new Date(again.getTime() + 1440 * MIN),
      note: '重办后结案',
      unit: null,
      actor: '系统',
    });
    return {
      ...common,
      status: 'closed',
      closedAt: new Date(again.getTime() + 1440 * MIN),
      reopened,
      solved,
      satisfaction,
      ratingReason,
    };
  }
  return { ...common, status: 'closed', closedAt, solved, satisfaction, ratingReason };
}

export interface LoadHistoryOptions {
  catalog: CategoryCatalog;
  calendar: WorkCalendar;
  cipher: FieldCipher;
  seed: number;
  now?: Date;
  /** Write events, requesters and notifications too (the demo); the dashboard benchmark needs orders only. */
  full: boolean;
  onProgress?: (done: number, total: number) => void;
}

const WORK_ORDER_COLUMNS = [
  'id',
  'number',
  'street_code',
  'community_code',
  'grid_id',
  'scope_path',
  'channel',
  'status',
  'category_code',
  'description',
  'lng',
  'lat',
  'lead_unit_code',
  'received_at',
  'dispatched_at',
  'accepted_at',
  'resolved_at',
  'closed_at',
  'response_due',
  'resolve_due',
  'warn_at',
  'warned',
  'escalated',
  'escalation_level',
  'reopen_count',
  'return_count',
  'solved',
  'satisfaction',
  'rating_reason',
  'resolution_note',
  'updated_at',
] as const;

/** The id after the highest work order's: where generated history (or a bench's orders) may start numbering. */
export async function firstFreeOrderId(db: Db): Promise<number> {
  const row = await db
    .selectFrom('work_order')
    .select((eb) => eb.fn.max('id').as('m'))
    .executeTakeFirst();
  return Number(row?.m ?? 0) + 1;
}

/** Loads past requests as work orders in one transaction; returns the number of orders. */
export async function loadOrderHistory(
  database: Database,
  requests: readonly HistoricRequest[],
  options: LoadHistoryOptions,
): Promise<number> {
  const now = options.now ?? new Date();
  const rand = seededRandom(options.seed);
  const firstId = await firstFreeOrderId(database.db);
  // Units every order may point at must exist first (streets and communities by division code).
  const unitRows = new Map<string, { code: string; name: string; kind: string; scope_path: string | null }>();
  unitRows.set(CENTRE_UNIT.code, {
    code: CENTRE_UNIT.code,
    name: CENTRE_UNIT.name,
    kind: 'centre',
    scope_path: null,
  });
  for (const c of options.catalog.leaves()) {
    if (c.unitKind === 'department' || c.unitKind === 'utility')
      unitRows.set(c.unitCode, { code: c.unitCode, name: c.unitName, kind: c.unitKind, scope_path: null });
  }
  const divisions = await database.db
    .selectFrom('admin_division')
    .select(['code', 'name', 'path', 'level'])
    .where('level', 'in', [4, 5])
    .execute();
  for (const d of divisions)
    unitRows.set(d.code, {
      code: d.code,
      name: d.name,
      kind: d.level === 4 ? 'street' : 'community',
      scope_path: d.path,
    });
  const existingUnits = new Set(
    (await database.db.selectFrom('handling_unit').select('code').execute()).map((u) => u.code),
  );

  return database.bulk(async (session) => {
    await session.copy(
      'handling_unit',
      ['code', 'name', 'kind', 'scope_path'],
      [...unitRows.values()]
        .filter((u) => !existingUnits.has(u.code))
        .map((u) => [u.code, u.name, u.kind, u.scope_path]),
    );
    const CHUNK = 20_000;
    let eventId =
      Number((await session.exec('SELECT coalesce(max(id), 0) AS m FROM order_event'))[0]!['m']) + 1;
    let requesterId =
      Number((await session.exec('SELECT coalesce(max(id), 0) AS m FROM order_requester'))[0]!['m']) + 1;
    for (let start = 0; start < requests.length; start += CHUNK) {
      const orders: unknown[][] = [];
      const requesters: unknown[][] = [];
      const events: unknown[][] = [];
      const assignments: unknown[][] = [];
      for (let i = start; i < Math.min(requests.length, start + CHUNK); i++) {
        const r = requests[i]!;
        const category = options.catalog.find(r.categoryCode);
        if (!category) throw new Error(`unknown category ${r.categoryCode} in request history`);
        const o = simulateOutcome(r, category, options.calendar, rand, now);
        const id = firstId + i;
        const last = o.events[o.events.length - 1]!;
        orders.push([
          id,
          orderNumber(id, r.receivedAt),
          r.grid.streetCode,
          r.grid.communityCode,
          r.grid.id,
          r.grid.path,
          r.channel,
          o.status,
          r.categoryCode,
          r.description,
          r.lng,
          r.lat,
          o.status === 'received' ? null : o.unitCode,
          r.receivedAt,
          o.status === 'received' ? null : o.dispatchedAt,
          o.acceptedAt,
          o.resolvedAt,
          o.closedAt,
          o.responseDue,
          o.resolveDue,
          o.warnAt,
          o.warned,
          o.escalated,
          o.escalated ? 1 : 0,
          o.reopened ? 1 : 0,
          o.returned ? 1 : 0,
          o.solved,
          o.satisfaction,
          o.ratingReason,
          o.resolvedAt ? '已处理完毕' : null,
          last.at,
        ]);
        if (!options.full) continue;
        const anonymous = r.requester === null;
        const phone = r.requester?.phone ?? null;
        requesters.push([
          requesterId++,
          id,
          r.grid.streetCode,
          anonymous,
          r.requester?.name ?? null,
          phone ? options.cipher.seal(phone) : null,
          phone ? options.cipher.blindIndex(phone) : null,
          phone ? maskPhone(phone) : null,
          r.channel,
          r.description,
          createHash('sha256').update(`${options.seed}:${id}`).digest('hex'),
          r.receivedAt,
        ]);
        for (const e of o.events) {
          events.push([
            eventId++,
            id,
            r.grid.streetCode,
            e.action,
            e.from,
            e.to,
            e.actor,
            e.unit,
            e.at,
            e.note,
            !['classify', 'return', 'escalate', 'warn'].includes(e.action),
          ]);
        }
        if (o.status !== 'received') {
          assignments.push([
            id,
            r.grid.streetCode,
            o.unitCode,
            'lead',
            o.dispatchedAt,
            o.acceptedAt,
            o.resolvedAt,
            o.resolvedAt ? 'completed' : null,
          ]);
        }
      }
      await session.copy('work_order', WORK_ORDER_COLUMNS, orders as never);
      if (options.full) {
        await session.copy(
          'order_requester',
          [
            'id',
            'order_id',
            'street_code',
            'anonymous',
            'name',
            'phone_cipher',
            'phone_hash',
            'phone_masked',
            'channel',
            'description',
            'access_code_hash',
            'joined_at',
          ],
          requesters as never,
        );
        await session.copy(
          'order_event',
          [
            'id',
            'order_id',
            'street_code',
            'action',
            'from_status',
            'to_status',
            'actor_name',
            'unit_code',
            'occurred_at',
            'note',
            'public',
          ],
          events as never,
        );
        await session.copy(
          'order_assignment',
          [
            'order_id',
            'street_code',
            'unit_code',
            'role',
            'assigned_at',
            'accepted_at',
            'ended_at',
            'end_reason',
          ],
          assignments as never,
        );
      }
      options.onProgress?.(Math.min(requests.length, start + CHUNK), requests.length);
    }
    // Identity columns were given explicit values: move the sequences past them.
    for (const table of ['work_order', 'order_event', 'order_requester']) {
      await session.exec(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT coalesce(max(id), 1) FROM ${table}))`,
      );
    }
    return requests.length;
  });
}
