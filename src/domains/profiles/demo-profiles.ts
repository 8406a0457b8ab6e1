// Demo seeding for profiles: the default rules, a disability grade for most (not all) residents tagged disabled,
// benefit grants for most (not all) residents who qualify, and a first evaluation so the review queue is not
// empty. Deterministic: which grant or grade is left out depends on the person id only. The residents left without
// a grant are exactly the "qualifies but receives nothing" cases the platform exists to find.
import { hashUniform } from '../../lib/random/seeded.ts';
import { quickDecide, quickEvaluate } from '../../lib/rules/index.ts';
import type { Database } from '../../platform/db/index.ts';
import { type RunSummary, runProfiles } from './profile-evaluation.ts';
import { RESIDENT_FIELDS, residentFacts } from './resident-fields.ts';
import { streamResidents } from './resident-records.repository.ts';
import { ensureRuleSet } from './rule-set.repository.ts';

/** Share of qualifying residents who receive each benefit in the demo; the rest are the gaps to find. */
const SERVED_SHARE = 0.85;
/** Share of disabled residents whose grade is on record; the rest show up as missing-data near-misses. */
const GRADED_SHARE = 0.8;

export interface DemoProfilesSummary {
  grades: number;
  grants: number;
  run: RunSummary;
}

export async function seedDemoProfiles(database: Database, today: string): Promise<DemoProfilesSummary> {
  const db = database.db;
  const rules = await ensureRuleSet(db);
  let grades = 0;
  let grants = 0;
  const gradeRows: Array<Record<string, unknown>> = [];
  const grantRows: Array<Record<string, unknown>> = [];
  // One pass: the grade is decided in memory and given to the resident's facts before the grant decision, so
  // grants follow the rules with the grades in place, without a second read of the district.
  for await (const batch of streamResidents(db, { scopePath: '/', asOf: today, batchSize: 5000 })) {
    for (const r of batch) {
      let extra = r.record.extra;
      if (r.record.tags?.includes('disabled') && hashUniform(r.id, 1) < GRADED_SHARE) {
        const grade = 1 + Math.floor(hashUniform(r.id, 2) * 4);
        extra = { ...extra, disability_grade: grade };
        gradeRows.push({
          person_id: r.id,
          key: 'disability_grade',
          street_code: r.streetCode,
          scope_path: r.scopePath,
          value_num: grade,
          value_text: null,
          source: 'demo',
        });
      }
      const d = quickDecide(rules.document, residentFacts({ ...r.record, extra }, today), RESIDENT_FIELDS);
      rules.document.policies.forEach((p, i) => {
        if (d.statuses[i] !== 'eligible' || hashUniform(r.id, 10 + i) >= SERVED_SHARE) return;
        grantRows.push({
          person_id: r.id,
          street_code: r.streetCode,
          scope_path: r.scopePath,
          policy_id: p.id,
          // The amount of the first tier that holds, as the full decision would give it.
          amount:
            p.tiers.find((t) => quickEvaluate(t.when, d.facts, RESIDENT_FIELDS).result === 'true')?.amount ??
            null,
          start_date: '2024-01-01',
          end_date: null,
          source: 'demo',
        });
      });
    }
  }
  for (let i = 0; i < gradeRows.length; i += 1000)
    await db
      .insertInto('profile_fact')
      .values(gradeRows.slice(i, i + 1000) as never)
      .execute();
  grades = gradeRows.length;
  for (let i = 0; i < grantRows.length; i += 1000) {
    await db
      .insertInto('benefit_grant')
      .values(grantRows.slice(i, i + 1000) as never)
      .execute();
  }
  grants = grantRows.length;
  const run = await runProfiles(database, rules, {
    scopePath: '/',
    asOf: today,
    mode: 'full',
    kinds: ['tags', 'eligibility'],
    by: 'demo',
    batchSize: 5000,
  });
  return { grades, grants, run };
}
