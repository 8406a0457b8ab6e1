// Throttles sign-in attempts per client address and per username (a sliding window in memory). The lockout in
// the database stops guessing one account's password; this stops one client spraying many accounts, and stops
// a flood of argon2 verifications from starving the server. Hand-written rather than @fastify/rate-limit because
// it must count per username from the parsed body as well as per address, and answer in the platform's error
// format; in memory is enough for one process (several processes behind a balancer would share it through
// Redis, which the platform does not require).
export interface ThrottleRule {
  limit: number;
  windowMs: number;
}

/** Keys above this many are pruned of expired windows, so a spray of random usernames cannot grow the map. */
const PRUNE_ABOVE = 50_000;

export class SlidingWindowThrottle {
  readonly #hits = new Map<string, number[]>();
  constructor(readonly rule: ThrottleRule) {}

  /**
   * Records an attempt. Returns 0 when it is allowed, otherwise the milliseconds until the key's oldest attempt
   * leaves the window (refused attempts are not recorded, so waiting that long always helps).
   */
  take(key: string, now = Date.now()): number {
    const since = now - this.rule.windowMs;
    const hits = (this.#hits.get(key) ?? []).filter((t) => t > since);
    this.#hits.set(key, hits);
    if (hits.length >= this.rule.limit) return hits[0]! - since;
    hits.push(now);
    if (this.#hits.size > PRUNE_ABOVE) this.#prune(since);
    return 0;
  }

  #prune(since: number) {
    for (const [key, hits] of this.#hits) if (!hits.some((t) => t > since)) this.#hits.delete(key);
  }
}
