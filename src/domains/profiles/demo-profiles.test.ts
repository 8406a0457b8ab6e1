// Demo seeding leaves work in the proactive-services queue: most qualifying residents receive their benefit, some
// do not, and some disabled residents lack a grade (missing-data near-misses). Run on 40
// residents aged 85 and 21 disabled ones in one grid (the demo generator's own test covers the district).
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { square } from '../../testing/fixtures.ts';
import { createTestDatabase, describeEachBackend } from '../../testing/test-context.ts';
import { seedDemoProfiles } from './demo-profiles.ts';
import { addResident } from './profiles.testing.ts';

describeEachBackend(
  'demo profiles',
  async (backend) => {
    const ctx = await createTestDatabase(backend);
    // One community and one grid, without the mini district's accounts (their password hashing is slow).
    const db = ctx.database.db;
    await db
      .insertInto('admin_division')
      .values({
        code: '330192001001',
        edition: 2025,
        level: 5,
        kind: '社区居委会',
        name: '幸福社区',
        parent_code: null,
        path: '/330192/330192001/330192001001/',
        source: 'test',
        source_updated_at: null,
        boundary: null,
        center_lng: null,
        center_lat: null,
        ur_class: '111',
      })
      .execute();
    const path = '/330192/330192001/330192001001/001/';
    const row = await db
      .insertInto('grid')
      .values({
        community_code: '330192001001',
        street_code: '330192001',
        local_code: '001',
        name: '第一网格',
        path,
        boundary: JSON.stringify(square(120.1, 30.28)),
        center_lng: 120.105,
        center_lat: 30.285,
        area_m2: 1_000_000,
        source: 'test',
        source_updated_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const grid = { id: row.id, path, name: '第一网格' };
    for (let i = 0; i < 40; i++) await addResident(db, grid, { name: `高龄${i}`, birth: '1941-06-01' });
    for (let i = 0; i < 21; i++)
      await addResident(db, grid, { name: `残疾${i}`, birth: '1970-06-01', tags: ['disabled'] });
    const summary = await seedDemoProfiles(ctx.database, '2026-11-30');
    return { ...ctx, summary };
  },
  (ctx) => {
    it('grants most but not all qualifying residents and opens cases for the rest', async () => {
      const db = ctx().database.db;
      const n = async (q: ReturnType<typeof sql<{ n: number }>>) => Number((await q.execute(db)).rows[0]!.n);
      const granted = await n(
        sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM benefit_grant WHERE policy_id = 'old_age_allowance'`,
      );
      const unserved = await n(sql<{ n: number }>`SELECT count(*)::int AS n FROM eligibility_case
        WHERE policy_id = 'old_age_allowance' AND status = 'eligible'`);
      expect(granted + unserved).toBe(40);
      expect(granted).toBeGreaterThan(25);
      expect(unserved).toBeGreaterThan(0);
      expect(ctx().summary.run.policyCounts['old_age_allowance']).toMatchObject({
        served: granted,
        eligibleUnserved: unserved,
      });
      const overlap = await n(sql<{ n: number }>`SELECT count(*)::int AS n FROM eligibility_case e
        JOIN benefit_grant g ON g.person_id = e.person_id AND g.policy_id = e.policy_id`);
      expect(overlap).toBe(0);
      // 21 disabled residents: most graded, the rest missing-data near-misses.
      expect(ctx().summary.grades).toBeGreaterThan(10);
      expect(ctx().summary.grades).toBeLessThan(21);
      const missing = await n(sql<{ n: number }>`SELECT count(*)::int AS n FROM eligibility_case
        WHERE policy_id = 'severe_disability_care_subsidy' AND status = 'near_miss' AND missing_data`);
      expect(missing).toBe(21 - ctx().summary.grades);
    });

    it('is deterministic: the rules are saved once and a second seeding adds no second rule set', async () => {
      const rules = await ctx().database.db.selectFrom('profile_rule_set').select('id').execute();
      expect(rules).toHaveLength(1);
    });
  },
);
