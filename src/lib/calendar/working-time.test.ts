// Deadlines on the real 2025/2026 holiday boundaries: National Day 2025 (Oct 1–8, with the make-up Saturdays
// Sep 28 and Oct 11), Spring Festival 2026 (Feb 15–23, make-up Sat Feb 14 and Sat Feb 28), New Year 2026.
import { describe, expect, it } from 'vitest';
import {
  CalendarCoverageError,
  chinaDate,
  chinaInstant,
  createWorkCalendar,
  describeDeadline,
  specialDayName,
} from './working-time.ts';

const cal = createWorkCalendar();
const at = (date: string, hh: number, mm = 0) => chinaInstant(date, hh * 60 + mm);

describe('working days', () => {
  it('knows National Day 2025 and its 调休 Saturdays', () => {
    expect(cal.isWorkday('2025-09-28')).toBe(true); // Sunday, make-up workday
    expect(cal.isWorkday('2025-09-30')).toBe(true);
    for (let d = 1; d <= 8; d++) expect(cal.isWorkday(`2025-10-0${d}`)).toBe(false);
    expect(cal.isWorkday('2025-10-09')).toBe(true);
    expect(cal.isWorkday('2025-10-11')).toBe(true); // Saturday, make-up workday
    expect(cal.isWorkday('2025-10-12')).toBe(false); // ordinary Sunday
    expect(specialDayName('2025-10-11')).toBe('国庆节');
  });

  it('one working day after Sep 30 2025 ends at close of business on Oct 9', () => {
    expect(cal.addWorkDays(at('2025-09-30', 10), 1)).toEqual(at('2025-10-09', 18));
  });

  it('3 working days from Friday Sep 26 2025 count the make-up Sunday Sep 28', () => {
    // Sep 28 (Sun, 调休), Sep 29 (Mon), Sep 30 (Tue)
    expect(cal.addWorkDays(at('2025-09-26', 15), 3)).toEqual(at('2025-09-30', 18));
  });

  it('a request received during the holiday counts from the first workday after it', () => {
    // Oct 9 (Thu), Oct 10 (Fri), Oct 11 (Sat, 调休)
    expect(cal.addWorkDays(at('2025-10-03', 11), 3)).toEqual(at('2025-10-11', 18));
  });

  it('7 working days across Spring Festival 2026 skip Feb 15–23 and use Saturday Feb 14', () => {
    // From Thu Feb 12: Feb 13 (Fri), Feb 14 (Sat, 调休), Feb 24, 25, 26, 27, Feb 28 (Sat, 调休)
    expect(cal.addWorkDays(at('2026-02-12', 9), 7)).toEqual(at('2026-02-28', 18));
  });

  it('New Year 2026: Jan 1–3 off, Sunday Jan 4 is a workday', () => {
    expect(cal.addWorkDays(at('2025-12-31', 16), 1)).toEqual(at('2026-01-04', 18));
  });

  it('a deadline of 0 working days is the close of the same day', () => {
    expect(cal.addWorkDays(at('2025-10-09', 10), 0)).toEqual(at('2025-10-09', 18));
  });

  it('counts in China time whatever the instant looks like in UTC', () => {
    // 2025-09-30 23:30 China = 15:30 UTC the same date; 2025-10-09 00:30 China = Oct 8 16:30 UTC.
    expect(chinaDate(new Date('2025-10-08T16:30:00Z'))).toBe('2025-10-09');
    expect(cal.addWorkDays(new Date('2025-10-08T16:30:00Z'), 1)).toEqual(at('2025-10-10', 18));
  });
});

describe('working hours', () => {
  it('2 working hours from 17:00 on Sep 30 2025 end at 10:00 on Oct 9', () => {
    expect(cal.addWorkHours(at('2025-09-30', 17), 2)).toEqual(at('2025-10-09', 10));
  });

  it('skip the lunch break', () => {
    expect(cal.addWorkHours(at('2025-10-09', 11), 2)).toEqual(at('2025-10-09', 14));
  });

  it('a request arriving at night starts at 9:00 the next workday', () => {
    expect(cal.addWorkHours(at('2025-10-10', 22), 1)).toEqual(at('2025-10-11', 10)); // Sat 调休
  });

  it('24 working hours are three office days', () => {
    expect(cal.addWorkHours(at('2026-02-13', 9), 24)).toEqual(at('2026-02-24', 18));
  });

  it('office minutes between two instants leave out holidays and nights', () => {
    expect(cal.workMinutesBetween(at('2025-09-30', 17), at('2025-10-09', 10))).toBe(120);
    expect(cal.workMinutesBetween(at('2025-10-09', 10), at('2025-09-30', 17))).toBe(0);
  });
});

describe('rules and coverage', () => {
  it('wall-clock rules ignore the calendar', () => {
    expect(cal.deadline(at('2025-10-01', 10), { unit: 'hours', amount: 2 })).toEqual(at('2025-10-01', 12));
    expect(cal.deadline(at('2025-10-01', 10), { unit: 'days', amount: 7 })).toEqual(at('2025-10-08', 10));
    expect(cal.deadline(at('2025-10-01', 10), { unit: 'work_days', amount: 1 })).toEqual(
      at('2025-10-09', 18),
    );
  });

  it('a local notice can add a day off or a make-up day', () => {
    const local = createWorkCalendar({ extraHolidays: ['2025-10-09'], extraWorkdays: ['2025-10-08'] });
    expect(local.addWorkDays(at('2025-09-30', 10), 2)).toEqual(at('2025-10-10', 18));
  });

  it('years without a published notice count Monday–Friday, or refuse in strict mode', () => {
    expect(cal.covers(2026)).toBe(true);
    expect(cal.covers(2031)).toBe(false);
    expect(cal.isWorkday('2031-01-06')).toBe(true); // Monday
    const strict = createWorkCalendar({ uncoveredYears: 'throw' });
    expect(() => strict.isWorkday('2031-01-06')).toThrow(CalendarCoverageError);
  });

  it('rejects negative amounts and empty office hours', () => {
    expect(() => cal.addWorkDays(at('2025-10-09', 10), -1)).toThrow(RangeError);
    expect(() => cal.addWorkHours(at('2025-10-09', 10), Number.NaN)).toThrow(RangeError);
    expect(() => createWorkCalendar({ periods: [] })).toThrow();
  });

  it('describes a rule in both languages', () => {
    expect(describeDeadline({ unit: 'work_days', amount: 7 })).toEqual({
      zh: '7 个工作日',
      en: '7 working days',
    });
  });
});
