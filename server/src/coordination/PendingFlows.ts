// Short-lived state between two steps of a flow: a registration waiting for
// its first TOTP code, a login waiting for its second factor. Nothing
// half-done is written to the database; it expires, or is used up after a
// few wrong codes. Two engines: this process's memory (one node) and Redis
// (a login may start on one node and finish on another; redis/RedisPending.ts).
import { PendingStore } from '../auth/PendingStore.js';

export interface PendingFlows<T> {
  /** Stores `value` under a fresh, unguessable id. */
  put(value: T): Promise<string>;
  get(id: string): Promise<T | undefined>;
  /**
   * Counts one code attempt, atomically: the new count, or undefined when the
   * flow is gone or already had `max` (so parallel codes cannot all be tried).
   */
  countAttempt(id: string, max: number): Promise<number | undefined>;
  /** Gives back an attempt whose code was never checked. */
  giveBackAttempt(id: string): Promise<void>;
  delete(id: string): Promise<void>;
}

export type PendingFlowOptions = {
  /** Names the flow (keys in Redis). */
  name: string;
  ttlMs: number;
  /** Bound on flows held in memory (Redis relies on the time-out alone). */
  maxEntries: number;
};

type Counted<T> = { value: T; attempts: number };

/** The single-node engine. Not `async`: every step happens in the caller's turn. */
export class MemoryPendingFlows<T> implements PendingFlows<T> {
  readonly #store: PendingStore<Counted<T>>;

  constructor(options: PendingFlowOptions, now: () => number = Date.now) {
    this.#store = new PendingStore(options.ttlMs, options.maxEntries, now);
  }

  put(value: T): Promise<string> {
    return Promise.resolve(this.#store.put({ value, attempts: 0 }));
  }

  get(id: string): Promise<T | undefined> {
    return Promise.resolve(this.#store.get(id)?.value);
  }

  countAttempt(id: string, max: number): Promise<number | undefined> {
    const entry = this.#store.get(id);
    if (!entry || entry.attempts >= max) return Promise.resolve(undefined);
    entry.attempts += 1;
    return Promise.resolve(entry.attempts);
  }

  giveBackAttempt(id: string): Promise<void> {
    const entry = this.#store.get(id);
    if (entry && entry.attempts > 0) entry.attempts -= 1;
    return Promise.resolve();
  }

  delete(id: string): Promise<void> {
    this.#store.delete(id);
    return Promise.resolve();
  }
}
