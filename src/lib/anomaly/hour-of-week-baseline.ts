// A per-device usage baseline with daily and weekly seasonality: one robust centre (median) and spread (MAD) per
// hour of the week (168 slots, China Standard Time), seeded from history and then updated by an EWMA of clipped
// values, so one burst (a party, a burst pipe) moves the baseline only a little. Pure data in typed arrays.

export const SLOTS = 168;
/** MAD × 1.4826 estimates the standard deviation of normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;
const CST_OFFSET_MS = 8 * 3600_000;

export interface HourOfWeekBaseline {
  median: Float64Array;
  mad: Float64Array;
  /** Observations seen per slot (seed plus updates). */
  count: Uint32Array;
}

/** Hour-of-week slot (0 = Monday 00:00–01:00 China time) of an instant. */
export function hourOfWeek(tsMs: number): number {
  const local = new Date(tsMs + CST_OFFSET_MS);
  const dayMondayFirst = (local.getUTCDay() + 6) % 7;
  return dayMondayFirst * 24 + local.getUTCHours();
}

export function emptyBaseline(): HourOfWeekBaseline {
  return { median: new Float64Array(SLOTS), mad: new Float64Array(SLOTS), count: new Uint32Array(SLOTS) };
}

function medianOf(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Seeds a baseline from hourly usage history: median and MAD of the values seen in each slot. */
export function seedBaseline(slots: ArrayLike<number>, values: ArrayLike<number>): HourOfWeekBaseline {
  const bySlot: number[][] = Array.from({ length: SLOTS }, () => []);
  for (let i = 0; i < values.length; i++) bySlot[slots[i]!]!.push(values[i]!);
  const b = emptyBaseline();
  for (let s = 0; s < SLOTS; s++) {
    const xs = bySlot[s]!;
    const m = medianOf(xs);
    b.median[s] = m;
    b.mad[s] = medianOf(xs.map((x) => Math.abs(x - m)));
    b.count[s] = xs.length;
  }
  return b;
}

/**
 * EWMA update of one slot. The value is clipped to ±3 robust sigmas first, so that a single outlier cannot drag
 * the centre; the spread follows the absolute deviation. `alpha` near 0.1 forgets a habit in about ten weeks.
 */
export function updateBaseline(b: HourOfWeekBaseline, slot: number, value: number, alpha = 0.1): void {
  if (b.count[slot] === 0) {
    b.median[slot] = value;
    b.mad[slot] = 0;
    b.count[slot] = 1;
    return;
  }
  const m = b.median[slot]!;
  const sigma = Math.max(b.mad[slot]! * MAD_TO_SIGMA, Math.abs(m) * 0.1, 1e-6);
  const clipped = Math.min(m + 3 * sigma, Math.max(m - 3 * sigma, value));
  b.median[slot] = m + alpha * (clipped - m);
  b.mad[slot] = b.mad[slot]! + alpha * (Math.abs(clipped - m) - b.mad[slot]!);
  b.count[slot] = b.count[slot]! + 1;
}

/** Robust z-score of a value against its slot; 0 when the slot has no spread yet. */
export function robustZ(b: HourOfWeekBaseline, slot: number, value: number): number {
  const sigma = b.mad[slot]! * MAD_TO_SIGMA;
  return sigma > 0 ? (value - b.median[slot]!) / sigma : 0;
}

/** Expected usage of a whole day (0 = Monday) from the baseline, and whether every slot of it has `minCount` data. */
export function expectedDay(
  b: HourOfWeekBaseline,
  day: number,
  minCount = 3,
): { total: number; warm: boolean } {
  let total = 0;
  let warm = true;
  for (let h = 0; h < 24; h++) {
    total += b.median[day * 24 + h]!;
    if (b.count[day * 24 + h]! < minCount) warm = false;
  }
  return { total, warm };
}

export function baselineToJson(b: HourOfWeekBaseline) {
  return { median: Array.from(b.median), mad: Array.from(b.mad), count: Array.from(b.count) };
}

export function baselineFromJson(j: {
  median: number[];
  mad: number[];
  count: number[];
}): HourOfWeekBaseline {
  return {
    median: Float64Array.from(j.median),
    mad: Float64Array.from(j.mad),
    count: Uint32Array.from(j.count),
  };
}
