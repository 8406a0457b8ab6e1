// SQL for residents: every query is bounded by the viewer's scope path (a prefix test on an indexed column).
import { sql } from 'kysely';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
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

function base(db: Db, q: PersonQuery) {
  let query = db
    .selectFrom('person as p')
    .innerJoin('grid as g', 'g.id', 'p.grid_id')
    .innerJoin('admin_division as c', 'c.code', 'g.community_code')
    .leftJoin('house as h', 'h.id', 'p.house_id')
    .where('p.scope_path', 'like', scopeLikePattern(q.scopePath));
  if (q.within) query = query.where('p.scope_path', 'like', scopeLikePattern(q.within));
  if (q.namePrefix)
    query = query.where('p.name', 'like', `${q.namePrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
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

export async function findPersons(db: Db, q: PersonQuery): Promise<{ rows: PersonRecord[]; total: number }> {
  const [rows, count] = await Promise.all([
    base(db, q).select(COLUMNS).orderBy('p.id').limit(q.limit).offset(q.offset).execute(),
    base(db, q).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as PersonRecord[], total: Number(count.n) };
}

export async function findPersonInScope(
  db: Db,
  scopePath: string,
  id: number,
): Promise<PersonRecord | undefined> {
  const row = await base(db, { scopePath, limit: 1, offset: 0 })
    .select(COLUMNS)
    .where('p.id', '=', id)
    .executeTakeFirst();
  return row as PersonRecord | undefined;
}
