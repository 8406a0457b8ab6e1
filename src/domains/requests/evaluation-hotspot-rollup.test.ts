// Hot spots from the roll-ups give the answer the orders give: after a full rebuild, after orders are created,
// moved to another cell and reopened (before the refresh, when their days are read from the orders, and after
// it), over whole months, odd days and both, inside an area or a viewer's units.
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { Db } from '../../platform/db/index.ts';
import { MINI } from '../../testing/fixtures.ts';
import { describeEachBackend } from '../../testing/test-context.ts';
import { hotspots, rebuildRollup, refreshRollup } from './evaluation.repository.ts';
import { createRequestsTestApp } from './requests-fixture.testing.ts';

const OPEN = ['received', 'classified', 'dispatched', 'accepted', 'in_progress', 'returned'];

/** The hot spots counted from the orders themselves (the query before the roll-up), busiest first. */
async function direct(
  db: Db,
  scopeLike: string | null,
  units: string[] | null,
  from: string,
  to: string,
  minCount: number,
) {
  const r = await sql<{ cx: number; cy: number; n: string; open_n: string; top: string | null }>`
    WITH per_category AS (
      SELECT round(lng * 500) / 500 AS cx, round(lat * 500) / 500 AS cy, category_code, count(*) AS n,
        count(*) FILTER (WHERE status = ANY(${sql.val(OPEN)}::text[])) AS open_n
      FROM work_order
      WHERE lng IS NOT NULL AND received_at >= ${new Date(`${from}T00:00:00+08:00`)}
        AND received_at < ${new Date(Date.parse(`${to}T00:00:00+08:00`) + 86_400_000)}
        AND status <> 'merged'
        ${scopeLike ? sql`AND scope_path LIKE ${scopeLike}` : sql``}
        ${units ? sql`AND lead_unit_code = ANY(${sql.val(units)}::text[])` : sql``}
      GROUP BY 1, 2, 3
    )
    SELECT cx, cy, sum(n) AS n, sum(open_n) AS open_n,
      (array_agg(category_code ORDER BY n DESC, category_code) FILTER (WHERE category_code IS NOT NULL))[1] AS top
    FROM per_category GROUP BY 1, 2 HAVING sum(n) >= ${minCount}`.execute(db);
  return sorted(
    r.rows.map((x) => ({
      lng: Number(x.cx),
      lat: Number(x.cy),
      count: Number(x.n),
      open: Number(x.open_n),
      topCategory: x.top,
    })),
  );
}

type Spot = { lng: number; lat: number; count: number; open: number; topCategory: string | null };
const sorted = (s: Spot[]) => [...s].sort((a, b) => b.count - a.count || a.lng - b.lng || a.lat - b.lat);

const PERIODS: Array<[string, string]> = [
  ['2025-05-01', '2025-05-31'], // one whole month
  ['2025-04-01', '2025-06-30'], // three whole months
  ['2025-04-20', '2025-06-10'], // odd days at both ends of a whole month
  ['2025-05-03', '2025-05-17'], // days only
];
const VIEWS: Array<[string | null, string[] | null]> = [
  [null, null],
  [`${MINI.street1.path}%`, null],
  [`${MINI.communityC.path}%`, null],
  [null, ['water']],
];

describeEachBackend(
  'requests: hot-spot roll-up',
  async (backend) => {
    const ctx = await createRequestsTestApp(backend);
    const paths = [MINI.communityA.path, MINI.communityB.path, MINI.communityC.path];
    const units = ['water', 'cityManagement', null];
    const categories = ['0401', '0102', '0501', null];
    const statuses = ['closed', 'closed', 'in_progress', 'received', 'merged', 'dispatched'];
    const rows = Array.from({ length: 240 }, (_, i) => ({
      id: 20_000 + i,
      number: `R${20_000 + i}`,
      scope_path: paths[i % 3]!,
      channel: 'hotline' as const,
      status: statuses[(i * 7) % statuses.length]!,
      category_code: categories[(i * 5) % 4] ?? null,
      description: '热点',
      lng: i % 17 === 0 ? null : 120.1 + 0.002 * (i % 4) + 0.0003 * (i % 3),
      lat: i % 17 === 0 ? null : 30.2 + 0.002 * (i % 5),
      lead_unit_code: units[(i * 11) % 3] ?? null,
      // Spread over April to June, some orders just before and after a China midnight.
      received_at: new Date(Date.parse('2025-04-01T00:00:00+08:00') + i * 9.1 * 3_600_000 - (i % 2) * 60_000),
    }));
    await ctx.database.db.insertInto('work_order').values(rows).execute();
    return ctx;
  },
  (ctx) => {
    const db = () => ctx().database.db;
    const agrees = async () => {
      for (const [from, to] of PERIODS) {
        for (const [scopeLike, units] of VIEWS) {
          for (const minCount of [1, 3]) {
            const got = sorted(await hotspots(db(), scopeLike, units, from, to, minCount));
            expect(got, `${from}..${to} ${scopeLike} ${units} ≥${minCount}`).toEqual(
              await direct(db(), scopeLike, units, from, to, minCount),
            );
          }
        }
      }
    };
    /** The roll-up rows against the orders, per day and cell: the same counts when nothing is stale. */
    const rollupMatchesOrders = async () => {
      const fromRollup = await sql<{ k: string; n: string; o: string }>`
        SELECT concat_ws('|', day, scope_path, unit_code, cx, cy, category_code) AS k, received AS n, open AS o
        FROM order_hotspot_daily_rollup ORDER BY 1`.execute(db());
      const fromOrders = await sql<{ k: string; n: string; o: string }>`
        SELECT concat_ws('|', ((received_at AT TIME ZONE 'UTC') + interval '8 hours')::date, scope_path,
          coalesce(lead_unit_code, ''), round(lng * 500) / 500, round(lat * 500) / 500,
          coalesce(category_code, '')) AS k, count(*) AS n,
          count(*) FILTER (WHERE status = ANY(${sql.val(OPEN)}::text[])) AS o
        FROM work_order WHERE lng IS NOT NULL AND status <> 'merged' GROUP BY 1 ORDER BY 1`.execute(db());
      const norm = (rs: Array<{ k: string; n: string; o: string }>) =>
        rs.map((r) => [r.k, Number(r.n), Number(r.o)]);
      expect(norm(fromRollup.rows).length).toBeGreaterThan(20);
      expect(norm(fromRollup.rows)).toEqual(norm(fromOrders.rows));
      const monthly = await sql<{ n: string }>`
        SELECT count(*) AS n FROM (
          SELECT month, scope_path, unit_code, cx, cy, category_code, received, open FROM order_hotspot_monthly_rollup
          EXCEPT
          SELECT date_trunc('month', day)::date, scope_path, unit_code, cx, cy, category_code, sum(received)::int,
            sum(open)::int
          FROM order_hotspot_daily_rollup GROUP BY 1, 2, 3, 4, 5, 6) d`.execute(db());
      expect(Number(monthly.rows[0]!.n)).toBe(0);
    };

    it('reads the orders themselves while the roll-ups were never built', async () => {
      const mark = await db().selectFrom('order_rollup_mark').selectAll().execute();
      expect(mark).toEqual([]);
      await agrees();
    });

    let mark = new Date(0);
    it('agrees with the orders after a full rebuild, and the roll-up holds their counts', async () => {
      await rebuildRollup(db(), null);
      const row = await db().selectFrom('order_rollup_mark').select('until').executeTakeFirstOrThrow();
      mark = new Date(row.until);
      await rollupMatchesOrders();
      await agrees();
    });

    it('agrees after orders are created, moved and reopened, before and after the refresh', async () => {
      const now = new Date();
      await db()
        .insertInto('work_order')
        .values([
          {
            id: 29_001,
            number: 'R29001',
            scope_path: MINI.communityC.path,
            channel: 'hotline' as const,
            status: 'received',
            category_code: '0501',
            description: '新诉求',
            lng: 120.1,
            lat: 30.2,
            lead_unit_code: 'water',
            received_at: new Date('2025-05-10T02:00:00+08:00'),
            updated_at: now,
          },
        ])
        .execute();
      // Moved to another cell, and reopened (a closed order sent back).
      await db()
        .updateTable('work_order')
        .set({ lng: 120.13, lat: 30.23, updated_at: now })
        .where('id', '=', 20_050)
        .execute();
      await db()
        .updateTable('work_order')
        .set({ status: 'returned', updated_at: now })
        .where('id', 'in', [20_000, 20_120, 20_200])
        .execute();
      const before = await sql<{ n: string }>`SELECT count(*) AS n FROM order_hotspot_daily_rollup`.execute(
        db(),
      );
      await agrees();
      await refreshRollup(db(), mark);
      const after = await db().selectFrom('order_rollup_mark').select('until').executeTakeFirstOrThrow();
      expect(new Date(after.until).getTime()).toBeGreaterThan(mark.getTime());
      const rowsNow = await sql<{ n: string }>`SELECT count(*) AS n FROM order_hotspot_daily_rollup`.execute(
        db(),
      );
      expect(Number(rowsNow.rows[0]!.n)).toBeGreaterThanOrEqual(Number(before.rows[0]!.n));
      await rollupMatchesOrders();
      await agrees();
    });

    it('counts at the next refresh an order whose write committed after the previous refresh had read', async () => {
      const first = await refreshRollup(db(), mark);
      // Its transaction began (and stamped updated_at) a minute before that refresh ended, and committed after.
      await db()
        .insertInto('work_order')
        .values({
          id: 29_002,
          number: 'R29002',
          scope_path: MINI.communityC.path,
          channel: 'hotline' as const,
          status: 'received',
          category_code: '0501',
          description: '迟到的写入',
          lng: 120.11,
          lat: 30.21,
          lead_unit_code: 'water',
          received_at: new Date('2025-05-11T02:00:00+08:00'),
          updated_at: new Date(first.until.getTime() - 60_000),
        })
        .execute();
      await refreshRollup(db(), first.until);
      await rollupMatchesOrders();
    });

    it('does not move the mark for a refresh of a later window than the one it stands at', async () => {
      const row = await db().selectFrom('order_rollup_mark').select('until').executeTakeFirstOrThrow();
      const later = new Date(new Date(row.until).getTime() + 60_000);
      await refreshRollup(db(), later);
      const still = await db().selectFrom('order_rollup_mark').select('until').executeTakeFirstOrThrow();
      expect(new Date(still.until).getTime()).toBe(new Date(row.until).getTime());
    });
  },
);
