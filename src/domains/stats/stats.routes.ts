// The overview every home page shows: counts inside the viewer's scope, never beyond it.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { scopeName } from '../../platform/auth/scope.ts';
import { requirePermission, scopeLikePattern } from '../../platform/auth/viewer.ts';

const Overview = Type.Object({
  scopeName: Type.String(),
  population: Type.Integer(),
  households: Type.Integer(),
  buildings: Type.Integer(),
  houses: Type.Integer(),
  grids: Type.Integer(),
  communities: Type.Integer(),
  aged60Plus: Type.Integer(),
  aged60Share: Type.Number(),
  elderlyAlone: Type.Integer(),
  disabled: Type.Integer(),
  lowIncome: Type.Integer(),
  floating: Type.Integer(),
  facilities: Type.Integer(),
  organizations: Type.Integer(),
  providers: Type.Integer(),
  ageBands: Type.Array(Type.Object({ band: Type.String(), count: Type.Integer() })),
});

const BANDS: Array<[string, number, number]> = [
  ['0-14', 0, 14],
  ['15-34', 15, 34],
  ['35-59', 35, 59],
  ['60-79', 60, 79],
  ['80+', 80, 200],
];

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
      const like = scopeLikePattern(viewer.scopePath);
      const today = new Date().toISOString().slice(0, 10);
      const ageExpr = sql`date_part('year', age(${today}::date, birth_date))`;
      const count = (
        table: 'household' | 'building' | 'house' | 'grid' | 'facility' | 'organization' | 'service_provider',
      ) =>
        sql<{
          n: number;
        }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(table === 'grid' ? 'path' : 'scope_path')} like ${like}`
          .execute(db)
          .then((r) => Number(r.rows[0]!.n));
      const [
        people,
        households,
        buildings,
        houses,
        grids,
        facilities,
        organizations,
        providers,
        communities,
      ] = await Promise.all([
        sql<Record<string, number>>`
          select count(*)::int as population,
                 count(*) filter (where ${ageExpr} >= 60)::int as aged60,
                 count(*) filter (where tags @> array['elderly_alone'])::int as elderly_alone,
                 count(*) filter (where tags @> array['disabled'])::int as disabled,
                 count(*) filter (where tags @> array['low_income'])::int as low_income,
                 count(*) filter (where registration_type = 'floating')::int as floating,
                 ${sql.raw(
                   BANDS.map(
                     ([b, lo, hi]) =>
                       `count(*) filter (where date_part('year', age('${today}'::date, birth_date)) between ${lo} and ${hi})::int as "band_${b}"`,
                   ).join(', '),
                 )}
            from person where scope_path like ${like}`.execute(db),
        count('household'),
        count('building'),
        count('house'),
        count('grid'),
        count('facility'),
        count('organization'),
        count('service_provider'),
        sql<{
          n: number;
        }>`select count(*)::int as n from admin_division where level = 5 and path like ${like}`.execute(db),
      ]);
      const p = people.rows[0]!;
      const population = Number(p['population']);
      return {
        scopeName: await scopeName(db, viewer.scopePath),
        population,
        households,
        buildings,
        houses,
        grids,
        communities: Number(communities.rows[0]!.n),
        aged60Plus: Number(p['aged60']),
        aged60Share: population > 0 ? Math.round((Number(p['aged60']) / population) * 1000) / 1000 : 0,
        elderlyAlone: Number(p['elderly_alone']),
        disabled: Number(p['disabled']),
        lowIncome: Number(p['low_income']),
        floating: Number(p['floating']),
        facilities,
        organizations,
        providers,
        ageBands: BANDS.map(([band]) => ({ band, count: Number(p[`band_${band}`]) })),
      };
    },
  );
}
