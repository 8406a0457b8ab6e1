// What a handling unit's staff (unit_handler) may do: the lead unit's steps on orders dispatched to their unit,
// 404 on other units' orders, 403 for the centre's and supervisors' steps; and the evaluation figures (rates,
// trend, 每月一题, hot spots) of their own unit only, never another unit's or the district's.
import { expect, it } from 'vitest';
import { createAccount } from '../../platform/auth/accounts.service.ts';
import { MINI } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { describeEachBackend } from '../../testing/test-context.ts';
import { rebuildRollup } from './evaluation.repository.ts';
import { callAs, createRequestsTestApp, PLACES } from './requests-fixture.testing.ts';

const PERIOD = 'from=2025-05-01&to=2025-05-31';
const STREET1 = '330192001';
const STREET2 = '330192002';

describeEachBackend(
  'requests: what handling-unit staff may do and see',
  async (backend) => {
    const ctx = await createRequestsTestApp(backend);
    const db = ctx.database.db;
    // Past orders of May 2025: water has three in community A (two solved and satisfied, one not) and two in
    // community C; city management has two in community A.
    let id = 7_000;
    const order = (unit: string, where: 'A' | 'C', o: { solved?: boolean; lng?: number } = {}) => {
      id++;
      const community = where === 'A' ? MINI.communityA : MINI.communityC;
      const grid = where === 'A' ? ctx.mini.grids.a1 : ctx.mini.grids.c1;
      const received = new Date('2025-05-10T02:00:00Z');
      return {
        id,
        number: `U${id}`,
        scope_path: grid.path,
        street_code: where === 'A' ? STREET1 : STREET2,
        community_code: community.code,
        grid_id: grid.id,
        channel: 'hotline' as const,
        status: 'closed',
        category_code: unit === 'water' ? '0401' : '0101',
        description: '考评',
        lng: o.lng ?? (where === 'A' ? 120.105 : 120.135),
        lat: 30.285,
        lead_unit_code: unit,
        received_at: received,
        dispatched_at: received,
        accepted_at: new Date('2025-05-10T02:30:00Z'),
        response_due: new Date('2025-05-10T06:00:00Z'),
        resolved_at: new Date('2025-05-11T02:00:00Z'),
        resolve_due: new Date('2025-05-19T10:00:00Z'),
        solved: o.solved ?? true,
        satisfaction: (o.solved ?? true) ? 5 : 2,
      };
    };
    await db
      .insertInto('work_order')
      .values([
        order('water', 'A'),
        order('water', 'A'),
        order('water', 'A', { solved: false }),
        order('water', 'C'),
        order('water', 'C'),
        order('cityManagement', 'A', { lng: 120.108 }),
        order('cityManagement', 'A', { lng: 120.108 }),
      ])
      .execute();
    await rebuildRollup(db, null);
    // A unit_handler account that belongs to no unit yet.
    await createAccount(db, {
      username: 'new_staff',
      password: MINI.password,
      displayName: 'new_staff',
      role: 'unit_handler',
      scopePath: MINI.district.path,
    });
    ctx.tokens.new_staff = await login(ctx.app, 'new_staff', MINI.password);
    ctx.tokens.resident_a1 = await login(ctx.app, 'resident_a1', MINI.password);
    return ctx;
  },
  (ctx) => {
    const call = callAs(ctx);
    const step = (user: string, orderId: number, action: string, body: object = {}) =>
      call(user, 'POST', `/api/requests/${orderId}/${action}`, body);
    type RateItem = {
      key: string;
      received: number;
      visited: number;
      solved: number;
      resolutionRate: number;
    };
    const rates = async (user: string, dimension: string) => {
      const res = await call(user, 'GET', `/api/requests/evaluation?dimension=${dimension}&${PERIOD}`);
      expect(res.statusCode).toBe(200);
      return Object.fromEntries((res.json().items as RateItem[]).map((r) => [r.key, r]));
    };

    it('the lead unit takes its own order through its steps; another unit gets 404, the centre’s steps 403', async () => {
      const created = await call('hotline', 'POST', '/api/requests/hotline', {
        description: '桃源社区停水一天了',
        categoryCode: '0401',
        ...PLACES.c1,
      });
      expect(created.statusCode).toBe(201);
      const orderId = Number(
        (
          await ctx()
            .database.db.selectFrom('work_order')
            .select('id')
            .where('number', '=', created.json().order.number)
            .executeTakeFirstOrThrow()
        ).id,
      );
      // Dispatched straight to the water company (直派): city management staff do not see it at all.
      expect((await call('cm_staff', 'GET', `/api/requests/${orderId}`)).statusCode).toBe(404);
      expect((await step('cm_staff', orderId, 'accept')).statusCode).toBe(404);
      expect((await step('new_staff', orderId, 'accept')).statusCode).toBe(404);
      // The auditor and residents hold no order permission at all; a grid worker of another grid sees nothing.
      expect((await step('auditor', orderId, 'accept')).statusCode).toBe(403);
      expect((await step('resident_a1', orderId, 'accept')).statusCode).toBe(403);
      expect((await step('gw_a1', orderId, 'accept')).statusCode).toBe(404);
      // The water company's staff: the lead unit's steps, not the centre's or a supervisor's.
      expect((await step('water_staff', orderId, 'accept')).json().status).toBe('accepted');
      expect((await step('water_staff', orderId, 'start')).json().status).toBe('in_progress');
      for (const [action, body] of [
        ['reassign', { unitCode: 'cityManagement', reason: '不归我们管' }],
        ['supervise', { note: '请加快' }],
        ['escalate', { note: '升级' }],
      ] as const) {
        expect((await step('water_staff', orderId, action, body)).statusCode).toBe(403);
      }
      const resolved = await step('water_staff', orderId, 'resolve', { note: '管道已抢修，恢复供水' });
      expect(resolved.json().status).toBe('resolved');
      // Calling back and closing are the centre's.
      expect(
        (await step('water_staff', orderId, 'callback', { solved: true, satisfaction: 5 })).statusCode,
      ).toBe(403);
      expect((await step('water_staff', orderId, 'close')).statusCode).toBe(403);
      expect((await step('hotline', orderId, 'callback', { solved: true, satisfaction: 5 })).statusCode).toBe(
        200,
      );
    });

    it('unit staff read the rates of their own unit only, by unit and by area', async () => {
      const water = await rates('water_staff', 'unit');
      expect(Object.keys(water)).toEqual(['water']);
      expect(water.water).toMatchObject({ received: 5, visited: 5, solved: 4, resolutionRate: 0.8 });
      // By community: water's orders in A and C, none of city management's.
      const byCommunity = await rates('water_staff', 'community');
      expect(byCommunity[MINI.communityA.code]).toMatchObject({ received: 3, solved: 2 });
      expect(byCommunity[MINI.communityC.code]).toMatchObject({ received: 2, solved: 2 });
      expect(Object.keys(await rates('cm_staff', 'unit'))).toEqual(['cityManagement']);
      expect((await rates('cm_staff', 'community'))[MINI.communityA.code]).toMatchObject({ received: 2 });
      // The district sees both units; staff of no unit yet see nothing (not the district).
      expect(Object.keys(await rates('admin', 'unit')).sort()).toEqual(['cityManagement', 'water']);
      expect(await rates('new_staff', 'unit')).toEqual({});
    });

    it('unit staff read their unit’s trend, 每月一题 and hot spots, and the weights without editing them', async () => {
      const trend = await call('water_staff', 'GET', `/api/requests/evaluation/trend?${PERIOD}`);
      expect(trend.statusCode).toBe(200);
      expect(trend.json().items.reduce((s: number, r: RateItem) => s + r.received, 0)).toBe(5);
      const top = await call('cm_staff', 'GET', `/api/requests/evaluation/top-problems?${PERIOD}`);
      expect(top.statusCode).toBe(200);
      expect(top.json().items.map((r: { categoryCode: string }) => r.categoryCode)).toEqual(['0101']);
      const spots = await call('water_staff', 'GET', `/api/requests/hotspots.geojson?${PERIOD}&minCount=1`);
      expect(spots.statusCode).toBe(200);
      const counts = (
        spots.json().features as Array<{ properties: { count: number; topCategory: string } }>
      ).map((f) => [f.properties.count, f.properties.topCategory]);
      expect(counts.sort()).toEqual([
        [2, '0401'],
        [3, '0401'],
      ]);
      const weights = await call('water_staff', 'GET', '/api/requests/evaluation/weights');
      expect(weights.statusCode).toBe(200);
      expect(weights.json()).toMatchObject({ districtCode: MINI.district.code, canEdit: false });
      const put = await ctx().app.inject({
        method: 'PUT',
        url: '/api/requests/evaluation/weights',
        payload: { response: 20, resolution: 40, satisfaction: 40 },
        headers: authed(ctx().tokens.water_staff!),
      });
      expect(put.statusCode).toBe(403);
    });

    it('roles without the evaluation permission get 403; nobody signed in gets 401', async () => {
      for (const user of ['gw_a1', 'resident_a1']) {
        expect(
          (await call(user, 'GET', `/api/requests/evaluation?dimension=unit&${PERIOD}`)).statusCode,
        ).toBe(403);
        expect((await call(user, 'GET', `/api/requests/hotspots.geojson?${PERIOD}`)).statusCode).toBe(403);
      }
      expect((await call(null, 'GET', `/api/requests/evaluation?dimension=unit&${PERIOD}`)).statusCode).toBe(
        401,
      );
    });
  },
);
