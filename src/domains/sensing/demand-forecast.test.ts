// GET /api/demand/forecast: requests per category in the viewer's area, each with its forecast and the backtest
// against the seasonal naive baseline; other areas are 404; too short a history says so instead of guessing.
import { expect, it } from 'vitest';
import { MINI, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';

const DAY = 86_400_000;
const WEEKLY = [6, 5, 5, 4, 5, 2, 1];

describeEachBackend(
  'demand forecast over requests',
  async (backend): Promise<TestAppContext> => {
    const ctx = await createTestApp(backend);
    await seedMiniDistrict(ctx.database.db, ctx.cipher);
    // 16 weeks of daily requests: water supply in community A with a weekly rhythm; noise in C on 3 days only.
    const start = Date.now() - 16 * 7 * DAY;
    const rows: Array<{ scope: string; category: string; at: Date }> = [];
    for (let d = 0; d < 16 * 7; d++) {
      const at = new Date(start + d * DAY);
      const weekday = (at.getUTCDay() + 6) % 7;
      for (let k = 0; k < WEEKLY[weekday]!; k++)
        rows.push({ scope: MINI.communityA.path, category: 'water_supply', at });
      if (d % 40 === 0) rows.push({ scope: MINI.communityC.path, category: 'noise', at });
    }
    await ctx.database.db
      .insertInto('work_order')
      .values(
        rows.map((r, i) => ({
          number: `FC-${i}`,
          scope_path: r.scope,
          channel: 'hotline' as const,
          status: 'closed',
          description: '测试诉求',
          category_code: r.category,
          received_at: r.at,
        })),
      )
      .execute();
    return ctx;
  },
  (get) => {
    it('forecasts each category of the area with its backtest; a community worker sees only her community', async () => {
      const c = get();
      const admin = await login(c.app, 'admin', MINI.password);
      const res = await c.app.inject({
        method: 'GET',
        url: '/api/demand/forecast?freq=day&horizon=7',
        headers: authed(admin),
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.categories.map((x: { category: string }) => x.category)).toEqual(['water_supply', 'noise']);
      const water = body.categories[0];
      expect(water.forecast).toHaveLength(7);
      // The history the forecast starts from comes along, one count per period, ending where the forecast starts.
      expect(water.observed.length).toBe(water.history.periods);
      expect(water.observed.at(-1).period).toBe(water.history.to);
      expect(['holt_winters', 'seasonal_naive']).toContain(water.method);
      expect(water.backtest.origins).toBeGreaterThan(0);
      expect(water.backtest.scores.map((s: { method: string }) => s.method).sort()).toEqual([
        'holt_winters',
        'seasonal_naive',
      ]);
      // Noise: three requests in 16 weeks is a series with periods filled by zero, still answered honestly.
      expect(body.categories[1].total).toBe(3);

      const cw = await login(c.app, 'cw_c', MINI.password);
      const own = await c.app.inject({ method: 'GET', url: '/api/demand/forecast', headers: authed(cw) });
      expect(own.statusCode).toBe(200);
      expect(own.json().categories.map((x: { category: string }) => x.category)).toEqual(['noise']);
    });

    it('another area is a 404, a bad frequency a 400; a history shorter than a season says it cannot forecast', async () => {
      const c = get();
      const cw = await login(c.app, 'cw_c', MINI.password);
      const other = await c.app.inject({
        method: 'GET',
        url: `/api/demand/forecast?area=${encodeURIComponent(MINI.communityA.path)}`,
        headers: authed(cw),
      });
      expect(other.statusCode).toBe(404);
      const bad = await c.app.inject({
        method: 'GET',
        url: '/api/demand/forecast?freq=month',
        headers: authed(cw),
      });
      expect(bad.statusCode).toBe(400);
      const weeks = await c.app.inject({
        method: 'GET',
        url: '/api/demand/forecast?freq=week',
        headers: authed(cw),
      });
      expect(weeks.statusCode).toBe(200);
      // 16 weeks of history is less than a yearly season of 52 weeks.
      expect(weeks.json().categories[0]).toMatchObject({ category: 'noise', forecast: null });
      expect(weeks.json().categories[0].error).toContain('历史数据不足');
    });
  },
);
