// Per-device token buckets: a device may send `rate` messages a second on average and `burst` at once. A flooding
// device loses its own messages (counted) and nobody else's.
export class TokenBuckets {
  private readonly tokens = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {}

  take(key: string, nowMs: number): boolean {
    let b = this.tokens.get(key);
    if (!b) {
      b = { tokens: this.burst, at: nowMs };
      this.tokens.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.rate);
    b.at = nowMs;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
