// Alert feedback tunes the device's threshold scale: a false alarm makes the device's rules stricter by a quarter,
// a confirmed alarm relaxes them back toward the configured value. Bounded, so feedback can never silence a device.
export type Feedback = 'real' | 'false_alarm';

export const MIN_SCALE = 1;
export const MAX_SCALE = 4;

export function tuneScale(scale: number, feedback: Feedback): number {
  const next = feedback === 'false_alarm' ? scale * 1.25 : scale / 1.1;
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, next));
}
