// Background work of the requests domain while the server runs: the deadline sweeper (warnings before and
// escalations after each order's deadline, from what the database holds, so a restart loses no timer; it runs
// once at start and then on an interval) and the evaluation roll-up refresh. Started by `cbrain serve`, never in
// tests (they call the same functions directly).
import type { FastifyInstance } from 'fastify';
import { refreshRollup } from './evaluation.repository.ts';
import { pruneRateWindows } from './intake-rate-limits.ts';

export interface RequestJobs {
  stop(): void;
}

export interface RequestJobOptions {
  sweepEveryMs?: number;
  rollupEveryMs?: number;
  /** Extra periodic work (the demo's live arrivals), run on its own interval. */
  extra?: Array<{ everyMs: number; run: () => Promise<unknown> }>;
}

export function startRequestJobs(app: FastifyInstance, options: RequestJobOptions = {}): RequestJobs {
  const ctx = app.requests;
  const timers: NodeJS.Timeout[] = [];
  let since = new Date(0);
  const guarded = (name: string, work: () => Promise<unknown>) => {
    let running = false;
    return async () => {
      if (running) return;
      running = true;
      try {
        await work();
      } catch (err) {
        app.log.error({ err }, `requests job ${name} failed`);
      } finally {
        running = false;
      }
    };
  };
  const sweep = guarded('sweep', async () => {
    const done = await ctx.service.sweep();
    if (done.warned + done.escalated > 0) app.log.info(done, 'deadline sweep');
  });
  const rollup = guarded('rollup', async () => {
    since = (await refreshRollup(ctx.database.db, since)).until;
    // Rate windows last an hour at most; a day's margin keeps the table small.
    await pruneRateWindows(ctx.database.db, new Date(Date.now() - 86_400_000));
  });
  void sweep();
  void rollup();
  timers.push(setInterval(sweep, options.sweepEveryMs ?? 60_000));
  timers.push(setInterval(rollup, options.rollupEveryMs ?? 5 * 60_000));
  for (const job of options.extra ?? []) timers.push(setInterval(guarded('extra', job.run), job.everyMs));
  for (const t of timers) t.unref();
  return {
    stop() {
      for (const t of timers) clearInterval(t);
    },
  };
}
