// The overview every home page shows: counts inside the viewer's scope, never beyond it.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { scopeName } from '../../platform/auth/scope.ts';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { countProvidersServing } from '../places/index.ts';
import { chinaToday } from './age-cutoffs.ts';
import { ageBandCounts, areaStats, placeCounts } from './area-figures.repository.ts';

const Overview = Type.Object({
  scopeName: Type.String(),
  population: Type.Integer(),
  households: Type.Integer(),
  buildings: Type.Integer(),
  houses: Type.Integer(),
  grids: Type.Integer(),
  communities: Type.Integer(),
  aged60Plus: Type.Integer(),
  aged60Share: Type.Number({ description: '60 岁及以上人口占比（0–1，三位小数）' }),
  elderlyAlone: Type.Integer(),
  disabled: Type.Integer(),
  lowIncome: Type.Integer(),
  floating: Type.Integer(),
  facilities: Type.Integer(),
  organizations: Type.Integer(),
  providers: Type.Integer({ description: '服务本管辖范围的服务商' }),
  ageBands: Type.Array(Type.Object({ band: Type.String(), count: Type.Integer() })),
});

const AGE_BANDS = [
  ['0-14', 0, 14],
  ['15-34', 15, 34],
  ['35-59', 35, 59],
  ['60-79', 60, 79],
  ['80+', 80, null],
] as const;

export async function statsRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;
  app.get(
    '/api/stats/overview',
    {
      schema: {
        tags: ['stats'],
        summary: '本管辖范围概况（仅统计数，不含个人信息）',
        response: { 200: Overview },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'stats:read');
      const scope = viewer.scopePath;
      const today = chinaToday();
      const [figures, places, providers, ageBands, name] = await Promise.all([
        areaStats(db, scope, today),
        placeCounts(db, scope),
        countProvidersServing(db, scope),
        ageBandCounts(db, scope, today, AGE_BANDS),
        scopeName(db, scope),
      ]);
      return {
        scopeName: name,
        population: figures.population,
        households: figures.households,
        buildings: figures.buildings,
        houses: figures.houses,
        grids: places.grids,
        communities: places.communities,
        aged60Plus: figures.aged60Plus,
        aged60Share:
          figures.population > 0 ? Math.round((figures.aged60Plus / figures.population) * 1000) / 1000 : 0,
        elderlyAlone: figures.elderlyAlone,
        disabled: figures.disabled,
        lowIncome: figures.lowIncome,
        floating: figures.floating,
        facilities: places.facilities,
        organizations: places.organizations,
        providers,
        ageBands,
      };
    },
  );
}
