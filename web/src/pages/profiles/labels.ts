// Coded values of eligibility (decision, review state, appeal outcome…) as words in the current language.
import type { MessageKey } from '../../i18n/index.tsx';
import { MESSAGES } from '../../i18n/messages.ts';

/** The message key `${prefix}${value}` when the catalogue has one; otherwise the value itself is shown. */
export function codedLabel(t: (key: MessageKey) => string, prefix: string, value: string | null): string {
  if (value === null) return '';
  const key = `${prefix}${value}`;
  return key in MESSAGES ? t(key as MessageKey) : value;
}

export const STATUS_COLOURS: Record<string, string> = {
  eligible: 'green',
  near_miss: 'orange',
  excluded: 'purple',
  not_eligible: 'default',
};

export const REVIEW_COLOURS: Record<string, string> = {
  pending: 'processing',
  approved: 'success',
  rejected: 'default',
};
