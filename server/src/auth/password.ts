// Password hashing with argon2id. Parameters are named constants at OWASP's
// recommendation (m = 19 MiB, t = 2, p = 1); a hash made with weaker ones is
// recomputed at the next successful login. Hashing runs behind a bounded queue:
// a flood of logins waits its turn or is told to come back later, instead of
// exhausting memory (each hash holds 19 MiB) or starving the media signaling.
import { cpus } from 'node:os';
import argon2 from 'argon2';
import pLimit from 'p-limit';
import { normalizePassword } from '@parley/shared';
import { ClientError } from '../errors.js';

export const argon2Parameters = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024, // KiB
  timeCost: 2,
  parallelism: 1,
} as const;

/** At most this many hashes run at once (one per core), and this many wait. */
const concurrentHashes = Math.max(1, cpus().length);
const maxWaitingHashes = 128;

const limit = pLimit(concurrentHashes);

export class BusyError extends ClientError {
  constructor() {
    super('busy', 'the server is busy; try again in a moment');
    this.name = 'BusyError';
  }
}

function queued<T>(work: () => Promise<T>): Promise<T> {
  if (limit.pendingCount >= maxWaitingHashes) return Promise.reject(new BusyError());
  return limit(work);
}

export function hashPassword(password: string): Promise<string> {
  return queued(() => argon2.hash(normalizePassword(password), argon2Parameters));
}

export type PasswordCheck = { valid: boolean; rehash: string | undefined };

/** Checks a password; when it is right and the hash is outdated, also returns a fresh hash to store. */
export function verifyPassword(hash: string, password: string): Promise<PasswordCheck> {
  return queued(async () => {
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
