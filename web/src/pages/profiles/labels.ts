// Coded values of eligibility (decision, review state, appeal outcome…) as words in the current language.

export { codedLabel } from '../../i18n/coded-label.ts';

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
