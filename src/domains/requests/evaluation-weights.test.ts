// The composite score's weights per district: 10/45/45 until the district administrator sets others (whole
// percentages adding up to 100, audited with the figures before and after); every viewer of the district is then
// scored with them and sees them beside the score; a query may still try other weights without storing them.
import { expect, it } from 'vitest';
import { authed } from '../../testing/http.ts';
import { describeEachBackend } from '../../testing/test-context.ts';
import { rebuildMonthlyRollup, wholeMonths } from './evaluation.repository.ts';
import { createRequestsTestApp } from './requests-fixture.testing.ts';

const STREET1 = '330192001';
const DISTRICT = '330192000000';
const PERIOD = 'from=2026-03-01&to=2026-03-31';

describeEachBackend(
  'requests: evaluation weights per district',
  async (backend) => {
    const ctx = await createRequestsTestApp(backend);
    // Two units of street 1 in March: water answers every order in time but solves half; city management answers
    // none in time and solves 8 in 10.
    const row = (unit: string, responded: number, good: number, day = '2026-03-10') => ({
      day,
      street_code: STREET1,
      community_code: `${STREET1}001`,
      grid_id: 0,
      unit_code: unit,
      category_code: '0401',
      received: 10,
      dispatched: 10,
      responded_on_time: responded,
      resolved: 10,
      resolved_on_time: 10,
      visited: 10,
      solved: good,
      satisfied: good,
    });
    await ctx.database.db
      .insertInto('order_daily_rollup')
      .values([
        row('water', 10, 5),
        row('cityManagement', 0, 8),
        // Days at either end of a longer period: read from the daily roll-up, not the monthly one.
        row('water', 0, 10, '2026-02-27'),
        row('water', 10, 0, '2026-04-02'),
      ])
      .execute();
    await rebuildMonthlyRollup(ctx.database.db, null);
    return ctx;
  },
  (ctx) => {
    const call = (user: string, method: 'GET' | 'PUT', url: string, payload?: object) =>
      ctx().app.inject({
        method,
        url,
        ...(payload !== undefined ? { payload } : {}),
        headers: authed(ctx().tokens[user]!),
      });
    const scores = async (user: string, query = '') => {
      const res = await call(user, 'GET', `/api/requests/evaluation?dimension=unit&${PERIOD}${query}`);
      expect(res.statusCode).toBe(200);
      const body = res.json() as {
        items: Array<{ key: string; score: number; rank: number }>;
        weights: Record<string, unknown>;
      };
      return {
        weights: body.weights,
        byUnit: Object.fromEntries(body.items.map((r) => [r.key, { score: r.score, rank: r.rank }])),
      };
    };
    const audits = () =>
      ctx()
        .database.db.selectFrom('audit_log')
        .select(['username', 'entity_ids', 'details'])
        .where('action', '=', 'request.evaluation-weights')
        .orderBy('seq')
        .execute();

    it('reads whole months from the monthly roll-up and the days at either end from the daily one', async () => {
      expect(wholeMonths('2026-02-15', '2026-04-10')).toEqual({ start: '2026-03-01', end: '2026-04-01' });
      expect(wholeMonths('2026-03-01', '2026-03-31')).toEqual({ start: '2026-03-01', end: '2026-04-01' });
      expect(wholeMonths('2025-12-01', '2026-02-28')).toEqual({ start: '2025-12-01', end: '2026-03-01' });
      expect(wholeMonths('2026-03-02', '2026-03-31')).toBeNull();
      expect(wholeMonths('2026-03-01', '2026-03-30')).toBeNull();
      const counts = async (period: string) => {
        const res = await call('admin', 'GET', `/api/requests/evaluation?dimension=unit&${period}`);
        return Object.fromEntries(
          (
            res.json().items as Array<{
              key: string;
              received: number;
              respondedOnTime: number;
              solved: number;
            }>
          ).map((r) => [r.key, [r.received, r.respondedOnTime, r.solved]]),
        );
      };
      // 27 February + March (whole) + 2 April: water 30 orders, 20 answered in time, 5 + 10 + 0 solved.
      expect(await counts('from=2026-02-15&to=2026-04-10')).toEqual({
        water: [30, 20, 15],
        cityManagement: [10, 0, 8],
      });
      // The same March from the daily rows alone (2 to 31 March is no whole month) and from the monthly row.
      expect(await counts('from=2026-03-02&to=2026-03-31')).toEqual(await counts(PERIOD));
      expect(await counts('from=2026-04-01&to=2026-04-02')).toEqual({ water: [10, 10, 0] });
      const byMonth = await call(
        'admin',
        'GET',
        '/api/requests/evaluation/trend?from=2026-02-15&to=2026-04-10',
      );
      expect(byMonth.json().items.map((r: { key: string; received: number }) => [r.key, r.received])).toEqual(
        [
          ['2026-02', 10],
          ['2026-03', 20],
          ['2026-04', 10],
        ],
      );
      const byDay = await call(
        'admin',
        'GET',
        '/api/requests/evaluation/trend?interval=day&from=2026-02-15&to=2026-04-10',
      );
      expect(byDay.json().items.map((r: { key: string }) => r.key)).toEqual([
        '2026-02-27',
        '2026-03-10',
        '2026-04-02',
      ]);
    });

    it('counts each day at the ends of a period once, and no day outside it', async () => {
      // Housing, in a summer no other test looks at: one order a day on the days around the period's edges.
      const days = [
        '2025-05-30',
        '2025-05-31',
        '2025-06-30',
        '2025-07-01',
        '2025-08-01',
        '2025-08-05',
        '2025-08-06',
      ];
      await ctx()
        .database.db.insertInto('order_daily_rollup')
        .values(
          days.map((day) => ({
            day,
            street_code: STREET1,
            community_code: `${STREET1}001`,
            grid_id: 0,
            unit_code: 'housing',
            category_code: '0601',
            received: 1,
            dispatched: 1,
            responded_on_time: day < '2025-07-01' ? 1 : 0,
            resolved: 1,
            resolved_on_time: 1,
            visited: 1,
            solved: 1,
            satisfied: 1,
          })),
        )
        .execute();
      await rebuildMonthlyRollup(ctx().database.db, ['2025-05-01', '2025-06-01', '2025-07-01', '2025-08-01']);
      const housing = async (period: string) => {
        const res = await call('admin', 'GET', `/api/requests/evaluation?dimension=unit&${period}`);
        expect(res.statusCode).toBe(200);
        const row = (
          res.json().items as Array<{ key: string; received: number; respondedOnTime: number }>
        ).find((r) => r.key === 'housing');
        return row ? [row.received, row.respondedOnTime] : null;
      };
      // 31 May (a day before the whole months), June and July (whole), 1 and 5 August (days after them).
      expect(await housing('from=2025-05-31&to=2025-08-05')).toEqual([5, 2]);
      // Whole months only, at both ends.
      expect(await housing('from=2025-06-01&to=2025-07-31')).toEqual([2, 1]);
      // Days only, no whole month: 30 and 31 May.
      expect(await housing('from=2025-05-30&to=2025-06-29')).toEqual([2, 2]);
      // A whole month then days: July, 1 August.
      expect(await housing('from=2025-07-01&to=2025-08-04')).toEqual([2, 0]);
      expect(await housing('from=2025-08-07&to=2025-08-31')).toBeNull();
      const trend = await call(
        'admin',
        'GET',
        '/api/requests/evaluation/trend?from=2025-05-31&to=2025-08-05',
      );
      expect(
        trend
          .json()
          .items.filter((r: { key: string }) => r.key.startsWith('2025'))
          .map((r: { key: string; received: number }) => [r.key, r.received]),
      ).toEqual([
        ['2025-05', 1],
        ['2025-06', 1],
        ['2025-07', 1],
        ['2025-08', 2],
      ]);
    });

    it('scores with 10/45/45 until the district sets weights, and says so', async () => {
      const w = await call('street1', 'GET', '/api/requests/evaluation/weights');
      expect(w.statusCode).toBe(200);
      expect(w.json()).toMatchObject({
        districtCode: DISTRICT,
        districtName: '云溪区',
        response: 10,
        resolution: 45,
        satisfaction: 45,
        isDefault: true,
        updatedAt: null,
        canEdit: false,
      });
      expect((await call('admin', 'GET', '/api/requests/evaluation/weights')).json().canEdit).toBe(true);
      const s = await scores('street1');
      expect(s.weights).toEqual({ response: 10, resolution: 45, satisfaction: 45, source: 'district' });
      // water 10·1 + 45·0.5 + 45·0.5 = 55; city management 10·0 + 45·0.8 + 45·0.8 = 72.
      expect(s.byUnit['water']!.score).toBeCloseTo(55, 6);
      expect(s.byUnit['cityManagement']).toMatchObject({ rank: 1 });
      expect(s.byUnit['cityManagement']!.score).toBeCloseTo(72, 6);
    });

    it('refuses weights that are not whole percentages adding up to 100, and anyone but the district administrator', async () => {
      // A street officer may read the weights but not change them: 403.
      const officer = await call('street1', 'PUT', '/api/requests/evaluation/weights', {
        response: 20,
        resolution: 40,
        satisfaction: 40,
      });
      expect(officer.statusCode).toBe(403);
      // Adding up to 95: 400 naming the sum.
      const short = await call('admin', 'PUT', '/api/requests/evaluation/weights', {
        response: 10,
        resolution: 40,
        satisfaction: 45,
      });
      expect(short.statusCode).toBe(400);
      expect(short.json().error.details[0].message).toBe('三项权重合计须为 100（现为 95）');
      // Fractions, negatives, a missing weight and an unknown field: 400 from the schema.
      for (const bad of [
        { response: 10.5, resolution: 44.5, satisfaction: 45 },
        { response: -10, resolution: 55, satisfaction: 55 },
        { response: 10, resolution: 90 },
        { response: 10, resolution: 45, satisfaction: 45, speed: 0 },
      ]) {
        const res = await call('admin', 'PUT', '/api/requests/evaluation/weights', bad);
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
        expect(res.json().error.code).toBe('VALIDATION_FAILED');
      }
      // Nothing was stored or audited.
      expect((await call('admin', 'GET', '/api/requests/evaluation/weights')).json().isDefault).toBe(true);
      expect(await audits()).toEqual([]);
    });

    it('stores the district administrator’s weights, audits before and after, and scores everyone with them', async () => {
      const saved = await call('admin', 'PUT', '/api/requests/evaluation/weights', {
        response: 50,
        resolution: 25,
        satisfaction: 25,
      });
      expect(saved.statusCode).toBe(200);
      expect(saved.json()).toMatchObject({
        response: 50,
        resolution: 25,
        satisfaction: 25,
        isDefault: false,
        canEdit: true,
      });
      expect(saved.json().updatedBy).toEqual(expect.any(String));
      expect(saved.json().updatedAt).toEqual(expect.any(String));
      // The street officer of the same district now scores with 50/25/25: water 50 + 12.5 + 12.5 = 75 leads.
      const s = await scores('street1');
      expect(s.weights).toEqual({ response: 50, resolution: 25, satisfaction: 25, source: 'district' });
      expect(s.byUnit['water']).toMatchObject({ rank: 1 });
      expect(s.byUnit['water']!.score).toBeCloseTo(75, 6);
      expect(s.byUnit['cityManagement']!.score).toBeCloseTo(40, 6);
      const trend = await call('street1', 'GET', `/api/requests/evaluation/trend?${PERIOD}`);
      expect(trend.json().weights.response).toBe(50);
      expect(trend.json().items[0].score).toBeCloseTo((75 + 40) / 2, 6);

      await call('admin', 'PUT', '/api/requests/evaluation/weights', {
        response: 20,
        resolution: 40,
        satisfaction: 40,
      });
      const log = await audits();
      expect(log.map((a) => a.details)).toEqual([
        { before: null, after: { response: 50, resolution: 25, satisfaction: 25 } },
        {
          before: { response: 50, resolution: 25, satisfaction: 25 },
          after: { response: 20, resolution: 40, satisfaction: 40 },
        },
      ]);
      expect(log[0]).toMatchObject({ username: 'admin', entity_ids: [DISTRICT] });
    });

    it('tries other weights from the query without storing them; a partial set is refused', async () => {
      const tried = await scores('street1', '&wResponse=0&wResolution=0&wSatisfaction=100');
      expect(tried.weights).toEqual({ response: 0, resolution: 0, satisfaction: 100, source: 'query' });
      expect(tried.byUnit['water']!.score).toBeCloseTo(50, 6);
      expect((await call('admin', 'GET', '/api/requests/evaluation/weights')).json()).toMatchObject({
        response: 20,
        resolution: 40,
        satisfaction: 40,
      });
      const partial = await call(
        'street1',
        'GET',
        `/api/requests/evaluation?dimension=unit&${PERIOD}&wResponse=30`,
      );
      expect(partial.statusCode).toBe(400);
      expect(partial.json().error.details[0].message).toContain('三项');
    });
  },
);
