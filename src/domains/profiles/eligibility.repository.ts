// SQL for eligibility cases, contact tasks and appeals; every query is bounded by the viewer's scope path.
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import type { CaseRecord } from './profiles.presenter.ts';

export interface CaseFilter {
  scopePath: string;
  policyId?: string;
  status?: string;
  reviewState?: string;
  gridId?: number;
}

function casesInScope(db: Db, f: CaseFilter) {
  let q = db.selectFrom('eligibility_case as e').where('e.scope_path', 'like', scopeLikePattern(f.scopePath));
  if (f.policyId) q = q.where('e.policy_id', '=', f.policyId);
  if (f.status) q = q.where('e.status', '=', f.status as 'eligible');
  if (f.reviewState) q = q.where('e.review_state', '=', f.reviewState as 'pending');
  if (f.gridId) q = q.where('e.grid_id', '=', f.gridId);
  return q;
}

const CASE_COLUMNS = [
  'e.id',
  'e.person_id',
  'p.name',
  'p.birth_date',
  'e.grid_id',
  'g.name as grid_name',
  'c.name as community_name',
  'e.policy_id',
  'e.policy_version',
  'e.rule_set_id',
  'e.status',
  'e.amount',
  'e.tier',
  'e.reasons',
  'e.missing_data',
  'e.explanation',
  'e.review_state',
  'e.review_reason',
  'e.reviewed_by',
  'e.reviewed_at',
  'e.updated_at',
] as const;

export async function findCases(db: Db, f: CaseFilter, limit: number, offset: number): Promise<CaseRecord[]> {
  const rows = await casesInScope(db, f)
    .innerJoin('person as p', 'p.id', 'e.person_id')
    .innerJoin('grid as g', 'g.id', 'e.grid_id')
    .innerJoin('admin_division as c', 'c.code', 'g.community_code')
    .select(CASE_COLUMNS)
    .orderBy('e.id')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows as unknown as CaseRecord[];
}

export async function countCases(db: Db, f: CaseFilter): Promise<number> {
  const row = await casesInScope(db, f)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findCaseInScope(db: Db, scopePath: string, id: number): Promise<CaseRecord | null> {
  const row = await casesInScope(db, { scopePath })
    .innerJoin('person as p', 'p.id', 'e.person_id')
    .innerJoin('grid as g', 'g.id', 'e.grid_id')
    .innerJoin('admin_division as c', 'c.code', 'g.community_code')
    .select(CASE_COLUMNS)
    .where('e.id', '=', id)
    .executeTakeFirst();
  return (row as unknown as CaseRecord) ?? null;
}

export async function findCaseOf(db: Db, personId: number, policyId: string) {
  return db
    .selectFrom('eligibility_case')
    .select(['id', 'review_state'])
    .where('person_id', '=', personId)
    .where('policy_id', '=', policyId)
    .executeTakeFirst();
}

export async function findPersonPlacement(db: Db, scopePath: string, personId: number) {
  return db
    .selectFrom('person')
    .select(['id', 'street_code', 'scope_path', 'grid_id', 'name'])
    .where('id', '=', personId)
    .where('scope_path', 'like', scopeLikePattern(scopePath))
    .executeTakeFirst();
}

export async function appealsOfCase(db: Db, caseId: number) {
  return db
    .selectFrom('eligibility_appeal')
    .select(['id', 'state', 'outcome'])
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
}

export async function contactTaskOf(db: Db, caseId: number) {
  const row = await db
    .selectFrom('contact_task')
    .select('id')
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  return row?.id ?? null;
}

export function appealsInScope(db: Db, scopePath: string, state?: string) {
  let q = db
    .selectFrom('eligibility_appeal as a')
    .innerJoin('eligibility_case as e', 'e.id', 'a.case_id')
    .innerJoin('person as p', 'p.id', 'a.person_id')
    .where('a.scope_path', 'like', scopeLikePattern(scopePath));
  if (state) q = q.where('a.state', '=', state as 'open');
  return q;
}

export const APPEAL_COLUMNS = [
  'a.id',
  'a.case_id',
  'a.person_id',
  'p.name',
  'a.policy_id',
  'a.reason',
  'a.state',
  'a.outcome',
  'a.action',
  'a.resolution_note',
  'a.filed_by',
  'a.created_at',
  'e.status as case_status',
  'e.review_state as case_review_state',
] as const;
