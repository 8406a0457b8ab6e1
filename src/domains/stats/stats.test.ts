// The scope overview: every figure counts only what lies inside the viewer's scope.
import { expect, it } from 'vitest';
import { ageOn } from '../../lib/id-number.ts';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';
import { bornOnOrBeforeForAge, chinaToday } from './age-cutoffs.ts';

interface Ctx extends TestAppContext {
  mini: MiniDistrict;
  tokens: Record<string, string>;
}

/** Birth dates of the mini district's residents, by person index (see fixtures.ts). */
const BIRTHS = ['1948-03-15', '1952-07-01', '1995-11-20', '1980-01-09', '2001-05-30'];

describeEachBackend(
  'stats: the overview of a scope',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend);
    const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
    // One provider serving all of street 1: its communities and grids count it, street 2 does not.
    await ctx.database.db
      .insertInto('service_provider')
      .values({
        street_code: MINI.street1.code.slice(0, 9),
        scope_path: MINI.street1.path,
        name: '东湖居家养老服务中心',
        kind: 'social_org',
        source: 'test',
      })
      .execute();
    const tokens: Record<string, string> = {};
    for (const user of ['admin', 'cw_a', 'cw_c', 'gw_a1', 'auditor', 'resident_a1'])
      tokens[user] = await login(ctx.app, user, MINI.password);
    return { ...ctx, mini, tokens };
  },
  (ctx) => {
    const overview = (user: string) =>
      ctx().app.inject({ method: 'GET', url: '/api/stats/overview', headers: authed(ctx().tokens[user]!) });

    it.each([
      ['admin', MINI.district.name, [0, 1, 2, 3, 4], { grids: 4, communities: 3, providers: 1 }],
      ['auditor', MINI.district.name, [0, 1, 2, 3, 4], { grids: 4, communities: 3, providers: 1 }],
      ['cw_a', MINI.communityA.name, [0, 1, 2], { grids: 2, communities: 1, providers: 1 }],
      ['cw_c', MINI.communityC.name, [4], { grids: 1, communities: 1, providers: 0 }],
      ['gw_a1', '幸福社区第一网格', [0, 1], { grids: 1, communities: 0, providers: 1 }],
    ] as const)('%s sees the figures of %s only', async (user, name, persons, places) => {
      const res = await overview(user);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const today = chinaToday();
      const ages = persons.map((i) => ageOn(BIRTHS[i]!, today));
      const tagged = (tag: string) => persons.filter((i) => ctx().mini.persons[i]!.tags.includes(tag)).length;
      const aged60 = ages.filter((a) => a >= 60).length;
      expect(body).toMatchObject({
        scopeName: name,
        population: persons.length,
        households: persons.length,
        buildings: persons.length,
        houses: persons.length,
        aged60Plus: aged60,
        aged60Share: Math.round((aged60 / persons.length) * 1000) / 1000,
        elderlyAlone: tagged('elderly_alone'),
        disabled: tagged('disabled'),
        lowIncome: tagged('low_income'),
        floating: 0,
        facilities: 0,
        organizations: 0,
        ...places,
      });
      const band = (lo: number, hi: number) => ages.filter((a) => a >= lo && a <= hi).length;
      expect(body.ageBands).toEqual([
        { band: '0-14', count: band(0, 14) },
        { band: '15-34', count: band(15, 34) },
        { band: '35-59', count: band(35, 59) },
        { band: '60-79', count: band(60, 79) },
        { band: '80+', count: band(80, 200) },
      ]);
    });

    it('refuses a resident', async () => {
      expect((await overview('resident_a1')).statusCode).toBe(403);
    });

    it('turns an age into the latest birth date, a missing 29 February becoming the 28th', () => {
      expect(bornOnOrBeforeForAge('2026-11-23', 60)).toBe('1966-11-23');
      expect(bornOnOrBeforeForAge('2028-02-29', 1)).toBe('2027-02-28');
      expect(ageOn('2027-02-28', '2028-02-29')).toBe(1);
      expect(ageOn('2027-03-01', '2028-02-29')).toBe(0);
      expect(chinaToday(new Date('2026-11-23T17:00:00Z'))).toBe('2026-11-24');
    });
  },
);
