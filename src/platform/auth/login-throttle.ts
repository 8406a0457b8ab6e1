// Throttles sign-in attempts per client address and per username (a sliding window in memory). The lockout in
// the database stops guessing one account's password; this stops one client spraying many accounts, and stops
// a flood of argon2 verifications from starving the server. In memory is enough for one process; several
// processes behind a balancer would share it through Redis, which the platform does not require.
export interface ThrottleRule {
  limit: number;
  windowMs: number;
}

export class SlidingWindowThrottle {
  readonly #hits = new Map<string, number[]>();
  constructor(readonly rule: ThrottleRule) {}

  /** Records an attempt; false when the key already used its allowance in the window. */
  take(key: string, now = Date.now()): boolean {
    const since = now - this.rule.windowMs;
    const hits = (this.#hits.get(key) ?? []).filter((t) => t > since);
    if (hits.length >= this.rule.limit) {
      this.#hits.set(key, hits);
      return false;
    }
    hits.push(now);
    this.#hits.set(key, hits);
    if (this.#hits.size > 50_000) this.#prune(since);
    return true;
  }

  #prune(since: number) {
    for (const [key, hits] of this.#hits) if (!hits.some((t) => t > since)) this.#hits.delete(key);
  }
}
