// Turns a stream of interval usage (litres since the previous message) into closed days with an hourly profile,
// in China Standard Time. A day closes when the first reading of a later day arrives, or when the clock says it is
// over (closeFinishedDay: a meter that went quiet sends no later reading); readings for days already closed are
// late and only counted, since a daily rule has already judged that day.
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

/** The instant a China-time day ends (midnight UTC+8 of the next day), in ms since the epoch. */
export function cstDayEndMs(day: number): number {
  return (day + 1) * DAY_MS - CST_OFFSET_MS;
}

/** The last day closed, or null. */
function lastClosedDay(u: UsageDays): number | null {
  return u.closed.at(-1)?.day ?? null;
}

function close(u: UsageDays, day: DaySummary) {
  u.closed.push(day);
  if (u.closed.length > u.keep) u.closed.shift();
}

function startDay(day: number): DaySummary {
  // 1970-01-01 was a Thursday (weekday 3 when Monday is 0).
  return { day, weekday: (day + 3) % 7, total: 0, hourly: new Float64Array(24), readings: 0 };
}

/** Adds usage; returns the day that this reading closed, if any. */
export function addUsage(u: UsageDays, tsMs: number, litres: number): DaySummary | null {
  const day = cstDay(tsMs);
  let closedDay: DaySummary | null = null;
  if (!u.current) {
    // The open day was closed by the clock: a reading of it (or of an earlier day) arrives too late to count.
    const last = lastClosedDay(u);
    if (last !== null && day <= last) {
      u.late++;
      return null;
    }
    u.current = startDay(day);
  } else if (day > u.current.day) {
    closedDay = u.current;
    close(u, closedDay);
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

/**
 * Closes the open day once `nowMs` is `graceMs` past its end (a reading sent just before midnight may still be on
 * its way); returns the day closed, if any. Days without any reading are not made up: usage is counted since the
 * previous message, so a meter that comes back reports them in its next reading, and a silent meter is the
 * silent-device rule's to report.
 */
export function closeFinishedDay(u: UsageDays, nowMs: number, graceMs: number): DaySummary | null {
  if (!u.current || nowMs < cstDayEndMs(u.current.day) + graceMs) return null;
  const day = u.current;
  close(u, day);
  u.current = null;
  return day;
}

/** Puts back a day judged before (restored from storage), keeping the closed days in order. */
export function restoreClosedDay(u: UsageDays, day: DaySummary): void {
  const last = lastClosedDay(u);
  if (last !== null && day.day <= last) return;
  close(u, day);
}

/** A day summary with the given hourly litres (for days restored from storage). */
export function daySummary(day: number, hourly: readonly number[], readings: number): DaySummary {
  const d = startDay(day);
  for (let h = 0; h < 24; h++) d.hourly[h] = hourly[h] ?? 0;
  d.total = d.hourly.reduce((a, b) => a + b, 0);
  d.readings = readings;
  return d;
}

/** Coefficient of variation of a day's hourly usage; Infinity for a day without usage (it is low, not flat). */
export function hourlyCv(d: DaySummary): number {
  const mean = d.total / 24;
  if (mean <= 0) return Number.POSITIVE_INFINITY;
  let ss = 0;
  for (let h = 0; h < 24; h++) ss += (d.hourly[h]! - mean) ** 2;
  return Math.sqrt(ss / 24) / mean;
}
