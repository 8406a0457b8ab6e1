// A division or grid with its figures: counts of everything under it, only inside the viewer's scope.
import { expect, it } from 'vitest';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';

interface Ctx extends TestAppContext {
  mini: MiniDistrict;
  tokens: Record<string, string>;
}

describeEachBackend(
  'division and grid detail with figures',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend);
    const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
    const tokens: Record<string, string> = {};
    for (const user of ['admin', 'cw_c', 'gw_a1']) tokens[user] = await login(ctx.app, user, MINI.password);
    return { ...ctx, mini, tokens };
  },
  (ctx) => {
    const get = (user: string, url: string) =>
      ctx().app.inject({ method: 'GET', url, headers: authed(ctx().tokens[user]!) });

    it('a community counts the residents, households, buildings and special groups under it', async () => {
      const res = await get('admin', `/api/divisions/${MINI.communityA.code}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        code: MINI.communityA.code,
        name: MINI.communityA.name,
        level: 'community',
        parentName: MINI.street1.name,
        stats: {
          population: 3,
          households: 3,
          buildings: 3,
          houses: 3,
          elderlyAlone: 1,
          disabled: 0,
          floating: 0,
        },
      });
      const street = (await get('admin', `/api/divisions/${MINI.street1.code}`)).json();
      expect(street).toMatchObject({ level: 'street', stats: { population: 4, disabled: 1, lowIncome: 0 } });
      const s = street.stats;
      expect(s.aged80Plus).toBeLessThanOrEqual(s.aged60Plus);
      expect(s.aged60Plus).toBeGreaterThanOrEqual(1);
    });

    it('a grid shows its own figures to its grid worker', async () => {
      const res = await get('gw_a1', `/api/grids/${ctx().mini.grids.a1.id}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        level: 'grid',
        parentName: MINI.communityA.name,
        stats: { population: 2 },
      });
    });

    it('answers 404 outside the scope, ancestors included, and 400 for a malformed code', async () => {
      const { grids } = ctx().mini;
      expect((await get('cw_c', `/api/divisions/${MINI.communityA.code}`)).statusCode).toBe(404);
      expect((await get('gw_a1', `/api/divisions/${MINI.communityA.code}`)).statusCode).toBe(404);
      expect((await get('gw_a1', `/api/grids/${grids.c1.id}`)).json().error.code).toBe('DIVISION_NOT_FOUND');
      expect((await get('admin', '/api/divisions/999999999999')).statusCode).toBe(404);
      expect((await get('admin', '/api/divisions/33019')).statusCode).toBe(400);
    });
  },
);
