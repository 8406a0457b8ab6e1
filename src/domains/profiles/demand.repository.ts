// Needs by area and age group, and the supply–demand gap of elderly care per community: aggregates only (counts,
// never persons), each bounded by the viewer's scope. Age groups are birth-date bounds so the birth_date index works.
import { type RawBuilder, sql } from 'kysely';
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import { bornOnOrBeforeForAge } from '../stats/index.ts';

export type DemandGrouping = 'grid' | 'community' | 'street' | 'age_group';

export const AGE_GROUPS = [
  { key: '0-17', min: 0 },
  { key: '18-59', min: 18 },
  { key: '60-79', min: 60 },
  { key: '80+', min: 80 },
] as const;

function ageGroupExpr(today: string): RawBuilder<string> {
  const b18 = bornOnOrBeforeForAge(today, 18);
  const b60 = bornOnOrBeforeForAge(today, 60);
  const b80 = bornOnOrBeforeForAge(today, 80);
  return sql<string>`CASE WHEN p.birth_date IS NULL THEN 'unknown'
    WHEN p.birth_date <= ${b80} THEN '80+'
    WHEN p.birth_date <= ${b60} THEN '60-79'
    WHEN p.birth_date <= ${b18} THEN '18-59'
    ELSE '0-17' END`;
}

/** The grouping key and display name of a person row (p joined with grid g). */
function groupExprs(
  by: DemandGrouping,
  today: string,
): { key: RawBuilder<string>; name: RawBuilder<string> } {
  if (by === 'grid') return { key: sql<string>`cast(g.id as text)`, name: sql<string>`g.name` };
  if (by === 'community')
    return {
      key: sql<string>`g.community_code`,
      name: sql<string>`(SELECT d.name FROM admin_division d WHERE d.code = g.community_code)`,
    };
  if (by === 'street')
    return {
      key: sql<string>`g.street_code`,
      name: sql<string>`(SELECT d.name FROM admin_division d WHERE d.code = g.street_code || '000')`,
    };
  const e = ageGroupExpr(today);
  return { key: e, name: e };
}

export interface DemandRow {
  key: string;
  name: string;
  residents: number;
  tags: Record<string, number>;
  eligibleUnserved: Record<string, number>;
  nearMiss: Record<string, number>;
}

export async function demandBy(db: Db, scopePath: string, by: DemandGrouping, today: string) {
  const like = scopeLikePattern(scopePath);
  const g = groupExprs(by, today);
  const residents = await sql<{ key: string; name: string; n: string }>`
    SELECT ${g.key} AS key, ${g.name} AS name, count(*) AS n
    FROM person p JOIN grid g ON g.id = p.grid_id
    WHERE p.scope_path LIKE ${like}
    GROUP BY 1, 2`.execute(db);
  const tags = await sql<{ key: string; tag: string; n: string }>`
    SELECT ${g.key} AS key, t.tag, count(*) AS n
    FROM profile_tag t JOIN person p ON p.id = t.person_id JOIN grid g ON g.id = p.grid_id
    WHERE t.scope_path LIKE ${like}
    GROUP BY 1, 2`.execute(db);
  const cases = await sql<{ key: string; policy_id: string; status: string; n: string }>`
    SELECT ${g.key} AS key, e.policy_id, e.status, count(*) AS n
    FROM eligibility_case e JOIN person p ON p.id = e.person_id JOIN grid g ON g.id = p.grid_id
    WHERE e.scope_path LIKE ${like} AND e.status IN ('eligible', 'near_miss') AND e.review_state <> 'rejected'
    GROUP BY 1, 2, 3`.execute(db);
  const rows = new Map<string, DemandRow>();
  for (const r of residents.rows)
    rows.set(r.key, {
      key: r.key,
      name: r.name ?? r.key,
      residents: Number(r.n),
      tags: {},
      eligibleUnserved: {},
      nearMiss: {},
    });
  for (const t of tags.rows) {
    const row = rows.get(t.key);
    if (row) row.tags[t.tag] = Number(t.n);
  }
  for (const c of cases.rows) {
    const row = rows.get(c.key);
    if (!row) continue;
    const target = c.status === 'eligible' ? row.eligibleUnserved : row.nearMiss;
    target[c.policy_id] = Number(c.n);
  }
  return [...rows.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** Elderly-care service types and the facility types that supply them (capacity in beds or day places). */
export const ELDER_CARE_SERVICES = [
  { service: 'residential_care', label: '机构养老床位', facilityTypes: ['NURSING_HOME', 'ELDER_CARE_HOME'] },
  { service: 'day_care', label: '日间照料托位', facilityTypes: ['ELDER_DAY_CARE'] },
] as const;

export async function elderCareSupply(db: Db, scopePath: string, today: string) {
  const like = scopeLikePattern(scopePath);
  const born60 = bornOnOrBeforeForAge(today, 60);
  const elderly = await sql<{ code: string; name: string; n: string }>`
    SELECT g.community_code AS code, (SELECT d.name FROM admin_division d WHERE d.code = g.community_code) AS name,
           count(*) AS n
    FROM person p JOIN grid g ON g.id = p.grid_id
    WHERE p.scope_path LIKE ${like} AND p.birth_date <= ${born60}
    GROUP BY 1, 2`.execute(db);
  const capacity = await sql<{ code: string; type: string; facilities: string; capacity: string | null }>`
    SELECT g.community_code AS code, f.type, count(*) AS facilities, sum(f.capacity) AS capacity
    FROM facility f JOIN grid g ON g.id = f.grid_id
    WHERE f.scope_path LIKE ${like}
      AND f.type IN ('NURSING_HOME', 'ELDER_CARE_HOME', 'ELDER_DAY_CARE')
    GROUP BY 1, 2`.execute(db);
  return { elderly: elderly.rows, capacity: capacity.rows };
}
