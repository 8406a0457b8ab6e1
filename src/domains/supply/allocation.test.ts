import { expect, it } from 'vitest';
import type { Db } from '../../platform/db/index.ts';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';

interface Ctx extends TestAppContext {
  mini: MiniDistrict;
  tokens: Record<string, string>;
}

/**
 * Besides the fixture's two residents of grid A1 aged 70+ (need 4 h each, weight 1.5), grid A2 gets one aged
 * 60–69 (2 h, weight 1) and grid B1 three aged 80+ (8 h each, weight 2). Community A needs 10 h, B 24 h.
 */
async function seedElders(db: Db, mini: MiniDistrict) {
  const add = async (grid: { id: number; path: string }, name: string, birth: string) =>
    db
      .insertInto('person')
      .values({
        street_code: grid.path.split('/')[2]!,
        grid_id: grid.id,
        scope_path: grid.path,
        name,
        sex: '2',
        birth_date: birth,
        registration_type: 'household',
        source: 'test',
      })
      .execute();
  await add(mini.grids.a2, '钱桂兰', '1960-01-01');
  for (const n of ['孙一', '孙二', '孙三']) await add(mini.grids.b1, n, '1940-01-01');
}

describeEachBackend(
  'supply: allocation of care hours with equity floors and caps',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend);
    const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
    await seedElders(ctx.database.db, mini);
    const tokens: Record<string, string> = {};
    for (const user of ['street1', 'resident_a1']) tokens[user] = await login(ctx.app, user, MINI.password);
    return { ...ctx, mini, tokens };
  },
  (ctx) => {
    const post = (user: string, payload: unknown) =>
      ctx().app.inject({
        method: 'POST',
        url: '/api/supply/allocations',
        payload: payload as object,
        headers: authed(ctx().tokens[user]!),
      });
    const group = (body: { groups: { path: string }[] }, path: string) =>
      body.groups.find((g) => g.path === path) as unknown as {
        allocated: number;
        share: number;
        name: string;
      };

    it('without a floor, 20 h go to the 80+ of community B (highest priority); A gets nothing', async () => {
      const res = await post('street1', { budget: 20 });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        status: 'optimal',
        totalNeed: 34,
        needMet: 20,
        objective: 40,
      });
      expect(body.minGroupShare).toBeCloseTo(0, 6);
      expect(group(body, MINI.communityB.path).allocated).toBeCloseTo(20, 6);
      expect(group(body, MINI.communityA.path).name).toBe('幸福社区');
      expect(group(body, MINI.communityA.path).allocated).toBeCloseTo(0, 6);
      expect(body.bands.map((b: { residents: number }) => b.residents)).toEqual([1, 2, 3]);
    });

    it('a 50% floor gives A 5 h (to its 70+ first) and B 15 h: objective 37.5', async () => {
      const body = (await post('street1', { budget: 20, minShare: 0.5 })).json();
      expect(body.objective).toBeCloseTo(37.5, 6);
      expect(group(body, MINI.communityA.path).allocated).toBeCloseTo(5, 6);
      expect(group(body, MINI.communityB.path).allocated).toBeCloseTo(15, 6);
      expect(body.minGroupShare).toBeCloseTo(0.5, 6);
    });

    it('returns the efficiency–equity curve from no floor to the largest feasible one', async () => {
      const body = (await post('street1', { budget: 20, curve: 3 })).json();
      expect(body.curve).toHaveLength(3);
      expect(body.curve[0].minShare).toBe(0);
      expect(body.curve[0].objective).toBeCloseTo(40, 6);
      // 20 h over 34 h of need: every community can get at most 20/34 of its need.
      expect(body.maxMinShare).toBeCloseTo(20 / 34, 6);
      expect(body.curve[2].objective).toBeLessThan(body.curve[0].objective);
    });

    it('an infeasible floor answers 422 naming the budget (and the least budget), or the capped community', async () => {
      const budget = await post('street1', { budget: 10, minShare: 0.5 });
      expect(budget.statusCode).toBe(422);
      expect(budget.json().error).toMatchObject({ code: 'ALLOCATION_INFEASIBLE' });
      expect(budget.json().error.details[0].field).toBe('budget');
      expect(budget.json().error.details[0].message).toContain('17');
      const capped = await post('street1', { budget: 100, minShare: 0.5, capPerResident: 1.7 });
      expect(capped.statusCode).toBe(422);
      expect(capped.json().error.details).toEqual([
        expect.objectContaining({ field: `minShare[${MINI.communityB.path}]` }),
      ]);
    });

    it('is audited; a resident gets 403 and a negative budget 400', async () => {
      const audit = await ctx()
        .database.db.selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'allocation.run')
        .execute();
      expect(audit.length).toBeGreaterThanOrEqual(3);
      expect((await post('resident_a1', { budget: 20 })).statusCode).toBe(403);
      expect((await post('street1', { budget: -1 })).statusCode).toBe(400);
    });
  },
);
