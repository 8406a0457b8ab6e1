// Turns dated observations into a regular daily or weekly count series: dates must be real, each period may occur
// once, and periods with no observation are zero (a day without requests is a day with none). Pure.

export type Frequency = 'day' | 'week';

export interface RegularSeries {
  frequency: Frequency;
  /** ISO date of each period (the Monday for weeks). */
  periods: string[];
  values: Float64Array;
  /** Periods added with 0 because the input had no row for them. */
  filled: number;
}

export class SeriesError extends Error {
  constructor(
    message: string,
    /** 0-based input row, when one row is at fault. */
    readonly row?: number,
  ) {
    super(message);
  }
}

const DAY = 86_400_000;

function parseDate(raw: string): number | null {
  const m = raw.trim().match(/^(\d{4})-?(\d{2})-?(\d{2})$/);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (
    d.getUTCFullYear() !== Number(m[1]) ||
    d.getUTCMonth() !== Number(m[2]) - 1 ||
    d.getUTCDate() !== Number(m[3])
  )
    return null;
  return t;
}

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Monday of the ISO week holding t. */
function weekStart(t: number): number {
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  return t - dow * DAY;
}

export function regularise(
  dates: readonly string[],
  values: ArrayLike<number>,
  frequency: Frequency,
): RegularSeries {
  if (dates.length === 0) throw new SeriesError('the series is empty');
  const step = frequency === 'day' ? DAY : 7 * DAY;
  const byPeriod = new Map<number, { value: number; row: number }>();
  for (let i = 0; i < dates.length; i++) {
    const t = parseDate(dates[i]!);
    if (t === null) throw new SeriesError(`"${dates[i]}" is not a real date (yyyy-mm-dd)`, i);
    const v = values[i]!;
    if (!Number.isFinite(v) || v < 0) throw new SeriesError(`${v} is not a non-negative count`, i);
    const key = frequency === 'day' ? t : weekStart(t);
    const seen = byPeriod.get(key);
    if (seen) throw new SeriesError(`period ${iso(key)} occurs twice (first on row ${seen.row + 2})`, i);
    byPeriod.set(key, { value: v, row: i });
  }
  const keys = [...byPeriod.keys()].sort((a, b) => a - b);
  const first = keys[0]!;
  const last = keys[keys.length - 1]!;
  const n = Math.round((last - first) / step) + 1;
  const periods: string[] = [];
  const out = new Float64Array(n);
  let filled = 0;
  for (let k = 0; k < n; k++) {
    const t = first + k * step;
    periods.push(iso(t));
    const hit = byPeriod.get(t);
    if (hit) out[k] = hit.value;
    else filled++;
  }
  return { frequency, periods, values: out, filled };
}

/** The ISO dates of the h periods after the last one. */
export function futurePeriods(last: string, frequency: Frequency, h: number): string[] {
  const t = parseDate(last)!;
  const step = frequency === 'day' ? DAY : 7 * DAY;
  return Array.from({ length: h }, (_, k) => iso(t + (k + 1) * step));
}
