// Transparency without an account: anyone with a request number sees its status, responsible unit and steps with
// their times (no personal data, no description); the requester, with the code given at submission, rates the
// result with a reason or asks to reopen it.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestsContext } from './context.ts';
import { presentPublicOrder } from './order.presenter.ts';
import { callerOf } from './requests.routes.ts';
import { NumberParams, PublicOrderOut, PublicRatingBody, PublicReopenBody } from './requests.schema.ts';
import { eventsOf, findOrderByNumber, type OrderRow, unitNames } from './work-orders.repository.ts';

export async function publicRequestRoutes(app: FastifyInstance, ctx: RequestsContext) {
  const { database, catalog, service } = ctx;

  async function present(row: OrderRow) {
    const events = await eventsOf(database.db, row.id, true);
    const codes = [row.lead_unit_code, ...events.map((e) => e.unit_code)].filter((c): c is string => !!c);
    return presentPublicOrder(row, catalog, await unitNames(database.db, [...new Set(codes)]), events);
  }

  app.get(
    '/api/public/requests/:number',
    {
      schema: {
        tags: ['requests-public'],
        summary: '凭诉求编号查询办理进度（无需登录，不含个人信息）',
        security: [],
        params: NumberParams,
        response: { 200: PublicOrderOut },
      },
    },
    async (request, reply) => {
      await ctx.throttle(reply, `lookup:${request.ip}`, null);
      const row = await findOrderByNumber(database.db, (request.params as { number: string }).number);
      if (!row) throw new AppError('ORDER_NOT_FOUND');
      return present(row);
    },
  );

  app.post(
    '/api/public/requests/:number/rating',
    {
      schema: {
        tags: ['requests-public'],
        summary: '诉求人评价办理结果（凭编号与查询码；不满意须说明原因）',
        security: [],
        params: NumberParams,
        body: PublicRatingBody,
        response: { 200: PublicOrderOut },
      },
    },
    async (request, reply) => {
      await ctx.throttle(reply, `rate:${request.ip}`, null);
      const body = request.body as {
        accessCode: string;
        solved: boolean;
        satisfaction: number;
        reason?: string;
      };
      const { number } = request.params as { number: string };
      const row = await service.actAsRequester(callerOf(request), number, body.accessCode, {
        name: 'callback',
        solved: body.solved,
        satisfaction: body.satisfaction,
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
      });
      return present(row);
    },
  );

  app.post(
    '/api/public/requests/:number/reopen',
    {
      schema: {
        tags: ['requests-public'],
        summary: '问题未解决时申请重办（凭编号与查询码）',
        security: [],
        params: NumberParams,
        body: PublicReopenBody,
        response: { 200: PublicOrderOut },
      },
    },
    async (request, reply) => {
      await ctx.throttle(reply, `rate:${request.ip}`, null);
      const body = request.body as { accessCode: string; reason: string };
      const { number } = request.params as { number: string };
      const row = await service.actAsRequester(callerOf(request), number, body.accessCode, {
        name: 'reopen',
        reason: body.reason,
      });
      return present(row);
    },
  );
}
