// Organizations, facilities, facility types and providers: lists stay inside the viewer's scope (rows and
// totals), a legal representative's name and phone are masked, filters narrow, bad input gets a 400.
import { expect, it } from 'vitest';
import { makeUscc } from '../../lib/uscc.ts';
import type { Db } from '../../platform/db/index.ts';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';

interface Ctx extends TestAppContext {
  mini: MiniDistrict;
  tokens: Record<string, string>;
}

const USCC_A1 = makeUscc('91', '330192', 'MA2B3C4D')!;

async function seedPlaces(db: Db, mini: MiniDistrict) {
  for (const [key, grid] of Object.entries(mini.grids)) {
    const street = grid.path.split('/')[2]!;
    const org = await db
      .insertInto('organization')
      .values({
        street_code: street,
        grid_id: grid.id,
        scope_path: grid.path,
        name: `${grid.name}物业公司`,
        kind: 'enterprise',
        uscc: key === 'a1' ? USCC_A1 : null,
        legal_rep_name: '欧阳明华',
        contact_phone: '13912345678',
        address: `${grid.name}路 1 号`,
        source: 'test',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('facility')
      .values({
        street_code: street,
        grid_id: grid.id,
        scope_path: grid.path,
        type: key === 'a1' ? 'HEALTH_CENTER' : 'SPORTS_LARGE',
        name: `${grid.name}服务站`,
        address: `${grid.name}路 2 号`,
        lng: 120.1,
        lat: 30.2,
        capacity: 40,
        operator_org_id: org.id,
        source: 'test',
      })
      .execute();
    await db
      .insertInto('service_provider')
      .values({
        street_code: street,
        scope_path: grid.path,
        organization_id: org.id,
        name: `${grid.name}助老服务队`,
        kind: 'volunteer_team',
        service_categories: key === 'c1' ? ['meal'] : ['home_care'],
        contact_phone: '0571-88880000',
        source: 'test',
      })
      .execute();
  }
}

describeEachBackend(
  'places: organizations, facilities and providers inside the scope',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend);
    const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
    await seedPlaces(ctx.database.db, mini);
    const tokens: Record<string, string> = {};
    for (const user of ['admin', 'cw_a', 'cw_c', 'auditor', 'resident_a1']) {
      tokens[user] = await login(ctx.app, user, MINI.password);
    }
    return { ...ctx, mini, tokens };
  },
  (ctx) => {
    const get = (user: string, url: string) =>
      ctx().app.inject({ method: 'GET', url, headers: authed(ctx().tokens[user]!) });
    const names = (body: { items: Array<{ name: string }> }) => body.items.map((i) => i.name).sort();

    it.each([
      ['admin', ['a1', 'a2', 'b1', 'c1']],
      ['cw_a', ['a1', 'a2']],
      ['cw_c', ['c1']],
    ] as const)(
      '%s sees the organizations, facilities and providers of its scope only',
      async (user, keys) => {
        const grids = ctx().mini.grids;
        const expected = (suffix: string) => keys.map((k) => `${grids[k].name}${suffix}`).sort();
        for (const [url, suffix] of [
          ['/api/organizations', '物业公司'],
          ['/api/facilities', '服务站'],
          ['/api/providers', '助老服务队'],
        ] as const) {
          const res = await get(user, url);
          expect(res.statusCode).toBe(200);
          expect(names(res.json())).toEqual(expected(suffix));
          expect(res.json().total).toBe(keys.length);
        }
      },
    );

    it('masks a legal representative’s name and phone', async () => {
      const res = await get('admin', '/api/organizations?pageSize=1');
      expect(res.json().items[0]).toMatchObject({ legalRepName: '欧阳**', contactPhone: '139****5678' });
      expect(res.body).not.toContain('13912345678');
      expect(res.body).not.toContain('欧阳明华');
    });

    it('filters facilities by type and grid, providers by category, and pages', async () => {
      const { a1, c1 } = ctx().mini.grids;
      const byType = (await get('admin', '/api/facilities?type=HEALTH_CENTER')).json();
      expect(byType.items.map((f: { gridId: number }) => f.gridId)).toEqual([a1.id]);
      expect(byType.items[0].typeName).toBe('社区卫生服务中心');
      const byGrid = (await get('admin', `/api/facilities?gridId=${c1.id}`)).json();
      expect(byGrid.total).toBe(1);
      const meal = (await get('admin', '/api/providers?category=meal')).json();
      expect(meal.items.map((p: { name: string }) => p.name)).toEqual([`${c1.name}助老服务队`]);
      const page2 = (await get('admin', '/api/organizations?pageSize=3&page=2')).json();
      expect(page2).toMatchObject({ total: 4, page: 2, pageSize: 3 });
      expect(page2.items).toHaveLength(1);
    });

    it('lists the facility types with their GB 50180 clause', async () => {
      const res = await get('cw_a', '/api/facility-types');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toContainEqual(
        expect.objectContaining({ code: 'HEALTH_CENTER', lifeCircle: 'LC15', mandatory: true }),
      );
    });

    it('refuses roles without the permission and answers bad filters with 400', async () => {
      expect((await get('auditor', '/api/organizations')).statusCode).toBe(403);
      expect((await get('resident_a1', '/api/providers')).statusCode).toBe(403);
      expect((await get('admin', '/api/organizations?kind=bank')).statusCode).toBe(400);
      expect((await get('admin', '/api/facilities?pageSize=500')).statusCode).toBe(400);
      expect((await get('admin', '/api/providers?category=DROP%20TABLE')).statusCode).toBe(400);
    });

    it('finds an organization by its full credit code, inside the scope only; a wrong check character is a 400', async () => {
      const { a1 } = ctx().mini.grids;
      const found = (await get('cw_a', `/api/organizations?q=${USCC_A1.toLowerCase()}`)).json();
      expect(found.items.map((o: { gridId: number; uscc: string }) => [o.gridId, o.uscc])).toEqual([
        [a1.id, USCC_A1],
      ]);
      expect((await get('cw_c', `/api/organizations?q=${USCC_A1}`)).json()).toMatchObject({
        items: [],
        total: 0,
      });
      const wrongCheck = USCC_A1.slice(0, 17) + (USCC_A1.endsWith('0') ? '1' : '0');
      const res = await get('cw_a', `/api/organizations?q=${wrongCheck}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'USCC_INVALID', details: [{ field: 'querystring/q' }] });
    });

    it('shows a community the providers serving its whole street, never those of another street', async () => {
      const { database } = ctx();
      await database.db
        .insertInto('service_provider')
        .values({
          street_code: MINI.street1.code.slice(0, 9),
          scope_path: MINI.street1.path,
          name: '东湖街道居家养老服务中心',
          kind: 'social_org',
          service_categories: ['home_care'],
          source: 'test',
        })
        .execute();
      const forA = (await get('cw_a', '/api/providers?q=居家养老')).json();
      expect(forA.items).toEqual([
        expect.objectContaining({ name: '东湖街道居家养老服务中心', scopePath: MINI.street1.path }),
      ]);
      expect((await get('cw_c', '/api/providers?q=居家养老')).json()).toMatchObject({ items: [], total: 0 });
      expect((await get('admin', '/api/providers?q=居家养老')).json().total).toBe(1);
    });

    it('reads a code table, and answers 404 for an unknown one', async () => {
      const sex = await get('resident_a1', '/api/codes/sex');
      expect(sex.statusCode).toBe(200);
      expect(sex.json().values).toContainEqual(expect.objectContaining({ code: '1', labelZh: '男' }));
      const missing = await get('admin', '/api/codes/no_such_set');
      expect(missing.statusCode).toBe(404);
      expect((await get('admin', '/api/codes/Bad-Name')).statusCode).toBe(400);
    });
  },
);
