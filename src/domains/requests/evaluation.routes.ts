// Evaluation routes: rates and composite score per unit/street/community/grid/category with ranking, trends,
// 每月一题 candidates and hot spots. Every figure is counted inside the viewer's area (or their units); drill-down
// to the orders is the order list with the same filters (/api/requests?unitCode=…&from=…&to=…).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { likePrefix } from '../../lib/like-pattern.ts';
import { auditRequest } from '../../platform/audit/request-audit.ts';
import { roleCan } from '../../platform/auth/roles.ts';
import { requirePermission, type Viewer } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestsContext } from './context.ts';
import {
  DEFAULT_WEIGHTS,
  type Dimension,
  districtWeights,
  hotspots,
  type RateRow,
  type RollupScope,
  ratesBy,
  rateTrend,
  saveDistrictWeights,
  topProblems,
  type Weights,
} from './evaluation.repository.ts';
import {
  DistrictWeightsOut,
  PeriodQuery,
  RatesOut,
  RatesQuery,
  TopProblemOut,
  TrendQuery,
  WeightsBody,
} from './evaluation.schema.ts';

function checkPeriod(from: string, to: string) {
  if (from > to) {
    throw new AppError('VALIDATION_FAILED', [
      { field: 'querystring/from', message: '开始日期晚于结束日期', messageEn: 'from is after to' },
    ]);
  }
}

/** The admin_division code of the viewer's district (the first level of their area), or null above any district. */
function districtOf(viewer: Viewer): string | null {
  const first = viewer.scopePath.split('/').find(Boolean);
  return first ? first.padEnd(12, '0') : null;
}

/** The district's stored weights, or the query's when it gives all three (a comparison; nothing is stored). */
async function weightsOf(
  db: Db,
  viewer: Viewer,
  q: { wResponse?: number | undefined; wResolution?: number | undefined; wSatisfaction?: number | undefined },
): Promise<Weights & { source: 'district' | 'query' }> {
  const given = [q.wResponse, q.wResolution, q.wSatisfaction].filter((w) => w !== undefined);
  if (given.length === 0) {
    const district = districtOf(viewer);
    const w = district ? await districtWeights(db, district) : DEFAULT_WEIGHTS;
    return {
      response: w.response,
      resolution: w.resolution,
      satisfaction: w.satisfaction,
      source: 'district',
    };
  }
  if (given.length < 3) {
    throw new AppError('VALIDATION_FAILED', [
      {
        field: 'querystring/wResponse',
        message: '试算权重须同时给出 wResponse、wResolution、wSatisfaction 三项',
        messageEn: 'Give all three of wResponse, wResolution and wSatisfaction',
      },
    ]);
  }
  const [response, resolution, satisfaction] = given as [number, number, number];
  if (response + resolution + satisfaction <= 0) {
    throw new AppError('VALIDATION_FAILED', [
      { field: 'querystring/wResponse', message: '权重之和须大于 0', messageEn: 'Weights must not all be 0' },
    ]);
  }
  return { response, resolution, satisfaction, source: 'query' };
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
        response: { 200: RatesOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'request:evaluate');
      const q = request.query as RatesQuery;
      checkPeriod(q.from, q.to);
      const weights = await weightsOf(db, viewer, q);
      const rows = await ratesBy(db, await scopeOf(db, viewer), {
        dimension: q.dimension,
        from: q.from,
        to: q.to,
        categoryCode: q.categoryCode,
        weights,
      });
      const labels = await names(
        db,
        q.dimension,
        rows.map((r) => r.key),
      );
      return { items: labelled(rows, q.dimension, labels, q.from, q.to), weights };
    },
  );

  app.get(
    '/api/requests/evaluation/trend',
    {
      schema: {
        tags: ['requests-evaluation'],
        summary: '考评趋势：按月或按日的三率（可限定某单位/街道/社区/网格/类别）',
        querystring: TrendQuery,
        response: { 200: RatesOut },
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
      const weights = await weightsOf(db, viewer, q);
      const rows = await rateTrend(db, await scopeOf(db, viewer), {
        interval: q.interval,
        from: q.from,
        to: q.to,
        categoryCode: q.categoryCode,
        weights,
        ...(q.dimension && q.key ? { key: { dimension: q.dimension, value: q.key } } : {}),
      });
      return {
        items: labelled(rows, null, new Map(rows.map((r) => [r.key, r.key])), q.from, q.to),
        weights,
      };
    },
  );

  /** The viewer's district and its weights as the console shows them. */
  async function presentWeights(viewer: Viewer) {
    const district = districtOf(viewer);
    if (!district) throw new AppError('OUT_OF_SCOPE');
    const [w, division] = await Promise.all([
      districtWeights(db, district),
      db.selectFrom('admin_division').select('name').where('code', '=', district).executeTakeFirst(),
    ]);
    return {
      districtCode: district,
      districtName: division?.name ?? district,
      response: w.response,
      resolution: w.resolution,
      satisfaction: w.satisfaction,
      isDefault: w.isDefault,
      updatedAt: w.updatedAt ? new Date(w.updatedAt).toISOString() : null,
      updatedBy: w.updatedBy,
      canEdit: roleCan(viewer.role, 'request:weights'),
    };
  }

  app.get(
    '/api/requests/evaluation/weights',
    {
      schema: {
        tags: ['requests-evaluation'],
        summary: '本区综合得分的权重（响应率/解决率/满意率，合计 100）',
        response: { 200: DistrictWeightsOut },
      },
    },
    async (request) => presentWeights(requirePermission(request, 'request:evaluate')),
  );

  app.put(
    '/api/requests/evaluation/weights',
    {
      schema: {
        tags: ['requests-evaluation'],
        summary: '修改本区综合得分的权重（整数百分比，合计须为 100；留痕审计）',
        body: WeightsBody,
        response: { 200: DistrictWeightsOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'request:weights');
      const district = districtOf(viewer);
      if (!district) throw new AppError('OUT_OF_SCOPE');
      const body = request.body as WeightsBody;
      const sum = body.response + body.resolution + body.satisfaction;
      if (sum !== 100) {
        throw new AppError('VALIDATION_FAILED', [
          {
            field: 'body',
            message: `三项权重合计须为 100（现为 ${sum}）`,
            messageEn: `The three weights must add up to 100 (they add up to ${sum})`,
          },
        ]);
      }
      await db.transaction().execute(async (tx) => {
        const before = await districtWeights(tx, district);
        await saveDistrictWeights(tx, district, body, viewer.accountId);
        await auditRequest(tx, request, {
          action: 'request.evaluation-weights',
          entityType: 'evaluation_weight',
          entityIds: [district],
          details: {
            before: before.isDefault
              ? null
              : {
                  response: before.response,
                  resolution: before.resolution,
                  satisfaction: before.satisfaction,
                },
            after: { response: body.response, resolution: body.resolution, satisfaction: body.satisfaction },
          },
        });
      });
      return presentWeights(viewer);
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
            items: Type.Array(TopProblemOut),
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
