// Turns a stream of interval usage (litres since the previous message) into closed days with an hourly profile,
// in China Standard Time. A day closes when the first reading of a later day arrives; readings for days already
// closed are late and only counted, since a daily rule has already judged that day.
const CST_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

export interface DaySummary {
  /** Days since 1970-01-01 in China time. */
  day: number;
  /** 0 = Monday. */
  weekday: number;
  total: number;
  hourly: Float64Array;
  readings: number;
}

export interface UsageDays {
  current: DaySummary | null;
  /** Closed days, oldest first, at most `keep`. */
  closed: DaySummary[];
  keep: number;
  late: number;
}

export function newUsageDays(keep = 14): UsageDays {
  return { current: null, closed: [], keep, late: 0 };
}

export function cstDay(tsMs: number): number {
  return Math.floor((tsMs + CST_OFFSET_MS) / DAY_MS);
}

function startDay(day: number): DaySummary {
  // 1970-01-01 was a Thursday (weekday 3 when Monday is 0).
  return { day, weekday: (day + 3) % 7, total: 0, hourly: new Float64Array(24), readings: 0 };
}

/** Adds usage; returns the day that this reading closed, if any. */
export function addUsage(u: UsageDays, tsMs: number, litres: number): DaySummary | null {
  const day = cstDay(tsMs);
  let closedDay: DaySummary | null = null;
  if (!u.current) u.current = startDay(day);
  else if (day > u.current.day) {
    closedDay = u.current;
    u.closed.push(closedDay);
    if (u.closed.length > u.keep) u.closed.shift();
    u.current = startDay(day);
  } else if (day < u.current.day) {
    u.late++;
    return null;
  }
  const hour = Math.floor(((tsMs + CST_OFFSET_MS) % DAY_MS) / 3600_000);
  u.current.hourly[hour] = u.current.hourly[hour]! + litres;
  u.current.total += litres;
  u.current.readings++;
  return closedDay;
}

/** Coefficient of variation of a day's hourly usage; Infinity for a day without usage (it is low, not flat). */
export function hourlyCv(d: DaySummary): number {
  const mean = d.total / 24;
  if (mean <= 0) return Number.POSITIVE_INFINITY;
  let ss = 0;
  for (let h = 0; h < 24; h++) ss += (d.hourly[h]! - mean) ** 2;
  return Math.sqrt(ss / 24) / mean;
}
