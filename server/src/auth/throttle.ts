// Login throttling with growing back-off, per account and per client address.
// Everything lives in this process's memory: client addresses are never
// written to disk or to logs, and are forgotten when the back-off ends.

export type ThrottlePolicy = {
  /** Failures allowed before any delay. */
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a quiet key is remembered at all. */
  forgetAfterMs: number;
};

/** Per account: a person mistyping gets a few free tries. */
export const accountThrottlePolicy: ThrottlePolicy = {
  freeFailures: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

/** Per client address: looser, because many people may share one (NAT, a school). */
export const addressThrottlePolicy: ThrottlePolicy = { ...accountThrottlePolicy, freeFailures: 20 };

type Entry = { failures: number; blockedUntil: number; lastFailure: number };

export class Throttle {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly now: () => number = Date.now,
    /** Bound on remembered keys, so a flood of addresses cannot grow memory without limit. */
    private readonly maxEntries = 100_000,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const entry = this.#entries.get(key);
    if (!entry) return 0;
    const now = this.now();
    if (now - entry.lastFailure > this.policy.forgetAfterMs) {
      this.#entries.delete(key);
      return 0;
    }
    return Math.max(0, entry.blockedUntil - now);
  }

  recordFailure(key: string): void {
    const now = this.now();
    const entry = this.#entries.get(key) ?? { failures: 0, blockedUntil: 0, lastFailure: now };
    entry.failures += 1;
    entry.lastFailure = now;
    const over = entry.failures - this.policy.freeFailures;
    if (over > 0)
      entry.blockedUntil = now + Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (over - 1));
    this.#entries.delete(key); // re-insert: Map order is then least-recently-failed first
    this.#entries.set(key, entry);
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  recordSuccess(key: string): void {
    this.#entries.delete(key);
  }
}
