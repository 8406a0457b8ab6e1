// What the resident portal needs beyond intake and the public lookup: a signed-in resident's own requests and the
// notifications sent to them, and the district's grid outlines (with community names) so the portal can draw a map without an
// account (boundaries and names are public; no figures about residents).
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Geometry } from 'geojson';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { PageQuery } from '../../platform/http/pagination.ts';
import type { RequestsContext } from './context.ts';
import { presentPublicOrder } from './order.presenter.ts';
import { PublicOrderOut } from './requests.schema.ts';
import { eventsOf, type OrderRow, unitNames } from './work-orders.repository.ts';

const MyRequestOut = Type.Intersect([
  PublicOrderOut,
  Type.Object({
    description: Type.String({ description: '本人提交的诉求内容' }),
    address: Type.Union([Type.String(), Type.Null()]),
    anonymous: Type.Boolean(),
  }),
]);

const MyRequestsOut = Type.Object({
  items: Type.Array(MyRequestOut),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

const NotificationsOut = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      number: Type.String(),
      kind: Type.String(),
      message: Type.String(),
      createdAt: Type.String(),
    }),
  ),
});

const MineQuery = PageQuery;
type MineQuery = Static<typeof MineQuery>;

export async function portalRoutes(app: FastifyInstance, ctx: RequestsContext) {
  const { database, catalog } = ctx;

  /** Orders the account filed (or joined), newest first: what "my requests" lists. */
  function ownOrders(accountId: number) {
    return database.db
      .selectFrom('order_requester as r')
      .innerJoin('work_order', 'work_order.id', 'r.order_id')
      .where('r.account_id', '=', accountId);
  }

  app.get(
    '/api/requests/mine',
    {
      schema: {
        tags: ['requests-public'],
        summary: '居民本人提交的诉求及办理进度（须以居民账号登录）',
        querystring: MineQuery,
        response: { 200: MyRequestsOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'self:read');
      const q = request.query as MineQuery;
      const rows = await ownOrders(viewer.accountId)
        .selectAll('work_order')
        .select(['r.description as own_description', 'r.anonymous as own_anonymous'])
        .orderBy('r.joined_at', 'desc')
        .orderBy('r.id', 'desc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute();
      const { n } = await ownOrders(viewer.accountId)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      const items = [];
      for (const row of rows) {
        const events = await eventsOf(database.db, row.id, true);
        const codes = [row.lead_unit_code, ...events.map((e) => e.unit_code)].filter((c): c is string => !!c);
        const units = await unitNames(database.db, [...new Set(codes)]);
        items.push({
          ...presentPublicOrder(row as OrderRow, catalog, units, events),
          description: row.own_description,
          address: row.address,
          anonymous: row.own_anonymous,
        });
      }
      await ctx.audit(request, {
        action: 'request.read',
        entityType: 'work_order',
        entityIds: rows.map((r) => r.id),
        details: { own: true },
      });
      return { items, total: Number(n), page: q.page, pageSize: q.pageSize };
    },
  );

  app.get(
    '/api/requests/mine/notifications',
    {
      schema: {
        tags: ['requests-public'],
        summary: '发给居民本人的办理通知（受理、派单、办结等）',
        response: { 200: NotificationsOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'self:read');
      const rows = await database.db
        .selectFrom('notification_outbox as n')
        .innerJoin('order_requester as r', 'r.id', 'n.requester_id')
        .innerJoin('work_order as o', 'o.id', 'n.order_id')
        .select(['n.id', 'o.number', 'n.kind', 'n.message', 'n.created_at'])
        .where('r.account_id', '=', viewer.accountId)
        .orderBy('n.id', 'desc')
        .limit(100)
        .execute();
      return {
        items: rows.map((r) => ({
          id: Number(r.id),
          number: r.number,
          kind: r.kind,
          message: r.message,
          createdAt: new Date(r.created_at).toISOString(),
        })),
      };
    },
  );

  app.get(
    '/api/public/map/areas.geojson',
    {
      schema: {
        tags: ['requests-public'],
        summary: '网格边界及所属社区名称（公开，供居民在地图上标出位置）',
        security: [],
      },
    },
    async (_request, reply) => {
      // Grid outlines always exist (intake places points in them); each carries its community's name.
      const rows = await database.db
        .selectFrom('grid')
        .innerJoin('admin_division as c', 'c.code', 'grid.community_code')
        .select(['grid.community_code as code', 'c.name', 'grid.boundary'])
        .orderBy('grid.id')
        .execute();
      reply.type('application/geo+json');
      return {
        type: 'FeatureCollection',
        features: rows.map((r) => ({
          type: 'Feature',
          geometry: (typeof r.boundary === 'string' ? JSON.parse(r.boundary) : r.boundary) as Geometry,
          properties: { code: r.code, name: r.name },
        })),
      };
    },
  );
}
