// Guess and sign-up throttles, as the login code sees them: attempts are
// counted per key and policy before a check is awaited, all of a request's
// keys at once or none. Two engines: this process's memory (one node, the
// default) and Redis (several nodes share one count; redis/RedisThrottles.ts).
// Protects: the throttles' promise (auth/throttle.ts) when a login's steps
// and an attacker's parallel requests land on different nodes.
import { Reservation as MemoryReservation, Throttle, type ThrottlePolicy } from '../auth/throttle.js';

/** One count to take: a policy (its name keys the count) and a key (a username, an address). */
export type Hold = readonly [policy: ThrottlePolicy, key: string];

export type Reservation = {
  /** Gives every attempt back (the answer was right, or never evaluated); once, however often called. */
  refund(): Promise<void>;
};

export interface Throttles {
  /**
   * Counts one attempt on every hold, atomically: all of them, or none and a
   * ThrottledError. Parallel calls cannot all pass the check before any counts.
   */
  take(holds: readonly Hold[]): Promise<Reservation>;
  /** Forgets every attempt of one key: its owner just proved who they are. */
  forget(hold: Hold): Promise<void>;
}

/** The single-node engine: counts in this process's memory. */
export class MemoryThrottles implements Throttles {
  readonly #byPolicy = new Map<string, Throttle>();

  constructor(private readonly now: () => number = Date.now) {}

  // Not `async` on purpose: the check and the count happen in the caller's
  // turn, before it awaits anything.
  take(holds: readonly Hold[]): Promise<Reservation> {
    try {
      const reservation = MemoryReservation.take(holds.map(([policy, key]) => [this.#throttle(policy), key] as const));
      return Promise.resolve({ refund: () => Promise.resolve(reservation.refund()) });
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  forget([policy, key]: Hold): Promise<void> {
    this.#throttle(policy).forget(key);
    return Promise.resolve();
  }

  #throttle(policy: ThrottlePolicy): Throttle {
    let throttle = this.#byPolicy.get(policy.name);
    if (!throttle) {
      throttle = new Throttle(policy, this.now);
      this.#byPolicy.set(policy.name, throttle);
    }
    return throttle;
  }
}
