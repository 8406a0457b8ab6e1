// Evaluation routes: rates and composite score per unit/street/community/grid/category with ranking, trends,
// 每月一题 candidates and hot spots. Every figure is counted inside the viewer's area (or their units); drill-down
// to the orders is the order list with the same filters (/api/requests?unitCode=…&from=…&to=…).
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { likePrefix } from '../../lib/like-pattern.ts';
import { requirePermission, type Viewer } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestsContext } from './context.ts';
import {
  DIMENSIONS,
  type Dimension,
  hotspots,
  type RateRow,
  type RollupScope,
  ratesBy,
  rateTrend,
  topProblems,
} from './evaluation.repository.ts';

const Day = Type.String({ format: 'date' });
const Weights = {
  wResponse: Type.Number({ minimum: 0, maximum: 100, default: 10, description: '响应率权重' }),
  wResolution: Type.Number({ minimum: 0, maximum: 100, default: 45, description: '解决率权重' }),
  wSatisfaction: Type.Number({ minimum: 0, maximum: 100, default: 45, description: '满意率权重' }),
};
const RatesQuery = Type.Object({
  dimension: Type.Union(
    DIMENSIONS.map((d) => Type.Literal(d)),
    { default: 'unit' },
  ),
  from: Day,
  to: Day,
  categoryCode: Type.Optional(Type.String({ maxLength: 40 })),
  ...Weights,
});
type RatesQuery = Static<typeof RatesQuery>;
const TrendQuery = Type.Object({
  interval: Type.Union([Type.Literal('day'), Type.Literal('month')], { default: 'month' }),
  from: Day,
  to: Day,
  dimension: Type.Optional(Type.Union(DIMENSIONS.map((d) => Type.Literal(d)))),
  key: Type.Optional(Type.String({ maxLength: 40 })),
  categoryCode: Type.Optional(Type.String({ maxLength: 40 })),
  ...Weights,
});
type TrendQuery = Static<typeof TrendQuery>;
const PeriodQuery = Type.Object({
  from: Day,
  to: Day,
  perMonth: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
  minCount: Type.Integer({ minimum: 1, maximum: 10000, default: 3 }),
});
type PeriodQuery = Static<typeof PeriodQuery>;

const Rate = Type.Union([Type.Number(), Type.Null()]);
const RateRowOut = Type.Object({
  key: Type.String(),
  name: Type.String(),
  received: Type.Integer(),
  dispatched: Type.Integer(),
  respondedOnTime: Type.Integer(),
  resolved: Type.Integer(),
  resolvedOnTime: Type.Integer(),
  visited: Type.Integer(),
  solved: Type.Integer(),
  satisfied: Type.Integer(),
  responseRate: Rate,
  resolutionRate: Rate,
  satisfactionRate: Rate,
  score: Rate,
  rank: Type.Integer(),
  drillDown: Type.String({ description: '该项工单列表的地址' }),
});

function checkPeriod(from: string, to: string) {
  if (from > to) {
    throw new AppError('VALIDATION_FAILED', [
      { field: 'querystring/from', message: '开始日期晚于结束日期', messageEn: 'from is after to' },
    ]);
  }
}

function weightsOf(q: { wResponse: number; wResolution: number; wSatisfaction: number }) {
  if (q.wResponse + q.wResolution + q.wSatisfaction <= 0) {
    throw new AppError('VALIDATION_FAILED', [
      { field: 'querystring/wResponse', message: '权重之和须大于 0', messageEn: 'Weights must not all be 0' },
    ]);
  }
  return { response: q.wResponse, resolution: q.wResolution, satisfaction: q.wSatisfaction };
}

export function createEvaluationHelpers(ctx: RequestsContext) {
  /** The roll-up rows a viewer may count. */
  async function scopeOf(db: Db, viewer: Viewer): Promise<RollupScope> {
    if (viewer.role === 'unit_handler') return { unitCodes: await ctx.service.unitsOf(db, viewer) };
    const parts = viewer.scopePath.split('/').filter(Boolean);
    if (parts.length <= 1) return {};
    if (parts.length === 2) return { streetCode: parts[1]! };
    if (parts.length === 3) return { communityCode: parts[2]! };
    const grid = await db
      .selectFrom('grid')
      .select('id')
      .where('path', '=', viewer.scopePath)
      .executeTakeFirst();
    return { communityCode: parts[2]!, gridIds: [grid?.id ?? -1] };
  }

  async function names(db: Db, dimension: Dimension, keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (keys.length === 0) return out;
    if (dimension === 'unit') {
      const rows = await db
        .selectFrom('handling_unit')
        .select(['code', 'name'])
        .where('code', 'in', keys)
        .execute();
      for (const r of rows) out.set(r.code, r.name);
    } else if (dimension === 'street' || dimension === 'community') {
      const codes = keys.map((k) => k.padEnd(12, '0'));
      const rows = await db
        .selectFrom('admin_division')
        .select(['code', 'name'])
        .where('code', 'in', codes)
        .execute();
      for (const r of rows) out.set(dimension === 'street' ? r.code.slice(0, 9) : r.code, r.name);
    } else if (dimension === 'grid') {
      const ids = keys.map(Number).filter((n) => Number.isInteger(n) && n > 0);
      if (ids.length > 0) {
        const rows = await db.selectFrom('grid').select(['id', 'name']).where('id', 'in', ids).execute();
        for (const r of rows) out.set(String(r.id), r.name);
      }
    } else {
      for (const k of keys) out.set(k, ctx.catalog.find(k)?.nameZh ?? ctx.catalog.label(k)?.zh ?? k);
    }
    return out;
  }
  return { scopeOf, names };
}

const DRILL_PARAM: Record<Dimension, string> = {
  unit: 'unitCode',
  street: 'streetCode',
  community: 'communityCode',
  grid: 'gridId',
  category: 'categoryCode',
};

export async function evaluationRoutes(app: FastifyInstance, ctx: RequestsContext) {
  const db = ctx.database.db;
  const { scopeOf, names } = createEvaluationHelpers(ctx);

  function labelled(
    rows: RateRow[],
    dimension: Dimension | null,
    labels: Map<string, string>,
    from: string,
    to: string,
  ) {
    return rows.map((r) => ({
      ...r,
      name: r.key === '' || r.key === '0' ? '（未派单/未定位）' : (labels.get(r.key) ?? r.key),
      drillDown: dimension
        ? `/api/requests?${DRILL_PARAM[dimension]}=${encodeURIComponent(r.key)}&from=${from}&to=${to}`
        : `/api/requests?from=${r.key.length === 7 ? `${r.key}-01` : r.key}&to=${to}`,
    }));
  }

  app.get(
    '/api/requests/evaluation',
    {
      schema: {
        tags: ['requests-evaluation'],
        summary: '考评：按承办单位/街道/社区/网格/类别的响应率、解决率、满意率、综合得分与排名',
        querystring: RatesQuery,
        response: { 200: Type.Object({ items: Type.Array(RateRowOut) }) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'request:evaluate');
      const q = request.query as RatesQuery;
      checkPeriod(q.from, q.to);
      const rows = await ratesBy(db, await scopeOf(db, viewer), {
        dimension: q.dimension,
        from: q.from,
        to: q.to,
        categoryCode: q.categoryCode,
        weights: weightsOf(q),
      });
      const labels = await names(
        db,
        q.dimension,
        rows.map((r) => r.key),
      );
      return { items: labelled(rows, q.dimension, labels, q.from, q.to) };
    },
  );

  app.get(
    '/api/requests/evaluation/trend',
    {
      schema: {
        tags: ['requests-evaluation'],
        summary: '考评趋势：按月或按日的三率（可限定某单位/街道/社区/网格/类别）',
        querystring: TrendQuery,
        response: { 200: Type.Object({ items: Type.Array(RateRowOut) }) },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'request:evaluate');
      const q = request.query as TrendQuery;
      checkPeriod(q.from, q.to);
      if ((q.dimension === undefined) !== (q.key === undefined)) {
        throw new AppError('VALIDATION_FAILED', [
          {
            field: 'querystring/key',
            message: 'dimension 与 key 须同时给出',
            messageEn: 'Give dimension and key together',
          },
        ]);
      }
      const rows = await rateTrend(db, await scopeOf(db, viewer), {
        interval: q.interval,
        from: q.from,
        to: q.to,
        categoryCode: q.categoryCode,
        weights: weightsOf(q),
        ...(q.dimension && q.key ? { key: { dimension: q.dimension, value: q.key } } : {}),
      });
      return { items: labelled(rows, null, new Map(rows.map((r) => [r.key, r.key])), q.from, q.to) };
    },
  );

  app.get(
    '/api/requests/evaluation/top-problems',
    {
      schema: {
        tags: ['requests-evaluation'],
        summary: '每月一题：每月诉求最多的类别及其集中的社区',
        querystring: PeriodQuery,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                month: Type.String(),
                categoryCode: Type.String(),
                categoryName: Type.String(),
                count: Type.Integer(),
                topCommunityCode: Type.String(),
                topCommunityName: Type.String(),
                topCommunityCount: Type.Integer(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'request:evaluate');
      const q = request.query as PeriodQuery;
      checkPeriod(q.from, q.to);
      const rows = await topProblems(db, await scopeOf(db, viewer), q.from, q.to, q.perMonth);
      const communities = await names(db, 'community', [...new Set(rows.map((r) => r.topCommunityCode))]);
      return {
        items: rows.map((r) => ({
          ...r,
          categoryName: ctx.catalog.find(r.categoryCode)?.nameZh ?? r.categoryCode,
          topCommunityName: communities.get(r.topCommunityCode) ?? '（未定位）',
        })),
      };
    },
  );

  app.get(
    '/api/requests/hotspots.geojson',
    {
      schema: {
        tags: ['requests-evaluation'],
        summary: '诉求热点（约 200 米网格聚合的 GeoJSON 点）',
        querystring: PeriodQuery,
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'request:evaluate');
      const q = request.query as PeriodQuery;
      checkPeriod(q.from, q.to);
      const units = viewer.role === 'unit_handler' ? await ctx.service.unitsOf(db, viewer) : null;
      const spots = await hotspots(
        db,
        units ? null : likePrefix(viewer.scopePath),
        units,
        q.from,
        q.to,
        q.minCount,
      );
      return reply.type('application/geo+json').send({
        type: 'FeatureCollection',
        features: spots.map((s) => ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [s.lng, s.lat] },
          properties: {
            count: s.count,
            open: s.open,
            topCategory: s.topCategory,
            topCategoryName: s.topCategory ? (ctx.catalog.find(s.topCategory)?.nameZh ?? null) : null,
          },
        })),
      });
    },
  );
}
