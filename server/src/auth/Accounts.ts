// Accounts: registration with mandatory TOTP enrolment, two-step login, and
// the account page's actions. Failures say as little as possible: every
// login failure is the same "not right" message, and an unknown username
// costs the same argon2 time as a wrong password.
// Guessing is bounded whatever the concurrency: every password or code check
// first reserves its attempt (per account, per client address, per pending
// login) atomically, before the check is awaited; see throttle.ts. Counts and
// pending flows live in the coordination engine: this process's memory, or
// Redis shared by several nodes (coordination/).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Account, type AuthRequest, type AuthResponse } from '@parley/shared';
import { checkPassword } from '@parley/shared/password-policy';
import { ClientError } from '../errors.js';
import { accountSummary, exportAccountData } from './accountData.js';
import { coarseNowSeconds, type AccountEventKind, type Database, type Store } from '../store/index.js';
import { hashPassword, prepareDecoy, verifyAgainstDecoy, verifyPassword } from './password.js';
import { findRecoveryCode, hashRecoveryCode, newRecoveryCodes } from './recoveryCodes.js';
import type { ServerKey } from './serverKey.js';
import type { Sessions } from './sessions.js';
import { ExpiredError, InvalidCredentialsError } from './errors.js';
import { accountThrottlePolicy, addressThrottlePolicy, signUpThrottlePolicy } from './throttle.js';
import type { Coordination, Hold, PendingFlows, Reservation, Throttles } from '../coordination/index.js';
import { acceptTotp, newTotpSecret, otpauthUri, qrCodeSvg } from './totp.js';

type PendingEnrolment = { username: string; passwordHash: string; secret: string };
type PendingLogin = { userId: string; username: string };

/** Codes ever checked for one pending sign-up or login; then it must start again. */
const maxCodeAttempts = 5;
const loginExpired = () => new ExpiredError('This login expired or had too many wrong codes. Please start again.');

export class Accounts {
  readonly #enrolments: PendingFlows<PendingEnrolment>;
  readonly #logins: PendingFlows<PendingLogin>;
  readonly #throttles: Throttles;

  private readonly db: Kysely<Database>;

  constructor(
    private readonly store: Store,
    private readonly serverKey: ServerKey,
    private readonly sessions: Sessions,
    coordination: Coordination,
  ) {
    this.db = store.db;
    this.#throttles = coordination.throttles;
    this.#enrolments = coordination.pendingFlows({ name: 'enrolment', ttlMs: 15 * 60_000, maxEntries: 10_000 });
    this.#logins = coordination.pendingFlows({ name: 'login', ttlMs: 5 * 60_000, maxEntries: 10_000 });
    // Warm-up only: a failure here resurfaces on the first unknown-username login.
    prepareDecoy().catch(() => undefined);
  }

  async startRegistration(
    { username, password }: AuthRequest<'register'>,
    clientKey: string,
  ): Promise<AuthResponse<'register'>> {
    // Every sign-up counts, whatever its outcome: it costs a policy check
    // (~10 ms of this thread) and a hash (~25 ms of a core), and its answer
    // tells whether a username exists. The checks run in the hash queue's
    // turn, so sign-ups turned away as busy cost nothing.
    const reservation = await this.#throttles.take([[signUpThrottlePolicy, clientKey]]);
    let passwordHash: string;
    try {
      passwordHash = await hashPassword(password, 'signUp', async () => {
        const verdict = checkPassword(password, username);
        if (!verdict.ok) throw new ClientError('weak_password', verdict.message);
        if (await this.#findUser(username)) throw new ClientError('username_taken', 'That username is taken.');
      });
    } catch (error) {
      // Every answer counts, "busy" too (a flood gains nothing from it); only a failure of ours does not.
      if (!(error instanceof ClientError)) await reservation.refund();
      throw error;
    }
    const secret = newTotpSecret();
    const enrolmentId = await this.#enrolments.put({ username, passwordHash, secret });
    const uri = otpauthUri(username, secret);
    return { enrolmentId, totpSecret: secret, otpauthUri: uri, qrCodeSvg: await qrCodeSvg(uri) };
  }

  /** Proves the authenticator works; only then is the account written down. */
  async confirmEnrolment({ enrolmentId, code }: AuthRequest<'confirmEnrolment'>) {
    const expired = () => new ExpiredError('This sign-up expired or had too many wrong codes. Please start again.');
    const pending = await this.#enrolments.get(enrolmentId);
    if (!pending) throw expired();
    // Counted before the check is awaited, so parallel codes cannot all be tried.
    const attempts = await this.#enrolments.countAttempt(enrolmentId, maxCodeAttempts);
    if (attempts === undefined) throw expired();
    const step = await acceptTotp(pending.secret, code, 0);
    if (step === undefined) {
      if (attempts >= maxCodeAttempts) await this.#enrolments.delete(enrolmentId);
      throw new InvalidCredentialsError('That code is not right. Check the time on your device.');
    }
    const userId = randomUUID();
    const recoveryCodes = newRecoveryCodes();
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('users')
          .values({
            id: userId,
            username: pending.username,
            password_hash: pending.passwordHash,
            totp_secret_sealed: this.serverKey.seal(pending.secret),
            totp_last_step: step,
            created_at: coarseNowSeconds(),
          })
          .execute();
        await trx
          .insertInto('recovery_codes')
          .values(recoveryCodes.map((c) => ({ user_id: userId, code_hash: hashRecoveryCode(c) })))
          .execute();
      });
    } catch (error) {
      if (await this.#findUser(pending.username)) throw new ClientError('username_taken', 'That username is taken.');
      throw error;
    }
    await this.#enrolments.delete(enrolmentId);
    return { userId, recoveryCodes };
  }

  async startLogin({ username, password }: AuthRequest<'login'>, clientKey: string): Promise<AuthResponse<'login'>> {
    const keys = throttleKeys(username, clientKey);
    const reservation = await this.#reserve(keys);
    const user = await evaluated(reservation, async () => {
      const found = await this.#findUser(username);
      if (!found) {
        await verifyAgainstDecoy(password);
        throw new InvalidCredentialsError();
      }
      const check = await verifyPassword(found.password_hash, password);
      if (!check.valid) throw new InvalidCredentialsError();
      return { ...found, rehash: check.rehash };
    });
    if (user.rehash)
      await this.db.updateTable('users').set({ password_hash: user.rehash }).where('id', '=', user.id).execute();
    return { loginId: await this.#logins.put({ userId: user.id, username: user.username }) };
  }

  /** The second step: a TOTP code for a new time step, or an unused recovery code. */
  async finishLogin(request: AuthRequest<'secondFactor'>, clientKey: string): Promise<{ userId: string }> {
    const pending = await this.#logins.get(request.loginId);
    if (!pending) throw loginExpired();
    const keys = throttleKeys(pending.username, clientKey);
    const reservation = await this.#reserve(keys);
    // This login's own attempt, taken with the others before the code is checked.
    const attempts = await this.#logins.countAttempt(request.loginId, maxCodeAttempts);
    if (attempts === undefined) {
      await reservation.refund();
      throw loginExpired();
    }
    try {
      await evaluated(reservation, async () => {
        const accepted =
          'code' in request
            ? await this.#acceptCode(pending.userId, request.code)
            : await this.#useRecoveryCode(pending.userId, request.recoveryCode);
        if (!accepted) throw new InvalidCredentialsError();
      });
    } catch (error) {
      if (!(error instanceof InvalidCredentialsError))
        await this.#logins.giveBackAttempt(request.loginId); // never checked
      else if (attempts >= maxCodeAttempts) await this.#logins.delete(request.loginId);
      throw error;
    }
    await this.#logins.delete(request.loginId);
    await this.#throttles.forget([accountThrottlePolicy, keys.account]); // both factors right: the account starts afresh
    return { userId: pending.userId };
  }

  account(userId: string, currentSessionId: string): Promise<Account> {
    return accountSummary(this.db, this.sessions, userId, currentSessionId);
  }

  exportData(userId: string) {
    return exportAccountData(this.db, userId);
  }

  async changePassword(userId: string, keepSessionId: string, request: AuthRequest<'changePassword'>): Promise<void> {
    const user = await this.#reauthenticate(userId, request.currentPassword);
    const verdict = checkPassword(request.newPassword, user.username);
    if (!verdict.ok) throw new ClientError('weak_password', verdict.message);
    const hash = await hashPassword(request.newPassword, 'login');
    await this.db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
    await this.sessions.revokeAll(userId, keepSessionId);
    await this.recordEvent(userId, 'password_changed');
  }

  async regenerateRecoveryCodes(userId: string, request: AuthRequest<'regenerateRecoveryCodes'>): Promise<string[]> {
    await this.#reauthenticate(userId, request.password);
    const codes = newRecoveryCodes();
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await trx
        .insertInto('recovery_codes')
        .values(codes.map((c) => ({ user_id: userId, code_hash: hashRecoveryCode(c) })))
        .execute();
    });
    await this.recordEvent(userId, 'recovery_codes_regenerated');
    return codes;
  }

  /**
   * Immediate and complete: the user row and, with it (cascade), sessions,
   * codes, events, device keys and meeting links; on SQLite also overwritten on disk.
   */
  async deleteAccount(userId: string, request: AuthRequest<'deleteAccount'>): Promise<void> {
    await this.#reauthenticate(userId, request.password);
    await this.sessions.revokeAll(userId); // first, so live calls of this user are cut too
    await this.db.transaction().execute(async (trx) => {
      for (const table of ['sessions', 'recovery_codes', 'account_events', 'identity_keys'] as const) {
        await trx.deleteFrom(table).where('user_id', '=', userId).execute();
      }
      await trx.deleteFrom('meeting_links').where('owner_id', '=', userId).execute();
      await trx.deleteFrom('users').where('id', '=', userId).execute();
    });
    await this.store.flushDeleted(); // and off the disk, not only out of the tables
  }

  /** The username of an account (for the identity others see in a call), or undefined if it is gone. */
  async usernameOf(userId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('users').select('username').where('id', '=', userId).executeTakeFirst();
    return row?.username;
  }

  async recordEvent(userId: string, kind: AccountEventKind): Promise<void> {
    await this.db
      .insertInto('account_events')
      .values({ id: randomUUID(), user_id: userId, kind, at: coarseNowSeconds() })
      .execute();
  }

  #findUser(username: string) {
    const normalized = username.normalize('NFKC').trim().toLowerCase();
    return this.db.selectFrom('users').selectAll().where('username', '=', normalized).executeTakeFirst();
  }

  async #acceptCode(userId: string, code: string): Promise<boolean> {
    const user = await this.db
      .selectFrom('users')
      .select(['totp_secret_sealed', 'totp_last_step'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) return false;
    const step = await acceptTotp(this.serverKey.open(user.totp_secret_sealed), code, user.totp_last_step);
    if (step === undefined) return false;
    // Conditional update: of two concurrent logins with the same code, one wins.
    const result = await this.db
      .updateTable('users')
      .set({ totp_last_step: step })
      .where('id', '=', userId)
      .where('totp_last_step', '<', step)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async #useRecoveryCode(userId: string, code: string): Promise<boolean> {
    const stored = await this.db
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', userId)
      .execute();
    const match = findRecoveryCode(
      code,
      stored.map((row) => row.code_hash),
    );
    if (!match) return false;
    const result = await this.db
      .deleteFrom('recovery_codes')
      .where('user_id', '=', userId)
      .where('code_hash', '=', match)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) return false; // used by a concurrent login
    await this.recordEvent(userId, 'recovery_code_used');
    return true;
  }

  async #reauthenticate(userId: string, password: string) {
    const reservation = await this.#throttles.take([[accountThrottlePolicy, `id:${userId}`]]);
    return evaluated(reservation, async () => {
      const user = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
      const check = await verifyPassword(user.password_hash, password);
      if (!check.valid) throw new InvalidCredentialsError('That password is not right.');
      return user;
    });
  }

  /** One attempt for the account and for the client address, taken before the check is awaited. */
  #reserve(keys: ThrottleKeys): Promise<Reservation> {
    const holds: Hold[] = [
      [accountThrottlePolicy, keys.account],
      [addressThrottlePolicy, keys.address],
    ];
    return this.#throttles.take(holds);
  }
}

type ThrottleKeys = { account: string; address: string };

function throttleKeys(username: string, clientKey: string): ThrottleKeys {
  return { account: `user:${username.normalize('NFKC').trim().toLowerCase()}`, address: clientKey };
}

/**
 * Runs a check under its reservation. A wrong answer keeps the attempt
 * counted; a right one gives it back, and so does a check that never ran
 * (the server was busy, the database failed): only guesses count.
 */
async function evaluated<T>(reservation: Reservation, check: () => Promise<T>): Promise<T> {
  try {
    const result = await check();
    await reservation.refund();
    return result;
  } catch (error) {
    if (!(error instanceof InvalidCredentialsError)) await reservation.refund();
    throw error;
  }
}
