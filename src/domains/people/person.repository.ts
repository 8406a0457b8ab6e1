// SQL for residents and households: every query is bounded by the viewer's scope path (a prefix test on an
// indexed column), and grid and community names are joined in the same query, never fetched per row.
import { sql } from 'kysely';
import { likePrefix } from '../../lib/like-pattern.ts';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db, NewPerson, PersonUpdate } from '../../platform/db/index.ts';
import type { PersonRecord } from './person.presenter.ts';

export interface PersonQuery {
  scopePath: string;
  namePrefix?: string;
  idNumberHash?: Uint8Array;
  phoneHash?: Uint8Array;
  gridId?: number;
  within?: string;
  tag?: string;
  sex?: string;
  registrationType?: string;
  bornAfter?: string;
  bornOnOrBefore?: string;
  limit: number;
  offset: number;
}

function personsInScope(db: Db, scopePath: string) {
  return db
    .selectFrom('person as p')
    .innerJoin('grid as g', 'g.id', 'p.grid_id')
    .innerJoin('admin_division as c', 'c.code', 'g.community_code')
    .leftJoin('house as h', 'h.id', 'p.house_id')
    .where('p.scope_path', 'like', scopeLikePattern(scopePath));
}

/**
 * The search conditions, on the person table alone: a count needs no join (grid and community are foreign keys,
 * so the joins never drop a row), and the page joins names only for the rows it returns.
 */
function matching(db: Db, q: PersonQuery) {
  let query = db.selectFrom('person as p').where('p.scope_path', 'like', scopeLikePattern(q.scopePath));
  if (q.within) query = query.where('p.scope_path', 'like', scopeLikePattern(q.within));
  if (q.namePrefix) query = query.where('p.name', 'like', likePrefix(q.namePrefix));
  if (q.idNumberHash) query = query.where('p.id_number_hash', '=', q.idNumberHash);
  if (q.phoneHash) query = query.where('p.phone_hash', '=', q.phoneHash);
  if (q.gridId) query = query.where('p.grid_id', '=', q.gridId);
  if (q.tag) query = query.where(sql<boolean>`p.tags @> ARRAY[${q.tag}]::text[]`);
  if (q.sex) query = query.where('p.sex', '=', q.sex as '1');
  if (q.registrationType) query = query.where('p.registration_type', '=', q.registrationType as 'household');
  if (q.bornAfter) query = query.where('p.birth_date', '>', q.bornAfter);
  if (q.bornOnOrBefore) query = query.where('p.birth_date', '<=', q.bornOnOrBefore);
  return query;
}

const COLUMNS = [
  'p.id',
  'p.name',
  'p.sex',
  'p.birth_date',
  'p.id_type',
  'p.id_number_cipher',
  'p.id_number_masked',
  'p.phone_cipher',
  'p.phone_masked',
  'p.ethnicity',
  'p.registration_type',
  'p.relation_to_head',
  'p.tags',
  'p.grid_id',
  'p.household_id',
  'p.house_id',
  'p.scope_path',
  'p.source',
  'p.source_updated_at',
  'p.updated_at',
  'g.name as grid_name',
  'c.name as community_name',
  'h.address as address',
  'h.building_id as building_id',
] as const;

export async function findPersons(db: Db, q: PersonQuery): Promise<PersonRecord[]> {
  const page = matching(db, q).select('p.id').orderBy('p.id').limit(q.limit).offset(q.offset);
  const rows = await personsInScope(db, q.scopePath)
    .where('p.id', 'in', page)
    .select(COLUMNS)
    .orderBy('p.id')
    .execute();
  return rows as PersonRecord[];
}

/**
 * How many persons match, counting at most `cap` of them: counting a whole district of a million residents for
 * every page would cost more than the page itself. The count is still bounded by the scope like the rows.
 */
export async function countPersons(db: Db, q: PersonQuery, cap: number): Promise<number> {
  const limited = matching(db, q).select('p.id').limit(cap);
  const row = await db
    .selectFrom(limited.as('m'))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findPersonInScope(
  db: Db,
  scopePath: string,
  id: number,
): Promise<PersonRecord | undefined> {
  const row = await personsInScope(db, scopePath).select(COLUMNS).where('p.id', '=', id).executeTakeFirst();
  return row as PersonRecord | undefined;
}

/** Members of the given households, heads first, in one query. */
export async function findMembersOfHouseholds(
  db: Db,
  scopePath: string,
  householdIds: number[],
): Promise<PersonRecord[]> {
  if (householdIds.length === 0) return [];
  const rows = await personsInScope(db, scopePath)
    .select(COLUMNS)
    .where('p.household_id', 'in', householdIds)
    .orderBy('p.household_id')
    .orderBy(sql`coalesce(p.relation_to_head, '99')`)
    .orderBy('p.id')
    .execute();
  return rows as PersonRecord[];
}

export async function idNumberTaken(db: Db, idNumberHash: Uint8Array, exceptId?: number): Promise<boolean> {
  let query = db.selectFrom('person').select('id').where('id_number_hash', '=', idNumberHash);
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertPerson(db: Db, values: NewPerson): Promise<number> {
  const row = await db.insertInto('person').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePerson(db: Db, id: number, values: PersonUpdate): Promise<void> {
  await db
    .updateTable('person')
    .set({ ...values, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export interface HouseholdRecord {
  id: number;
  household_no: string;
  registration_type: string;
  member_count: number;
  house_id: number | null;
  head_person_id: number | null;
  grid_id: number;
  grid_name: string;
  scope_path: string;
  street_code: string;
  address: string | null;
}

function householdsInScope(db: Db, scopePath: string) {
  return db
    .selectFrom('household as hh')
    .innerJoin('grid as g', 'g.id', 'hh.grid_id')
    .leftJoin('house as h', 'h.id', 'hh.house_id')
    .where('hh.scope_path', 'like', scopeLikePattern(scopePath))
    .select([
      'hh.id',
      'hh.household_no',
      'hh.registration_type',
      'hh.member_count',
      'hh.house_id',
      'hh.head_person_id',
      'hh.grid_id',
      'g.name as grid_name',
      'hh.scope_path',
      'hh.street_code',
      'h.address as address',
    ]);
}

export function findHouseholdInScope(
  db: Db,
  scopePath: string,
  id: number,
): Promise<HouseholdRecord | undefined> {
  return householdsInScope(db, scopePath).where('hh.id', '=', id).executeTakeFirst();
}

export function findHouseholdsOfHouse(
  db: Db,
  scopePath: string,
  houseId: number,
): Promise<HouseholdRecord[]> {
  return householdsInScope(db, scopePath).where('hh.house_id', '=', houseId).orderBy('hh.id').execute();
}

export async function adjustMemberCount(db: Db, householdId: number, by: number): Promise<void> {
  await db
    .updateTable('household')
    .set((eb) => ({ member_count: eb('member_count', '+', by), updated_at: sql<Date>`now()` }))
    .where('id', '=', householdId)
    .execute();
}

/** Where a new person goes: a grid, house or household inside the scope, with the fields copied from it. */
export interface Placement {
  grid_id: number;
  street_code: string;
  scope_path: string;
  house_id: number | null;
  household_id: number | null;
}

export async function gridPlacement(
  db: Db,
  scopePath: string,
  gridId: number,
): Promise<Placement | undefined> {
  const g = await db
    .selectFrom('grid')
    .select(['id', 'street_code', 'path'])
    .where('id', '=', gridId)
    .where('path', 'like', scopeLikePattern(scopePath))
    .executeTakeFirst();
  return (
    g && { grid_id: g.id, street_code: g.street_code, scope_path: g.path, house_id: null, household_id: null }
  );
}

export async function housePlacement(
  db: Db,
  scopePath: string,
  houseId: number,
): Promise<Placement | undefined> {
  const h = await db
    .selectFrom('house')
    .select(['id', 'grid_id', 'street_code', 'scope_path'])
    .where('id', '=', houseId)
    .where('scope_path', 'like', scopeLikePattern(scopePath))
    .executeTakeFirst();
  return (
    h && {
      grid_id: h.grid_id,
      street_code: h.street_code,
      scope_path: h.scope_path,
      house_id: h.id,
      household_id: null,
    }
  );
}

/** A house inside the scope, with the building and grid it belongs to. */
export function findHouseInScope(db: Db, scopePath: string, id: number) {
  return db
    .selectFrom('house as h')
    .innerJoin('building as b', 'b.id', 'h.building_id')
    .innerJoin('grid as g', 'g.id', 'h.grid_id')
    .where('h.scope_path', 'like', scopeLikePattern(scopePath))
    .where('h.id', '=', id)
    .select([
      'h.id',
      'h.building_id',
      'b.name as building_name',
      'h.unit_no',
      'h.floor',
      'h.room_no',
      'h.address',
      'h.area_m2',
      'h.use_type',
      'h.occupancy',
      'h.grid_id',
      'g.name as grid_name',
    ])
    .executeTakeFirst();
}
