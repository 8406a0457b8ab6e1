// Coded values (statuses, kinds, review states…) shown as words in the current language: each page keeps its codes'
// words in the catalogue under a prefix of its own.
import type { MessageKey } from './index.tsx';
import { MESSAGES } from './messages.ts';

/** The message key `${prefix}${value}` when the catalogue has one; otherwise the value itself is shown. */
export function codedLabel(t: (key: MessageKey) => string, prefix: string, value: string | null): string {
  if (value === null) return '';
  const key = `${prefix}${value}`;
  return key in MESSAGES ? t(key as MessageKey) : value;
}
