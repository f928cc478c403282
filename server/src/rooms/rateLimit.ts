// The two shapes every limit in rooms and signaling takes: a quota (at most
// so many held at once, per key) and a token bucket (a burst, refilled at a
// steady rate). Both are checked and taken in one synchronous step, before
// the caller awaits anything: parallel requests are the normal case for an
// attacker, and a check separated from its update by an await lets them all
// through. In memory only; nothing here is written down.
import { performance } from 'node:perf_hooks';
import { LimitError } from '../errors.js';

/** At most `limit` held at once per key; each reservation is released exactly once. */
export class Quota {
  readonly #held = new Map<string, number>();

  constructor(
    readonly limit: number,
    /** What is counted, for the error message: "open calls per account". */
    readonly what: string,
  ) {}

  held(key = ''): number {
    return this.#held.get(key) ?? 0;
  }

  /** Takes one for `key` or throws a LimitError; the returned release is idempotent. */
  reserve(key = ''): () => void {
    const held = this.held(key);
    if (held >= this.limit) throw new LimitError(this.what, this.limit);
    this.#held.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.held(key) - 1;
      if (left > 0) this.#held.set(key, left);
      else this.#held.delete(key);
    };
  }
}

/** Takes one of each, in order; if one fails, gives back those taken and throws. */
export function reserveAll(...reservations: (() => () => void)[]): () => void {
  const releases: (() => void)[] = [];
  try {
    for (const reserve of reservations) releases.push(reserve());
  } catch (error) {
    for (const release of releases) release();
    throw error;
  }
  return () => {
    for (const release of releases) release();
  };
}

/** A burst of `capacity`, refilled at `perSecond`. */
export type Rate = { capacity: number; perSecond: number };

export class TokenBucket {
  #tokens: number | undefined;
  #at = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Takes `cost` tokens if there are that many. The rate may differ from call
   * to call (some grow with the size of the room): the bucket starts full at
   * the first rate it sees and refills toward the current one.
   */
  tryTake(rate: Rate, cost = 1): boolean {
    const now = this.now();
    const refilled =
      this.#tokens === undefined ? rate.capacity : this.#tokens + ((now - this.#at) / 1000) * rate.perSecond;
    this.#at = now;
    this.#tokens = Math.min(rate.capacity, refilled);
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }
}

/** Token buckets by key (a kind of request, a user), at most `maxKeys` of them. */
export class RateLimiter<K> {
  readonly #buckets = new Map<K, TokenBucket>();

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly maxKeys = 10_000,
  ) {}

  tryTake(key: K, rate: Rate, cost = 1): boolean {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      // Forgetting the oldest key gives it a full bucket again: the bound is
      // on memory, and a client needs that many keys (accounts) to use it.
      if (this.#buckets.size >= this.maxKeys) {
        const oldest = this.#buckets.keys().next();
        if (!oldest.done) this.#buckets.delete(oldest.value);
      }
      bucket = new TokenBucket(this.now);
      this.#buckets.set(key, bucket);
    }
    return bucket.tryTake(rate, cost);
  }
}
