// SQL of evaluation: per community and per provider, the inputs (budget, staff, facilities, capacity, cost) and
// outputs (services delivered, hours, services residents confirmed as satisfactory) of one year.
import { sql } from 'kysely';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';

function yearBounds(year: number) {
  return {
    from: new Date(Date.UTC(year, 0, 1) - 8 * 3_600_000),
    to: new Date(Date.UTC(year + 1, 0, 1) - 8 * 3_600_000),
  };
}

/** Communities under the scope, or the community the scope lies in (a grid worker's). */
export async function communityFigures(db: Db, scopePath: string, year: number) {
  const { from, to } = yearBounds(year);
  const rows = await db
    .selectFrom('admin_division as c')
    .leftJoin('community_resource as r', (j) =>
      j.onRef('r.community_code', '=', 'c.code').on('r.year', '=', year),
    )
    .where('c.level', '=', 5)
    .where((eb) =>
      eb.or([
        eb('c.path', 'like', scopeLikePattern(scopePath)),
        sql<boolean>`starts_with(${scopePath}, c.path)`,
      ]),
    )
    .select([
      'c.code',
      'c.name',
      'c.path',
      sql<string | null>`r.budget::text`.as('budget'),
      'r.staff',
      sql<number>`(select count(*) from facility f where f.scope_path like c.path || '%')::int`.as(
        'facilities',
      ),
      sql<number>`(select count(*) from service_delivery d where d.scope_path like c.path || '%' and d.started_at >= ${from} and d.started_at < ${to})::int`.as(
        'deliveries',
      ),
      sql<number>`(select coalesce(sum(d.minutes), 0) from service_delivery d where d.scope_path like c.path || '%' and d.started_at >= ${from} and d.started_at < ${to})::int`.as(
        'minutes',
      ),
      sql<number>`(select count(*) from service_delivery d where d.scope_path like c.path || '%' and d.started_at >= ${from} and d.started_at < ${to} and d.resident_rating >= 4)::int`.as(
        'satisfied',
      ),
      sql<
        number | null
      >`(select avg(d.resident_rating)::float8 from service_delivery d where d.scope_path like c.path || '%' and d.started_at >= ${from} and d.started_at < ${to})`.as(
        'avg_rating',
      ),
      sql<string>`(select coalesce(sum(d.cost), 0)::text from service_delivery d where d.scope_path like c.path || '%' and d.started_at >= ${from} and d.started_at < ${to})`.as(
        'cost',
      ),
    ])
    .orderBy('c.code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    path: r.path,
    budget: r.budget === null ? null : Number(r.budget),
    staff: r.staff === null ? null : Number(r.staff),
    facilities: Number(r.facilities),
    deliveries: Number(r.deliveries),
    hours: Number(r.minutes) / 60,
    satisfied: Number(r.satisfied),
    averageRating: r.avg_rating === null ? null : Number(r.avg_rating),
    cost: Number(r.cost),
  }));
}

/** Providers serving the scope with what they were paid and delivered inside it in the year. */
export async function providerFigures(db: Db, scopePath: string, year: number) {
  const { from, to } = yearBounds(year);
  const pattern = scopeLikePattern(scopePath);
  const rows = await db
    .selectFrom('service_provider as s')
    .where((eb) =>
      eb.or([eb('s.scope_path', 'like', pattern), sql<boolean>`starts_with(${scopePath}, s.scope_path)`]),
    )
    .select([
      's.id',
      's.name',
      's.capacity_per_month',
      sql<string>`(select coalesce(sum(d.cost), 0)::text from service_delivery d where d.provider_id = s.id and d.scope_path like ${pattern} and d.started_at >= ${from} and d.started_at < ${to})`.as(
        'cost',
      ),
      sql<number>`(select count(*) from service_delivery d where d.provider_id = s.id and d.scope_path like ${pattern} and d.started_at >= ${from} and d.started_at < ${to})::int`.as(
        'deliveries',
      ),
      sql<number>`(select coalesce(sum(d.minutes), 0) from service_delivery d where d.provider_id = s.id and d.scope_path like ${pattern} and d.started_at >= ${from} and d.started_at < ${to})::int`.as(
        'minutes',
      ),
      sql<number>`(select count(*) from service_delivery d where d.provider_id = s.id and d.scope_path like ${pattern} and d.started_at >= ${from} and d.started_at < ${to} and d.resident_rating >= 4)::int`.as(
        'satisfied',
      ),
    ])
    .orderBy('s.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    capacityPerMonth: r.capacity_per_month,
    cost: Number(r.cost),
    deliveries: Number(r.deliveries),
    hours: Number(r.minutes) / 60,
    satisfied: Number(r.satisfied),
  }));
}
