// One division (street, community) or grid with the figures of everything under it. A code or id outside the
// viewer's scope answers 404, the same as a missing one.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { AppError } from '../../platform/http/errors.ts';
import { IdParams } from '../../platform/http/params.ts';
import { areaStats, chinaToday } from '../stats/index.ts';
import { findDivisionInScope, findGridInScope } from './area-detail.repository.ts';

const LEVELS: Record<number, string> = { 3: 'district', 4: 'street', 5: 'community' };

const Stats = Type.Object({
  population: Type.Integer(),
  households: Type.Integer(),
  buildings: Type.Integer(),
  houses: Type.Integer(),
  aged60Plus: Type.Integer(),
  aged80Plus: Type.Integer(),
  elderlyAlone: Type.Integer(),
  disabled: Type.Integer(),
  lowIncome: Type.Integer(),
  floating: Type.Integer(),
});

const AreaOut = Type.Object({
  code: Type.Optional(Type.String()),
  id: Type.Optional(Type.Integer()),
  name: Type.String(),
  level: Type.String(),
  path: Type.String(),
  parentName: Type.Union([Type.String(), Type.Null()]),
  stats: Stats,
});

const CodeParams = Type.Object({
  code: Type.String({ pattern: '^[0-9]{12}$', description: '12 位区划代码' }),
});

export async function areaDetailRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;
  const statsOf = (path: string) => areaStats(db, path, chinaToday());

  app.get(
    '/api/divisions/:code',
    {
      schema: {
        tags: ['geography'],
        summary: '区划概况（街道、社区；范围外一律 404）',
        params: CodeParams,
        response: { 200: AreaOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'geo:read');
      const { code } = request.params as Static<typeof CodeParams>;
      const d = await findDivisionInScope(db, viewer.scopePath, code);
      if (!d) throw new AppError('DIVISION_NOT_FOUND');
      return {
        code: d.code,
        name: d.name,
        level: LEVELS[d.level] ?? String(d.level),
        path: d.path,
        parentName: d.parent_name,
        stats: await statsOf(d.path),
      };
    },
  );

  app.get(
    '/api/grids/:id',
    {
      schema: {
        tags: ['geography'],
        summary: '网格概况（范围外一律 404）',
        params: IdParams,
        response: { 200: AreaOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'geo:read');
      const { id } = request.params as IdParams;
      const g = await findGridInScope(db, viewer.scopePath, id);
      if (!g) throw new AppError('DIVISION_NOT_FOUND');
      return {
        id: g.id,
        name: g.name,
        level: 'grid',
        path: g.path,
        parentName: g.parent_name,
        stats: await statsOf(g.path),
      };
    },
  );
}
