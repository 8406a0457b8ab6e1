import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type SilentDeviceParams } from '../../lib/anomaly/rules.ts';
import { DEVICE_KINDS, isOnline, ONLINE_INTERVALS, REPORTING_INTERVAL_MINUTES } from './device-kinds.ts';

describe('device reporting intervals', () => {
  it('turn a device offline exactly when the default silent-device rule would raise its alert', () => {
    const silent = DEFAULT_RULES.find((r) => r.kind === 'silent_device');
    expect(silent).toBeDefined();
    const limits = (silent!.params as SilentDeviceParams).maxSilentMinutes;
    for (const kind of DEVICE_KINDS) {
      expect({ kind, minutes: ONLINE_INTERVALS * REPORTING_INTERVAL_MINUTES[kind] }).toEqual({
        kind,
        minutes: limits[kind],
      });
    }
  });

  it('counts a smoke detector online up to 24 h after its heartbeat and offline after', () => {
    const now = Date.UTC(2026, 11, 1, 12);
    expect(isOnline('smoke_detector', now - 24 * 3_600_000, now)).toBe(true);
    expect(isOnline('smoke_detector', now - 24 * 3_600_000 - 1, now)).toBe(false);
    expect(isOnline('smoke_detector', null, now)).toBe(false);
  });
});
