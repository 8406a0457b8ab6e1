// The demo's request history: generated texts become work orders in the grids they name, with a realistic mix
// of outcomes (mostly closed and satisfied, some late, returned or still open), events and roll-up rows.
import { expect, it } from 'vitest';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';
import { loadDemo } from '../demo/index.ts';
import { requestCategoryCatalog } from './category-source.ts';
import { createLiveArrivals, loadRequestDemo } from './demo-orders.ts';

describeEachBackend(
  'requests: demo history',
  async (backend): Promise<TestAppContext & { orders: number }> => {
    const ctx = await createTestApp(backend);
    await loadDemo(ctx.database, ctx.cipher, { size: 'small', seed: 20261123 });
    const orders = await loadRequestDemo(ctx.database, ctx.cipher, requestCategoryCatalog(), {
      seed: 7,
      perDay: 20,
      days: 120,
      now: new Date('2026-11-30T04:00:00Z'),
    });
    return { ...ctx, orders };
  },
  (ctx) => {
    it('loads orders with a realistic mix of outcomes, each with its events', async () => {
      expect(ctx().orders).toBeGreaterThan(1500);
      const db = ctx().database.db;
      const byStatus = await db
        .selectFrom('work_order')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      const count = Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)]));
      expect(count['closed']! / ctx().orders).toBeGreaterThan(0.7);
      expect(
        (count['in_progress'] ?? 0) + (count['accepted'] ?? 0) + (count['dispatched'] ?? 0),
      ).toBeGreaterThan(0);
      const rates = await db
        .selectFrom('work_order')
        .select([
          (eb) => eb.fn.count<number>('satisfaction').as('visited'),
          (eb) => eb.fn.countAll<number>().filterWhere('solved', '=', true).as('solved'),
          (eb) => eb.fn.countAll<number>().filterWhere('return_count', '>', 0).as('returned'),
        ])
        .executeTakeFirstOrThrow();
      const solvedRate = Number(rates.solved) / Number(rates.visited);
      expect(solvedRate).toBeGreaterThan(0.85);
      expect(solvedRate).toBeLessThan(1);
      expect(Number(rates.returned)).toBeGreaterThan(0);
      const withoutEvents = await db
        .selectFrom('work_order')
        .select('id')
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('order_event')
                .select('id')
                .whereRef('order_event.order_id', '=', 'work_order.id'),
            ),
          ),
        )
        .execute();
      expect(withoutEvents).toHaveLength(0);
      const rollup = await db
        .selectFrom('order_daily_rollup')
        .select((eb) => eb.fn.sum<number>('received').as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(rollup.n)).toBe(ctx().orders);
    });

    it('a live arrival goes through the normal intake path', async () => {
      const db = ctx().database.db;
      const before = await db
        .selectFrom('order_event')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', 'in', ['receive', 'join'])
        .executeTakeFirstOrThrow();
      const arrive = createLiveArrivals(ctx().database, ctx().app.requests.service, 99);
      await arrive();
      await arrive();
      const after = await db
        .selectFrom('order_event')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', 'in', ['receive', 'join'])
        .executeTakeFirstOrThrow();
      expect(Number(after.n) - Number(before.n)).toBe(2);
    });
  },
);
