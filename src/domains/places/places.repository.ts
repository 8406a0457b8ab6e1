// SQL for organizations, facilities and service providers: every list is bounded by the viewer's scope path,
// and grid names are joined in the same query.
import { sql } from 'kysely';
import { likeContains } from '../../lib/like-pattern.ts';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import { providersServing } from '../supply/index.ts';

export interface ListWindow {
  scopePath: string;
  limit: number;
  offset: number;
}

/** Rows of one page and the total inside the scope, from the same filtered query. */
async function pageAndTotal<R>(
  rows: Promise<R[]>,
  count: Promise<{ n: number } | undefined>,
): Promise<{ rows: R[]; total: number }> {
  const [r, c] = await Promise.all([rows, count]);
  return { rows: r, total: Number(c?.n ?? 0) };
}

export interface OrganizationFilter extends ListWindow {
  q?: string;
  /** A validated unified social credit code: matched exactly. */
  uscc?: string;
  kind?: string;
  gridId?: number;
}

export function findOrganizations(db: Db, f: OrganizationFilter) {
  let query = db
    .selectFrom('organization as o')
    .innerJoin('grid as g', 'g.id', 'o.grid_id')
    .where('o.scope_path', 'like', scopeLikePattern(f.scopePath));
  if (f.q) query = query.where('o.name', 'like', likeContains(f.q));
  if (f.uscc) query = query.where('o.uscc', '=', f.uscc);
  if (f.kind) query = query.where('o.kind', '=', f.kind as 'enterprise');
  if (f.gridId) query = query.where('o.grid_id', '=', f.gridId);
  return pageAndTotal(
    query
      .select([
        'o.id',
        'o.uscc',
        'o.name',
        'o.kind',
        'o.industry',
        'o.legal_rep_name',
        'o.contact_phone',
        'o.address',
        'o.lng',
        'o.lat',
        'o.employees',
        'o.grid_id',
        'g.name as grid_name',
      ])
      .orderBy('o.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst(),
  );
}

export interface FacilityFilter extends ListWindow {
  q?: string;
  type?: string;
  gridId?: number;
}

export function findFacilities(db: Db, f: FacilityFilter) {
  let query = db
    .selectFrom('facility as f')
    .innerJoin('grid as g', 'g.id', 'f.grid_id')
    .innerJoin('facility_type as t', 't.code', 'f.type')
    .where('f.scope_path', 'like', scopeLikePattern(f.scopePath));
  if (f.q) query = query.where('f.name', 'like', likeContains(f.q));
  if (f.type) query = query.where('f.type', '=', f.type);
  if (f.gridId) query = query.where('f.grid_id', '=', f.gridId);
  return pageAndTotal(
    query
      .select([
        'f.id',
        'f.type',
        't.name_zh as type_name',
        'f.name',
        'f.address',
        'f.lng',
        'f.lat',
        'f.capacity',
        'f.floor_m2',
        'f.opening_hours',
        'f.grid_id',
        'g.name as grid_name',
      ])
      .orderBy('f.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst(),
  );
}

export function findFacilityTypes(db: Db) {
  return db.selectFrom('facility_type').selectAll().orderBy('code').execute();
}

export interface ProviderFilter extends ListWindow {
  q?: string;
  category?: string;
}

export async function countProvidersServing(db: Db, scopePath: string): Promise<number> {
  const row = await providersServing(db, scopePath)
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findProviders(db: Db, f: ProviderFilter) {
  let query = providersServing(db, f.scopePath);
  if (f.q) query = query.where('s.name', 'like', likeContains(f.q));
  if (f.category) query = query.where(sql<boolean>`s.service_categories @> ARRAY[${f.category}]::text[]`);
  return pageAndTotal(
    query
      .select([
        's.id',
        's.name',
        's.kind',
        's.service_categories',
        's.capacity_per_month',
        's.rating',
        's.contact_phone',
        's.organization_id',
        's.scope_path',
      ])
      .orderBy('s.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst(),
  );
}
