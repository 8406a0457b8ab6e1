// How much time an order has left before its resolve deadline, as the list and the detail show it: a colour and
// words ("剩 3 天", "超期 5 小时"). Done orders say whether they were done in time.
import type { MessageKey } from '../../i18n/index.tsx';

export type DeadlineTone = 'overdue' | 'soon' | 'ok' | 'done' | 'late' | 'none';

const OPEN = new Set(['received', 'classified', 'dispatched', 'accepted', 'in_progress', 'returned']);
const HOUR = 3_600_000;

export const TONE_COLOURS: Record<DeadlineTone, string> = {
  overdue: 'red',
  soon: 'orange',
  ok: 'green',
  done: 'default',
  late: 'volcano',
  none: 'default',
};

/** `soon`: within a day, or within a fifth of the time from dispatch, whichever is shorter. */
export function deadlineTone(
  o: { status: string; resolveDue: string | null; resolvedAt: string | null; dispatchedAt: string | null },
  now: number,
): DeadlineTone {
  if (!o.resolveDue) return 'none';
  const due = Date.parse(o.resolveDue);
  if (!OPEN.has(o.status)) {
    if (!o.resolvedAt) return 'none';
    return Date.parse(o.resolvedAt) <= due ? 'done' : 'late';
  }
  if (now > due) return 'overdue';
  const span = o.dispatchedAt ? due - Date.parse(o.dispatchedAt) : 24 * HOUR;
  return due - now <= Math.min(24 * HOUR, span / 5) ? 'soon' : 'ok';
}

/** A duration in the largest whole unit: days from 2 days on, hours from 1 hour on, else minutes. */
export function durationWords(
  ms: number,
  t: (key: MessageKey, vars?: Record<string, string | number>) => string,
): string {
  const abs = Math.abs(ms);
  if (abs >= 48 * HOUR) return t('ordersDays', { n: Math.floor(abs / (24 * HOUR)) });
  if (abs >= HOUR) return t('ordersHours', { n: Math.floor(abs / HOUR) });
  return t('ordersMinutes', { n: Math.max(1, Math.floor(abs / 60_000)) });
}

export function deadlineText(
  o: { status: string; resolveDue: string | null; resolvedAt: string | null; dispatchedAt: string | null },
  now: number,
  t: (key: MessageKey, vars?: Record<string, string | number>) => string,
): string {
  const tone = deadlineTone(o, now);
  if (tone === 'none' || !o.resolveDue) return '—';
  if (tone === 'done') return t('ordersDoneOnTime');
  if (tone === 'late') return t('ordersDoneLate');
  const left = Date.parse(o.resolveDue) - now;
  return tone === 'overdue'
    ? t('ordersOverdueBy', { d: durationWords(left, t) })
    : t('ordersLeft', { d: durationWords(left, t) });
}
