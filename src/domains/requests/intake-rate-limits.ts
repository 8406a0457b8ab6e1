// Submission rate limits kept in the database: a fixed window per key (client address or Open311 key per minute,
// phone per hour) counted with one upsert, so that the limits hold across restarts and across several server
// processes sharing the database. A refused attempt is not counted (the upsert only increments below the limit),
// so waiting until the window ends always helps. Phones are keyed by their blind index, never in clear.
//
// Under load every submission from one address counts against the same row: one statement and one commit each
// would queue them all on that row's lock. Attempts that arrive together are therefore counted together (one
// statement for all of them, `createRateWindowGate`), each still getting its own answer in arrival order.
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
 * Counts several requests' attempts in one statement. Each request's attempts are taken at its own `now`; a request
 * is answered 0 when every key of it was under its limit, otherwise the milliseconds until the latest refusing
 * window ends. Within one key and window, earlier requests in the list are served first.
 */
export async function takeRateWindowsTogether(
  db: Db,
  requests: Array<{ attempts: RateAttempt[]; now: number }>,
): Promise<number[]> {
  // One row per key and window with the number of attempts asking for it.
  const groups = new Map<
    string,
    { key: string; start: number; rule: RateRule; asked: number; allowed: number }
  >();
  const slots = requests.map((r) =>
    r.attempts.map((a) => {
      const start = windowStart(r.now, a.rule.windowMs);
      const id = `${start}\u0000${a.key}`;
      let g = groups.get(id);
      if (!g) {
        g = { key: a.key, start, rule: a.rule, asked: 0, allowed: 0 };
        groups.set(id, g);
      }
      g.asked += 1;
      return { group: g, position: g.asked };
    }),
  );
  if (groups.size === 0) return requests.map(() => 0);
  const list = [...groups.values()];
  const rows = sql.join(
    list.map(
      (g) =>
        sql`(${g.key}::text, ${new Date(g.start)}::timestamptz, ${g.asked}::integer, ${g.rule.limit}::integer)`,
    ),
  );
  // Below the limit the window takes all `asked` attempts; the row then tells how far past the limit that went,
  // and the attempts past it are the refused ones (set back to the limit below, so refusals never count).
  const taken = await sql<{ key: string; window_start: Date | string; hits: number; max_hits: number }>`
    insert into request_rate_window as w (key, window_start, hits, max_hits) values ${rows}
    on conflict (key, window_start) do update set hits = w.hits + excluded.hits where w.hits < w.max_hits
    returning w.key, w.window_start, w.hits, w.max_hits
  `.execute(db);
  const over: Array<{ key: string; start: Date }> = [];
  for (const r of taken.rows) {
    const start = new Date(r.window_start).getTime();
    const g = groups.get(`${start}\u0000${r.key}`);
    if (!g) continue;
    const beyond = Math.max(0, Number(r.hits) - Number(r.max_hits));
    g.allowed = g.asked - beyond;
    if (beyond > 0) over.push({ key: g.key, start: new Date(g.start) });
  }
  if (over.length > 0) {
    await sql`
      update request_rate_window set hits = max_hits
      where hits > max_hits and (key, window_start) in (${sql.join(
        over.map((o) => sql`(${o.key}::text, ${o.start}::timestamptz)`),
      )})
    `.execute(db);
  }
  return slots.map((list, i) => {
    let wait = 0;
    for (const { group, position } of list) {
      if (position > group.allowed) {
        wait = Math.max(wait, group.start + group.rule.windowMs - requests[i]!.now);
      }
    }
    return wait;
  });
}

/**
 * Counts one attempt against each key (one statement for all). Returns 0 when every key is under its limit,
 * otherwise the milliseconds until the latest refusing window ends.
 */
export async function takeRateWindows(db: Db, attempts: RateAttempt[], now = Date.now()): Promise<number> {
  if (attempts.length === 0) return 0;
  const [wait] = await takeRateWindowsTogether(db, [{ attempts, now }]);
  return wait ?? 0;
}

/**
 * Gathers the attempts of requests arriving together (in the same turn of the event loop, or while the previous
 * statement is under way) and counts them with one statement. A failed statement fails every request in it.
 */
export function createRateWindowGate(db: Db, maxInFlight = 2) {
  type Waiting = {
    attempts: RateAttempt[];
    now: number;
    resolve(wait: number): void;
    reject(e: unknown): void;
  };
  let queue: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  function flush() {
    scheduled = false;
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue;
      queue = [];
      inFlight++;
      takeRateWindowsTogether(db, batch)
        .then(
          (waits) => {
            for (const [i, w] of batch.entries()) w.resolve(waits[i]!);
          },
          (error) => {
            for (const w of batch) w.reject(error);
          },
        )
        .finally(() => {
          inFlight--;
          schedule();
        });
    }
  }

  function schedule() {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  }

  return {
    take(attempts: RateAttempt[], now = Date.now()): Promise<number> {
      if (attempts.length === 0) return Promise.resolve(0);
      return new Promise((resolve, reject) => {
        queue.push({ attempts, now, resolve, reject });
        schedule();
      });
    },
  };
}

/** Drops windows that ended before `before` (run by the requests jobs). */
export async function pruneRateWindows(db: Db, before: Date): Promise<number> {
  const r = await sql`delete from request_rate_window where window_start < ${before}::timestamptz`.execute(
    db,
  );
  return Number(r.numAffectedRows ?? 0);
}
