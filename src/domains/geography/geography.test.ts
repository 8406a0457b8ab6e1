// The division tree each role sees, and the map's area layer: valid GeoJSON, figures and paths inside the scope.
import { expect, it } from 'vitest';
import { MINI, type MiniDistrict, seedMiniDistrict, square } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';

interface Ctx extends TestAppContext {
  mini: MiniDistrict;
  tokens: Record<string, string>;
}

interface TreeNode {
  name: string;
  level: string;
  path: string;
  gridId?: number;
  population: number;
  children: TreeNode[];
}

interface Feature {
  type: string;
  geometry: { type: string; coordinates: number[][][] | number[][][][] };
  properties: Record<string, unknown>;
}

function flatten(node: TreeNode): TreeNode[] {
  return [node, ...node.children.flatMap(flatten)];
}

/** RFC 7946: polygons are closed rings of at least four positions, longitude and latitude in range. */
function expectValidPolygonal(geometry: Feature['geometry']) {
  expect(['Polygon', 'MultiPolygon']).toContain(geometry.type);
  const polygons = (
    geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  ) as number[][][][];
  for (const rings of polygons) {
    for (const ring of rings) {
      expect(ring.length).toBeGreaterThanOrEqual(4);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      for (const [lng, lat] of ring) {
        expect(Math.abs(lng!)).toBeLessThanOrEqual(180);
        expect(Math.abs(lat!)).toBeLessThanOrEqual(90);
      }
    }
  }
}

describeEachBackend(
  'geography: division tree and map areas',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend);
    const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
    // The mini district's streets and communities have no boundary of their own; give them one for the map.
    for (const [i, d] of [
      MINI.street1,
      MINI.street2,
      MINI.communityA,
      MINI.communityB,
      MINI.communityC,
    ].entries()) {
      await ctx.database.db
        .updateTable('admin_division')
        .set({ boundary: JSON.stringify(square(120.1 + i * 0.02, 30.28, 0.02)) })
        .where('code', '=', d.code)
        .execute();
    }
    const tokens: Record<string, string> = {};
    for (const user of ['admin', 'street1', 'cw_a', 'gw_a1', 'auditor', 'resident_a1'])
      tokens[user] = await login(ctx.app, user, MINI.password);
    return { ...ctx, mini, tokens };
  },
  (ctx) => {
    const get = (user: string, url: string) =>
      ctx().app.inject({ method: 'GET', url, headers: authed(ctx().tokens[user]!) });

    it.each([
      ['admin', 'district', MINI.district.name, 5, 4],
      ['street1', 'street', MINI.street1.name, 4, 3],
      ['cw_a', 'community', MINI.communityA.name, 3, 2],
      ['gw_a1', 'grid', '幸福社区第一网格', 2, 1],
    ] as const)(
      '%s gets a tree rooted at its own %s, with populations summed from the grids',
      async (user, level, name, population, grids) => {
        const res = await get(user, '/api/divisions/tree');
        expect(res.statusCode).toBe(200);
        const root = res.json() as TreeNode;
        expect(root).toMatchObject({ level, name, population, path: ctx().mini.accounts[user]!.scopePath });
        const nodes = flatten(root);
        const leaves = nodes.filter((n) => n.level === 'grid');
        expect(leaves).toHaveLength(grids);
        for (const leaf of leaves) {
          expect(leaf.children).toEqual([]);
          expect(leaf.gridId).toBeGreaterThan(0);
        }
        for (const n of nodes) {
          expect(n.path.startsWith(root.path)).toBe(true);
          if (n.level !== 'grid') expect(n.population).toBe(n.children.reduce((s, c) => s + c.population, 0));
        }
      },
    );

    it('refuses the tree and the map to roles without geo:read', async () => {
      for (const user of ['auditor', 'resident_a1']) {
        expect((await get(user, '/api/divisions/tree')).statusCode).toBe(403);
        expect((await get(user, '/api/map/areas.geojson')).statusCode).toBe(403);
      }
    });

    it.each(['grid', 'community', 'street'])(
      'the %s layer is a valid GeoJSON FeatureCollection with the figures of each area',
      async (level) => {
        const res = await get('admin', `/api/map/areas.geojson?level=${level}`);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toContain('application/geo+json');
        const body = res.json() as { type: string; features: Feature[] };
        expect(body.type).toBe('FeatureCollection');
        const expectedCount = { grid: 4, community: 3, street: 2 }[level];
        expect(body.features).toHaveLength(expectedCount!);
        for (const f of body.features) {
          expect(f.type).toBe('Feature');
          expectValidPolygonal(f.geometry);
          expect(Object.keys(f.properties).sort()).toEqual(
            ['aged60Share', 'density', 'households', 'id', 'level', 'name', 'path', 'population'].sort(),
          );
          expect(f.properties['level']).toBe(level);
        }
        expect(body.features.reduce((s, f) => s + Number(f.properties['population']), 0)).toBe(5);
      },
    );

    it('grid figures: population, households, the share aged 60+ and density per km²', async () => {
      const { a1 } = ctx().mini.grids;
      const body = (await get('admin', '/api/map/areas.geojson?level=grid')).json() as {
        features: Feature[];
      };
      const feature = body.features.find((f) => f.properties['id'] === a1.id)!;
      // Grid a1: 张建国 (born 1948) and 李秀英 (born 1952) in two households, on 1 km².
      expect(feature.properties).toMatchObject({
        name: a1.name,
        population: 2,
        households: 2,
        aged60Share: 1,
        density: 2,
      });
    });

    it('within= narrows to a subtree of the scope, and gives nothing above or beside it', async () => {
      const { a1, a2 } = ctx().mini.grids;
      const within = (user: string, path: string) =>
        get(user, `/api/map/areas.geojson?level=grid&within=${path}`).then((r) =>
          (r.json() as { features: Feature[] }).features.map((f) => f.properties['id']),
        );
      expect((await within('admin', MINI.communityA.path)).sort()).toEqual([a1.id, a2.id].sort());
      expect(await within('cw_a', MINI.communityC.path)).toEqual([]);
      expect(await within('cw_a', MINI.street1.path)).toEqual([]);
      expect((await get('cw_a', '/api/map/areas.geojson?level=grid&within=not-a-path')).statusCode).toBe(400);
    });
  },
);
