// Population figures per grid inside a scope, in one grouped query; areas above grids sum their grids' figures.
import { sql } from 'kysely';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import { bornOnOrBeforeForAge, chinaToday } from '../stats/index.ts';

export interface GridFigures {
  gridId: number;
  path: string;
  population: number;
  households: number;
  aged60Plus: number;
}

export async function gridFigures(db: Db, scopePath: string, today = chinaToday()): Promise<GridFigures[]> {
  const rows = await sql<{
    grid_id: number;
    path: string;
    population: number;
    households: number;
    aged60: number;
  }>`
    select g.id as grid_id, g.path,
           count(p.id)::int as population,
           count(distinct p.household_id)::int as households,
           count(p.id) filter (where p.birth_date <= ${bornOnOrBeforeForAge(today, 60)})::int as aged60
      from grid g
      left join person p on p.grid_id = g.id
     where g.path like ${scopeLikePattern(scopePath)}
     group by g.id, g.path`.execute(db);
  return rows.rows.map((r) => ({
    gridId: r.grid_id,
    path: r.path,
    population: Number(r.population),
    households: Number(r.households),
    aged60Plus: Number(r.aged60),
  }));
}
