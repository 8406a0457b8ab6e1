// SQL of the supply domain: providers serving an area with their qualifications and history, weight sets,
// procurement projects and bids, recorded choices, and service delivery records. Repositories take `db` first so
// the service decides the transaction.
import { sql } from 'kysely';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import type { MatchComponent } from '../../platform/db/schema.ts';

/**
 * Providers serve an area, usually a whole street. A viewer sees those whose area lies inside their scope and
 * those whose area contains it: a community worker needs the providers serving their street. The supply lists
 * and the places lists both count providers this way.
 */
export function providersServing(db: Db, scopePath: string) {
  return db
    .selectFrom('service_provider as s')
    .where((eb) =>
      eb.or([
        eb('s.scope_path', 'like', scopeLikePattern(scopePath)),
        sql<boolean>`starts_with(${scopePath}, s.scope_path)`,
      ]),
    );
}

export function findProvidersServing(db: Db, scopePath: string, ids?: number[]) {
  let q = providersServing(db, scopePath).selectAll('s');
  if (ids) q = q.where('s.id', 'in', ids.length > 0 ? ids : [-1]);
  return q.orderBy('s.id').execute();
}

export type ProviderRecord = Awaited<ReturnType<typeof findProvidersServing>>[number];

/** One page of the registry: name search (case-insensitive substring) and category, with the count of all hits. */
export async function searchProvidersServing(
  db: Db,
  scopePath: string,
  f: { q?: string; category?: string; limit: number; offset: number },
) {
  let q = providersServing(db, scopePath);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('s.name', 'ilike', like), eb('s.contact_phone', 'like', like)]));
  }
  if (f.category) q = q.where(sql<boolean>`${f.category} = any(s.service_categories)`);
  const [rows, count] = await Promise.all([
    q.selectAll('s').orderBy('s.id').limit(f.limit).offset(f.offset).execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function insertProvider(db: Db, values: Parameters<ReturnType<Db['insertInto']>['values']>[0]) {
  return db
    .insertInto('service_provider')
    .values(values as never)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertQualification(
  db: Db,
  row: {
    provider_id: number;
    kind: string;
    number: string;
    issued_by: string | null;
    categories: string[];
    valid_from: string;
    valid_until: string;
  },
) {
  return db.insertInto('provider_qualification').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function qualificationsOf(db: Db, providerIds: number[]) {
  if (providerIds.length === 0) return [];
  const rows = await db
    .selectFrom('provider_qualification')
    .select([
      'id',
      'provider_id',
      'kind',
      'number',
      'issued_by',
      'categories',
      sql<string>`to_char(valid_from, 'YYYY-MM-DD')`.as('valid_from'),
      sql<string>`to_char(valid_until, 'YYYY-MM-DD')`.as('valid_until'),
    ])
    .where('provider_id', 'in', providerIds)
    .orderBy('id')
    .execute();
  return rows;
}

/** Deliveries, confirmations and average resident rating per provider, and services in the last 30 days. */
export async function historyOf(db: Db, providerIds: number[], now: Date) {
  if (providerIds.length === 0)
    return new Map<
      number,
      { deliveries: number; confirmed: number; averageResidentRating: number | null; last30: number }
    >();
  const since = new Date(now.getTime() - 30 * 86_400_000);
  const rows = await db
    .selectFrom('service_delivery')
    .select([
      'provider_id',
      sql<number>`count(*)::int`.as('deliveries'),
      sql<number>`count(confirmed_at)::int`.as('confirmed'),
      sql<number | null>`avg(resident_rating)::float8`.as('avg_rating'),
      sql<number>`count(*) filter (where started_at >= ${since})::int`.as('last30'),
    ])
    .where('provider_id', 'in', providerIds)
    .groupBy('provider_id')
    .execute();
  return new Map(
    rows.map((r) => [
      r.provider_id,
      {
        deliveries: Number(r.deliveries),
        confirmed: Number(r.confirmed),
        averageResidentRating: r.avg_rating === null ? null : Number(r.avg_rating),
        last30: Number(r.last30),
      },
    ]),
  );
}

export async function findWeights(db: Db, weightSet: string): Promise<Record<MatchComponent, number> | null> {
  const rows = await db.selectFrom('match_weight').selectAll().where('weight_set', '=', weightSet).execute();
  if (rows.length === 0) return null;
  return Object.fromEntries(rows.map((r) => [r.component, Number(r.weight)])) as Record<
    MatchComponent,
    number
  >;
}

export function insertProject(db: Db, row: Parameters<ReturnType<Db['insertInto']>['values']>[0]) {
  return db
    .insertInto('procurement_project')
    .values(row as never)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findProjects(db: Db, scopePath: string, id?: number) {
  let q = db
    .selectFrom('procurement_project')
    .selectAll()
    .where('scope_path', 'like', scopeLikePattern(scopePath));
  if (id !== undefined) q = q.where('id', '=', id);
  return q.orderBy('id', 'desc').limit(200).execute();
}

export type ProjectRecord = Awaited<ReturnType<typeof findProjects>>[number];

export function findBids(db: Db, projectId: number) {
  return db
    .selectFrom('procurement_bid')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('id')
    .execute();
}

export function insertBid(
  db: Db,
  row: { project_id: number; provider_id: number; price: number; capacity: number; note: string },
) {
  return db
    .insertInto('procurement_bid')
    .values(row)
    .onConflict((oc) => oc.columns(['project_id', 'provider_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function awardProject(db: Db, projectId: number, providerId: number) {
  return db
    .updateTable('procurement_project')
    .set({ status: 'awarded', awarded_provider_id: providerId, updated_at: new Date() })
    .where('id', '=', projectId)
    .where('status', '=', 'open')
    .executeTakeFirst();
}

export function findBidsWithProviders(db: Db, projectId: number) {
  return db
    .selectFrom('procurement_bid as b')
    .innerJoin('service_provider as s', 's.id', 'b.provider_id')
    .select([
      'b.id',
      'b.provider_id',
      's.name as provider_name',
      'b.price',
      'b.capacity',
      'b.note',
      'b.submitted_at',
    ])
    .where('b.project_id', '=', projectId)
    .orderBy('b.id')
    .execute();
}

/** The choices recorded for a subject (a project or a request), latest first. */
export function findChoices(db: Db, subjectKind: 'project' | 'request', subjectId: string) {
  return db
    .selectFrom('provider_choice as c')
    .innerJoin('service_provider as s', 's.id', 'c.chosen_provider_id')
    .select([
      'c.id',
      'c.chosen_provider_id',
      's.name as chosen_name',
      'c.top_provider_id',
      'c.override',
      'c.reason',
      'c.chosen_at',
    ])
    .where('c.subject_kind', '=', subjectKind)
    .where('c.subject_id', '=', subjectId)
    .orderBy('c.id', 'desc')
    .execute();
}

export function insertChoice(db: Db, row: Parameters<ReturnType<Db['insertInto']>['values']>[0]) {
  return db
    .insertInto('provider_choice')
    .values(row as never)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findPersonInScope(db: Db, scopePath: string, personId: number) {
  return db
    .selectFrom('person')
    .select(['id', 'name', 'street_code', 'grid_id', 'scope_path'])
    .where('id', '=', personId)
    .where('scope_path', 'like', scopeLikePattern(scopePath))
    .executeTakeFirst();
}

export function insertDelivery(db: Db, row: Parameters<ReturnType<Db['insertInto']>['values']>[0]) {
  return db
    .insertInto('service_delivery')
    .values(row as never)
    .returning('id')
    .executeTakeFirstOrThrow();
}

export interface DeliveryFilter {
  scopePath: string;
  providerId?: number;
  personId?: number;
  sourceKind?: string;
  sourceId?: string;
  id?: number;
  limit: number;
  offset: number;
}

function deliveriesWhere(db: Db, f: DeliveryFilter) {
  let q = db
    .selectFrom('service_delivery as d')
    .innerJoin('person as p', 'p.id', 'd.person_id')
    .innerJoin('service_provider as s', 's.id', 'd.provider_id')
    .where('d.scope_path', 'like', scopeLikePattern(f.scopePath));
  if (f.id !== undefined) q = q.where('d.id', '=', f.id);
  if (f.providerId !== undefined) q = q.where('d.provider_id', '=', f.providerId);
  if (f.personId !== undefined) q = q.where('d.person_id', '=', f.personId);
  if (f.sourceKind !== undefined) q = q.where('d.source_kind', '=', f.sourceKind as 'request');
  if (f.sourceId !== undefined) q = q.where('d.source_id', '=', f.sourceId);
  return q;
}

export async function findDeliveries(db: Db, f: DeliveryFilter) {
  const [rows, totals] = await Promise.all([
    deliveriesWhere(db, f)
      .selectAll('d')
      .select(['p.name as person_name', 's.name as provider_name'])
      .orderBy('d.started_at', 'desc')
      .orderBy('d.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    deliveriesWhere(db, f)
      .select([
        sql<number>`count(*)::int`.as('n'),
        sql<number>`coalesce(sum(d.minutes), 0)::int`.as('minutes'),
        sql<string>`coalesce(sum(d.cost), 0)::text`.as('cost'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(totals.n), minutes: Number(totals.minutes), cost: Number(totals.cost) };
}

export type DeliveryRecord = Awaited<ReturnType<typeof findDeliveries>>['rows'][number];

export function confirmDelivery(db: Db, id: number, rating: number | null, at: Date) {
  return db
    .updateTable('service_delivery')
    .set({ confirmed_at: at, resident_rating: rating })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Residents of the scope counted by grid path and age band. `cutoffs` are the birth-date bounds of the bands'
 * minimum ages in ascending age order; band i holds residents born on or before cutoffs[i] and after
 * cutoffs[i + 1]. Younger residents are left out.
 */
export async function residentsByAreaAndBand(db: Db, scopePath: string, cutoffs: string[]) {
  if (cutoffs.length === 0) return [];
  let band = sql<number>`null`;
  // Built inside out, so the outermost test is the oldest band's: the oldest band a birth date meets wins.
  for (let i = 0; i < cutoffs.length; i++)
    band = sql<number>`case when p.birth_date <= ${cutoffs[i]} then ${i}::int else ${band} end`;
  return db
    .selectFrom('person as p')
    .where('p.scope_path', 'like', scopeLikePattern(scopePath))
    .where('p.birth_date', '<=', cutoffs[0]!)
    .groupBy(['p.scope_path', sql`1`])
    .select([sql<number>`${band}`.as('band'), 'p.scope_path', sql<number>`count(*)::int`.as('n')])
    .execute();
}
