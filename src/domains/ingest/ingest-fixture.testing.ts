// What the tests of import and quarantine re-import end by asking: source_person keeps no foreign keys to building
// and grid (migration 0036: the normalising context reads the buildings it places rows in, and buildings and grids
// are never deleted), so the tests that exercise every writer check that the references hold.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';

/**
 * How many source records are placed in a building, and those pointing at a building or grid that does not exist,
 * or at another grid than their building's.
 */
export async function danglingSourcePlaces(
  db: Db,
): Promise<{ placed: number; dangling: Array<{ id: string; problem: string }> }> {
  const placed = await sql<{ n: string }>`
    select count(*) as n from source_person where building_id is not null`.execute(db);
  const r = await sql<{ id: string; problem: string }>`
    select sp.id::text as id,
      case when sp.building_id is not null and b.id is null then 'missing building'
           when sp.grid_id is not null and g.id is null then 'missing grid'
           else 'grid differs from its building''s' end as problem
    from source_person sp
    left join building b on b.id = sp.building_id
    left join grid g on g.id = sp.grid_id
    where (sp.building_id is not null and b.id is null)
       or (sp.grid_id is not null and g.id is null)
       or (b.id is not null and sp.grid_id is distinct from b.grid_id)
    order by sp.id`.execute(db);
  return { placed: Number(placed.rows[0]!.n), dangling: r.rows };
}
