// HTTP routes of the work-order loop: intake from the resident portal, the hotline and grid patrols; the staff's
// order list, detail and workflow steps; the caller look-up and similar-order hints for operators. Thin: each
// checks the permission and hands over to the service; the presenter decides what leaves the server.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rankCandidates } from '../../lib/incident/same-incident.ts';
import { maskAddress, maskName } from '../../lib/masking.ts';
import { requirePermission, type Viewer } from '../../platform/auth/viewer.ts';
import { AppError } from '../../platform/http/errors.ts';
import { offsetOf } from '../../platform/http/pagination.ts';
import { normalisePhone } from '../people/people.service.ts';
import type { RequestsContext } from './context.ts';
import { createRateWindowGate } from './intake-rate-limits.ts';
import { presentOrderDetail, presentOrderSummary, presentPublicOrder } from './order.presenter.ts';
import { findOrderPage } from './order-list.repository.ts';
import {
  ACTION_BODIES,
  CallerOut,
  CallerQuery,
  HotlineSubmitBody,
  IdempotencyHeaders,
  IdParams,
  OrderDetailOut,
  OrderListQuery,
  OrderPageOut,
  PatrolSubmitBody,
  PortalSubmitBody,
  SimilarOut,
  SimilarQuery,
  SubmitOut,
} from './requests.schema.ts';
import { isUrbanEventCode } from './urban-event-codes.ts';
import {
  attachmentsOf,
  eventsOf,
  findOpenOrdersNear,
  findOrder,
  requestersOf,
  unitNames,
} from './work-orders.repository.ts';
import type { Caller, IntakeInput, IntakeResult, PhotoInput } from './work-orders.service.ts';
import {
  type Action,
  type ActionName,
  availableActions,
  type OrderStatus,
  STATUS_LABELS,
} from './workflow.ts';

/** Photos arrive as Base64 in JSON: up to 3 × 2 MB, plus text, fits in 10 MB. */
export const INTAKE_BODY_LIMIT = 10 * 1024 * 1024;

export function callerOf(request: FastifyRequest): Caller {
  return { viewer: request.viewer, audit: { requestId: request.id, ip: request.ip } };
}

/** The request's Idempotency-Key header: a resubmission under the same key answers with the same order. */
export function idempotencyKeyOf(request: FastifyRequest): string | null {
  return (request.headers as { 'idempotency-key'?: string })['idempotency-key'] ?? null;
}

/** What every channel's form says the same way: the text, the category when known, and the place. */
function textAndPlace(body: {
  description: string;
  categoryCode?: string | undefined;
  address?: string | undefined;
  lat?: number | undefined;
  lng?: number | undefined;
}) {
  return {
    description: body.description,
    categoryCode: body.categoryCode,
    address: body.address,
    lat: body.lat,
    lng: body.lng,
  };
}

function decodePhotos(
  photos: Array<{ fileName: string; contentType: string; dataBase64: string }> | undefined,
) {
  return (photos ?? []).map((p, i): PhotoInput => {
    if (!/^[A-Za-z0-9+/=\s]*$/.test(p.dataBase64)) {
      throw new AppError('VALIDATION_FAILED', [
        { field: `body/photos/${i}/dataBase64`, message: '图片内容不是 Base64', messageEn: 'Not Base64' },
      ]);
    }
    return {
      fileName: p.fileName,
      contentType: p.contentType.toLowerCase(),
      data: Buffer.from(p.dataBase64, 'base64'),
    };
  });
}

export async function submitReply(ctx: RequestsContext, reply: FastifyReply, result: IntakeResult) {
  const db = ctx.database.db;
  const units =
    result.shown?.units ??
    (await unitNames(
      db,
      [result.order.lead_unit_code].filter((c): c is string => !!c),
    ));
  const events = result.shown?.events ?? (await eventsOf(db, result.order.id, true));
  return reply.code(result.created ? 201 : 200).send({
    order: presentPublicOrder(result.order, ctx.catalog, units, events),
    merged: result.merged,
    accessCode: result.accessCode,
  });
}

export async function requestsRoutes(app: FastifyInstance, ctx: RequestsContext) {
  const { service, catalog, database } = ctx;
  // Requests are JSON only: a text/plain body is refused with 415 rather than parsed as a string.
  app.removeContentTypeParser('text/plain');
  const perClient = { limit: ctx.limits.perClientPerMinute, windowMs: 60_000 };
  const perPhone = { limit: ctx.limits.perPhonePerHour, windowMs: 3_600_000 };
  const rateWindows = createRateWindowGate(database.db);

  /**
   * 429 with Retry-After when a client or a phone number submits too often (portal and Open311 only). The windows
   * live in the database, so a restart or a second server process does not reset them.
   */
  async function throttle(reply: FastifyReply, clientKey: string, phone: string | null | undefined) {
    const attempts = [{ key: clientKey, rule: perClient }];
    const normalised = phone ? normalisePhone(phone) : null;
    if (normalised) {
      attempts.push({
        key: `phone:${Buffer.from(ctx.cipher.blindIndex(normalised)).toString('hex')}`,
        rule: perPhone,
      });
    }
    const wait = await rateWindows.take(attempts);
    if (wait > 0) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      throw new AppError('RATE_LIMITED');
    }
  }
  ctx.throttle = throttle;

  /** A submission through the intake path under the request's Idempotency-Key: 201 with a new order, else 200. */
  async function submit(request: FastifyRequest, reply: FastifyReply, input: IntakeInput) {
    return submitReply(ctx, reply, await service.intake(callerOf(request), input, idempotencyKeyOf(request)));
  }

  app.post(
    '/api/requests',
    {
      bodyLimit: INTAKE_BODY_LIMIT,
      schema: {
        tags: ['requests'],
        summary: '居民提交诉求（可匿名；同一 Idempotency-Key 重复提交返回同一工单）',
        security: [],
        headers: IdempotencyHeaders,
        body: PortalSubmitBody,
        response: { 200: SubmitOut, 201: SubmitOut },
      },
    },
    async (request, reply) => {
      const body = request.body as PortalSubmitBody;
      await throttle(reply, `ip:${request.ip}`, body.anonymous ? null : body.phone);
      return submit(request, reply, {
        channel: 'portal',
        ...textAndPlace(body),
        anonymous: body.anonymous,
        name: body.name,
        phone: body.phone,
        photos: decodePhotos(body.photos),
      });
    },
  );

  app.post(
    '/api/requests/hotline',
    {
      schema: {
        tags: ['requests'],
        summary: '12345 话务员录入来电诉求',
        headers: IdempotencyHeaders,
        body: HotlineSubmitBody,
        response: { 200: SubmitOut, 201: SubmitOut },
      },
    },
    async (request, reply) => {
      requirePermission(request, 'request:intake');
      const body = request.body as HotlineSubmitBody;
      return submit(request, reply, {
        channel: 'hotline',
        ...textAndPlace(body),
        anonymous: body.anonymous,
        name: body.callerName,
        phone: body.callerPhone,
        personId: body.personId ?? null,
      });
    },
  );

  app.post(
    '/api/requests/patrol',
    {
      bodyLimit: INTAKE_BODY_LIMIT,
      schema: {
        tags: ['requests'],
        summary: '网格员巡查上报（城市管理事件/部件代码）',
        headers: IdempotencyHeaders,
        body: PatrolSubmitBody,
        response: { 200: SubmitOut, 201: SubmitOut },
      },
    },
    async (request, reply) => {
      requirePermission(request, 'request:intake');
      const body = request.body as PatrolSubmitBody;
      if (!isUrbanEventCode(body.eventCode)) {
        throw new AppError('CATEGORY_UNKNOWN', [
          {
            field: 'body/eventCode',
            message: `没有代码为 ${body.eventCode} 的城市管理事件或部件类别`,
            messageEn: `No urban-management class ${body.eventCode}`,
          },
        ]);
      }
      return submit(request, reply, {
        channel: 'patrol',
        ...textAndPlace(body),
        eventCode: body.eventCode,
        photos: decodePhotos(body.photos),
      });
    },
  );

  app.get(
    '/api/requests',
    {
      schema: {
        tags: ['requests'],
        summary: '工单列表（社区看本辖区，承办单位看派给本单位的）',
        querystring: OrderListQuery,
        response: { 200: OrderPageOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'request:read');
      const q = request.query as OrderListQuery;
      const units = await service.unitsOf(database.db, viewer);
      const { rows, total } = await findOrderPage(database.db, viewer, units, q, offsetOf(q));
      const names = await unitNames(database.db, [
        ...new Set(
          rows.flatMap((r) => [r.lead_unit_code, ...r.co_unit_codes]).filter((c): c is string => !!c),
        ),
      ]);
      await ctx.audit(request, {
        action: 'request.search',
        entityType: 'work_order',
        entityIds: rows.map((r) => r.id),
        details: { filters: q },
      });
      return {
        items: rows.map((r) => presentOrderSummary(r, catalog, names)),
        total,
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  );

  app.get(
    '/api/requests/similar',
    {
      schema: {
        tags: ['requests'],
        summary: '录入时提示相近的未办结工单（按内容与地点）',
        querystring: SimilarQuery,
        response: { 200: SimilarOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'request:intake');
      const q = request.query as SimilarQuery;
      const place = { lng: q.lng ?? null, lat: q.lat ?? null, address: q.address ?? null };
      const units = await service.unitsOf(database.db, viewer);
      const candidates = await findOpenOrdersNear(
        database.db,
        place,
        600,
        new Date(Date.now() - 30 * 86_400_000),
        300,
      );
      const ranked = rankCandidates(
        { description: q.text, ...place, categoryCode: null, at: new Date() },
        candidates,
      ).slice(0, q.limit * 3);
      const items = [];
      for (const r of ranked) {
        const row = await findOrder(database.db, r.id);
        if (!row || !service.visible(viewer, units, row)) continue;
        items.push({
          id: row.id,
          number: row.number,
          status: row.status,
          statusLabel: STATUS_LABELS[row.status as OrderStatus].zh,
          description: row.description,
          address: row.address,
          receivedAt: new Date(row.received_at).toISOString(),
          score: Number(r.score.toFixed(3)),
          textSimilarity: Number(r.textSimilarity.toFixed(3)),
          distanceMetres: r.distanceMetres === null ? null : Math.round(r.distanceMetres),
          sameIncident: r.sameIncident,
        });
        if (items.length >= q.limit) break;
      }
      return { items };
    },
  );

  app.get(
    '/api/requests/callers',
    {
      schema: {
        tags: ['requests'],
        summary: '按来电号码查找居民档案（脱敏）与其以往工单',
        querystring: CallerQuery,
        response: { 200: CallerOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'request:intake');
      requirePermission(request, 'person:read');
      const phone = normalisePhone((request.query as { phone: string }).phone);
      if (!phone) {
        throw new AppError('PHONE_INVALID', [
          {
            field: 'querystring/phone',
            message: '电话号码格式不正确',
            messageEn: 'The phone number is not valid',
          },
        ]);
      }
      const hash = ctx.cipher.blindIndex(phone);
      const persons = await database.db
        .selectFrom('person')
        .leftJoin('house', 'house.id', 'person.house_id')
        .innerJoin('grid', 'grid.id', 'person.grid_id')
        .select([
          'person.id',
          'person.name',
          'person.phone_masked',
          'house.address',
          'grid.name as grid_name',
        ])
        .where('person.phone_hash', '=', hash)
        .where('person.scope_path', 'like', `${viewer.scopePath}%`)
        .limit(10)
        .execute();
      const orders = await database.db
        .selectFrom('order_requester')
        .innerJoin('work_order', 'work_order.id', 'order_requester.order_id')
        .select([
          'work_order.id',
          'work_order.number',
          'work_order.status',
          'work_order.received_at',
          'work_order.description',
          'work_order.scope_path',
        ])
        .where('order_requester.phone_hash', '=', hash)
        .orderBy('work_order.received_at', 'desc')
        .limit(20)
        .execute();
      const visibleOrders = orders.filter((o) => o.scope_path.startsWith(viewer.scopePath));
      await ctx.audit(request, {
        action: 'request.caller_lookup',
        entityType: 'person',
        entityIds: persons.map((p) => p.id),
        details: { phone: phone.slice(0, 3) + '****' + phone.slice(-4) },
      });
      return {
        residents: persons.map((p) => ({
          personId: p.id,
          name: maskName(p.name),
          phone: p.phone_masked,
          address: p.address ? maskAddress(p.address) : null,
          gridName: p.grid_name,
        })),
        previousOrders: visibleOrders.map((o) => ({
          id: Number(o.id),
          number: o.number,
          status: o.status,
          receivedAt: new Date(o.received_at).toISOString(),
          description: o.description,
        })),
      };
    },
  );

  app.get(
    '/api/requests/:id',
    {
      schema: {
        tags: ['requests'],
        summary: '工单详情：办理过程、诉求人（脱敏）、附件（范围外一律 404）',
        params: IdParams,
        response: { 200: OrderDetailOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'request:read');
      const { id } = request.params as { id: number };
      return detail(request, viewer, id);
    },
  );

  async function detail(request: FastifyRequest, viewer: Viewer, id: number) {
    const db = database.db;
    const { row, units } = await service.visibleOrder(db, viewer, id);
    const [requesters, events, attachments] = await Promise.all([
      requestersOf(db, id),
      eventsOf(db, id),
      attachmentsOf(db, id),
    ]);
    const codes = new Set<string>();
    for (const c of [row.lead_unit_code, ...row.co_unit_codes, ...events.map((e) => e.unit_code)])
      if (c) codes.add(c);
    const names = await unitNames(db, [...codes]);
    await ctx.audit(request, { action: 'request.read', entityType: 'work_order', entityIds: [id] });
    const actions = availableActions(
      {
        status: row.status as OrderStatus,
        categoryCode: row.category_code,
        leadUnitCode: row.lead_unit_code,
        coUnitCodes: row.co_unit_codes,
        supervised: row.supervised,
        escalationLevel: row.escalation_level,
        reopenCount: row.reopen_count,
        returnCount: row.return_count,
      },
      service.capacitiesOf(viewer, units, row),
    );
    return presentOrderDetail(row, {
      catalog,
      units: names,
      requesters: requesters.map((r) => ({ ...r, id: Number(r.id) })),
      events: events.map((e) => ({ ...e, id: Number(e.id) })),
      attachments: attachments.map((a) => ({ ...a, id: Number(a.id) })),
      actions,
    });
  }

  // One route per workflow step, each with its own body schema; illegal steps answer 409 with the reason.
  const summaries: Record<ActionName, string> = {
    classify: '分类（派单中心）',
    dispatch: '派单，可指定协办单位（派单中心）',
    accept: '签收（主办单位）',
    start: '开始办理（主办单位）',
    resolve: '办结反馈（主办单位）',
    return: '退单，须说明理由（主办单位）',
    reassign: '改派（派单中心或督办人员）',
    callback: '回访评价（派单中心）',
    close: '结案（派单中心）',
    reopen: '重办（派单中心或督办人员）',
    merge: '并案：并入同一事件的工单（派单中心）',
    escalate: '升级（督办人员）',
    supervise: '督办（督办人员）',
    note: '备注',
    warn: '',
  };
  for (const name of Object.keys(ACTION_BODIES) as Array<keyof typeof ACTION_BODIES>) {
    app.post(
      `/api/requests/:id/${name}`,
      {
        schema: {
          tags: ['requests'],
          summary: summaries[name],
          params: IdParams,
          body: ACTION_BODIES[name],
          response: { 200: OrderDetailOut },
        },
      },
      async (request) => {
        const viewer = requirePermission(request, 'request:read');
        const { id } = request.params as { id: number };
        const action = { name, ...(request.body as object) } as Action;
        await service.act({ ...callerOf(request), viewer }, id, action);
        return detail(request, viewer, id);
      },
    );
  }
}
