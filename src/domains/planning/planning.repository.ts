// SQL of facility planning: residents per building (in an age band) inside the viewer's scope, facilities of a
// type, area names and grid boundaries, and saved scenarios.
import { sql } from 'kysely';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';

export function findFacilityType(db: Db, code: string) {
  return db.selectFrom('facility_type').selectAll().where('code', '=', code).executeTakeFirst();
}

export interface AgeBounds {
  /** Residents born on or before this date (at least the minimum age). */
  bornOnOrBefore?: string;
  /** Residents born after this date (at most the maximum age). */
  bornAfter?: string;
}

/** Residential and mixed-use buildings in scope with their residents in the age band (0 when none). */
export async function findBuildingsWithResidents(db: Db, scopePath: string, age: AgeBounds) {
  let personFilter = sql<boolean>`p.id is not null`;
  if (age.bornOnOrBefore)
    personFilter = sql<boolean>`${personFilter} and p.birth_date <= ${age.bornOnOrBefore}`;
  if (age.bornAfter) personFilter = sql<boolean>`${personFilter} and p.birth_date > ${age.bornAfter}`;
  const rows = await db
    .selectFrom('building as b')
    .leftJoin('house as h', 'h.building_id', 'b.id')
    .leftJoin('person as p', 'p.house_id', 'h.id')
    .where('b.scope_path', 'like', scopeLikePattern(scopePath))
    .where('b.use_type', 'in', ['residential', 'mixed'])
    .groupBy(['b.id', 'b.name', 'b.address', 'b.lng', 'b.lat', 'b.scope_path'])
    .select([
      'b.id',
      'b.name',
      'b.address',
      'b.lng',
      'b.lat',
      'b.scope_path',
      sql<number>`count(p.id) filter (where ${personFilter})::int`.as('residents'),
    ])
    .orderBy('b.id')
    .execute();
  return rows.map((r) => ({ ...r, residents: Number(r.residents) }));
}

/** Every facility of a type: facilities serve across area boundaries, so those outside the scope count too. */
export function findFacilitiesOfType(db: Db, type: string) {
  return db
    .selectFrom('facility')
    .select(['id', 'name', 'lng', 'lat', 'capacity', 'scope_path'])
    .where('type', '=', type)
    .orderBy('id')
    .execute();
}

/** Names of the divisions and grids under a path, by path. */
export async function findAreaNames(db: Db, scopePath: string): Promise<Map<string, string>> {
  const pattern = scopeLikePattern(scopePath);
  const [divisions, grids] = await Promise.all([
    db.selectFrom('admin_division').select(['path', 'name']).where('path', 'like', pattern).execute(),
    db.selectFrom('grid').select(['path', 'name']).where('path', 'like', pattern).execute(),
  ]);
  return new Map([...divisions, ...grids].map((r) => [r.path, r.name]));
}

export function findGridBoundaries(db: Db, scopePath: string) {
  return db
    .selectFrom('grid')
    .select(['path', 'boundary'])
    .where('path', 'like', scopeLikePattern(scopePath))
    .execute();
}

export function insertScenario(
  db: Db,
  row: {
    scope_path: string;
    name: string;
    facility_type: string;
    params: Record<string, unknown>;
    result: Record<string, unknown>;
    created_by: number;
  },
) {
  return db
    .insertInto('planning_scenario')
    .values({ ...row, params: JSON.stringify(row.params), result: JSON.stringify(row.result) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findScenarios(db: Db, scopePath: string, ids?: number[]) {
  let q = db
    .selectFrom('planning_scenario')
    .selectAll()
    .where('scope_path', 'like', scopeLikePattern(scopePath));
  if (ids) q = q.where('id', 'in', ids.length > 0 ? ids : [-1]);
  return q.orderBy('id', 'desc').limit(200).execute();
}

/** The walking network (district-wide); empty arrays when none has been loaded. */
export async function findWalkNetwork(db: Db) {
  const [nodes, edges] = await Promise.all([
    db.selectFrom('walk_node').select(['id', 'lng', 'lat']).orderBy('id').execute(),
    db.selectFrom('walk_edge').select(['from_node', 'to_node', 'length_m']).orderBy('id').execute(),
  ]);
  return { nodes, edges };
}
