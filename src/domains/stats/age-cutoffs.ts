// Ages as birth-date bounds, so that age filters and counts use the birth_date index instead of computing an
// age per row. Dates are the calendar day in China (UTC+8), where the platform's residents live.

/** Today's date in China as yyyy-mm-dd. */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The latest birth date of someone who is at least `years` old on `today` (yyyy-mm-dd). A 29 February that does
 * not exist in the target year becomes 28 February, matching ageOn(): a leap-day baby turns a year older on 1 March.
 */
export function bornOnOrBeforeForAge(today: string, years: number): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const year = y - years;
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Birth-date bounds of the ages min..max inclusive (either end open). */
export function birthDateRange(
  today: string,
  ageMin?: number,
  ageMax?: number,
): { bornOnOrBefore?: string; bornAfter?: string } {
  return {
    ...(ageMin !== undefined ? { bornOnOrBefore: bornOnOrBeforeForAge(today, ageMin) } : {}),
    ...(ageMax !== undefined ? { bornAfter: bornOnOrBeforeForAge(today, ageMax + 1) } : {}),
  };
}
