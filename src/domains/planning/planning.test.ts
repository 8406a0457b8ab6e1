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
 * Grid A1 (120.10–120.11 E, 30.28–30.29 N) gets a day-care centre ~30 m from building "near" (three residents
 * aged 60+ and one of 30) and ~1 km from building "far" (two aged 60+). The fixture's own A1 building at
 * (120.10, 30.28), ~180 m from the centre, holds its two elderly residents.
 */
async function seedPlanning(db: Db, mini: MiniDistrict) {
  const grid = mini.grids.a1;
  const street = grid.path.split('/')[2]!;
  const building = async (name: string, lng: number, lat: number, births: string[]) => {
    const b = await db
      .insertInto('building')
      .values({
        street_code: street,
        grid_id: grid.id,
        scope_path: grid.path,
        name,
        building_no: '9',
        address: `湖滨路${name}`,
        use_type: 'residential',
        lng,
        lat,
        source: 'test',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const h = await db
      .insertInto('house')
      .values({
        building_id: b.id,
        street_code: street,
        grid_id: grid.id,
        scope_path: grid.path,
        unit_no: '1',
        floor: 1,
        room_no: '101',
        address: `湖滨路${name}101室`,
        use_type: 'residential',
        occupancy: 'owner',
        source: 'test',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [i, birth] of births.entries()) {
      await db
        .insertInto('person')
        .values({
          street_code: street,
          grid_id: grid.id,
          scope_path: grid.path,
          house_id: h.id,
          name: `${name}居民${i + 1}`,
          sex: '1',
          birth_date: birth,
          registration_type: 'household',
          source: 'test',
        })
        .execute();
    }
    return b.id;
  };
  const near = await building('near', 120.101, 30.281, [
    '1940-01-01',
    '1950-01-01',
    '1955-06-01',
    '1996-01-01',
  ]);
  const far = await building('far', 120.108, 30.288, ['1945-01-01', '1950-02-02']);
  await db
    .insertInto('facility')
    .values({
      street_code: street,
      grid_id: grid.id,
      scope_path: grid.path,
      type: 'ELDER_DAY_CARE',
      name: '幸福社区日间照料中心',
      address: '湖滨路1号',
      lng: 120.1012,
      lat: 30.2812,
      capacity: 30,
      source: 'test',
    })
    .execute();
  return { near, far };
}

describeEachBackend(
  'planning: life-circle coverage, siting and scenarios',
  async (backend): Promise<Ctx & { seeded: { near: number; far: number } }> => {
    const ctx = await createTestApp(backend);
    const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
    const seeded = await seedPlanning(ctx.database.db, mini);
    const tokens: Record<string, string> = {};
    for (const user of ['admin', 'cw_a', 'cw_c', 'auditor', 'resident_a1', 'street1']) {
      tokens[user] = await login(ctx.app, user, MINI.password);
    }
    return { ...ctx, mini, tokens, seeded };
  },
  (ctx) => {
    const get = (user: string, url: string) =>
      ctx().app.inject({ method: 'GET', url, headers: authed(ctx().tokens[user]!) });
    const post = (user: string, url: string, payload: unknown) =>
      ctx().app.inject({
        method: 'POST',
        url,
        payload: payload as object,
        headers: authed(ctx().tokens[user]!),
      });

    it('counts residents 60+ without a day-care centre within 300 m, per community', async () => {
      const res = await get('cw_a', '/api/planning/coverage?type=ELDER_DAY_CARE&ageMin=60');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        walkRadiusM: 300,
        method: 'euclidean',
        residents: 7,
        coveredResidents: 5,
        uncoveredResidents: 2,
        facilities: 1,
        groupBy: 'community',
      });
      expect(body.areas).toEqual([
        expect.objectContaining({
          path: MINI.communityA.path,
          name: '幸福社区',
          residents: 7,
          coveredResidents: 5,
          uncoveredBuildings: 1,
        }),
      ]);
    });

    it('a detour factor shrinks the straight-line radius and is reported as the method', async () => {
      const body = (
        await get('cw_a', '/api/planning/coverage?type=ELDER_DAY_CARE&ageMin=60&detourFactor=1.5')
      ).json();
      expect(body.straightLineRadiusM).toBeCloseTo(200, 9);
      expect(body.method).toBe('euclidean-detour');
      expect(body.coveredResidents).toBe(5);
    });

    it('groups by grid for the street officer, and all ages by default', async () => {
      const body = (await get('street1', '/api/planning/coverage?type=ELDER_DAY_CARE&groupBy=grid')).json();
      expect(body.residents).toBe(10);
      expect(body.areas.map((a: { path: string }) => a.path).sort()).toEqual(
        [ctx().mini.grids.a1.path, ctx().mini.grids.a2.path, ctx().mini.grids.b1.path].sort(),
      );
    });

    it('lists the uncovered building as GeoJSON with the nearest facility and its distance', async () => {
      const body = (
        await get('cw_a', '/api/planning/coverage/uncovered?type=ELDER_DAY_CARE&ageMin=60')
      ).json();
      expect(body.type).toBe('FeatureCollection');
      expect(body.features).toHaveLength(1);
      expect(body.features[0].geometry.coordinates).toEqual([120.108, 30.288]);
      expect(body.features[0].properties).toMatchObject({
        buildingId: ctx().seeded.far,
        residents: 2,
        nearestFacilityName: '幸福社区日间照料中心',
      });
      expect(body.features[0].properties.nearestDistanceM).toBeGreaterThan(900);
    });

    it('community C sees only its own building, where nobody is 60+', async () => {
      const body = (await get('cw_c', '/api/planning/coverage?type=ELDER_DAY_CARE&ageMin=60')).json();
      expect(body.residents).toBe(0);
      expect(body.coveredShare).toBe(1);
      expect(body.areas).toEqual([
        expect.objectContaining({ path: MINI.communityC.path, residents: 0, buildings: 1 }),
      ]);
    });

    it('answers 404 for an unknown facility type, 400 for ageMin > ageMax, 403 for a resident and the auditor', async () => {
      expect((await get('cw_a', '/api/planning/coverage?type=SPACEPORT')).json().error.code).toBe(
        'FACILITY_TYPE_NOT_FOUND',
      );
      const bad = await get('cw_a', '/api/planning/coverage?type=ELDER_DAY_CARE&ageMin=70&ageMax=60');
      expect(bad.statusCode).toBe(400);
      expect((await get('resident_a1', '/api/planning/coverage?type=ELDER_DAY_CARE')).statusCode).toBe(403);
      expect((await get('auditor', '/api/planning/coverage?type=ELDER_DAY_CARE')).statusCode).toBe(403);
    });

    it('sites one new centre at the uncovered building, proven optimal, coverage 5/7 → 7/7', async () => {
      const res = await post('cw_a', '/api/planning/siting', {
        type: 'ELDER_DAY_CARE',
        k: 1,
        candidates: 'buildings',
        ageMin: 60,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        status: 'optimal',
        optimal: true,
        gap: 0,
        existingFacilities: 1,
        residents: 7,
        before: { coveredResidents: 5 },
        after: { coveredResidents: 7, coveredShare: 1 },
      });
      expect(body.newSites).toEqual([{ id: `B${ctx().seeded.far}`, lng: 120.108, lat: 30.288 }]);
      expect(body.notes.join(' ')).toContain('capacity');
    });

    it('sites on a lattice over the under-served area', async () => {
      const body = (
        await post('cw_a', '/api/planning/siting', {
          type: 'ELDER_DAY_CARE',
          k: 1,
          candidates: 'lattice',
          ageMin: 60,
          latticeSpacingM: 100,
        })
      ).json();
      expect(body.optimal).toBe(true);
      expect(body.after.coveredResidents).toBe(7);
      expect(body.newSites[0].id).toMatch(/^L\d+$/);
    });

    it('rejects a custom site outside the area naming it, and a k above the candidates', async () => {
      const out = await post('cw_a', '/api/planning/siting', {
        type: 'ELDER_DAY_CARE',
        k: 1,
        candidates: 'custom',
        sites: [
          { id: 'in', lng: 120.105, lat: 30.285 },
          { id: 'river', lng: 121.5, lat: 31.2 },
        ],
      });
      expect(out.statusCode).toBe(400);
      expect(out.json().error.code).toBe('SITE_OUTSIDE_AREA');
      expect(out.json().error.details).toEqual([
        expect.objectContaining({
          field: '/sites/1',
          messageEn: 'site river (121.5, 31.2) is outside your area',
        }),
      ]);
      const many = await post('cw_a', '/api/planning/siting', {
        type: 'ELDER_DAY_CARE',
        k: 3,
        candidates: 'custom',
        sites: [{ id: 'in', lng: 120.105, lat: 30.285 }],
      });
      expect(many.statusCode).toBe(400);
      expect(many.json().error.details[0].field).toBe('k');
    });

    it('saves scenarios, compares them side by side, and hides them from another community', async () => {
      const one = await post('cw_a', '/api/planning/scenarios', {
        name: '方案一：楼栋',
        type: 'ELDER_DAY_CARE',
        k: 1,
        candidates: 'buildings',
        ageMin: 60,
      });
      expect(one.statusCode).toBe(201);
      const two = await post('cw_a', '/api/planning/scenarios', {
        name: '方案二：自选点',
        type: 'ELDER_DAY_CARE',
        k: 1,
        candidates: 'custom',
        ageMin: 60,
        sites: [{ id: 'corner', lng: 120.1095, lat: 30.2895 }],
      });
      expect(two.statusCode).toBe(201);
      const ids = `${one.json().id},${two.json().id}`;
      const cmp = (await get('cw_a', `/api/planning/scenarios/compare?ids=${ids}`)).json();
      expect(cmp.items.map((s: { name: string }) => s.name)).toEqual(['方案一：楼栋', '方案二：自选点']);
      expect(cmp.items[0]).toMatchObject({ coveredShareBefore: 5 / 7, coveredShareAfter: 1, optimal: true });
      expect(cmp.items[1].coveredResidentsAfter).toBe(7);
      const other = await get('cw_c', `/api/planning/scenarios/compare?ids=${ids}`);
      expect(other.statusCode).toBe(404);
      expect((await get('cw_c', '/api/planning/scenarios')).json().items).toEqual([]);
      const audit = await ctx()
        .database.db.selectFrom('audit_log')
        .select(['action', 'entity_ids'])
        .where('action', '=', 'planning.scenario.create')
        .execute();
      expect(audit).toHaveLength(2);
    });

    it('capacitated p-median: new site within its capacity, audited; too little capacity answers 422 naming it', async () => {
      const res = await post('cw_a', '/api/planning/siting', {
        type: 'ELDER_DAY_CARE',
        k: 1,
        candidates: 'buildings',
        ageMin: 60,
        model: 'pmedian',
        siteCapacity: 10,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ model: 'pmedian', optimal: true, existingFacilities: 1 });
      expect(body.newSites).toHaveLength(1);
      for (const load of body.siteLoads)
        if (load.capacity !== null) expect(load.weight).toBeLessThanOrEqual(load.capacity);
      expect(body.averageDistanceM).toBeGreaterThan(0);
      const db = ctx().database.db;
      const audit = await db
        .selectFrom('audit_log')
        .select(['action', 'entity_ids'])
        .where('action', '=', 'planning.siting')
        .execute();
      expect(audit.length).toBeGreaterThan(0);
      // The centre holds 2 and a new site 1: 3 places for 7 residents aged 60+.
      await db.updateTable('facility').set({ capacity: 2 }).where('type', '=', 'ELDER_DAY_CARE').execute();
      try {
        const tight = await post('cw_a', '/api/planning/siting', {
          type: 'ELDER_DAY_CARE',
          k: 1,
          candidates: 'buildings',
          ageMin: 60,
          model: 'pmedian',
          siteCapacity: 1,
        });
        expect(tight.statusCode).toBe(422);
        expect(tight.json().error.code).toBe('ALLOCATION_INFEASIBLE');
        expect(tight.json().error.details[0].field).toBe('siteCapacity');
      } finally {
        await db.updateTable('facility').set({ capacity: 30 }).where('type', '=', 'ELDER_DAY_CARE').execute();
      }
    });

    it('with a street network, coverage is walking distance: the A1 building 180 m away is a 1.4 km walk', async () => {
      const db = ctx().database.db;
      // The centre sits at the south end of a street running north; the A1 building's street runs west and only
      // joins it by a loop round the block, so the straight line is short and the walk is long.
      const nodes: [number, number, number][] = [
        [1, 120.1012, 30.2812],
        [2, 120.1012, 30.284],
        [3, 120.097, 30.284],
        [4, 120.097, 30.28],
        [5, 120.1, 30.28],
        [6, 120.108, 30.288],
      ];
      await db
        .insertInto('walk_node')
        .values(nodes.map(([id, lng, lat]) => ({ id, lng, lat })))
        .execute();
      await db
        .insertInto('walk_edge')
        .values(
          [
            [1, 2],
            [2, 3],
            [3, 4],
            [4, 5],
            [2, 6],
          ].map(([from_node, to_node]) => ({ from_node: from_node!, to_node: to_node!, length_m: 0 })),
        )
        .execute();
      // Lengths as measured (the table keeps metres; 0 above only to fill the rows before measuring).
      const { haversine } = await import('../../lib/location/geometry.ts');
      const byId = new Map(nodes.map(([id, lng, lat]) => [id, [lng, lat] as const]));
      for (const e of await db.selectFrom('walk_edge').selectAll().execute()) {
        const [ax, ay] = byId.get(e.from_node)!;
        const [bx, by] = byId.get(e.to_node)!;
        await db
          .updateTable('walk_edge')
          .set({ length_m: haversine(ax, ay, bx, by) })
          .where('id', '=', e.id)
          .execute();
      }
      try {
        const body = (await get('cw_a', '/api/planning/coverage?type=ELDER_DAY_CARE&ageMin=60')).json();
        expect(body).toMatchObject({ method: 'walking-network', walkMinutes: 4.5, coveredResidents: 3 });
        expect(body.note).toContain('步行路网');
        const straight = (
          await get('cw_a', '/api/planning/coverage?type=ELDER_DAY_CARE&ageMin=60&distance=straight-line')
        ).json();
        expect(straight).toMatchObject({ method: 'euclidean', coveredResidents: 5 });
        const uncovered = (
          await get('cw_a', '/api/planning/coverage/uncovered?type=ELDER_DAY_CARE&ageMin=60')
        ).json();
        expect(uncovered.method).toBe('walking-network');
        const a1 = uncovered.features.find(
          (f: { geometry: { coordinates: number[] } }) => f.geometry.coordinates[0] === 120.1,
        );
        expect(a1.properties.nearestDistanceM).toBeGreaterThan(1300);
        expect(a1.properties.nearestWalkMinutes).toBeCloseTo(a1.properties.nearestDistanceM / (4000 / 60), 0);
        const siting = (
          await post('cw_a', '/api/planning/siting', {
            type: 'ELDER_DAY_CARE',
            k: 2,
            candidates: 'buildings',
            ageMin: 60,
          })
        ).json();
        expect(siting).toMatchObject({
          distanceMethod: 'walking-network',
          optimal: true,
          before: { coveredResidents: 3 },
          after: { coveredResidents: 7 },
        });
        // Capacitated p-median, one new centre: W by the A1 building (a 1.4 km walk from the centre, 180 m in a
        // straight line) or E by the far building (about 1.1 km either way). In straight lines E saves more
        // (2 residents × ~1 km against 2 × 180 m); walking, W does (2 × ~1.4 km against 2 × ~1.1 km).
        const pmedian = (distance?: 'straight-line') =>
          post('cw_a', '/api/planning/siting', {
            type: 'ELDER_DAY_CARE',
            k: 1,
            ageMin: 60,
            model: 'pmedian',
            siteCapacity: 10,
            candidates: 'custom',
            sites: [
              { id: 'W', lng: 120.1003, lat: 30.2802 },
              { id: 'E', lng: 120.1077, lat: 30.2878 },
            ],
            ...(distance ? { distance } : {}),
          });
        const walking = (await pmedian()).json();
        expect(walking).toMatchObject({ distanceMethod: 'walking-network', optimal: true });
        expect(walking.newSites.map((x: { id: string }) => x.id)).toEqual(['W']);
        // The average is of walks now: well above the straight-line average.
        const straightLine = (await pmedian('straight-line')).json();
        expect(straightLine).toMatchObject({ distanceMethod: 'euclidean', optimal: true });
        expect(straightLine.newSites.map((x: { id: string }) => x.id)).toEqual(['E']);
        expect(walking.averageDistanceM).toBeGreaterThan(straightLine.averageDistanceM);
      } finally {
        await db.deleteFrom('walk_edge').execute();
        await db.deleteFrom('walk_node').execute();
      }
    });
  },
);
