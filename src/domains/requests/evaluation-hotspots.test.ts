// Hot spots of the evaluation page: orders of the period counted per cell of about 200 m, with how many are still
// open and the category heard most (ties to the smaller code), inside the viewer's area or their units.
import { expect, it } from 'vitest';
import { MINI } from '../../testing/fixtures.ts';
import { authed } from '../../testing/http.ts';
import { describeEachBackend } from '../../testing/test-context.ts';
import { createRequestsTestApp } from './requests-fixture.testing.ts';

interface Spot {
  geometry: { coordinates: [number, number] };
  properties: { count: number; open: number; topCategory: string | null };
}

describeEachBackend(
  'requests: evaluation hot spots',
  async (backend) => {
    const ctx = await createRequestsTestApp(backend);
    let id = 9_000;
    const order = (
      lng: number,
      lat: number,
      category: string | null,
      o: { status?: string; path?: string; unit?: string; at?: string } = {},
    ) => {
      id++;
      return {
        id,
        number: `H${id}`,
        scope_path: o.path ?? MINI.communityA.path,
        channel: 'hotline' as const,
        status: o.status ?? 'closed',
        category_code: category,
        description: '热点',
        lng,
        lat,
        lead_unit_code: o.unit ?? 'water',
        received_at: new Date(o.at ?? '2025-05-10T02:00:00Z'),
      };
    };
    await ctx.database.db
      .insertInto('work_order')
      .values([
        // Cell (120.1, 30.2) in community A: two 0401 and two 0102 (a tie: 0102 is named), one still open.
        order(120.1001, 30.2001, '0401'),
        order(120.1002, 30.2002, '0401', { status: 'in_progress' }),
        order(120.0999, 30.1999, '0102', { unit: 'cityManagement' }),
        order(120.1, 30.2, '0102', { unit: 'cityManagement' }),
        // A merged duplicate and an order of the day after the period are not counted.
        order(120.1, 30.2, '0401', { status: 'merged' }),
        order(120.1, 30.2, '0401', { at: '2025-05-31T16:30:00Z' }),
        // Cell (120.11, 30.21): one uncategorised order in community A, three 0501 in community C.
        order(120.11, 30.21, null, { status: 'received' }),
        order(120.11, 30.21, '0501', { path: MINI.communityC.path }),
        order(120.11, 30.21, '0501', { path: MINI.communityC.path }),
        order(120.11, 30.21, '0501', { path: MINI.communityC.path, status: 'dispatched' }),
      ])
      .execute();
    return ctx;
  },
  (ctx) => {
    const spots = async (user: string, minCount: number) => {
      const res = await ctx().app.inject({
        method: 'GET',
        url: `/api/requests/hotspots.geojson?from=2025-05-01&to=2025-05-31&minCount=${minCount}`,
        headers: authed(ctx().tokens[user]!),
      });
      expect(res.statusCode).toBe(200);
      // Busiest first; cells of the same count by place, so that the figures can be compared in one order.
      return (res.json().features as Spot[])
        .map((f) => [
          ...f.geometry.coordinates,
          f.properties.count,
          f.properties.open,
          f.properties.topCategory,
        ])
        .sort((a, b) => Number(b[2]) - Number(a[2]) || Number(a[0]) - Number(b[0]));
    };

    it('counts the orders and the open ones per cell, and names the category heard most', async () => {
      expect(await spots('admin', 1)).toEqual([
        [120.1, 30.2, 4, 1, '0102'],
        [120.11, 30.21, 4, 2, '0501'],
      ]);
      expect(await spots('admin', 5)).toEqual([]);
    });

    it('counts inside the viewer’s area only', async () => {
      expect(await spots('cw_a', 1)).toEqual([
        [120.1, 30.2, 4, 1, '0102'],
        [120.11, 30.21, 1, 1, null],
      ]);
      expect(await spots('cw_c', 1)).toEqual([[120.11, 30.21, 3, 1, '0501']]);
    });
  },
);
