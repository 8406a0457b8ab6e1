// Every role against every route that returns personal data, inside and outside its scope: status codes, that
// nothing from outside the scope appears in any list or count, exact masked forms, and purpose-bound unmasking.
import { expect, it } from 'vitest';
import { createAccount } from '../../platform/auth/accounts.service.ts';
import { type Permission, roleCan } from '../../platform/auth/roles.ts';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';

const PASSWORD = 'Passw0rd!2026';

interface Ctx extends TestAppContext {
  mini: MiniDistrict;
  tokens: Record<string, string>;
  /** Household, house, building and grid of each mini-district person, by person index. */
  places: Array<{ householdId: number; houseId: number; buildingId: number; gridId: number }>;
}

/**
 * Record routes that show residents or where they live: one row each. A role without the permission gets 403;
 * with it, a record of a visible resident answers 200 with nothing in clear, any other 404 with `notFound`.
 */
const RECORD_ROUTES: Array<{
  route: string;
  url: (p: Ctx['places'][number]) => string;
  permission: Permission;
  notFound: string;
}> = [
  {
    route: 'household',
    url: (p) => `/api/households/${p.householdId}`,
    permission: 'person:read',
    notFound: 'HOUSEHOLD_NOT_FOUND',
  },
  {
    route: 'house',
    url: (p) => `/api/houses/${p.houseId}`,
    permission: 'person:read',
    notFound: 'HOUSE_NOT_FOUND',
  },
  {
    route: 'building',
    url: (p) => `/api/buildings/${p.buildingId}`,
    permission: 'geo:read',
    notFound: 'BUILDING_NOT_FOUND',
  },
  {
    route: 'grid detail',
    url: (p) => `/api/grids/${p.gridId}`,
    permission: 'geo:read',
    notFound: 'DIVISION_NOT_FOUND',
  },
  {
    route: 'building points of the grid',
    url: (p) => `/api/map/buildings.geojson?gridId=${p.gridId}`,
    permission: 'geo:read',
    notFound: 'DIVISION_NOT_FOUND',
  },
];

/** Routes about places that name no resident: roles that may not search residents still see those of their scope. */
const PLACE_ROUTES = new Set(['building', 'grid detail', 'building points of the grid']);

// Persons of the mini district by index: 0 张建国 (grid a1, resident_a1's own record), 1 李秀英 (a1),
// 2 王浩然 (a2), 3 欧阳明 (community B), 4 陈欣怡 (street 2, community C).
const VISIBLE: Record<string, number[] | 'forbidden'> = {
  admin: [0, 1, 2, 3, 4],
  street1: [0, 1, 2, 3],
  cw_a: [0, 1, 2],
  cw_c: [4],
  gw_a1: [0, 1],
  hotline: [0, 1, 2, 3, 4],
  provider1: 'forbidden',
  auditor: 'forbidden',
  resident_a1: 'forbidden',
};

/** The indexes of the persons living inside an account's scope, whatever the account may do with them. */
function inScopeOf(mini: MiniDistrict, user: string): number[] {
  const scope = mini.accounts[user]!.scopePath;
  return mini.persons.flatMap((p, i) => (p.gridPath.startsWith(scope) ? [i] : []));
}

/** A service provider serving street 1, and its account (the mini district has none). */
async function addProviderAccount(ctx: TestAppContext, mini: MiniDistrict) {
  const provider = await ctx.database.db
    .insertInto('service_provider')
    .values({
      street_code: MINI.street1.code.slice(0, 9),
      scope_path: MINI.street1.path,
      name: '东湖助老服务社',
      kind: 'social_org',
      source: 'test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const account = await createAccount(ctx.database.db, {
    username: 'provider1',
    password: MINI.password,
    displayName: 'provider1',
    role: 'service_provider',
    scopePath: MINI.street1.path,
    providerId: provider.id,
  });
  mini.accounts['provider1'] = { id: account.id, role: 'service_provider', scopePath: account.scopePath };
}

describeEachBackend(
  'access matrix: scope and masking for every role',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend);
    const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
    await addProviderAccount(ctx, mini);
    const tokens: Record<string, string> = {};
    for (const user of Object.keys(VISIBLE)) tokens[user] = await login(ctx.app, user, PASSWORD);
    const places: Ctx['places'] = [];
    for (const p of mini.persons) {
      const row = await ctx.database.db
        .selectFrom('person as p')
        .innerJoin('house as h', 'h.id', 'p.house_id')
        .select(['p.household_id', 'p.house_id', 'h.building_id', 'p.grid_id'])
        .where('p.id', '=', p.id)
        .executeTakeFirstOrThrow();
      places.push({
        householdId: row.household_id!,
        houseId: row.house_id!,
        buildingId: row.building_id,
        gridId: row.grid_id,
      });
    }
    return { ...ctx, mini, tokens, places };
  },
  (ctx) => {
    const get = (user: string, url: string) =>
      ctx().app.inject({ method: 'GET', url, headers: authed(ctx().tokens[user]!) });

    it.each(Object.entries(VISIBLE))(
      '%s: the resident list shows exactly the residents in scope, masked',
      async (user, visible) => {
        const res = await get(user, '/api/persons?pageSize=200');
        if (visible === 'forbidden') {
          expect(res.statusCode).toBe(403);
          return;
        }
        expect(res.statusCode).toBe(200);
        const { persons } = ctx().mini;
        const body = res.json();
        expect(body.items.map((p: { id: number }) => p.id).sort()).toEqual(
          visible.map((i) => persons[i]!.id).sort(),
        );
        expect(body.total).toBe(visible.length);
        const text = res.body;
        for (const p of persons) {
          expect(text).not.toContain(p.idNumber);
          expect(text).not.toContain(p.phone);
        }
        const zhang = body.items.find((p: { id: number }) => p.id === persons[0]!.id);
        if (zhang) {
          expect(zhang).toMatchObject({
            name: '张*国',
            idNumber: `330192********${persons[0]!.idNumber.slice(-4)}`,
            phone: '138****1001',
            tags: null,
            tagsMasked: true,
            tagCount: 1,
          });
          expect(zhang.address).toMatch(/1号楼\*\*\*\*$/);
        }
        const ouyang = body.items.find((p: { id: number }) => p.id === persons[3]!.id);
        if (ouyang) expect(ouyang.name).toBe('欧阳*');
      },
    );

    it.each(Object.entries(VISIBLE))(
      '%s: a record in scope answers 200 masked, one outside answers 404',
      async (user, visible) => {
        const { persons } = ctx().mini;
        for (const [i, p] of persons.entries()) {
          const res = await get(user, `/api/persons/${p.id}`);
          if (visible === 'forbidden') expect(res.statusCode).toBe(403);
          else if (visible.includes(i)) {
            expect(res.statusCode).toBe(200);
            expect(res.json().idNumber).not.toBe(p.idNumber);
            expect(res.json().ethnicity).toBeNull();
          } else {
            expect(res.statusCode).toBe(404);
            expect(res.json().error.code).toBe('PERSON_NOT_FOUND');
          }
        }
      },
    );

    const recordCases = Object.keys(VISIBLE).flatMap((user) =>
      RECORD_ROUTES.map((r) => [user, r.route] as const),
    );
    it.each(recordCases)(
      '%s: the %s record of each resident answers 200 masked in scope, 404 outside',
      async (user, route) => {
        const { mini, places } = ctx();
        const row = RECORD_ROUTES.find((r) => r.route === route)!;
        const role = mini.accounts[user]!.role;
        // Places name no resident, so a role that may not search residents may still see the places of its scope.
        const visible =
          VISIBLE[user] === 'forbidden'
            ? PLACE_ROUTES.has(route)
              ? inScopeOf(mini, user)
              : []
            : VISIBLE[user]!;
        for (const [i, p] of mini.persons.entries()) {
          const res = await get(user, row.url(places[i]!));
          if (!roleCan(role, row.permission)) {
            expect(res.statusCode).toBe(403);
            continue;
          }
          if ((visible as number[]).includes(i)) {
            expect(res.statusCode).toBe(200);
            expect(res.body).not.toContain(p.idNumber);
            expect(res.body).not.toContain(p.phone);
            expect(res.body).not.toContain(p.name);
            expect(res.body).not.toMatch(/\d+室/);
          } else {
            expect(res.statusCode).toBe(404);
            expect(res.json().error.code).toBe(row.notFound);
          }
        }
      },
    );

    it('a resident sees their own record unmasked and nobody else’s', async () => {
      const { persons } = ctx().mini;
      const own = await get('resident_a1', '/api/me/person');
      expect(own.statusCode).toBe(200);
      expect(own.json()).toMatchObject({
        name: '张建国',
        idNumber: persons[0]!.idNumber,
        tags: ['elderly_alone'],
      });
      for (const user of Object.keys(VISIBLE).filter((u) => u !== 'resident_a1'))
        expect((await get(user, '/api/me/person')).statusCode).toBe(403);
    });

    const UNMASK: Array<[string, string[], number]> = [
      ['street1', ['idNumber', 'phone', 'tags'], 200],
      ['cw_a', ['idNumber', 'name'], 200],
      ['gw_a1', ['phone', 'address'], 200],
      ['hotline', ['phone', 'name'], 200],
      ['hotline', ['idNumber'], 403],
      ['admin', ['phone'], 403],
      ['hotline', ['tags'], 403],
      ['auditor', ['phone'], 403],
      ['provider1', ['name'], 403],
      ['resident_a1', ['phone'], 403],
    ];
    it.each(UNMASK)(
      '%s unmasking %j of a resident in scope answers %i, and is audited with its purpose',
      async (user, fields, status) => {
        const { app, database, mini, tokens } = ctx();
        const target = mini.persons[0]!;
        const res = await app.inject({
          method: 'POST',
          url: `/api/persons/${target.id}/unmask`,
          headers: authed(tokens[user]!),
          payload: { fields, purpose: `入户走访核实 ${user}` },
        });
        expect(res.statusCode).toBe(status);
        if (status === 200) {
          const values = res.json().values;
          if (fields.includes('idNumber')) expect(values.idNumber).toBe(target.idNumber);
          if (fields.includes('phone')) expect(values.phone).toBe(target.phone);
          if (fields.includes('name')) expect(values.name).toBe('张建国');
          if (fields.includes('tags')) expect(values.tags).toEqual(['elderly_alone']);
          const audit = await database.db
            .selectFrom('audit_log')
            .select(['purpose', 'entity_ids', 'outcome'])
            .where('action', '=', 'person.unmask')
            .where('username', '=', user)
            .where('outcome', '=', 'ok')
            .execute();
          expect(audit).toContainEqual({
            purpose: `入户走访核实 ${user}`,
            entity_ids: [String(target.id)],
            outcome: 'ok',
          });
        } else {
          expect(res.body).not.toContain(target.phone);
          expect(res.body).not.toContain('张建国');
          // A role with person:unmask asking for a field it may not see is recorded as a refusal, purpose included.
          if (roleCan(mini.accounts[user]!.role, 'person:unmask')) {
            const denied = await database.db
              .selectFrom('audit_log')
              .select(['purpose', 'outcome'])
              .where('action', '=', 'person.unmask')
              .where('username', '=', user)
              .where('outcome', '=', 'denied')
              .execute();
            expect(denied).toContainEqual({ purpose: `入户走访核实 ${user}`, outcome: 'denied' });
          }
        }
      },
    );

    it('unmasking needs a purpose of at least four characters, and is 404 outside the scope', async () => {
      const { app, mini, tokens } = ctx();
      const noPurpose = await app.inject({
        method: 'POST',
        url: `/api/persons/${mini.persons[0]!.id}/unmask`,
        headers: authed(tokens['cw_a']!),
        payload: { fields: ['phone'], purpose: '看看' },
      });
      expect(noPurpose.statusCode).toBe(400);
      expect(noPurpose.json().error.code).toBe('PURPOSE_REQUIRED');
      const outside = await app.inject({
        method: 'POST',
        url: `/api/persons/${mini.persons[4]!.id}/unmask`,
        headers: authed(tokens['cw_a']!),
        payload: { fields: ['phone'], purpose: '入户走访核实' },
      });
      expect(outside.statusCode).toBe(404);
    });

    it('search by full ID number and by phone finds exactly that resident, inside the scope only', async () => {
      const { persons } = ctx().mini;
      const byId = (await get('cw_a', `/api/persons?q=${persons[2]!.idNumber}`)).json();
      expect(byId.items.map((p: { id: number }) => p.id)).toEqual([persons[2]!.id]);
      const byPhone = (await get('cw_a', `/api/persons?q=${persons[1]!.phone}`)).json();
      expect(byPhone.items.map((p: { id: number }) => p.id)).toEqual([persons[1]!.id]);
      const outside = (await get('cw_a', `/api/persons?q=${persons[4]!.idNumber}`)).json();
      expect(outside).toMatchObject({ items: [], total: 0 });
      const byName = (await get('admin', `/api/persons?q=${encodeURIComponent('欧阳')}`)).json();
      expect(byName.items.map((p: { id: number }) => p.id)).toEqual([persons[3]!.id]);
      const invalid = await get('cw_a', '/api/persons?q=110105194912310021');
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().error.code).toBe('ID_NUMBER_INVALID');
    });

    it('filters by tag and age, and rejects an inverted age range with 400', async () => {
      const { persons } = ctx().mini;
      const alone = (await get('admin', '/api/persons?tag=elderly_alone')).json();
      expect(alone.items.map((p: { id: number }) => p.id)).toEqual([persons[0]!.id]);
      const young = (await get('admin', '/api/persons?ageMax=40')).json();
      expect(young.items.map((p: { id: number }) => p.id).sort()).toEqual(
        [persons[2]!.id, persons[4]!.id].sort(),
      );
      expect((await get('admin', '/api/persons?ageMin=50&ageMax=40')).statusCode).toBe(400);
      expect((await get('admin', '/api/persons?pageSize=500')).statusCode).toBe(400);
    });

    it.each(Object.keys(VISIBLE))(
      '%s: the overview and the map count only what is in scope, and nothing for a `within` outside it',
      async (user) => {
        const { mini } = ctx();
        const { role, scopePath } = mini.accounts[user]!;
        const count = inScopeOf(mini, user).length;
        const overview = await get(user, '/api/stats/overview');
        if (!roleCan(role, 'stats:read')) expect(overview.statusCode).toBe(403);
        else expect(overview.json().population).toBe(count);
        for (const level of ['grid', 'community', 'street']) {
          const map = await get(user, `/api/map/areas.geojson?level=${level}`);
          if (!roleCan(role, 'geo:read')) {
            expect(map.statusCode).toBe(403);
            continue;
          }
          const features = map.json().features as Array<{ properties: { population: number; path: string } }>;
          for (const f of features) expect(f.properties.path.startsWith(scopePath)).toBe(true);
          if (level === 'grid') expect(features.reduce((s, f) => s + f.properties.population, 0)).toBe(count);
        }
        if (roleCan(role, 'geo:read')) {
          const outside = await get(user, '/api/map/areas.geojson?level=grid&within=/330999/');
          expect(outside.json().features).toEqual([]);
          const other = user === 'cw_c' ? MINI.communityA.path : MINI.communityC.path;
          const beside = (await get(user, `/api/map/areas.geojson?level=grid&within=${other}`)).json();
          if (!other.startsWith(scopePath)) expect(beside.features).toEqual([]);
        }
      },
    );

    it('the division tree of a grid worker starts at their grid', async () => {
      const tree = (await get('gw_a1', '/api/divisions/tree')).json();
      expect(tree).toMatchObject({ level: 'grid', name: '幸福社区第一网格', population: 2, children: [] });
      const district = (await get('admin', '/api/divisions/tree')).json();
      expect(district).toMatchObject({ level: 'district', population: 5 });
      expect(district.children.map((c: { name: string }) => c.name).sort()).toEqual(
        ['东湖街道', '西岭街道'].sort(),
      );
    });

    it('writes one audit entry per search with the returned ids, never a searched ID number in clear', async () => {
      const { database, mini } = ctx();
      const rows = await database.db
        .selectFrom('audit_log')
        .select(['details', 'entity_ids'])
        .where('action', '=', 'person.search')
        .execute();
      expect(rows.length).toBeGreaterThan(0);
      const all = JSON.stringify(rows);
      for (const p of mini.persons) expect(all).not.toContain(p.idNumber);
    });
  },
);
