// GET /api/demand/forecast: requests (work orders) per category counted by day or week in the viewer's area (or
// a sub-area of it), and for each of the busiest categories the forecast of src/lib/forecast — Holt–Winters or
// the seasonal naive baseline, whichever backtests better — with the backtest error reported as it is.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { forecastSeries, regularise } from '../../lib/forecast/index.ts';
import { inScope, requirePermission, scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';

export const ForecastQuery = Type.Object({
  /** A path inside the viewer's scope (e.g. /330192/330192001/); default the viewer's whole area. */
  area: Type.Optional(Type.String({ pattern: '^/[0-9A-Za-z/]*/$', maxLength: 200 })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  freq: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week')])),
  horizon: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
});

/** Days of history read: two years, enough for a yearly season of weeks to start showing. */
const HISTORY_DAYS = 730;

export async function dailyCounts(db: Db, scopePath: string, sinceMs: number, category?: string) {
  // China time: the day a request was received, as residents and staff count it.
  const day = sql<string>`to_char(received_at + interval '8 hours', 'YYYY-MM-DD')`;
  let q = db
    .selectFrom('work_order')
    .select([sql<string>`coalesce(category_code, 'uncategorised')`.as('category'), day.as('day')])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('scope_path', 'like', scopeLikePattern(scopePath))
    .where('received_at', '>=', new Date(sinceMs))
    .groupBy([sql`1`, sql`2`])
    .orderBy(sql`2`);
  if (category) q = q.where('category_code', '=', category);
  const rows = await q.execute();
  return rows.map((r) => ({ category: r.category, day: r.day, n: Number(r.n) }));
}

export async function demandRoutes(app: FastifyInstance) {
  app.get(
    '/api/demand/forecast',
    {
      schema: {
        tags: ['sensing'],
        summary: '需求预测：按类别的诉求量预测与回测误差（本管辖范围）',
        querystring: ForecastQuery,
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'stats:read');
      const q = request.query as {
        area?: string;
        category?: string;
        freq?: 'day' | 'week';
        horizon?: number;
        top?: number;
      };
      const area = q.area ?? viewer.scopePath;
      // An area outside the viewer's own is answered as if it did not exist.
      if (!inScope(viewer, area)) throw new AppError('NOT_FOUND');
      const freq = q.freq ?? 'week';
      const horizon = q.horizon ?? (freq === 'day' ? 14 : 8);
      const rows = await dailyCounts(
        app.deps.database.db,
        area,
        Date.now() - HISTORY_DAYS * 86_400_000,
        q.category,
      );
      const byCategory = new Map<string, Map<string, number>>();
      for (const r of rows) {
        let series = byCategory.get(r.category);
        if (!series) {
          series = new Map();
          byCategory.set(r.category, series);
        }
        series.set(r.day, r.n);
      }
      const ranked = [...byCategory.entries()]
        .map(([category, days]) => ({ category, days, total: [...days.values()].reduce((a, b) => a + b, 0) }))
        .sort((a, b) => b.total - a.total || a.category.localeCompare(b.category))
        .slice(0, q.top ?? 5);
      const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
      const categories = ranked.map(({ category, days, total }) => {
        // Weeks sum the days; today (or this week) is unfinished, so it is left out of the history.
        const counts = new Map<string, number>();
        for (const [d, n] of days) {
          if (d >= today) continue;
          const key = freq === 'day' ? d : mondayOf(d);
          counts.set(key, (counts.get(key) ?? 0) + n);
        }
        if (freq === 'week') counts.delete(mondayOf(today));
        const keys = [...counts.keys()].sort();
        try {
          const series = regularise(
            keys,
            keys.map((k) => counts.get(k)!),
            freq,
          );
          // The counts the forecast starts from, so a chart can draw history and forecast on one axis.
          const observed = series.periods.map((period, i) => ({ period, value: series.values[i]! }));
          return { category, total, observed, ...forecastSeries(series, { horizon }), error: null };
        } catch (error) {
          return {
            category,
            total,
            forecast: null,
            error: `历史数据不足，无法预测（${error instanceof Error ? error.message : String(error)}）`,
          };
        }
      });
      return { area, frequency: freq, horizon, categories };
    },
  );
}

function mondayOf(isoDay: string): string {
  const t = Date.parse(`${isoDay}T00:00:00Z`);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - dow * 86_400_000).toISOString().slice(0, 10);
}
