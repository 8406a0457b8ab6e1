// Buildings, their houses and the building map layer: only inside the viewer's scope (rows, totals, features),
// an id outside answers 404, counts come with the rows, and no resident is named.
import { expect, it } from 'vitest';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';

interface Ctx extends TestAppContext {
  mini: MiniDistrict;
  tokens: Record<string, string>;
  /** The building each mini-district person lives in, by person index. */
  buildingOf: number[];
}

describeEachBackend(
  'buildings and houses inside the scope',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend);
    const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
    const tokens: Record<string, string> = {};
    for (const user of ['admin', 'cw_a', 'gw_a1', 'resident_a1']) {
      tokens[user] = await login(ctx.app, user, MINI.password);
    }
    const buildingOf: number[] = [];
    for (const p of mini.persons) {
      const row = await ctx.database.db
        .selectFrom('person as p')
        .innerJoin('house as h', 'h.id', 'p.house_id')
        .select('h.building_id')
        .where('p.id', '=', p.id)
        .executeTakeFirstOrThrow();
      buildingOf.push(row.building_id);
    }
    return { ...ctx, mini, tokens, buildingOf };
  },
  (ctx) => {
    const get = (user: string, url: string) =>
      ctx().app.inject({ method: 'GET', url, headers: authed(ctx().tokens[user]!) });

    it.each([
      ['admin', [0, 1, 2, 3, 4]],
      ['cw_a', [0, 1, 2]],
      ['gw_a1', [0, 1]],
    ] as const)('%s lists exactly the buildings of its scope, with their counts', async (user, visible) => {
      const res = await get(user, '/api/buildings?pageSize=200');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.items.map((b: { id: number }) => b.id).sort()).toEqual(
        visible.map((i) => ctx().buildingOf[i]!).sort(),
      );
      expect(body.total).toBe(visible.length);
      for (const b of body.items) expect(b).toMatchObject({ households: 1, residents: 1, floors: 6 });
    });

    it('a building outside the scope answers 404, one inside lists its houses without naming anyone', async () => {
      const { buildingOf, mini } = ctx();
      const outside = await get('cw_a', `/api/buildings/${buildingOf[4]}`);
      expect(outside.statusCode).toBe(404);
      expect(outside.json().error.code).toBe('BUILDING_NOT_FOUND');
      expect((await get('admin', '/api/buildings/999999')).statusCode).toBe(404);
      const inside = await get('gw_a1', `/api/buildings/${buildingOf[0]}`);
      expect(inside.statusCode).toBe(200);
      expect(inside.json().building).toMatchObject({
        id: buildingOf[0],
        gridId: mini.grids.a1.id,
        useType: 'residential',
      });
      expect(inside.json().houses).toEqual([
        expect.objectContaining({
          unitNo: '1',
          floor: 5,
          roomNo: '502',
          areaM2: 78.5,
          households: 1,
          residents: 1,
        }),
      ]);
      expect(inside.body).not.toContain('张建国');
      expect(inside.body).not.toContain('502室');
    });

    it('filters buildings by grid and by text, and pages', async () => {
      const { a1 } = ctx().mini.grids;
      expect((await get('admin', `/api/buildings?gridId=${a1.id}`)).json().total).toBe(2);
      expect((await get('admin', '/api/buildings?q=湖滨路5号')).json().total).toBe(1);
      const page = (await get('admin', '/api/buildings?pageSize=2&page=3')).json();
      expect(page).toMatchObject({ total: 5, page: 3, pageSize: 2 });
      expect(page.items).toHaveLength(1);
    });

    it('the building layer of a grid is valid GeoJSON inside the scope, and not found outside', async () => {
      const { a1, c1 } = ctx().mini.grids;
      const res = await get('gw_a1', `/api/map/buildings.geojson?gridId=${a1.id}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('application/geo+json');
      const fc = res.json();
      expect(fc.type).toBe('FeatureCollection');
      expect(fc.features).toHaveLength(2);
      for (const f of fc.features) {
        expect(f.type).toBe('Feature');
        expect(f.geometry).toEqual({ type: 'Point', coordinates: [120.1, 30.28] });
        expect(f.properties).toMatchObject({ residents: 1, households: 1, floors: 6 });
        expect(f.properties.address).toMatch(/1号楼$/);
      }
      const outside = await get('gw_a1', `/api/map/buildings.geojson?gridId=${c1.id}`);
      expect(outside.statusCode).toBe(404);
      expect(outside.json().error.code).toBe('DIVISION_NOT_FOUND');
    });

    it('refuses a resident and answers bad input with 400', async () => {
      expect((await get('resident_a1', '/api/buildings')).statusCode).toBe(403);
      expect((await get('admin', '/api/buildings/abc')).statusCode).toBe(400);
      expect((await get('admin', '/api/map/buildings.geojson')).statusCode).toBe(400);
      expect((await get('admin', '/api/buildings?gridId=-1')).statusCode).toBe(400);
    });
  },
);
