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

/** Delivery totals of the year per grid path under (or above) the scope; communities sum their grids. */
function deliveriesByGrid(db: Db, scopePath: string, from: Date, to: Date) {
  return db
    .selectFrom('service_delivery as d')
    .where((eb) =>
      eb.or([
        eb('d.scope_path', 'like', scopeLikePattern(scopePath)),
        sql<boolean>`starts_with(d.scope_path, ${scopePath})`,
      ]),
    )
    .where('d.started_at', '>=', from)
    .where('d.started_at', '<', to)
    .groupBy('d.scope_path')
    .select([
      'd.scope_path',
      sql<number>`count(*)::int`.as('deliveries'),
      sql<number>`coalesce(sum(d.minutes), 0)::int`.as('minutes'),
      sql<number>`count(*) filter (where d.resident_rating >= 4)::int`.as('satisfied'),
      sql<number>`coalesce(sum(d.resident_rating), 0)::int`.as('rating_sum'),
      sql<number>`count(d.resident_rating)::int`.as('rated'),
      sql<string>`coalesce(sum(d.cost), 0)::text`.as('cost'),
    ])
    .execute();
}

/** Communities under the scope, or the community the scope lies in (a grid worker's), with the year's figures. */
export async function communityFigures(db: Db, scopePath: string, year: number) {
  const { from, to } = yearBounds(year);
  const [communities, facilities, deliveries, resolved] = await Promise.all([
    db
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
      .select(['c.code', 'c.name', 'c.path', sql<string | null>`r.budget::text`.as('budget'), 'r.staff'])
      .orderBy('c.code')
      .execute(),
    db
      .selectFrom('facility')
      .groupBy('scope_path')
      .select(['scope_path', sql<number>`count(*)::int`.as('n')])
      .execute(),
    deliveriesByGrid(db, scopePath, from, to),
    // Requests resolved in the year, by the community they were about (接诉即办 work orders).
    db
      .selectFrom('work_order')
      .where('resolved_at', '>=', from)
      .where('resolved_at', '<', to)
      .where('community_code', 'is not', null)
      .groupBy('community_code')
      .select(['community_code', sql<number>`count(*)::int`.as('n')])
      .execute(),
  ]);
  const resolvedBy = new Map(resolved.map((r) => [r.community_code!, Number(r.n)]));
  return communities.map((c) => {
    const inside = <T extends { scope_path: string }>(rows: T[]) =>
      rows.filter((r) => r.scope_path.startsWith(c.path));
    const d = inside(deliveries);
    const sum = (f: (r: (typeof deliveries)[number]) => number) => d.reduce((a, r) => a + f(r), 0);
    const rated = sum((r) => Number(r.rated));
    return {
      code: c.code,
      name: c.name,
      path: c.path,
      budget: c.budget === null ? null : Number(c.budget),
      staff: c.staff === null ? null : Number(c.staff),
      facilities: inside(facilities).reduce((a, r) => a + Number(r.n), 0),
      deliveries: sum((r) => Number(r.deliveries)),
      requestsResolved: resolvedBy.get(c.code) ?? 0,
      hours: sum((r) => Number(r.minutes)) / 60,
      satisfied: sum((r) => Number(r.satisfied)),
      averageRating: rated > 0 ? sum((r) => Number(r.rating_sum)) / rated : null,
      cost: sum((r) => Number(r.cost)),
    };
  });
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
