// SQL for buildings and their houses, bounded by the viewer's scope path. Household and resident counts are
// aggregated in the same query (grouped subqueries), never fetched per building or per house.
import { sql } from 'kysely';
import { likeContains } from '../../lib/like-pattern.ts';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';

export interface BuildingFilter {
  scopePath: string;
  gridId?: number;
  q?: string;
  limit: number;
  offset: number;
}

function buildingsInScope(db: Db, scopePath: string) {
  return db
    .selectFrom('building as b')
    .innerJoin('grid as g', 'g.id', 'b.grid_id')
    .where('b.scope_path', 'like', scopeLikePattern(scopePath));
}

const BUILDING_COLUMNS = [
  'b.id',
  'b.name',
  'b.address',
  'b.compound',
  'b.floors',
  'b.units',
  'b.use_type',
  'b.lng',
  'b.lat',
  'b.grid_id',
  'g.name as grid_name',
  sql<number>`(select count(*)::int from household hh join house h on h.id = hh.house_id where h.building_id = b.id)`.as(
    'households',
  ),
  sql<number>`(select count(*)::int from person p join house h on h.id = p.house_id where h.building_id = b.id)`.as(
    'residents',
  ),
] as const;

export async function findBuildings(db: Db, f: BuildingFilter) {
  let query = buildingsInScope(db, f.scopePath);
  if (f.gridId) query = query.where('b.grid_id', '=', f.gridId);
  if (f.q) {
    const pattern = likeContains(f.q);
    query = query.where((eb) => eb.or([eb('b.name', 'like', pattern), eb('b.address', 'like', pattern)]));
  }
  const [rows, count] = await Promise.all([
    query.select(BUILDING_COLUMNS).orderBy('b.id').limit(f.limit).offset(f.offset).execute(),
    query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export type BuildingRow = Awaited<ReturnType<typeof findBuildings>>['rows'][number];

export function findBuildingInScope(db: Db, scopePath: string, id: number) {
  return buildingsInScope(db, scopePath).select(BUILDING_COLUMNS).where('b.id', '=', id).executeTakeFirst();
}

/** Houses of one building with their household and resident counts, in one grouped query. */
export function findHousesOfBuilding(db: Db, buildingId: number) {
  return db
    .selectFrom('house as h')
    .where('h.building_id', '=', buildingId)
    .select([
      'h.id',
      'h.unit_no',
      'h.floor',
      'h.room_no',
      'h.occupancy',
      'h.area_m2',
      sql<number>`(select count(*)::int from household hh where hh.house_id = h.id)`.as('households'),
      sql<number>`(select count(*)::int from person p where p.house_id = h.id)`.as('residents'),
    ])
    .orderBy('h.unit_no')
    .orderBy('h.floor')
    .orderBy('h.room_no')
    .orderBy('h.id')
    .execute();
}

/** Every building of a grid inside the scope, with counts, for the map layer. */
export function findBuildingsOfGrid(db: Db, scopePath: string, gridId: number) {
  return buildingsInScope(db, scopePath)
    .where('b.grid_id', '=', gridId)
    .select(BUILDING_COLUMNS)
    .orderBy('b.id')
    .execute();
}
