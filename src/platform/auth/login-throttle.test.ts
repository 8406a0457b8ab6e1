import { describe, expect, it } from 'vitest';
import { SlidingWindowThrottle } from './login-throttle.ts';

describe('sliding-window sign-in throttle', () => {
  it('allows the limit within the window, then says how long to wait for the oldest attempt to expire', () => {
    const throttle = new SlidingWindowThrottle({ limit: 3, windowMs: 60_000 });
    expect(throttle.take('ip', 1_000)).toBe(0);
    expect(throttle.take('ip', 2_000)).toBe(0);
    expect(throttle.take('ip', 3_000)).toBe(0);
    expect(throttle.take('ip', 10_000)).toBe(51_000);
    expect(throttle.take('other', 10_000)).toBe(0);
  });

  it('does not count refused attempts, so waiting the given time always lets the next one through', () => {
    const throttle = new SlidingWindowThrottle({ limit: 1, windowMs: 1_000 });
    expect(throttle.take('u', 0)).toBe(0);
    for (let t = 100; t < 1_000; t += 100) expect(throttle.take('u', t)).toBe(1_000 - t);
    expect(throttle.take('u', 1_000)).toBe(0);
  });
});
