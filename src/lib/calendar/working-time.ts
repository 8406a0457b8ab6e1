// Working-time arithmetic for work-order deadlines (处置时限) in China: statutory holidays and 调休 make-up
// workdays come from the State Council notices as packaged by `chinese-days` (2004–2026 at the time of writing);
// local notices can be added as overrides. Everything is computed in China Standard Time (UTC+8, no DST), so the
// answer does not depend on the server's time zone. Pure: no I/O, no clock; callers pass the instant.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
  inLieuDays: Record<string, string>;
}

// The package's JSON, not its functions: those parse dates in the process's local time zone.
const DATA = require('chinese-days/dist/chinese-days.json') as ChineseDaysData;

const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** A deadline rule: wall-clock hours or calendar days, or working hours or working days. */
export interface DeadlineRule {
  unit: 'hours' | 'days' | 'work_hours' | 'work_days';
  amount: number;
}

export interface WorkCalendarOptions {
  /** Office hours of a workday as [start, end) minutes after midnight, China time. Default 9:00–12:00, 13:00–18:00. */
  periods?: ReadonlyArray<readonly [number, number]>;
  /** Extra days off from a local notice (YYYY-MM-DD). */
  extraHolidays?: readonly string[];
  /** Extra make-up workdays from a local notice (YYYY-MM-DD). */
  extraWorkdays?: readonly string[];
  /**
   * Years after the packaged data: 'weekdays' counts Monday–Friday (the next year's notice usually appears in
   * November, so a deadline late in December may cross into an unpublished year); 'throw' refuses.
   */
  uncoveredYears?: 'weekdays' | 'throw';
}

export class CalendarCoverageError extends Error {
  constructor(readonly year: number) {
    super(`no holiday calendar for ${year}`);
  }
}

export const DEFAULT_PERIODS: ReadonlyArray<readonly [number, number]> = [
  [9 * 60, 12 * 60],
  [13 * 60, 18 * 60],
];

function coveredYears(): { first: number; last: number } {
  const years = Object.keys(DATA.holidays).map((d) => Number(d.slice(0, 4)));
  return { first: Math.min(...years), last: Math.max(...years) };
}

const COVERAGE = coveredYears();

/** 'YYYY-MM-DD' of an instant in China time. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of a China-time wall clock: a date plus minutes after midnight. */
export function chinaInstant(date: string, minutes = 0): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - CHINA_OFFSET_MS + minutes * MINUTE_MS);
}

function minutesOfDay(at: Date): number {
  const shifted = at.getTime() + CHINA_OFFSET_MS;
  return Math.floor((((shifted % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

function nextDate(date: string, delta = 1): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + delta * DAY_MS).toISOString().slice(0, 10);
}

export interface WorkCalendar {
  isWorkday(date: string): boolean;
  /** True when the packaged data (or an override) describes the year. */
  covers(year: number): boolean;
  /** The deadline `rule` after `start`. */
  deadline(start: Date, rule: DeadlineRule): Date;
  /** End of office hours on the `days`-th workday after the day of `start` (the day itself does not count). */
  addWorkDays(start: Date, days: number): Date;
  /** `hours` of office time after `start`, skipping nights, weekends and holidays. */
  addWorkHours(start: Date, hours: number): Date;
  /** Office minutes between two instants (0 when `to` is not after `from`). */
  workMinutesBetween(from: Date, to: Date): number;
}

export function createWorkCalendar(options: WorkCalendarOptions = {}): WorkCalendar {
  const periods = [...(options.periods ?? DEFAULT_PERIODS)].sort((a, b) => a[0] - b[0]);
  if (periods.length === 0 || periods.some(([s, e]) => !(s >= 0 && e <= 1440 && s < e))) {
    throw new Error('office periods must be non-empty [start, end) minute ranges within a day');
  }
  const dayEnd = periods[periods.length - 1]![1];
  const extraHolidays = new Set(options.extraHolidays ?? []);
  const extraWorkdays = new Set(options.extraWorkdays ?? []);
  const strict = options.uncoveredYears === 'throw';

  function covers(year: number): boolean {
    return year >= COVERAGE.first && year <= COVERAGE.last;
  }

  function isWorkday(date: string): boolean {
    if (extraWorkdays.has(date)) return true;
    if (extraHolidays.has(date)) return false;
    const year = Number(date.slice(0, 4));
    if (!covers(year) && strict) throw new CalendarCoverageError(year);
    if (date in DATA.workdays) return true;
    if (date in DATA.holidays) return false;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  function addWorkDays(start: Date, days: number): Date {
    if (!Number.isFinite(days) || days < 0) throw new RangeError('days must be a non-negative number');
    let date = chinaDate(start);
    let left = Math.ceil(days);
    if (left === 0) return chinaInstant(date, Math.max(dayEnd, minutesOfDay(start)));
    while (left > 0) {
      date = nextDate(date);
      if (isWorkday(date)) left--;
    }
    return chinaInstant(date, dayEnd);
  }

  function addWorkHours(start: Date, hours: number): Date {
    if (!Number.isFinite(hours) || hours < 0) throw new RangeError('hours must be a non-negative number');
    let left = Math.round(hours * 60);
    let date = chinaDate(start);
    let minute = minutesOfDay(start);
    // A year has ~250 workdays; 3,000 iterations bound any realistic rule and stop a runaway loop.
    for (let guard = 0; guard < 3000; guard++) {
      if (isWorkday(date)) {
        for (const [s, e] of periods) {
          if (minute >= e) continue;
          const from = Math.max(minute, s);
          const available = e - from;
          if (left <= available) return chinaInstant(date, from + left);
          left -= available;
          minute = e;
        }
      }
      date = nextDate(date);
      minute = 0;
    }
    throw new RangeError('working-hour deadline too far in the future');
  }

  function workMinutesBetween(from: Date, to: Date): number {
    if (to.getTime() <= from.getTime()) return 0;
    let total = 0;
    let date = chinaDate(from);
    const lastDate = chinaDate(to);
    for (;;) {
      if (isWorkday(date)) {
        const lo = date === chinaDate(from) ? minutesOfDay(from) : 0;
        const hi = date === lastDate ? minutesOfDay(to) : 1440;
        for (const [s, e] of periods) total += Math.max(0, Math.min(e, hi) - Math.max(s, lo));
      }
      if (date === lastDate) return total;
      date = nextDate(date);
    }
  }

  function deadline(start: Date, rule: DeadlineRule): Date {
    switch (rule.unit) {
      case 'hours':
        return new Date(start.getTime() + rule.amount * 3600_000);
      case 'days':
        return new Date(start.getTime() + rule.amount * DAY_MS);
      case 'work_hours':
        return addWorkHours(start, rule.amount);
      case 'work_days':
        return addWorkDays(start, rule.amount);
    }
  }

  return { isWorkday, covers, deadline, addWorkDays, addWorkHours, workMinutesBetween };
}

/** The name of the holiday or make-up workday on a date ('国庆节'), or null for an ordinary day. */
export function specialDayName(date: string): string | null {
  const entry = DATA.holidays[date] ?? DATA.workdays[date];
  return entry ? (entry.split(',')[1] ?? null) : null;
}

/** Human text of a rule, e.g. '7 个工作日' / '7 working days'. */
export function describeDeadline(rule: DeadlineRule): { zh: string; en: string } {
  const units = {
    hours: ['小时', 'hours'],
    days: ['天', 'days'],
    work_hours: ['个工作小时', 'working hours'],
    work_days: ['个工作日', 'working days'],
  } as const;
  const [zh, en] = units[rule.unit];
  return { zh: `${rule.amount} ${zh}`, en: `${rule.amount} ${en}` };
}
