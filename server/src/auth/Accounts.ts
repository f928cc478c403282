// Accounts: registration with mandatory TOTP enrolment, two-step login, and
// the account page's actions. Failures say as little as possible: every
// login failure is the same "not right" message, and an unknown username
// costs the same argon2 time as a wrong password.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Account, type AuthRequest, type AuthResponse } from '@parley/shared';
import { checkPassword } from '@parley/shared/password-policy';
import { ClientError } from '../errors.js';
import { accountSummary, exportAccountData } from './accountData.js';
import { coarseNowSeconds, type AccountEventKind, type Database } from '../store/index.js';
import { hashPassword, prepareDecoy, verifyAgainstDecoy, verifyPassword } from './password.js';
import { PendingStore } from './PendingStore.js';
import { findRecoveryCode, hashRecoveryCode, newRecoveryCodes } from './recoveryCodes.js';
import type { ServerKey } from './serverKey.js';
import type { Sessions } from './sessions.js';
import { accountThrottlePolicy, addressThrottlePolicy, Throttle } from './throttle.js';
import { acceptTotp, newTotpSecret, otpauthUri, qrCodeSvg } from './totp.js';

type PendingEnrolment = { username: string; passwordHash: string; secret: string; attempts: number };
type PendingLogin = { userId: string; username: string; attempts: number };

const maxCodeAttempts = 5;
const notRight = () => new ClientError('invalid_credentials', 'The username, password or code is not right.');

export class Accounts {
  readonly #enrolments = new PendingStore<PendingEnrolment>(15 * 60_000, 10_000);
  readonly #logins = new PendingStore<PendingLogin>(5 * 60_000, 10_000);
  readonly #accountThrottle = new Throttle(accountThrottlePolicy);
  readonly #addressThrottle = new Throttle(addressThrottlePolicy);

  constructor(
    private readonly db: Kysely<Database>,
    private readonly serverKey: ServerKey,
    private readonly sessions: Sessions,
  ) {
    // Warm-up only: a failure here resurfaces on the first unknown-username login.
    prepareDecoy().catch(() => undefined);
  }

  async startRegistration({ username, password }: AuthRequest<'register'>): Promise<AuthResponse<'register'>> {
    const verdict = checkPassword(password, username);
    if (!verdict.ok) throw new ClientError('weak_password', verdict.message);
    if (await this.#findUser(username)) throw new ClientError('username_taken', 'That username is taken.');
    const secret = newTotpSecret();
    const enrolmentId = this.#enrolments.put({
      username,
      passwordHash: await hashPassword(password),
      secret,
      attempts: 0,
    });
    const uri = otpauthUri(username, secret);
    return { enrolmentId, totpSecret: secret, otpauthUri: uri, qrCodeSvg: await qrCodeSvg(uri) };
  }

  /** Proves the authenticator works; only then is the account written down. */
  async confirmEnrolment({ enrolmentId, code }: AuthRequest<'confirmEnrolment'>) {
    const pending = this.#enrolments.get(enrolmentId);
    if (!pending) throw new ClientError('expired', 'This sign-up expired. Please start again.');
    const step = await acceptTotp(pending.secret, code, 0);
    if (step === undefined) {
      if (++pending.attempts >= maxCodeAttempts) this.#enrolments.delete(enrolmentId);
      throw new ClientError('invalid_credentials', 'That code is not right. Check the time on your device.');
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
    this.#enrolments.delete(enrolmentId);
    return { userId, recoveryCodes };
  }

  async startLogin({ username, password }: AuthRequest<'login'>, clientKey: string): Promise<AuthResponse<'login'>> {
    const keys = throttleKeys(username, clientKey);
    this.#assertNotThrottled(keys);
    const user = await this.#findUser(username);
    if (!user) {
      await verifyAgainstDecoy(password);
      throw this.#fail(keys);
    }
    const check = await verifyPassword(user.password_hash, password);
    if (!check.valid) throw this.#fail(keys);
    if (check.rehash)
      await this.db.updateTable('users').set({ password_hash: check.rehash }).where('id', '=', user.id).execute();
    return { loginId: this.#logins.put({ userId: user.id, username: user.username, attempts: 0 }) };
  }

  /** The second step: a TOTP code for a new time step, or an unused recovery code. */
  async finishLogin(request: AuthRequest<'secondFactor'>, clientKey: string): Promise<{ userId: string }> {
    const pending = this.#logins.get(request.loginId);
    if (!pending) throw notRight();
    const keys = throttleKeys(pending.username, clientKey);
    this.#assertNotThrottled(keys);
    const accepted =
      'code' in request
        ? await this.#acceptCode(pending.userId, request.code)
        : await this.#useRecoveryCode(pending.userId, request.recoveryCode);
    if (!accepted) {
      if (++pending.attempts >= maxCodeAttempts) this.#logins.delete(request.loginId);
      throw this.#fail(keys);
    }
    this.#logins.delete(request.loginId);
    this.#accountThrottle.recordSuccess(keys.account);
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
    const hash = await hashPassword(request.newPassword);
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

  /** Immediate and complete: the user row and, with it (cascade), sessions, codes, events and device keys. */
  async deleteAccount(userId: string, request: AuthRequest<'deleteAccount'>): Promise<void> {
    await this.#reauthenticate(userId, request.password);
    await this.sessions.revokeAll(userId); // first, so live calls of this user are cut too
    await this.db.transaction().execute(async (trx) => {
      for (const table of ['sessions', 'recovery_codes', 'account_events', 'identity_keys'] as const) {
        await trx.deleteFrom(table).where('user_id', '=', userId).execute();
      }
      await trx.deleteFrom('users').where('id', '=', userId).execute();
    });
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
    const keys: ThrottleKeys = { account: `id:${userId}` };
    this.#assertNotThrottled(keys);
    const user = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    const check = await verifyPassword(user.password_hash, password);
    if (!check.valid) {
      this.#accountThrottle.recordFailure(keys.account);
      throw new ClientError('invalid_credentials', 'That password is not right.');
    }
    return user;
  }

  #assertNotThrottled(keys: ThrottleKeys): void {
    const waitMs = Math.max(
      this.#accountThrottle.retryAfterMs(keys.account),
      keys.address ? this.#addressThrottle.retryAfterMs(keys.address) : 0,
    );
    if (waitMs > 0)
      throw new ClientError('throttled', `Too many attempts. Try again in ${Math.ceil(waitMs / 1000)} s.`);
  }

  #fail(keys: ThrottleKeys): ClientError {
    this.#accountThrottle.recordFailure(keys.account);
    if (keys.address) this.#addressThrottle.recordFailure(keys.address);
    return notRight();
  }
}

type ThrottleKeys = { account: string; address?: string };

function throttleKeys(username: string, clientKey: string): ThrottleKeys {
  return { account: `user:${username.normalize('NFKC').trim().toLowerCase()}`, address: clientKey };
}
