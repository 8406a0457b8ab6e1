// Requests traced to the services they caused: each resolved request of a home-service category gets exactly one
// delivery with source_kind = 'request'; a second run adds nothing; other categories and unresolved requests
// get none; and GET /api/supply/deliveries?sourceKind=request&sourceId=… finds the service and its cost.
import { expect, it } from 'vitest';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';
import { requestCategoryByName } from '../requests/categories.ts';
import { addRequestDeliveries } from './request-deliveries.ts';

interface Ctx extends TestAppContext {
  mini: MiniDistrict;
  /** The community worker of the requests' community: she may read its deliveries. */
  cw: string;
}

const code = (zh: string) => requestCategoryByName(zh)!.code;

describeEachBackend(
  'supply: deliveries caused by resolved requests',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend);
    const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
    const cw = await login(ctx.app, 'cw_a', MINI.password);
    const street1 = await login(ctx.app, 'street1', MINI.password);
    const provider = await ctx.app.inject({
      method: 'POST',
      url: '/api/supply/providers',
      headers: authed(street1),
      payload: {
        name: '颐康居家养老服务中心',
        kind: 'social_org',
        categories: ['elderly_care', 'meal_delivery', 'home_repair'],
        pricePerHour: 48,
      },
    });
    expect(provider.statusCode).toBe(201);
    const resolvedAt = new Date('2026-05-10T08:00:00Z');
    const order = (number: string, zh: string, resolved: boolean, satisfaction: number | null) => ({
      number,
      grid_id: mini.grids.a1.id,
      scope_path: mini.grids.a1.path,
      channel: 'hotline' as const,
      status: resolved ? ('closed' as const) : ('dispatched' as const),
      description: '测试诉求',
      category_code: code(zh),
      received_at: new Date('2026-05-09T08:00:00Z'),
      resolved_at: resolved ? resolvedAt : null,
      satisfaction,
    });
    await ctx.database.db
      .insertInto('work_order')
      .values([
        order('RQ-1', '居家养老', true, 5),
        order('RQ-2', '老年食堂助餐', true, null),
        order('RQ-3', '公共设施维修', true, 3),
        order('RQ-4', '居家养老', false, null),
        order('RQ-5', '邻居噪音', true, 4),
      ])
      .execute();
    return { ...ctx, mini, cw };
  },
  (ctx) => {
    const requestDeliveries = () =>
      ctx()
        .database.db.selectFrom('service_delivery')
        .select(['source_id', 'category', 'minutes', 'cost', 'resident_rating', 'person_id'])
        .where('source_kind', '=', 'request')
        .orderBy('source_id')
        .execute();

    it('gives each resolved care or repair request exactly one delivery, and a second run adds nothing', async () => {
      expect(await addRequestDeliveries(ctx().database.db, 7)).toBe(3);
      const rows = await requestDeliveries();
      expect(rows.map((r) => [r.source_id, r.category])).toEqual([
        ['RQ-1', 'elderly_care'],
        ['RQ-2', 'meal_delivery'],
        ['RQ-3', 'home_repair'],
      ]);
      // The rating is the request's satisfaction; the cost is the provider's hourly price for the minutes.
      expect(rows.map((r) => r.resident_rating)).toEqual([5, null, 3]);
      for (const r of rows) expect(Number(r.cost)).toBeCloseTo((r.minutes / 60) * 48, 2);
      const residents = ctx().mini.persons.map((p) => p.id);
      for (const r of rows) expect(residents).toContain(r.person_id);

      expect(await addRequestDeliveries(ctx().database.db, 7)).toBe(0);
      expect(await requestDeliveries()).toHaveLength(3);
    });

    it('traces a request to its service and cost through the deliveries API; an unresolved one has none', async () => {
      const get = (sourceId: string) =>
        ctx().app.inject({
          method: 'GET',
          url: `/api/supply/deliveries?sourceKind=request&sourceId=${sourceId}`,
          headers: authed(ctx().cw),
        });
      const res = await get('RQ-1');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.total).toBe(1);
      expect(body.items[0]).toMatchObject({
        source: { kind: 'request', id: 'RQ-1' },
        category: 'elderly_care',
        providerName: '颐康居家养老服务中心',
        residentRating: 5,
      });
      expect(body.totals.cost).toBeCloseTo(body.items[0].cost, 2);
      expect(body.totals.minutes).toBe(body.items[0].minutes);
      for (const none of ['RQ-4', 'RQ-5']) expect((await get(none)).json().total).toBe(0);
    });
  },
);
