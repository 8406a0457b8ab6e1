// The figures of a part of the district: one aggregate per table over a scope_path prefix (indexed), never a
// query per child. Ages are birth-date bounds (see age-cutoffs.ts), so no age is computed per row.
import { sql } from 'kysely';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import { bornOnOrBeforeForAge } from './age-cutoffs.ts';

export interface AreaStats {
  population: number;
  households: number;
  buildings: number;
  houses: number;
  aged60Plus: number;
  aged80Plus: number;
  elderlyAlone: number;
  disabled: number;
  lowIncome: number;
  floating: number;
}

/** Figures of everything under `path` (a division's or grid's path, or a viewer's scope), ages on `today`. */
export async function areaStats(db: Db, path: string, today: string): Promise<AreaStats> {
  const like = scopeLikePattern(path);
  const born60 = bornOnOrBeforeForAge(today, 60);
  const born80 = bornOnOrBeforeForAge(today, 80);
  const count = (table: 'household' | 'building' | 'house') =>
    db
      .selectFrom(table)
      .select(sql<number>`count(*)::int`.as('n'))
      .where('scope_path', 'like', like)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  const [people, households, buildings, houses] = await Promise.all([
    db
      .selectFrom('person')
      .select([
        sql<number>`count(*)::int`.as('population'),
        sql<number>`count(*) filter (where birth_date <= ${born60})::int`.as('aged60'),
        sql<number>`count(*) filter (where birth_date <= ${born80})::int`.as('aged80'),
        sql<number>`count(*) filter (where tags @> array['elderly_alone'])::int`.as('elderly_alone'),
        sql<number>`count(*) filter (where tags @> array['disabled'])::int`.as('disabled'),
        sql<number>`count(*) filter (where tags @> array['low_income'])::int`.as('low_income'),
        sql<number>`count(*) filter (where registration_type = 'floating')::int`.as('floating'),
      ])
      .where('scope_path', 'like', like)
      .executeTakeFirstOrThrow(),
    count('household'),
    count('building'),
    count('house'),
  ]);
  return {
    population: Number(people.population),
    households,
    buildings,
    houses,
    aged60Plus: Number(people.aged60),
    aged80Plus: Number(people.aged80),
    elderlyAlone: Number(people.elderly_alone),
    disabled: Number(people.disabled),
    lowIncome: Number(people.low_income),
    floating: Number(people.floating),
  };
}

/** Residents per age band, the bands given as [label, lowest age, highest age or null for open]. */
export async function ageBandCounts(
  db: Db,
  path: string,
  today: string,
  bands: ReadonlyArray<readonly [string, number, number | null]>,
): Promise<Array<{ band: string; count: number }>> {
  const row = await db
    .selectFrom('person')
    .select(
      bands.map(([band, lo, hi]) => {
        const upper = sql`birth_date <= ${bornOnOrBeforeForAge(today, lo)}`;
        const inBand =
          hi === null ? upper : sql`${upper} and birth_date > ${bornOnOrBeforeForAge(today, hi + 1)}`;
        return sql<number>`count(*) filter (where ${inBand})::int`.as(`band_${band}`);
      }),
    )
    .where('scope_path', 'like', scopeLikePattern(path))
    .executeTakeFirstOrThrow();
  const counts = row as Record<string, number>;
  return bands.map(([band]) => ({ band, count: Number(counts[`band_${band}`] ?? 0) }));
}

/** How many grids, communities, facilities and organizations lie under `path`. */
export async function placeCounts(db: Db, path: string) {
  const like = scopeLikePattern(path);
  const count = (table: 'grid' | 'facility' | 'organization') =>
    db
      .selectFrom(table)
      .select(sql<number>`count(*)::int`.as('n'))
      .where(table === 'grid' ? 'path' : 'scope_path', 'like', like)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  const communities = db
    .selectFrom('admin_division')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('level', '=', 5)
    .where('path', 'like', like)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
  const [grids, communityCount, facilities, organizations] = await Promise.all([
    count('grid'),
    communities,
    count('facility'),
    count('organization'),
  ]);
  return { grids, communities: communityCount, facilities, organizations };
}
