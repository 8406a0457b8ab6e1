// A division or grid found inside the viewer's scope, and the figures of everything under its path. Each count
// is one aggregate over a scope_path prefix (indexed), never a query per child.
import { sql } from 'kysely';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';

export function findDivisionInScope(db: Db, scopePath: string, code: string) {
  return db
    .selectFrom('admin_division as d')
    .leftJoin('admin_division as parent', 'parent.code', 'd.parent_code')
    .select(['d.code', 'd.name', 'd.level', 'd.path', 'parent.name as parent_name'])
    .where('d.code', '=', code)
    .where('d.path', 'like', scopeLikePattern(scopePath))
    .executeTakeFirst();
}

export function findGridInScope(db: Db, scopePath: string, id: number) {
  return db
    .selectFrom('grid as g')
    .innerJoin('admin_division as c', 'c.code', 'g.community_code')
    .select(['g.id', 'g.name', 'g.path', 'c.name as parent_name'])
    .where('g.id', '=', id)
    .where('g.path', 'like', scopeLikePattern(scopePath))
    .executeTakeFirst();
}

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

/** Figures of everything under `path`; `born60`/`born80` are the latest birth dates of those aged 60/80+. */
export async function areaStats(db: Db, path: string, born60: string, born80: string): Promise<AreaStats> {
  const like = scopeLikePattern(path);
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
