// The rules of the work-order loop: intake from every channel (with idempotency, same-incident merging, photo
// checks and place checks), every workflow step (state change + event + notifications + audit entry in one
// transaction), who may see and act on which order, and the deadline sweeper's work.
import { createHash, randomInt } from 'node:crypto';
import type { WorkCalendar } from '../../lib/calendar/working-time.ts';
import {
  bigrams,
  DEFAULT_SAME_INCIDENT_RULE,
  findSameIncident,
  type IncidentCandidate,
  type IncidentQuery,
} from '../../lib/incident/same-incident.ts';
import { maskPhone } from '../../lib/masking.ts';
import type { AuditEntry } from '../../platform/audit/audit-log.ts';
import {
  appendAudit,
  type ChainHead,
  chainRows,
  guardedAuditAppend,
  lockAuditHead,
} from '../../platform/audit/audit-log.ts';
import { roleCan } from '../../platform/auth/roles.ts';
import { inScope, type Viewer } from '../../platform/auth/viewer.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database, Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
// The people domain's phone rule (mobile or landline with area code), so that a phone means the same everywhere.
import { normalisePhone } from '../people/people.service.ts';
import type { CategoryCatalog, CategoryRule } from './category-catalog.ts';
import type { GridLocator, GridPlace } from './grid-locator.ts';
import { createIntakeIdPool } from './intake-ids.ts';
import type { EventRecord } from './order.presenter.ts';
import { dispatchClocks } from './order-clocks.ts';
import {
  endOpenAssignments,
  ensureUnit,
  findOpenOrdersNearMany,
  findOrder,
  findOrderByIdempotencyKey,
  type IntakeGroupRows,
  type IntakeRequester,
  insertAssignments,
  insertEvent,
  type NewEventRow,
  type NewOrderRow,
  type OrderRow,
  queueNotifications,
  stateOf,
  unitCodesOfAccount,
  writeIntakeGroup,
} from './work-orders.repository.ts';
import {
  ACTION_LABELS,
  type Action,
  type ActorCapacity,
  type OrderState,
  STATUS_LABELS,
  transition,
  WorkflowRefusal,
} from './workflow.ts';

export const MAX_DESCRIPTION_CHARS = 2000;
export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

export type Channel = 'portal' | 'hotline' | 'patrol' | 'open311' | 'proactive';

export interface PhotoInput {
  fileName: string;
  contentType: string;
  data: Buffer;
}

export interface IntakeInput {
  channel: Channel;
  description: string;
  categoryCode?: string | null | undefined;
  categoryConfidence?: number | null | undefined;
  eventCode?: string | null | undefined;
  address?: string | null | undefined;
  lng?: number | null | undefined;
  lat?: number | null | undefined;
  name?: string | null | undefined;
  phone?: string | null | undefined;
  anonymous?: boolean | undefined;
  personId?: number | null | undefined;
  photos?: PhotoInput[] | undefined;
  receivedAt?: Date | undefined;
  /** The 12345 system's record number of an imported call (工单编号). */
  hotlineRecord?: string | null | undefined;
}

/** Who is submitting or acting, and how to write their audit entries. */
export interface Caller {
  viewer: Viewer | null;
  /** Request id, address: what the audit entry needs besides the viewer. */
  audit: Pick<AuditEntry, 'requestId' | 'ip'>;
  /** The capacity of someone without an account who proved to be the requester (order number + code). */
  asRequester?: boolean;
  /** An operator at the server's command line (`cbrain requests import`), audited like every command-line run. */
  commandLine?: { username: string; scopePath: string };
}

/** The caller of work done at the command line: its audit entries name the operator, with the role `cli`. */
export function commandLineCaller(username: string, scopePath: string): Caller {
  return { viewer: null, audit: { requestId: null, ip: null }, commandLine: { username, scopePath } };
}

export interface IntakeResult {
  order: OrderRow;
  /** false when the idempotency key was seen before: the same order is answered, nothing is written. */
  created: boolean;
  /** true when the request joined an open order about the same incident. */
  merged: boolean;
  /** Shown once to the requester: with the order number it lets them rate or reopen without an account. */
  accessCode: string | null;
  /** The unit names and steps the answer shows, when intake already knows them (a new order). */
  shown?: { units: Map<string, string>; events: EventRecord[] };
}

export interface WorkOrderDeps {
  database: Database;
  cipher: FieldCipher;
  catalog: CategoryCatalog;
  calendar: WorkCalendar;
  locator: GridLocator;
  now?: () => Date;
  /**
   * Intake groups in flight (group commit): one is written while the others look up; default 2 on PostgreSQL,
   * 1 on PGlite (a single connection, where a look-up cannot overlap a write).
   */
  writers?: number;
}

export const CENTRE_UNIT = {
  code: 'centre',
  name: '12345 派单中心',
  kind: 'centre' as const,
  scopePath: null,
};

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The order number residents quote on the phone: China date + zero-padded id (16 digits). */
export function orderNumber(id: number, at: Date): string {
  const day = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
  return `${day}${String(id).padStart(8, '0')}`;
}

function auditOf(caller: Caller, entry: Omit<AuditEntry, 'requestId' | 'ip'>): AuditEntry {
  const v = caller.viewer;
  if (!v && caller.commandLine) {
    const { username, scopePath } = caller.commandLine;
    return { ...entry, ...caller.audit, accountId: null, username, role: 'cli', scopePath };
  }
  return {
    ...entry,
    ...caller.audit,
    accountId: v?.accountId ?? null,
    username: v?.username ?? null,
    role: v?.role ?? (caller.asRequester ? 'requester' : 'anonymous'),
    scopePath: v?.scopePath ?? null,
  };
}

function actorName(caller: Caller): string {
  if (caller.viewer) return caller.viewer.displayName;
  return caller.asRequester ? '诉求人' : '系统';
}

/** Magic numbers of the photo types we accept: a file is what its bytes say, not what its name claims. */
function sniffImage(data: Buffer): string | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (
    data.length >= 8 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  if (
    data.length >= 12 &&
    data.toString('latin1', 0, 4) === 'RIFF' &&
    data.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'image/webp';
  return null;
}

export function checkPhotos(photos: PhotoInput[]): void {
  if (photos.length > MAX_PHOTOS) {
    throw new AppError('VALIDATION_FAILED', [
      {
        field: 'body/photos',
        message: `最多上传 ${MAX_PHOTOS} 张照片`,
        messageEn: `At most ${MAX_PHOTOS} photos`,
      },
    ]);
  }
  for (const [i, p] of photos.entries()) {
    if (!(PHOTO_TYPES as readonly string[]).includes(p.contentType) || sniffImage(p.data) !== p.contentType) {
      throw new AppError('ATTACHMENT_TYPE_UNSUPPORTED', [
        {
          field: `body/photos/${i}`,
          message: '文件不是 JPEG、PNG 或 WebP 图片',
          messageEn: 'The file is not a JPEG, PNG or WebP image',
        },
      ]);
    }
    if (p.data.length > MAX_PHOTO_BYTES) {
      throw new AppError('ATTACHMENT_TOO_LARGE', [
        {
          field: `body/photos/${i}`,
          message: `每张照片不超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB`,
          messageEn: `Each photo must be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`,
        },
      ]);
    }
  }
}

/** Territorial unit codes of a viewer (属地): a street officer's street, a community or grid worker's community. */
export function territorialUnits(viewer: Viewer): string[] {
  const parts = viewer.scopePath.split('/').filter(Boolean);
  if (viewer.role === 'street_officer' && parts.length === 2) return [parts[1]!.padEnd(12, '0')];
  if ((viewer.role === 'community_worker' || viewer.role === 'grid_worker') && parts.length >= 3)
    return [parts[2]!];
  return [];
}

/** The open-order look-up's own filter (a box of about `metres` around the point, or the same address). */
function looksNear(q: IncidentQuery, c: IncidentCandidate, metres: number): boolean {
  if (q.address !== null && c.address === q.address) return true;
  if (q.lng === null || q.lat === null || c.lng === null || c.lat === null) return false;
  const dLat = metres / 111_000;
  const dLng = metres / (111_000 * Math.cos((q.lat * Math.PI) / 180));
  return Math.abs(c.lng - q.lng) <= dLng && Math.abs(c.lat - q.lat) <= dLat;
}

export function createWorkOrderService(deps: WorkOrderDeps) {
  const { database, cipher, catalog, calendar, locator } = deps;
  const now = deps.now ?? (() => new Date(Math.floor(Date.now())));

  async function unitsOf(db: Db, viewer: Viewer): Promise<string[]> {
    if (!roleCan(viewer.role, 'request:handle')) return [];
    return [...territorialUnits(viewer), ...(await unitCodesOfAccount(db, viewer.accountId))];
  }

  /** Whether the viewer may see the order: in their area, or dispatched to one of their units. */
  function visible(viewer: Viewer, units: string[], row: OrderRow): boolean {
    if (!roleCan(viewer.role, 'request:read')) return false;
    if (viewer.role !== 'unit_handler' && inScope(viewer, row.scope_path)) return true;
    return units.some((u) => u === row.lead_unit_code || row.co_unit_codes.includes(u));
  }

  function capacitiesOf(viewer: Viewer, units: string[], row: OrderRow): ActorCapacity[] {
    const caps: ActorCapacity[] = [];
    if (roleCan(viewer.role, 'request:dispatch')) caps.push('centre');
    if (roleCan(viewer.role, 'request:supervise') && inScope(viewer, row.scope_path)) caps.push('supervisor');
    if (row.lead_unit_code && units.includes(row.lead_unit_code)) caps.push('lead_unit');
    if (units.some((u) => row.co_unit_codes.includes(u))) caps.push('co_unit');
    return caps;
  }

  // Units seen committed in the database: the intake path asks for the same few dozen units over and over. Only
  // a unit read back from the table is remembered, so a unit inserted by a transaction that rolled back is not.
  const knownUnits = new Map<string, { code: string; name: string }>();

  /** The unit that handles a category at a place: its department, or the place's street or community (属地). */
  async function unitFor(db: Db, category: CategoryRule, place: GridPlace | null) {
    let code = category.unitCode;
    if (category.unitKind === 'street' || category.unitKind === 'community') {
      if (!place) return null;
      code = category.unitKind === 'street' ? place.streetCode.padEnd(12, '0') : place.communityCode;
    }
    const cached = knownUnits.get(code);
    if (cached) return cached;
    const existing = await db
      .selectFrom('handling_unit')
      .select(['code', 'name'])
      .where('code', '=', code)
      .executeTakeFirst();
    if (existing) {
      knownUnits.set(code, existing);
      return existing;
    }
    if (category.unitKind === 'street' || category.unitKind === 'community') {
      const division = await db
        .selectFrom('admin_division')
        .select(['name', 'path'])
        .where('code', '=', code)
        .executeTakeFirst();
      if (!division) return null;
      const unit = { code, name: division.name, kind: category.unitKind, scopePath: division.path };
      await ensureUnit(db, unit);
      return unit;
    }
    const unit = { code, name: category.unitName, kind: category.unitKind, scopePath: null };
    await ensureUnit(db, unit);
    return unit;
  }

  /** A unit named by the centre when dispatching: a known unit, a category's department, or a division code. */
  async function namedUnit(db: Db, code: string): Promise<string> {
    const known = await db
      .selectFrom('handling_unit')
      .select('code')
      .where('code', '=', code)
      .executeTakeFirst();
    if (known) return code;
    const dept = catalog.leaves().find((c) => c.unitCode === code && c.unitKind !== 'street');
    if (dept) {
      await ensureUnit(db, { code, name: dept.unitName, kind: dept.unitKind, scopePath: null });
      return code;
    }
    const division = await db
      .selectFrom('admin_division')
      .select(['name', 'path', 'level'])
      .where('code', '=', code)
      .executeTakeFirst();
    if (division && (division.level === 4 || division.level === 5)) {
      await ensureUnit(db, {
        code,
        name: division.name,
        kind: division.level === 4 ? 'street' : 'community',
        scopePath: division.path,
      });
      return code;
    }
    throw new AppError('UNIT_UNKNOWN', [
      { field: 'body/unitCode', message: `没有编码为 ${code} 的承办单位`, messageEn: `No unit ${code}` },
    ]);
  }

  function categoryOrThrow(code: string, field = 'body/categoryCode'): CategoryRule {
    const category = catalog.find(code);
    if (!category) {
      throw new AppError('CATEGORY_UNKNOWN', [
        { field, message: `没有编码为 ${code} 的诉求类别`, messageEn: `No request category ${code}` },
      ]);
    }
    return category;
  }

  async function placeOf(db: Db, input: IntakeInput): Promise<GridPlace | null> {
    const hasLng = input.lng !== undefined && input.lng !== null;
    const hasLat = input.lat !== undefined && input.lat !== null;
    if (hasLng !== hasLat) {
      throw new AppError('VALIDATION_FAILED', [
        { field: 'body/lat', message: '经纬度须同时填写', messageEn: 'Give both lat and lng, or neither' },
      ]);
    }
    if (!hasLng) return null;
    const place = await locator.locate(db, input.lng!, input.lat!);
    if (!place) {
      throw new AppError('LOCATION_OUTSIDE_DISTRICT', [
        {
          field: 'body/lng',
          message: `坐标 (${input.lng}, ${input.lat}) 不在本辖区任何网格内`,
          messageEn: 'The coordinates lie outside every grid of the district',
        },
      ]);
    }
    return place;
  }

  /** Dispatches inside the caller's transaction: assignment rows, clocks, and the row's new unit fields. */
  async function dispatchColumns(
    trx: Db,
    row: Pick<OrderRow, 'id' | 'street_code' | 'category_code'>,
    lead: string,
    co: string[],
    at: Date,
  ) {
    await endOpenAssignments(trx, row.id, 'reassigned', at);
    await insertAssignments(trx, row.id, row.street_code, lead, co, at);
    const category = row.category_code ? catalog.find(row.category_code) : null;
    const clocks = category ? dispatchClocks(calendar, category, at) : null;
    return {
      lead_unit_code: lead,
      co_unit_codes: co,
      dispatched_at: at,
      accepted_at: null,
      resolved_at: null,
      closed_at: null,
      response_due: clocks?.responseDue ?? null,
      resolve_due: clocks?.resolveDue ?? null,
      warn_at: clocks?.warnAt ?? null,
      warned: false,
      escalated: false,
    };
  }

  async function notify(trx: Db, row: OrderRow, eventId: number, kind: string, message: string, at: Date) {
    await queueNotifications(trx, row.id, row.street_code, eventId, kind, message, at);
  }

  // Group commit of submissions. Every write appends to the hash-chained audit log, whose head is one row: one
  // transaction per submission would serialise all of them on that row. Submissions that arrive together (in the
  // same turn of the event loop) or while earlier ones are being written form a group, and a group is written by
  // one statement with its audit entries (`writeIntakeGroup`): no transaction, no BEGIN and COMMIT, the head row
  // locked only while that statement runs. The round trips of a group are its look-up of open orders nearby, the
  // ids of its new rows, and the write. Groups are written one at a time (the chain is one line, and a group sees
  // the orders the previous one opened), while the next group's look-up already runs. A group that fails is
  // written again one submission at a time, so one bad submission never fails another. Waiting for the turn to end
  // matters most on PGlite, whose queries finish without giving the event loop a turn: started at once, every
  // group would hold one submission.

  /** A notice to the new requester: the order number goes between `before` and `after`; `step` is its event. */
  interface IntakeNotice {
    kind: string;
    before: string;
    after: string;
    step: number;
  }
  /** A new order's content; its id, number and requester count are settled when its group is written. */
  interface Opening {
    order: Omit<NewOrderRow, 'id' | 'number' | 'requester_count'>;
    steps: Array<Omit<NewEventRow, 'id' | 'order_id' | 'street_code' | 'joining'>>;
    notices: IntakeNotice[];
    unit: { code: string; name: string } | null;
  }
  /** A submission ready to be written: where and what it is, and what it writes as a new order or a join. */
  interface IntakeWrite {
    caller: Caller;
    channel: Channel;
    query: IncidentQuery;
    since: Date;
    at: Date;
    requester: IntakeRequester;
    reachable: boolean;
    accessCode: string;
    photos: PhotoInput[];
    anonymous: boolean;
    opening: Opening;
  }
  interface PendingWrite extends IntakeWrite {
    resolve(r: IntakeResult): void;
    reject(e: unknown): void;
  }
  /** What a group needs to know of an order it may join besides the same-incident facts. */
  interface KnownOrder {
    number: string;
    streetCode: string | null;
  }
  const pending: PendingWrite[] = [];
  let activeGroups = 0;
  const maxGroups = deps.writers ?? (database.backend === 'pglite' ? 1 : 2);
  const MAX_BATCH = 64;
  let pumpScheduled = false;
  // The chain head this writer last wrote; null until it has written (or after a write that did not happen).
  let auditHead: ChainHead | null = null;
  // Groups write one after the other: each waits for the one before it.
  let writeTurn: Promise<void> = Promise.resolve();
  // Orders opened by recent groups: a group whose look-up ran before they were written still sees them.
  let groupsWritten = 0;
  let recentlyOpened: Array<{ group: number; candidate: IncidentCandidate; known: KnownOrder }> = [];
  // How many groups had been written when each group now looking up or waiting for its turn ran its look-up.
  const deciding: number[] = [];
  const intakeIds = createIntakeIdPool();
  // Bigrams of open orders' descriptions (which never change): the same orders are compared with report after
  // report. Dropped wholesale when large, which is cheaper than tracking which orders closed.
  const grams = new Map<number, Map<string, number>>();
  function gramsOf(orderId: number, description: string) {
    let g = grams.get(orderId);
    if (!g) {
      if (grams.size >= 20_000) grams.clear();
      g = bigrams(description);
      grams.set(orderId, g);
    }
    return g;
  }

  const NOTICE_RECEIVED = {
    kind: 'received',
    before: '您的诉求已受理，编号 ',
    after: '，可凭编号查询办理进度。',
  };
  const NOTICE_MERGED = {
    kind: 'merged',
    before: '您反映的问题已有工单（编号 ',
    after: '）正在处理，我们会一并告知您办理结果。',
  };
  const JOIN_NOTE = '同一事件的新诉求并入本工单';

  function attachmentRows(orderId: number, streetCode: string | null, photos: PhotoInput[], at: Date) {
    return photos.map((p) => ({
      order_id: orderId,
      street_code: streetCode,
      file_name: p.fileName.slice(0, 200),
      content_type: p.contentType,
      byte_size: p.data.length,
      sha256: createHash('sha256').update(p.data).digest('hex'),
      content: p.data,
      created_at: at,
    }));
  }

  /**
   * Decides and writes a group: each submission in order joins the same incident or opens an order, exactly as if
   * they had come one after the other (a later one can join an order opened earlier in the group or by the group
   * written just before). `near` is the look-up of open orders near each of them; `seenGroups` how many groups
   * had been written when it ran.
   */
  async function writeGroup(
    items: IntakeWrite[],
    near: Awaited<ReturnType<typeof findOpenOrdersNearMany>>,
    seenGroups: number,
  ): Promise<IntakeResult[]> {
    const known = new Map<number, KnownOrder>();
    const candidates: IncidentCandidate[][] = items.map(() => []);
    for (const n of near) {
      const id = Number(n.id);
      known.set(id, { number: n.number, streetCode: n.street_code });
      candidates[n.probe]!.push({
        id,
        description: n.description,
        grams: gramsOf(id, n.description),
        lng: n.lng,
        lat: n.lat,
        address: n.address,
        categoryCode: n.category_code,
        receivedAt: new Date(n.received_at),
      });
    }
    const radius = DEFAULT_SAME_INCIDENT_RULE.radiusMetres;
    const later = recentlyOpened.filter((r) => r.group > seenGroups);
    for (const r of later) known.set(r.candidate.id, r.known);
    // Decisions first (with stand-in ids for the group's own new orders, above every real one, so that an older
    // order still wins a tie), then the ids, then the rows.
    const STAND_IN = 2 ** 52;
    const own: IncidentCandidate[] = [];
    const plan = items.map((it, i) => {
      const near = (c: IncidentCandidate) => c.receivedAt >= it.since && looksNear(it.query, c, radius);
      const seen = new Set(candidates[i]!.map((c) => c.id));
      const extra = later.map((r) => r.candidate).filter((c) => !seen.has(c.id) && near(c));
      const same = findSameIncident(it.query, [...own.filter(near).reverse(), ...extra, ...candidates[i]!]);
      if (!same) {
        own.push({ ...it.query, id: STAND_IN + i, receivedAt: it.query.at });
      }
      return same;
    });
    const openers = plan.flatMap((same, i) => (same ? [] : [i]));
    const ids = await intakeIds.take(database.db, {
      orders: openers.length,
      requesters: items.length,
      events: items.reduce((n, it, i) => n + (plan[i] ? 1 : it.opening.steps.length), 0),
    });
    const orderId = new Map(openers.map((index, k) => [STAND_IN + index, ids.orders[k]!]));
    const rows: IntakeGroupRows = {
      orders: [],
      joinCounts: [],
      requesters: [],
      events: [],
      assignments: [],
      notices: [],
      attachments: [],
    };
    const newOrders = new Map<number, NewOrderRow>();
    const newUnits = new Map<number, string | null>();
    const entries: AuditEntry[] = [];
    let nextEvent = 0;
    const takeEvent = () => ids.events[nextEvent++]!;
    // Per item: the order it went to, its requester and the steps its answer shows beyond what the database had.
    const outcome = items.map((it, i) => {
      const requesterId = ids.requesters[i]!;
      const same = plan[i];
      if (!same) {
        const id = orderId.get(STAND_IN + i)!;
        const o = it.opening;
        const order: NewOrderRow = { ...o.order, id, number: orderNumber(id, it.at), requester_count: 1 };
        newOrders.set(id, order);
        newUnits.set(id, o.unit?.name ?? null);
        rows.orders.push(order);
        rows.requesters.push({
          ...it.requester,
          id: requesterId,
          order_id: id,
          street_code: order.street_code,
        });
        const events = o.steps.map((st) => ({
          ...st,
          id: takeEvent(),
          order_id: id,
          street_code: order.street_code,
          joining: false,
        }));
        rows.events.push(...events);
        if (order.lead_unit_code) {
          rows.assignments.push({
            order_id: id,
            street_code: order.street_code,
            unit_code: order.lead_unit_code,
            assigned_at: it.at,
          });
        }
        for (const n of o.notices) {
          rows.notices.push({
            order_id: id,
            street_code: order.street_code,
            requester_id: requesterId,
            event_id: events[n.step]!.id,
            kind: n.kind,
            message: `${n.before}${order.number}${n.after}`,
            created_at: it.at,
          });
        }
        rows.attachments.push(...attachmentRows(id, order.street_code, it.photos, it.at));
        entries.push(
          auditOf(it.caller, {
            action: 'request.create',
            entityType: 'work_order',
            entityIds: [id],
            details: {
              channel: it.channel,
              category: o.order.category_code,
              anonymous: it.anonymous,
            },
          }),
        );
        return { orderId: id, merged: false, events: events.filter((e) => e.public) };
      }
      const id = orderId.get(same.id) ?? same.id;
      const opened = newOrders.get(id);
      const target = opened
        ? { number: opened.number, streetCode: opened.street_code }
        : (known.get(id) ?? null);
      if (!target) throw new Error(`order ${id} is neither new nor looked up`);
      if (opened) opened.requester_count += 1;
      else {
        const count = rows.joinCounts.find((c) => c.order_id === id);
        if (count) count.n += 1;
        else rows.joinCounts.push({ order_id: id, n: 1 });
      }
      rows.requesters.push({
        ...it.requester,
        id: requesterId,
        order_id: id,
        street_code: target.streetCode,
      });
      const event: NewEventRow = {
        id: takeEvent(),
        order_id: id,
        street_code: target.streetCode,
        action: 'join',
        from_status: opened ? opened.status : null,
        to_status: opened ? opened.status : null,
        joining: !opened,
        actor_account_id: it.caller.viewer?.accountId ?? null,
        actor_name: actorName(it.caller),
        unit_code: null,
        occurred_at: it.at,
        note: JOIN_NOTE,
        public: true,
        details: { channel: it.channel, textSimilarity: Number(same.textSimilarity.toFixed(3)) },
      };
      rows.events.push(event);
      if (it.reachable) {
        rows.notices.push({
          order_id: id,
          street_code: target.streetCode,
          requester_id: requesterId,
          event_id: event.id,
          kind: NOTICE_MERGED.kind,
          message: `${NOTICE_MERGED.before}${target.number}${NOTICE_MERGED.after}`,
          created_at: it.at,
        });
      }
      rows.attachments.push(...attachmentRows(id, target.streetCode, it.photos, it.at));
      entries.push(
        auditOf(it.caller, {
          action: 'request.join',
          entityType: 'work_order',
          entityIds: [id],
          details: { channel: it.channel, requesterId },
        }),
      );
      return { orderId: id, merged: true, events: [event] };
    });

    const write = async (db: Db, head: ChainHead) => {
      const audit = guardedAuditAppend(chainRows(entries, head.seq, head.hash), head, 'h');
      const result = await writeIntakeGroup(db, rows, audit);
      return { ...result, head: audit.head };
    };
    let result = auditHead ? await write(database.db, auditHead) : null;
    if (!result?.written) {
      // Another writer moved the chain head (or this one has not written yet): lock it and write on it.
      auditHead = null;
      result = await database.db.transaction().execute(async (trx) => write(trx, await lockAuditHead(trx)));
      if (!result.written) throw new Error('the audit chain head moved while it was locked');
    }
    auditHead = result.head;

    groupsWritten += 1;
    // An order stays until every group still deciding looked up after its group was written: a look-up slower
    // than several writes must still see it.
    const oldestSeen = Math.min(groupsWritten, ...deciding);
    recentlyOpened = recentlyOpened.filter((r) => r.group > oldestSeen);
    for (const o of result.created) {
      const order = newOrders.get(Number(o.id))!;
      recentlyOpened.push({
        group: groupsWritten,
        candidate: {
          id: order.id,
          description: order.description,
          lng: order.lng,
          lat: order.lat,
          address: order.address,
          categoryCode: order.category_code,
          receivedAt: order.received_at,
        },
        known: { number: order.number, streetCode: order.street_code },
      });
    }
    const created = new Map(result.created.map((o) => [Number(o.id), o]));
    const joined = new Map(result.joined.map((j) => [Number(j.order.id), j]));
    // Each answer shows the order's public steps up to its own: what the database had, then the group's own.
    const shownSoFar = new Map<number, EventRecord[]>();
    return items.map((it, i) => {
      const out = outcome[i]!;
      const before = shownSoFar.get(out.orderId) ?? joined.get(out.orderId)?.publicEvents ?? [];
      const order = created.get(out.orderId) ?? joined.get(out.orderId)?.order;
      if (!order) throw new Error(`order ${out.orderId} vanished while a requester joined it`);
      // A join keeps the order's state, whatever it was when written.
      const events = [
        ...before,
        ...out.events.map(
          (e): EventRecord => ({
            id: e.id,
            action: e.action,
            from_status: e.joining ? order.status : e.from_status,
            to_status: e.joining ? order.status : e.to_status!,
            actor_name: e.actor_name,
            unit_code: e.unit_code,
            occurred_at: e.occurred_at,
            note: e.note,
            public: true,
          }),
        ),
      ];
      shownSoFar.set(out.orderId, events);
      const leadName = newUnits.has(out.orderId)
        ? newUnits.get(out.orderId)!
        : (joined.get(out.orderId)?.leadUnitName ?? null);
      return {
        order,
        created: true,
        merged: out.merged,
        accessCode: it.accessCode,
        shown: {
          units: new Map(order.lead_unit_code && leadName ? [[order.lead_unit_code, leadName]] : []),
          events,
        },
      };
    });
  }

  function lookUp(items: IntakeWrite[]) {
    return findOpenOrdersNearMany(
      database.db,
      items.map((it) => ({
        lng: it.query.lng,
        lat: it.query.lat,
        address: it.query.address,
        since: it.since,
        categoryCode: it.query.categoryCode,
      })),
      DEFAULT_SAME_INCIDENT_RULE.radiusMetres,
    );
  }

  /** Looks the group up (at once), then writes it when the group before it is written. */
  async function runGroup(batch: PendingWrite[]) {
    const seenGroups = groupsWritten;
    deciding.push(seenGroups);
    const near = await lookUp(batch).catch((e: unknown) => e);
    const previous = writeTurn;
    let done!: () => void;
    writeTurn = new Promise((resolve) => {
      done = resolve;
    });
    await previous;
    const decided = () => deciding.splice(deciding.indexOf(seenGroups), 1);
    try {
      if (near instanceof Error) throw near;
      const results = await writeGroup(batch, near as Awaited<ReturnType<typeof lookUp>>, seenGroups).finally(
        decided,
      );
      for (const [i, item] of batch.entries()) item.resolve(results[i]!);
    } catch (error) {
      if (near instanceof Error) decided();
      intakeIds.clear();
      if (batch.length === 1) batch[0]!.reject(error);
      else {
        for (const item of batch) {
          try {
            const seen = groupsWritten;
            const [result] = await writeGroup([item], await lookUp([item]), seen);
            item.resolve(result!);
          } catch (e) {
            intakeIds.clear();
            item.reject(e);
          }
        }
      }
    } finally {
      done();
    }
  }

  function pump() {
    pumpScheduled = false;
    while (activeGroups < maxGroups && pending.length > 0) {
      const batch = pending.splice(0, MAX_BATCH);
      activeGroups++;
      void runGroup(batch).finally(() => {
        activeGroups--;
        schedulePump();
      });
    }
  }

  function schedulePump() {
    if (pumpScheduled || pending.length === 0) return;
    pumpScheduled = true;
    setImmediate(pump);
  }

  function writeInBatch(write: IntakeWrite): Promise<IntakeResult> {
    return new Promise((resolve, reject) => {
      pending.push({ ...write, resolve, reject });
      schedulePump();
    });
  }

  /** The new order a submission opens when it joins none: a known category is classified and dispatched at once (直派). */
  async function openingOf(
    caller: Caller,
    input: IntakeInput,
    description: string,
    address: string | null,
    category: CategoryRule | null,
    place: GridPlace | null,
    at: Date,
    reachable: boolean,
    key: string | null,
  ): Promise<Opening> {
    const districtPath = place ? null : await locator.districtPath(database.db);
    const unit = category ? await unitFor(database.db, category, place) : null;
    let state: OrderState = {
      status: 'received',
      categoryCode: null,
      leadUnitCode: null,
      coUnitCodes: [],
      supervised: false,
      escalationLevel: 0,
      reopenCount: 0,
      returnCount: 0,
    };
    const step = (
      action: string,
      from: string | null,
      to: string,
      unitCode: string | null,
      isPublic: boolean,
      details: Record<string, unknown>,
    ) => ({
      action,
      from_status: from,
      to_status: to,
      actor_account_id: caller.viewer?.accountId ?? null,
      actor_name: action === 'receive' ? actorName(caller) : '系统',
      unit_code: unitCode,
      occurred_at: at,
      note: null,
      public: isPublic,
      details,
    });
    // The state machine decides these steps here too, and the final state is written with the order.
    const steps = [step('receive', null, 'received', null, true, { channel: input.channel })];
    if (category) {
      const c = transition(state, { name: 'classify', categoryCode: category.code }, ['system']);
      steps.push(step('classify', c.from, c.to, null, c.public, { categoryCode: category.code }));
      state = { ...state, status: c.to, categoryCode: category.code };
      if (unit) {
        const d = transition(state, { name: 'dispatch', unitCode: unit.code }, ['system']);
        steps.push(
          step('dispatch', d.from, d.to, unit.code, d.public, { unitCode: unit.code, coUnitCodes: [] }),
        );
        state = { ...state, status: d.to, leadUnitCode: unit.code };
      }
    }
    const clocks = category && unit ? dispatchClocks(calendar, category, at) : null;
    const notices: IntakeNotice[] = [];
    if (reachable) {
      notices.push({ ...NOTICE_RECEIVED, step: 0 });
      if (unit) {
        notices.push({
          kind: 'dispatch',
          before: '您的诉求（编号 ',
          after: `）已派至${unit.name}办理。`,
          step: steps.length - 1,
        });
      }
    }
    return {
      order: {
        street_code: place ? place.streetCode : null,
        community_code: place?.communityCode ?? null,
        grid_id: place?.gridId ?? null,
        scope_path: place?.path ?? districtPath!,
        channel: input.channel,
        status: state.status,
        category_code: category?.code ?? null,
        category_confidence: input.categoryConfidence ?? null,
        event_code: input.eventCode ?? null,
        description,
        address,
        lng: input.lng ?? null,
        lat: input.lat ?? null,
        lead_unit_code: state.leadUnitCode,
        received_at: at,
        dispatched_at: clocks ? at : null,
        response_due: clocks?.responseDue ?? null,
        resolve_due: clocks?.resolveDue ?? null,
        warn_at: clocks?.warnAt ?? null,
        idempotency_key: key,
        created_by: caller.viewer?.accountId ?? null,
      },
      steps,
      notices,
      unit: unit ? { code: unit.code, name: unit.name } : null,
    };
  }

  async function intake(
    caller: Caller,
    input: IntakeInput,
    idempotencyKey: string | null,
  ): Promise<IntakeResult> {
    const description = input.description.trim();
    if (Array.from(description).length > MAX_DESCRIPTION_CHARS) {
      throw new AppError('REQUEST_TEXT_TOO_LONG', [
        {
          field: 'body/description',
          message: `诉求内容不超过 ${MAX_DESCRIPTION_CHARS} 字`,
          messageEn: `At most ${MAX_DESCRIPTION_CHARS} characters`,
        },
      ]);
    }
    if (description.length < 2) {
      throw new AppError('VALIDATION_FAILED', [
        { field: 'body/description', message: '请描述您的诉求', messageEn: 'Describe the request' },
      ]);
    }
    const category = input.categoryCode ? categoryOrThrow(input.categoryCode) : null;
    checkPhotos(input.photos ?? []);
    const anonymous = input.anonymous ?? false;
    const phone = !anonymous && input.phone ? normalisePhone(input.phone) : null;
    if (!anonymous && input.phone && !phone) {
      throw new AppError('PHONE_INVALID', [
        {
          field: 'body/phone',
          message: '请填写 11 位手机号或带区号的固定电话',
          messageEn: 'A mobile number has 11 digits; a landline needs its area code',
        },
      ]);
    }
    // A hotline record number is the hotline system's own key: the same record is one order, whoever imports it.
    const key = input.hotlineRecord
      ? `hotline-record:${input.hotlineRecord}`.slice(0, 200)
      : idempotencyKey
        ? `${input.channel}:${caller.viewer?.accountId ?? 'anon'}:${idempotencyKey}`.slice(0, 200)
        : null;
    if (key) {
      const seen = await findOrderByIdempotencyKey(database.db, key);
      if (seen) return { order: seen, created: false, merged: false, accessCode: null };
    }
    const place = await placeOf(database.db, input);
    const at = input.receivedAt ?? now();
    const accessCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const address = input.address?.trim() || null;
    const requester: IntakeRequester = {
      anonymous,
      name: anonymous ? null : input.name?.trim() || null,
      phone_cipher: phone ? cipher.seal(phone) : null,
      phone_hash: phone ? cipher.blindIndex(phone) : null,
      phone_masked: phone ? maskPhone(phone) : null,
      person_id: anonymous ? null : (input.personId ?? caller.viewer?.personId ?? null),
      account_id: anonymous ? null : caller.viewer?.role === 'resident' ? caller.viewer.accountId : null,
      channel: input.channel,
      description,
      access_code_hash: sha256(accessCode),
      joined_at: at,
    };
    const reachable = requester.phone_hash !== null || requester.account_id !== null;
    const opening = await openingOf(caller, input, description, address, category, place, at, reachable, key);
    try {
      return await writeInBatch({
        caller,
        channel: input.channel,
        query: {
          description,
          lng: input.lng ?? null,
          lat: input.lat ?? null,
          address,
          categoryCode: input.categoryCode ?? null,
          at,
        },
        since: new Date(at.getTime() - DEFAULT_SAME_INCIDENT_RULE.windowHours * 3600_000),
        at,
        requester,
        reachable,
        accessCode,
        photos: input.photos ?? [],
        anonymous,
        opening,
      });
    } catch (error) {
      // Two identical submissions racing: the loser answers with the winner's order.
      if (key && (error as { code?: string }).code === '23505') {
        const seen = await findOrderByIdempotencyKey(database.db, key);
        if (seen) return { order: seen, created: false, merged: false, accessCode: null };
      }
      throw error;
    }
  }

  /**
   * One workflow step inside the caller's transaction: checks it against the state machine, writes the new state,
   * the event and the requesters' notifications. Returns the updated row.
   */
  async function step(
    trx: Db,
    row: OrderRow,
    action: Action,
    capacities: ActorCapacity[],
    caller: Caller,
    at: Date,
    unitCode: string | null = null,
  ): Promise<OrderRow> {
    let t: ReturnType<typeof transition>;
    try {
      t = transition(stateOf(row), action, capacities);
    } catch (e) {
      if (e instanceof WorkflowRefusal) {
        const code =
          e.kind === 'state'
            ? 'ORDER_TRANSITION_ILLEGAL'
            : e.kind === 'actor'
              ? 'FORBIDDEN'
              : 'VALIDATION_FAILED';
        throw new AppError(
          code,
          [{ field: e.kind === 'state' ? 'status' : 'body', message: e.zh, messageEn: e.en }],
          e.zh,
        );
      }
      throw e;
    }
    const set: Record<string, unknown> = { status: t.to, updated_at: at };
    const p = t.patch;
    if (p.categoryCode !== undefined) set['category_code'] = p.categoryCode;
    if (p.supervised !== undefined) set['supervised'] = p.supervised;
    if (p.escalationLevel !== undefined) set['escalation_level'] = p.escalationLevel;
    if (p.reopenCount !== undefined) set['reopen_count'] = p.reopenCount;
    if (p.returnCount !== undefined) set['return_count'] = p.returnCount;
    if (p.mergedInto !== undefined) set['merged_into'] = p.mergedInto;
    switch (action.name) {
      case 'classify':
        categoryOrThrow(action.categoryCode);
        break;
      case 'dispatch':
      case 'reassign': {
        const lead = await namedUnit(trx, action.unitCode);
        const co: string[] = [];
        for (const c of p.coUnitCodes ?? []) co.push(await namedUnit(trx, c));
        const withCategory = { ...row, category_code: (set['category_code'] as string) ?? row.category_code };
        Object.assign(set, await dispatchColumns(trx, withCategory, lead, co, at));
        break;
      }
      case 'reopen': {
        Object.assign(set, await dispatchColumns(trx, row, row.lead_unit_code!, row.co_unit_codes, at));
        set['solved'] = null;
        set['satisfaction'] = null;
        set['rating_reason'] = null;
        break;
      }
      case 'accept':
        set['accepted_at'] = at;
        await trx
          .updateTable('order_assignment')
          .set({ accepted_at: at })
          .where('order_id', '=', row.id)
          .where('role', '=', 'lead')
          .where('ended_at', 'is', null)
          .execute();
        break;
      case 'resolve':
        set['resolved_at'] = at;
        set['resolution_note'] = t.note;
        await endOpenAssignments(trx, row.id, 'completed', at);
        break;
      case 'return':
        await endOpenAssignments(trx, row.id, 'returned', at);
        break;
      case 'callback':
        set['solved'] = p.solved;
        set['satisfaction'] = p.satisfaction;
        set['rating_reason'] = t.note;
        break;
      case 'close':
        set['closed_at'] = at;
        break;
      case 'escalate':
        set['escalated'] = true;
        break;
      case 'warn':
        set['warned'] = true;
        break;
      default:
        break;
    }
    const updated = (await trx
      .updateTable('work_order')
      .set(set)
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow()) as OrderRow;
    const details: Record<string, unknown> = {};
    if (action.name === 'dispatch' || action.name === 'reassign') {
      details['unitCode'] = updated.lead_unit_code;
      details['coUnitCodes'] = updated.co_unit_codes;
    }
    if (action.name === 'classify') details['categoryCode'] = action.categoryCode;
    if (action.name === 'callback') {
      details['solved'] = action.solved;
      details['satisfaction'] = action.satisfaction;
    }
    if (action.name === 'merge') details['intoOrderId'] = action.intoOrderId;
    const eventId = await insertEvent(trx, {
      orderId: row.id,
      streetCode: row.street_code,
      action: action.name,
      from: t.from,
      to: t.to,
      actorAccountId: caller.viewer?.accountId ?? null,
      actorName: capacities.includes('system') ? '系统' : actorName(caller),
      unitCode:
        unitCode ??
        (action.name === 'dispatch' || action.name === 'reassign' ? updated.lead_unit_code : null),
      at,
      note: t.note,
      public: t.public,
      details,
    });
    if (t.public && action.name !== 'classify') {
      const label = ACTION_LABELS[action.name].zh;
      await notify(
        trx,
        updated,
        eventId,
        action.name,
        `您的诉求（编号 ${updated.number}）进展：${label}，当前状态「${STATUS_LABELS[updated.status as keyof typeof STATUS_LABELS].zh}」。`,
        at,
      );
    }
    return updated;
  }

  /** The order if the viewer may see it; 404 otherwise (out of scope looks exactly like missing). */
  async function visibleOrder(db: Db, viewer: Viewer, id: number, forUpdate = false) {
    const row = await findOrder(db, id, forUpdate);
    const units = await unitsOf(db, viewer);
    if (!row || !visible(viewer, units, row)) throw new AppError('ORDER_NOT_FOUND');
    return { row, units };
  }

  /** A workflow step by a signed-in viewer on an order they can see. */
  async function act(caller: Caller & { viewer: Viewer }, id: number, action: Action): Promise<OrderRow> {
    return database.db.transaction().execute(async (trx) => {
      const { row, units } = await visibleOrder(trx, caller.viewer, id, true);
      const caps = capacitiesOf(caller.viewer, units, row);
      const actingUnit = caps.includes('lead_unit')
        ? row.lead_unit_code
        : (units.find((u) => row.co_unit_codes.includes(u)) ?? null);
      if (action.name === 'merge') {
        const into = await findOrder(trx, action.intoOrderId, true);
        if (!into || into.id === row.id || !visible(caller.viewer, units, into))
          throw new AppError('ORDER_NOT_FOUND');
        if (
          !['received', 'classified', 'dispatched', 'accepted', 'in_progress', 'returned'].includes(
            into.status,
          )
        ) {
          throw new AppError('ORDER_TRANSITION_ILLEGAL', [
            {
              field: 'body/intoOrderId',
              message: '只能并入未办结的工单',
              messageEn: 'Merge only into an open order',
            },
          ]);
        }
        await trx
          .updateTable('order_requester')
          .set({ order_id: into.id })
          .where('order_id', '=', row.id)
          .execute();
        await trx
          .updateTable('work_order')
          .set((eb) => ({ requester_count: eb('requester_count', '+', row.requester_count) }))
          .where('id', '=', into.id)
          .execute();
      }
      const updated = await step(trx, row, action, caps, caller, now(), actingUnit);
      await appendAudit(
        trx,
        auditOf(caller, {
          action: `request.${action.name}`,
          entityType: 'work_order',
          entityIds: [row.id],
          details: { from: row.status, to: updated.status },
        }),
      );
      return updated;
    });
  }

  /** Callback or reopen by the requester without an account: order number plus the code given at submission. */
  async function actAsRequester(caller: Caller, number: string, accessCode: string, action: Action) {
    if (action.name !== 'callback' && action.name !== 'reopen') throw new AppError('FORBIDDEN');
    return database.db.transaction().execute(async (trx) => {
      const row = (await trx
        .selectFrom('work_order')
        .selectAll()
        .where('number', '=', number)
        .forUpdate()
        .executeTakeFirst()) as OrderRow | undefined;
      if (!row) throw new AppError('ORDER_NOT_FOUND');
      const match = await trx
        .selectFrom('order_requester')
        .select('id')
        .where('order_id', '=', row.id)
        .where('access_code_hash', '=', sha256(accessCode))
        .executeTakeFirst();
      if (!match) throw new AppError('ORDER_ACCESS_DENIED');
      const who = { ...caller, asRequester: true };
      const updated = await step(trx, row, action, ['requester'], who, now());
      await appendAudit(
        trx,
        auditOf(who, {
          action: `request.${action.name}`,
          entityType: 'work_order',
          entityIds: [row.id],
          details: { by: 'requester', requesterId: Number(match.id) },
        }),
      );
      return updated;
    });
  }

  /**
   * Deadline sweep: warns on open orders whose warning time has come and escalates those past their deadline,
   * each as a recorded event. Runs at start and on an interval; reads only what the database holds, so a
   * restart loses nothing. Returns what it did.
   */
  async function sweep(at: Date = now(), limit = 500): Promise<{ warned: number; escalated: number }> {
    const due = await database.db
      .selectFrom('work_order')
      .select(['id', 'warned', 'escalated', 'warn_at', 'resolve_due'])
      .where('status', 'in', ['dispatched', 'accepted', 'in_progress'])
      .where((eb) =>
        eb.or([
          eb.and([eb('warned', '=', false), eb('warn_at', '<=', at)]),
          eb.and([eb('escalated', '=', false), eb('resolve_due', '<=', at)]),
        ]),
      )
      .orderBy('warn_at')
      .limit(limit)
      .execute();
    let warned = 0;
    let escalated = 0;
    const system: Caller = { viewer: null, audit: { requestId: null, ip: null } };
    for (const d of due) {
      await database.db.transaction().execute(async (trx) => {
        let row = (await findOrder(trx, Number(d.id), true))!;
        if (!['dispatched', 'accepted', 'in_progress'].includes(row.status)) return;
        if (!row.warned && row.warn_at && new Date(row.warn_at) <= at) {
          row = await step(trx, row, { name: 'warn', kind: 'resolve' }, ['system'], system, at);
          warned++;
        }
        if (!row.escalated && row.resolve_due && new Date(row.resolve_due) <= at) {
          row = await step(
            trx,
            row,
            { name: 'escalate', note: `超过办理时限（${new Date(row.resolve_due).toISOString()}）` },
            ['system'],
            system,
            at,
          );
          escalated++;
        }
        await appendAudit(trx, {
          action: 'request.sweep',
          entityType: 'work_order',
          entityIds: [row.id],
          role: 'system',
          details: { warned: row.warned, escalated: row.escalated },
        });
      });
    }
    return { warned, escalated };
  }

  return {
    districtCode: () => locator.districtCode(database.db),
    intake,
    act,
    actAsRequester,
    sweep,
    visibleOrder,
    unitsOf,
    capacitiesOf,
    visible,
  };
}

export type WorkOrderService = ReturnType<typeof createWorkOrderService>;
