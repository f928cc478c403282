// Password hashing with argon2id. Parameters are named constants at OWASP's
// recommendation (m = 19 MiB, t = 2, p = 1); a hash made with weaker ones is
// recomputed at the next successful login.
// Hashing runs behind one bounded priority queue (HashQueue): a flood waits
// its turn or is told to come back later, instead of exhausting memory (each
// hash holds 19 MiB) or starving the media signaling. People who have an
// account (logins, password changes) go first; sign-ups wait behind them,
// with a smaller bound of their own, so a flood of sign-ups can neither
// delay a login much nor make it "busy".
import { cpus } from 'node:os';
import argon2 from 'argon2';
import PQueue from 'p-queue';
import { normalizePassword } from '@parley/shared';
import { BusyError } from './errors.js';

export const argon2Parameters = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024, // KiB
  timeCost: 2,
  parallelism: 1,
} as const;

/** Who is waiting for a hash: someone with an account, or someone making one. */
export type HashPriority = 'login' | 'signUp';

export type HashQueueLimits = {
  /** Hashes running at once. */
  concurrency: number;
  /** Hashes waiting, of any priority: beyond this the server is overloaded. */
  maxWaiting: number;
  /** Sign-ups waiting: beyond this, sign-ups are turned away while logins still queue. */
  maxWaitingSignUps: number;
};

const queuePriority: Record<HashPriority, number> = { login: 1, signUp: 0 };

export class HashQueue {
  readonly #queue: PQueue;

  constructor(private readonly limits: HashQueueLimits) {
    this.#queue = new PQueue({ concurrency: limits.concurrency });
  }

  /** Runs `work` in turn, or refuses at once with a BusyError when too many wait. */
  run<T>(priority: HashPriority, work: () => Promise<T>): Promise<T> {
    if (this.#queue.size >= this.limits.maxWaiting)
      return Promise.reject(new BusyError('The server has too many logins to check right now. Try again in a minute.'));
    if (
      priority === 'signUp' &&
      this.#queue.sizeBy({ priority: queuePriority.signUp }) >= this.limits.maxWaitingSignUps
    )
      return Promise.reject(new BusyError('The server has too many sign-ups right now. Try again in a few minutes.'));
    return this.#queue.add(work, { priority: queuePriority[priority] });
  }
}

/** One hash per core at a time; a few seconds' worth may wait (a hash takes ~25 ms on one core). */
const hashQueue = new HashQueue({
  concurrency: Math.max(1, cpus().length),
  maxWaiting: 128,
  maxWaitingSignUps: 16,
});

/**
 * Hashes a password in its turn. `beforeHashing` runs in that turn too, just
 * before: checks that cost time (the password policy, the username) are then
 * spent only on work the queue has room for, and a flood turned away as busy
 * costs nothing.
 */
export function hashPassword(
  password: string,
  priority: HashPriority,
  beforeHashing: () => Promise<void> = async () => undefined,
): Promise<string> {
  return hashQueue.run(priority, async () => {
    await beforeHashing();
    return argon2.hash(normalizePassword(password), argon2Parameters);
  });
}

export type PasswordCheck = { valid: boolean; rehash: string | undefined };

/** Checks a password; when it is right and the hash is outdated, also returns a fresh hash to store. */
export function verifyPassword(hash: string, password: string): Promise<PasswordCheck> {
  return hashQueue.run('login', async () => {
    const normalized = normalizePassword(password);
    const valid = await argon2.verify(hash, normalized);
    const rehash =
      valid && argon2.needsRehash(hash, argon2Parameters) ? await argon2.hash(normalized, argon2Parameters) : undefined;
    return { valid, rehash };
  });
}

// A real hash of a random password: checked against when a username does not
// exist, so an unknown username costs the same time as a wrong password.
let decoyHash: Promise<string> | undefined;
/** Makes the decoy hash ahead of time, so the first unknown username is not slower either. */
export function prepareDecoy(): Promise<string> {
  decoyHash ??= argon2.hash(crypto.randomUUID(), argon2Parameters).catch((error: unknown) => {
    decoyHash = undefined; // try again next time rather than fail forever
    throw error;
  });
  return decoyHash;
}
export async function verifyAgainstDecoy(password: string): Promise<void> {
  await verifyPassword(await prepareDecoy(), password);
}
