// The clocks of a dispatched order: by when the unit must respond (accept and contact the requester), by when it
// must resolve, and when to warn before that. Stored on the order, so that a restart loses no timer; the sweeper
// reads them back from the database.
import type { DeadlineRule, WorkCalendar } from '../../lib/calendar/working-time.ts';
import type { CategoryRule } from './category-catalog.ts';

/** Urgent orders must be answered within an hour of the clock; others within four office hours. */
export const URGENT_RESPONSE: DeadlineRule = { unit: 'hours', amount: 1 };
export const NORMAL_RESPONSE: DeadlineRule = { unit: 'work_hours', amount: 4 };
/** The warning fires when this share of the time to resolve is left. */
export const WARN_WHEN_LEFT = 0.2;

export interface OrderClocks {
  responseDue: Date;
  resolveDue: Date;
  warnAt: Date;
}

export function dispatchClocks(
  calendar: WorkCalendar,
  category: CategoryRule,
  dispatchedAt: Date,
): OrderClocks {
  const responseDue = calendar.deadline(dispatchedAt, category.urgent ? URGENT_RESPONSE : NORMAL_RESPONSE);
  const resolveDue = calendar.deadline(dispatchedAt, category.deadline);
  const span = resolveDue.getTime() - dispatchedAt.getTime();
  const warnAt = new Date(resolveDue.getTime() - Math.max(0, span * WARN_WHEN_LEFT));
  return { responseDue, resolveDue, warnAt };
}
