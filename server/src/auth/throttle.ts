// Throttling of guesses (passwords, codes) and of sign-ups, with growing
// back-off, per account and per client address.
// Protects: accounts against password and code guessing, and the server
// against floods of argon2 work.
// Against: an attacker who sends many requests in parallel, from one address
// or (per account) from many.
// Assumes: that a caller reserves an attempt before it awaits anything. This
// file is the engine for one node (counts in its memory); several nodes share
// counts in Redis with the same rules (coordination/redis/RedisThrottles.ts). An attempt is counted
// when it starts, not when it has failed: checking first and counting after
// an await lets every parallel request through the check. An attempt that
// turns out right, or is never evaluated, is given back.
// Client addresses are never written to disk or to logs, and are forgotten
// when their back-off ends.
import { ClientError } from '../errors.js';

export type ThrottlePolicy = {
  /** Names the count (a key in Redis). */
  name: string;
  /** Attempts allowed before any delay; the one after them is evaluated too, and starts the back-off. */
  freeAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a quiet key is remembered at all (at most an hour: docs/data-inventory.md promises it). */
  forgetAfterMs: number;
};

/** Per account: a person mistyping gets a few free tries. */
export const accountThrottlePolicy: ThrottlePolicy = {
  name: 'account',
  freeAttempts: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

/** Per client address: looser, because many people may share one (NAT, a school). */
export const addressThrottlePolicy: ThrottlePolicy = { ...accountThrottlePolicy, name: 'address', freeAttempts: 20 };

/**
 * Sign-ups per client address, whatever their outcome: 20 at once (a class
 * signing up together behind one NAT), then one a minute, with no growing
 * delay, until the address has been quiet for an hour. Enough to stop a
 * script making accounts (each costs a hash) or probing which usernames exist.
 */
export const signUpThrottlePolicy: ThrottlePolicy = {
  name: 'signUp',
  freeAttempts: 20,
  baseDelayMs: 60_000,
  maxDelayMs: 60_000,
  forgetAfterMs: 60 * 60_000,
};

export class ThrottledError extends ClientError {
  constructor(readonly retryAfterMs: number) {
    super('throttled', `Too many attempts. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`);
    this.name = 'ThrottledError';
  }
}

type Entry = { attempts: number; lastAttempt: number };

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
    if (now - entry.lastAttempt > this.policy.forgetAfterMs) {
      this.#entries.delete(key);
      return 0;
    }
    const over = entry.attempts - this.policy.freeAttempts;
    if (over <= 0) return 0;
    const delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (over - 1));
    return Math.max(0, entry.lastAttempt + delay - now);
  }

  /** Counts an attempt that is about to be evaluated. Only after `retryAfterMs(key)` said 0. */
  reserve(key: string): void {
    const now = this.now();
    const entry = this.#entries.get(key) ?? { attempts: 0, lastAttempt: now };
    entry.attempts += 1;
    entry.lastAttempt = now;
    this.#entries.delete(key); // re-insert: Map order is then least-recently-tried first
    this.#entries.set(key, entry);
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** Gives back one reserved attempt: it was right, or it was never evaluated. */
  refund(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return; // forgotten meanwhile: nothing to give back
    entry.attempts -= 1;
    if (entry.attempts <= 0) this.#entries.delete(key);
  }

  /** Forgets every attempt of `key`: its owner just proved who they are. */
  forget(key: string): void {
    this.#entries.delete(key);
  }
}

/**
 * Attempts reserved against several throttles at once: all of them, or none
 * and a ThrottledError. Synchronous, so nothing can slip in between the check
 * and the count.
 */
export class Reservation {
  #refunded = false;

  private constructor(private readonly holds: readonly (readonly [Throttle, string])[]) {}

  static take(holds: readonly (readonly [Throttle, string])[]): Reservation {
    const waitMs = Math.max(0, ...holds.map(([throttle, key]) => throttle.retryAfterMs(key)));
    if (waitMs > 0) throw new ThrottledError(waitMs);
    for (const [throttle, key] of holds) throttle.reserve(key);
    return new Reservation(holds);
  }

  /** Gives every attempt back, once however often it is called. */
  refund(): void {
    if (this.#refunded) return;
    this.#refunded = true;
    for (const [throttle, key] of this.holds) throttle.refund(key);
  }
}
