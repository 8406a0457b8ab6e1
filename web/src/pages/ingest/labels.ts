// The names of fields, dimensions and run states in the current language.
import type { MessageKey } from '../../i18n/index.tsx';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

function coded(t: T, prefix: string, code: string): string {
  const key = `${prefix}${code}` as MessageKey;
  try {
    return t(key);
  } catch {
    return code;
  }
}

export const fieldLabel = (t: T, field: string) => coded(t, 'ingestField_', field);
export const dimensionLabel = (t: T, dimension: string) => coded(t, 'ingestDim_', dimension);
export const reasonLabel = (t: T, reason: string) => coded(t, 'ingestReason_', reason);
export const statusLabel = (t: T, status: string) => coded(t, 'ingestStatus_', status);
export const SOURCE_PATTERN = /^[a-z0-9_-]{1,64}$/;
