// Submission rate limits kept in the database: a fixed window per key (client address or Open311 key per minute,
// phone per hour) counted with one upsert, so that the limits hold across restarts and across several server
// processes sharing the database. A refused attempt is not counted (the upsert only increments below the limit),
// so waiting until the window ends always helps. Phones are keyed by their blind index, never in clear.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';

export interface RateRule {
  limit: number;
  windowMs: number;
}

export interface RateAttempt {
  key: string;
  rule: RateRule;
}

/** Windows are aligned to the epoch, so every process agrees on where one starts. */
export function windowStart(at: number, windowMs: number): number {
  return Math.floor(at / windowMs) * windowMs;
}

/**
 * Counts one attempt against each key (one statement for all). Returns 0 when every key is under its limit,
 * otherwise the milliseconds until the latest refusing window ends.
 */
export async function takeRateWindows(db: Db, attempts: RateAttempt[], now = Date.now()): Promise<number> {
  if (attempts.length === 0) return 0;
  const starts = attempts.map((a) => windowStart(now, a.rule.windowMs));
  const rows = sql.join(
    attempts.map(
      (a, i) => sql`(${a.key}::text, ${new Date(starts[i]!)}::timestamptz, 1, ${a.rule.limit}::integer)`,
    ),
  );
  const taken = await sql<{ key: string }>`
    insert into request_rate_window as w (key, window_start, hits, max_hits) values ${rows}
    on conflict (key, window_start) do update set hits = w.hits + 1 where w.hits < excluded.max_hits
    returning w.key
  `.execute(db);
  const allowed = new Set(taken.rows.map((r) => r.key));
  let wait = 0;
  for (const [i, a] of attempts.entries()) {
    if (!allowed.has(a.key)) wait = Math.max(wait, starts[i]! + a.rule.windowMs - now);
  }
  return wait;
}

/** Drops windows that ended before `before` (run by the requests jobs). */
export async function pruneRateWindows(db: Db, before: Date): Promise<number> {
  const r = await sql`delete from request_rate_window where window_start < ${before}::timestamptz`.execute(
    db,
  );
  return Number(r.numAffectedRows ?? 0);
}
