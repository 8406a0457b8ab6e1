// A million past work orders for the dashboard benchmark, generated inside the database in a few set-based
// statements instead of through the application path (which takes minutes per hundred thousand orders on PGlite).
//
// What JavaScript decides, and hands to the database as small lookup tables (COPY):
// - how many orders arrive each China day of the two years (weekdays busier than weekends, a slow growth);
// - the category mix of each month (the demo generator's base frequencies and seasons: heating in winter, noise
//   and water pressure in summer), as 1,000 slots a month;
// - the grid of an order, weighted by the grid's buildings, as 10,000 slots;
// - the hour of day of a call (the demo generator's hour weights), as 1,000 slots;
// - the response and resolve deadlines of an order dispatched in each quarter hour of the two years, for each
//   deadline rule of the catalogue, from the product's own clocks (dispatchClocks on the working-time calendar).
// The database then draws each order's slots and outcome with random() (setseed makes it repeatable): dispatch a
// few minutes after receipt, 3 % returned to the territorial street, 93 % accepted in time and 90 % resolved
// before the deadline on average (each unit more or less often), 12 % closed without a callback, solved and satisfied less often when late, 40 % of the unsolved
// reopened, and orders younger than their next step still open, as simulateOutcome does one order at a time.

import { categoryMonthWeights, HOURS } from '../src/domains/demo/request-history.ts';
import type { CategoryCatalog, CategoryRule } from '../src/domains/requests/category-catalog.ts';
import { dispatchClocks, NORMAL_RESPONSE, URGENT_RESPONSE } from '../src/domains/requests/order-clocks.ts';
import { firstFreeOrderId, loadOrderHistory } from '../src/domains/requests/order-history.ts';
import type { DeadlineRule, WorkCalendar } from '../src/lib/calendar/working-time.ts';
import { seededRandom } from '../src/lib/random/seeded.ts';
import type { FieldCipher } from '../src/platform/crypto/field-cipher.ts';
import type { Database } from '../src/platform/db/index.ts';

const DAY_MS = 86_400_000;
const CHINA_MS = 8 * 3_600_000;
const SLOT_MS = 30 * 60_000;

export interface SeedOptions {
  catalog: CategoryCatalog;
  calendar: WorkCalendar;
  cipher: FieldCipher;
  seed: number;
  /** Orders to generate. */
  total: number;
  /** First China day (YYYY-MM-DD) and number of days; every order is received before `now`. */
  firstDay: string;
  days: number;
  now: Date;
  onProgress?: (done: number, total: number) => void;
}

/** Spreads `total` over `weights` in whole numbers that add up to it (largest remainders). */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, n) => s + n, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    out[i]! += 1;
  }
  return out;
}

/** `slots` entries naming an item each, as often as its weight says. */
function slotsOf<T>(items: T[], weights: number[], slots: number): T[] {
  const counts = apportion(slots, weights);
  return items.flatMap((item, i) => Array.from({ length: counts[i]! }, () => item));
}

/** Deadline rules of the catalogue, one key per distinct (urgent, deadline) pair. */
function clockKind(c: CategoryRule): string {
  return `${c.urgent ? 'u' : 'n'}:${c.deadline.unit}:${c.deadline.amount}`;
}

const HOURS_OF: Record<DeadlineRule['unit'], number | null> = {
  hours: 1,
  days: 24,
  work_hours: null,
  work_days: null,
};

/** Hours to respond and to resolve when both run on the wall clock (urgent categories), else null. */
function wallClock(c: CategoryRule): { response: number; resolve: number } | null {
  const response = c.urgent ? URGENT_RESPONSE : NORMAL_RESPONSE;
  const r = HOURS_OF[response.unit];
  const d = HOURS_OF[c.deadline.unit];
  return r === null || d === null ? null : { response: r * response.amount, resolve: d * c.deadline.amount };
}

const SEED_TABLES = ['seed_day', 'seed_grid', 'seed_category', 'seed_hour', 'seed_clock'];

/** Generates `total` orders; returns the seconds spent preparing the tables, inserting the orders and indexing them. */
export async function seedOrders(
  database: Database,
  o: SeedOptions,
): Promise<{ prepare: number; insert: number; indexes: number }> {
  const t0 = performance.now();
  // The handling units every order may point at (the history loader creates them with no orders to load).
  await loadOrderHistory(database, [], {
    catalog: o.catalog,
    calendar: o.calendar,
    cipher: o.cipher,
    seed: o.seed,
    now: o.now,
    full: false,
  });
  const rand = seededRandom(o.seed);
  const firstMs = Date.parse(`${o.firstDay}T00:00:00Z`) - CHINA_MS;
  // Units differ: each department, utility and street is late more or less often than the average (× 0.4–2.2),
  // so that the ranking has something to rank.
  const lateness = new Map<string, number>();
  const latenessOf = (unit: string) => {
    if (!lateness.has(unit)) lateness.set(unit, 0.4 + 1.8 * rand() * rand() + 0.4 * rand());
    return lateness.get(unit)!;
  };

  // Orders per day: weekends at 0.8 of a weekday, 15 % growth over the span, some day-to-day noise.
  const dayWeights = Array.from({ length: o.days }, (_, d) => {
    const weekday = new Date(firstMs + CHINA_MS + d * DAY_MS).getUTCDay();
    return (weekday === 0 || weekday === 6 ? 0.8 : 1.05) * (1 + (0.15 * d) / o.days) * (0.85 + 0.3 * rand());
  });
  const perDay = apportion(o.total, dayWeights);
  const dayRows: unknown[][] = [];
  let firstId = await firstFreeOrderId(database.db);
  for (let d = 0; d < o.days; d++) {
    const start = new Date(firstMs + d * DAY_MS);
    dayRows.push([d, start, new Date(start.getTime() + CHINA_MS).getUTCMonth() + 1, perDay[d], firstId]);
    firstId += perDay[d]!;
  }

  const grids = await database.db
    .selectFrom('grid')
    .leftJoin('building', 'building.grid_id', 'grid.id')
    .select((eb) => [
      'grid.id',
      'grid.path',
      'grid.street_code',
      'grid.community_code',
      'grid.center_lng',
      'grid.center_lat',
      eb.fn.count<number>('building.id').as('buildings'),
    ])
    .groupBy([
      'grid.id',
      'grid.path',
      'grid.street_code',
      'grid.community_code',
      'grid.center_lng',
      'grid.center_lat',
    ])
    .orderBy('grid.id')
    .execute();
  if (grids.length === 0) throw new Error('seedOrders: no grids (load the demo first)');
  const gridSlots = slotsOf(
    grids,
    grids.map((g) => 1 + Number(g.buildings)),
    10_000,
  ).map((g, slot) => [
    slot,
    g.id,
    g.path,
    g.street_code,
    g.community_code,
    g.center_lng,
    g.center_lat,
    latenessOf(g.street_code),
  ]);

  const leaves = [...o.catalog.leaves()];
  const categoryRows: unknown[][] = [];
  for (let month = 1; month <= 12; month++) {
    const weights = categoryMonthWeights(month - 1);
    const slots = slotsOf(
      leaves,
      leaves.map((c) => weights.get(c.code) ?? 1),
      1000,
    );
    slots.forEach((c, slot) => {
      const wall = wallClock(c);
      categoryRows.push([
        month,
        slot,
        c.code,
        c.nameZh,
        c.unitKind,
        c.unitCode,
        clockKind(c),
        wall?.response ?? null,
        wall?.resolve ?? null,
        c.unitKind === 'department' || c.unitKind === 'utility' ? latenessOf(c.unitCode) : null,
      ]);
    });
  }
  const hourSlots = slotsOf(
    HOURS.map(([h]) => h),
    HOURS.map(([, w]) => w),
    1000,
  ).map((h, slot) => [slot, h]);

  // Deadlines on the working-time calendar, per half hour of dispatch (the office periods start and end on whole
  // hours, so a dispatch inside a slot lies between the slot's clocks and the next slot's; see the INSERT); until
  // two days past the last day, as a dispatch comes up to half an hour after receipt. Rules on wall-clock hours
  // (urgent categories) need no table: the INSERT adds their hours.
  const clockRows: unknown[][] = [];
  const kinds = new Map<string, CategoryRule>();
  for (const c of leaves) if (!wallClock(c) && !kinds.has(clockKind(c))) kinds.set(clockKind(c), c);
  const slotCount = Math.ceil(((o.days + 2) * DAY_MS) / SLOT_MS);
  for (const [kind, rule] of kinds) {
    let next: ReturnType<typeof dispatchClocks> | null = null;
    for (let s = slotCount; s >= 0; s--) {
      const c = dispatchClocks(o.calendar, rule, new Date(firstMs + s * SLOT_MS));
      const n = next ?? c;
      const secs = (d: Date) => Math.round((d.getTime() - firstMs) / 1000);
      clockRows.push([
        kind,
        s,
        secs(c.responseDue),
        secs(n.responseDue),
        secs(c.resolveDue),
        secs(n.resolveDue),
      ]);
      next = c;
    }
  }
  await database.bulk(async (session) => {
    for (const t of SEED_TABLES) await session.exec(`DROP TABLE IF EXISTS ${t}`);
    await session.script(`
      CREATE TABLE seed_day (d integer PRIMARY KEY, start_at timestamptz NOT NULL, month integer NOT NULL,
        n integer NOT NULL, first_id bigint NOT NULL);
      CREATE TABLE seed_grid (slot integer PRIMARY KEY, grid_id integer NOT NULL, path text NOT NULL,
        street_code text NOT NULL, community_code text NOT NULL, lng double precision NOT NULL,
        lat double precision NOT NULL, lateness real NOT NULL);
      CREATE TABLE seed_category (month integer, slot integer, code text NOT NULL, name text NOT NULL,
        unit_kind text NOT NULL, unit_code text NOT NULL, clock_kind text NOT NULL, response_hours real,
        resolve_hours real, lateness real, PRIMARY KEY (month, slot));
      CREATE TABLE seed_hour (slot integer PRIMARY KEY, hour integer NOT NULL);
      CREATE TABLE seed_clock (kind text NOT NULL, slot integer NOT NULL, response_due integer NOT NULL,
        response_next integer NOT NULL, resolve_due integer NOT NULL, resolve_next integer NOT NULL);`);
    await session.copy('seed_day', ['d', 'start_at', 'month', 'n', 'first_id'], dayRows as never);
    await session.copy(
      'seed_grid',
      ['slot', 'grid_id', 'path', 'street_code', 'community_code', 'lng', 'lat', 'lateness'],
      gridSlots as never,
    );
    await session.copy(
      'seed_category',
      [
        'month',
        'slot',
        'code',
        'name',
        'unit_kind',
        'unit_code',
        'clock_kind',
        'response_hours',
        'resolve_hours',
        'lateness',
      ],
      categoryRows as never,
    );
    await session.copy('seed_hour', ['slot', 'hour'], hourSlots as never);
    await session.copy(
      'seed_clock',
      ['kind', 'slot', 'response_due', 'response_next', 'resolve_due', 'resolve_next'],
      clockRows as never,
    );
    await session.exec('CREATE UNIQUE INDEX seed_clock_slot ON seed_clock (kind, slot)');
    for (const t of SEED_TABLES) await session.exec(`ANALYZE ${t}`);
  });
  const prepare = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  const CHUNK_DAYS = 61;
  let indexes = 0;
  await database.bulk(async (session) => {
    // The work order's plain indexes are dropped for the load and built again from their own definitions after
    // it (one sort each instead of a million scattered inserts); those behind constraints stay.
    const plain = (await session.exec(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
       WHERE i.schemaname = current_schema() AND i.tablename = 'work_order'
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
       ORDER BY i.indexname`,
    )) as Array<{ indexname: string; indexdef: string }>;
    for (const i of plain) await session.exec(`DROP INDEX ${i.indexname}`);
    await session.exec('SELECT setseed($1)', [((o.seed % 1000) + 0.5) / 1000]);
    let done = 0;
    for (let d0 = 0; d0 < o.days; d0 += CHUNK_DAYS) {
      await session.exec(INSERT_ORDERS, [
        d0,
        Math.min(o.days, d0 + CHUNK_DAYS) - 1,
        o.now,
        new Date(firstMs),
      ]);
      for (let d = d0; d < Math.min(o.days, d0 + CHUNK_DAYS); d++) done += perDay[d]!;
      o.onProgress?.(done, o.total);
    }
    const t2 = performance.now();
    for (const i of plain) await session.exec(i.indexdef);
    await session.exec('ANALYZE work_order');
    indexes = (performance.now() - t2) / 1000;
    await session.exec(
      `SELECT setval(pg_get_serial_sequence('work_order', 'id'), (SELECT coalesce(max(id), 1) FROM work_order))`,
    );
    for (const t of SEED_TABLES) await session.exec(`DROP TABLE ${t}`);
  });
  return { prepare, insert: (performance.now() - t1) / 1000 - indexes, indexes };
}

// $1, $2: the first and last seed_day; $3: now; $4: the first day's start (the clock slots count from it).
// Each stage is a CTE of its own, materialized: random() is volatile, so each value is drawn once per order, and
// a stage inlined into the next would copy its expressions into every use (the status alone uses them all).
const INSERT_ORDERS = `
INSERT INTO work_order (id, number, street_code, community_code, grid_id, scope_path, channel, status,
  category_code, description, lng, lat, lead_unit_code, received_at, dispatched_at, accepted_at, resolved_at,
  closed_at, response_due, resolve_due, warn_at, warned, escalated, escalation_level, reopen_count, return_count,
  solved, satisfaction, rating_reason, resolution_note, updated_at)
WITH drawn AS (
  SELECT d.first_id + g.i - 1 AS id, d.start_at, d.month,
    random() AS r_grid, random() AS r_cat, random() AS r_hour, random() AS r_sec, random() AS r_chan,
    random() AS r_lng, random() AS r_lat, random() AS r_disp, random() AS r_ret, random() AS r_back,
    random() AS r_again, random() AS r_acc_late, random() AS r_acc, random() AS r_res_late, random() AS r_res,
    random() AS r_visit, random() AS r_nocall, random() AS r_solved, random() AS r_happy, random() AS r_score,
    random() AS r_reopen, random() AS r_warn
  FROM seed_day d CROSS JOIN LATERAL generate_series(1, d.n) AS g(i)
  WHERE d.d BETWEEN $1::int AND $2::int
), placed AS MATERIALIZED (
  SELECT x.*, gr.grid_id, gr.path, gr.street_code, gr.community_code,
    round((gr.lng + (x.r_lng - 0.5) * 0.004)::numeric, 6)::float8 AS lng,
    round((gr.lat + (x.r_lat - 0.5) * 0.003)::numeric, 6)::float8 AS lat,
    c.code, c.name, c.clock_kind, c.response_hours, c.resolve_hours,
    CASE c.unit_kind WHEN 'street' THEN rpad(gr.street_code, 12, '0')
      WHEN 'community' THEN gr.community_code ELSE c.unit_code END AS first_unit,
    x.r_ret < 0.03 AND c.unit_kind <> 'street' AS returned,
    CASE WHEN x.r_ret < 0.03 OR c.unit_kind IN ('street', 'community') THEN gr.lateness ELSE c.lateness END
      AS lateness,
    x.start_at + make_interval(hours => h.hour, secs => x.r_sec * 3600) AS received_at
  FROM drawn x
  JOIN seed_grid gr ON gr.slot = floor(x.r_grid * 10000)::int
  JOIN seed_category c ON c.month = x.month AND c.slot = floor(x.r_cat * 1000)::int
  JOIN seed_hour h ON h.slot = floor(x.r_hour * 1000)::int
), dispatched AS MATERIALIZED (
  SELECT p.*, p.received_at + interval '1 minute' * (2 + p.r_disp * 25) AS dispatched_at FROM placed p
), clocked AS MATERIALIZED (
  SELECT t.*,
    coalesce(t.dispatched_at + t.response_hours * interval '1 hour',
      $4::timestamptz + (ck.response_due + least(t.into_slot, ck.response_next - ck.response_due)) * interval '1 second')
      AS response_due,
    coalesce(t.dispatched_at + t.resolve_hours * interval '1 hour',
      $4::timestamptz + (ck.resolve_due + least(t.into_slot, ck.resolve_next - ck.resolve_due)) * interval '1 second')
      AS resolve_due
  FROM (
    SELECT q.*, floor(q.since / 1800)::int AS slot, q.since - floor(q.since / 1800) * 1800 AS into_slot
    FROM (SELECT p.*, extract(epoch FROM p.dispatched_at - $4::timestamptz) AS since FROM dispatched p) q
  ) t LEFT JOIN seed_clock ck ON ck.kind = t.clock_kind AND ck.slot = t.slot
), accepted AS MATERIALIZED (
  SELECT c.*,
    CASE WHEN c.returned THEN c.dispatched_at + interval '1 minute' * (30 + c.r_back * 200 + c.r_again * 60)
      ELSE c.dispatched_at END
    + (CASE WHEN c.r_acc_late >= 0.07 * c.lateness THEN 0.1 + c.r_acc * 0.85 ELSE 1.1 + c.r_acc * 3 END)
      * greatest(interval '30 minutes', c.response_due - c.dispatched_at) AS accepted_at
  FROM clocked c
), resolved AS MATERIALIZED (
  SELECT a.*, a.accepted_at + (CASE WHEN a.r_res_late >= 0.1 * a.lateness THEN 0.15 + a.r_res * 0.8 ELSE 1.05 + a.r_res END)
      * greatest(interval '1 hour', a.resolve_due - a.accepted_at) AS resolved_at,
    a.accepted_at + least(greatest(interval '1 hour', a.resolve_due - a.accepted_at) * 0.1, interval '2 hours')
      AS started_at
  FROM accepted a
), rated AS MATERIALIZED (
  SELECT r.*, r.resolved_at > r.resolve_due AS late,
    r.resolved_at + interval '1 minute' * (60 + r.r_visit * 2880) AS visited_at,
    r.r_nocall < 0.12 AS no_callback
  FROM resolved r
), outcome AS MATERIALIZED (
  SELECT r.*,
    r.r_solved < CASE WHEN r.late THEN 0.85 ELSE 0.96 END AS solved_draw,
    CASE WHEN r.r_solved < CASE WHEN r.late THEN 0.85 ELSE 0.96 END
      THEN CASE WHEN r.r_happy < CASE WHEN r.late THEN 0.8 ELSE 0.95 END THEN 4 + round(r.r_score)::int ELSE 3 END
      ELSE 1 + floor(r.r_score * 3)::int END AS score_draw,
    NOT (r.r_solved < CASE WHEN r.late THEN 0.85 ELSE 0.96 END) AND r.r_reopen < 0.4 AS reopened,
    CASE
      WHEN r.dispatched_at > $3::timestamptz THEN 'received'
      WHEN r.accepted_at > $3::timestamptz THEN 'dispatched'
      WHEN r.started_at > $3::timestamptz THEN 'accepted'
      WHEN r.resolved_at > $3::timestamptz THEN 'in_progress'
      WHEN r.visited_at > $3::timestamptz THEN 'resolved'
      WHEN r.no_callback THEN
        CASE WHEN r.resolved_at + interval '7 days' > $3::timestamptz THEN 'resolved' ELSE 'closed' END
      WHEN r.visited_at + interval '10 minutes' > $3::timestamptz THEN 'rated'
      WHEN NOT (r.r_solved < CASE WHEN r.late THEN 0.85 ELSE 0.96 END) AND r.r_reopen < 0.4
        AND r.visited_at + interval '10 minutes 3 days' > $3::timestamptz THEN 'dispatched'
      ELSE 'closed' END AS status
  FROM rated r
)
SELECT id,
  to_char((received_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYYMMDD') || lpad(id::text, 8, '0'),
  street_code, community_code, grid_id, path,
  CASE WHEN r_chan < 0.55 THEN 'hotline' WHEN r_chan < 0.9 THEN 'portal' ELSE 'patrol' END,
  status, code, name, lng, lat,
  CASE WHEN status = 'received' THEN NULL WHEN returned THEN rpad(street_code, 12, '0') ELSE first_unit END,
  received_at,
  CASE WHEN status <> 'received' THEN dispatched_at END,
  CASE WHEN status NOT IN ('received', 'dispatched') OR (status = 'dispatched' AND reopened) THEN accepted_at END,
  CASE WHEN status IN ('resolved', 'rated', 'closed') OR (status = 'dispatched' AND reopened) THEN resolved_at END,
  CASE WHEN status = 'closed' THEN
    CASE WHEN no_callback THEN resolved_at + interval '7 days'
      WHEN reopened THEN visited_at + interval '10 minutes 4 days'
      ELSE visited_at + interval '10 minutes' END END,
  CASE WHEN status <> 'received' THEN response_due END,
  CASE WHEN status <> 'received' THEN resolve_due END,
  CASE WHEN status <> 'received' THEN resolve_due - (resolve_due - dispatched_at) * 0.2 END,
  late OR (status IN ('rated', 'closed') AND r_warn < 0.2)
    OR (status IN ('dispatched', 'accepted', 'in_progress') AND resolve_due - (resolve_due - dispatched_at) * 0.2 <= $3::timestamptz),
  late AND status IN ('resolved', 'rated', 'closed')
    OR (status IN ('dispatched', 'accepted', 'in_progress') AND resolve_due <= $3::timestamptz),
  CASE WHEN late AND status IN ('resolved', 'rated', 'closed')
    OR (status IN ('dispatched', 'accepted', 'in_progress') AND resolve_due <= $3::timestamptz) THEN 1 ELSE 0 END,
  CASE WHEN reopened AND (status = 'closed' OR status = 'dispatched') AND NOT no_callback THEN 1 ELSE 0 END,
  CASE WHEN returned AND status <> 'received' THEN 1 ELSE 0 END,
  CASE WHEN status IN ('rated', 'closed') AND NOT no_callback THEN solved_draw END,
  CASE WHEN status IN ('rated', 'closed') AND NOT no_callback THEN score_draw END,
  CASE WHEN status IN ('rated', 'closed') AND NOT no_callback AND (NOT solved_draw OR score_draw < 4)
    THEN CASE WHEN solved_draw THEN '办理速度慢' ELSE '问题没有解决' END END,
  CASE WHEN status IN ('resolved', 'rated', 'closed') THEN '已处理完毕' END,
  least($3::timestamptz, greatest(received_at, dispatched_at, accepted_at, resolved_at, visited_at))
FROM outcome`;
