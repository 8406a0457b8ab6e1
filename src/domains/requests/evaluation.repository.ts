// Evaluation (考评) of the three rates per unit, street, community, grid and category, over a period, from the
// roll-ups (whole months from the monthly one, the days at either end of the period from the daily one), so that
// a dashboard over millions of orders reads tens of thousands of rows, not millions. The roll-up
// is rebuilt for exactly the days whose orders changed since the last rebuild (a callback on a two-week-old
// order changes that day's figures), and in full after a bulk load.
//   响应率 response   = dispatched orders accepted before their response deadline / dispatched orders
//   解决率 resolution = return-visited orders the requester calls solved / return-visited orders
//   满意率 satisfaction = return-visited orders rated 4 or 5 / return-visited orders
// Weights of the composite score are kept per district (evaluation_weight; without a row the commonly quoted
// 10/45/45, not confirmed by the regulation) and can be overridden per query to try other weights.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';

/** China date of a timestamptz column, independent of the session's time zone. */
const chinaDay = (column: string) => sql.raw(`((${column} AT TIME ZONE 'UTC') + interval '8 hours')::date`);

export const DIMENSIONS = ['unit', 'street', 'community', 'grid', 'category'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

const DIMENSION_COLUMN: Record<Dimension, string> = {
  unit: 'unit_code',
  street: 'street_code',
  community: 'community_code',
  grid: 'grid_id',
  category: 'category_code',
};

/** Rebuilds the roll-up rows of the given China dates (all dates when `days` is null). */
export async function rebuildRollup(db: Db, days: string[] | null): Promise<number> {
  if (days !== null && days.length === 0) return 0;
  // Taken before any order is read: an order updated while the rebuild runs is newer than the mark.
  const started = days === null ? await databaseNow(db) : null;
  const dayFilter =
    days === null ? sql`true` : sql`${chinaDay('received_at')} = ANY(${sql.val(days)}::date[])`;
  if (days === null) await sql`DELETE FROM order_daily_rollup`.execute(db);
  else await sql`DELETE FROM order_daily_rollup WHERE day = ANY(${sql.val(days)}::date[])`.execute(db);
  const r = await sql`
    INSERT INTO order_daily_rollup (day, street_code, community_code, grid_id, unit_code, category_code, received,
      dispatched, responded_on_time, resolved, resolved_on_time, visited, solved, satisfied)
    SELECT ${chinaDay('received_at')}, coalesce(street_code, ''), coalesce(community_code, ''),
      coalesce(grid_id, 0), coalesce(lead_unit_code, ''), coalesce(category_code, ''),
      count(*), count(dispatched_at),
      count(*) FILTER (WHERE accepted_at IS NOT NULL AND accepted_at <= response_due),
      count(resolved_at),
      count(*) FILTER (WHERE resolved_at IS NOT NULL AND resolved_at <= resolve_due),
      count(satisfaction), count(*) FILTER (WHERE solved), count(*) FILTER (WHERE satisfaction >= 4)
    FROM work_order
    WHERE status <> 'merged' AND ${dayFilter}
    GROUP BY 1, 2, 3, 4, 5, 6`.execute(db);
  if (days === null) await sql`DELETE FROM order_hotspot_daily_rollup`.execute(db);
  else
    await sql`DELETE FROM order_hotspot_daily_rollup WHERE day = ANY(${sql.val(days)}::date[])`.execute(db);
  await sql`
    INSERT INTO order_hotspot_daily_rollup (day, ${HOTSPOT_KEYS}, received, open)
    SELECT ${chinaDay('received_at')}, scope_path, coalesce(lead_unit_code, ''), ${HOTSPOT_CELL},
      coalesce(category_code, ''), count(*), count(*) FILTER (WHERE ${OPEN_ORDER})
    FROM work_order
    WHERE lng IS NOT NULL AND status <> 'merged' AND ${dayFilter}
    GROUP BY 1, 2, 3, 4, 5, 6`.execute(db);
  await rebuildMonthlyRollup(db, days === null ? null : [...new Set(days.map((d) => `${d.slice(0, 7)}-01`))]);
  if (started) await setRollupMark(db, started, null);
  // After a full rebuild the planner's statistics describe the tables before it (PGlite runs no autovacuum, and
  // PostgreSQL's may come minutes later): without fresh ones a dashboard may be planned for an empty table.
  if (days === null) {
    await sql`ANALYZE order_daily_rollup, order_monthly_rollup, order_hotspot_daily_rollup,
      order_hotspot_monthly_rollup`.execute(db);
  }
  return Number(r.numAffectedRows ?? 0);
}

const ROLLUP_KEYS = sql.raw('street_code, community_code, grid_id, unit_code, category_code');
const ROLLUP_COUNTS = sql.raw(
  'received, dispatched, responded_on_time, resolved, resolved_on_time, visited, solved, satisfied',
);
/** The roll-up's counts summed, each under its own column name (read back by `countsOf`). */
const ROLLUP_SUMS = sql.raw(
  'sum(received) AS received, sum(dispatched) AS dispatched, sum(responded_on_time) AS responded_on_time, ' +
    'sum(resolved) AS resolved, sum(resolved_on_time) AS resolved_on_time, sum(visited) AS visited, ' +
    'sum(solved) AS solved, sum(satisfied) AS satisfied',
);

const HOTSPOT_KEYS = sql.raw('scope_path, unit_code, cx, cy, category_code');
/** The hot-spot cell of an order: about 200 m, lng and lat rounded to 1/500 degree. */
const HOTSPOT_CELL = sql.raw('round(lng * 500) / 500, round(lat * 500) / 500');
const OPEN_ORDER = sql.raw(
  "status IN ('received','classified','dispatched','accepted','in_progress','returned')",
);

/** The database's clock (the one work_order.updated_at is written with). */
async function databaseNow(db: Db): Promise<Date> {
  const r = await sql<{ now: Date }>`SELECT now() AS now`.execute(db);
  return new Date(r.rows[0]!.now);
}

/**
 * Records that the roll-ups hold every order updated up to `until`; with `since`, only when the mark already
 * stood within (…, since], so that a refresh of a later window does not claim the orders before it.
 */
async function setRollupMark(db: Db, until: Date, since: Date | null): Promise<void> {
  if (since === null) {
    await sql`INSERT INTO order_rollup_mark (id, until) VALUES (true, ${until})
      ON CONFLICT (id) DO UPDATE SET until = excluded.until`.execute(db);
    return;
  }
  // A refresh from the beginning (the refresh job's first run) covers every order, mark or none.
  if (since.getTime() <= 0) {
    await setRollupMark(db, until, null);
    return;
  }
  await sql`UPDATE order_rollup_mark SET until = ${until} WHERE until >= ${since}`.execute(db);
}

/** The China days in [from, to] with orders updated after the roll-ups' mark (every day of orders without one). */
async function staleDays(db: Db, from: string, to: string): Promise<string[]> {
  // The mark is read first and passed as a value, so that the planner sees how recent it is and reads the few
  // orders after it by work_order_updated rather than every order of the period.
  const mark = await db.selectFrom('order_rollup_mark').select('until').executeTakeFirst();
  const r = await sql<{ day: string }>`
    SELECT DISTINCT ${chinaDay('received_at')}::text AS day FROM work_order
    WHERE received_at >= ${chinaStart(from)} AND received_at < ${chinaStart(dayAfter(to))}
      ${mark ? sql`AND updated_at > ${mark.until}` : sql``}
    ORDER BY 1`.execute(db);
  return r.rows.map((x) => String(x.day).slice(0, 10));
}

/** The instant a China day (ISO date) begins. */
const chinaStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** A row of `key` and ROLLUP_SUMS as the counts `withRates` takes. */
function countsOf(x: Record<string, unknown>) {
  return {
    key: String(x['key']),
    received: Number(x['received']),
    dispatched: Number(x['dispatched']),
    respondedOnTime: Number(x['responded_on_time']),
    resolved: Number(x['resolved']),
    resolvedOnTime: Number(x['resolved_on_time']),
    visited: Number(x['visited']),
    solved: Number(x['solved']),
    satisfied: Number(x['satisfied']),
  };
}

/** Rebuilds the monthly roll-up of the given months (first days; all months when null) from the daily one. */
export async function rebuildMonthlyRollup(db: Db, months: string[] | null): Promise<void> {
  if (months === null) {
    await sql`DELETE FROM order_monthly_rollup`.execute(db);
    await sql`
      INSERT INTO order_monthly_rollup (month, ${ROLLUP_KEYS}, ${ROLLUP_COUNTS})
      SELECT date_trunc('month', day)::date, ${ROLLUP_KEYS}, ${ROLLUP_SUMS}
      FROM order_daily_rollup GROUP BY 1, 2, 3, 4, 5, 6`.execute(db);
    await sql`DELETE FROM order_hotspot_monthly_rollup`.execute(db);
    await sql`
      INSERT INTO order_hotspot_monthly_rollup (month, ${HOTSPOT_KEYS}, received, open)
      SELECT date_trunc('month', day)::date, ${HOTSPOT_KEYS}, sum(received), sum(open)
      FROM order_hotspot_daily_rollup GROUP BY 1, 2, 3, 4, 5, 6`.execute(db);
    return;
  }
  if (months.length === 0) return;
  await sql`DELETE FROM order_monthly_rollup WHERE month = ANY(${sql.val(months)}::date[])`.execute(db);
  // A range per month, so the daily table's primary key (day first) finds the rows.
  await sql`
    INSERT INTO order_monthly_rollup (month, ${ROLLUP_KEYS}, ${ROLLUP_COUNTS})
    SELECT m.month, ${ROLLUP_KEYS}, ${ROLLUP_SUMS}
    FROM unnest(${sql.val(months)}::date[]) AS m(month)
    JOIN order_daily_rollup d ON d.day >= m.month AND d.day < (m.month + interval '1 month')::date
    GROUP BY 1, 2, 3, 4, 5, 6`.execute(db);
  const monthList = sql.val(months);
  await sql`DELETE FROM order_hotspot_monthly_rollup WHERE month = ANY(${monthList}::date[])`.execute(db);
  await sql`
    INSERT INTO order_hotspot_monthly_rollup (month, ${HOTSPOT_KEYS}, received, open)
    SELECT m.month, ${HOTSPOT_KEYS}, sum(received), sum(open)
    FROM unnest(${monthList}::date[]) AS m(month)
    JOIN order_hotspot_daily_rollup d ON d.day >= m.month AND d.day < (m.month + interval '1 month')::date
    GROUP BY 1, 2, 3, 4, 5, 6`.execute(db);
}

/** The whole months inside [from, to] (ISO dates) as [first day, first day after], or null when there are none. */
export function wholeMonths(from: string, to: string): { start: string; end: string } | null {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  const first = (y: number, m: number) => new Date(Date.UTC(y, m - 1, 1)).toISOString().slice(0, 10);
  const start = fd === 1 ? first(fy, fm) : first(fy, fm + 1);
  const lastOfToMonth = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  const end = td === lastOfToMonth ? first(ty, tm + 1) : first(ty, tm);
  return start < end ? { start, end } : null;
}

/**
 * The roll-up rows of the period [from, to] as a table with a `day` column: whole months from the monthly
 * roll-up (`day` = the month's first day), the days at either end from the daily one. With `byDay`, daily rows
 * only (a trend per day). Each end is a range of its own, so the daily table's primary key (day first) reads only
 * those days: one range over the period with the whole months filtered out afterwards read every daily row of a
 * two-year period to keep none of them.
 */
function rollupRows(from: string, to: string, byDay = false) {
  const daily = (first: string, last: string) => sql`SELECT day, ${ROLLUP_KEYS}, ${ROLLUP_COUNTS}
    FROM order_daily_rollup WHERE day >= ${first}::date AND day <= ${last}::date`;
  const months = byDay ? null : wholeMonths(from, to);
  if (!months) return sql`(${daily(from, to)})`;
  const parts = [
    sql`SELECT month AS day, ${ROLLUP_KEYS}, ${ROLLUP_COUNTS} FROM order_monthly_rollup
      WHERE month >= ${months.start}::date AND month < ${months.end}::date`,
  ];
  if (from < months.start) parts.unshift(daily(from, dayBefore(months.start)));
  if (months.end <= to) parts.push(daily(months.end, to));
  return sql`(${sql.join(parts, sql` UNION ALL `)})`;
}

/** The ISO date before an ISO date. */
function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** The ISO date after an ISO date. */
function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * How long a write may run between stamping `updated_at` (its transaction's start) and committing. An order
 * committed after a refresh read the table, but stamped before that refresh's end, would otherwise fall between
 * two refreshes; each refresh therefore reads this far back before its `since` (rebuilding a day is idempotent).
 */
export const LATE_COMMIT_MARGIN_MS = 15 * 60_000;

/** Rebuilds the days of orders changed after `since` (less the late-commit margin); returns the new mark. */
export async function refreshRollup(db: Db, since: Date): Promise<{ days: number; until: Date }> {
  // The database's clock stamps updated_at, so the window ends on that clock, not on this process's.
  const clock = await sql<{ now: Date | string }>`SELECT clock_timestamp() AS now`.execute(db);
  const until = new Date(clock.rows[0]!.now);
  const from = since.getTime() <= 0 ? since : new Date(since.getTime() - LATE_COMMIT_MARGIN_MS);
  const rows = await sql<{ day: string }>`
    SELECT DISTINCT ${chinaDay('received_at')}::text AS day FROM work_order
    WHERE updated_at > ${from} AND updated_at <= ${until}`.execute(db);
  const days = rows.rows.map((r) => String(r.day).slice(0, 10));
  await rebuildRollup(db, days);
  await setRollupMark(db, until, since);
  return { days: days.length, until };
}

/** Which roll-up rows a viewer may count: their street, community, grid, or the units they belong to. */
export interface RollupScope {
  streetCode?: string;
  communityCode?: string;
  gridIds?: number[];
  unitCodes?: string[];
}

export interface EvaluationQuery {
  dimension: Dimension;
  from: string;
  to: string;
  categoryCode?: string | undefined;
  weights: { response: number; resolution: number; satisfaction: number };
}

export interface RateRow {
  key: string;
  received: number;
  dispatched: number;
  respondedOnTime: number;
  resolved: number;
  resolvedOnTime: number;
  visited: number;
  solved: number;
  satisfied: number;
  responseRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  score: number | null;
  rank: number;
}

function scoped(scope: RollupScope) {
  const parts = [sql`true`];
  if (scope.streetCode) parts.push(sql`street_code = ${scope.streetCode}`);
  if (scope.communityCode) parts.push(sql`community_code = ${scope.communityCode}`);
  if (scope.gridIds) parts.push(sql`grid_id = ANY(${sql.val(scope.gridIds)}::int[])`);
  if (scope.unitCodes) parts.push(sql`unit_code = ANY(${sql.val(scope.unitCodes)}::text[])`);
  return sql.join(parts, sql` AND `);
}

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

export function withRates(
  r: Omit<RateRow, 'responseRate' | 'resolutionRate' | 'satisfactionRate' | 'score' | 'rank'>,
  w: EvaluationQuery['weights'],
): RateRow {
  const responseRate = ratio(r.respondedOnTime, r.dispatched);
  const resolutionRate = ratio(r.solved, r.visited);
  const satisfactionRate = ratio(r.satisfied, r.visited);
  const parts: Array<[number | null, number]> = [
    [responseRate, w.response],
    [resolutionRate, w.resolution],
    [satisfactionRate, w.satisfaction],
  ];
  const known = parts.filter(([rate]) => rate !== null) as Array<[number, number]>;
  const weight = known.reduce((s, [, wt]) => s + wt, 0);
  // A unit without return visits is scored on what it has, re-weighted, rather than counted as zero.
  const score = weight > 0 ? (100 * known.reduce((s, [rate, wt]) => s + rate * wt, 0)) / weight : null;
  return { ...r, responseRate, resolutionRate, satisfactionRate, score, rank: 0 };
}

export async function ratesBy(db: Db, scope: RollupScope, q: EvaluationQuery): Promise<RateRow[]> {
  const column = sql.raw(DIMENSION_COLUMN[q.dimension]);
  const category = q.categoryCode ? sql`AND category_code = ${q.categoryCode}` : sql``;
  const r = await sql<Record<string, unknown>>`
    SELECT ${column}::text AS key, ${ROLLUP_SUMS}
    FROM ${rollupRows(q.from, q.to)} AS r
    WHERE ${scoped(scope)} ${category}
    GROUP BY 1`.execute(db);
  const rows = r.rows
    .map((x) => withRates(countsOf(x), q.weights))
    .sort(
      (a, b) => (b.score ?? -1) - (a.score ?? -1) || b.received - a.received || a.key.localeCompare(b.key),
    );
  rows.forEach((row, i) => {
    row.rank = i + 1;
  });
  return rows;
}

/** The three rates per month (or day) over the period, for a trend line. */
export async function rateTrend(
  db: Db,
  scope: RollupScope,
  q: Omit<EvaluationQuery, 'dimension'> & {
    interval: 'day' | 'month';
    key?: { dimension: Dimension; value: string };
  },
): Promise<RateRow[]> {
  const bucket = q.interval === 'month' ? sql`to_char(day, 'YYYY-MM')` : sql`to_char(day, 'YYYY-MM-DD')`;
  const keyFilter = q.key
    ? sql`AND ${sql.raw(DIMENSION_COLUMN[q.key.dimension])}::text = ${q.key.value}`
    : sql``;
  const category = q.categoryCode ? sql`AND category_code = ${q.categoryCode}` : sql``;
  const r = await sql<Record<string, unknown>>`
    SELECT ${bucket} AS key, ${ROLLUP_SUMS}
    FROM ${rollupRows(q.from, q.to, q.interval === 'day')} AS r
    WHERE ${scoped(scope)} ${keyFilter} ${category}
    GROUP BY 1 ORDER BY 1`.execute(db);
  return r.rows.map((x, i) => ({ ...withRates(countsOf(x), q.weights), rank: i + 1 }));
}

/** 每月一题 candidates: per month, the categories with most requests, with the community where they cluster. */
export async function topProblems(db: Db, scope: RollupScope, from: string, to: string, perMonth: number) {
  const r = await sql<{
    month: string;
    category_code: string;
    n: number;
    top_community: string;
    top_n: number;
  }>`
    WITH by_cat AS (
      SELECT to_char(day, 'YYYY-MM') AS month, category_code, community_code, sum(received) AS n
      FROM ${rollupRows(from, to)} AS r
      WHERE category_code <> '' AND ${scoped(scope)}
      GROUP BY 1, 2, 3
    ), totals AS (
      SELECT month, category_code, sum(n) AS n,
        (array_agg(community_code ORDER BY n DESC, community_code))[1] AS top_community,
        max(n) AS top_n,
        row_number() OVER (PARTITION BY month ORDER BY sum(n) DESC, category_code) AS rk
      FROM by_cat GROUP BY 1, 2
    )
    SELECT month, category_code, n, top_community, top_n FROM totals WHERE rk <= ${perMonth}
    ORDER BY month, n DESC, category_code`.execute(db);
  return r.rows.map((x) => ({
    month: x.month,
    categoryCode: x.category_code,
    count: Number(x.n),
    topCommunityCode: x.top_community,
    topCommunityCount: Number(x.top_n),
  }));
}

/**
 * Hot spots: orders in cells of about 200 m over the period, as GeoJSON points with counts. Read from the hot-spot
 * roll-ups (whole months from the monthly one, other days from the daily one), except the days with orders
 * updated since the roll-ups were last rebuilt (order_rollup_mark), which are counted from the orders: the
 * answer is the one the orders give now, not the one of the last rebuild.
 */
export async function hotspots(
  db: Db,
  scopeLike: string | null,
  units: string[] | null,
  from: string,
  to: string,
  minCount: number,
) {
  const stale = await staleDays(db, from, to);
  const staleMonths = new Set(stale.map((d) => `${d.slice(0, 7)}-01`));
  const rollupFilter = sql.join(
    [
      ...(scopeLike ? [sql`scope_path LIKE ${scopeLike}`] : []),
      ...(units ? [sql`unit_code = ANY(${sql.val(units)}::text[])`] : []),
      sql`true`,
    ],
    sql` AND `,
  );
  const notStale = stale.length > 0 ? sql`AND day <> ALL(${sql.val(stale)}::date[])` : sql``;
  const daily = (first: string, last: string) => sql`
    SELECT cx, cy, category_code, received AS n, open AS open_n FROM order_hotspot_daily_rollup
    WHERE day >= ${first}::date AND day <= ${last}::date ${notStale} AND ${rollupFilter}`;
  // Whole months without a stale day from the monthly roll-up; the days of the others and those at either end
  // of the period from the daily one, each a range of its own so that its primary key (day first) finds them.
  const parts = [];
  const months = wholeMonths(from, to);
  if (!months) parts.push(daily(from, to));
  else {
    const fresh: string[] = [];
    for (let m = months.start; m < months.end; m = nextMonth(m)) {
      if (staleMonths.has(m)) parts.push(daily(m, dayBefore(nextMonth(m))));
      else fresh.push(m);
    }
    if (fresh.length > 0) {
      parts.push(sql`
        SELECT cx, cy, category_code, received AS n, open AS open_n FROM order_hotspot_monthly_rollup
        WHERE month = ANY(${sql.val(fresh)}::date[]) AND ${rollupFilter}`);
    }
    if (from < months.start) parts.push(daily(from, dayBefore(months.start)));
    if (months.end <= to) parts.push(daily(months.end, to));
  }
  if (stale.length > 0) {
    const scopeFilter = scopeLike ? sql`AND scope_path LIKE ${scopeLike}` : sql``;
    const unitFilter = units ? sql`AND lead_unit_code = ANY(${sql.val(units)}::text[])` : sql``;
    parts.push(sql`
      SELECT round(lng * 500) / 500, round(lat * 500) / 500, coalesce(category_code, ''), 1,
        CASE WHEN ${OPEN_ORDER} THEN 1 ELSE 0 END
      FROM work_order
      WHERE lng IS NOT NULL AND received_at >= ${chinaStart(from)} AND received_at < ${chinaStart(dayAfter(to))}
        AND ${chinaDay('received_at')} = ANY(${sql.val(stale)}::date[])
        AND status <> 'merged' ${scopeFilter} ${unitFilter}`);
  }
  // Counted per cell and category first, then the cells from those counts: mode() over the orders themselves
  // sorted every order of the period by category, seconds over a million. '' is an order without a category.
  const r = await sql<{ cx: number; cy: number; n: number; top_category: string | null; open_n: number }>`
    WITH per_category AS (
      SELECT cx, cy, category_code, sum(n) AS n, sum(open_n) AS open_n
      FROM (${sql.join(parts, sql` UNION ALL `)}) AS r(cx, cy, category_code, n, open_n)
      GROUP BY 1, 2, 3
    )
    SELECT cx, cy, sum(n) AS n,
      (array_agg(category_code ORDER BY n DESC, category_code) FILTER (WHERE category_code <> ''))[1]
        AS top_category,
      sum(open_n) AS open_n
    FROM per_category
    GROUP BY 1, 2 HAVING sum(n) >= ${minCount}
    ORDER BY n DESC LIMIT 2000`.execute(db);
  return r.rows.map((x) => ({
    lng: Number(x.cx),
    lat: Number(x.cy),
    count: Number(x.n),
    open: Number(x.open_n),
    topCategory: x.top_category,
  }));
}

/** The first day of the month after the one of a month's first day (ISO). */
function nextMonth(first: string): string {
  const [y, m] = first.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

export type Weights = EvaluationQuery['weights'];

/** The weights a district scores with when it has set none: the commonly quoted 10/45/45. */
export const DEFAULT_WEIGHTS: Weights = { response: 10, resolution: 45, satisfaction: 45 };

export interface DistrictWeights extends Weights {
  districtCode: string;
  /** True when the district has set no weights and the default applies. */
  isDefault: boolean;
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** The composite-score weights of a district (the default when it has stored none). */
export async function districtWeights(db: Db, districtCode: string): Promise<DistrictWeights> {
  const row = await db
    .selectFrom('evaluation_weight as w')
    .leftJoin('account as a', 'a.id', 'w.updated_by')
    .where('w.district_code', '=', districtCode)
    .select(['w.w_response', 'w.w_resolution', 'w.w_satisfaction', 'w.updated_at', 'a.display_name'])
    .executeTakeFirst();
  if (!row) return { districtCode, ...DEFAULT_WEIGHTS, isDefault: true, updatedAt: null, updatedBy: null };
  return {
    districtCode,
    response: Number(row.w_response),
    resolution: Number(row.w_resolution),
    satisfaction: Number(row.w_satisfaction),
    isDefault: false,
    updatedAt: row.updated_at,
    updatedBy: row.display_name,
  };
}

/** Stores a district's weights (whole percentages adding up to 100: the caller and the table check it). */
export async function saveDistrictWeights(
  db: Db,
  districtCode: string,
  w: Weights,
  accountId: number | null,
) {
  await db
    .insertInto('evaluation_weight')
    .values({
      district_code: districtCode,
      w_response: w.response,
      w_resolution: w.resolution,
      w_satisfaction: w.satisfaction,
      updated_by: accountId,
    })
    .onConflict((oc) =>
      oc.column('district_code').doUpdateSet({
        w_response: w.response,
        w_resolution: w.resolution,
        w_satisfaction: w.satisfaction,
        updated_by: accountId,
        updated_at: new Date(),
      }),
    )
    .execute();
}
