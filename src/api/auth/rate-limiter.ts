/**
 * A token bucket per key, in memory: `perSecond` sustained with bursts up to
 * `burst`. One process; with several API processes each enforces its own
 * share (stated in docs). Old buckets are swept so memory stays bounded.
 */
export class RateLimiter {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #sweptAt = 0;

  constructor(options: { perSecond: number; burst: number }) {
    this.#perSecond = options.perSecond;
    this.#burst = options.burst;
  }

  /** Takes `cost` tokens; returns 0 when allowed, else the seconds to wait. */
  take(key: string, now: number, cost = 1): number {
    if (now - this.#sweptAt > 60_000) this.#sweep(now);
    const b = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#perSecond);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return 0;
    }
    return Math.max(1, Math.ceil((cost - b.tokens) / this.#perSecond));
  }

  /** Gives back `cost` tokens taken by `take` (e.g. a login attempt that turned out right). */
  refund(key: string, cost = 1): void {
    const b = this.#buckets.get(key);
    if (b) b.tokens = Math.min(this.#burst, b.tokens + cost);
  }

  /** The seconds to wait before `cost` tokens are available, without taking them (0 = now). */
  waitFor(key: string, now: number, cost = 1): number {
    const b = this.#buckets.get(key);
    if (!b) return 0;
    const tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#perSecond);
    return tokens >= cost ? 0 : Math.max(1, Math.ceil((cost - tokens) / this.#perSecond));
  }

  #sweep(now: number) {
    this.#sweptAt = now;
    const full = (this.#burst / this.#perSecond) * 1000;
    for (const [k, b] of this.#buckets) if (now - b.at > full) this.#buckets.delete(k);
  }
}
